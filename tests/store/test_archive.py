"""The hash-chained archive: append, versions, idempotency, tamper detection, retention and legal hold."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import msgspec
import pytest
import yaml
from sqlalchemy import Engine, func, select, text
from sqlalchemy.exc import DBAPIError

from onrecord.store import archive as arc
from onrecord.store import audit
from onrecord.store.db import StoreError, current_revision, open_engine
from onrecord.store.schema import archive_entries

from . import tamper
from .synth import make_post, make_result, pairs

CASES = yaml.safe_load((Path(__file__).parents[1] / "cases" / "store" / "tamper.yaml").read_text("utf-8"))["cases"]


def test_migrations_are_shipped_idempotent_and_match_the_tables(db: Engine, db_url: str) -> None:
    from alembic.autogenerate import compare_metadata
    from alembic.config import Config
    from alembic.migration import MigrationContext
    from alembic.script import ScriptDirectory

    from onrecord.store.db import MIGRATIONS, SCHEMA_HEAD
    from onrecord.store.schema import metadata

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    assert ScriptDirectory.from_config(cfg).get_current_head() == SCHEMA_HEAD
    assert current_revision(db) == SCHEMA_HEAD
    open_engine(db_url).dispose()  # a second upgrade is a no-op
    with db.connect() as conn:
        assert compare_metadata(MigrationContext.configure(conn), metadata) == []


def test_append_verify_and_idempotent_rerun(db: Engine) -> None:
    items = pairs(25)
    s1 = arc.append(db, items, "clerk", batch=7)
    assert (s1.added, s1.duplicates, s1.head_seq) == (25, 0, 25)
    s2 = arc.append(db, items, "clerk", batch=4)
    assert (s2.written, s2.duplicates, s2.head_hash) == (0, 25, s1.head_hash)
    rep = arc.verify(db)
    assert rep.ok and rep.checked == 25 and rep.head_hash == s1.head_hash
    assert arc.verify(db, expect_head=s1.head_hash[:16]).ok
    with db.connect() as conn:
        assert conn.execute(select(func.count()).select_from(archive_entries)).scalar() == 25


def test_edits_and_deletions_are_new_versions(db: Engine) -> None:
    p = make_post(1)
    arc.append(db, [(p, make_result(p))], "clerk")
    edited = msgspec.structs.replace(p, text="The riverside path reopens on Monday, not Sunday.")
    deleted = msgspec.structs.replace(edited, deleted=True)
    s = arc.append(db, [(edited, make_result(edited)), (deleted, make_result(deleted))], "clerk")
    assert (s.added, s.edits, s.deletes) == (0, 1, 1)
    versions = arc.entries(db, record="x:cityparks:p1")
    assert [(e["version"], e["kind"]) for e in versions] == [(1, "record"), (2, "edit"), (3, "delete")]
    first = msgspec.json.decode(versions[0]["post_json"])
    assert first["text"] == p.text  # the original is never overwritten
    assert arc.verify(db).ok


def test_entries_come_a_page_at_a_time_with_the_total(db: Engine) -> None:
    arc.append(db, pairs(25), "clerk")
    rows, total = arc.entries_page(db, 10, 5)
    assert total == 25 and [e["seq"] for e in rows] == [11, 12, 13, 14, 15]
    assert arc.entries_page(db, 30, 5) == ([], 25)
    # A text query is matched in Python (casefold), still one page kept: days 1 and 10-19 say "day 1"
    rows, total = arc.entries_page(db, 2, 3, query="DAY 1")
    assert total == 11 and [msgspec.json.decode(e["post_json"])["text"] for e in rows] == [
        f"The riverside path reopens on day {i}." for i in (11, 12, 13)]
    assert [e["seq"] for e in arc.entries(db, query="day 1")] == [e["seq"] for e in arc.entries_page(db, 0, None, query="day 1")[0]]


def test_same_content_without_id_is_one_record(db: Engine) -> None:
    p = msgspec.structs.replace(make_post(1), id=None)
    s = arc.append(db, [(p, make_result(p)), (p, make_result(p))], "clerk")
    assert (s.added, s.duplicates) == (1, 1)


def test_guards_refuse_update_and_delete(db: Engine) -> None:
    arc.append(db, pairs(2), "clerk")
    for stmt in ("UPDATE archive_entries SET capacity = 'private' WHERE seq = 1",
                 "DELETE FROM archive_entries WHERE seq = 1",
                 "UPDATE audit_log SET actor = 'someone' WHERE seq = 1",
                 "DELETE FROM audit_log WHERE seq = 1"):
        with pytest.raises(DBAPIError, match="append-only"), db.begin() as conn:
            conn.execute(text(stmt))
    assert arc.verify(db).ok


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_verify_names_the_first_bad_entry(db: Engine, case: dict[str, Any]) -> None:
    arc.append(db, pairs(6), "clerk", batch=2)
    published = arc.head(db)[1]
    assert arc.verify(db).ok
    tamper.apply(db, case["op"])
    rep = arc.verify(db, expect_head=published if case.get("expect_head_needed") else None)
    assert not rep.ok, case["name"]
    assert rep.first_bad == case["first_bad"]
    assert case["message"] in rep.problems[0]
    if case.get("expect_head_needed"):
        assert arc.verify(db).ok  # without the published head the shortened chain is consistent


def test_flipping_a_byte_in_the_sqlite_file_fails_verify(tmp_path: Path) -> None:
    path = tmp_path / "a.db"
    eng = open_engine(str(path))
    items = pairs(5)
    marker = "unmistakable-marker-7Q"
    p = make_post(99, text_=f"Notice {marker} for the riverside path.")
    arc.append(eng, [*items, (p, make_result(p))], "clerk")
    eng.dispose()  # the last connection to close checkpoints the WAL into the file
    assert not (tmp_path / "a.db-wal").exists()
    data = bytearray(path.read_bytes())
    i = data.find(marker.encode())
    assert i > 0
    data[i] ^= 0x20  # 'u' -> 'U': the page stays valid SQLite, only the content changes
    path.write_bytes(bytes(data))
    eng = open_engine(str(path))
    rep = arc.verify(eng)
    assert not rep.ok and rep.first_bad == 6 and "content_hash" in rep.problems[0]


def test_audit_log_records_appends_and_detects_tampering(db: Engine) -> None:
    arc.append(db, pairs(3), "clerk", batch=1)
    log = audit.entries(db)
    assert [e.action for e in log] == ["archive.append"] * 3 and {e.actor for e in log} == {"clerk"}
    assert audit.verify(db) == (3, [])
    tamper.drop_guards(db)
    with db.begin() as conn:
        conn.execute(text("UPDATE audit_log SET actor = 'someone else' WHERE seq = 2"))
    _n, problems = audit.verify(db)
    assert problems and "audit entry 2" in problems[0]


# --- retention, legal hold, disposal -------------------------------------------------------------

NOW = datetime(2031, 6, 1, tzinfo=UTC)


def test_retention_rule_choice() -> None:
    rules = [arc.RetentionRule("official", "*", 10, "any"), arc.RetentionRule("official", "NZ", 7, "GDA"),
             arc.RetentionRule("private", "*", None, "keep")]
    assert arc.rule_for(rules, "official", "NZ").years == 7  # type: ignore[union-attr]
    assert arc.rule_for(rules, "official", "US").years == 10  # type: ignore[union-attr]
    assert arc.rule_for(rules, "political", "US") is None


def test_disposal_respects_rules_and_holds_and_keeps_the_chain_valid(db: Engine) -> None:
    nz = [(p, make_result(p)) for p in (make_post(i, handle="nzagency", jurisdiction="NZ") for i in range(3))]
    us = [(p, make_result(p)) for p in (make_post(i, handle="usagency", jurisdiction="US") for i in range(2))]
    arc.append(db, nz + us, "clerk")
    arc.set_rule(db, "official", "NZ", 7, "GDA 7 (test)", "records-manager")
    arc.set_rule(db, "official", "*", None, "keep", "records-manager")
    plan = arc.plan_disposal(db, NOW)  # posted 2024-03-01 + 7 years = 2031-03-01 < NOW
    assert sorted(i["record_key"] for i in plan.due) == ["x:nzagency:p0", "x:nzagency:p1", "x:nzagency:p2"]
    assert arc.plan_disposal(db, datetime(2030, 1, 1, tzinfo=UTC)).due == []
    hid = arc.place_hold(db, "counsel", "litigation hold (test)", record="x:nzagency:p1")
    with pytest.raises(StoreError, match="legal hold"):
        arc.dispose(db, "records-manager", NOW, record="x:nzagency:p1")
    done = arc.dispose(db, "records-manager", NOW)
    assert sorted(i["record_key"] for i in done.due) == ["x:nzagency:p0", "x:nzagency:p2"]
    assert [i["record_key"] for i in done.held] == ["x:nzagency:p1"]
    gone = arc.entries(db, record="x:nzagency:p0", kinds=tuple(arc.KINDS))
    assert [e["kind"] for e in gone] == ["record", "dispose"] and gone[0]["post_json"] is None
    rep = arc.verify(db)
    assert rep.ok and rep.disposed == 2
    arc.release_hold(db, hid, "counsel")
    assert [i["record_key"] for i in arc.dispose(db, "records-manager", NOW).due] == ["x:nzagency:p1"]
    assert arc.verify(db).ok
    assert arc.plan_disposal(db, NOW).due == []
    actions = [e.action for e in audit.entries(db)]
    assert actions.count("archive.dispose") == 3 and "hold.place" in actions and "hold.release" in actions


def test_account_hold_blocks_every_record_of_the_account(db: Engine) -> None:
    arc.append(db, pairs(2, jurisdiction="NZ"), "clerk")
    arc.set_rule(db, "official", "NZ", 1, "test", "rm")
    arc.place_hold(db, "counsel", "inquiry", account="@CityParks")
    plan = arc.dispose(db, "rm", NOW)
    assert plan.due == [] and len(plan.held) == 2


def test_concurrent_appenders_keep_one_valid_chain(db: Engine, db_url: str) -> None:
    """Writers in parallel (overlapping inputs) serialise on the chain head: no fork, no duplicate."""
    import threading

    errors: list[BaseException] = []

    def worker(k: int) -> None:
        try:
            eng = open_engine(db_url)
            arc.append(eng, pairs(40, start=k * 20), f"w{k}", batch=5)  # each overlaps the next by 20
        except BaseException as e:  # pragma: no cover - reported below
            errors.append(e)
        finally:
            eng.dispose()

    threads = [threading.Thread(target=worker, args=(k,)) for k in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    rep = arc.verify(db)
    assert rep.ok and rep.checked == 100  # posts 0..99, each once


def test_the_monthly_activity_report(db: Engine) -> None:
    from onrecord.store.activity import activity, month_bounds
    from onrecord.store.db import StoreError

    from .synth import make_result

    nov, dec = datetime(2026, 11, 5, tzinfo=UTC), datetime(2026, 12, 2, tzinfo=UTC)
    arc.append(db, pairs(3), "clerk", now=nov)
    edited = make_post(0, "The riverside path reopens on day 0, now with lighting.")
    other = make_post(5, handle="library")
    arc.append(db, [(edited, make_result(edited)), (other, make_result(other))], "clerk", now=dec)
    with db.begin() as conn:
        audit.record(conn, "foi-officer", "archive.export", "bundle:/tmp/foi",
                     {"query": {}, "count": 4, "manifest_sha256": "ab" * 32}, datetime(2026, 12, 3, tzinfo=UTC))
    rep = activity(db, *month_bounds("2026-11")).as_dict()
    assert rep["totals"] == {"record": 3, "edit": 0, "delete": 0, "dispose": 0}
    assert rep["accounts"] == [{"platform": "x", "account": "cityparks", "record": 3, "edit": 0, "delete": 0, "dispose": 0,
                                "capacity": {"official": 3}}]
    assert rep["actions"] == {"archive.append": 1} and rep["exports"] == []
    rep = activity(db, *month_bounds("2026-12")).as_dict()
    assert rep["totals"] == {"record": 1, "edit": 1, "delete": 0, "dispose": 0}
    assert [a["account"] for a in rep["accounts"]] == ["cityparks", "library"]
    assert rep["by_actor"] == {"clerk": {"archive.append": 1}, "foi-officer": {"archive.export": 1}}
    assert rep["exports"][0]["count"] == 4 and rep["exports"][0]["actor"] == "foi-officer"
    assert month_bounds("2026-12")[1] == datetime(2026, 12, 31, 23, 59, 59, 999999, tzinfo=UTC)
    with pytest.raises(StoreError, match="YYYY-MM"):
        month_bounds("November")
