"""The shipped code packs, and the pack loader's handling of broken packs and organisation layers.

Shipped packs: every clause is citable (title, our summary, http(s) URL, licence, known topics),
every pack has aliases that resolve to it and a public-record clause, and only US packs carry verbatim
text. Data-driven cases in tests/cases/packs/*.yaml (``kind``: broken | layer | governance).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import msgspec
import pytest
import yaml

from onrecord.codes import PackError, PackRegistry, read_pack_file, validate_file
from onrecord.engine.choose_pack import choose_pack
from onrecord.model.code import TOPICS, Pack
from onrecord.model.post import Post

CASES_DIR = Path(__file__).parent / "cases" / "packs"
SEVERITY_RANK = {"info": 0, "warning": 1, "breach": 2}
# Jurisdictions whose texts are public domain, so verbatim clause text may ship.
VERBATIM_OK = {"US"}

REGISTRY = PackRegistry()
PACKS: list[Pack] = REGISTRY.all()


def _docs(kind: str) -> list[tuple[str, dict[str, Any]]]:
    out = []
    for f in sorted(CASES_DIR.glob("*.yaml")):
        doc = yaml.safe_load(f.read_text("utf-8"))
        if doc.get("kind") == kind:
            out.append((f.stem, doc))
    return out


def _cases(kind: str, key: str = "cases") -> list[Any]:
    params = []
    for stem, doc in _docs(kind):
        for i, case in enumerate(doc.get(key, [])):
            label = case.get("name") or " ".join(str(case.get(k, "")) for k in ("pack", "topic", "capacity", "role"))
            params.append(pytest.param(case, id=f"{stem}.{key}[{i}] {label}".strip()))
    return params


# ---------------------------------------------------------------- shipped packs


def test_packs_are_shipped() -> None:
    ids = {p.id for p in PACKS}
    assert {
        "us-federal",
        "us-congress",
        "uk-civil-service",
        "uk-local-government",
        "nz-public-sector",
        "au-aps",
        "ca-public-service",
        "eu-staff",
    } <= ids


@pytest.mark.parametrize("pack", PACKS, ids=lambda p: p.id)
def test_clauses_are_citable(pack: Pack) -> None:
    assert pack.clauses, "a pack needs clauses"
    for cid, c in pack.clauses.items():
        where = f"{pack.id}:{cid}"
        assert c.title.strip() and c.summary.strip(), where
        assert c.url.startswith(("http://", "https://")), where
        assert c.licence.strip(), f"{where}: licence missing"
        assert c.topics and set(c.topics) <= set(TOPICS), where
        assert c.severity and set(c.severity.values()) <= set(SEVERITY_RANK), where
        if c.text:
            assert c.attribution.strip(), f"{where}: verbatim text needs an attribution"


@pytest.mark.parametrize("pack", PACKS, ids=lambda p: p.id)
def test_only_public_domain_packs_carry_verbatim_text(pack: Pack) -> None:
    if pack.jurisdiction in VERBATIM_OK:
        return
    with_text = [cid for cid, c in pack.clauses.items() if c.text]
    assert not with_text, f"{pack.id}: verbatim text in a {pack.jurisdiction} pack: {with_text}"


@pytest.mark.parametrize("pack", PACKS, ids=lambda p: p.id)
def test_public_record_clause_in_official_capacity(pack: Pack) -> None:
    governing = pack.governing("public_record", "official")
    assert governing, f"{pack.id}: no clause governs public_record in official capacity"
    assert all(c.severity["official"] == "info" for c in governing)


@pytest.mark.parametrize("pack", PACKS, ids=lambda p: p.id)
def test_aliases_resolve(pack: Pack) -> None:
    assert pack.aliases, f"{pack.id}: no aliases"
    for alias in (pack.id, *pack.aliases):
        assert REGISTRY.lookup(alias) == pack.id, f"alias {alias!r} resolves to {REGISTRY.lookup(alias)!r}"
        assert REGISTRY.get(alias) is pack


@pytest.mark.parametrize("pack", PACKS, ids=lambda p: p.id)
def test_clause_sources_are_declared(pack: Pack) -> None:
    raw = read_pack_file(pack.path)
    declared = {s["id"] for s in raw.get("sources", [])}
    for c in raw.get("clauses", []):
        if "source" in c:
            assert c["source"] in declared, f"{pack.id}:{c['id']}: undeclared source {c['source']!r}"


@pytest.mark.parametrize("pack", PACKS, ids=lambda p: p.id)
def test_personal_data_and_abuse_cover_official_and_professional(pack: Pack) -> None:
    for topic in ("personal_data", "abuse"):
        for capacity in ("official", "professional"):
            assert pack.governing(topic, capacity), f"{pack.id}: {topic} not governed in {capacity}"


# ---------------------------------------------------------------- data-driven cases


def _write(tmp_path: Path, case: dict[str, Any]) -> Path:
    path = tmp_path / case.get("file", "pack.yaml")
    path.write_text(case["pack"], "utf-8")
    return path


def _check_error(err: PackError, case: dict[str, Any], path: Path) -> None:
    assert case["error"] in err.message, f"message {err.message!r} lacks {case['error']!r}"
    assert err.line == case["line"], f"line {err.line}, expected {case['line']} ({err})"
    assert err.field == case["field"], f"field {err.field!r}, expected {case['field']!r}"
    assert err.path == str(path)
    assert str(err).startswith(f"{path}:{case['line']}: {case['field']}: ")


@pytest.mark.parametrize("case", _cases("broken"))
def test_broken_pack(case: dict[str, Any], tmp_path: Path) -> None:
    path = _write(tmp_path, case)
    with pytest.raises(PackError) as info:
        validate_file(path)
    _check_error(info.value, case, path)


@pytest.mark.parametrize("case", _cases("layer"))
def test_layer(case: dict[str, Any], tmp_path: Path) -> None:
    path = _write(tmp_path, case)
    if "error" in case:
        with pytest.raises(PackError) as info:
            validate_file(path)
        _check_error(info.value, case, path)
        return
    pack = validate_file(path)
    base = REGISTRY.get(pack.extends or "")
    assert set(base.clauses) <= set(pack.clauses), "a layer keeps every inherited clause"
    for exp in case["expect"]:
        clause = pack.clauses[exp["clause"]]
        assert clause.id == exp["id"]
        if "severity" in exp:
            assert clause.severity == exp["severity"]


@pytest.mark.parametrize("case", _cases("governance"))
def test_governance(case: dict[str, Any]) -> None:
    pack = REGISTRY.get(case["pack"])
    clauses = pack.governing(case["topic"], case["capacity"], case.get("role", "unknown"))
    worst = max((c.severity[case["capacity"]] for c in clauses), key=SEVERITY_RANK.__getitem__, default=None)
    assert worst == case["severity"], [c.id for c in clauses]


@pytest.mark.parametrize("case", _cases("governance", key="choose"))
def test_choose_pack(case: dict[str, Any]) -> None:
    post = msgspec.convert(
        {
            "text": "x",
            "jurisdiction": case["jurisdiction"],
            "author": {"role": case["role"], "organisation": case["organisation"]},
        },
        Post,
    )
    pack, _reason = choose_pack(post, REGISTRY)
    assert pack.id == case["pack"]


def test_every_clause_topic_is_reachable() -> None:
    """A topic no check can report would never be cited: every topic a shipped clause names is a topic
    of some registered check or of an exposure combination (onrecord exposure)."""
    from onrecord.checks.registry import select_checks
    from onrecord.exposure.rules import shipped_rules

    reported = {t for check in select_checks((), ()) for t in check.topics}
    reported |= {c.topic for c in shipped_rules().combinations}
    unreachable = {
        f"{pack.id}:{clause.id}": sorted(set(clause.topics) - reported)
        for pack in PackRegistry().all()
        for clause in (pack.clauses.values() if isinstance(pack.clauses, dict) else pack.clauses)
        if set(clause.topics) - reported
    }
    assert unreachable == {}


def test_a_pack_nested_too_deeply_is_a_pack_error(tmp_path: Path) -> None:
    """PyYAML's parser recursed into a RecursionError traceback on a pack nested thousands deep."""
    path = tmp_path / "deep.yaml"
    path.write_text("pack: 1\nid: acme\ntitle: " + "[" * 5000 + "]" * 5000 + "\n", "utf-8")
    with pytest.raises(PackError) as info:
        validate_file(path)
    assert info.value.field == "(syntax)" and "nested too deeply" in info.value.message


def test_merge_keys_share_fields_between_clauses(tmp_path: Path) -> None:
    """``<<: *anchor`` is plain YAML for shared fields; it was read as a field named '<<' ('severity' is required)."""
    path = tmp_path / "acme.yaml"
    path.write_text(
        "pack: 1\nid: acme\ntitle: ACME\njurisdiction: US\nclauses:\n"
        "  - &base\n    id: acme-1\n    title: Records\n    summary: Keep official posts.\n"
        "    url: https://example.org/acme#1\n    topics: [public_record]\n    severity: {official: info}\n"
        "  - <<: *base\n    id: acme-2\n    severity: {official: warning}\n", "utf-8")
    pack = validate_file(path)
    assert pack.clauses["acme-2"].title == "Records"
    assert pack.clauses["acme-2"].severity == {"official": "warning"}  # the clause's own key wins
    assert pack.clauses["acme-1"].severity == {"official": "info"}
