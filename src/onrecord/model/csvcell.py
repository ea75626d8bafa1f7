"""Spreadsheet-safe CSV text cells: the OWASP guard against formula injection, its exact inverse, list cells.

A spreadsheet runs a cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return as a
formula (``=HYPERLINK(...)`` in a display name from an imported archive). :func:`guard` puts a single
quote before such a text cell, as OWASP advises; every reader of our CSVs calls :func:`unguard`, which
gives back exactly the value that was written. Only text columns are guarded: a count stays a number.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def _needs_guard(value: str) -> bool:
    # Quotes already before a trigger get one more, so that unguard can tell our quote from the value's own.
    return value.lstrip("'")[:1] in TRIGGERS


def guard(value: str) -> str:
    """The cell to write for a text value: ``'`` before one a spreadsheet would run as a formula."""
    return "'" + value if _needs_guard(value) else value


def unguard(value: str) -> str:
    """The text value a cell written by :func:`guard` holds (a cell guard did not touch comes back as is)."""
    return value[1:] if value[:1] == "'" and _needs_guard(value[1:]) else value


def split_list(value: str | Iterable[str] | None) -> list[str]:
    """A list cell (``a;b`` or ``a,b``) or a list, as its non-empty stripped items."""
    if value is None:
        return []
    items = value.replace(",", ";").split(";") if isinstance(value, str) else list(value)
    return [s.strip() for s in items if s and s.strip()]


def guard_row(row: Mapping[str, Any], text_columns: Iterable[str]) -> dict[str, Any]:
    """``row`` with its text columns guarded (other columns, e.g. counts, as they are)."""
    text = set(text_columns)
    return {k: guard(v) if k in text and isinstance(v, str) else v for k, v in row.items()}


def unguard_row(row: Mapping[str, str], text_columns: Iterable[str]) -> dict[str, str]:
    """A row read back with :class:`csv.DictReader`, its text columns as they were before :func:`guard_row`."""
    text = set(text_columns)
    return {k: unguard(v) if k in text and isinstance(v, str) else v for k, v in row.items()}
