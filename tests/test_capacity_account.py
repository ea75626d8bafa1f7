"""Account rule (onrecord.capacity.account): data-driven cases plus properties of the shipped rule."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from onrecord.capacity.account import RULE_FILE, AccountRule, account_reading, default_rule, load_rule
from yaml_cases import case_params


@pytest.mark.parametrize("case", case_params("capacity_account"))
def test_case(case: dict[str, Any]) -> None:
    rule = AccountRule(**case["rule"]) if "rule" in case else default_rule()
    pol = [p[0] for p in case["posts"]]
    off = [p[1] for p in case["posts"]]
    if "handle" in case or "display_name" in case:  # the shipped rules and handle weights, as the CLI reads them
        reads_as, p, evidence = account_reading(pol, off, case.get("handle", ""), case.get("display_name", ""))
        if "evidence_has" in case["expect"]:
            assert any(case["expect"]["evidence_has"] in e for e in evidence), evidence
    else:
        reads_as, p = rule.reading(pol, off, case.get("handle_logodds", 0.0))
    exp = case["expect"]
    if "reads_as" in exp:
        assert reads_as == exp["reads_as"], (p, rule)
    if "min_p_campaign" in exp:
        assert p >= exp["min_p_campaign"]
    if "max_p_campaign" in exp:
        assert p <= exp["max_p_campaign"]
    if "mean_logodds" in exp:
        assert rule.mean_logodds(pol, off) == pytest.approx(exp["mean_logodds"], abs=0.01)
    assert (reads_as == "campaign") == (p > 0.5)


def test_shipped_rule_is_data_and_sane() -> None:
    assert RULE_FILE.exists()
    card = json.loads(RULE_FILE.read_text(encoding="utf-8"))
    rule = load_rule()
    assert (rule.clip, rule.slope, rule.intercept) == (card["clip"], card["slope"], card["intercept"])
    assert rule.slope > 0  # more political posts never make an account less campaign-like
    assert -2.0 < rule.threshold < 2.0
    assert rule.p_campaign(rule.threshold) == pytest.approx(0.5)
    assert card["fitted_on"]["accounts"] > card["fitted_on"]["campaign_accounts"] > 0
    # Calibrated by the number of posts: the same mean counts for more with more posts.
    assert rule.n0 > 0
    assert rule.p_campaign(1.0, 1) < rule.p_campaign(1.0, 5) < rule.p_campaign(1.0, 20)
    with_handle = load_rule(handle=True)
    assert with_handle.handle_weight > 0  # a campaign-looking handle never makes an account less campaign-like
    assert (with_handle.slope, with_handle.intercept, with_handle.base) == (rule.slope, rule.intercept, rule.base)


def test_few_posts_give_a_cautious_reading() -> None:
    """One post that reads clearly political no longer gives P(campaign) of about 1 (the rule before
    the post-count calibration gave 0.99999 for this post)."""
    rule = default_rule()
    one = rule.reading([0.9], [0.05])[1]
    twenty = rule.reading([0.9] * 20, [0.05] * 20)[1]
    assert 0.5 < one < 0.99 < twenty


def test_missing_rule_file_falls_back(tmp_path: Path) -> None:
    assert load_rule(tmp_path / "absent.json") == AccountRule()
