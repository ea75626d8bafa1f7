"""The exposure rules (``data/exposure.yaml``): how self-disclosures are recognised and which combinations
make a risk. Validated on load: a broken file names file, line and field."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any, NoReturn

from onrecord.codes.errors import PackError
from onrecord.codes.yamlpos import field_name, line_of, read_yaml_file
from onrecord.model.code import TOPICS

# Kinds that no pattern finds: ``contact`` comes from the personal-data detector run on profile fields,
# ``political`` from the engine's judgement of each post (see facts.py and analyse.py).
DERIVED_KINDS: tuple[str, ...] = ("contact", "political")
LEVELS: tuple[str, ...] = ("high", "medium", "low")
# The public fields a pattern can be limited to.
FIELDS: tuple[str, ...] = ("bio", "display_name", "text", "comment")
_CODE = re.compile(r"^EX\d\d$")
_NAME = re.compile(r"^[a-z][a-z0-9_]*$")

# One capitalised word with a lower-case letter in it (so shouted words like "NOW" are not names), or an
# acronym of two to five capitals ("UK", "NSW"): ASCII letters plus the Māori macron vowels (\w would also
# take digits and underscores).
_WORD = r"[A-ZĀĒĪŌŪ][A-Za-zĀĒĪŌŪāēīōū'’.-]*[a-zāēīōū][A-Za-zĀĒĪŌŪāēīōū]*|[A-Z]{2,5}\b"
_MACROS = {
    "{Name}": f"(?:{_WORD})",
    "{Names}": f"(?:{_WORD})(?:(?: | of | and | & | for | the | of the )(?:{_WORD})){{0,3}}",
}


class ExposureRulesError(PackError):
    """An exposure rules file that cannot be used; the message names file, line and field."""


@dataclass(frozen=True, slots=True)
class FactKind:
    """One kind of self-disclosure and the patterns that find it."""

    kind: str
    summary: str
    # (regex, the fields it applies to; None: every public field)
    patterns: tuple[tuple[re.Pattern[str], frozenset[str] | None], ...]


@dataclass(frozen=True, slots=True)
class Combination:
    """Fact kinds that together make a risk; ``needs`` is a list of groups of alternatives."""

    code: str
    name: str
    level: str
    topic: str
    needs: tuple[tuple[str, ...], ...]
    message: str
    fix: str
    across_accounts: bool = False


@dataclass(frozen=True, slots=True)
class ExposureRules:
    facts: dict[str, FactKind]
    combinations: tuple[Combination, ...]

    @property
    def kinds(self) -> tuple[str, ...]:
        return (*self.facts, *DERIVED_KINDS)


def expand(pattern: str) -> str:
    """``pattern`` with the ``{Name}`` and ``{Names}`` macros replaced by their regexes."""
    for k, v in _MACROS.items():
        pattern = pattern.replace(k, v)
    return pattern


def _text(value: Any, path: tuple[str | int, ...], fail: Any) -> str:
    if not isinstance(value, str) or not value.strip():
        fail(path, f"must be non-empty text, got {value!r}")
    return str(value)


def parse(data: Any, name: str, lines: dict[tuple[str | int, ...], int]) -> ExposureRules:
    """Validate parsed YAML ``data`` from file ``name``. Raises :class:`ExposureRulesError`."""

    def fail(path: tuple[str | int, ...], msg: str) -> NoReturn:
        raise ExposureRulesError(name, line_of(lines, path) if lines else None, field_name(path), msg)

    if not isinstance(data, dict):
        fail((), "must be a mapping with version, facts and combinations")
    for key in data:
        if key not in ("version", "facts", "combinations"):
            fail((key,), f"unknown field {key!r} (allowed: version, facts, combinations)")
    if data.get("version") != 1:
        fail(("version",), f"must be 1, got {data.get('version')!r}")
    raw_facts = data.get("facts")
    if not isinstance(raw_facts, dict) or not raw_facts:
        fail(("facts",), "must be a mapping from fact kind to {summary, patterns}")
    facts: dict[str, FactKind] = {}
    for kind, spec in raw_facts.items():
        if not isinstance(kind, str) or not _NAME.match(kind) or kind in DERIVED_KINDS:
            fail(("facts", str(kind)), f"a fact kind is lower-case letters, digits and _ and not {', '.join(DERIVED_KINDS)}")
        if not isinstance(spec, dict) or set(spec) - {"summary", "patterns"}:
            fail(("facts", kind), "must be a mapping with summary and patterns")
        summary = _text(spec.get("summary"), ("facts", kind, "summary"), fail)
        pats = spec.get("patterns")
        if not isinstance(pats, list) or not pats:
            fail(("facts", kind, "patterns"), "must be a non-empty list of regexes")
        compiled = []
        for i, p in enumerate(pats):
            where: tuple[str | int, ...] = ("facts", kind, "patterns", i)
            fields: frozenset[str] | None = None
            if isinstance(p, dict):
                extra = set(p) - {"regex", "fields"}
                if extra:
                    fail((*where, sorted(extra)[0]), "unknown field (allowed: regex, fields)")
                raw_fields = p.get("fields")
                if not isinstance(raw_fields, list) or not raw_fields or any(f not in FIELDS for f in raw_fields):
                    fail((*where, "fields"), f"must be a non-empty list of {', '.join(FIELDS)}, got {raw_fields!r}")
                fields = frozenset(raw_fields)
                p = p.get("regex")
                where = (*where, "regex")
            _text(p, where, fail)
            try:
                rx = re.compile(expand(p))
            except re.error as e:
                fail(where, f"not a valid regex: {e}")
            if rx.groupindex and "v" not in rx.groupindex:
                fail(where, "a named group must be called v (the value shown)")
            compiled.append((rx, fields))
        facts[kind] = FactKind(kind, summary, tuple(compiled))
    known = (*facts, *DERIVED_KINDS)
    raw_combos = data.get("combinations")
    if not isinstance(raw_combos, list) or not raw_combos:
        fail(("combinations",), "must be a non-empty list")
    combos: list[Combination] = []
    seen: set[str] = set()
    for i, c in enumerate(raw_combos):
        at: tuple[str | int, ...] = ("combinations", i)
        if not isinstance(c, dict):
            fail(at, "must be a mapping")
        allowed = {"code", "name", "level", "topic", "needs", "message", "fix", "across_accounts"}
        for key in c:
            if key not in allowed:
                fail((*at, key), f"unknown field {key!r} (allowed: {', '.join(sorted(allowed))})")
        code = _text(c.get("code"), (*at, "code"), fail)
        if not _CODE.match(code) or code in seen:
            fail((*at, "code"), f"must be EX followed by two digits and unique, got {code!r}")
        seen.add(code)
        cname = _text(c.get("name"), (*at, "name"), fail)
        if not _NAME.match(cname):
            fail((*at, "name"), f"must be lower_snake_case, got {cname!r}")
        level = c.get("level")
        if level not in LEVELS:
            fail((*at, "level"), f"must be one of {', '.join(LEVELS)}, got {level!r}")
        topic = c.get("topic")
        if topic not in TOPICS:
            fail((*at, "topic"), f"unknown topic {topic!r} (known: {', '.join(TOPICS)})")
        needs = c.get("needs")
        if not isinstance(needs, list) or not needs:
            fail((*at, "needs"), "must be a non-empty list of groups, each a list of fact kinds")
        groups = []
        for j, g in enumerate(needs):
            if not isinstance(g, list) or not g:
                fail((*at, "needs", j), "must be a non-empty list of fact kinds (alternatives)")
            for k, kind in enumerate(g):
                if kind not in known:
                    fail((*at, "needs", j, k), f"unknown fact kind {kind!r} (known: {', '.join(known)})")
            groups.append(tuple(g))
        across = c.get("across_accounts", False)
        if not isinstance(across, bool):
            fail((*at, "across_accounts"), f"must be true or false, got {across!r}")
        if across and len(groups) < 2:
            fail((*at, "needs"), "an across_accounts combination needs two groups or more (work on one account, life on another)")
        combos.append(
            Combination(
                code,
                cname,
                str(level),
                str(topic),
                tuple(groups),
                _text(c.get("message"), (*at, "message"), fail),
                _text(c.get("fix"), (*at, "fix"), fail),
                across,
            )
        )
    return ExposureRules(facts, tuple(combos))


def load_rules(path: str | Path | None = None) -> ExposureRules:
    """The rules in ``path``, or the shipped ones."""
    if path is None:
        return shipped_rules()
    data, lines = read_yaml_file(path, ExposureRulesError)
    return parse(data, str(path), lines)


@lru_cache(maxsize=1)
def shipped_rules() -> ExposureRules:
    ref = resources.files("onrecord.exposure").joinpath("data/exposure.yaml")
    with resources.as_file(ref) as p:
        data, lines = read_yaml_file(p, ExposureRulesError)
        return parse(data, "onrecord/exposure/data/exposure.yaml", lines)
