"""Where the shared evaluation data lives (``ONRECORD_SHARED``, default ``../shared`` beside the repo)."""

from __future__ import annotations

import os
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def shared_dir() -> Path:
    return Path(os.environ.get("ONRECORD_SHARED", REPO.parent / "shared")).resolve()


def data_file(*parts: str) -> Path:
    """Path of a shared data file; exit 0 with a message when it is absent (benchmarks skip cleanly)."""
    p = shared_dir().joinpath("data", *parts)
    if not p.exists():
        print(f"skipped: {p} not found (set ONRECORD_SHARED to the folder holding data/)")
        sys.exit(0)
    return p
