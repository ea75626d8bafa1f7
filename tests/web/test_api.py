"""The JSON API: the post contract in, the same results as ``onrecord check`` out; review status for publishing tools."""

from __future__ import annotations

import html
import json
import re
import subprocess
import sys
from pathlib import Path

from flask import Flask
from tests.web.conftest import Browser

from onrecord.engine import Engine as Checker
from onrecord.store import review as rq
from onrecord.web import create_app

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples" / "posts.jsonl"


def test_jsonl_results_and_errors_are_what_the_cli_prints(app: Flask, tmp_path: Path) -> None:
    cli = subprocess.run([sys.executable, "-m", "onrecord", "check", "--input", str(EXAMPLES), "--format", "json",
                          "--db", str(tmp_path / "none.db")], capture_output=True, text=True, check=False)
    assert cli.returncode == 2  # the examples end with a malformed line on purpose
    want = json.loads(cli.stdout)
    r = app.test_client().post("/api/check", data=EXAMPLES.read_bytes(), content_type="application/x-ndjson")
    assert r.status_code == 200
    assert r.json == want
    assert len(want["results"]) == 11 and len(want["errors"]) == 1


def test_one_post_gets_one_result_and_a_bad_one_names_its_field(app: Flask) -> None:
    c = app.test_client()
    post = {"text": "Call Mrs Ngata on 021 555 0123", "account": {"kind": "official"}, "jurisdiction": "NZ"}
    r = c.post("/api/check?fix=1", json=post)
    assert r.status_code == 200
    assert [f["check"] for f in r.json["findings"]] == ["PD01", "PD01", "RC01"]
    assert r.json["fixed"] == {"text": "Call Mrs [name removed] on [phone removed]"}
    assert r.json["review_required"] is True and r.json["code"] == "nz-public-sector"
    r = c.post("/api/check", json={"text": "x", "account": {"kind": "ministerial"}})
    assert r.status_code == 400 and r.json["error"]["field"] == "$.account.kind"
    r = c.post("/api/check", json=[{"text": "fine"}, {"text": 3}])
    assert r.status_code == 200 and len(r.json["results"]) == 1
    assert r.json["errors"] == [{"line": 2, "error": "Expected `str`, got `int`", "field": "$.text", "id": None}]


def test_what_is_not_json_is_refused_as_json(app: Flask) -> None:
    c = app.test_client()
    r = c.post("/api/check", data={"text": "a form post"})  # what a cross-site form could send
    assert r.status_code == 415 and "application/json" in r.json["error"]["message"]
    r = c.post("/api/check", data="{nope", content_type="application/json")
    assert r.status_code == 400 and "not valid JSON" in r.json["error"]["message"]
    r = c.get("/api/review/99")
    assert r.status_code == 404 and r.json == {"error": {"message": "no review item 99"}}


def test_json_nested_too_deeply_is_a_400_not_a_traceback(app: Flask) -> None:
    deep = b'{"text": "x", "facts": ' + b"[" * 100_000 + b"]" * 100_000 + b"}"
    c = app.test_client()
    for body in (deep, b"[" + deep + b"]"):
        r = c.post("/api/check", data=body, content_type="application/json")
        assert r.status_code == 400 and r.json == {"error": {"message": "the body is not valid JSON: nested too deeply"}}


def test_a_publishing_tool_asks_whether_a_draft_is_approved(app: Flask, client: Browser, client2: Browser) -> None:
    rq.set_team(app.extensions["onrecord.store"], "privacy", "admin", members=["bob"])
    rq.set_team(app.extensions["onrecord.store"], "communications", "admin", members=["bob"])
    client.sign_in("alice")
    page = client.post("/check", {"text": "Call Mrs Ngata on 021 555 0123", "account_kind": "official",
                                  "jurisdiction": "NZ"}).text
    pj = html.unescape(re.search(r'name="post_json" value="([^"]*)"', page).group(1))  # type: ignore[union-attr]
    client.post("/submit", {"post_json": pj})
    api = app.test_client()
    assert api.get("/api/review/1").json["approved"] is False
    client2.sign_in("bob")
    client2.post("/review/1/approve", {})
    assert api.get("/api/review/1").json["steps"] == [{"team": "privacy", "status": "approved"},
                                                      {"team": "communications", "status": "pending"}]
    client2.post("/review/1/approve", {})
    body = api.get("/api/review/1").json
    assert body["approved"] is True and body["status"] == "approved" and body["expires_at"]


def test_behind_the_proxy_the_api_needs_the_header_too(db_url: str, checker: Checker) -> None:
    app = create_app(db=db_url, checker=checker, user_header="X-Remote-User")
    try:
        c = app.test_client()
        r = c.post("/api/check", json={"text": "hi"})
        assert r.status_code == 403 and "X-Remote-User" in r.json["error"]["message"]
        assert c.post("/api/check", json={"text": "hi"}, headers={"X-Remote-User": "pubtool"}).status_code == 200
        r = c.post("/api/check", json={"text": "hi"}, headers={"X-Remote-User": "pub\x7ftool"})
        assert r.status_code == 400 and "control characters" in r.json["error"]["message"]
        assert c.get("/", headers={"X-Remote-User": "  Ana\u200b  Admin "}).text.count("Signed in as <strong>Ana Admin</strong>") == 1
    finally:
        app.extensions["onrecord.store"].dispose()


def test_a_posted_at_that_is_no_time_is_a_warning_not_an_error(app: Flask) -> None:
    """As in ``onrecord check``: the post is checked without the time, and its result says why."""
    c = app.test_client()
    r = c.post("/api/check", json={"text": "Pool hours change on Monday.", "circumstances": {"posted_at": "yesterday"}})
    assert r.status_code == 200
    assert r.json["warnings"] == ["posted_at 'yesterday' is not a date and time (ISO 8601, such as "
                                  "2024-03-01T09:00:00Z); it is ignored"]
    r = c.post("/api/check", json=[{"text": "fine", "circumstances": {"posted_at": 1709283600}}])
    assert r.status_code == 200 and r.json["errors"] == [] and len(r.json["results"][0]["warnings"]) == 1
