"""The political detector: the Hyperscan prefilter never changes what it finds; the partisan lexicon
an organisation extends with ONRECORD_LEXICON_PATH."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import msgspec
import pytest
import yaml
from click.testing import CliRunner

from onrecord.cli.main import cli
from onrecord.detectors.lexicon import LEXICON_ENV, LexiconError, lexicon
from onrecord.detectors.political import PoliticalDetector, reload_lexicon
from onrecord.engine import Engine
from onrecord.model.post import Post

CASES = Path(__file__).parent / "cases" / "checks"


def _texts() -> list[str]:
    out = []
    for f in CASES.glob("*.yaml"):
        for case in yaml.safe_load(f.read_text("utf-8"))["cases"]:
            post = case["post"]
            out += [post.get("text", ""), post.get("comment", ""), post.get("account", {}).get("profile_image", "")]
    out += ["Te Pāti Māori wins — kia ora!", "Vote Labour on 2 May", "CONFIDENTIAL — don’t share", "日本語のテキスト"]
    # links: the link gates must let through everything the link parser reports
    out += [
        "Chip in: https://secure.ActBlue.com/donate/jane-2026 today",
        "Events at sub.JaneForCongress.com/events and www.janeforcongress.com.au",
        "see example.org/donate-today or mycharity.org/give/now, https://t.co/AbC123xyz",
        "winred.com/x https://www.GOP.com/ nzlabour.org.nz/fundraising vote4smith.us",
    ]
    return [t for t in out if t]


def test_prefilter_is_exact() -> None:
    fast = PoliticalDetector()
    slow = PoliticalDetector()
    slow._prefilter.db = None
    for text in _texts():
        assert list(fast.detect(text, "text")) == list(slow.detect(text, "text")), text


def test_party_names_are_case_sensitive() -> None:
    d = PoliticalDetector()
    assert any(s.kind == "party" for s in d.detect("Labour will win", "text"))
    assert not any(s.kind == "party" for s in d.detect("the labour market is tight", "text"))


# ---------------------------------------------------------------------------------------------------- lexicon extension
@pytest.fixture
def lexicon_path(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[Path]:
    """A folder named by ONRECORD_LEXICON_PATH; the lexicon is reloaded before and after."""
    monkeypatch.setenv(LEXICON_ENV, str(tmp_path))
    reload_lexicon()
    yield tmp_path
    monkeypatch.delenv(LEXICON_ENV)
    reload_lexicon()


def _po03(text: str, jurisdiction: str, code: str) -> list[str]:
    post = msgspec.convert({"text": text, "account": {"kind": "official"}, "jurisdiction": jurisdiction}, Post)
    return [f.check for f in Engine(default_code=code).check(post).findings if f.check == "PO03"]


def test_extension_file_adds_a_party(lexicon_path: Path) -> None:
    text = "The Opportunity Party has the only sensible plan."
    (lexicon_path / "org.yaml").write_text("", "utf-8")  # an empty file adds nothing
    assert _po03(text, "NZ", "nz-public-sector") == []
    (lexicon_path / "org.yaml").write_text(
        'parties:\n  NZ: ["Opportunity Party"]\ndonation_domains: ["give.example.nz"]\noffices: ["Regional Council"]\n', "utf-8"
    )
    reload_lexicon()
    assert "Opportunity Party" in lexicon()["parties"]["NZ"]
    assert "Labour" in lexicon()["parties"]["NZ"], "extension files add to the shipped lists, never replace them"
    assert "actblue.com" in lexicon()["donation_domains"] and "give.example.nz" in lexicon()["donation_domains"]
    assert _po03(text, "NZ", "nz-public-sector") == ["PO03"]
    sigs = list(PoliticalDetector().detect("chip in at give.example.nz/now", "text"))
    assert any(s.kind == "donation_link" for s in sigs)


@pytest.mark.parametrize(
    ("content", "line", "field", "words"),
    [
        ("# ours\nparties:\n  NZ:\n    - Opportunity Party\n    - 5\n", 5, "parties.NZ[1]", "must be text"),
        ("parties:\n  XX: [Some Party]\n", 2, "parties.XX", "unknown jurisdiction 'XX'"),
        ("partys:\n  NZ: [Some Party]\n", 1, "partys", "unknown field 'partys'"),
        ("parties:\n  NZ: Some Party\n", 2, "parties.NZ", "must be a list of names"),
        ("offices: [Mayor]\ndonation_domains:\n  - not a domain\n", 3, "donation_domains[0]", "must be a domain"),
        ("parties: [NZ: x\n", 2, "(syntax)", "invalid YAML"),
    ],
)
def test_broken_extension_file_names_file_line_and_field(
    lexicon_path: Path, content: str, line: int, field: str, words: str
) -> None:
    f = lexicon_path / "org.yaml"
    f.write_text(content, "utf-8")
    with pytest.raises(LexiconError) as e:
        lexicon()
    assert (e.value.path, e.value.line, e.value.field) == (str(f), line, field)
    assert words in e.value.message


def test_cli_reports_a_broken_lexicon_without_traceback(lexicon_path: Path) -> None:
    f = lexicon_path / "org.yaml"
    f.write_text("parties:\n  NZ: [Opportunity Party, 5]\n", "utf-8")
    r = CliRunner().invoke(cli, ["check", "hello", "--jurisdiction", "NZ"])
    assert r.exit_code == 2
    assert f"invalid partisan lexicon: {f}:2: parties.NZ[1]: must be text" in r.stderr
    assert isinstance(r.exception, SystemExit), "a clean exit, not an exception"
    r = CliRunner().invoke(cli, ["check", "hello"], env={LEXICON_ENV: str(lexicon_path / "missing")})
    assert r.exit_code == 2 and "no such file or folder" in r.stderr


def test_extension_file_names_a_foreign_leader(lexicon_path: Path) -> None:
    post = msgspec.convert(
        {"text": "The Zorgan administration is a disgrace.", "account": {"kind": "personal"}, "jurisdiction": "NZ"}, Post
    )

    def po09() -> list[str]:
        return [f.check for f in Engine(default_code="nz-public-sector").check(post).findings if f.check == "PO09"]

    assert po09() == ["PO09"], "a government nobody says is foreign is the author's own"
    (lexicon_path / "org.yaml").write_text("governments:\n  other: [Zorgan]\n", "utf-8")
    reload_lexicon()
    assert po09() == []
    (lexicon_path / "org.yaml").write_text("governments:\n  Ruritania: [Zorgan]\n", "utf-8")
    reload_lexicon()
    with pytest.raises(LexiconError) as e:
        lexicon()
    assert (e.value.line, e.value.field) == (2, "governments.Ruritania") and "other" in e.value.message
