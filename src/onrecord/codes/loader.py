"""Find, validate and resolve code packs (YAML files) into :class:`Pack` objects."""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterable
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

import jsonschema

from onrecord.codes.errors import PackError
from onrecord.codes.yamlpos import field_name, line_of, read_yaml_file
from onrecord.model.code import TOPICS, Clause, Pack, Source

PACKS_ENV = "ONRECORD_CODE_PATH"


@lru_cache(maxsize=1)
def _validator() -> jsonschema.Draft202012Validator:
    schema = json.loads(resources.files("onrecord.codes").joinpath("pack.schema.json").read_text("utf-8"))
    return jsonschema.Draft202012Validator(schema)


def read_pack_file(path: str | Path) -> dict[str, Any]:
    """Parse and schema-validate one pack file; return its raw data (not yet resolved)."""
    name = str(path)
    data, lines = read_yaml_file(path)
    if not isinstance(data, dict):
        raise PackError(name, 1, "(top level)", "a pack must be a mapping with id, title, jurisdiction, clauses")
    errors = sorted(_validator().iter_errors(data), key=lambda e: (list(map(str, e.absolute_path)), e.message))
    if errors:
        first = errors[0]
        path_ = tuple(first.absolute_path)
        msg = first.message
        if first.validator == "additionalProperties":
            extra = sorted(set(first.instance) - set(first.schema.get("properties", {})))
            if extra:
                path_ = (*path_, extra[0])
                msg = f"unknown field {extra[0]!r} (allowed: {', '.join(sorted(first.schema.get('properties', {})))})"
        elif first.validator == "required":
            msg = first.message.replace("is a required property", "is required")
        raise PackError(name, line_of(lines, path_), field_name(path_), msg)
    for key in ("clauses", "add", "replace"):
        for i, clause in enumerate(data.get(key, [])):
            for j, topic in enumerate(clause["topics"]):
                if topic not in TOPICS:
                    p = (key, i, "topics", j)
                    raise PackError(name, line_of(lines, p), field_name(p), f"unknown topic {topic!r} (known: {', '.join(TOPICS)})")
    data["__lines__"] = lines
    data["__path__"] = name
    return data


def _clause(pack_id: str, raw: dict[str, Any], origin: str) -> Clause:
    return Clause(
        id=f"{pack_id}:{raw['id']}",
        title=raw["title"],
        summary=raw["summary"],
        url=raw["url"],
        edition=raw.get("edition", ""),
        licence=raw.get("licence", ""),
        topics=tuple(raw["topics"]),
        severity=dict(raw["severity"]),
        roles=tuple(raw.get("roles", ())),
        text=raw.get("text", ""),
        attribution=raw.get("attribution", ""),
        origin=origin,
    )


def normalise_name(name: str) -> str:
    """Case- and punctuation-insensitive key for pack ids and aliases."""
    return re.sub(r"[^a-z0-9]+", " ", name.lower()).strip()


class PackRegistry:
    """All packs known to a run: the shipped ones plus any from extra files or folders."""

    def __init__(self, extra_paths: Iterable[str | Path] = ()) -> None:
        self._raw: dict[str, dict[str, Any]] = {}
        self._resolved: dict[str, Pack] = {}
        self._names: dict[str, str] = {}
        shipped = resources.files("onrecord.codes").joinpath("packs")
        files: list[Path] = sorted(Path(str(shipped)).glob("*.yaml"))
        env = os.environ.get(PACKS_ENV, "")
        for p in [*(x for x in env.split(os.pathsep) if x), *map(str, extra_paths)]:
            path = Path(p)
            files.extend(sorted(path.glob("*.yaml")) + sorted(path.glob("*.yml")) if path.is_dir() else [path])
        for f in files:
            self.add_file(f)
        # Resolve every pack now: a broken 'extends' (a missing parent, a cycle between organisation packs) or a
        # 'replace' of a clause the parent lacks is a PackError at load, not a traceback when the pack is first used.
        for pid in self.ids():
            self._resolve(pid, ())

    def add_file(self, path: str | Path) -> str:
        """Read one pack file into the registry; return its id."""
        data = read_pack_file(path)
        pid = data["id"]
        self._raw[pid] = data
        self._resolved.pop(pid, None)
        for name in (pid, *data.get("aliases", [])):
            self._names[normalise_name(name)] = pid
        return pid

    def ids(self) -> list[str]:
        return sorted(self._raw)

    def lookup(self, name: str) -> str | None:
        """The pack id for an id or alias (``"Hatch Act"`` → ``us-federal``), or None."""
        return self._names.get(normalise_name(name))

    def get(self, name: str) -> Pack:
        """The resolved pack for an id or alias; ``KeyError`` when unknown."""
        pid = self.lookup(name)
        if pid is None:
            raise KeyError(name)
        return self._resolve(pid, ())

    def all(self) -> list[Pack]:
        return [self._resolve(pid, ()) for pid in self.ids()]

    def _resolve(self, pid: str, chain: tuple[str, ...]) -> Pack:
        if pid in self._resolved:
            return self._resolved[pid]
        raw = self._raw[pid]
        path, lines = raw["__path__"], raw["__lines__"]
        if pid in chain:
            raise PackError(path, line_of(lines, ("extends",)), "extends", f"cycle: {' -> '.join((*chain, pid))}")
        clauses: dict[str, Clause] = {}
        sources: list[Source] = []
        parent_id = raw.get("extends")
        if parent_id is not None:
            base = self.lookup(parent_id)
            if base is None:
                raise PackError(path, line_of(lines, ("extends",)), "extends", f"no pack named {parent_id!r}")
            parent = self._resolve(base, (*chain, pid))
            # Inherited clauses keep their qualified ids, so findings cite the original instrument.
            clauses = {k.split(":", 1)[1] if ":" in k else k: c for k, c in ((c.id, c) for c in parent.clauses.values())}
            sources = list(parent.sources)
        elif raw.get("add") or raw.get("replace"):
            raise PackError(path, line_of(lines, ("add",)), "add", "'add' and 'replace' need 'extends'")
        for i, c in enumerate(raw.get("clauses", [])):
            if c["id"] in clauses:
                p = ("clauses", i, "id")
                hint = " (use 'replace' to change an inherited clause)" if parent_id else ""
                raise PackError(path, line_of(lines, p), field_name(p), f"duplicate clause id {c['id']!r}{hint}")
            clauses[c["id"]] = _clause(pid, c, path)
        for i, c in enumerate(raw.get("add", [])):
            if c["id"] in clauses:
                p = ("add", i, "id")
                raise PackError(
                    path, line_of(lines, p), field_name(p), f"clause {c['id']!r} already exists: use 'replace' to change it"
                )
            clauses[c["id"]] = _clause(pid, c, path)
        for i, c in enumerate(raw.get("replace", [])):
            if c["id"] not in clauses:
                p = ("replace", i, "id")
                raise PackError(
                    path, line_of(lines, p), field_name(p), f"clause {c['id']!r} does not exist: use 'add' for a new clause"
                )
            old = clauses[c["id"]]
            owner = old.id.split(":", 1)[0]
            clauses[c["id"]] = _clause(owner if owner != pid else pid, c, path)
        for s in raw.get("sources", []):
            sources.append(Source(s["id"], s["title"], s["url"], s.get("edition", ""), s.get("licence", "")))
        sel = raw.get("select", {})
        pack = Pack(
            id=pid,
            title=raw["title"],
            jurisdiction=raw["jurisdiction"],
            aliases=tuple(raw.get("aliases", ())),
            description=raw.get("description", ""),
            clauses=clauses,
            sources=tuple(sources),
            extends=parent_id,
            select_roles=tuple(sel.get("roles", ())),
            select_account_kinds=tuple(sel.get("account_kinds", ())),
            select_organisation_words=tuple(w.lower() for w in sel.get("organisation_words", ())),
            select_priority=int(sel.get("priority", 0)),
            path=path,
        )
        self._resolved[pid] = pack
        return pack


def validate_file(path: str | Path) -> Pack:
    """Validate one pack file fully (schema, topics, extends chain against shipped packs)."""
    reg = PackRegistry()
    pid = reg.add_file(path)
    return reg.get(pid)
