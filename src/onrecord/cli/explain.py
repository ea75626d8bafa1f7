"""``onrecord explain``: a check's documentation and the clauses it maps to in a pack."""

from __future__ import annotations

import inspect

import click
from rich.console import Console
from rich.markdown import Markdown
from rich.markup import escape

from onrecord.checks.registry import all_checks, get_check
from onrecord.cli.common import fail, load_packs


@click.command("explain")
@click.argument("check", required=False)
@click.option("--code", default=None, metavar="PACK", help="Show the clauses of this pack the check maps to.")
@click.option("--list", "list_all", is_flag=True, help="List every check.")
def command(check: str | None, code: str | None, list_all: bool) -> None:
    """Explain CHECK (a code such as PO01, or a dotted name)."""
    con = Console()
    if list_all or check is None:
        for c in all_checks():
            first = (c.__doc__ or "").strip().splitlines()[0]
            con.print(f"[bold]{c.code}[/] {c.name:32} [dim]{', '.join(c.groups)}[/]  {first}", highlight=False)
        return
    cls = get_check(check)
    if cls is None:
        fail(f"no check {check!r} (see 'onrecord explain --list')")
    packs = load_packs(())
    pack_id = packs.lookup(code) if code else None
    if code and pack_id is None:
        fail(f"unknown code {code!r} (see 'onrecord codes list')")
    con.print(f"[bold]{cls.code}[/] {cls.name}  [dim]groups: {', '.join(cls.groups)} · topics: {', '.join(cls.topics)}[/]")
    con.print(Markdown(inspect.cleandoc(cls.__doc__ or "")))
    chosen = [packs.get(pack_id)] if pack_id else packs.all()
    for p in chosen:
        rows = []
        for topic in cls.topics:
            for cap in ("official", "professional", "private", "political"):
                for clause in p.governing(topic, cap):
                    rows.append(f"  {topic} · {cap}: [bold]{clause.severity[cap]}[/] — {escape(clause.id)} {escape(clause.title)}")
        if rows or code:
            con.print(f"\n[bold]{escape(p.id)}[/] ({escape(p.title)})")
            con.print("\n".join(dict.fromkeys(rows)) or "  no clause of this pack governs these topics: nothing is reported")
