"""Machine-readable outputs: json, jsonl (the post contract) and SARIF 2.1.0."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import IO, Any

import msgspec

from onrecord import __version__
from onrecord.formatters.records import Checked, Record
from onrecord.model.finding import Finding, InputError

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
# A span's field as a JSON path into the post (InputError.field uses the same "$." form).
_FIELD_PATH = {"bio": "$.account.bio", "display_name": "$.account.display_name"}


def _line_location(uri: str, line: int) -> dict[str, Any]:
    """The input line as a SARIF location: the whole line (startLine alone), the post it holds."""
    return {"physicalLocation": {"artifactLocation": {"uri": uri}, "region": {"startLine": line}}}


def _sarif_result(rec: Checked, f: Finding, uri: str) -> dict[str, Any]:
    """One finding. SARIF's charOffset counts from the start of the file, a span from the start of a decoded
    field, so the region is the line and the span goes in a logical location and ``properties.span``."""
    location = _line_location(uri, rec.line)
    extra: dict[str, Any] = {}
    if f.span is not None:
        path = _FIELD_PATH.get(f.span.field, f"$.{f.span.field}")
        location["logicalLocations"] = [{"name": f.span.field, "fullyQualifiedName": path, "kind": "property"}]
        extra = {"field": f.span.field, "span": msgspec.to_builtins(f.span) | {"field": f.span.field}}
    return {
        "ruleId": f.check,
        "level": _LEVEL[f.severity],
        "message": {"text": f"{f.message} [{', '.join(c.id for c in f.clauses)}]"},
        "locations": [location],
        "properties": {
            "postId": rec.result.id,
            "code": rec.result.code,
            "capacity": rec.result.capacity.label,
            "topic": f.topic,
            "clauses": [msgspec.to_builtins(c) for c in f.clauses],
            **extra,
        },
    }


def _field_location(path: str) -> dict[str, Any]:
    """A JSON path into the post (``$.account.kind``) as a logical location, as a finding's span field is given."""
    return {"name": path.rsplit(".", 1)[-1], "fullyQualifiedName": path, "kind": "property"}


def _notification(level: str, line: int, text: str, uri: str, field: str | None = None, **props: Any) -> dict[str, Any]:
    """A notification located at its input line (and the field, when known); ``properties`` carry the line,
    the field and the post's id when the line gave one."""
    location = _line_location(uri, line)
    if field and field.startswith("$."):
        location["logicalLocations"] = [_field_location(field)]
    return {"level": level, "message": {"text": f"line {line}: {text}"}, "locations": [location],
            "properties": {"line": line, **{k: v for k, v in {"field": field, **props}.items() if v is not None}}}


def _notifications(records: Sequence[Record], uri: str) -> list[dict[str, Any]]:
    """Input errors (lines skipped) and warnings (fields ignored), in input order: SARIF's tool execution
    notifications, since they are about the run, not findings in a post."""
    out = []
    for rec in records:
        if isinstance(rec, InputError):
            where = f" at {rec.field}" if rec.field else ""
            out.append(_notification("error", rec.line, f"input error{where}: {rec.error} (line skipped)", uri,
                                     field=rec.field, postId=rec.id))
        else:
            out.extend(_notification("warning", rec.line, f"warning: {w}", uri, postId=rec.result.id)
                       for w in rec.result.warnings)
    return out


def write_sarif(records: Sequence[Record], out: IO[str], uri: str, rules: Sequence[tuple[str, str, str]]) -> None:
    """SARIF 2.1.0: one result per finding, located by input line (docs/outputs.md); input errors as notifications."""
    results = [_sarif_result(rec, f, uri) for rec in records if isinstance(rec, Checked) for f in rec.result.findings]
    notifications = _notifications(records, uri)
    invocation = {
        "executionSuccessful": not any(isinstance(r, InputError) for r in records),
        "toolExecutionNotifications": notifications,
    }
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
                "invocations": [invocation],
                "results": results,
            }
        ],
    }
    out.write(msgspec.json.format(_enc.encode(doc), indent=2).decode() + "\n")
