"""The exposure page: uploaded exports read as ``onrecord exposure`` reads them, malformed records set aside."""

from __future__ import annotations

import gzip
import html
import io
import json
import re
import zipfile
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


def test_an_export_over_the_two_megabytes_of_a_form_is_read(client: Browser) -> None:
    big = _jsonl(*[{**HOME, "id": f"x{i}", "text": f"Post {i}: " + "lovely walk along the river " * 4} for i in range(24_000)])
    assert len(big) > 3 * 1024 * 1024  # the cap is --max-upload-mb (512), not the 2 MB of other requests
    r = _upload(client, [(big, "x.jsonl")])
    assert r.status_code == 200, html.unescape(r.text)[-600:]
    assert "24000 post(s)" in r.text


def test_a_zip_bomb_is_set_aside_and_the_other_files_are_read(db_url: str, checker: Checker) -> None:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:  # 3 MB of one line from a few kB
        z.writestr("posts.jsonl", json.dumps(WORK) + "\n" + "a" * (3 * 1024 * 1024))
    tgz = gzip.compress(b"\0" * (3 * 1024 * 1024))  # a tar.gz (Mastodon's format) of the same kind
    assert len(buf.getvalue()) < 64 * 1024 and len(tgz) < 64 * 1024
    app: Flask = create_app(db=db_url, checker=checker, max_upload_mb=1)
    try:
        r = _upload(Browser(app.test_client()), [(buf.getvalue(), "bomb.zip"), (tgz, "bomb.tar.gz"),
                                                  (_jsonl(HOME), "x.jsonl")])
        page = html.unescape(r.text)
        assert r.status_code == 200, page[-600:]
        assert "bomb.zip: cannot read it: it unpacks to more than 2 MB" in page
        assert "bomb.tar.gz: cannot read it: it unpacks to more than 2 MB" in page
        assert 'id="summary">1 person(s), 1 account(s), 1 post(s)' in r.text  # x.jsonl all the same
    finally:
        app.extensions["onrecord.store"].dispose()


def test_upload_names_are_not_paths_on_the_server(client: Browser) -> None:
    r = _upload(client, [(b"PK\x03\x04 not really a zip", "a" * 300 + ".zip"), (_jsonl(HOME), "../../x.jsonl")])
    page = html.unescape(r.text)
    assert r.status_code == 200, page[-600:]
    assert f"{'a' * 300}.zip: cannot read it: not a readable ZIP archive" in page
    assert "onrecord-exposure-" not in page  # the server's temporary copy is never named
