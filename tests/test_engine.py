"""Engine behaviour that is about packs, not about any one check."""

from __future__ import annotations

from pathlib import Path

import msgspec
import pytest

from onrecord.codes import PackError, PackRegistry
from onrecord.detectors.political import PoliticalDetector
from onrecord.engine import Engine, UnknownCode
from onrecord.model.post import Post

DET = [PoliticalDetector()]
ON_DUTY = {
    "text": "Dana Park has my vote for Governor.",
    "account": {"kind": "personal"},
    "jurisdiction": "US",
    "author": {"role": "employee", "restriction": "less_restricted"},
    "circumstances": {"on_duty": True},
}


def post(**kw: object) -> Post:
    return msgspec.convert(kw, Post)


def test_finding_without_a_governing_clause_is_not_reported(tmp_path: Path) -> None:
    (tmp_path / "bare.yaml").write_text(
        "pack: 1\nid: bare\ntitle: Bare\njurisdiction: US\nclauses:\n"
        "  - {id: r1, title: Records, summary: Keep official posts., url: 'https://example.org/r1', topics: [public_record], severity: {official: info}}\n"
    )
    eng = Engine(packs=PackRegistry([tmp_path]), default_code="bare", detectors=DET)
    r = eng.check(post(**ON_DUTY))
    assert r.allowed and r.findings == []  # partisan on duty is a breach only where a clause says so
    assert Engine(default_code="us-federal", detectors=DET).check(post(**ON_DUTY)).allowed is False


def test_organisation_layer_replaces_severity(tmp_path: Path) -> None:
    (tmp_path / "agency.yaml").write_text(
        "pack: 1\nid: agency\ntitle: Agency layer\njurisdiction: US\nextends: Hatch Act\nreplace:\n"
        "  - {id: 5cfr734.306, title: On duty (agency reading), summary: Warn only., url: 'https://example.org/306',"
        " topics: [partisan_activity_on_duty], severity: {private: warning}}\n"
    )
    reg = PackRegistry([tmp_path])
    pack = reg.get("agency")
    assert pack.clauses["5cfr734.306"].id == "us-federal:5cfr734.306"  # still cites the original instrument
    r = Engine(packs=reg, default_code="agency", detectors=DET).check(post(**ON_DUTY))
    sev = {f.topic: f.severity for f in r.findings}
    assert sev.get("partisan_activity_on_duty") in ("warning", "breach")


def test_add_existing_clause_is_an_error(tmp_path: Path) -> None:
    f = tmp_path / "dup.yaml"
    f.write_text(
        "pack: 1\nid: dup\ntitle: Dup\njurisdiction: US\nextends: us-federal\nadd:\n"
        "  - {id: 5cfr734.306, title: x, summary: y, url: 'https://example.org', topics: [abuse], severity: {private: info}}\n"
    )
    with pytest.raises(PackError) as e:
        PackRegistry([f]).get("dup")
    assert "dup.yaml:7" in str(e.value) and "use 'replace'" in str(e.value)


def test_pack_chosen_from_context() -> None:
    eng = Engine(detectors=DET)
    assert eng.check(post(text="hi", jurisdiction="US", author={"role": "elected_official"})).code == "us-congress"
    assert eng.check(post(text="hi", jurisdiction="US", author={"role": "employee"})).code == "us-federal"
    assert (
        eng.check(post(text="hi", jurisdiction="UK", author={"organisation": "Brackenfield Borough Council"})).code
        == "uk-local-government"
    )
    assert eng.check(post(text="hi", jurisdiction="NZ")).code == "nz-public-sector"
    r = eng.check(post(text="hi"))
    assert r.code == "us-federal" and "default" in r.code_reason


def test_unknown_code_on_a_post() -> None:
    with pytest.raises(UnknownCode):
        Engine(detectors=DET).check(post(text="hi", code="Klingon Code"))


def test_allowed_is_false_exactly_when_a_breach() -> None:
    eng = Engine(detectors=DET)
    for p in (
        ON_DUTY,
        {**ON_DUTY, "circumstances": {"on_duty": False}},
        {"text": "Vote Labour!", "action": "share", "account": {"kind": "official"}, "jurisdiction": "UK"},
    ):
        r = eng.check(post(**p))
        assert r.allowed == (not any(f.severity == "breach" for f in r.findings))
        assert all(f.clauses for f in r.findings)
