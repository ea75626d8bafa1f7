"""Marking finding spans in a post's text."""

from __future__ import annotations

from onrecord.model.finding import Finding, Span
from onrecord.web.marks import pieces


def _f(start: int, end: int, severity: str = "breach", fld: str = "text") -> Finding:
    return Finding(check="PD01", name="n", topic="personal_data", severity=severity, clauses=[], message="m",  # type: ignore[arg-type]
                   span=Span(start=start, end=end, text="", field=fld))


def test_overlapping_spans_share_a_piece_and_take_the_worse_severity() -> None:
    out = pieces("Call Jo Mills now", [_f(5, 13, "warning"), _f(8, 13)])
    assert [(p.text, p.findings, p.severity) for p in out] == [
        ("Call ", [], ""), ("Jo ", [1], "warning"), ("Mills", [1, 2], "breach"), (" now", [], "")]


def test_spans_of_another_field_or_outside_the_text_are_left_out_or_clipped() -> None:
    out = pieces("abc", [_f(0, 1, fld="comment"), _f(2, 99), _f(50, 60)])
    assert [(p.text, p.findings) for p in out] == [("ab", []), ("c", [2])]
    assert [(p.text, p.findings) for p in pieces("", [_f(0, 3)])] == [("", [])]
