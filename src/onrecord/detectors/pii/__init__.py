"""Personal-data detection: identifiers with checksums, contact details, addresses and person names."""

from __future__ import annotations

from onrecord.detectors.pii.detector import ENTITIES, PersonNameDetector, PiiDetector

__all__ = ["ENTITIES", "PersonNameDetector", "PiiDetector"]
