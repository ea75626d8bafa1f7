"""Web UI flows on SQLite and a real PostgreSQL: who is acting, CSRF, the review queue, the archive."""

from __future__ import annotations

import hashlib
import html
import io
import re
import zipfile
from pathlib import Path

import msgspec
import pytest
from flask import Flask
from sqlalchemy import text
from tests.store import tamper
from tests.web.conftest import Browser, token

from onrecord.engine import Engine as Checker
from onrecord.model.post import Post
from onrecord.store import archive
from onrecord.store import review as rq
from onrecord.store.export import verify_bundle
from onrecord.web import create_app

PII_DRAFT = {"text": "Call Mrs Ngata on 021 555 0123 about her benefit claim", "account_kind": "official",
             "jurisdiction": "NZ", "role": "employee", "handle": "msd_nz"}


def _store(app: Flask):  # type: ignore[no-untyped-def]
    return app.extensions["onrecord.store"]


def _flash(page: str) -> list[str]:
    return [html.unescape(m) for m in re.findall(r'<p class="flash[^"]*" role="status">(.*?)</p>', page, re.S)]


def _submit(b: Browser, form: dict[str, str]) -> tuple[int, str]:
    page = b.post("/check", form).text
    pj = html.unescape(re.search(r'name="post_json" value="([^"]*)"', page).group(1))  # type: ignore[union-attr]
    r = b.post("/submit", {"post_json": pj})
    assert r.status_code == 302, r.text
    return r.status_code, r.headers["Location"]


def test_forms_without_the_session_token_are_refused(app: Flask) -> None:
    c = app.test_client()
    r = c.post("/check", data={"text": "hello"})
    assert r.status_code == 400
    assert "did not come from this site" in r.text
    assert "Traceback" not in r.text


def test_submitting_needs_a_name(client: Browser) -> None:
    page = client.post("/check", PII_DRAFT).text
    assert 'id="submit-review"' not in page and "to submit this draft for review" in page
    r = client.post("/submit", {"post_json": msgspec.json.encode({"text": "x"}).decode()})
    assert r.status_code == 400
    assert "sign in first" in r.text


def test_review_flow_no_self_approval_then_the_privacy_and_communications_steps(app: Flask, client: Browser,
                                                                                  client2: Browser) -> None:
    rq.set_team(_store(app), "privacy", "admin", mode="any", members=["bob", "alice"])
    rq.set_team(_store(app), "communications", "admin", mode="any", members=["carol"])
    client.sign_in("alice")
    _, where = _submit(client, PII_DRAFT)
    item_id = int(where.rsplit("/", 1)[1])
    page = client.get(where).text
    assert 'id="item-status">pending<' in page
    assert re.findall(r'<li class="pending">(\w+)', page) == ["privacy", "communications"]
    assert "You submitted this item, so you cannot approve it." in page
    # the page hides nothing the store would refuse: alice's own approval is refused by the store and said so
    page = client.post(f"/review/{item_id}/approve", {"note": "fine"}, follow_redirects=True).text
    assert any("no self-approval" in f for f in _flash(page)), _flash(page)
    client2.sign_in("bob")
    page = client2.get(where).text
    assert "Waiting for the <strong>privacy</strong> team: bob." in page
    assert '<mark class="breach"' in page  # the reviewer sees the spans that need a look
    assert 'href="/review/waivers?check=PD01&amp;account=x:msd_nz">waive PD01</a>' in page and "waive RC01" not in page
    page = client2.post(f"/review/{item_id}/approve", {"note": "client consented"}, follow_redirects=True).text
    assert any("Approved by bob; the item is now pending." in f for f in _flash(page))
    assert "Waiting for the <strong>communications</strong> team: carol." in page
    page = client2.post(f"/review/{item_id}/approve", {}, follow_redirects=True).text
    assert any("bob is not a communications reviewer" in f for f in _flash(page))
    carol = Browser(app.test_client())
    carol.sign_in("carol")
    page = carol.post(f"/review/{item_id}/approve", {}, follow_redirects=True).text
    assert 'id="item-status">approved<' in page
    it = rq.get(_store(app), item_id)
    assert it.status == "approved" and [d["reviewer"] for d in it.decisions] == ["bob", "carol"]
    assert it.decisions[0]["note"] == "client consented" and it.submitter == "alice"
    # the queue lists it under approved, not pending
    assert f'data-item="{item_id}"' in carol.get("/review?status=approved").text
    assert f'data-item="{item_id}"' not in carol.get("/review").text


def test_reject_needs_a_note_and_a_resubmission_is_not_a_duplicate(app: Flask, client: Browser,
                                                                    client2: Browser) -> None:
    rq.set_team(_store(app), "privacy", "admin", members=["bob"])
    client.sign_in("alice")
    _, where = _submit(client, PII_DRAFT)
    item_id = int(where.rsplit("/", 1)[1])
    client2.sign_in("bob")
    page = client2.post(f"/review/{item_id}/reject", {"note": "  "}, follow_redirects=True).text
    assert any("a rejection needs a note" in f for f in _flash(page))
    page = client2.post(f"/review/{item_id}/reject", {"note": "remove the phone number"}, follow_redirects=True).text
    assert 'id="item-status">rejected<' in page and "remove the phone number" in page
    page = client.post("/check", PII_DRAFT).text
    pj = html.unescape(re.search(r'name="post_json" value="([^"]*)"', page).group(1))  # type: ignore[union-attr]
    page = client.post("/submit", {"post_json": pj}, follow_redirects=True).text
    assert any(f"already submitted as item {item_id}" in f for f in _flash(page))
    assert len(rq.items(_store(app))) == 1


def test_the_verdict_is_worked_out_again_on_submit(app: Flask, client: Browser) -> None:
    client.sign_in("alice")
    # a private, clean post needs no review, whatever a page might claim
    clean = msgspec.json.encode({"text": "Lovely walk by the river", "account": {"kind": "personal"}}).decode()
    page = client.post("/submit", {"post_json": clean}, follow_redirects=True).text
    assert any("No review needed" in f for f in _flash(page))
    assert rq.items(_store(app)) == []
    r = client.post("/submit", {"post_json": "{not json"})
    assert r.status_code == 400 and "could not be read back" in r.text


def test_identity_from_the_sign_in_proxy(db_url: str, checker: Checker) -> None:
    app = create_app(db=db_url, checker=checker, user_header="X-Remote-User")
    try:
        c = app.test_client()
        r = c.get("/")
        assert r.status_code == 403 and "X-Remote-User" in r.text
        page = c.get("/", headers={"X-Remote-User": "dana"}).text
        assert "Signed in as <strong>dana</strong>" in page and 'id="signout"' not in page
        csrf = re.search(r'name="csrf" value="([^"]+)"', page).group(1)  # type: ignore[union-attr]
        page = c.post("/check", data={"csrf": csrf, **PII_DRAFT}, headers={"X-Remote-User": "dana"}).text
        pj = html.unescape(re.search(r'name="post_json" value="([^"]*)"', page).group(1))  # type: ignore[union-attr]
        r = c.post("/submit", data={"csrf": csrf, "post_json": pj}, headers={"X-Remote-User": "dana"})
        assert r.status_code == 302
        assert rq.items(app.extensions["onrecord.store"])[0].submitter == "dana"
    finally:
        app.extensions["onrecord.store"].dispose()


def _archive_some(app: Flask, checker: Checker) -> None:
    rows = [
        {"id": "1", "platform": "x", "text": "Road closures on Queen St this weekend", "url": "https://x.com/akl/status/1",
         "account": {"kind": "official", "handle": "aklcouncil"}, "jurisdiction": "NZ",
         "circumstances": {"posted_at": "2026-03-02T09:00:00Z"}},
        {"id": "2", "platform": "x", "text": "Library hours change from Monday", "url": "javascript:alert(1)",
         "account": {"kind": "official", "handle": "aklcouncil"}, "jurisdiction": "NZ",
         "circumstances": {"posted_at": "2026-04-10T09:00:00Z"}},
        {"id": "3", "platform": "mastodon", "text": "Queen St works finish early", "account": {"kind": "official",
         "handle": "wgtn"}, "jurisdiction": "NZ", "circumstances": {"posted_at": "2026-04-11T09:00:00Z"}},
    ]
    posts = [msgspec.convert(r, Post) for r in rows]
    archive.append(_store(app), [(p, checker.check(p)) for p in posts], actor="records")


def test_archive_results_come_in_pages(app: Flask, client: Browser, checker: Checker,
                                       monkeypatch: pytest.MonkeyPatch) -> None:
    from onrecord.web import records

    _archive_some(app, checker)
    monkeypatch.setattr(records, "SHOWN", 2)
    page = client.get("/archive?go=1&account=").text
    assert 'id="count">3 entries, 1–2 shown (page 1 of 2' in page and len(re.findall(r"data-seq=", page)) == 2
    assert 'rel="next"' in page and 'rel="prev"' not in page
    nxt = html.unescape(re.search(r'href="([^"]+)" rel="next"', page)[1])  # type: ignore[index]
    assert "go=1" in nxt and "page=2" in nxt  # the search is kept
    page = client.get(nxt).text
    assert 'id="count">3 entries, 3–3 shown (page 2 of 2' in page and re.findall(r'data-seq="(\d+)"', page) == ["3"]
    assert 'rel="prev"' in page and 'rel="next"' not in page
    for odd in ("99", "-4", "abc", "9" * 40):  # out of range or not a number: the nearest page, never an error
        assert client.get(f"/archive?go=1&page={odd}").status_code == 200
    assert re.findall(r'data-seq="(\d+)"', client.get("/archive?go=1&page=99").text) == ["3"]  # the last page
    # A text search pages the same way (it is matched in Python, one stored post at a time)
    page = client.get("/archive?go=1&q=o").text  # "Library hours…", "Queen St works…" and the first post
    assert re.findall(r'data-seq="(\d+)"', page) == ["1", "2"] and 'id="count">3 entries' in page
    page = client.get("/archive?go=1&q=o&page=2").text
    assert re.findall(r'data-seq="(\d+)"', page) == ["3"] and 'id="count">3 entries, 3–3 shown' in page
    page = client.get("/archive?go=1&q=QUEEN&page=7").text
    assert re.findall(r'data-seq="(\d+)"', page) == ["1", "3"] and 'id="count">2 entries.<' in page  # one page: no 'shown'


def test_archive_pages_keep_only_the_search(app: Flask, client: Browser, checker: Checker,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    from onrecord.web import records

    _archive_some(app, checker)
    monkeypatch.setattr(records, "SHOWN", 2)
    for extra in ("endpoint=x", "_method=POST", "_external=1&_anchor=x", "utm_source=mail"):
        page = client.get(f"/archive?go=1&q=&{extra}")
        assert page.status_code == 200, extra  # other query keys never reach url_for
        nxt = html.unescape(re.search(r'href="([^"]+)" rel="next"', page.text)[1])  # type: ignore[index]
        assert nxt.startswith("/archive?") and "#" not in nxt and extra.split("=")[0] not in nxt, nxt


def test_archive_search_verify_and_tamper(app: Flask, client: Browser, checker: Checker) -> None:
    _archive_some(app, checker)
    page = client.get("/archive?q=queen+st").text
    assert 'id="count">2 entries' in page
    page = client.get("/archive?account=aklcouncil&from=2026-04-01&to=2026-04-10").text
    assert 'id="count">1 entry' in page and "Library hours" in page
    assert 'href="javascript:' not in page  # an archived post's link is shown only when it is http(s)
    r = client.get("/archive?from=last+tuesday")
    assert r.status_code == 400 and "cannot read from" in html.unescape(r.text)
    page = client.post("/archive/verify").text
    assert "Chain intact</strong>: 3 entries checked" in page
    _seq, head = archive.head(_store(app))
    page = client.post("/archive/verify", {"expect_head": "0" * 64}).text
    assert "The archive has been altered" in page
    tamper.apply(_store(app), {"flip_json": 2})
    page = client.post("/archive/verify", {"expect_head": head}).text
    assert "The archive has been altered" in page and "entry 2" in page


def test_archive_bundle_export_is_audited_and_verifies_offline(app: Flask, client: Browser, client2: Browser,
                                                               checker: Checker, tmp_path: Path) -> None:
    _archive_some(app, checker)
    r = client.post("/archive/export", {"q": "queen st"})
    assert r.status_code == 400 and "sign in first" in r.text  # every export is recorded with who made it
    client.sign_in("rita")
    page = client.post("/archive/export", {"q": "queen st"}).text
    assert 'id="export-count">2 entries' in page
    manifest = re.search(r'id="manifest-sha256">([0-9a-f]{64})<', page).group(1)  # type: ignore[union-attr]
    link = re.search(r'href="(/archive/export/[^"]+)" id="download"', page).group(1)  # type: ignore[union-attr]
    client2.sign_in("mallory")
    assert client2.get(link).status_code == 404  # someone else's export is not theirs to fetch
    r = client.get(link)
    assert r.status_code == 200 and r.mimetype == "application/zip"
    assert "attachment" in r.headers["Content-Disposition"]
    with zipfile.ZipFile(io.BytesIO(r.data)) as z:
        z.extractall(tmp_path)
    meta, problems = verify_bundle(tmp_path / "onrecord-bundle")
    assert problems == [] and meta is not None and meta["count"] == 2
    assert hashlib.sha256((tmp_path / "onrecord-bundle" / "manifest.json").read_bytes()).hexdigest() == manifest
    with _store(app).connect() as conn:
        row = conn.execute(text("SELECT actor, action, detail FROM audit_log WHERE action = 'archive.export'")).one()
    assert row.actor == "rita" and manifest in row.detail
    # one byte changed in the downloaded bundle is caught
    f = tmp_path / "onrecord-bundle" / "records.csv"
    f.write_bytes(f.read_bytes().replace(b"Queen", b"Qween", 1))
    assert verify_bundle(tmp_path / "onrecord-bundle")[1]


def test_old_bundles_make_way_for_new_ones(app: Flask, client: Browser, client2: Browser, checker: Checker) -> None:
    """Bundles can be hundreds of MB: the server keeps each person's last few (it kept every one until it stopped)."""
    _archive_some(app, checker)
    app.extensions["onrecord.exports"].per_owner = 1
    client.sign_in("rita")
    client2.sign_in("omar")

    def export(c: Browser) -> str:
        page = c.post("/archive/export", {"q": "queen st"}).text
        return re.search(r'href="(/archive/export/[^"]+)" id="download"', page).group(1)  # type: ignore[union-attr]

    first = export(client)
    folder = app.extensions["onrecord.exports"].folder_of(first.rsplit("/", 1)[1])
    assert folder is not None and sorted(p.name for p in folder.iterdir()) == ["bundle.zip"]  # the zip, not two copies
    theirs = export(client2)  # someone else's export does not push out rita's
    assert client.get(first).status_code == 200
    second = export(client)
    r = client.get(first)
    assert r.status_code == 404 and "export again" in r.text and not folder.exists()
    assert client.get(second).status_code == 200 and client2.get(theirs).status_code == 200


def test_sign_in_goes_back_only_to_this_site(client: Browser) -> None:
    for target in ("https://evil.example/phish", "//evil.example/x", "/\\evil.example", "javascript:alert(1)", ""):
        r = client.post("/signin", {"name": "alice", "next": target})
        assert r.status_code == 302 and r.headers["Location"] == "/", (target, r.headers["Location"])
        client.csrf = token(client.get("/").text)
    r = client.post("/signin", {"name": "alice", "next": "/review/3?tab=x"})
    assert r.headers["Location"] == "/review/3?tab=x"


def test_a_look_alike_name_is_still_the_submitter(app: Flask, client: Browser, client2: Browser) -> None:
    rq.set_team(_store(app), "privacy", "admin", members=["bob", "carol"])
    rq.set_team(_store(app), "communications", "admin", members=["bob", "carol"])
    client.sign_in("bob\u200b")  # signs in as "bob": invisible characters are dropped from names
    assert "Signed in as <strong>bob</strong>" in client.get("/").text
    client.sign_in("Bob")
    _, where = _submit(client, PII_DRAFT)
    client2.sign_in("bob")
    page = client2.post(f"{where}/approve", {}, follow_redirects=True).text
    assert any("cannot approve it (no self-approval)" in f for f in _flash(page)), _flash(page)
    assert "Waiting for the <strong>privacy</strong> team: carol." in page
    client2.post("/signout", {})
    client2.csrf = token(client2.get("/").text)
    r = client2.post("/signin", {"name": "\x07"})
    assert "say who you are" in r.text


def test_the_queue_comes_in_pages_that_keep_the_status(app: Flask, client: Browser, checker: Checker,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    from onrecord.web import queue

    monkeypatch.setattr(queue, "SHOWN", 2)
    for i in range(3):
        post = msgspec.convert({"id": f"q{i}", "text": f"Road works on Queen St, day {i}", "platform": "x",
                                "account": {"kind": "official", "handle": "akl"}, "jurisdiction": "NZ"}, Post)
        rq.submit(_store(app), post, checker.check(post), "sam")
    page = client.get("/review?status=all").text
    assert 'id="items-count">3 items, 1–2 shown (page 1 of 2)' in page and len(re.findall(r"data-item=", page)) == 2
    nxt = html.unescape(re.search(r'href="([^"]+)" rel="next"', page)[1])  # type: ignore[index]
    assert "status=all" in nxt and "page=2" in nxt
    assert re.findall(r'data-item="(\d+)"', client.get(nxt).text) == ["3"]


def _alice_submits_to_bob(app: Flask, client: Browser, client2: Browser, communications: str) -> str:
    """Teams privacy = bob and communications = ``communications``; alice submits the PII draft, bob signs in."""
    rq.set_team(_store(app), "privacy", "admin", members=["bob"])
    rq.set_team(_store(app), "communications", "admin", members=[communications])
    client.sign_in("alice")
    _, where = _submit(client, PII_DRAFT)
    client2.sign_in("bob")
    return where


def test_an_expired_approval_can_be_asked_for_again(app: Flask, client: Browser, client2: Browser) -> None:
    where = _alice_submits_to_bob(app, client, client2, communications="bob")
    client2.post(f"{where}/approve", {})
    client2.post(f"{where}/approve", {})
    assert rq.get(_store(app), 1).status == "approved"
    _, again = _submit(client, PII_DRAFT)
    assert again == where  # still approved: the same item
    with _store(app).begin() as conn:
        conn.execute(text("UPDATE review_items SET expires_at = '2000-01-01T00:00:00.000000Z' WHERE id = 1"))
    _, renewed = _submit(client, PII_DRAFT)
    assert renewed != where and rq.get(_store(app), int(renewed.rsplit("/", 1)[1])).status == "pending"
    _, same = _submit(client, PII_DRAFT)
    assert same == renewed  # and that new request is not duplicated either


def test_browser_line_breaks_give_the_verdict_the_cli_gives(client: Browser, checker: Checker) -> None:
    text = "Dyan van Gijn\r\n\r\n864 Piazzetta Scalette Rubiani 104\r\n Apt. 905\r\n Serradarce"
    page = client.post("/check", {"text": text, "account_kind": "official", "jurisdiction": "NZ"}).text
    post = msgspec.convert({"text": text.replace("\r\n", "\n"), "account": {"kind": "official"}, "jurisdiction": "NZ"}, Post)
    want = sorted({f.check for f in checker.check(post).findings})
    assert sorted(set(re.findall(r'data-check="([A-Z]+\d+)"', page))) == want and "PD01" in want


def test_input_that_would_break_a_page_gets_a_sentence(client: Browser) -> None:
    assert client.get("/review/99999999999999999999").status_code == 404
    assert client.get("/api/review/99999999999999999999").status_code == 404
    for bad in ("9999-12-31T23:59:59-01:00", "0001-01-01T00:00:00+01:00"):
        r = client.get("/archive", query_string={"from": bad})
        assert r.status_code == 400 and "cannot read from" in html.unescape(r.text), bad
    r = client.post("/check", {"text": "a.b@c.de " * 4000})
    assert r.status_code == 400 and "more than the 30,000" in html.unescape(r.text)


def test_reviewers_grant_waivers_and_later_submissions_skip_the_waived_check(app: Flask, client: Browser,
                                                                              client2: Browser) -> None:
    rq.set_team(_store(app), "privacy", "admin", members=["bob"])
    rq.set_team(_store(app), "communications", "admin", members=["carol"])
    client.sign_in("alice")  # not on a team
    page = client.get("/review/waivers?check=PD01&account=x:msd_nz").text
    assert "Only members of a review team grant waivers." in page and 'id="waiver-form"' not in page
    r = client.post("/review/waivers", {"check": "PD01", "account": "x:msd_nz", "expires": "30d", "reason": "r"})
    assert r.status_code == 400 and "alice is not on a review team" in html.unescape(r.text)
    client2.sign_in("bob")
    page = client2.get("/review/waivers?check=PD01&account=x:msd_nz").text
    assert 'id="w-check" value="PD01"' in page and 'id="w-account" value="x:msd_nz"' in page
    for bad, says in [({"expires": ""}, "say when the waiver expires"), ({"reason": " "}, "a waiver needs a reason"),
                      ({"account": "msd_nz"}, "an account is PLATFORM:HANDLE"), ({"expires": "soon"}, "cannot read 'soon'"),
                      ({"check": "<SCRIPT>"}, "no check '<SCRIPT>'"), ({"check": "", "topic": "gossip"}, "no topic 'gossip'")]:
        form = {"check": "PD01", "account": "x:msd_nz", "expires": "30d", "reason": "consent on file", **bad}
        r = client2.post("/review/waivers", form)
        assert r.status_code == 400 and says in html.unescape(r.text), (bad, _flash(r.text))
    r = client2.post("/review/waivers", {"check": "pd01", "account": "x:msd_nz", "expires": "30d",
                                         "reason": "client consent forms on file"}, follow_redirects=True)
    assert any("Waiver 1 granted by bob" in f for f in _flash(r.text))
    assert 'data-waiver="1"' in r.text and "unused" in r.text
    _, where = _submit(client, PII_DRAFT)
    it = rq.get(_store(app), int(where.rsplit("/", 1)[1]))
    assert [s["team"] for s in it.steps] == ["communications"]  # privacy skipped: PD01 waived for this account
    assert it.waived == ["PD01:1"]  # each (check, waiver) once; each of the two findings names it
    assert [f["waiver"] for f in it.findings if f["check"] == "PD01"] == ["1", "1"]
    page = client2.get(where).text  # the reviewer sees which findings the waiver let through, and which waiver
    assert page.count('class="waived" data-waiver="1"') == 2 and 'href="/review/waivers#waiver-1"' in page
    assert 'id="waiver-1"' in client2.get("/review/waivers").text
    assert rq.waiver_report(_store(app))[0]["state"] == "active"


def test_a_waiver_expiry_out_of_range_is_a_sentence(app: Flask, client: Browser) -> None:
    rq.set_team(_store(app), "privacy", "admin", members=["bob"])
    client.sign_in("bob")
    for bad, says in [("99999999999d", "too far in the future"), ("²d", "cannot read '²d'")]:
        r = client.post("/review/waivers", {"check": "PD01", "account": "*", "expires": bad, "reason": "r"})
        assert r.status_code == 400 and says in html.unescape(r.text), (bad, r.text[-800:])
    assert rq.waiver_report(_store(app)) == []


def test_submit_holds_the_form_limits_for_an_edited_page(app: Flask, client: Browser) -> None:
    client.sign_in("alice")
    official = {"account": {"kind": "official"}, "jurisdiction": "NZ"}
    for post_json, says in [
        (msgspec.json.encode({"text": "Call 021 555 0123 " * 2000, **official}).decode(), "more than the 30,000"),
        (msgspec.json.encode({"text": " ", **official}).decode(), "write the draft"),
        ('{"text": "x", "facts": ' + "[" * 100_000 + "]" * 100_000 + "}", "nested too deeply"),
    ]:
        r = client.post("/submit", {"post_json": post_json})
        assert r.status_code == 400 and says in html.unescape(r.text), (says, r.status_code)
    assert rq.items(_store(app)) == []


def test_the_statistics_page_shows_what_reviewers_did(app: Flask, client: Browser, client2: Browser) -> None:
    where = _alice_submits_to_bob(app, client, client2, communications="carol")
    client2.post(f"{where}/reject", {"note": "a resident's phone number"})
    page = client.get("/review").text
    assert 'id="stats-link"' in page
    page = client.get("/review/stats").text
    assert 'id="stats-items">1 item' in page and "1 rejected" in page
    row = re.search(r'<tr data-check="PD01">(.*?)</tr>', page, re.S)
    cells = re.findall(r"<td>(?:<code>)?([^<]*)", row.group(1)) if row else []
    assert cells == ["PD01", "breach", "1", "0", "1", "0", "100%", "0"], cells  # the one decided finding was upheld
    assert 'data-team="privacy"' in page
    assert client.get("/review/stats?since=2999-01-01").text.count("data-check=") == 0
    assert client.get("/review/stats?since=whenever").status_code == 400


def test_the_activity_page_reports_the_month(app: Flask, client: Browser, checker: Checker) -> None:
    _archive_some(app, checker)  # archived now: this month
    client.sign_in("rita records")
    assert client.post("/archive/export", {"q": "queen st"}).status_code == 200
    page = html.unescape(client.get("/archive/activity").text)
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", page))
    assert "3 new records" in text and "across 2 accounts" in text
    assert 'data-account="x:aklcouncil"' in page and "official 2" in page
    assert "rita records" in page and "archive.export 1" in page  # the bundle, with who made it
    assert re.search(r"<td>rita records</td><td>2</td><td><code>[0-9a-f]{64}</code>", page)
    assert "Nothing was archived in this period." in client.get("/archive/activity?month=1999-01").text
    assert "<strong>3</strong> new" in client.get("/archive/activity?from=2000-01-01").text
    r = client.get("/archive/activity?month=soon")
    assert r.status_code == 400 and "YYYY-MM" in r.text
    # The last month a date can name and the first: a report (nothing archived then), not a 500.
    for month in ("9999-12", "0001-01"):
        r = client.get(f"/archive/activity?month={month}")
        assert r.status_code == 200 and "Nothing was archived in this period." in r.text, month
