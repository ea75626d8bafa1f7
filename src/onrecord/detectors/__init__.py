"""Detectors: low-level signals (patterns, lexicons, models) with spans and scores."""

from __future__ import annotations

from onrecord.detectors.base import Detector, Signals, run_detectors, run_detectors_many


def default_detectors() -> list[Detector]:
    """The detectors every run uses, built once per process (they compile patterns)."""
    from onrecord.detectors import normalise
    from onrecord.detectors.abuse import AbuseDetector
    from onrecord.detectors.pii import PersonNameDetector, PiiDetector
    from onrecord.detectors.political import PoliticalDetector
    from onrecord.detectors.sensitive import SensitiveDetector

    normalise.prepare()
    # person names are found on demand (PersonNameDetector.lazy_kinds): see detectors/base.py
    return [PoliticalDetector(), PiiDetector(names=False), AbuseDetector(), SensitiveDetector(), PersonNameDetector()]


__all__ = ["Detector", "Signals", "default_detectors", "run_detectors", "run_detectors_many"]
