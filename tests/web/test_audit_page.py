"""The audit page: uploaded exports audited as ``onrecord audit`` audits them, the files kept for whoever ran it."""

from __future__ import annotations

import html
import io
import json
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from tests.web.conftest import Browser

from onrecord.engine import Engine as Checker
from onrecord.store import accounts as reg
from onrecord.web import audit as audit_page
from onrecord.web import create_app

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "exports"
UPLOADS = [("x-archive.zip", "twitter-2026.zip"), ("broken-truncated-posts.json", "facebook posts.json")]


def _upload(b: Browser, files: list[tuple[bytes, str]], **form: str) -> Any:
    data = {"exports": [(io.BytesIO(d), name) for d, name in files], **form}
    return b.post("/audit", data, content_type="multipart/form-data")


def _fixtures() -> list[tuple[bytes, str]]:
    return [((FIXTURES / src).read_bytes(), name) for src, name in UPLOADS]


def _token(page: str) -> str:
    m = re.search(r'data-token="([^"]+)"', page)
    assert m, page[:3000]
    return m.group(1)


def test_exports_are_audited_and_every_record_is_accounted_for(client: Browser) -> None:
    r = _upload(client, [*_fixtures(), (b"\x00\x01 not an export", "mystery.bin")], title="Roads <dept> audit")
    assert r.status_code == 200, r.text[:3000]
    page = html.unescape(r.text)
    m = re.search(r"read (\d+) = checked (\d+) \+ set aside\s+(\d+)", page)
    assert m and int(m[1]) == int(m[2]) + int(m[3]) and int(m[3]) == 2, page[:3000]
    assert "Roads &lt;dept&gt; audit" in r.text  # the title is text, not markup
    assert "mystery.bin: cannot read it" in page  # a file that is no export is named and left out
    assert "twitter-2026.zip!data/tweets.js [4]: tweet has no full_text" in page  # rejects carry the upload's name
    assert "facebook posts.json [1]" in page and "file is truncated" in page
    # A tweet whose date cannot be read is checked without it, and the page says so with the upload's name.
    assert "1 post checked with a warning" in page
    assert "twitter-2026.zip!data/tweets-part1.js [2]: created_at 'not a date' is not a date and time" in page
    assert 'data-account="x:@RoadsDeptExample"' in r.text
    assert "onrecord-web-audits" not in r.text and "/inputs/" not in r.text  # no server paths on the page


def test_the_files_are_those_the_cli_writes(app: Flask, client: Browser, db_url: str, tmp_path: Path) -> None:
    r = _upload(client, _fixtures())
    tok = _token(r.text)
    for src, name in UPLOADS:
        shutil.copy(FIXTURES / src, tmp_path / name)
    cli = subprocess.run([sys.executable, "-m", "onrecord", "audit", *(n for _, n in UPLOADS), "--out", "out",
                          "--db", db_url, "--workers", "1"], cwd=tmp_path, capture_output=True, text=True, timeout=300)
    assert cli.returncode in (0, 1), cli.stderr
    for name in ("results.jsonl", "rejects.jsonl", "summary.csv"):
        got = client.get(f"/audit/{tok}/{name}")
        assert got.status_code == 200
        assert got.data == (tmp_path / "out" / name).read_bytes(), name
    z = zipfile.ZipFile(io.BytesIO(client.get(f"/audit/{tok}/audit.zip").data))
    assert sorted(z.namelist()) == [f"onrecord-audit/{n}" for n in ("rejects.jsonl", "report.html", "results.jsonl", "summary.csv")]


def test_registered_accounts_give_the_context(app: Flask, client: Browser) -> None:
    reg.upsert(app.extensions["onrecord.store"], [reg.AccountRow(platform="x", handle="jane_home", kind="personal",
                                                                 role="employee", jurisdiction="NZ", uses="private;official")],
               actor="admin")
    post = {"id": "1", "platform": "x", "text": "The Ministry's new passport fees start on Monday: see our site",
            "account": {"handle": "jane_home"}}
    r = _upload(client, [(json.dumps(post).encode() + b"\n", "home.jsonl")])
    tok = _token(r.text)
    line = json.loads(client.get(f"/audit/{tok}/results.jsonl").data.splitlines()[0])
    assert line["code"] == "nz-public-sector"  # the registry's jurisdiction chose the author's code
    assert '<td>personal</td>' in r.text


def test_an_audit_is_only_for_whoever_ran_it(app: Flask, client: Browser, client2: Browser) -> None:
    client.sign_in("Ana Records")
    tok = _token(_upload(client, _fixtures()).text)
    assert client.get(f"/audit/{tok}").status_code == 200
    for url in (f"/audit/{tok}", f"/audit/{tok}/results.jsonl", f"/audit/{tok}/audit.zip"):
        assert client2.get(url).status_code == 404
    client2.sign_in("Bo Other")
    assert client2.get(f"/audit/{tok}/report.html").status_code == 404
    assert client.get(f"/audit/{tok}/../../etc/passwd").status_code == 404
    assert client.get(f"/audit/{tok}/app.py").status_code == 404


def test_the_report_is_sandboxed_and_quotes_posts_as_text(client: Browser) -> None:
    post = {"id": "1", "platform": "x", "text": "<script>alert(1)</script> you are a stupid idiot",
            "account": {"handle": "someone"}}
    tok = _token(_upload(client, [(json.dumps(post).encode() + b"\n", "p.jsonl")]).text)
    r = client.get(f"/audit/{tok}/report.html")
    assert r.status_code == 200 and r.mimetype == "text/html"
    assert "sandbox" in r.headers["Content-Security-Policy"] and "default-src 'none'" in r.headers["Content-Security-Policy"]
    assert "<script>" not in r.text and "&lt;script&gt;" in r.text


@pytest.mark.parametrize(("files", "form", "message"), [
    ([], {}, "choose at least one export file"),
    ([(b"\x00junk", "a.bin")], {}, "none of the uploaded files is an export onrecord can read"),
    ([(b'{"text": "hi"}\n', "p.jsonl")], {"code": "no-such-code"}, "unknown code"),
])
def test_unusable_uploads_are_said_plainly(client: Browser, files: list[tuple[bytes, str]], form: dict[str, str],
                                           message: str) -> None:
    r = _upload(client, files, **form) if files else client.post("/audit", form, content_type="multipart/form-data")
    assert r.status_code == 400 and message in html.unescape(r.text)


def test_old_audits_make_way_for_new_ones(app: Flask, client: Browser) -> None:
    app.extensions["onrecord.audits"].per_owner = 1
    first = _token(_upload(client, [(b'{"text": "one"}\n', "a.jsonl")]).text)
    folder = app.extensions["onrecord.audits"].folder_of(first)
    assert folder is not None and folder.exists()
    second = _token(_upload(client, [(b'{"text": "two"}\n', "b.jsonl")]).text)
    assert client.get(f"/audit/{first}").status_code == 404 and not folder.exists()
    assert client.get(f"/audit/{second}").status_code == 200


def test_one_persons_audits_do_not_push_out_anothers(app: Flask, client: Browser, client2: Browser) -> None:
    app.extensions["onrecord.audits"].per_owner = 1
    mine = _token(_upload(client, [(b'{"text": "mine"}\n', "a.jsonl")]).text)
    for i in range(3):  # someone else floods the server with audits of their own
        _upload(client2, [(f'{{"text": "flood {i}"}}\n'.encode(), "f.jsonl")])
    assert client.get(f"/audit/{mine}").status_code == 200
    app.extensions["onrecord.audits"].in_all = 2  # the process-wide bound still holds
    _upload(client2, [(b'{"text": "more"}\n', "g.jsonl")])
    assert len(app.extensions["onrecord.audits"]) == 2


def test_a_zip_bomb_is_left_out_and_the_other_files_audited(db_url: str, checker: Checker) -> None:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:  # 3 MB of one line from a few kB
        z.writestr("posts.jsonl", '{"text": "hi"}\n' + "a" * (3 * 1024 * 1024))
    app: Flask = create_app(db=db_url, checker=checker, max_upload_mb=1)
    app.config["TESTING"] = True
    try:
        r = _upload(Browser(app.test_client()), [(buf.getvalue(), "bomb.zip"), (b'{"text": "fine"}\n', "../../x.jsonl")])
        page = html.unescape(r.text)
        assert r.status_code == 200, page[-600:]
        assert "bomb.zip: cannot read it: it unpacks to more than 2 MB" in page
        assert "read 1 = checked 1" in page and "<td>x.jsonl</td>" in page  # the name, never a path
    finally:
        app.extensions["onrecord.store"].dispose()


def test_a_second_download_of_the_zip_never_gets_half_of_one(client: Browser, monkeypatch: pytest.MonkeyPatch) -> None:
    tok = _token(_upload(client, _fixtures()).text)
    real = zipfile.ZipFile.write
    during: list[Any] = []

    def write(self: zipfile.ZipFile, *a: Any, **kw: Any) -> None:  # another request comes in while the zip is written
        if not during:
            during.append(None)
            r = client.get(f"/audit/{tok}/audit.zip")
            during[0] = (r.status_code, r.data)  # read now, while the first zip is half written
        real(self, *a, **kw)

    monkeypatch.setattr(zipfile.ZipFile, "write", write)
    first = client.get(f"/audit/{tok}/audit.zip")
    for status, data in (during[0], (first.status_code, first.data)):
        assert status == 200
        assert len(zipfile.ZipFile(io.BytesIO(data)).namelist()) == 4  # a whole zip each time


def test_an_audit_evicted_while_it_is_fetched_is_a_404_not_a_500(app: Flask, client: Browser,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    tok = _token(_upload(client, [(b'{"text": "one"}\n', "a.jsonl")]).text)
    real = audit_page._mine

    def evicted_meanwhile(token: str) -> dict[str, Any]:  # a newer audit evicts it just after the owner check
        a = real(token)
        shutil.rmtree(a["folder"], ignore_errors=True)
        return a

    monkeypatch.setattr(audit_page, "_mine", evicted_meanwhile)
    for name in ("results.jsonl", "report.html", "audit.zip"):
        r = client.get(f"/audit/{tok}/{name}")
        assert r.status_code == 404 and "run it again" in r.text, name


def test_a_damaged_member_and_two_uploads_of_one_name_are_named_as_sent(client: Browser) -> None:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_STORED) as z:
        z.writestr("good.jsonl", '{"text": "fine"}\n')
        z.writestr("bad.jsonl", '{"text": "this member will fail its CRC check"}\n')
    data = bytearray(buf.getvalue())
    at = bytes(data).index(b"this member")
    data[at] ^= 0x20  # one flipped byte inside the stored member: its CRC no longer matches
    r = _upload(client, [(bytes(data), "mine.zip"), (b'{"text": "one"}\n', "p.jsonl"), (b'{"text": "two"}\n', "p.jsonl")])
    page = html.unescape(r.text)
    assert r.status_code == 200, page[-800:]
    assert "mine.zip" in page and "onrecord-web-audits" not in page and "/inputs/" not in page  # never the server's copy
    assert "<td>p.jsonl</td>" in page and "<td>p.jsonl (upload 3)</td>" in page  # told apart, each with its own counts
    tok = _token(r.text)
    rejects = client.get(f"/audit/{tok}/rejects.jsonl").data
    assert b"onrecord-web-audits" not in rejects and b"mine.zip" in rejects


def test_warnings_and_input_errors_are_shown_with_file_and_line(client: Browser) -> None:
    """The CLI says how many posts were checked with a warning (an unknown field ignored) and gives examples; the
    page said nothing of them."""
    lines = [json.dumps({"id": "a", "text": "Library hours change on Monday.", "jurisdicton": "NZ"}),
             json.dumps({"id": "b", "text": "Roadworks start at 9.", "colour": "red"}),
             '{"id": "c", "text": 5}',
             json.dumps({"id": "d", "text": "Nothing odd here."})]
    r = _upload(client, [("\n".join(lines).encode() + b"\n", "notes <1>.jsonl")])
    assert r.status_code == 200, r.text[:3000]
    page = html.unescape(r.text)
    counts = " ".join(re.sub(r"<[^>]+>", "", page.split('id="audit-counts"')[1].split("</p>")[0]).split())
    assert "2 posts checked with a warning" in counts, counts
    warned = page.split('id="audit-warnings"')[1].split("</details>")[0]
    assert "2 posts checked with a warning" in warned
    assert "notes <1>.jsonl line 1: unknown field 'jurisdicton' ignored" in warned
    assert "notes <1>.jsonl line 2: unknown field 'colour' ignored" in warned
    assert "notes &lt;1&gt;.jsonl" in r.text and "notes <1>.jsonl" not in r.text  # the upload's name is text, not markup
    rejects = page.split('id="audit-rejects"')[1].split("</details>")[0]
    assert "notes <1>.jsonl line 3: field text" in rejects  # the input error: file, line and field


def test_an_audit_without_warnings_shows_none(client: Browser) -> None:
    r = _upload(client, [(b'{"text": "fine"}\n', "a.jsonl")])
    assert r.status_code == 200 and 'id="audit-warnings"' not in r.text and "with a warning" not in r.text


def test_many_warnings_are_cut_short_and_say_so(client: Browser, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(audit_page, "SHOWN_WARNINGS", 3)
    lines = [json.dumps({"id": str(i), "text": f"Post {i}.", "x1": 1, "x2": 2}) for i in range(4)]
    r = _upload(client, [("\n".join(lines).encode() + b"\n", "w.jsonl")])
    warned = html.unescape(r.text).split('id="audit-warnings"')[1].split("</details>")[0]
    assert "4 posts checked with a warning (the first 3 warnings; each result in results.jsonl lists its own)" in warned
    assert warned.count("<li>") == 3 and "w.jsonl line 2: unknown field 'x1' ignored" in warned
