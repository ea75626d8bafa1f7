"""The exposure page: uploaded exports read as ``onrecord exposure`` reads them, malformed records set aside."""

from __future__ import annotations

import html
import io
import json
import re
from pathlib import Path

from flask import Flask
from tests.web.conftest import Browser

from onrecord.engine import Engine as Checker
from onrecord.web import create_app

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "exports"
WORK = {"id": "li1", "platform": "linkedin", "jurisdiction": "NZ", "text": "Heading to Brussels for the trade negotiations",
        "account": {"handle": "janedoe", "bio": "Trade negotiator at MFAT. Personal: @janedoe_home"}}
HOME = {"id": "x1", "platform": "x", "text": "My son Tama starts school on Monday",
        "account": {"kind": "personal", "handle": "janedoe_home", "bio": "I live in Wellington"}}


def _jsonl(*rows: object) -> bytes:
    return ("\n".join(r if isinstance(r, str) else json.dumps(r) for r in rows) + "\n").encode()


def _upload(b: Browser, files: list[tuple[bytes, str]], **form: str):  # type: ignore[no-untyped-def]
    data = {"exports": [(io.BytesIO(d), name) for d, name in files], **form}
    return b.post("/exposure", data, content_type="multipart/form-data")


def test_two_exports_of_one_person_give_the_linked_accounts_risk(client: Browser) -> None:
    r = _upload(client, [(_jsonl(WORK, '{"text": 5}'), "linkedin.jsonl"), (_jsonl(HOME), "x.jsonl")])
    assert r.status_code == 200, r.text[:2000]
    page = html.unescape(r.text)
    risks = set(re.findall(r'data-risk="(EX\d+)"', r.text))
    assert {"EX01", "EX03", "EX05"} <= risks
    assert "linkedin:janedoe ↔ x:janedoe_home" in page
    assert "nz-public-sector:psr.case002" in page
    assert "1 record set aside" in page and "linkedin.jsonl line 2" in page  # the bad line, named, the rest analysed
    assert 'id="summary">1 person(s), 2 account(s), 2 post(s)' in r.text


def test_a_real_platform_archive_is_read(client: Browser) -> None:
    r = _upload(client, [((FIXTURES / "x-archive.zip").read_bytes(), "twitter-2026.zip")])
    assert r.status_code == 200
    assert re.search(r"<td>x:[\w]+</td>", r.text), r.text[:3000]


def test_uploads_that_cannot_be_read_are_said_plainly(client: Browser) -> None:
    r = _upload(client, [(b"\x00\x01 not an export", "mystery.bin")])
    assert r.status_code == 400
    page = html.unescape(r.text)
    assert "no readable posts or profiles in the upload" in page and "mystery.bin: cannot read it" in page
    r = client.post("/exposure", {}, content_type="multipart/form-data")
    assert r.status_code == 400 and "choose at least one export file" in r.text
    r = _upload(client, [(_jsonl(HOME), "x.jsonl")], code="no-such-code")
    assert r.status_code == 400 and "unknown code" in r.text


def test_an_upload_over_the_limit_is_refused(db_url: str, checker: Checker) -> None:
    app: Flask = create_app(db=db_url, checker=checker, max_upload_mb=1)
    try:
        b = Browser(app.test_client())
        r = _upload(b, [(b"x" * (2 * 1024 * 1024), "big.jsonl")])
        assert r.status_code == 413 and "Traceback" not in r.text
    finally:
        app.extensions["onrecord.store"].dispose()
