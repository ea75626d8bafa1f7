"""Shared loader for test cases kept as data: ``tests/cases/<folder>/*.yaml``, each a list of cases with a ``name``."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

CASES_ROOT = Path(__file__).parent / "cases"


def case_params(folder: str) -> list[Any]:
    """One ``pytest.param`` per case, with the id ``"<file stem>: <case name>"``."""
    out = []
    for f in sorted((CASES_ROOT / folder).glob("*.yaml")):
        for case in yaml.safe_load(f.read_text(encoding="utf-8")):
            out.append(pytest.param(case, id=f"{f.stem}: {case['name']}"))
    return out
