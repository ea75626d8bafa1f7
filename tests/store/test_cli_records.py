"""The records commands end to end through click: output formats and exit codes (0 ok, 1 fail, 2 usage)."""

from __future__ import annotations

import json
from pathlib import Path

import msgspec
import pytest
from click.testing import CliRunner
from sqlalchemy import Engine

from onrecord.cli.main import cli
from onrecord.store import archive as arc

from . import tamper
from .synth import make_post, make_result, pairs

CSV = """person,name,role,platform,handle,kind,uses,jurisdiction
e1,Alex Rivera,employee,x,cityparks,official,,US
e1,Alex Rivera,employee,x,alex_r,personal,official,US
"""


def run(*args: str, input: str | None = None) -> tuple[int, str, str]:
    r = CliRunner().invoke(cli, list(args), input=input)
    if r.exception and not isinstance(r.exception, SystemExit):
        raise r.exception
    return r.exit_code, r.stdout, r.stderr


def test_accounts_import_list_export_context(db_url: str, tmp_path: Path) -> None:
    f = tmp_path / "a.csv"
    f.write_text(CSV)
    assert run("accounts", "import", str(f), "--db", db_url, "--by", "admin")[:2] == (0, "2 added, 0 updated\n")
    code, out, _ = run("accounts", "list", "--db", db_url, "--format", "jsonl")
    assert code == 0 and [json.loads(x)["handle"] for x in out.splitlines()] == ["alex_r", "cityparks"]
    code, out, _ = run("accounts", "export", "--db", db_url)
    assert code == 0 and out.splitlines()[0].startswith("person,name,role")
    code, out, _ = run("accounts", "context", "x", "@Alex_R", "--db", db_url, "--format", "json")
    assert code == 0 and json.loads(out)["uses"] == ["official"]
    assert run("accounts", "context", "x", "nobody", "--db", db_url)[0] == 1


def test_accounts_export_cells_cannot_run_as_formulas_and_import_round_trips(db_url: str, tmp_path: Path) -> None:
    """A display name or title from an imported archive starting with = + - @ reached the export as a live formula."""
    f = tmp_path / "a.csv"
    f.write_text("person,name,title,platform,handle,kind,display_name\n"
                 "-7,@Alex,+1 (banned),x,=cmd,personal,\"=HYPERLINK(\"\"https://evil.example\"\",\"\"x\"\")\"\n"
                 "e2,'=marked,,x,plain,official,'quoted\n")  # a spreadsheet's own text marker
    assert run("accounts", "import", str(f), "--db", db_url, "--by", "admin")[0] == 0
    before = run("accounts", "list", "--db", db_url, "--format", "json")[1]
    code, out, _ = run("accounts", "export", "--db", db_url)
    assert code == 0
    assert out.splitlines()[1].startswith("'-7,'@Alex,")
    assert "'=HYPERLINK" in out and "'+1 (banned)" in out and ",'=cmd," in out
    exported = tmp_path / "export.csv"
    exported.write_text(out)
    other = f"sqlite:///{tmp_path / 'other.db'}"
    assert run("accounts", "import", str(exported), "--db", other, "--by", "admin")[0] == 0
    assert run("accounts", "list", "--db", other, "--format", "json")[1] == before  # every value exactly as stored


def test_accounts_export_is_an_audit_accounts_file(db_url: str, tmp_path: Path) -> None:
    """``audit --accounts`` refused the registry's own export (policy_areas, person, uses, display_name columns)."""
    f = tmp_path / "a.csv"
    f.write_text("person,name,role,restriction,title,organisation,policy_areas,jurisdiction,code,platform,handle,kind,"
                 "uses,display_name\n"
                 "e1,Alex Rivera,employee,less_restricted,Officer,City Parks,parks;recreation,US,us-federal,x,alex_r,"
                 "personal,official,=Alex\n")
    assert run("accounts", "import", str(f), "--db", db_url, "--by", "admin")[0] == 0
    exported = tmp_path / "export.csv"
    assert run("accounts", "export", "--db", db_url, "--out", str(exported))[0] == 0
    posts = tmp_path / "posts.jsonl"
    posts.write_text(json.dumps({"id": "1", "text": "Library hours are changing.", "platform": "x",
                                 "account": {"handle": "@Alex_R"}}) + "\n")
    code, out, err = run("audit", str(posts), "--accounts", str(exported), "--out", str(tmp_path / "o"), "--workers", "1")
    assert code == 0, out + err
    result = json.loads((tmp_path / "o" / "results.jsonl").read_text("utf-8"))
    assert result["code"] == "us-federal" and result["account"] == "@Alex_R"
    from onrecord.api.audit import read_summary
    from onrecord.importers.accounts import load_accounts
    from onrecord.model.post import Post
    from onrecord.store import open_registry

    row = read_summary(str(tmp_path / "o" / "summary.csv"))[0]
    assert row["kind"] == "personal" and row["display_name"] == "=Alex"
    # The file gives a post the context the registry itself gives it.
    post = msgspec.json.decode(posts.read_text("utf-8"), type=Post)
    registry = open_registry(db_url)
    assert registry is not None
    assert load_accounts(str(exported)).apply(post) == registry.apply(post)


def test_archive_log_object_is_exact_unless_a_prefix_is_asked_for(db: Engine, db_url: str) -> None:
    """``--object item:3`` also listed item:30 and item:31 (it matched by prefix)."""
    from onrecord.store import audit

    with db.begin() as conn:
        for obj in ("item:3", "item:30", "item:31", "item:4", "item_3"):
            audit.record(conn, "clerk", "test.touch", obj)

    def objects(*args: str) -> list[str]:
        code, out, _ = run("archive", "log", "--db", db_url, "--format", "jsonl", *args)
        assert code == 0
        return [json.loads(x)["object"] for x in out.splitlines()]

    assert objects("--object", "item:3") == ["item:3"]
    assert objects("--object-prefix", "item:3") == ["item:3", "item:30", "item:31"]
    assert objects("--object-prefix", "item_") == ["item_3"]  # _ is no SQL wildcard here
    assert objects("--object-prefix", "item:", "--limit", "2") == ["item:3", "item:30"]
    code, _, err = run("archive", "log", "--db", db_url, "--object", "a", "--object-prefix", "b")
    assert code == 2 and "not both" in err


def test_archive_list_limit(db: Engine, db_url: str) -> None:
    arc.append(db, pairs(5), "clerk")
    for fmt in ("jsonl", "json"):
        code, out, _ = run("archive", "list", "--db", db_url, "--format", fmt, "--limit", "2")
        seqs = [json.loads(x)["seq"] for x in out.splitlines()] if fmt == "jsonl" else [e["seq"] for e in json.loads(out)]
        assert code == 0 and seqs == [1, 2]
    code, out, _ = run("archive", "list", "--db", db_url, "--query", "day 4", "--limit", "1", "--format", "jsonl")
    assert code == 0 and [json.loads(x)["seq"] for x in out.splitlines()] == [5]  # the limit counts matches
    assert run("archive", "list", "--db", db_url, "--limit", "0")[0] == 2


def test_archive_list_not_on_a_terminal_is_one_plain_line_per_entry(db: Engine, db_url: str) -> None:
    """Piped, the Rich table cut record keys to 80 columns ("x:citypa…", no use to --record) and wrapped the text;
    on 50k entries it took 33 s and 800 MB (every cell measured before the first line was printed)."""
    post = make_post(1, text_="Line one\nline two \x1b[31mred\x1b[0m \u202eevil", handle="a_rather_long_handle_here")
    arc.append(db, [(post, make_result(post, ("personal_data",))), *pairs(3, start=2)], "clerk")
    code, out, _ = run("archive", "list", "--db", db_url)
    lines = out.splitlines()
    assert code == 0 and len(lines) == 1 + 4 + 1 and lines[-1] == "4 entries", out
    assert lines[0].split() == ["seq", "record", "v", "kind", "posted", "capacity", "findings", "text"]
    first = lines[1].split()
    assert first[:7] == ["1", "x:a_rather_long_handle_here:p1", "1", "record", "2024-03-01T09:00:00.000000Z", "official",
                         "1"]
    assert lines[1].endswith("Line one line two [31mred [0m evil")  # control characters never reach the terminal
    assert "\x1b" not in out and "\u202e" not in out and "\u2502" not in out  # no escapes, no table borders
    assert lines[2].index("x:cityparks:p2") == lines[1].index("x:a_rather_long_handle_here:p1")  # columns line up


def test_a_long_archive_list_is_plain_lines_even_on_a_terminal(db: Engine, db_url: str,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    from onrecord.cli import archive as arc_cli

    monkeypatch.setattr(arc_cli, "_terminal", lambda: True)
    monkeypatch.setenv("COLUMNS", "160")  # a terminal's width (Rich reads it)
    arc.append(db, pairs(3), "clerk")
    out = run("archive", "list", "--db", db_url)[1]
    assert "\u2503 seq" in out and "x:cityparks:p0" in out and out.rstrip().endswith("3 entries")  # a few: the table
    monkeypatch.setattr(arc_cli, "TABLE_ROWS", 2)
    lines = run("archive", "list", "--db", db_url)[1].splitlines()
    assert len(lines) == 5 and lines[1].split()[:2] == ["1", "x:cityparks:p0"] and lines[-1] == "3 entries"


def test_archive_list_into_a_reader_that_stops_early_ends_quietly(tmp_path: Path) -> None:
    """``archive list | head``: the listing streams, so the reader may go away; no traceback, no error."""
    import subprocess
    import sys

    from onrecord.store.db import open_engine

    db = str(tmp_path / "big.db")
    arc.append(open_engine(db), pairs(2000), "clerk", batch=1000)  # ~200 kB of lines: more than a pipe holds
    proc = subprocess.Popen([sys.executable, "-m", "onrecord", "archive", "list", "--db", db], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE)
    assert proc.stdout is not None and proc.stdout.readline().split()[:2] == [b"seq", b"record"]
    proc.stdout.close()
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == 0 and b"Traceback" not in err and b"Broken pipe" not in err, err


def test_archive_verify_export_and_bundle_exit_codes(db: Engine, db_url: str, tmp_path: Path) -> None:
    arc.append(db, pairs(5), "clerk")
    code, out, _ = run("archive", "verify", "--db", db_url, "--format", "json")
    assert code == 0 and json.loads(out)["ok"] and json.loads(out)["entries"] == 5
    head = json.loads(run("archive", "head", "--db", db_url, "--format", "json")[1])["head_hash"]
    out_dir = tmp_path / "foi"
    code, out, _ = run("archive", "export", "--db", db_url, "--out", str(out_dir), "--from", "2024-01-01",
                       "--to", "2024-12-31", "--query", "riverside", "--by", "foi-officer", "--format", "json")
    assert code == 0 and json.loads(out)["count"] == 5 and json.loads(out)["head_hash"] == head
    msha = json.loads(out)["manifest_sha256"]
    assert run("archive", "verify-bundle", str(out_dir), "--manifest-sha256", msha)[0] == 0
    assert run("archive", "verify-bundle", str(out_dir), "--manifest-sha256", "00ff" * 4)[0] == 1  # wrong: 1; too short: 2
    html = out_dir / "index.html"
    html.write_bytes(html.read_bytes().replace(b"riverside", b"riversidE", 1))
    code, out, _ = run("archive", "verify-bundle", str(out_dir))
    assert code == 1 and "index.html was altered" in out
    tamper.apply(db, {"flip_json": 4})
    code, out, _ = run("archive", "verify", "--db", db_url)
    assert code == 1 and "entry 4 was altered" in out
    code, out, _ = run("archive", "verify", "--db", db_url, "--format", "json")
    assert code == 1 and json.loads(out)["first_bad"] == 4
    log = run("archive", "log", "--db", db_url, "--format", "jsonl")[1].splitlines()
    assert [json.loads(x)["action"] for x in log] == ["archive.append", "archive.export"]
    code, out, _ = run("archive", "activity", "--db", db_url, "--format", "json")  # the whole history
    rep = json.loads(out)
    assert code == 0 and rep["totals"]["record"] == 5 and rep["exports"][0]["actor"] == "foi-officer"
    assert rep["exports"][0]["count"] == 5 and rep["exports"][0]["manifest_sha256"] == msha
    code, out, _ = run("archive", "activity", "--db", db_url, "--month", "1999-01")
    assert code == 0 and out.startswith("1999-01-01 to 1999-01-31: 0 new records")
    assert run("archive", "activity", "--db", db_url, "--month", "Jan")[0] == 2
    assert run("archive", "activity", "--db", db_url, "--month", "1999-01", "--from", "1999-01-01")[0] == 2


def test_review_flow_and_exit_codes(db: Engine, db_url: str) -> None:
    from onrecord.store import review as rq

    from .synth import make_result

    p = make_post(1)
    iid, _ = rq.submit(db, p, make_result(p, ("personal_data",), official=False), "sam")
    base = ("--db", db_url)
    assert run("review", "team", "privacy", "--members", "pia,sam", "--mode", "all", *base, "--by", "admin")[0] == 0
    code, out, _ = run("review", "show", str(iid), *base)
    assert code == 1 and "T00" in out and "personal_data" in out  # pending; the findings are shown
    code, _, err = run("review", "approve", str(iid), *base, "--by", "sam")
    assert code == 2 and "no self-approval" in err and "Traceback" not in err
    assert run("review", "approve", str(iid), *base, "--by", "pia")[1] == f"item {iid}: approved\n"
    assert run("review", "show", str(iid), *base)[0] == 0
    code, out, _ = run("review", "list", *base, "--format", "jsonl")
    assert code == 0 and json.loads(out.splitlines()[0])["status"] == "approved"
    assert run("review", "reject", str(iid), *base, "--by", "pia")[0] == 2  # --note is required
    assert run("review", "waive", "--topic", "abuse", "--reason", "r", "--expires", "7d", *base, "--by", "lou")[0] == 0
    code, out, _ = run("review", "waivers", *base, "--format", "json")
    assert code == 1 and json.loads(out)[0]["state"] == "unused"
    assert run("review", "waive", "--topic", "abuse", "--reason", "r", "--expires", "soon", *base)[0] == 2
    code, _, err = run("review", "waive", "--check", "ZZ99", "--reason", "r", "--expires", "7d", *base, "--by", "lou")
    assert code == 2 and "no check 'ZZ99'" in err  # a waiver for a check that does not exist would never apply
    code, out, _ = run("review", "stats", *base, "--format", "json")
    assert code == 0 and json.loads(out)["items"]["approved"] == 1
    code, out, _ = run("review", "stats", *base)
    assert code == 0 and out.startswith("items: 1 (0 pending, 1 approved") and "privacy" in out
    code, _, err = run("review", "stats", "--since", "last week", *base)
    assert code == 2 and "cannot read --since" in err


def test_retention_hold_and_dispose_cli(db: Engine, db_url: str) -> None:
    arc.append(db, pairs(2, jurisdiction="NZ"), "clerk")
    base = ("--db", db_url, "--by", "rm")
    assert run("archive", "retention", "set", "--capacity", "official", "--jurisdiction", "NZ", "--years", "7",
               "--authority", "GDA (test)", *base)[0] == 0
    assert run("archive", "retention", "set", "--capacity", "official", *base)[0] == 2  # neither --years nor --permanent
    assert run("archive", "hold", "place", "--record", "x:cityparks:p0", "--reason", "inquiry", *base)[0] == 0
    code, out, _ = run("archive", "dispose", "--now", "2032-01-01", "--format", "json", *base)
    assert code == 1  # a hold blocked a due disposal
    data = json.loads(out)
    assert [i["record_key"] for i in data["disposed"]] == ["x:cityparks:p1"]
    assert [i["record_key"] for i in data["held"]] == ["x:cityparks:p0"]
    assert run("archive", "verify", "--db", db_url)[0] == 0
    code, out, _ = run("archive", "list", "--record", "x:cityparks:p1", "--db", db_url, "--format", "jsonl")
    assert [json.loads(x)["kind"] for x in out.splitlines()] == ["record", "dispose"]


@pytest.mark.parametrize("args, message", [
    (("archive", "verify", "--db", "nosuchdriver://x"), "unsupported database"),
    (("archive", "verify", "--db", "/no/such/dir/x.db"), "no database at /no/such/dir/x.db"),
    (("archive", "add", "--input", "-", "--db", "/no/such/dir/x.db"), "directory does not exist"),
    (("archive", "verify-bundle", "/no/such/bundle"), "not a directory"),
    (("accounts", "import", "/no/such.csv"), "no such file"),
    (("archive", "list", "--from", "yesterday"), "not an ISO 8601"),
])
def test_user_mistakes_exit_2_without_traceback(args: tuple[str, ...], message: str, tmp_path: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ONRECORD_DB", str(tmp_path / "x.db"))
    code, _out, err = run(*args)
    assert code == 2 and message in err and "Traceback" not in err


def test_unreachable_postgres_is_a_clean_error() -> None:
    pytest.importorskip("psycopg")
    code, _, err = run("archive", "verify", "--db", "postgresql://nobody@127.0.0.1:1/none")
    assert code == 2 and err.startswith("onrecord: error: cannot open database") and "Traceback" not in err


@pytest.mark.slow
def test_archive_add_with_the_real_engine(db_url: str, tmp_path: Path) -> None:
    """Official-capacity posts are archived, others skipped, bad lines reported; a re-run adds nothing."""
    csv_file = tmp_path / "a.csv"
    csv_file.write_text(CSV)
    run("accounts", "import", str(csv_file), "--db", db_url, "--by", "admin")
    posts = [make_post(1), make_post(2, handle="stranger"), make_post(3)]
    private = msgspec.structs.replace(make_post(4, handle="someone"),
                                      account=msgspec.structs.replace(posts[0].account, kind="personal",
                                                                      handle="someone"),
                                      text="Lovely walk with the dog this morning.")
    src = tmp_path / "in.jsonl"
    src.write_bytes(b"".join(msgspec.json.encode(p) + b"\n" for p in [*posts, private]) + b'{"nope": 1}\n')
    code, out, err = run("archive", "add", "--input", str(src), "--db", db_url, "--by", "clerk", "--format", "json")
    assert code == 2 and "line 5" in err  # the bad line is reported; the good ones still went in
    data = json.loads(out)
    assert data["added"] == 3 and data["not_record"] == 1 and data["rejected"] == 1
    code, out, _ = run("archive", "add", "--input", str(src), "--db", db_url, "--by", "clerk", "--format", "json")
    assert json.loads(out)["duplicates"] == 3 and json.loads(out)["added"] == 0
    assert run("archive", "verify", "--db", db_url)[0] == 0
    # The same drafts through the review queue: official ones are queued (exit 1), the private one is not.
    code, out, _ = run("review", "submit", "--input", str(src), "--db", db_url, "--by", "sam", "--format", "jsonl")
    assert code == 2  # the bad line again
    queued = [json.loads(x) for x in out.splitlines()]
    assert [q["item"] is not None for q in queued] == [True, True, True, False]
    assert all("communications" in q["steps"] for q in queued[:3])


def test_a_date_that_cannot_be_read_is_a_warning_and_the_post_is_archived(db_url: str, tmp_path: Path) -> None:
    """The importers' warnings reached the audit only: archive and review read exports without a word about a date
    they could not read. Now each is on stderr with file and line, and the post goes in without a time."""
    src = tmp_path / "in.jsonl"
    src.write_bytes(msgspec.json.encode(make_post(1, posted_at="yesterday")) + b"\n" + msgspec.json.encode(make_post(2)) + b"\n")
    code, out, err = run("archive", "add", "--input", str(src), "--db", db_url, "--by", "clerk", "--format", "json")
    assert code == 0 and (json.loads(out)["added"], json.loads(out)["rejected"]) == (2, 0)
    assert err.splitlines() == [f"warning: {src} line 1: posted_at 'yesterday' is not a date and time (ISO 8601, such as "
                                "2024-03-01T09:00:00Z); it is ignored"]
    code, out, err = run("review", "submit", "--input", str(src), "--db", db_url, "--by", "sam", "--format", "jsonl")
    assert f"warning: {src} line 1: posted_at 'yesterday'" in err and len(out.splitlines()) == 2


def test_a_post_too_long_to_store_is_one_reject_and_the_rest_go_in(db_url: str, tmp_path: Path) -> None:
    """A 1,000-character post id, a 600-character handle or a NUL in an id: PostgreSQL refused the whole batch (DataError traceback);
    SQLite kept it. Now each is a reject naming the field, on both backends, and the other posts are stored."""
    long_id = msgspec.structs.replace(make_post(2), id="9" * 1000)
    long_handle = make_post(3, handle="h" * 600)
    nul_id = msgspec.structs.replace(make_post(5), id="p\x005")  # PostgreSQL refuses NUL in a text column
    src = tmp_path / "in.jsonl"
    src.write_bytes(b"".join(msgspec.json.encode(p) + b"\n"
                             for p in [make_post(1), long_id, long_handle, make_post(4), nul_id]))
    code, out, err = run("archive", "add", "--input", str(src), "--db", db_url, "--by", "clerk", "--format", "json")
    assert code == 2 and "Traceback" not in err
    assert "item 2: post id is 1,000 characters long; the records store keeps at most 400" in err
    assert "item 3: account handle is 600 characters long" in err
    assert "item 5: post id holds a NUL character (U+0000)" in err
    assert (json.loads(out)["added"], json.loads(out)["rejected"]) == (2, 3)
    assert run("archive", "verify", "--db", db_url)[0] == 0
    code, out, err = run("review", "submit", "--input", str(src), "--db", db_url, "--by", "sam", "--format", "jsonl")
    assert code == 2 and "item 2: cannot queue this post: post id is 1,000 characters long" in err
    assert [json.loads(x)["id"] for x in out.splitlines()] == ["p1", "p4"]


def test_accounts_and_waivers_too_long_to_store_are_refused_by_name(db_url: str, tmp_path: Path) -> None:
    f = tmp_path / "a.csv"
    f.write_text("person,name,title,platform,handle,kind\ne1,Alex,Chief " + "x" * 500 + ",x,alex,official\n")
    code, _, err = run("accounts", "import", str(f), "--db", db_url, "--by", "admin")
    assert code == 2 and "line 2: title is 506 characters long; the records store keeps at most 400" in err
    code, _, err = run("review", "waive", "--topic", "abuse", "--account", "x:" + "h" * 450, "--reason", "r",
                       "--expires", "3d", "--by", "lou", "--db", db_url)
    assert code == 2 and "account handle is 450 characters long" in err and "Traceback" not in err


def test_records_print_as_stored_never_as_rich_markup(tmp_path: Path) -> None:
    """'[/]' in a post crashed review show/list, archive list, accounts list and archive log (Rich markup);
    ':x:' became an emoji. What was posted is what a records officer must see."""
    db = str(tmp_path / "m.db")
    f = tmp_path / "m.jsonl"
    f.write_text(json.dumps({"id": "m1", "text": "Notice [/] today [bold]x :x: done", "platform": "x",
                             "account": {"kind": "official", "handle": "@parks"}}) + "\n")
    assert run("review", "submit", "--input", str(f), "--by", "sam", "--db", db)[0] == 1  # queued
    assert run("archive", "add", "--input", str(f), "--by", "rec", "--db", db)[0] == 0
    assert run("accounts", "add", "x", "[/]", "--kind", "official", "--db", db)[0] == 0
    for args in (["review", "show", "1"], ["review", "list"], ["archive", "list"], ["accounts", "list"], ["archive", "log"]):
        code, out, err = run(*args, "--db", db)
        assert "Traceback" not in err and code in (0, 1), (args, err)
        assert ("[/]" in out) and "❌" not in out, (args, out)


def test_foi_mistakes_are_said_not_answered_with_nothing(tmp_path: Path) -> None:
    db = str(tmp_path / "f.db")
    f = tmp_path / "p.jsonl"
    f.write_text(json.dumps({"id": "p1", "text": "Queen St closed Saturday", "platform": "x",
                             "account": {"kind": "official", "handle": "@CityParks"},
                             "circumstances": {"posted_at": "2024-03-01T09:00:00Z"}}) + "\n")
    assert run("archive", "add", "--input", str(f), "--by", "rec", "--db", db)[0] == 0
    for args in (["archive", "export", "--out", str(tmp_path / "e"), "--from", "2024-07-01", "--to", "2024-01-01"],
                 ["archive", "activity", "--from", "2026-12-31", "--to", "2026-01-01"],
                 ["archive", "list", "--from", "2024-07-01", "--to", "2024-01-01"]):
        code, _, err = run(*args, "--db", db)
        assert code == 2 and "swap --from and --to" in err, args
    assert not (tmp_path / "e").exists()
    for form in ("x:cityparks", "x:@CityParks", "@CityParks", "cityparks"):  # as archive list shows it, or a handle
        assert len(json.loads(run("archive", "list", "--account", form, "--format", "json", "--db", db)[1])) == 1, form
    code, out, err = run("archive", "hold", "place", "--account", "x:@CityParks", "--reason", "FOI 12", "--db", db)
    assert code == 0 and "on 1 archive entry" in out and "warning" not in err
    code, out, err = run("archive", "hold", "place", "--account", "@CityParsk", "--reason", "typo", "--db", db)
    assert code == 0 and "on 0 archive entries" in out and "no archived record matches '@CityParsk'" in err
