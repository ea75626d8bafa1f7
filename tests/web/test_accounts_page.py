"""The accounts page: the registry as ``onrecord accounts list`` has it, searchable, CSV as ``accounts export``."""

from __future__ import annotations

import html

from flask import Flask
from tests.web.conftest import Browser

from onrecord.store import accounts as reg


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
