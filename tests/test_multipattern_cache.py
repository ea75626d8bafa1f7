"""The on-disk cache of compiled Hyperscan databases gives the same answers as a fresh compile."""

from __future__ import annotations

from pathlib import Path

import pytest

from onrecord.detectors import multipattern as mp
from onrecord.detectors.multipattern import MultiPattern

PATTERNS = [
    (r"\bidiot\w*", "insult"),
    (r"\bkill (?:you|him|her)\b", "threat"),
    (r"(?<!not )\bsecret\b", "marking"),  # look-behind: Hyperscan rejects it, so it always runs with re
]
TEXT = "You idiots, I will kill you. This is secret, not secret."


@pytest.fixture()
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("ONRECORD_CACHE", str(tmp_path))
    return tmp_path


@pytest.mark.skipif(not mp.HAVE_HYPERSCAN, reason="hyperscan not installed")
def test_second_build_loads_the_saved_database(cache: Path) -> None:
    first = MultiPattern(PATTERNS)
    files = list(cache.glob("mp-*.hsdb"))
    assert len(files) == 1
    second = MultiPattern(PATTERNS)  # a new object: not the in-memory class cache
    assert second._always == first._always == [2]
    assert second.scan(TEXT) == first.scan(TEXT) == [("insult", 4, 10), ("threat", 19, 27), ("marking", 37, 43)]


@pytest.mark.skipif(not mp.HAVE_HYPERSCAN, reason="hyperscan not installed")
def test_a_damaged_file_is_compiled_again(cache: Path) -> None:
    expected = MultiPattern(PATTERNS).scan(TEXT)
    (path,) = cache.glob("mp-*.hsdb")
    path.write_bytes(b'{"always": [2]}\nnot a database')
    assert MultiPattern(PATTERNS).scan(TEXT) == expected
    assert path.read_bytes() != b'{"always": [2]}\nnot a database'  # rewritten


@pytest.mark.skipif(not mp.HAVE_HYPERSCAN, reason="hyperscan not installed")
def test_other_patterns_get_another_file(cache: Path) -> None:
    MultiPattern(PATTERNS)
    MultiPattern(PATTERNS, caseless=False)
    MultiPattern([*PATTERNS, (r"\bembargoed\b", "marking")])
    assert len(list(cache.glob("mp-*.hsdb"))) == 3


def test_an_unwritable_cache_only_costs_the_compile(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("ONRECORD_CACHE", str(blocker / "cache"))
    assert MultiPattern(PATTERNS).scan(TEXT)[0] == ("insult", 4, 10)
