"""The one rule for a post's date (onrecord.model.when): what is a time, what is kept as written, the warning."""

from __future__ import annotations

import json
from typing import Any

import pytest

from onrecord.model.decode import decode_post
from onrecord.model.when import NOT_A_TIME, read_time

# value -> posted_at as the contract's input keeps it (None: no time), and whether it is warned about
CASES: list[tuple[Any, str | None, bool]] = [
    ("2024-03-01T09:00:00Z", "2024-03-01T09:00:00Z", False),
    ("2024-03-01T09:00:00+13:00", "2024-03-01T09:00:00+13:00", False),  # its own offset, as written
    ("2024-03-01T09:00:00.123456Z", "2024-03-01T09:00:00.123456Z", False),
    ("2024-03-01T09:00", "2024-03-01T09:00", False),  # no offset: UTC
    ("2024-03-01 09:00:00", "2024-03-01 09:00:00", False),
    ("2024-03-01", "2024-03-01", False),  # a bare date: its midnight
    ("2024-W09-5", "2024-W09-5", False),  # an ISO week date
    ("20240301T090000Z", "20240301T090000Z", False),  # the basic format
    (None, None, False),
    ("", None, False),
    ("   ", None, False),
    ("yesterday", None, True),
    ("2024-02-30T10:00:00Z", None, True),  # no such day
    ("2024-03-01T24:00:00Z", None, True),
    ("2024-03-01X09:00", None, True),  # Python reads it; ISO 8601 has no such separator
    ("9999-12-31T23:59:00-01:00", None, True),  # past the last UTC instant: no stage could place it
    (" 2024-03-01T09:00:00Z", None, True),
    (1709283600, None, True),  # a number (Unix seconds?) is no ISO 8601 time
    (True, None, True),
    ({"$date": "2024-03-01T09:00:00Z"}, None, True),
]


@pytest.mark.parametrize(("value", "at", "warned"), CASES, ids=[repr(c[0])[:30] for c in CASES])
def test_the_contracts_posted_at(value: Any, at: str | None, warned: bool) -> None:
    got, why = read_time(value)
    assert got == at and (why is not None) == warned
    if warned:
        assert why is not None and why.startswith("posted_at ") and why.endswith(NOT_A_TIME)
    # The contract's decoder applies it: the post is kept, posted_at cleared, the warning with the post.
    post, warnings = decode_post(f'{{"text": "x", "circumstances": {{"posted_at": {json.dumps(value)}}}}}')
    assert post.circumstances.posted_at == at and warnings == ([why] if warned else [])


def test_the_warning_shows_the_value_as_written_and_short() -> None:
    assert read_time(1707901200, field="timestamp")[1] == f"timestamp 1707901200 {NOT_A_TIME}"
    assert read_time("soon", lambda v: None, "date", " in column 'Date'")[1] == f"date 'soon' in column 'Date' {NOT_A_TIME}"
    why = read_time("x" * 300)[1]
    assert why is not None and f"'{'x' * 60}…' " in why and len(why) < 160
    # A reader's result is checked too: a platform reader cannot hand on a time no later stage could place.
    assert read_time("anything", lambda v: "2024-02-30T00:00:00Z")[0] is None
    # A reader that does not expect the kind of value is a value it cannot read, not a crash.
    assert read_time(["a"], lambda v: v.strip())[0] is None
