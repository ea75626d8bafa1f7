"""``onrecord audit``: check whole platform exports and write results, rejects, a summary and a report."""

from __future__ import annotations

import click
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.text import Text

from onrecord.api.audit import AuditCounts, AuditOptions, ContextSource, open_inputs, outputs_clash, run_audit
from onrecord.api.runners import EngineSpec, RunnerUnavailable, engine_for
from onrecord.cli.common import check_selectors, fail, load_packs, pack_options, selection_options, split_csv
from onrecord.importers import UnusableInput
from onrecord.importers.accounts import AccountsError, load_accounts
from onrecord.importers.generic import mapping_error
from onrecord.store import open_registry
from onrecord.store.db import db_error_text


def _mapping(values: tuple[str, ...]) -> dict[str, str] | None:
    out: dict[str, str] = {}
    for v in values:
        if "=" not in v:
            fail(f"--map expects FIELD=COLUMN, got {v!r}")
        k, _, col = v.partition("=")
        out[k.strip()] = col.strip()
    why = mapping_error(out)
    if why:
        fail(why)
    return out or None


@click.command("audit")
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@click.option("--out", "out_dir", required=True, type=click.Path(file_okay=False), help="Folder for the results.")
@pack_options
@click.option(
    "--accounts",
    "accounts_path",
    type=click.Path(dir_okay=False),
    help="CSV or JSON: handle → kind, role, restriction, title, organisation, jurisdiction, code "
    "('onrecord accounts export' writes one).",
)
@click.option(
    "--db",
    default=None,
    metavar="URL|FILE",
    help="Accounts registry to take context from when --accounts is not given (default: $ONRECORD_DB, else ./onrecord.db if it exists).",
)
@selection_options
@click.option(
    "--engine",
    type=click.Choice(["local", "spark"]),
    default="local",
    show_default=True,
    help="local: processes on this machine; spark: Apache Spark local[N] (needs onrecord[spark]).",
)
@click.option("--workers", type=click.IntRange(min=1), default=None, help="Worker processes (default: all cores; spark: 2).")
@click.option("--allow-rejects", is_flag=True, help="Exit 0/1 on findings even if some records were rejected.")
@click.option(
    "--map",
    "mapping",
    multiple=True,
    metavar="FIELD=COLUMN",
    help="CSV column for a post field (text, id, posted_at, handle, platform, url, likes, shares...). Repeatable; "
    "an unknown field is an error, a column missing from a CSV rejects that file.",
)
@click.option("--title", default="onrecord audit", show_default=True, help="Title of report.html.")
def command(
    paths: tuple[str, ...],
    out_dir: str,
    code: str | None,
    code_paths: tuple[str, ...],
    accounts_path: str | None,
    db: str | None,
    select: tuple[str, ...],
    ignore: tuple[str, ...],
    engine: str,
    workers: int | None,
    allow_rejects: bool,
    mapping: tuple[str, ...],
    title: str,
) -> None:
    """Audit platform exports at PATH (X/Twitter archive, Mastodon archive, Bluesky CAR, LinkedIn,
    Facebook/Instagram/Threads, JSONL or CSV; files, folders, ZIP or tar.gz; the format is read from the content).

    Writes OUT/results.jsonl, OUT/rejects.jsonl, OUT/summary.csv and OUT/report.html.
    Exit: 2 unusable input, 1 if any record was rejected (unless --allow-rejects) or any post breaches its code, else 0.
    """
    sel, ign = split_csv(select), split_csv(ignore)
    check_selectors(sel, ign)
    load_packs(code_paths)  # a broken pack is a usage error
    clash = outputs_clash(paths, out_dir)
    if clash:
        fail(clash)
    try:
        jobs = open_inputs(list(paths), _mapping(mapping))
    except UnusableInput as e:
        fail(str(e))
    accounts: ContextSource | None = None
    if accounts_path:
        try:
            accounts = load_accounts(accounts_path)
        except AccountsError as e:
            fail(str(e))
    else:
        try:
            accounts = open_registry(db)
        except Exception as e:  # a bad URL or unreadable database is the user's input error
            fail(f"cannot open the accounts registry: {db_error_text(e)}")  # names the database, password hidden
    spec = EngineSpec(code_paths=code_paths, select=tuple(sel), ignore=tuple(ign), default_code=code)
    err = Console(stderr=True)
    try:
        with err.status("loading checks and detectors"):
            engine_for(spec)  # built once here; forked workers inherit it
    except KeyError:
        fail(f"unknown code {code!r} (see 'onrecord codes list')")
    for j in jobs:
        err.print(f"[bold]{escape(j.path)}[/]: {j.importer} export ({', '.join(j.formats)})")
    opts = AuditOptions(
        paths=list(paths),
        out_dir=out_dir,
        code=code,
        code_paths=code_paths,
        select=tuple(sel),
        ignore=tuple(ign),
        engine=engine,
        workers=workers,
        title=title,
    )
    with Progress(
        SpinnerColumn(),
        TextColumn("{task.description}"),
        BarColumn(),
        TextColumn("{task.fields[counts]}"),
        TimeElapsedColumn(),
        console=err,
        transient=False,
    ) as bar:
        task = bar.add_task("auditing", total=None, counts="")

        def progress(c: AuditCounts) -> None:
            bar.update(task, counts=f"read {c.read:,} · checked {c.checked:,} · rejected {c.rejected:,}")

        try:
            out = run_audit(opts, jobs=jobs, progress=progress, accounts=accounts)
        except RunnerUnavailable as e:
            fail(str(e))
        except OSError as e:
            fail(f"cannot write to {out_dir}: {e.strerror or e}")
    c = out.counts
    for path, per in c.by_input.items():
        err.print(f"  {path}: read {per['read']:,} = checked {per['checked']:,} + rejected {per['rejected']:,}")
    click.echo(
        f"read {c.read:,} = checked {c.checked:,} + rejected {c.rejected:,} "
        f"({c.import_rejected:,} at import, {c.check_failed:,} at check); "
        f"{c.breach_posts:,} post(s) breach their code, {c.review_required:,} need review"
    )
    if c.warned:
        err.print(Text.assemble(  # Text, not markup: the examples quote the input's own field names
            (f"{c.warned:,} post(s) checked with a warning", "yellow"),
            f", e.g. {'; '.join(c.warning_examples)} (each result in {out.files['results.jsonl']} lists its warnings)",
        ))
    for name, path in out.files.items():
        err.print(f"  wrote {path}" if name else path)
    if not c.consistent:  # pragma: no cover - an internal error, never expected
        fail("counts do not add up (internal error); please report it", 2)
    if c.rejected and not allow_rejects:
        err.print(f"[bold red]{c.rejected:,} record(s) rejected[/]: see {out.files['rejects.jsonl']} (--allow-rejects to accept)")
        raise SystemExit(1)
    raise SystemExit(1 if c.breach_posts else 0)
