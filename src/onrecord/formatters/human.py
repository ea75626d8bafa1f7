"""Human output with Rich: the post with spans highlighted, then findings with clauses and fixes."""

from __future__ import annotations

from collections.abc import Iterable

from rich.console import Console
from rich.table import Table
from rich.text import Text

from onrecord.formatters.fixes import field_value
from onrecord.formatters.records import Checked, Record
from onrecord.model.finding import InputError

_STYLE = {"breach": "bold white on red", "warning": "black on yellow", "info": "black on cyan"}
_WORD = {"breach": "[bold red]breach[/]", "warning": "[yellow]warning[/]", "info": "[cyan]info[/]"}


def _highlighted(rec: Checked, field: str) -> Text:
    text = Text(field_value(rec.post, field))
    for f in rec.result.findings:
        if f.span is not None and f.span.field == field:
            text.stylize(_STYLE[f.severity], f.span.start, f.span.end)
    return text


def render(records: Iterable[Record], console: Console) -> tuple[int, int, int]:
    """Print every record; return (posts, posts not allowed, input errors)."""
    posts = bad = errors = 0
    for rec in records:
        if isinstance(rec, InputError):
            errors += 1
            where = f" at {rec.field}" if rec.field else ""
            console.print(f"[bold red]line {rec.line}[/]: input error{where}: {rec.error}")
            continue
        posts += 1
        r = rec.result
        bad += not r.allowed
        verdict = "[bold green]allowed[/]" if r.allowed else "[bold red]NOT ALLOWED[/]"
        flags = [s for s, on in (("review required", r.review_required), ("archive as public record", r.archive)) if on]
        head = f"{r.id or f'line {rec.line}'} · {verdict} · capacity [bold]{r.capacity.label}[/] ({r.capacity.scores[r.capacity.label]:.2f}) · code {r.code}"
        console.rule(Text.from_markup(head), align="left")
        if flags:
            console.print("  " + " · ".join(flags), style="dim")
        console.print("  capacity evidence: " + "; ".join(r.capacity.evidence), style="dim", highlight=False)
        shown = {f.span.field for f in r.findings if f.span is not None} | {"text"}
        for fld in sorted(shown, key=lambda f: (f != "text", f)):
            body = _highlighted(rec, fld)
            if body.plain:
                console.print(Text(f"  {fld}: ", style="dim") + body)
        if r.findings:
            table = Table(show_header=True, header_style="bold", box=None, pad_edge=False, expand=False)
            for col in ("severity", "check", "finding", "clauses", "fix"):
                table.add_column(col, overflow="fold")
            for f in r.findings:
                clauses = "\n".join(f"{c.id} {c.title}" for c in f.clauses)
                fix = f"{f.fix.title} ({f.fix.applicability})" if f.fix else ""
                msg = f.message + (f"\n“{f.span.text}”" if f.span else "")
                table.add_row(Text.from_markup(_WORD[f.severity]), f"{f.check}\n{f.name}", msg, clauses, fix)
            console.print(table)
        for w in r.warnings + rec.warnings:
            console.print(f"  [yellow]warning[/]: {w}")
        if rec.fixed:
            for fld, txt in rec.fixed.items():
                console.print(Text(f"  fixed {fld}: ", style="bold green") + Text(txt))
    console.rule()
    console.print(f"{posts} checked, {bad} not allowed, {errors} input errors")
    return posts, bad, errors
