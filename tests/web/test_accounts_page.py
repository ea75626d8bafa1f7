"""The accounts page: the registry as ``onrecord accounts list`` has it, searchable, CSV as ``accounts export``."""

from __future__ import annotations

import html
import io
import re
from collections.abc import Iterator

import pytest
from flask import Flask
from sqlalchemy import select
from tests.store.conftest import db_url, pg_admin_url  # noqa: F401 - the store's backends, SQLite and PostgreSQL
from tests.web.conftest import Browser

from onrecord.engine import Engine as Checker
from onrecord.store import accounts as reg
from onrecord.store.schema import audit_log
from onrecord.web import create_app


def _register(app: Flask) -> None:
    rows = [reg.AccountRow(platform="x", handle="jane_home", kind="personal", person="jd", name="Jane Doe", role="employee",
                           organisation="MFAT", uses="private;official", jurisdiction="NZ"),
            reg.AccountRow(platform="x", handle="mfat_nz", kind="official", organisation="MFAT", jurisdiction="NZ"),
            reg.AccountRow(platform="linkedin", handle="kim-lee", kind="personal", person="kl", name="Kim <b>Lee</b>",
                           role="senior_official", organisation="DIA", jurisdiction="US")]
    reg.upsert(app.extensions["onrecord.store"], rows, actor="admin")


def test_the_registry_is_listed_and_searched(app: Flask, client: Browser) -> None:
    _register(app)
    page = client.get("/accounts").text
    assert 'id="accounts-count">3 accounts' in page
    assert "1\n  personal account declared for official work" in page
    assert "Kim &lt;b&gt;Lee&lt;/b&gt;" in page  # names are text, not markup
    page = client.get("/accounts?q=mfat").text
    assert 'data-account="x:jane_home"' in page and 'data-account="x:mfat_nz"' in page
    assert 'data-account="linkedin:kim-lee"' not in page
    assert "No accounts match" in html.unescape(client.get("/accounts?q=nobody").text)


def test_the_csv_is_what_accounts_export_writes(app: Flask, client: Browser) -> None:
    _register(app)
    r = client.get("/accounts/export.csv?q=mfat")
    assert r.status_code == 200 and r.mimetype == "text/csv"
    want = reg.write_csv([a for a in reg.list_accounts(app.extensions["onrecord.store"]) if a.handle != "kim-lee"])
    assert r.text == want
    # and it reads back as a registry import
    assert {(a.platform, a.handle) for a in reg.read_csv(r.text)} == {("x", "jane_home"), ("x", "mfat_nz")}


@pytest.fixture
def admin_app(db_url: str, checker: Checker) -> Iterator[Flask]:  # noqa: F811 - the store's fixture
    a = create_app(db=db_url, checker=checker, admins=("Ana Admin",))
    a.config["TESTING"] = True
    yield a
    a.extensions["onrecord.store"].dispose()


def _audit_actions(app: Flask) -> list[tuple[str, str, str]]:
    with app.extensions["onrecord.store"].connect() as conn:
        return [(r.actor, r.action, r.object) for r in conn.execute(select(audit_log).order_by(audit_log.c.seq))]


def test_an_administrator_adds_changes_and_removes_accounts(admin_app: Flask) -> None:
    b = Browser(admin_app.test_client())
    b.sign_in("ana admin")  # the same person as "Ana Admin"
    page = b.get("/accounts").text
    assert 'id="account-form"' in page and 'id="accounts-import"' in page
    r = b.post("/accounts/save", {"platform": "x", "handle": "@Jane_Home", "kind": "personal", "uses": "private;official",
                                  "person": "e123", "name": "Jane Doe", "role": "employee", "jurisdiction": "NZ",
                                  "code": "nz-public-sector"}, follow_redirects=True)
    assert r.status_code == 200 and "added x:jane_home" in r.text
    row = reg.list_accounts(admin_app.extensions["onrecord.store"])[0]
    assert (row.handle, row.kind, row.uses, row.role, row.code) == ("jane_home", "personal", "private;official", "employee",
                                                                   "nz-public-sector")
    assert 'value="Jane Doe"' in b.get("/accounts?edit=x:jane_home").text  # the form opens with the account's values
    r = b.post("/accounts/save", {"platform": "x", "handle": "jane_home", "kind": "personal", "role": "senior_official"},
               follow_redirects=True)
    assert "updated x:jane_home" in r.text
    r = b.post("/accounts/remove", {"platform": "x", "handle": "jane_home"}, follow_redirects=True)
    assert "removed x:jane_home" in r.text and reg.list_accounts(admin_app.extensions["onrecord.store"]) == []
    assert [a[1:] for a in _audit_actions(admin_app)] == [("accounts.add", "account:x:jane_home"),
                                                          ("accounts.update", "account:x:jane_home"),
                                                          ("accounts.remove", "account:x:jane_home")]
    assert {a[0] for a in _audit_actions(admin_app)} == {"ana admin"}


@pytest.mark.parametrize(("form", "message"), [
    ({"platform": "x", "handle": "", "kind": "official"}, "handle is empty"),
    ({"platform": "myspace", "handle": "a", "kind": "official"}, "platform 'myspace' is not one of"),
    ({"platform": "x", "handle": "a", "kind": "robot"}, "kind 'robot' is not one of"),
    ({"platform": "x", "handle": "a", "kind": "official", "uses": "official;gossip"}, "uses 'gossip' is not one of"),
    ({"platform": "x", "handle": "a", "kind": "official", "code": "no-such-code"}, "code 'no-such-code' is not one of the packs"),
])
def test_a_bad_account_is_refused_with_its_field_and_the_form_kept(admin_app: Flask, form: dict[str, str], message: str) -> None:
    b = Browser(admin_app.test_client())
    b.sign_in("Ana Admin")
    r = b.post("/accounts/save", form)
    assert r.status_code == 400 and message in html.unescape(r.text)
    assert reg.list_accounts(admin_app.extensions["onrecord.store"]) == []


def test_a_csv_import_is_all_or_nothing(admin_app: Flask) -> None:
    b = Browser(admin_app.test_client())
    b.sign_in("Ana Admin")
    good = "platform,handle,kind,person,name,uses\nx,mfat_nz,official,,,\nx,jane_home,personal,e1,Jane,private;official\n"
    r = b.post("/accounts/import", {"csv": (io.BytesIO(good.encode()), "registry.csv")}, content_type="multipart/form-data",
               follow_redirects=True)
    assert "imported registry.csv: 2 added, 0 updated" in r.text
    bad = "platform,handle,kind\nx,mfat_nz,campaign\nx,other,robot\n"
    r = b.post("/accounts/import", {"csv": (io.BytesIO(bad.encode()), "bad.csv")}, content_type="multipart/form-data")
    assert r.status_code == 400 and "bad.csv: line 3: kind 'robot'" in html.unescape(r.text) and "nothing was imported" in r.text
    r = b.post("/accounts/import", {"csv": (io.BytesIO("platform,handle,kind\nx,é,official\n".encode("cp1252")), "w.csv")},
               content_type="multipart/form-data")
    assert r.status_code == 400 and "not UTF-8" in r.text
    kinds = {a.handle: a.kind for a in reg.list_accounts(admin_app.extensions["onrecord.store"])}
    assert kinds == {"mfat_nz": "official", "jane_home": "personal"}  # the bad file changed nothing


def test_only_administrators_change_the_registry(admin_app: Flask, app: Flask) -> None:
    anon = Browser(admin_app.test_client())
    form = {"platform": "x", "handle": "a", "kind": "official"}
    assert anon.post("/accounts/save", form).status_code == 400  # "sign in first"
    other = Browser(admin_app.test_client())
    other.sign_in("Bo Staff")
    assert 'id="account-form"' not in other.get("/accounts").text
    for url, data in (("/accounts/save", form), ("/accounts/remove", {"platform": "x", "handle": "a"})):
        r = other.post(url, data)
        assert r.status_code == 403 and "serve --admin" in html.unescape(r.text)
    lookalike = Browser(admin_app.test_client())
    lookalike.sign_in("Ana\u200b Admin2")
    assert lookalike.post("/accounts/save", form).status_code == 403
    plain = Browser(app.test_client())  # a server with no administrators: the page only reads
    plain.sign_in("Ana Admin")
    assert plain.post("/accounts/save", form).status_code == 403
    assert reg.list_accounts(admin_app.extensions["onrecord.store"]) == []


def test_the_registry_is_read_again_only_after_a_change(app: Flask, client: Browser, monkeypatch: pytest.MonkeyPatch) -> None:
    reads: list[int] = []
    real = reg.list_accounts
    monkeypatch.setattr(reg, "list_accounts", lambda engine: reads.append(1) or real(engine))
    body = {"text": "Our new passport fees start on Monday", "platform": "x"}
    with app.test_request_context():
        from onrecord.web.app import registry

        registry()
        registry()
    assert len(reads) == 1  # nothing changed: the cached registry serves
    from onrecord.store import review as rq

    rq.set_team(app.extensions["onrecord.store"], "privacy", "admin", members=["bob"])  # logged, not a registry change
    with app.test_request_context():
        registry()
    assert len(reads) == 1
    _register(app)  # as `onrecord accounts import` would, from another process
    r = app.test_client().post("/api/check", json={**body, "account": {"handle": "jane_home"}})
    assert r.status_code == 200 and r.json["code"] == "nz-public-sector"  # the new registration is seen at once
    assert len(reads) == 2


def test_a_proxy_names_the_administrator_in_utf8(db_url: str, checker: Checker) -> None:  # noqa: F811 - the store's fixture
    app = create_app(db=db_url, checker=checker, user_header="X-Remote-User", admins=("Zoë Ngā",))
    app.config["TESTING"] = True
    try:
        c = app.test_client()
        as_wsgi = "Zoë Ngā".encode().decode("latin-1")  # what a WSGI server hands over for the proxy's UTF-8 bytes
        page = c.get("/accounts", headers={"X-Remote-User": as_wsgi}).text
        assert 'id="account-form"' in page and "Zoë Ngā" in page
        latin1 = c.get("/accounts", headers={"X-Remote-User": "Zo\xeb"}).text  # not UTF-8: kept as it came
        assert "Zoë" in latin1 and 'id="account-form"' not in latin1
    finally:
        app.extensions["onrecord.store"].dispose()


def test_odd_registry_input_is_a_sentence_not_a_500(admin_app: Flask) -> None:
    b = Browser(admin_app.test_client())
    b.sign_in("Ana Admin")
    mac = b"platform,handle,kind\rx,mac_a,official\r"  # old Mac line ends are read like any others
    r = b.post("/accounts/import", {"csv": (io.BytesIO(mac), "mac.csv")}, content_type="multipart/form-data",
               follow_redirects=True)
    assert "imported mac.csv: 1 added" in r.text
    reg.remove(admin_app.extensions["onrecord.store"], "x", "mac_a", "test")
    twice = b"\xef\xbb\xbfplatform,handle,kind\r\nx,@Jane,personal\r\nx,jane,official\r\n"  # BOM, CRLF, one account twice
    r = b.post("/accounts/import", {"csv": (io.BytesIO(twice), "twice.csv")}, content_type="multipart/form-data")
    assert r.status_code == 400 and "line 3: account x:jane is also on line 2" in r.text
    r = b.post("/accounts/save", {"platform": "x", "handle": "a\x00b", "kind": "official"})  # PostgreSQL refuses NUL
    assert r.status_code == 400 and "handle holds a control character" in r.text
    assert reg.list_accounts(admin_app.extensions["onrecord.store"]) == []


def test_a_long_registry_comes_in_pages(app: Flask, client: Browser, monkeypatch: pytest.MonkeyPatch) -> None:
    from onrecord.web import accounts as page_module

    _register(app)
    monkeypatch.setattr(page_module, "SHOWN", 2)
    page = client.get("/accounts").text
    assert 'id="accounts-count">3 accounts (1–2 shown, page 1 of 2' in page and page.count("<tr data-account=") == 2
    assert "1\n  personal account declared for official work" in page  # counted over all pages, not this one
    nxt = html.unescape(re.search(r'href="([^"]+)" rel="next"', page)[1])  # type: ignore[index]
    assert client.get(nxt).text.count("<tr data-account=") == 1
    page = client.get("/accounts?q=mfat&page=9").text  # the search is kept, the page clamps
    assert 'id="accounts-count">2 accounts;' in page and page.count("<tr data-account=") == 2
