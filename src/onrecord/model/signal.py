"""Low-level signals found by detectors, before any policy judgement."""

from __future__ import annotations

import msgspec


class Signal(msgspec.Struct, kw_only=True, frozen=True):
    """One thing a detector found: a kind (``PHONE_NUMBER``, ``donation_link``…), where, and how sure.

    ``field`` names the part of the post the offsets refer to (``text``, ``comment``, ``bio``,
    ``display_name``, ``links``, ``profile_image``, ``header_image``).
    """

    kind: str
    start: int
    end: int
    text: str
    score: float = 1.0
    field: str = "text"
    detector: str = ""
    evidence: str = ""
