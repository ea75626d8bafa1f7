"""Draft checks through the web form: the YAML cases in tests/cases/web, one generic test."""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from tests.web.conftest import Browser
from tests.yaml_cases import case_params

from onrecord.engine import Engine as Checker
from onrecord.web import create_app


@pytest.fixture(scope="module")
def draft_app(tmp_path_factory: pytest.TempPathFactory, checker: Checker) -> Iterator[Flask]:
    a = create_app(db=str(Path(tmp_path_factory.mktemp("web")) / "onrecord.db"), checker=checker)
    yield a
    a.extensions["onrecord.store"].dispose()


def _section(page: str, start: str, end: str) -> str:
    i = page.find(start)
    return page[i:page.find(end, i)] if i >= 0 else ""


def _marks(block: str) -> list[str]:
    return [html.unescape(m) for m in re.findall(r"<mark [^>]*><a [^>]*>(.*?)</a>", block, re.S)]


@pytest.mark.parametrize("case", case_params("web"))
def test_draft_case(case: dict[str, Any], draft_app: Flask) -> None:
    b = Browser(draft_app.test_client())
    r = b.post("/check", {k: str(v) for k, v in case["form"].items()})
    page = r.text
    exp = case["expect"]
    assert r.status_code == exp.get("status", 200), page[:2000]
    if "error" in exp:
        assert exp["error"] in html.unescape(page)
        assert 'id="result"' not in page
        return
    verdict = _section(page, 'id="verdict"', "</div>\n</div>")
    if "allowed" in exp:
        assert ("Allowed under the code" in verdict) is exp["allowed"], verdict
    if "review_required" in exp:
        assert ('id="review-required"' in page) is exp["review_required"]
        assert ('id="submit-form"' in page) is exp["review_required"]
    if "archive" in exp:
        assert ('id="archive-required"' in page) is exp["archive"]
    if "code" in exp:
        assert f"Code: <code>{exp['code']}</code>" in page
    if "capacity" in exp:
        assert f'id="capacity-label">{exp["capacity"]}<' in page
    checks = re.findall(r'data-check="([A-Z]+\d+)"', page)
    if "checks" in exp:
        assert sorted(set(checks)) == sorted(exp["checks"]), checks
    text_block = _section(page, "<h3>Your text</h3>", "</div>")
    for want in exp.get("marks", []):
        assert any(want in m for m in _marks(text_block)), (want, _marks(text_block))
    if exp.get("marks") == []:
        assert _marks(text_block) == []
    comment_block = _section(page, "<h3>Your comment</h3>", "</div>")
    for want in exp.get("comment_marks", []):
        assert any(want in m for m in _marks(comment_block)), (want, _marks(comment_block))
    if "fixed" in exp:
        assert exp["fixed"] in html.unescape(_section(page, 'id="fixed-text"', "</div>"))
    if "clause_prefix" in exp:
        assert re.search(r'class="clause" href="https://[^"]+"[^>]*>' + re.escape(exp["clause_prefix"]), page)
    # the form keeps what was typed, so the author can edit and check again
    assert html.escape(case["form"]["text"], quote=False) in page
