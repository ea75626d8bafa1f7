"""The formula guard shared by every CSV onrecord writes (summary.csv, the accounts export, records.csv)."""

from __future__ import annotations

import pytest

from onrecord.model.csvcell import guard, guard_row, unguard, unguard_row

RISKY = ["=HYPERLINK(\"https://evil.example\",\"click\")", "+1", "-3", "@SUM(A1)", "\tx", "\rx", "=1+2"]
PLAIN = ["", "Jane Doe", "'", "''", "'quoted", "a=b", "3", "x-archive", "'=already", "''-two"]


@pytest.mark.parametrize("value", RISKY)
def test_risky_text_gets_a_leading_quote(value: str) -> None:
    assert guard(value) == "'" + value


@pytest.mark.parametrize("value", [*RISKY, *PLAIN])
def test_unguard_gives_back_exactly_what_was_guarded(value: str) -> None:
    assert unguard(guard(value)) == value


def test_quotes_before_a_trigger_get_one_more_so_the_round_trip_is_exact() -> None:
    assert guard("'=already") == "''=already" and unguard("''=already") == "'=already"
    assert guard("'quoted") == "'quoted" and unguard("'quoted") == "'quoted"


def test_only_text_columns_are_guarded() -> None:
    row = {"display_name": "-3", "posts": -3, "count": "-3"}
    written = guard_row(row, ["display_name"])
    assert written == {"display_name": "'-3", "posts": -3, "count": "-3"}
    assert unguard_row({k: str(v) for k, v in written.items()}, ["display_name"]) == {
        "display_name": "-3", "posts": "-3", "count": "-3"}
