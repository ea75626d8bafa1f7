"""One generic test for every YAML case file under tests/cases/checks/.

Each file names a ``check`` and lists ``cases``: a ``post`` (the post contract), optional
``code`` (pack for the run), ``expect`` (findings that must appear: check, and optionally topic,
severity, entity, span text, field), and optional ``allowed`` / ``capacity`` / ``archive``.
Findings of the file's check that are not expected fail the case, so a case with ``expect: []``
asserts the check stays silent.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import msgspec
import pytest
import yaml

from onrecord.engine import Engine
from onrecord.model.post import Post

CASES_DIR = Path(__file__).parent / "cases" / "checks"


def _load() -> list[Any]:
    params = []
    for f in sorted(CASES_DIR.glob("*.yaml")):
        doc = yaml.safe_load(f.read_text("utf-8"))
        for i, case in enumerate(doc["cases"]):
            params.append(pytest.param(doc["check"], case, id=f"{f.stem}[{i}] {case['name']}"))
    return params


_engines: dict[str | None, Engine] = {}


def _engine(code: str | None) -> Engine:
    if code not in _engines:
        _engines[code] = Engine(default_code=code)
    return _engines[code]


def _matches(finding: Any, exp: dict[str, Any]) -> bool:
    for key in ("check", "topic", "severity", "entity"):
        if key in exp and getattr(finding, key) != exp[key]:
            return False
    if "span" in exp and (finding.span is None or finding.span.text != exp["span"]):
        return False
    cited = {c.id for c in finding.clauses}
    if not set(exp.get("clauses", ())) <= cited or cited & set(exp.get("not_clauses", ())):
        return False
    return not ("field" in exp and (finding.span is None or finding.span.field != exp["field"]))


@pytest.mark.parametrize(("check", "case"), _load())
def test_case(check: str, case: dict[str, Any]) -> None:
    post = msgspec.convert(case["post"], Post)
    result = _engine(case.get("code")).check(post)
    found = result.findings
    expected = case.get("expect", [])
    for exp in expected:
        exp = {"check": check, **exp}
        assert any(_matches(f, exp) for f in found), f"expected {exp}, got {[(f.check, f.topic, f.span) for f in found]}"
    for f in found:
        if f.check == check:
            assert any(_matches(f, {"check": check, **e}) for e in expected), f"unexpected {f.check} {f.topic} {f.span}"
    if "allowed" in case:
        assert result.allowed is case["allowed"], [(f.check, f.topic, f.severity) for f in found]
    if "capacity" in case:
        assert result.capacity.label == case["capacity"]
    if "archive" in case:
        assert result.archive is case["archive"]
    for f in found:
        assert f.clauses, f"{f.check} reported without a clause"
        if f.span is not None:
            src = {"text": post.text, "comment": post.comment}.get(f.span.field, getattr(post.account, f.span.field, None))
            if isinstance(src, str):
                assert src[f.span.start : f.span.end] == f.span.text, "span offsets do not match the text"
