"""The command line as a user meets it: exit codes, formats, bad input, packs, explain."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from onrecord.cli.main import cli

EXAMPLES = Path(__file__).resolve().parents[1] / "examples" / "posts.jsonl"


def run(*args: str, input: str | None = None) -> tuple[int, str, str]:
    r = CliRunner().invoke(cli, list(args), input=input)
    return r.exit_code, r.stdout, r.stderr


def test_single_post_exit_codes() -> None:
    code, out, _ = run("check", "Tomatoes are ripe!", "--account-kind", "personal", "--jurisdiction", "US")
    assert code == 0 and "allowed" in out
    code, out, _ = run("check", "Vote for Dana Park for Governor!", "--account-kind", "official", "--jurisdiction", "US")
    assert code == 1 and "NOT ALLOWED" in out and "PO03" in out


def test_context_flags_change_the_verdict() -> None:
    base = [
        "check",
        "Dana Park has my vote for Governor.",
        "--account-kind",
        "personal",
        "--jurisdiction",
        "US",
        "--role",
        "employee",
        "--restriction",
        "less_restricted",
        "--format",
        "json",
    ]
    off, on = run(*base, "--on-duty", "no"), run(*base, "--on-duty", "yes")
    assert off[0] == 0 and on[0] == 1
    assert json.loads(on[1])["results"][0]["findings"][0]["topic"] == "partisan_activity_on_duty"


def test_input_file_keeps_order_and_skips_bad_lines(tmp_path: Path) -> None:
    lines = [
        json.dumps({"id": "a", "text": "Tomatoes!"}),
        "{not json",
        json.dumps({"id": "c", "text": "hi", "account": {"kind": "boss"}}),
        json.dumps({"id": "d", "text": "hi", "code": "no-such-code"}),
        json.dumps({"id": "e", "text": "Chip in $5 for Dana Park for Senate https://secure.actblue.com/x", "extra": 1}),
    ]
    f = tmp_path / "in.jsonl"
    f.write_text("\n".join(lines) + "\n")
    code, out, err = run("check", "--input", str(f), "--format", "jsonl")
    assert code == 2  # input errors win over breaches
    assert [json.loads(x)["id"] for x in out.splitlines()] == ["a", "e"]
    assert "line 2: input error" in err
    assert "line 3: input error at $.account.kind" in err
    assert "line 4: input error at $.code" in err and "no-such-code" in err
    assert "line 5: warning: unknown field 'extra' ignored" in err


def test_stdin_and_contract_fields() -> None:
    post = {"id": "x1", "text": "Our office is closed Monday.", "account": {"kind": "official"}, "jurisdiction": "US"}
    code, out, _ = run("check", "--input", "-", "--format", "jsonl", input=json.dumps(post) + "\n")
    r = json.loads(out)
    assert code == 0
    assert set(r) >= {"id", "code", "capacity", "allowed", "review_required", "archive", "findings"}
    assert r["archive"] is True and r["capacity"]["label"] == "official"
    assert abs(sum(r["capacity"]["scores"].values()) - 1) < 1e-3


def test_sarif_output() -> None:
    code, out, _ = run(
        "check", "Vote for Dana Park for Governor!", "--account-kind", "official", "--jurisdiction", "US", "--format", "sarif"
    )
    doc = json.loads(out)
    assert code == 1 and doc["version"] == "2.1.0"
    res = doc["runs"][0]["results"]
    assert res and res[0]["level"] == "error" and res[0]["properties"]["clauses"]


def test_select_and_ignore() -> None:
    args = ["check", "Vote for Dana Park for Governor!", "--account-kind", "official", "--jurisdiction", "US", "--format", "json"]
    _, out, _ = run(*args, "--ignore", "political")
    assert all(not f["check"].startswith("PO") for f in json.loads(out)["results"][0]["findings"])
    code, _, err = run(*args, "--select", "ZZ99")
    assert code == 2 and "unknown check selector" in err


def test_unknown_code_is_a_usage_error() -> None:
    code, _, err = run("check", "hi", "--code", "Martian Code")
    assert code == 2 and "unknown code" in err


def test_code_alias_accepted() -> None:
    code, out, _ = run("check", "hi", "--code", "Hatch Act", "--format", "json")
    assert code == 0 and json.loads(out)["results"][0]["code"] == "us-federal"


def test_codes_list_show_validate(tmp_path: Path) -> None:
    code, out, _ = run("codes", "list", "--format", "json")
    ids = {p["id"] for p in json.loads(out)}
    assert {"us-federal", "us-congress", "uk-civil-service", "nz-public-sector"} <= ids
    code, out, _ = run("codes", "show", "Hatch Act", "--format", "json")
    assert code == 0 and json.loads(out)["id"] == "us-federal"
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        "pack: 1\nid: acme\ntitle: ACME\njurisdiction: US\nextends: us-federal\nadd:\n  - id: x1\n    title: t\n"
        "    summary: s\n    url: https://example.org\n    topics: [personal_data]\n    severity: {official: fatal}\n"
    )
    code, _, err = run("codes", "validate", str(bad))
    assert code == 2 and f"{bad}:12" in err and "add[0].severity.official" in err


def test_explain() -> None:
    code, out, _ = run("explain", "PO01", "--code", "us-federal")
    assert code == 0 and "734.303" in out
    code, out, _ = run("explain", "--list")
    assert "PO01" in out and "political.solicitation" in out


def test_main_command_on_examples_as_a_subprocess() -> None:
    p = subprocess.run([sys.executable, "-m", "onrecord", "check", "--input", str(EXAMPLES)], capture_output=True, text=True)
    assert p.returncode == 2  # the examples deliberately include one broken line
    assert "line 12: input error at $.account.kind" in p.stderr
    assert "Traceback" not in p.stderr
    assert len(p.stdout.splitlines()) == 11


def test_check_takes_context_from_the_accounts_registry(tmp_path: Path) -> None:
    db = str(tmp_path / "reg.db")
    code, _, err = run("accounts", "add", "x", "@AgencyNews", "--kind", "official", "--jurisdiction", "US", "--db", db, "--by", "admin")
    assert code == 0, err
    post = {"id": "r1", "text": "Let's send Jo Mills back to Congress!", "platform": "x", "account": {"handle": "@AgencyNews"}}
    line = json.dumps(post) + "\n"
    without = json.loads(run("check", "--input", "-", "--format", "jsonl", "--db", str(tmp_path / "none.db"), input=line)[1])
    code, out, _ = run("check", "--input", "-", "--format", "jsonl", "--db", db, input=line)
    withreg = json.loads(out)
    assert without["capacity"]["label"] != "official" or without["allowed"]  # nothing says it is an official account
    assert code == 1 and withreg["capacity"]["label"] == "official" and not withreg["allowed"]


def test_audit_takes_context_from_the_accounts_registry(tmp_path: Path) -> None:
    db = str(tmp_path / "reg.db")
    assert run("accounts", "add", "x", "@AgencyNews", "--kind", "official", "--jurisdiction", "US", "--db", db, "--by", "admin")[0] == 0
    posts = tmp_path / "posts.jsonl"
    posts.write_text(json.dumps({"id": "1", "text": "Send Jo Mills back to Congress!", "platform": "x", "account": {"handle": "@AgencyNews"}}) + "\n")
    code, _, _ = run("audit", str(posts), "--out", str(tmp_path / "out"), "--db", db)
    r = json.loads((tmp_path / "out" / "results.jsonl").read_text().splitlines()[0])
    assert code == 1 and r["capacity"]["label"] == "official" and r["allowed"] is False


def test_human_output_wraps_inside_its_blocks(monkeypatch: pytest.MonkeyPatch) -> None:
    """At any width the human report keeps every line inside the width, with no trailing blanks, and each
    finding is a block: severity, code, name and span, then its message, clauses and fix indented under it."""
    for width in (50, 80, 120):
        monkeypatch.setenv("COLUMNS", str(width))
        code, out, _ = run("check", "--input", str(EXAMPLES), "--format", "human")
        assert code == 2
        lines = out.splitlines()
        assert all(len(line) <= width for line in lines), width
        assert not [line for line in lines if line != line.rstrip()]
        head = next(i for i, line in enumerate(lines) if line.startswith("  breach   PO03 political.official_channel"))
        if not lines[head + 1].startswith(" " * 11):  # a narrow console puts the span on a line of its own
            assert lines[head + 1] == "  text:6-36"
            head += 1
        block = lines[head + 1 : head + 6]
        assert block[0].startswith(" " * 11 + "Partisan content on an")
        if width >= 80:
            assert any(line.startswith(" " * 11 + "clause us-federal:osc-sm-official-accounts") for line in block)
        assert all(line.startswith(" " * 11) for line in block[:3])


def test_accounts_refuse_a_code_that_is_not_a_pack(tmp_path: Path) -> None:
    """An unknown code is refused when the account is registered, not later on every post of the account."""
    db = str(tmp_path / "reg.db")
    code, _, err = run("accounts", "add", "x", "agency", "--kind", "official", "--code", "no-such-code", "--db", db)
    assert code == 2 and "code 'no-such-code' is not one of the packs" in err and "Traceback" not in err
    csv_file = tmp_path / "reg.csv"
    csv_file.write_text("platform,handle,kind,code\nx,a,official,us-federal\nx,b,official,nope\n")
    code, _, err = run("accounts", "import", str(csv_file), "--db", db)
    assert code == 2 and "line 3: code 'nope' is not one of the packs" in err
    assert json.loads(run("accounts", "list", "--format", "json", "--db", db)[1]) == []  # all rows or none
    layer = tmp_path / "acme.yaml"
    layer.write_text("pack: 1\nid: acme\ntitle: ACME\njurisdiction: US\nextends: us-federal\n")
    assert run("accounts", "add", "x", "agency", "--kind", "official", "--code", "acme", "--db", db)[0] == 2
    code, _, err = run("accounts", "add", "x", "agency", "--kind", "official", "--code", "acme", "--code-path", str(layer),
                       "--db", db)
    assert code == 0, err
    code, _, err = run("accounts", "add", "x", "hatch", "--kind", "official", "--code", "Hatch Act", "--db", db)  # an alias
    assert code == 0, err


@pytest.mark.parametrize("args, says", [
    (["check", "hi", "--output", "/no/such/dir/out.txt"], "cannot write /no/such/dir/out.txt"),
    (["explain", "PO01", "--code", "nope"], "unknown code 'nope'"),
    (["capacity", str(Path(__file__).parent / "fixtures/exports/broken-unknown.txt")], "unknown format"),
    (["check", "--input", str(Path(__file__).parent / "fixtures/exports/x-archive.zip")], "ZIP or compressed archive"),
    (["check", "--input", str(Path(__file__).parent / "fixtures")], "is a folder"),
])
def test_user_mistakes_are_a_sentence_not_a_traceback(args: list[str], says: str) -> None:
    code, out, err = run(*args)
    assert code == 2 and says in out + err and "Traceback" not in out + err


def test_capacity_skips_a_line_that_is_not_utf8(tmp_path: Path) -> None:
    f = tmp_path / "p.jsonl"
    f.write_bytes(b'\xef\xbb\xbf{"text": "Proud to support our parks"}\n{"text": "caf\xe9"}\n')
    code, out, err = run("capacity", str(f))
    # one stray byte in a short file costs its line, not the file (the sniffer refused it as "not UTF-8 text")
    assert code == 0 and "line 2: skipped" in err and "UTF-8" in err and "1 account(s)" in out


def test_check_input_reads_a_file_that_starts_with_a_bom(tmp_path: Path) -> None:
    f = tmp_path / "bom.jsonl"
    f.write_bytes(b'\xef\xbb\xbf{"text": "Library hours change on Monday"}\n')
    code, out, err = run("check", "--input", str(f), "--format", "jsonl")
    assert code == 0 and json.loads(out)["allowed"] and "input error" not in err


# Keys SARIF 2.1.0's schema allows on the objects the writer makes (each has additionalProperties: false).
_SARIF_KEYS = {
    "region": {"startLine", "startColumn", "endLine", "endColumn", "charOffset", "charLength", "byteOffset",
               "byteLength", "snippet", "message", "sourceLanguage", "properties"},
    "logicalLocation": {"name", "index", "fullyQualifiedName", "decoratedName", "parentIndex", "kind", "properties"},
    "notification": {"locations", "message", "level", "threadId", "timeUtc", "exception", "descriptor",
                     "associatedRule", "properties"},
}


def _sarif_schema_check(doc: dict) -> None:
    """The full OASIS schema when $ONRECORD_SARIF_SCHEMA names a copy (none ships offline), else the parts we use."""
    import os

    schema = os.environ.get("ONRECORD_SARIF_SCHEMA")
    if schema:
        import jsonschema

        jsonschema.validate(doc, json.loads(Path(schema).read_text("utf-8")))
    run_ = doc["runs"][0]
    inv = run_["invocations"][0]
    assert isinstance(inv["executionSuccessful"], bool)  # required on an invocation
    for n in inv["toolExecutionNotifications"]:
        assert set(n) <= _SARIF_KEYS["notification"] and n["message"]["text"] and n["level"] in ("note", "warning", "error")
    for r in run_["results"]:
        for loc in r["locations"]:
            assert set(loc["physicalLocation"]["region"]) <= _SARIF_KEYS["region"]
            for ll in loc.get("logicalLocations", []):
                assert set(ll) <= _SARIF_KEYS["logicalLocation"]


def test_sarif_locates_findings_by_line_and_reports_input_errors(tmp_path: Path) -> None:
    """charOffset was the span's offset in the post's text, but SARIF counts it from the start of the file; and a
    malformed line was missing from the SARIF log altogether."""
    posts = [
        {"id": "p1", "text": "Library hours are changing.", "jurisdiction": "NZ"},
        {"id": "p2", "text": "Call Mrs Ngata on 021 555 0123", "account": {"kind": "official"}, "jurisdiction": "NZ"},
    ]
    src = tmp_path / "posts.jsonl"
    src.write_text("\n".join([json.dumps(posts[0]), '{"id": "bad", "text": 5}', json.dumps(posts[1]), "{not json",
                              json.dumps({"text": "Hello", "colour": "red"})]) + "\n")
    code, out, _ = run("check", "--input", str(src), "--format", "sarif")
    doc = json.loads(out)
    assert code == 2  # input errors
    _sarif_schema_check(doc)
    results = doc["runs"][0]["results"]
    phone = next(r for r in results if r["properties"]["span"]["text"] == "021 555 0123")
    loc = phone["locations"][0]
    assert loc["physicalLocation"]["region"] == {"startLine": 3}  # the input line, not an offset into it
    assert loc["physicalLocation"]["artifactLocation"]["uri"] == src.as_posix()
    assert loc["logicalLocations"] == [{"name": "text", "fullyQualifiedName": "$.text", "kind": "property"}]
    span = phone["properties"]["span"]
    assert posts[1]["text"][span["start"]:span["end"]] == span["text"] and span["field"] == "text"
    assert all("charOffset" not in r["locations"][0]["physicalLocation"]["region"] for r in results)
    inv = doc["runs"][0]["invocations"][0]
    assert inv["executionSuccessful"] is False
    notes = inv["toolExecutionNotifications"]
    assert [(n["level"], n["properties"]["line"]) for n in notes] == [("error", 2), ("error", 4), ("warning", 5)]
    assert notes[0]["properties"]["field"] == "$.text"
    assert notes[0]["locations"][0]["physicalLocation"]["region"] == {"startLine": 2}
    assert "line 4: input error" in notes[1]["message"]["text"] and "colour" in notes[2]["message"]["text"]


def test_sarif_without_input_errors_is_a_successful_run() -> None:
    code, out, _ = run("check", "Tomatoes are ripe!", "--format", "sarif")
    doc = json.loads(out)
    _sarif_schema_check(doc)
    assert code == 0 and doc["runs"][0]["invocations"] == [{"executionSuccessful": True, "toolExecutionNotifications": []}]


def test_a_stray_byte_in_a_short_utf8_file_costs_its_line_not_the_file(tmp_path: Path) -> None:
    f = tmp_path / "short.jsonl"  # well-formed UTF-8 (ā) on line 1, one Latin-1 byte on line 2
    f.write_bytes(b'{"text": "Kia ora \xc4\x81 koutou"}\n{"text": "caf\xe9"}\n{"text": "third post"}\n')
    code, out, err = run("audit", str(f), "--out", str(tmp_path / "out"), "--allow-rejects")
    assert code in (0, 1), out + err
    assert len((tmp_path / "out" / "results.jsonl").read_text().splitlines()) == 2
    rejects = [json.loads(x) for x in (tmp_path / "out" / "rejects.jsonl").read_text().splitlines()]
    assert [r["location"] for r in rejects] == ["line 2"]


NOT_A_TIME = "is not a date and time (ISO 8601, such as 2024-03-01T09:00:00Z); it is ignored"


def test_check_keeps_a_post_whose_posted_at_is_no_time_and_warns(tmp_path: Path) -> None:
    """"yesterday" and 30 February were taken as a time without a word, and a number (Unix seconds) was an input
    error that cost the post. Now each is checked without a time, with a warning on stderr and in its result (as the
    importers do); exit codes stay those of the verdicts, and a valid ISO 8601 time passes unchanged."""
    times = {"a": "yesterday", "b": "2024-02-30T10:00:00Z", "c": "", "d": 1709283600,
             "e": "2024-03-01T09:00:00+13:00", "f": "2024-03-01"}
    f = tmp_path / "in.jsonl"
    f.write_text("".join(json.dumps({"id": i, "text": "Tomatoes are ripe!", "account": {"kind": "personal"},
                                     "circumstances": {"posted_at": t}}) + "\n" for i, t in times.items()))
    code, out, err = run("check", "--input", str(f), "--format", "jsonl")
    assert code == 0, err
    results = [json.loads(x) for x in out.splitlines()]
    assert [r["id"] for r in results] == list(times)
    assert {r["id"]: r.get("warnings", []) for r in results} == {
        "a": [f"posted_at 'yesterday' {NOT_A_TIME}"], "b": [f"posted_at '2024-02-30T10:00:00Z' {NOT_A_TIME}"],
        "c": [], "d": [f"posted_at 1709283600 {NOT_A_TIME}"], "e": [], "f": []}
    assert err.splitlines() == [f"onrecord: line 1: warning: posted_at 'yesterday' {NOT_A_TIME}",
                                f"onrecord: line 2: warning: posted_at '2024-02-30T10:00:00Z' {NOT_A_TIME}",
                                f"onrecord: line 4: warning: posted_at 1709283600 {NOT_A_TIME}"]
    # A breach still exits 1 with the warning; the human view shows it with the post.
    post = {"text": "Vote for Dana Park for Governor!", "account": {"kind": "official"}, "jurisdiction": "US",
            "circumstances": {"posted_at": "last Tuesday"}}
    code, out, err = run("check", "--input", "-", "--format", "human", input=json.dumps(post) + "\n")
    assert code == 1 and f"posted_at 'last Tuesday' {NOT_A_TIME}" in " ".join(out.split())
