"""Discover checks through the ``onrecord.checks`` entry point and select them like ruff rules."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from functools import lru_cache
from importlib.metadata import entry_points

from onrecord.checks.base import Check
from onrecord.model.code import TOPICS

ENTRY_POINT_GROUP = "onrecord.checks"
_CODE = re.compile(r"^[A-Z]{2}\d{2}$")


class CheckRegistryError(Exception):
    """A check plugin that breaks the rules (bad or duplicate code, unknown topic)."""


@lru_cache(maxsize=1)
def all_checks() -> tuple[type[Check], ...]:
    """Every registered check class, from every installed plugin, sorted by code."""
    found: dict[str, type[Check]] = {}
    for ep in entry_points(group=ENTRY_POINT_GROUP):
        for cls in ep.load()():
            if not _CODE.match(getattr(cls, "code", "")):
                raise CheckRegistryError(f"{ep.value}: {cls.__name__}.code must be two letters and two digits")
            if cls.code in found and found[cls.code] is not cls:
                raise CheckRegistryError(f"{ep.value}: code {cls.code} is already used by {found[cls.code].__name__}")
            unknown = set(cls.topics) - set(TOPICS)
            if unknown:
                raise CheckRegistryError(f"{cls.__name__}: unknown topics {sorted(unknown)}")
            found[cls.code] = cls
    return tuple(found[c] for c in sorted(found))


def _matches(cls: type[Check], token: str) -> bool:
    t = token.strip()
    if t.upper() == "ALL":
        return True
    if cls.code.startswith(t.upper()) and re.fullmatch(r"[A-Za-z]{1,2}\d{0,2}", t):
        return True
    name = cls.name.lower()
    tl = t.lower()
    return name == tl or name.startswith(tl + ".") or tl in (g.lower() for g in cls.groups)


def unknown_selectors(tokens: Iterable[str]) -> list[str]:
    """Selectors that match no registered check (a usage error)."""
    return [t for t in tokens if t.strip() and not any(_matches(c, t) for c in all_checks())]


def select_checks(select: Sequence[str] = (), ignore: Sequence[str] = ()) -> list[Check]:
    """Instantiate the checks chosen by code, code prefix, dotted name (or prefix) or group."""
    chosen = [c for c in all_checks() if not select or any(_matches(c, s) for s in select)]
    chosen = [c for c in chosen if not any(_matches(c, i) for i in ignore)]
    return [c() for c in chosen]


def get_check(code: str) -> type[Check] | None:
    """The check class with this code or dotted name."""
    for c in all_checks():
        if c.code == code.upper() or c.name == code:
            return c
    return None
