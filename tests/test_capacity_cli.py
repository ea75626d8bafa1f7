"""``onrecord capacity``: account summaries, flags and exit codes on synthetic JSONL."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from onrecord.cli.main import cli

PERSONAL = {"kind": "personal", "handle": "alex_at_home"}
OFFICIAL = {"kind": "official", "handle": "CountyOffice"}


def _write(tmp_path: Path, rows: list[object]) -> Path:
    f = tmp_path / "posts.jsonl"
    f.write_text("\n".join(r if isinstance(r, str) else json.dumps(r) for r in rows) + "\n", encoding="utf-8")
    return f


def test_personal_account_used_in_official_capacity_is_flagged(tmp_path: Path) -> None:
    f = _write(
        tmp_path,
        [
            {"id": "p1", "text": "lol cannot believe this weather, pizza and movies tonight", "account": PERSONAL},
            {
                "id": "p2",
                "text": "Today our department announced $4 million in federal grants for water infrastructure"
                " in the county. Applications open Monday; details on our website.",
                "account": PERSONAL,
            },
        ],
    )
    r = CliRunner().invoke(cli, ["capacity", str(f)])
    assert r.exit_code == 1, r.output
    assert "personal account used in official capacity: p2" in r.output
    assert "public records" in r.output


def test_political_content_on_official_account_is_flagged(tmp_path: Path) -> None:
    f = _write(
        tmp_path,
        [
            {"id": "o1", "text": "The county office will be closed Monday for the holiday.", "account": OFFICIAL},
            {
                "id": "o2",
                "text": "Chip in $10 before midnight to help us win in November and defeat our opponent!"
                " Donate now to our campaign!",
                "account": OFFICIAL,
            },
        ],
    )
    r = CliRunner().invoke(cli, ["capacity", str(f), "--format", "json"])
    assert r.exit_code == 1, r.output
    data = json.loads(r.stdout)
    assert data[0]["flags"] == ["campaign/political content on an official account"]
    assert data[0]["flagged_posts"]["campaign/political content on an official account"] == ["o2"]
    assert abs(sum(data[0]["confidence"].values()) - 1) < 0.01


def test_clean_accounts_exit_0_and_bad_lines_are_reported(tmp_path: Path) -> None:
    f = _write(
        tmp_path,
        [
            {"id": "a", "text": "Great hike with the kids this weekend", "account": PERSONAL},
            "{not json",
            {"account": PERSONAL},
        ],
    )
    r = CliRunner().invoke(cli, ["capacity", str(f)])
    assert r.exit_code == 0, r.output
    err = r.stderr
    assert "line 2: skipped" in err
    assert "line 3: skipped" in err and "text" in err
    assert "1 account(s), 0 flagged" in r.stdout


def test_no_readable_posts_exits_2(tmp_path: Path) -> None:
    f = _write(tmp_path, ["[1, 2]"])
    r = CliRunner().invoke(cli, ["capacity", str(f)])
    assert r.exit_code == 2
    assert "Traceback" not in r.output


def test_office_vs_campaign_reading_uses_the_shipped_account_rule(tmp_path: Path) -> None:
    from onrecord.capacity.account import default_rule

    campaign = {"handle": "SmithForCongress"}
    office = {"handle": "RepSmithOffice"}
    rows = [
        {"text": "Chip in $5 before midnight to help us win in November!", "account": campaign},
        {"text": "Vote for me on Tuesday and bring a friend to the polls. Together we will win!", "account": campaign},
        {"text": "Our opponent is wrong for this district. Donate now and join our campaign team!", "account": campaign},
        {"text": "My office is hosting a town hall on Thursday to hear from constituents about the budget.", "account": office},
        {"text": "The House passed my bill today to expand veterans' access to health care.", "account": office},
        {"text": "Our district office can help with passports, Social Security and VA claims. Call us.", "account": office},
    ]
    r = CliRunner().invoke(cli, ["capacity", str(_write(tmp_path, rows)), "--format", "json"])
    assert r.exit_code in (0, 1), r.output
    by = {d["account"]: d for d in json.loads(r.stdout)}
    assert by["SmithForCongress"]["reads_as"] == "campaign"
    assert by["RepSmithOffice"]["reads_as"] == "official"
    for d in by.values():
        assert (d["reads_as"] == "campaign") == (d["campaign_probability"] > 0.5)
    assert by["SmithForCongress"]["campaign_probability"] > by["RepSmithOffice"]["campaign_probability"]
    assert default_rule().slope > 0
    text = CliRunner().invoke(cli, ["capacity", str(_write(tmp_path, rows))]).output
    assert "office vs campaign reading: campaign (P(campaign)" in text


def test_the_reading_says_what_the_handle_added(tmp_path: Path) -> None:
    rows = [
        {"text": "Great to see so many neighbours at the fair today.", "account": {"handle": "JaneDoeForCongress"}},
        {"text": "Thanks to everyone who came out on Saturday.", "account": {"handle": "JaneDoeForCongress"}},
        {"text": "Great to see so many neighbours at the fair today.", "account": {"kind": "official", "handle": "JaneDoeForCongress2"}},
    ]
    r = CliRunner().invoke(cli, ["capacity", str(_write(tmp_path, rows)), "--format", "json"])
    assert r.exit_code in (0, 1), r.output
    by = {d["account"]: d for d in json.loads(r.stdout)}
    # kind unknown: the handle is an input, and the summary says so
    assert any("ForCongress" in e for e in by["JaneDoeForCongress"]["reading_evidence"])
    # a known kind decides without the handle: no handle evidence
    assert by["JaneDoeForCongress2"]["reading_evidence"] == []
    text = CliRunner().invoke(cli, ["capacity", str(_write(tmp_path, rows))]).output
    assert "the name also counts: handle reads as a campaign account" in text


EXPORTS = Path(__file__).parent / "fixtures" / "exports"


def test_platform_exports_are_read_like_audit_reads_them() -> None:
    """An X archive, a Mastodon outbox and a LinkedIn export (synthetic fixtures), in one run: each account is
    its platform's, bad records are reported with file and place and skipped; a date that cannot be read is a warning
    with file and place, and the post is read without it."""
    r = CliRunner().invoke(cli, ["capacity", str(EXPORTS / "x-archive.zip"), str(EXPORTS / "mastodon-archive.tar.gz"),
                                 str(EXPORTS / "linkedin-export.zip"), "--format", "json"])
    assert r.exit_code in (0, 1), r.output
    by = {d["account"]: d for d in json.loads(r.stdout)}
    assert set(by) == {"x:@RoadsDeptExample", "mastodon:@harbourboard@social.example", "linkedin:Alex Example"}
    assert by["x:@RoadsDeptExample"]["posts"] == 9
    assert "x-archive.zip!data/tweets-part1.js [2]: created_at 'not a date' is not a date and time" in r.stderr
    assert "Shares.csv line 8: date 'yesterday' in column 'Date' is not a date and time" in r.stderr
    assert "x-archive.zip!data/tweets.js: [4]: skipped: tweet has no full_text" in r.stderr


def test_an_accounts_file_gives_the_kind_and_unknown_fields_are_warned(tmp_path: Path) -> None:
    f = _write(tmp_path, [
        {"id": "p1", "text": "lol cannot believe this weather, pizza and movies tonight", "account": {"handle": "alex_h"}},
        {"id": "p2", "text": "Today our department announced $4 million in federal grants for water infrastructure"
         " in the county. Applications open Monday; details on our website.", "account": {"handle": "alex_h"},
         "acount": {"kind": "personal"}},
    ])
    reg = tmp_path / "accounts.csv"
    reg.write_text("platform,handle,kind\nother,alex_h,personal\n", encoding="utf-8")
    r = CliRunner().invoke(cli, ["capacity", str(f), "--accounts", str(reg)])
    assert r.exit_code == 1, r.output
    assert "alex_h [personal]" in r.stdout and "personal account used in official capacity: p2" in r.stdout
    assert "line 2: unknown field 'acount' ignored" in r.stderr
    piped = CliRunner().invoke(cli, ["capacity"], input=f.read_bytes())  # stdin, streamed as JSONL
    assert "warning: line 2: unknown field 'acount' ignored" in piped.stderr


def test_a_file_nothing_can_read_is_a_usage_error(tmp_path: Path) -> None:
    f = tmp_path / "notes.bin"
    f.write_bytes(b"\x00\x01\x02 not posts")
    r = CliRunner().invoke(cli, ["capacity", str(f)])
    assert r.exit_code == 2 and "Traceback" not in r.output
    assert r.exit_code == CliRunner().invoke(cli, ["capacity", str(tmp_path / "missing.jsonl")]).exit_code
