"""``onrecord accounts``: the registry of people, their accounts and declared uses."""

from __future__ import annotations

from dataclasses import asdict
from pathlib import Path

import click
from rich.console import Console
from rich.table import Table
from rich.text import Text

from onrecord.cli._records import actor, by_option, db_option, emit, engine, fail, format_option, handles_errors
from onrecord.cli.common import load_packs
from onrecord.store import accounts as reg
from onrecord.store.db import StoreError

code_path_option = click.option(
    "--code-path", "code_paths", multiple=True, type=click.Path(exists=True),
    help="Extra code pack file or folder whose ids a --code / code column may name. Repeatable.")


@click.group("accounts")
def command() -> None:
    """The accounts registry: who is behind each account, its kind and declared uses.

    The check, audit and archive commands fill a post's account and author from it.
    """


@command.command("add")
@click.argument("platform")
@click.argument("handle")
@click.option("--kind", type=click.Choice(reg.KINDS), required=True, help="Account kind.")
@click.option("--person", default="", help="A stable key for the person (e.g. an employee id).")
@click.option("--name", default="", help="The person's name.")
@click.option("--role", type=click.Choice(reg.ROLES), default="unknown", show_default=True)
@click.option("--restriction", type=click.Choice(reg.RESTRICTIONS), default="n/a", show_default=True)
@click.option("--title", default="")
@click.option("--organisation", default="")
@click.option("--policy-areas", default="", help="Semicolon-separated policy areas.")
@click.option("--jurisdiction", type=click.Choice(reg.JURISDICTIONS), default=None)
@click.option("--code", default="", help="Code pack id for this person.")
@click.option("--uses", default="", help="Declared uses besides the kind, e.g. 'official;professional'.")
@click.option("--display-name", default="")
@code_path_option
@db_option
@by_option()
@handles_errors
def add(platform: str, handle: str, kind: str, person: str, name: str, role: str, restriction: str, title: str,
        organisation: str, policy_areas: str, jurisdiction: str | None, code: str, uses: str, display_name: str,
        code_paths: tuple[str, ...], db: str | None, by: str | None) -> None:
    """Add or update one account (PLATFORM: x, mastodon, bluesky, linkedin, facebook, instagram, threads, other)."""
    row = reg.AccountRow(platform=platform, handle=handle, kind=kind, person=person, name=name, role=role,
                         restriction=restriction, title=title, organisation=organisation, policy_areas=policy_areas,
                         jurisdiction=jurisdiction or "", code=code, uses=uses, display_name=display_name)
    added, _ = reg.upsert(engine(db), [row], actor(by), load_packs(code_paths))
    click.echo(f"{'added' if added else 'updated'} {platform}:{reg.norm_handle(handle)}")


@command.command("remove")
@click.argument("platform")
@click.argument("handle")
@db_option
@by_option()
@handles_errors
def remove(platform: str, handle: str, db: str | None, by: str | None) -> None:
    """Remove an account from the registry (the audit log keeps that it existed)."""
    if not reg.remove(engine(db), platform, handle, actor(by)):
        fail(f"no account {platform}:{reg.norm_handle(handle)}")
    click.echo(f"removed {platform}:{reg.norm_handle(handle)}")


@command.command("list")
@db_option
@format_option
@handles_errors
def list_(db: str | None, fmt: str) -> None:
    """List registered accounts with their people."""
    rows = reg.list_accounts(engine(db, existing=True))

    def human(con: Console) -> None:
        t = Table("platform", "handle", "kind", "uses", "person", "role", "organisation", "jurisdiction", "code")
        for r in rows:
            t.add_row(r.platform, r.handle, r.kind, r.uses, r.name or r.person, r.role, r.organisation,
                      r.jurisdiction, r.code)
        con.print(t)
        con.print(f"{len(rows)} account(s)")

    emit(fmt, [asdict(r) for r in rows], human, [asdict(r) for r in rows])


@command.command("import")
@click.argument("csv_file", type=click.Path(dir_okay=False, path_type=Path))
@code_path_option
@db_option
@by_option()
@handles_errors
def import_(csv_file: Path, code_paths: tuple[str, ...], db: str | None, by: str | None) -> None:
    """Import accounts from CSV (columns: person,name,role,restriction,title,organisation,policy_areas,
    jurisdiction,code,platform,handle,kind,uses,display_name; platform, handle and kind required).

    All rows or none: a bad row stops the import and names its line.
    """
    if not csv_file.is_file():
        raise StoreError(f"no such file: {csv_file}")
    try:
        text = csv_file.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        raise StoreError(f"{csv_file} is not UTF-8 text") from None
    rows = reg.read_csv(text, load_packs(code_paths))
    added, updated = reg.upsert(engine(db), rows, actor(by))
    click.echo(f"{added} added, {updated} updated")


@command.command("export")
@click.option("--out", "out", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Write to this file instead of stdout.")
@db_option
@handles_errors
def export(out: Path | None, db: str | None) -> None:
    """Export the registry as CSV (the same columns import reads)."""
    text = reg.write_csv(reg.list_accounts(engine(db, existing=True)))
    if out is None:
        click.echo(text, nl=False)
    else:
        out.write_text(text, encoding="utf-8")


@command.command("context")
@click.argument("platform")
@click.argument("handle")
@db_option
@format_option
@handles_errors
def context(platform: str, handle: str, db: str | None, fmt: str) -> None:
    """Show the post context (account, author, jurisdiction, code) the registry gives an account.

    Exit 1 when the account is not registered.
    """
    ctx = reg.context_for(engine(db, existing=True), platform, handle)

    def human(con: Console) -> None:
        if not ctx:
            con.print(f"{platform}:{reg.norm_handle(handle)} is not registered")
            return
        for k, v in ctx.items():
            con.print(Text.assemble((k, "bold"), f": {v}"))

    emit(fmt, ctx, human)
    if not ctx:
        raise SystemExit(1)
