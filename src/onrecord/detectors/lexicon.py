"""The partisan lexicon: parties and government words per jurisdiction, ordinary-word parties,
donation domains and offices. The shipped file (``data/partisan.yaml``) plus an organisation's files
named by ``ONRECORD_LEXICON_PATH``, validated on load: a broken file names file, line and field."""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any, NoReturn, get_args

import yaml

from onrecord.codes.errors import PackError
from onrecord.codes.yamlpos import field_name, line_of, read_yaml_file
from onrecord.model.post import Jurisdiction

LEXICON_ENV = "ONRECORD_LEXICON_PATH"
_LIST_KEYS = ("ordinary_word_parties", "donation_domains", "offices")
_KEYS = ("parties", "governments", *_LIST_KEYS)
_JURISDICTIONS: tuple[str, ...] = get_args(Jurisdiction)
_Where = tuple[str | int, ...]
_DOMAIN = re.compile(r"^[a-z0-9-]+(?:\.[a-z0-9-]+)*\.[a-z]{2,}(?:/[^\s]*)?$", re.IGNORECASE)


class LexiconError(PackError):
    """A partisan-lexicon file that cannot be used; the message names file, line and field."""


def _names(value: Any, path: _Where, fail: Callable[[_Where, str], NoReturn], domains: bool = False) -> list[str]:
    if not isinstance(value, list):
        fail(path, f"must be a list of {'domains' if domains else 'names'}, got {type(value).__name__}")
    out: list[str] = []
    for i, v in enumerate(value):
        if not isinstance(v, str):
            fail((*path, i), f"must be text (quote it if needed), got {type(v).__name__} {v!r}")
        if not v.strip() or v != v.strip() or len(v) > 100 or "\n" in v:
            fail((*path, i), f"must be a non-empty name on one line, no surrounding spaces, at most 100 characters; got {v!r}")
        if domains and not _DOMAIN.match(v):
            fail((*path, i), f"must be a domain, optionally with a path (e.g. actblue.com, example.org/donate), got {v!r}")
        out.append(v)
    return out


def _validate(data: Any, name: str, lines: dict[_Where, int]) -> dict[str, Any]:
    """Check one lexicon file's shape; return it with every key present. Raises :class:`LexiconError`."""

    def fail(path: _Where, msg: str) -> NoReturn:
        raise LexiconError(name, line_of(lines, path) if lines else None, field_name(path), msg)

    if data is None:
        data = {}
    if not isinstance(data, dict):
        fail((), f"a lexicon file must be a mapping with some of: {', '.join(_KEYS)}")
    for key in data:
        if key not in _KEYS:
            fail((key,), f"unknown field {key!r} (allowed: {', '.join(_KEYS)})")
    out: dict[str, Any] = {}
    for key, what, extra in (("parties", "party names", ()), ("governments", "words naming its government", ("other",))):
        table = data.get(key, {})
        if not isinstance(table, dict):
            fail((key,), f"must be a mapping from jurisdiction code to a list of {what}")
        out[key] = {}
        for country, names in table.items():
            if country not in (*_JURISDICTIONS, *extra):
                known = ", ".join((*_JURISDICTIONS, *extra))
                fail((key, country), f"unknown jurisdiction {country!r} (known: {known})")
            out[key][country] = _names(names, (key, country), fail)
    for key in _LIST_KEYS:
        out[key] = _names(data.get(key, []), (key,), fail, domains=key == "donation_domains")
    return out


def _extension_files() -> list[Path]:
    """Files named by ``ONRECORD_LEXICON_PATH`` (folders or files, separated like PATH), in order."""
    files: list[Path] = []
    for entry in (x for x in os.environ.get(LEXICON_ENV, "").split(os.pathsep) if x):
        path = Path(entry)
        if path.is_dir():
            files.extend(sorted([*path.glob("*.yaml"), *path.glob("*.yml")]))
        elif path.is_file():
            files.append(path)
        else:
            raise LexiconError(entry, None, "(file)", f"no such file or folder (named by {LEXICON_ENV})")
    return files


def read_lexicon_file(path: str | Path) -> dict[str, Any]:
    """Parse and validate one organisation's lexicon file. Raises :class:`LexiconError`."""
    data, lines = read_yaml_file(path, LexiconError)
    return _validate(data, str(path), lines)


@lru_cache(maxsize=1)
def lexicon() -> dict[str, Any]:
    """The partisan lexicon (parties per jurisdiction, ordinary-word parties, donation domains,
    offices): the shipped file, plus every file in the folders named by ``ONRECORD_LEXICON_PATH``,
    whose entries are added to the shipped lists (never replace them). Raises :class:`LexiconError`
    naming file, line and field when an organisation's file is broken."""
    text = resources.files("onrecord.detectors").joinpath("data/partisan.yaml").read_text("utf-8")
    data = _validate(yaml.safe_load(text), "onrecord/detectors/data/partisan.yaml", {})
    for f in _extension_files():
        extra = read_lexicon_file(f)
        for key in ("parties", "governments"):
            for country, names in extra[key].items():
                have = data[key].setdefault(country, [])
                have.extend(n for n in names if n not in have)
        for key in _LIST_KEYS:
            data[key].extend(n for n in extra[key] if n not in data[key])
    return data
