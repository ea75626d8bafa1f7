"""Apply safe fixes (redactions) only; display-only suggestions are never applied."""

from __future__ import annotations

from onrecord.model.finding import Result
from onrecord.model.post import Post


def field_value(post: Post, field: str) -> str:
    if field in ("text", "comment"):
        return str(getattr(post, field))
    return str(getattr(post.account, field, ""))


def apply_safe_fixes(post: Post, result: Result) -> dict[str, str]:
    """Return each changed field's text with every safe, non-overlapping replacement applied."""
    by_field: dict[str, list[tuple[int, int, str]]] = {}
    for f in result.findings:
        if f.fix and f.fix.applicability == "safe" and f.span is not None and f.fix.replacement is not None:
            by_field.setdefault(f.span.field, []).append((f.span.start, f.span.end, f.fix.replacement))
    out: dict[str, str] = {}
    for fld, edits in by_field.items():
        text = field_value(post, fld)
        last_start = len(text) + 1
        for start, end, repl in sorted(edits, key=lambda e: (e[0], -e[1]), reverse=True):
            if end > last_start:  # overlaps an edit already applied: keep the earlier, wider one
                continue
            text = text[:start] + repl + text[end:]
            last_start = start
        out[fld] = text
    return out
