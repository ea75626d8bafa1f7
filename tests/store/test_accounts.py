"""Accounts registry: CSV round trip, validation, context_for and apply_context."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine

from onrecord.model.post import Account, Author, Post
from onrecord.store import accounts as reg
from onrecord.store.db import StoreError

CSV = """person,name,role,restriction,title,organisation,policy_areas,jurisdiction,code,platform,handle,kind,uses
e123,Alex Rivera,employee,less_restricted,Parks officer,City Parks,parks;recreation,US,us-federal,x,@CityParks,official,
e123,Alex Rivera,employee,less_restricted,Parks officer,City Parks,parks;recreation,US,us-federal,x,@alex_r,personal,official;professional
m7,Jo Tane,elected_official,,Councillor,City Council,,NZ,,mastodon,jo@council.example,campaign,
"""


def test_csv_round_trip_and_context(db: Engine) -> None:
    rows = reg.read_csv(CSV)
    assert reg.upsert(db, rows, "admin") == (3, 0)
    assert reg.upsert(db, rows, "admin") == (0, 3)
    again = reg.read_csv(reg.write_csv(reg.list_accounts(db)))
    assert sorted((r.platform, r.handle, r.kind, r.uses) for r in again) == [
        ("mastodon", "jo@council.example", "campaign", ""),
        ("x", "alex_r", "personal", "official;professional"),
        ("x", "cityparks", "official", ""),
    ]
    ctx = reg.context_for(db, "x", "@ALEX_R")
    assert ctx["account"]["kind"] == "personal" and ctx["uses"] == ["official", "professional"]
    assert ctx["author"] == {"role": "employee", "restriction": "less_restricted", "title": "Parks officer",
                             "organisation": "City Parks", "policy_area": "parks", "name": "Alex Rivera"}
    assert ctx["jurisdiction"] == "US" and ctx["code"] == "us-federal" and ctx["person"] == "e123"
    assert "also used for official work" in ctx["facts"][0]
    assert reg.context_for(db, "x", "nobody") == {}


def test_apply_context_fills_only_what_the_post_left_unset(db: Engine) -> None:
    reg.upsert(db, reg.read_csv(CSV), "admin")
    registry = reg.Registry(db)
    p = Post(text="Hello", platform="x", account=Account(handle="@alex_r"), author=Author(title="Ranger"),
             jurisdiction="UK")
    q = registry.apply(p)
    assert q.account.kind == "personal" and q.author.role == "employee"
    assert q.author.title == "Ranger" and q.jurisdiction == "UK"  # explicit values win
    assert q.code == "us-federal"
    assert q.circumstances.facts and registry.apply(q).circumstances.facts == q.circumstances.facts
    unknown = Post(text="Hi", platform="x", account=Account(handle="stranger"))
    assert registry.apply(unknown) is unknown


@pytest.mark.parametrize("bad, message", [
    ("platform,handle,kind\nx,a,official,extra\n", None),
    ("platform,handle,kind\nmyspace,a,official\n", "line 2: platform 'myspace'"),
    ("platform,handle,kind\nx,a,boss\n", "line 2: kind 'boss'"),
    ("platform,handle,kind,uses\nx,a,personal,gaming\n", "uses 'gaming'"),
    ("platform,handle,kind,colour\nx,a,personal,red\n", "unknown CSV column 'colour'"),
    ("handle,kind\na,personal\n", "needs a 'platform' column"),
    ("", "empty"),
    ("platform,handle,kind\nx,@Jane,personal\nx,jane,official\n", "line 3: account x:jane is also on line 2"),
    ('platform,handle,kind,title\nx,a,official,"two\nlines"\nx,b,boss,\n', "line 4: kind 'boss'"),
    ("platform,handle,kind\nx,a\rb,official\n", "line 2: kind '' is not one of"),  # a lone CR ends a line
    ("platform,handle,kind,title\nx,a,official,a\x00b\n", "line 2: title holds a control character"),
])
def test_bad_csv_names_the_problem(bad: str, message: str | None) -> None:
    if message is None:
        reg.read_csv(bad)  # an extra trailing value is ignored by csv.DictReader's restkey
        return
    with pytest.raises(StoreError, match=message):
        reg.read_csv(bad)


def test_import_is_all_or_nothing(db: Engine) -> None:
    rows = [reg.AccountRow(platform="x", handle="good", kind="official"),
            reg.AccountRow(platform="x", handle="bad", kind="nonsense")]
    with pytest.raises(StoreError):
        reg.upsert(db, rows, "admin")
    assert reg.list_accounts(db) == []


def test_open_registry_never_creates_a_database(tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("ONRECORD_DB", raising=False)
    assert reg.open_registry() is None and not (tmp_path / "onrecord.db").exists()
    from onrecord.store.db import open_engine

    eng = open_engine(str(tmp_path / "onrecord.db"))
    reg.upsert(eng, reg.read_csv(CSV), "admin")
    eng.dispose()
    registry = reg.open_registry()
    assert registry is not None and registry.context_for("x", "cityparks")["account"]["kind"] == "official"


def test_old_mac_line_ends_are_read() -> None:
    rows = reg.read_csv("platform,handle,kind\rx,a,official\rx,b,personal\r")
    assert [(r.handle, r.kind) for r in rows] == [("a", "official"), ("b", "personal")]


def test_a_persons_second_account_keeps_what_the_first_said(db: Engine) -> None:
    """`accounts add --person e123` for a second account used to blank the person's name, role and organisation."""
    first = reg.AccountRow(platform="x", handle="CityParks", kind="official", person="e123", name="Alex Rivera",
                           role="employee", organisation="City Parks", policy_areas="parks;trails", jurisdiction="US",
                           code="us-federal")
    reg.upsert(db, [first], "admin")
    reg.upsert(db, [reg.AccountRow(platform="x", handle="alex_r", kind="personal", uses="official", person="e123")], "admin")
    for handle in ("cityparks", "alex_r"):
        author = reg.context_for(db, "x", handle)["author"]
        assert author["name"] == "Alex Rivera" and author["role"] == "employee" and author["organisation"] == "City Parks"
    reg.upsert(db, [reg.AccountRow(platform="x", handle="alex_r", kind="personal", person="e123", title="Ranger")], "admin")
    assert reg.context_for(db, "x", "cityparks")["author"]["title"] == "Ranger"  # what a row does say is stored


def test_a_csv_keeps_a_persons_fields_and_refuses_two_versions_of_them() -> None:
    rows = reg.read_csv("person,name,policy_areas,platform,handle,kind\n"
                        "e1,Alex Rivera,parks;trails,x,cityparks,official\ne1,,,x,alex_r,personal\n")
    assert [r.policy_areas for r in rows] == ["parks;trails", ""]
    with pytest.raises(StoreError, match="line 3: person 'e1' has organisation 'Libraries' here and 'City Parks' on line 2"):
        reg.read_csv("person,organisation,platform,handle,kind\ne1,City Parks,x,a,official\ne1,Libraries,x,b,personal\n")
