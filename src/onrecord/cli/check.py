"""``onrecord check``: check one post, or a JSONL file of posts, against the author's code."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

import click
import msgspec
from rich.console import Console

from onrecord.api import check_lines
from onrecord.checks.registry import all_checks
from onrecord.cli.common import check_selectors, fail, load_packs, pack_options, selection_options, split_csv
from onrecord.engine import Engine
from onrecord.formatters import FORMATS, Checked, Record
from onrecord.formatters.human import render
from onrecord.formatters.machine import write_json, write_jsonl, write_sarif
from onrecord.importers.container import archive_kind
from onrecord.model.finding import InputError
from onrecord.store import open_registry
from onrecord.store.db import db_error_text

TRI = click.Choice(["yes", "no"])


def _tri(v: str | None) -> bool | None:
    return None if v is None else v == "yes"


def _single_post(text: str, opts: dict[str, Any]) -> bytes:
    post = {
        "id": "cli",
        "text": text,
        "action": opts["action"],
        "comment": opts["comment"] or "",
        "platform": opts["platform"],
        "jurisdiction": opts["jurisdiction"],
        "account": {"kind": opts["account_kind"], "bio": opts["bio"] or "", "handle": opts["handle"] or ""},
        "author": {
            "role": opts["role"],
            "restriction": opts["restriction"],
            "title": opts["title"] or "",
            "organisation": opts["organisation"] or "",
            "policy_area": opts["policy_area"] or "",
        },
        "circumstances": {
            "on_duty": _tri(opts["on_duty"]),
            "in_workplace": _tri(opts["in_workplace"]),
            "government_device": _tri(opts["government_device"]),
            "election_period": _tri(opts["election_period"]),
            "audience": opts["audience"],
            "facts": list(opts["fact"]),
        },
        "links": list(opts["link"]),
    }
    return msgspec.json.encode(post)


@click.command("check")
@click.argument("text", required=False)
@click.option("--input", "-i", "input_path", type=click.Path(allow_dash=True), help="JSONL file of posts ('-' for stdin).")
@click.option(
    "--format",
    "-f",
    "fmt",
    type=click.Choice(FORMATS),
    default=None,
    help="Output format (default: human on a terminal for one post, jsonl for --input).",
)
@click.option("--output", "-o", type=click.Path(dir_okay=False, writable=True), help="Write the report here instead of stdout.")
@click.option("--fix", is_flag=True, help="Apply safe fixes (redactions) and print the fixed text.")
@click.option(
    "--db",
    default=None,
    metavar="URL|FILE",
    help="Accounts registry to take context from (default: $ONRECORD_DB, else ./onrecord.db if it exists).",
)
@pack_options
@selection_options
@click.option("--action", type=click.Choice(["post", "reply", "share", "like", "profile"]), default="post", show_default=True)
@click.option("--comment", help="Text added when sharing.")
@click.option("--link", multiple=True, help="A link in or attached to the post. Repeatable.")
@click.option(
    "--platform",
    type=click.Choice(["x", "mastodon", "bluesky", "linkedin", "facebook", "instagram", "threads", "other"]),
    default="other",
)
@click.option("--jurisdiction", type=click.Choice(["US", "UK", "NZ", "AU", "CA", "EU"]), default=None)
@click.option(
    "--account-kind", type=click.Choice(["official", "personal", "campaign", "unknown"]), default="unknown", show_default=True
)
@click.option("--handle")
@click.option("--bio")
@click.option(
    "--role",
    type=click.Choice(
        ["employee", "senior_official", "political_appointee", "elected_official", "candidate", "contractor", "unknown"]
    ),
    default="unknown",
    show_default=True,
)
@click.option(
    "--restriction", type=click.Choice(["less_restricted", "further_restricted", "n/a"]), default="n/a", show_default=True
)
@click.option("--title", help="The author's official title.")
@click.option("--organisation")
@click.option("--policy-area")
@click.option("--on-duty", type=TRI, default=None)
@click.option("--in-workplace", type=TRI, default=None)
@click.option("--government-device", type=TRI, default=None)
@click.option("--election-period", type=TRI, default=None)
@click.option("--audience", type=click.Choice(["public", "all_followers", "selected_group", "direct", "self"]), default=None)
@click.option("--fact", multiple=True, help="Another decisive fact, e.g. 'recipients include the author's subordinates'.")
def command(
    text: str | None,
    input_path: str | None,
    fmt: str | None,
    output: str | None,
    fix: bool,
    db: str | None,
    code: str | None,
    code_paths: tuple[str, ...],
    select: tuple[str, ...],
    ignore: tuple[str, ...],
    **ctx: object,
) -> None:
    """Check TEXT, or every post in --input (one JSON object per line, the post contract).

    Exit status: 0 nothing breaches the code, 1 at least one breach, 2 usage or input error
    (bad lines are reported with their line number and field, and skipped; the rest are checked).
    """
    if (text is None) == (input_path is None):
        fail("give either TEXT or --input FILE (use '-' for stdin)")
    sel, ign = split_csv(select), split_csv(ignore)
    check_selectors(sel, ign)
    packs = load_packs(code_paths)
    if code is not None and packs.lookup(code) is None:
        fail(f"unknown code {code!r}; known: {', '.join(packs.ids())}")
    engine = Engine(packs=packs, select=sel, ignore=ign, default_code=code)
    fmt = fmt or ("human" if text is not None else "jsonl")
    if text is not None:
        lines: Iterator[bytes | str] = iter([_single_post(text, ctx)])
        uri = "cli"
    else:
        assert input_path is not None
        if input_path == "-":
            lines = iter(sys.stdin.buffer)
            uri = "stdin"
        else:
            p = Path(input_path)
            if p.is_dir():
                fail(f"{input_path} is a folder: 'check --input' reads a JSONL file of posts; audit a folder of "
                     "exports with 'onrecord audit'")
            if not p.is_file():
                fail(f"no such file: {input_path}")
            with p.open("rb") as fh:
                if archive_kind(fh.read(512)):  # given where JSONL posts are expected, it is a platform export
                    fail(f"{input_path} is a ZIP or compressed archive: 'check --input' reads JSONL posts; audit a "
                         "platform export with 'onrecord audit'")
            lines = _read_lines(p)
            uri = p.as_posix()
    try:
        out = open(output, "w", encoding="utf-8") if output else sys.stdout  # noqa: SIM115 - closed below
    except OSError as e:
        fail(f"cannot write {output}: {e.strerror or e}")
    try:
        try:
            registry = open_registry(db)
        except Exception as e:  # a bad URL or an unreadable database is the user's input error
            fail(f"cannot open the accounts registry: {db_error_text(e)}")  # names the database, password hidden
        records = check_lines(lines, engine, fix=fix, prepare=registry.apply if registry is not None else None)
        breach, errors = _emit(records, fmt, out, uri)
    finally:
        if output:
            out.close()
    sys.exit(2 if errors else 1 if breach else 0)


def _read_lines(p: Path) -> Iterator[bytes]:
    with p.open("rb") as fh:
        first = fh.readline()
        yield first.removeprefix(b"\xef\xbb\xbf")  # a UTF-8 BOM (Windows editors add one) is not part of the post
        yield from fh


def _emit(records: Iterator[Record], fmt: str, out: IO[str], uri: str) -> tuple[bool, int]:
    breach = False
    errors = 0

    def tracked() -> Iterator[Record]:
        nonlocal breach, errors
        for r in records:
            if isinstance(r, InputError):
                errors += 1
                if fmt != "human":
                    where = f" at {r.field}" if r.field else ""
                    click.echo(f"onrecord: line {r.line}: input error{where}: {r.error} (line skipped)", err=True)
            elif isinstance(r, Checked):
                breach |= not r.result.allowed
                if fmt != "human":
                    for w in r.result.warnings:
                        click.echo(f"onrecord: line {r.line}: warning: {w}", err=True)
            yield r

    stream = out
    if fmt == "jsonl":
        write_jsonl(tracked(), stream)
    elif fmt == "json":
        write_json(list(tracked()), stream)
    elif fmt == "sarif":
        rules = [(c.code, c.name, (c.__doc__ or "").strip().splitlines()[0]) for c in all_checks()]
        write_sarif(list(tracked()), stream, uri, rules)
    else:
        console = Console(file=stream, soft_wrap=False, highlight=False)
        render(tracked(), console)
    return breach, errors
