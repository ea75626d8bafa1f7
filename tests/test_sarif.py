"""SARIF's tool execution notifications for input lines: where the bad line is, and which post it was."""

from __future__ import annotations

import io
import json
from typing import Any

import pytest

from onrecord.api import check_lines
from onrecord.engine import Engine
from onrecord.formatters.machine import write_sarif


@pytest.fixture(scope="module")
def engine() -> Engine:
    return Engine()


def _notes(engine: Engine, lines: list[str], uri: str = "posts.jsonl") -> list[dict[str, Any]]:
    out = io.StringIO()
    write_sarif(list(check_lines(lines, engine)), out, uri, [])
    notes: list[dict[str, Any]] = json.loads(out.getvalue())["runs"][0]["invocations"][0]["toolExecutionNotifications"]
    return notes


def test_a_bad_line_names_its_file_line_field_and_post(engine: Engine) -> None:
    """The notification had the line but not the post: a reader of the log could not tell which record it was."""
    notes = _notes(engine, ['{"id": "p1", "text": "fine"}', '{"id": "bad-1", "text": 5}', "{not json",
                            '{"id": "c9", "text": "hi", "code": "no-such-code"}', '{"id": ["x"], "text": "hi"}'],
                   uri="exports/posts.jsonl")
    assert [(n["level"], n["properties"]["line"]) for n in notes] == [("error", 2), ("error", 3), ("error", 4), ("error", 5)]
    bad, not_json, unknown_code, odd_id = notes
    loc = bad["locations"][0]
    assert loc["physicalLocation"] == {"artifactLocation": {"uri": "exports/posts.jsonl"}, "region": {"startLine": 2}}
    assert loc["logicalLocations"] == [{"name": "text", "fullyQualifiedName": "$.text", "kind": "property"}]
    assert bad["properties"] == {"line": 2, "field": "$.text", "postId": "bad-1"}
    # Not JSON: no post and no field are known, only the file and line.
    assert not_json["properties"] == {"line": 3} and "logicalLocations" not in not_json["locations"][0]
    assert unknown_code["properties"] == {"line": 4, "field": "$.code", "postId": "c9"}  # read, then not checkable
    assert "postId" not in odd_id["properties"]  # an id that is no string is not a post id


def test_a_warning_names_its_post(engine: Engine) -> None:
    (note,) = _notes(engine, ['{"id": "w1", "text": "Hello", "colour": "red"}'])
    assert note["level"] == "warning" and note["properties"] == {"line": 1, "postId": "w1"}
    assert note["locations"][0]["physicalLocation"]["region"] == {"startLine": 1}
