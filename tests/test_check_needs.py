"""Check.needs lets the engine skip checks that cannot find anything; skipping must never change a result."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import msgspec
import pytest
import yaml

from onrecord.checks.registry import select_checks
from onrecord.engine import Engine
from onrecord.model.post import Post

CASES = Path(__file__).parent / "cases" / "checks"


def _posts() -> list[tuple[str | None, dict[str, Any]]]:
    out: list[tuple[str | None, dict[str, Any]]] = []
    for f in sorted(CASES.glob("*.yaml")):
        for case in yaml.safe_load(f.read_text("utf-8"))["cases"]:
            out.append((case.get("code"), case["post"]))
            circ = case["post"].get("circumstances") or {}
            if circ.get("facts"):
                # the same post without its facts: the path where checks are skipped
                out.append((case.get("code"), {**case["post"], "circumstances": {**circ, "facts": []}}))
    return out


def test_every_builtin_check_declares_needs_as_kinds_or_none() -> None:
    for check in select_checks((), ()):
        assert check.needs is None or (isinstance(check.needs, frozenset) and all(isinstance(k, str) for k in check.needs))


@pytest.mark.parametrize("kind", ["official", "personal", "unknown"])
def test_skipping_by_needs_never_changes_a_result(kind: str) -> None:
    by_code: dict[str | None, list[Post]] = {}
    for code, p in _posts():
        post = msgspec.convert({**p, "account": {**(p.get("account") or {}), "kind": kind}}, Post)
        by_code.setdefault(code, []).append(post)
    assert sum(map(len, by_code.values())) > 50
    for code, posts in by_code.items():
        fast, full = Engine(default_code=code), Engine(default_code=code)
        full.skip_by_needs = False
        a = [msgspec.json.encode(r) for r in fast.check_many(posts)]
        b = [msgspec.json.encode(r) for r in full.check_many(posts)]
        assert a == b
