"""``onrecord codes``: list, show and validate code packs."""

from __future__ import annotations

import sys

import click
import msgspec
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from onrecord.cli.common import fail, load_packs
from onrecord.codes import PackError, PackRegistry
from onrecord.model.code import Pack


def _pack_dict(p: Pack, clauses: bool) -> dict[str, object]:
    d: dict[str, object] = {
        "id": p.id,
        "title": p.title,
        "jurisdiction": p.jurisdiction,
        "aliases": list(p.aliases),
        "extends": p.extends,
        "clauses": len(p.clauses),
        "topics": sorted(p.topics()),
        "path": p.path,
    }
    if clauses:
        d["clauses"] = [
            {
                "id": c.id,
                "title": c.title,
                "summary": c.summary,
                "url": c.url,
                "edition": c.edition,
                "licence": c.licence,
                "topics": list(c.topics),
                "severity": c.severity,
                "roles": list(c.roles),
                **({"text": c.text} if c.text else {}),
            }
            for c in p.clauses.values()
        ]
        d["sources"] = [
            msgspec.to_builtins(s.__dict__)
            if hasattr(s, "__dict__")
            else {"id": s.id, "title": s.title, "url": s.url, "edition": s.edition, "licence": s.licence}
            for s in p.sources
        ]
    return d


@click.group("codes")
def command() -> None:
    """Codes of conduct (packs): list, show, validate."""


@command.command("list")
@click.option("--format", "fmt", type=click.Choice(["human", "json"]), default="human")
@click.option("--code-path", "code_paths", multiple=True, type=click.Path(exists=True))
def list_(fmt: str, code_paths: tuple[str, ...]) -> None:
    """List every available pack with its aliases."""
    packs = load_packs(code_paths).all()
    if fmt == "json":
        click.echo(msgspec.json.format(msgspec.json.encode([_pack_dict(p, False) for p in packs]), indent=2).decode())
        return
    t = Table("id", "jurisdiction", "clauses", "title", "aliases", box=None)
    for p in packs:
        t.add_row(*map(escape, (p.id, p.jurisdiction, str(len(p.clauses)), p.title, ", ".join(p.aliases))))
    Console().print(t)


@command.command("show")
@click.argument("pack")
@click.option("--format", "fmt", type=click.Choice(["human", "json"]), default="human")
@click.option("--code-path", "code_paths", multiple=True, type=click.Path(exists=True))
def show(pack: str, fmt: str, code_paths: tuple[str, ...]) -> None:
    """Show one pack's clauses (PACK is an id or an alias such as "Hatch Act")."""
    reg = load_packs(code_paths)
    try:
        p = reg.get(pack)
    except KeyError:
        fail(f"unknown code {pack!r}; known: {', '.join(reg.ids())}")
    if fmt == "json":
        click.echo(msgspec.json.format(msgspec.json.encode(_pack_dict(p, True)), indent=2).decode())
        return
    con = Console()
    con.print(f"[bold]{escape(p.id)}[/] — {escape(p.title)} ({p.jurisdiction})")  # an organisation's pack may hold [ ]
    if p.aliases:
        con.print("aliases: " + ", ".join(p.aliases))
    if p.extends:
        con.print(f"extends: {p.extends}")
    t = Table("clause", "title", "applies in (severity)", "topics", box=None)
    for c in p.clauses.values():
        t.add_row(
            escape(c.id),
            f"{escape(c.title)}\n[dim]{escape(c.summary)}\n{escape(c.url)}[/]",
            ", ".join(f"{k}:{v}" for k, v in c.severity.items()),
            ", ".join(c.topics),
        )
    con.print(t)


@command.command("validate")
@click.argument("files", nargs=-1, required=True, type=click.Path())
def validate(files: tuple[str, ...]) -> None:
    """Validate pack FILES (schema, topics, extends/add/replace). Exit 0 valid, 2 invalid."""
    bad = 0
    reg = PackRegistry()
    for f in files:
        try:
            pid = reg.add_file(f)
            p = reg.get(pid)
            click.echo(f"{f}: ok ({p.id}, {len(p.clauses)} clauses)")
        except PackError as e:
            bad += 1
            click.echo(f"{e}", err=True)
    sys.exit(2 if bad else 0)
