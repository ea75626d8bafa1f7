"""Handle context (onrecord.capacity.handle): data-driven pattern cases plus properties of the shipped weights."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from onrecord.capacity.handle import GROUPS, HANDLE_FILE, default_handle_model, handle_hits, load_handle_model
from yaml_cases import case_params


@pytest.mark.parametrize("case", case_params("capacity_handle"))
def test_case(case: dict[str, Any]) -> None:
    handle, display = case.get("handle", ""), case.get("display_name", "")
    exp = case["expect"]
    assert [h.group for h in handle_hits(handle, display)] == exp["groups"]
    model = default_handle_model()
    assert model is not None
    reading = model.read(handle, display)
    if "reads" in exp:
        want = {"office": reading.logodds < -0.5, "campaign": reading.logodds > 0.5, "neutral": reading.logodds == 0.0}
        assert want[exp["reads"]], (reading.logodds, reading.evidence)
    if "evidence_has" in exp:
        assert any(exp["evidence_has"] in e for e in reading.evidence), reading.evidence


def test_shipped_weights_are_pattern_groups_not_handles() -> None:
    card = json.loads(HANDLE_FILE.read_text(encoding="utf-8"))
    assert set(card["weights"]) <= set(GROUPS)
    assert card["intercept"] == 0.0  # a plain name is not evidence
    model = load_handle_model()
    assert model is not None
    assert model.weights["office_title"] < 0 < model.weights["campaign_for"]
    assert card["fitted_on"]["accounts"] > card["fitted_on"]["campaign_accounts"] > 0


def test_missing_weights_file_means_no_handle_model(tmp_path: Path) -> None:
    assert load_handle_model(tmp_path / "absent.json") is None
