"""The web UI in real headless Chromium (Debian's, driven by Playwright): draft, review, archive, as people use it.

Skipped with the reason when Chromium or Playwright is missing, except under CI (``CI`` set), where a
missing browser is a failure: ``.ci/run`` installs Debian's chromium.
"""

from __future__ import annotations

import json
import os
import shutil
import threading
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import msgspec
import pytest
from flask import Flask
from werkzeug.serving import make_server

from onrecord.engine import Engine as Checker
from onrecord.model.post import Post
from onrecord.store import archive
from onrecord.store import review as rq
from onrecord.store.export import verify_bundle
from onrecord.web import create_app

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run", "--disable-quic"]


def _need(what: str) -> None:
    if os.environ.get("CI"):
        pytest.fail(f"{what} (CI must run the browser tests: .ci/run installs Debian's chromium)")
    pytest.skip(what)


@pytest.fixture(scope="module")
def chromium() -> Iterator[Any]:
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _need("playwright is not installed (pip install -e '.[test]')")
    if not Path(CHROMIUM).exists():
        _need("no Chromium at /usr/bin/chromium (apt-get install chromium)")
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        yield b
        b.close()


@pytest.fixture
def server(tmp_path: Path, checker: Checker) -> Iterator[tuple[str, Flask]]:
    app = create_app(db=str(tmp_path / "onrecord.db"), checker=checker, admins=("Ana Admin",))
    srv = make_server("127.0.0.1", 0, app, threaded=True)
    t = threading.Thread(target=srv.serve_forever, daemon=True)
    t.start()
    try:
        yield f"http://127.0.0.1:{srv.server_port}", app
    finally:
        srv.shutdown()
        app.extensions["onrecord.store"].dispose()


def _person(chromium: Any, base: str, name: str) -> Any:
    """A page in a browser context of its own (its own cookies), signed in as ``name``."""
    page = chromium.new_context(accept_downloads=True).new_page()
    page.goto(f"{base}/signin")
    page.fill("#name", name)
    page.click("#signin")
    assert page.inner_text("#signed-in") == f"Signed in as {name}"
    return page


def test_draft_to_approval_in_chromium(chromium: Any, server: tuple[str, Flask], tmp_path: Path) -> None:
    base, app = server
    store = app.extensions["onrecord.store"]
    rq.set_team(store, "privacy", "admin", members=["bob"])
    rq.set_team(store, "communications", "admin", members=["carol"])

    alice = _person(chromium, base, "alice")
    alice.fill("#text", "Call Mrs Ngata on 021 555 0123 about her benefit claim")
    alice.select_option("#account_kind", "official")
    alice.select_option("#jurisdiction", "NZ")
    alice.select_option("#role", "employee")
    alice.click("#check-fix")
    assert "Conflicts with the code" in alice.inner_text("#verdict")
    assert alice.text_content("#capacity-label") == "official"  # the DOM text: inner_text depends on the CSS having loaded
    marks = [m.strip() for m in alice.locator(".post-text mark a").all_inner_texts()]
    assert marks == ["Ngata", "021 555 0123"]
    assert alice.inner_text("#fixed-text") == "Call Mrs [name removed] on [phone removed] about her benefit claim"
    href = alice.locator("#finding-2 a.clause").first.get_attribute("href")
    assert href is not None and href.startswith("https://www.publicservice.govt.nz/")
    alice.locator(".post-text mark a").nth(1).click()  # a mark leads to its finding
    assert alice.url.endswith("#finding-2") and "phone number" in alice.inner_text("#finding-2")
    assert alice.input_value("#text").startswith("Call Mrs Ngata")  # the draft stays in the form to edit
    alice.screenshot(path=str(tmp_path / "draft.png"), full_page=True)
    alice.click("#submit-review")
    assert "/review/1" in alice.url
    assert alice.inner_text("#item-status") == "pending"
    assert "cannot approve it" in alice.content()

    bob = _person(chromium, base, "bob")
    bob.goto(f"{base}/review")
    bob.click("#items a >> text=1")
    bob.fill("#approve-note", "client agreed to be contacted")
    bob.click("#approve")
    assert "Approved by bob; the item is now pending." in bob.inner_text(".flash")

    carol = _person(chromium, base, "carol")
    carol.goto(f"{base}/review/1")
    carol.click("#approve")
    assert carol.inner_text("#item-status") == "approved"
    carol.screenshot(path=str(tmp_path / "item.png"), full_page=True)
    assert "client agreed to be contacted" in carol.inner_text("#decisions")
    assert rq.is_approved(store, 1)
    carol.goto(f"{base}/review")
    carol.click("#stats-link")  # the item went out as written: its PD01 finding was not upheld
    row = [c.strip() for c in carol.locator('#stats-checks tr[data-check="PD01"] td').all_text_contents()]
    assert row == ["PD01", "breach", "1", "1", "0", "0", "0%", "0"], row
    assert carol.locator('#stats-teams tr[data-team="privacy"]').count() == 1


def test_archive_search_verify_and_download_in_chromium(chromium: Any, server: tuple[str, Flask], checker: Checker,
                                                        tmp_path: Path) -> None:
    base, app = server
    store = app.extensions["onrecord.store"]
    posts = [msgspec.convert({"id": str(i), "platform": "x", "text": t, "jurisdiction": "NZ",
                              "account": {"kind": "official", "handle": "aklcouncil"},
                              "circumstances": {"posted_at": f"2026-03-0{i}T09:00:00Z"}}, Post)
             for i, t in enumerate(["Queen St closed on Sunday", "Pools open late", "Queen St open again"], start=1)]
    archive.append(store, [(p, checker.check(p)) for p in posts], actor="records")

    page = chromium.new_context(accept_downloads=True).new_page()
    page.goto(f"{base}/archive")
    assert page.inner_text("#head-seq") == "3"
    page.fill("#q", "queen st")
    page.click("#find")
    assert page.inner_text("#count") == "2 entries."
    assert page.locator("#entries tbody tr").count() == 2
    page.goto(f"{base}/signin?next=/archive")
    page.fill("#name", "rita")
    page.click("#signin")
    page.fill("#q", "queen st")
    page.click("#find")
    page.click("#export")
    assert page.inner_text("#export-count").startswith("2 entries")
    with page.expect_download() as dl:
        page.click("#download")
    path = tmp_path / "bundle.zip"
    dl.value.save_as(path)
    with zipfile.ZipFile(path) as z:
        z.extractall(tmp_path)
    meta, problems = verify_bundle(tmp_path / "onrecord-bundle")
    assert problems == [] and meta is not None and meta["count"] == 2
    page.goto(f"{base}/archive")
    page.click("#verify")
    assert page.inner_text("#verify-report").startswith("Chain intact: 3 entries checked")
    page.click("#activity-link")  # this month's report: the three records and rita's bundle
    totals = " ".join((page.text_content("#activity-totals") or "").split())
    assert "3 new records" in totals and "across 1 account" in totals, totals
    assert "rita" in (page.text_content("#activity-exports") or "")


def test_exposure_upload_in_chromium(chromium: Any, server: tuple[str, Flask], tmp_path: Path) -> None:
    base, _ = server
    work = {"id": "li1", "platform": "linkedin", "jurisdiction": "NZ", "text": "Heading to Brussels for the trade talks",
            "account": {"handle": "janedoe", "bio": "Trade negotiator at MFAT. Personal: @janedoe_home"}}
    home = {"id": "x1", "platform": "x", "text": "My son Tama starts school on Monday",
            "account": {"kind": "personal", "handle": "janedoe_home", "bio": "I live in Wellington"}}
    a, b = tmp_path / "linkedin.jsonl", tmp_path / "x.jsonl"
    a.write_text(json.dumps(work) + "\n", encoding="utf-8")
    b.write_text(json.dumps(home) + "\n", encoding="utf-8")
    page = chromium.new_context().new_page()
    page.goto(f"{base}/exposure")
    page.set_input_files("#exports", [str(a), str(b)])
    page.click("#analyse")
    assert page.inner_text("#summary").startswith("1 person(s), 2 account(s), 2 post(s)")
    assert page.locator('[data-risk="EX05"]').count() == 1
    assert "linkedin:janedoe ↔ x:janedoe_home" in page.inner_text(".links")
    page.screenshot(path=str(tmp_path / "exposure.png"), full_page=True)


def test_audit_upload_and_report_in_chromium(chromium: Any, server: tuple[str, Flask], tmp_path: Path) -> None:
    base, _ = server
    export = Path(__file__).resolve().parents[1] / "fixtures" / "exports" / "x-archive.zip"
    page = chromium.new_context(accept_downloads=True).new_page()
    page.goto(f"{base}/audit")
    page.set_input_files("#audit-exports", [str(export)])
    page.fill("#audit-title", "Roads department, 2024")
    page.click("#audit-run")
    counts = page.text_content("#audit-counts") or ""
    assert "read 10 = checked 9 + set aside 1" in " ".join(counts.split()), counts  # a bad date keeps its tweet
    warned = " ".join((page.text_content("#audit-warnings") or "").split())
    assert "x-archive.zip!data/tweets-part1.js [2]: created_at 'not a date' is not a date and time" in warned, warned
    assert page.locator('[data-account="x:@RoadsDeptExample"]').count() == 1
    with page.expect_popup() as popup:
        page.click("#audit-report")
    report = popup.value
    report.wait_for_load_state()
    assert "Roads department, 2024" in (report.title() + (report.text_content("body") or ""))
    with page.expect_download() as dl:
        page.click("#audit-zip")
    dl.value.save_as(tmp_path / "audit.zip")
    assert zipfile.ZipFile(tmp_path / "audit.zip").namelist()
    page.screenshot(path=str(tmp_path / "audit.png"), full_page=True)


def test_audit_warnings_and_rejects_are_shown_in_chromium(chromium: Any, server: tuple[str, Flask], tmp_path: Path) -> None:
    base, _ = server
    export = tmp_path / "posts.jsonl"
    export.write_text(json.dumps({"id": "a", "text": "Library hours change on Monday.", "jurisdicton": "NZ"}) + "\n"
                      + '{"id": "b", "text": 5}\n', "utf-8")
    page = chromium.new_page()
    page.goto(f"{base}/audit")
    page.set_input_files("#audit-exports", [str(export)])
    page.click("#audit-run")
    assert "1 post checked with a warning" in (page.text_content("#audit-warned") or "")
    warned = " ".join((page.text_content("#audit-warnings") or "").split())
    assert "posts.jsonl line 1: unknown field 'jurisdicton' ignored" in warned, warned
    assert "posts.jsonl line 2:" in (page.text_content("#audit-rejects") or "")


def test_an_administrator_registers_an_account_in_chromium(chromium: Any, server: tuple[str, Flask]) -> None:
    base, _ = server
    page = _person(chromium, base, "Ana Admin")
    page.goto(f"{base}/accounts")
    page.select_option("#a-platform", "x")
    page.select_option("#a-kind", "personal")
    page.fill("#a-handle", "@jane_home")
    page.fill("#a-uses", "private;official")
    page.select_option("#a-jurisdiction", "NZ")
    page.click("#a-save")
    assert "added x:jane_home" in (page.text_content(".flash") or "")
    assert "1 personal account declared for official work" in " ".join((page.text_content("#accounts-count") or "").split())
    page.click('[data-account="x:jane_home"] button')
    assert "removed x:jane_home" in (page.text_content(".flash") or "")
    staff = _person(chromium, base, "Bo Staff")
    staff.goto(f"{base}/accounts")
    assert staff.locator("#account-form").count() == 0
