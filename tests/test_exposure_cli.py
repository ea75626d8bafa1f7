"""``onrecord exposure``: exit codes, JSON report, stdin, skipped records, and rules files that are broken."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from onrecord.cli.main import cli
from onrecord.exposure.rules import ExposureRulesError, load_rules, shipped_rules

WORK = {
    "id": "li1",
    "platform": "linkedin",
    "jurisdiction": "NZ",
    "text": "Heading to Brussels for the trade negotiations",
    "account": {"handle": "janedoe", "bio": "Trade negotiator at MFAT. Personal: @janedoe_home"},
}
HOME = {
    "id": "x1",
    "platform": "x",
    "text": "My son Tama starts school on Monday",
    "account": {"kind": "personal", "handle": "janedoe_home", "bio": "I live in Wellington"},
}


def _write(path: Path, rows: list[object]) -> Path:
    path.write_text("\n".join(r if isinstance(r, str) else json.dumps(r) for r in rows) + "\n", encoding="utf-8")
    return path


def test_two_exports_of_one_person_are_read_together(tmp_path: Path) -> None:
    a = _write(tmp_path / "linkedin.jsonl", [WORK])
    b = _write(tmp_path / "x.jsonl", [HOME])
    r = CliRunner().invoke(cli, ["exposure", str(a), str(b), "--format", "json"])
    assert r.exit_code == 1, r.output
    data = json.loads(r.stdout)
    assert data["accounts"] == 2 and data["persons"][0]["code"] == "nz-public-sector"
    codes = {x["code"] for x in data["persons"][0]["risks"]}
    assert {"EX01", "EX03", "EX05"} <= codes
    ex05 = next(x for x in data["persons"][0]["risks"] if x["code"] == "EX05")
    assert ex05["accounts"] == ["linkedin:janedoe", "x:janedoe_home"]
    assert ex05["clauses"][0]["id"] == "nz-public-sector:psr.case002" and ex05["severity"] == "warning"
    fact = ex05["facts"][0]
    assert WORK["account"]["bio"][fact["start"] : fact["end"]] == fact["value"]  # type: ignore[index]


def test_text_report_and_a_malformed_record_skipped(tmp_path: Path) -> None:
    f = _write(tmp_path / "posts.jsonl", [WORK, '{"text": 5}', HOME])
    r = CliRunner().invoke(cli, ["exposure", str(f)])
    assert r.exit_code == 1, r.output
    assert "line 2: skipped" in r.stderr
    assert "RISK EX05 linked_work_and_private_accounts" in r.stdout
    assert "linked: linkedin:janedoe <-> x:janedoe_home" in r.stdout
    assert "1 record(s) skipped" in r.stdout


def test_stdin_and_advice_only_exit_zero() -> None:
    row = dict(WORK, jurisdiction="EU")  # eu-staff governs no personal_security: advice only
    r = CliRunner().invoke(cli, ["exposure", "-", "--code", "eu-staff"], input=json.dumps(row) + "\n")
    assert r.exit_code == 0, r.output
    assert "advice (no clause of this code governs it) EX01" in r.stdout
    # us-congress was advice-only too until it got the NCSC social media deception clause: now a risk.
    row = dict(WORK, jurisdiction="US")
    r = CliRunner().invoke(cli, ["exposure", "-", "--code", "us-congress", "--format", "json"], input=json.dumps(row) + "\n")
    assert r.exit_code == 1, r.output
    ex01 = next(x for x in json.loads(r.stdout)["persons"][0]["risks"] if x["code"] == "EX01")
    assert [c["id"] for c in ex01["clauses"]] == ["us-congress:ncsc.social-media-deception"]


def test_code_option_and_unknown_code(tmp_path: Path) -> None:
    f = _write(tmp_path / "p.jsonl", [dict(WORK, jurisdiction=None)])
    r = CliRunner().invoke(cli, ["exposure", str(f), "--code", "au-aps", "--format", "json"])
    assert r.exit_code == 1, r.output
    assert json.loads(r.stdout)["persons"][0]["risks"][0]["clauses"][0]["id"] == "au-aps:apsc-sm.employer-in-profile"
    r = CliRunner().invoke(cli, ["exposure", str(f), "--code", "nope"])
    assert r.exit_code == 2 and "unknown code 'nope'" in r.stderr and "Traceback" not in r.output


def test_missing_and_unreadable_inputs_are_clear_errors(tmp_path: Path) -> None:
    r = CliRunner().invoke(cli, ["exposure", str(tmp_path / "none.jsonl")])
    assert r.exit_code == 2 and "no such file" in r.stderr
    f = _write(tmp_path / "bad.jsonl", ['{"text": 5}'])
    r = CliRunner().invoke(cli, ["exposure", str(f)])
    assert r.exit_code == 2 and "Traceback" not in r.output


BROKEN = [
    ("version: 2\nfacts: {a: {summary: s, patterns: [x]}}\ncombinations: []\n", 1, "version"),
    (
        "version: 1\nfacts:\n  employer:\n    summary: s\n    patterns: ['(unclosed']\ncombinations: []\n",
        5,
        "facts.employer.patterns[0]",
    ),
    (
        "version: 1\nfacts:\n  employer: {summary: s, patterns: [x]}\ncombinations:\n"
        "  - {code: EX01, name: a, level: high, topic: personal_security, needs: [[employer], [nope]], message: m, fix: f}\n",
        5,
        "combinations[0].needs[1][0]",
    ),
    (
        "version: 1\nfacts:\n  employer: {summary: s, patterns: [x]}\ncombinations:\n"
        "  - {code: EX01, name: a, level: high, topic: no_topic, needs: [[employer]], message: m, fix: f}\n",
        5,
        "combinations[0].topic",
    ),
    (
        "version: 1\nfacts:\n  employer: {summary: s, patterns: [x]}\ncombinations:\n"
        "  - {code: EX01, name: a, level: high, topic: personal_security, needs: [[employer]], message: m, fix: f,"
        " across_accounts: true}\n",
        5,
        "combinations[0].needs",
    ),
]


@pytest.mark.parametrize(("text", "line", "field"), BROKEN)
def test_broken_rules_name_file_line_and_field(tmp_path: Path, text: str, line: int, field: str) -> None:
    f = tmp_path / "rules.yaml"
    f.write_text(text, encoding="utf-8")
    with pytest.raises(ExposureRulesError) as e:
        load_rules(f)
    assert (e.value.path, e.value.line, e.value.field) == (str(f), line, field), str(e.value)
    r = CliRunner().invoke(cli, ["exposure", "--rules", str(f), str(f)])
    assert r.exit_code == 2 and f"{f}:{line}: {field}" in r.stderr and "Traceback" not in r.output


def test_shipped_rules_load_and_every_kind_is_used() -> None:
    rules = shipped_rules()
    used = {k for c in rules.combinations for g in c.needs for k in g}
    assert used == set(rules.kinds)


def _ytd(name: str, rows: list[object]) -> str:
    return f"window.YTD.{name}.part0 = " + json.dumps(rows)


def _zip(path: Path, files: dict[str, str]) -> Path:
    import zipfile

    with zipfile.ZipFile(path, "w") as z:
        for name, data in files.items():
            z.writestr(name, data)
    return path


def test_platform_exports_x_and_linkedin(tmp_path: Path) -> None:
    """A person's X archive and LinkedIn export, in the platforms' own formats: the X profile's location
    field and the LinkedIn headline combine once the display names tie the accounts together."""
    x = _zip(
        tmp_path / "x.zip",
        {
            "Your archive.html": "<html></html>",
            "data/account.js": _ytd(
                "account", [{"account": {"username": "rkaur_nz", "accountId": "1", "accountDisplayName": "Ravi Kaur"}}]
            ),
            "data/profile.js": _ytd(
                "profile", [{"profile": {"description": {"bio": "Dad of two. Cricket.", "location": "Karori, Wellington"}}}]
            ),
            "data/tweets.js": _ytd(
                "tweets",
                [
                    {
                        "tweet": {
                            "id_str": "11",
                            "id": "11",
                            "full_text": "Every Saturday morning at 7am we do parkrun at the waterfront",
                            "created_at": "Sat Feb 10 07:05:00 +0000 2024",
                            "entities": {"hashtags": [], "user_mentions": [], "urls": []},
                        }
                    }
                ],
            ),
        },
    )
    linkedin = _zip(
        tmp_path / "linkedin.zip",
        {
            "Profile.csv": "First Name,Last Name,Headline,Summary,Geo Location\nRavi,Kaur,Senior policy adviser at MBIE,,\n",
            "Shares.csv": "Date,ShareLink,ShareCommentary,SharedUrl,MediaUrl,Visibility\n"
            '2024-02-01 09:00:00,https://www.linkedin.com/feed/update/1,"Our team published the energy strategy",,,PUBLIC\n',
        },
    )
    r = CliRunner().invoke(cli, ["exposure", str(x), str(linkedin), "--code", "nz-public-sector", "--format", "json"])
    assert r.exit_code == 1, r.output
    data = json.loads(r.stdout)
    person = data["persons"][0]
    accounts = {a["account"]: a for a in person["accounts"]}
    assert set(accounts) == {"x:rkaur_nz", "linkedin:Ravi Kaur"}, accounts
    x_facts = {(f["kind"], f["value"], f["field"]) for f in accounts["x:rkaur_nz"]["facts"]}
    assert ("location", "Karori, Wellington", "location") in x_facts
    assert ("family", "Dad of two", "bio") in x_facts
    assert person["links"] == [{"accounts": ["linkedin:Ravi Kaur", "x:rkaur_nz"], "evidence": "both are named 'Ravi Kaur'"}]
    codes = {x["code"] for x in person["risks"]}
    assert "EX05" in codes and "EX03" in codes


def test_accounts_registry_names_the_person_and_the_kinds(tmp_path: Path) -> None:
    """Two accounts nothing public ties together, registered to one person: one person in the report, the
    registered kinds and jurisdiction used, and still no cross-account risk (no public link)."""
    db = tmp_path / "reg.db"
    runner = CliRunner()
    for platform, handle, kind in (("linkedin", "rk-work", "personal"), ("x", "rk_home", "personal")):
        r = runner.invoke(
            cli,
            [
                "accounts",
                "add",
                platform,
                handle,
                "--kind",
                kind,
                "--person",
                "E042",
                "--name",
                "Ravi Kaur",
                "--jurisdiction",
                "NZ",
                "--db",
                str(db),
            ],
        )
        assert r.exit_code == 0, r.output
    f = _write(
        tmp_path / "p.jsonl",
        [
            {"platform": "linkedin", "text": "Hello", "account": {"handle": "rk-work", "bio": "Policy analyst at MBIE"}},
            {"platform": "x", "text": "I live in Karori and my son Sam loves it", "account": {"handle": "rk_home"}},
        ],
    )
    r = runner.invoke(cli, ["exposure", str(f), "--db", str(db), "--format", "json"])
    assert r.exit_code == 1, r.output
    data = json.loads(r.stdout)
    assert len(data["persons"]) == 1
    person = data["persons"][0]
    assert person["person"] == "Ravi Kaur" and person["code"] == "nz-public-sector"
    assert {a["kind"] for a in person["accounts"]} == {"personal"}
    assert person["links"] == [] and "EX05" not in {x["code"] for x in person["risks"]}
    assert "EX03" in {x["code"] for x in person["risks"]}
    r = runner.invoke(cli, ["exposure", str(f), "--db", "postgresql://nobody@127.0.0.1:1/none"])
    assert r.exit_code == 2 and "cannot open the accounts registry" in r.stderr
