"""A post's ``posted_at``: one rule, for every importer and for the post contract's own input.

A date is turned into the contract's ISO 8601 string by :func:`read_time`; one that cannot be read never costs the
post: it is kept without a time and the caller gets a warning naming the value as written
("posted_at 'yesterday' is not a date and time (ISO 8601, such as 2024-03-01T09:00:00Z); it is ignored"), which it
prefixes with the file and line or record.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import msgspec

NOT_A_TIME = "is not a date and time (ISO 8601, such as 2024-03-01T09:00:00Z); it is ignored"
SHOWN = 60  # characters of a value kept in a warning

# What may stand before the time: an ISO 8601 date (calendar or week date, extended or basic) ending the string or
# followed by 'T' or a space. Python's fromisoformat also takes any other character there ("2024-03-01X09:00").
_ISO_DATE = re.compile(r"\d{4}(?:-\d{2}-\d{2}|\d{4}|-?W\d{2}(?:-?\d)?)(?=$|[T ])")


def instant(value: str) -> datetime | None:
    """``value`` as an aware UTC datetime when it is an ISO 8601 date and time ('Z' or an offset; none: UTC; a bare
    date: its midnight), else None: "yesterday", 30 February, hour 24, or a time past the last UTC instant
    (9999-12-31T23:59-01:00), which no later stage (report months, archive, review) could place."""
    if not _ISO_DATE.match(value):
        return None
    try:
        dt = datetime.fromisoformat(value)
    except ValueError:
        return None
    try:
        return (dt if dt.tzinfo else dt.replace(tzinfo=UTC)).astimezone(UTC)
    except OverflowError:
        return None


def as_written(value: Any) -> str | None:
    """``value`` itself when it is an ISO 8601 date and time (the contract's input keeps its own spelling and
    offset), else None."""
    return value if isinstance(value, str) and instant(value) is not None else None


def shown(value: Any, limit: int = SHOWN) -> str:
    """A raw value as written, for a message: a string quoted and cut short when long, anything else as JSON."""
    if isinstance(value, str):
        text = value
    else:
        try:
            text = msgspec.json.encode(value).decode()
        except (TypeError, ValueError, OverflowError):
            text = repr(value)
    cut = text if len(text) <= limit else text[:limit] + "…"
    return repr(cut) if isinstance(value, str) else cut


def read_time(
    value: Any, read: Callable[[Any], str | None] = as_written, field: str = "posted_at", after: str = ""
) -> tuple[str | None, str | None]:
    """The contract's ``posted_at`` from a raw date as a source writes it, and why not.

    ``read`` turns the source's spellings into ISO 8601 (the contract's own input: ISO 8601 as written; an importer
    passes its platform's reader) and returns None for a value it cannot read. Returns ``(time, None)``; ``(None,
    None)`` when there is no date (None, or a blank string); ``(None, warning)`` when there is one that cannot be read,
    or whose reading is no ISO 8601 time: the post is kept without a time. The warning names ``field`` and the value
    (``after`` follows the value: " in column 'Date'").
    """
    if value is None or (isinstance(value, str) and not value.strip()):
        return None, None
    try:
        at = read(value)
    except (TypeError, ValueError, AttributeError, OverflowError):  # a reader that does not expect this kind of value
        at = None
    if at is not None and instant(at) is not None:
        return at, None
    return None, f"{field} {shown(value)}{after} {NOT_A_TIME}"
