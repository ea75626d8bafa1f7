"""``onrecord exposure``: what a person's profiles and posts reveal, alone and combined across accounts.

Exit 0: no risk a clause governs (advice may still be printed); 1: at least one such risk; 2: input error.
"""

from __future__ import annotations

import sys

import click
import msgspec

from onrecord.cli._records import handles_errors, read_posts
from onrecord.cli.common import fail, load_packs, pack_options
from onrecord.engine.choose_pack import UnknownCode
from onrecord.exposure.analyse import ExposureReport, PersonExposure, Risk, analyse
from onrecord.exposure.rules import ExposureRulesError, load_rules
from onrecord.importers import RejectedRecord
from onrecord.model.post import Post
from onrecord.store import open_registry
from onrecord.store.db import db_error_text


def _read(paths: tuple[str, ...]) -> tuple[list[tuple[int, Post]], int]:
    """Posts from every input, numbered in one sequence; rejected records reported on stderr and skipped."""
    posts: list[tuple[int, Post]] = []
    bad = 0
    n = 0
    for path in paths:
        for _, item in read_posts(path):
            n += 1
            if isinstance(item, RejectedRecord):
                bad += 1
                click.echo(f"{item.source} {item.location}: skipped: {item.reason}", err=True)
            else:
                posts.append((n, item))
    return posts, bad


def _risk_lines(r: Risk, heading: str) -> list[str]:
    where = " + ".join(r.accounts)
    out = [f"  {heading} {r.code} {r.name} [{r.level}] on {where}: {r.message}"]
    for f in r.facts:
        at = f"post {f.post}" if f.post else f.field
        out.append(f"      {f.kind}: {f.value!r} ({f.account}, {at})")
    for c in r.clauses:
        out.append(f"      {c.severity}: {c.id} {c.title} <{c.url}>")
    out.append(f"      fix: {r.fix}")
    return out


def _person_lines(p: PersonExposure) -> list[str]:
    lines = [f"{p.person}: code {p.code} ({p.code_reason})"]
    for a in p.accounts:
        counts = ", ".join(f"{k} {v}" for k, v in a.fact_counts.items()) or "nothing found"
        lines.append(f"  account {a.account} [{a.kind}, speaks as {a.capacity}] {a.posts} post(s): {counts}")
    for ln in p.links:
        lines.append(f"  linked: {ln.accounts[0]} <-> {ln.accounts[1]}: {ln.evidence}")
    for r in p.risks:
        lines.extend(_risk_lines(r, "RISK"))
    for r in p.advice:
        lines.extend(_risk_lines(r, "advice (no clause of this code governs it)"))
    return lines


def render_text(report: ExposureReport) -> str:
    lines: list[str] = []
    for p in report.persons:
        lines.extend(_person_lines(p))
    lines.append(
        f"{len(report.persons)} person(s), {report.accounts} account(s), {report.posts} post(s):"
        f" {report.risks} risk(s), {report.advice} advice"
        + (f"; {report.bad_lines} record(s) skipped" if report.bad_lines else "")
    )
    return "\n".join(lines)


@click.command("exposure")
@click.argument("inputs", nargs=-1, required=True, type=click.Path())
@click.option("--one-person", is_flag=True, help="Every account in the inputs belongs to one person.")
@click.option(
    "--rules",
    "rules_path",
    type=click.Path(exists=True, dir_okay=False),
    default=None,
    help="Exposure rules file (default: the shipped onrecord/exposure/data/exposure.yaml).",
)
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.option(
    "--db",
    default=None,
    metavar="URL|FILE",
    help="Accounts registry: account kinds, people and their codes (default: $ONRECORD_DB, else ./onrecord.db if it exists).",
)
@pack_options
@handles_errors
def command(
    inputs: tuple[str, ...],
    one_person: bool,
    rules_path: str | None,
    fmt: str,
    db: str | None,
    code: str | None,
    code_paths: tuple[str, ...],
) -> None:
    """Report what the profiles and posts in INPUTS (JSONL or platform exports, '-' for stdin) reveal."""
    try:
        rules = load_rules(rules_path)
    except ExposureRulesError as e:
        fail(f"invalid exposure rules: {e}")
    packs = load_packs(code_paths)
    if code and packs.lookup(code) is None:
        fail(f"unknown code {code!r} (see 'onrecord codes list')")
    posts, bad = _read(inputs)
    if not posts:
        fail("no readable posts" + (f" ({bad} record(s) skipped)" if bad else ""))
    person_of = None
    try:
        registry = open_registry(db)
    except Exception as e:  # a bad URL or an unreadable database is the user's input error
        fail(f"cannot open the accounts registry: {db_error_text(e)}")  # names the database, password hidden
    if registry is not None:
        reg = registry
        # The registry fills what the export cannot say (kind, person, role, code); explicit values win.
        posts = [(n, reg.apply(p)) for n, p in posts]

        def person_of(p: Post) -> str | None:
            return reg.context_for(p.platform, p.account.handle).get("person")

    try:
        report = analyse(
            posts, one_person=one_person, code=packs.lookup(code) if code else None, rules=rules, packs=packs, person_of=person_of
        )
    except UnknownCode as e:
        fail(str(e))
    report.bad_lines = bad
    if fmt == "json":
        click.echo(msgspec.json.format(msgspec.json.encode(report), indent=2).decode())
    else:
        click.echo(render_text(report))
    sys.exit(1 if report.risks else 0)
