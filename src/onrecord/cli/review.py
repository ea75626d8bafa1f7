"""``onrecord review``: the review queue for official-capacity drafts and posts with findings."""

from __future__ import annotations

from dataclasses import asdict

import click
from rich.console import Console
from rich.table import Table
from rich.text import Text

from onrecord.cli._records import (
    actor,
    by_option,
    checker,
    db_option,
    emit,
    engine,
    format_option,
    handles_errors,
    read_posts,
)
from onrecord.engine import UnknownCode
from onrecord.importers import RejectedRecord
from onrecord.model.code import TOPICS
from onrecord.store import review as rq
from onrecord.store.accounts import Registry
from onrecord.store.chain import day_bound
from onrecord.store.db import StoreError
from onrecord.store.review_stats import review_stats


@click.group("review")
def command() -> None:
    """Route drafts to privacy, legal and communications reviewers; approve, reject, waive.

    Every action is written to the append-only audit log ('onrecord archive log').
    """


@command.command("team")
@click.argument("team", type=click.Choice(rq.TEAMS))
@click.option("--mode", type=click.Choice(["any", "all"]), default=None,
              help="any: one approval completes the step; all: every member but the submitter.")
@click.option("--members", default=None, help="Comma-separated reviewer names (replaces the list).")
@click.option("--ttl-hours", type=click.IntRange(1), default=None, help="How long an approval stays valid.")
@db_option
@by_option()
@handles_errors
def team(team: str, mode: str | None, members: str | None, ttl_hours: int | None, db: str | None,
         by: str | None) -> None:
    """Configure a review team."""
    rq.set_team(engine(db), team, actor(by), mode, members.split(",") if members is not None else None, ttl_hours)
    click.echo(f"team {team} updated")


@command.command("teams")
@db_option
@format_option
@handles_errors
def teams(db: str | None, fmt: str) -> None:
    """List review teams, their mode, members and approval expiry."""
    data = rq.teams(engine(db, existing=True))

    def human(con: Console) -> None:
        t = Table("team", "mode", "approval valid (h)", "members")
        for name, cfg in data.items():
            t.add_row(name, cfg["mode"], str(cfg["ttl_hours"]), ", ".join(cfg["members"]) or "(none)")
        con.print(t)

    emit(fmt, data, human, [{"team": k, **v} for k, v in data.items()])


@command.command("submit")
@click.option("--input", "input_", required=True, metavar="PATH", help="Draft posts (JSONL); '-' for stdin.")
@click.option("--code", default=None, help="Default code pack for posts that do not name one.")
@db_option
@by_option("Who submits (cannot approve their own items).")
@format_option
@handles_errors
def submit(input_: str, code: str | None, db: str | None, by: str | None, fmt: str) -> None:
    """Check drafts and queue those that need review (official capacity, or findings not waived).

    Exit 1 when anything was queued (the drafts must not go out yet), 2 on bad input lines.
    """
    eng = engine(db)
    who = actor(by)
    check = checker(code)
    registry = Registry(eng)
    out: list[dict[str, object]] = []
    rejected = 0
    for n, item in read_posts(input_):
        if isinstance(item, RejectedRecord):
            rejected += 1
            click.echo(f"{item.source}:{item.location}: {item.reason}", err=True)
            continue
        post = registry.apply(item)
        try:
            result = check.check(post)
        except UnknownCode as e:
            rejected += 1
            click.echo(f"{input_}: item {n}: {e}", err=True)
            continue
        try:
            iid, new = rq.submit(eng, post, result, who)
        except StoreError as e:  # this post cannot be stored as it is (e.g. an id too long): the rest go on
            rejected += 1
            click.echo(f"{input_}: item {n}: {e}", err=True)
            continue
        out.append({"n": n, "id": post.id, "item": iid, "new": new, "capacity": result.capacity.label,
                    "topics": sorted({f.topic for f in result.findings}),
                    "steps": rq.route(sorted({f.topic for f in result.findings}), result.capacity.label)
                    if iid else []})

    def human(con: Console) -> None:
        for r in out:
            if r["item"] is None:
                con.print(f"post {r['id'] or r['n']}: no review needed")
            else:
                state = "queued as" if r["new"] else "already queued as"
                con.print(f"post {r['id'] or r['n']}: {state} item {r['item']} "
                          f"({r['capacity']}; steps: {', '.join(r['steps']) or 'see review show'})")  # type: ignore[arg-type]

    emit(fmt, out, human, out)
    if rejected:
        raise SystemExit(2)
    if any(r["item"] is not None for r in out):
        raise SystemExit(1)


@command.command("list")
@click.option("--status", type=click.Choice(["pending", "approved", "rejected", "expired"]), default=None)
@db_option
@format_option
@handles_errors
def list_(status: str | None, db: str | None, fmt: str) -> None:
    """List review items (an approval past its expiry shows as expired)."""
    rows = rq.items(engine(db, existing=True), status)

    def human(con: Console) -> None:
        t = Table("item", "status", "by", "account", "capacity", "topics", "text")
        for i in rows:
            t.add_row(str(i.id), i.status, i.submitter, f"{i.platform}:{i.handle}", i.capacity, ", ".join(i.topics),
                      i.text[:50])
        con.print(t)

    emit(fmt, [asdict(i) for i in rows], human, [asdict(i) for i in rows])


@command.command("show")
@click.argument("item_id", type=int)
@db_option
@format_option
@handles_errors
def show(item_id: int, db: str | None, fmt: str) -> None:
    """Show one item with its steps and decisions. Exit 0 only when approved and not expired."""
    item = rq.get(engine(db, existing=True), item_id)

    def human(con: Console) -> None:
        con.print(Text.assemble((f"item {item.id}", "bold"), f" {item.status} · submitted by {item.submitter} at {item.created_at}"))
        con.print(f"{item.platform}:{item.handle} · {item.capacity} · topics: {', '.join(item.topics) or '-'}"
                  + (f" · waived: {', '.join(item.waived)}" if item.waived else ""))
        con.print(item.text)
        for f in item.findings:
            con.print(Text.assemble(
                "  ", (f"{f['check']} {f['severity']}", "bold"), f" {f['topic']}: {f['message']}",
                f" [{', '.join(f['clauses'])}]", f" (waived by waiver {f['waiver']})" if f["waiver"] else "",
            ))
        for s in item.steps:
            con.print(f"  step {s['pos'] + 1}: {s['team']} ({s['mode']}) {s['status']}")
        for d in item.decisions:
            con.print(f"  {d['at']} {d['reviewer']} {d['decision']}" + (f": {d['note']}" if d["note"] else ""))
        if item.expires_at:
            con.print(f"approval valid until {item.expires_at}")

    emit(fmt, asdict(item), human)
    if item.status != "approved":
        raise SystemExit(1)


@command.command("approve")
@click.argument("item_id", type=int)
@click.option("--note", default="")
@db_option
@by_option("The reviewer.")
@handles_errors
def approve(item_id: int, note: str, db: str | None, by: str | None) -> None:
    """Approve the item's current step (the submitter cannot approve)."""
    status = rq.approve(engine(db, existing=True), item_id, actor(by), note)
    click.echo(f"item {item_id}: {status}")


@command.command("reject")
@click.argument("item_id", type=int)
@click.option("--note", required=True, help="Why (required).")
@db_option
@by_option("The reviewer.")
@handles_errors
def reject(item_id: int, note: str, db: str | None, by: str | None) -> None:
    """Reject the item at its current step, with a note."""
    rq.reject(engine(db, existing=True), item_id, actor(by), note)
    click.echo(f"item {item_id}: rejected")


@command.command("waive")
@click.option("--check", "check", default=None, help="A check code, e.g. PD01.")
@click.option("--topic", type=click.Choice(sorted(TOPICS)), default=None)
@click.option("--account", default="*", show_default=True, help="PLATFORM:HANDLE, or '*' for every account.")
@click.option("--reason", required=True)
@click.option("--expires", required=True, help="30d, 12h or an ISO date.")
@db_option
@by_option("The reviewer granting the waiver.")
@handles_errors
def waive(check: str | None, topic: str | None, account: str, reason: str, expires: str, db: str | None,
          by: str | None) -> None:
    """Waive a check or topic for an account until a date; later submissions skip those findings."""
    platform, handle = rq.parse_account(account)
    wid = rq.add_waiver(engine(db), actor(by), reason, rq.parse_expiry(expires), check, topic, platform, handle)
    click.echo(f"waiver {wid} granted")


@command.command("waivers")
@db_option
@format_option
@handles_errors
def waivers(db: str | None, fmt: str) -> None:
    """Report waivers: active, unused (never applied) and expired. Exit 1 when any is unused or expired."""
    rows = rq.waiver_report(engine(db, existing=True))

    def human(con: Console) -> None:
        t = Table("id", "state", "check/topic", "account", "reviewer", "expires", "uses", "reason")
        for w in rows:
            style = {"expired": "red", "unused": "yellow"}.get(w["state"], "")
            t.add_row(str(w["id"]), Text(w["state"], style=style),
                      w["check_code"] or w["topic"], f"{w['platform']}:{w['handle']}", w["reviewer"], w["expires_at"],
                      str(w["uses"]), w["reason"])
        con.print(t)

    emit(fmt, rows, human, rows)
    if any(w["state"] != "active" for w in rows):
        raise SystemExit(1)


@command.command("stats")
@click.option("--since", default=None, metavar="DATE", help="Only items submitted on or after this date (YYYY-MM-DD).")
@db_option
@format_option
@handles_errors
def stats(since: str | None, db: str | None, fmt: str) -> None:
    """What reviewers did with each check's findings (upheld = rejected among decided items) and how long each
    team's steps wait: the feedback for tuning checks and staffing the queue."""
    start = None
    if since:
        start = day_bound(since, end_of_day=False)
        if start is None:
            raise StoreError(f"cannot read --since {since!r} as a date: use YYYY-MM-DD")
    rep = review_stats(engine(db, existing=True), since=start).as_dict()

    def human(con: Console) -> None:
        i = rep["items"]
        con.print(f"items: {sum(i.values())} ({', '.join(f'{v} {k}' for k, v in i.items())})"
                  + (f" since {rep['since'][:10]}" if rep["since"] else ""))
        t = Table("check", "severity", "items", "approved as written", "rejected", "pending", "upheld", "waived")
        for c in rep["checks"]:
            up = "-" if c["upheld"] is None else f"{c['upheld']:.0%}"
            t.add_row(c["check"], c["severity"], str(c["items"]), str(c["approved"]), str(c["rejected"]),
                      str(c["pending"]), up, str(c["waived"]))
        con.print(t)
        t = Table("team", "steps decided", "median hours", "90th percentile", "waiting", "oldest waiting (hours)")
        for m in rep["teams"]:
            t.add_row(m["team"], str(m["decided"]), *("-" if m[k] is None else str(m[k]) for k in
                                                      ("median_hours", "p90_hours")),
                      str(m["waiting"]), "-" if m["oldest_waiting_hours"] is None else str(m["oldest_waiting_hours"]))
        con.print(t)

    emit(fmt, rep, human, rep["checks"])
