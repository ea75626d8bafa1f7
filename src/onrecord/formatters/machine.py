"""Machine-readable outputs: json, jsonl (the post contract) and SARIF 2.1.0."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import IO, Any

import msgspec

from onrecord import __version__
from onrecord.formatters.records import Checked, Record
from onrecord.model.finding import InputError

_enc = msgspec.json.Encoder()


def record_to_builtins(rec: Record) -> dict[str, Any]:
    """The contract's result object (plus ``fixed`` and ``warnings`` when present), or an input error."""
    if isinstance(rec, InputError):
        return {"error": msgspec.to_builtins(rec)}
    d: dict[str, Any] = msgspec.to_builtins(rec.result)
    if not d.get("warnings"):
        d.pop("warnings", None)
    if rec.fixed is not None:
        d["fixed"] = rec.fixed
    return d


def write_jsonl(records: Iterable[Record], out: IO[str]) -> None:
    """One result per line, in input order; input errors are reported on stderr by the caller."""
    for rec in records:
        if isinstance(rec, Checked):
            out.write(_enc.encode(record_to_builtins(rec)).decode() + "\n")


def write_json(records: Sequence[Record], out: IO[str]) -> None:
    results = [record_to_builtins(r) for r in records if isinstance(r, Checked)]
    errors = [msgspec.to_builtins(r) for r in records if isinstance(r, InputError)]
    out.write(msgspec.json.format(_enc.encode({"results": results, "errors": errors}), indent=2).decode() + "\n")


_LEVEL = {"breach": "error", "warning": "warning", "info": "note"}


def write_sarif(records: Sequence[Record], out: IO[str], uri: str, rules: Sequence[tuple[str, str, str]]) -> None:
    """SARIF 2.1.0: one result per finding, located by input line and character offsets."""
    results: list[dict[str, Any]] = []
    for rec in records:
        if isinstance(rec, InputError):
            continue
        for f in rec.result.findings:
            region: dict[str, Any] = {"startLine": rec.line}
            if f.span is not None:
                region.update(charOffset=f.span.start, charLength=f.span.end - f.span.start, snippet={"text": f.span.text})
            results.append(
                {
                    "ruleId": f.check,
                    "level": _LEVEL[f.severity],
                    "message": {"text": f"{f.message} [{', '.join(c.id for c in f.clauses)}]"},
                    "locations": [{"physicalLocation": {"artifactLocation": {"uri": uri}, "region": region}}],
                    "properties": {
                        "postId": rec.result.id,
                        "code": rec.result.code,
                        "capacity": rec.result.capacity.label,
                        "topic": f.topic,
                        "clauses": [msgspec.to_builtins(c) for c in f.clauses],
                        **({"field": f.span.field} if f.span else {}),
                    },
                }
            )
    doc = {
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "onrecord",
                        "version": __version__,
                        "informationUri": "https://github.com/onrecord/onrecord",
                        "rules": [
                            {"id": code, "name": name, "shortDescription": {"text": summary}} for code, name, summary in rules
                        ],
                    }
                },
                "results": results,
            }
        ],
    }
    out.write(msgspec.json.format(_enc.encode(doc), indent=2).decode() + "\n")
