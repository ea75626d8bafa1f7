"""Human output with Rich: the post with spans highlighted, then one block per finding (like a linter's:
severity, code and name, where, the message, each clause cited, the fix), wrapped to the console width with
continuation lines indented under their block, so narrow terminals and pipes stay readable."""

from __future__ import annotations

from collections.abc import Iterable

from rich.console import Console
from rich.text import Text

from onrecord.formatters.fixes import field_value
from onrecord.formatters.records import Checked, Record
from onrecord.model.finding import Finding, InputError

_STYLE = {"breach": "bold white on red", "warning": "black on yellow", "info": "black on cyan"}
_SEVERITY_STYLE = {"breach": "bold red", "warning": "yellow", "info": "cyan"}
_INDENT = 11  # finding blocks: "  breach   " then the text


def _indented(console: Console, text: Text | str, indent: int, style: str = "") -> None:
    """Print ``text`` wrapped to the console width, every line (continuations too) ``indent`` columns in."""
    body = text if isinstance(text, Text) else Text(text, style=style)
    for line in body.wrap(console, max(20, console.width - indent)):
        line.rstrip()
        console.print(Text(" " * indent) + line, highlight=False, soft_wrap=True)


def _finding(console: Console, f: Finding) -> None:
    head = Text(f"{f.severity:<9}", style=_SEVERITY_STYLE[f.severity]) + Text(f"{f.check} ", style="bold") + Text(f.name)
    if f.span is not None:
        head += Text(f"  {f.span.field}:{f.span.start}-{f.span.end}", style="dim")
    _indented(console, head, 2)
    _indented(console, f.message, _INDENT)
    if f.span is not None and f.span.text and f.span.text not in f.message:
        _indented(console, f"“{f.span.text}”", _INDENT, "italic")
    for c in f.clauses:
        _indented(console, Text("clause ", style="dim") + Text(c.id, style="bold") + Text(f"  {c.title}"), _INDENT)
    if f.fix is not None:
        _indented(console, Text(f"fix ({f.fix.applicability}) ", style="dim") + Text(f.fix.title), _INDENT)


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
            _indented(console, Text(f"line {rec.line}", style="bold red") + Text(f": input error{where}: {rec.error}"), 0)
            continue
        posts += 1
        r = rec.result
        bad += not r.allowed
        verdict = "[bold green]allowed[/]" if r.allowed else "[bold red]NOT ALLOWED[/]"
        flags = [s for s, on in (("review required", r.review_required), ("archive as public record", r.archive)) if on]
        head = f"{r.id or f'line {rec.line}'} · {verdict} · capacity [bold]{r.capacity.label}[/] ({r.capacity.scores[r.capacity.label]:.2f}) · code {r.code}"
        title = Text.from_markup(head)
        if title.cell_len + 6 <= console.width:
            console.rule(title, align="left")
        else:  # a rule would cut the title short
            _indented(console, title, 0)
        if flags:
            console.print("  " + " · ".join(flags), style="dim")
        _indented(console, "capacity evidence: " + "; ".join(r.capacity.evidence), 2, "dim")
        shown = {f.span.field for f in r.findings if f.span is not None} | {"text"}
        for fld in sorted(shown, key=lambda f: (f != "text", f)):
            body = _highlighted(rec, fld)
            if body.plain:
                _indented(console, Text(f"{fld}: ", style="dim") + body, 2)
        for f in r.findings:
            _finding(console, f)
        for w in r.warnings + rec.warnings:
            _indented(console, Text("warning", style="yellow") + Text(f": {w}"), 2)
        if rec.fixed:
            for fld, txt in rec.fixed.items():
                _indented(console, Text(f"fixed {fld}: ", style="bold green") + Text(txt), 2)
    console.rule()
    console.print(f"{posts} checked, {bad} not allowed, {errors} input errors")
    return posts, bad, errors
