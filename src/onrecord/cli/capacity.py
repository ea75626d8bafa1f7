"""``onrecord capacity``: summarise accounts from posts (JSONL or any platform export) and flag capacity problems.

Flags (exit 1 when any is raised):
  * personal account used in official capacity: posts judged official on a personal account (or an
    account of unknown kind whose posts are mostly not official) — those posts are public records;
  * campaign/political content on an official account: posts whose text reads as political with high
    confidence on an account registered as official (or mostly official).
"""

from __future__ import annotations

import sys
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from itertools import islice
from typing import IO

import click
import msgspec

from onrecord.capacity.account import account_reading
from onrecord.capacity.assess import assess_many
from onrecord.detectors.base import Signals, run_detectors
from onrecord.importers import RejectedRecord, UnusableInput, open_input
from onrecord.importers.accounts import AccountsError, load_accounts
from onrecord.importers.container import archive_kind
from onrecord.model.decode import PostDecodeError, decode_post
from onrecord.model.finding import CAPACITIES
from onrecord.model.post import Post

FLAG_PERSONAL_OFFICIAL = "personal account used in official capacity"
FLAG_POLITICAL_ON_OFFICIAL = "campaign/political content on an official account"


@dataclass
class AccountSummary:
    """Capacity mix of one account's posts and the flags raised."""

    account: str
    kind: str
    posts: int
    mix: dict[str, float]
    confidence: dict[str, float]
    reads_as: str = "official"
    # P(campaign account) from the account rule (onrecord.capacity.account), equal prior on office/campaign.
    campaign_probability: float = 0.0
    # What the handle or display name added to that reading (only when the account kind is unknown).
    reading_evidence: list[str] = field(default_factory=list)
    flags: list[str] = field(default_factory=list)
    flagged_posts: dict[str, list[str]] = field(default_factory=dict)


def _account_key(post: Post) -> str:
    a = post.account
    name = a.handle or a.display_name or post.author.name or "(unknown account)"
    # one person's X and LinkedIn accounts may share a name; they are separate accounts
    return name if post.platform == "other" else f"{post.platform}:{name}"


def _detectors() -> list[object]:
    try:
        from onrecord.detectors import default_detectors

        return list(default_detectors())
    except ModuleNotFoundError as e:  # a detector module not built yet: cues in capacity still apply
        if e.name and e.name.startswith("onrecord.detectors"):
            return []
        raise


@dataclass
class _Account:
    """What an account summary needs of its posts: the first post's account, and per post only its judgement."""

    handle: str
    display_name: str
    refs: list[str] = field(default_factory=list)
    kinds: list[str] = field(default_factory=list)
    labels: list[str] = field(default_factory=list)
    scores: list[tuple[float, ...]] = field(default_factory=list)  # in CAPACITIES order


BATCH = 1000  # posts judged at a time: only their judgements are kept, not the posts or their signals


def summarise(
    posts: Iterable[tuple[int | str, Post]],
    official_threshold: float = 0.8,
    political_threshold: float = 0.9,
) -> list[AccountSummary]:
    """Group posts by account, judge each on its text (and cues), and raise account-level flags.

    Streams: ``posts`` is read ``BATCH`` at a time, so memory grows with a few numbers per post.
    """
    dets = _detectors()
    groups: dict[str, _Account] = {}
    it = iter(posts)
    while batch := list(islice(it, BATCH)):
        plain = [p for _, p in batch]
        sigs: list[Signals | None] = [run_detectors(p, dets) if dets else None for p in plain]  # type: ignore[arg-type]
        # What the text says, whatever the account kind: that is what the flags are about.
        for (line, post), res in zip(batch, assess_many(plain, sigs, use_context=False, explain=False), strict=True):
            key = _account_key(post)
            g = groups.get(key)
            if g is None:
                g = groups[key] = _Account(post.account.handle, post.account.display_name)
            g.refs.append(post.id or (line if isinstance(line, str) else f"line {line}"))
            g.kinds.append(post.account.kind)
            g.labels.append(res.label)
            g.scores.append(tuple(res.scores[c] for c in CAPACITIES))
    return [_summary(name, groups[name], official_threshold, political_threshold) for name in sorted(groups)]


def _summary(name: str, g: _Account, official_threshold: float, political_threshold: float) -> AccountSummary:
    kind = Counter(g.kinds).most_common(1)[0][0]
    labels = Counter(g.labels)
    n = len(g.refs)
    col = {c: [sc[i] for sc in g.scores] for i, c in enumerate(CAPACITIES)}
    mix: dict[str, float] = {c: round(labels.get(c, 0) / n, 3) for c in CAPACITIES}
    conf: dict[str, float] = {c: round(sum(col[c]) / n, 3) for c in CAPACITIES}
    # Office vs campaign reading: the rule measured in bench/capacity.py, shipped as data; the handle and
    # display name are an input only when the account kind is unknown (as in assess()).
    reads_as, p_campaign, evidence = account_reading(
        col["political"], col["official"], *((g.handle, g.display_name) if kind == "unknown" else ("", ""))
    )
    s = AccountSummary(name, kind, n, mix, conf, reads_as, round(p_campaign, 3), list(evidence))
    mostly = max(CAPACITIES, key=lambda c: (mix[c], conf[c]))
    official = [r for r, lab, p in zip(g.refs, g.labels, col["official"], strict=True)
                if lab == "official" and p >= official_threshold]
    if official and (kind == "personal" or (kind == "unknown" and mostly != "official")):
        s.flags.append(FLAG_PERSONAL_OFFICIAL)
        s.flagged_posts[FLAG_PERSONAL_OFFICIAL] = official
    political = [r for r, p in zip(g.refs, col["political"], strict=True) if p >= political_threshold]
    if political and (kind == "official" or (kind == "unknown" and mostly == "official")):
        s.flags.append(FLAG_POLITICAL_ON_OFFICIAL)
        s.flagged_posts[FLAG_POLITICAL_ON_OFFICIAL] = political
    return s


def read_posts(stream: IO[bytes], err: IO[str], bad: list[int]) -> Iterator[tuple[int, Post]]:
    """Decode JSONL posts, streaming; bad lines (not JSON, not UTF-8, not a post) are reported with their number,
    counted in ``bad[0]`` and skipped."""
    for n, raw in enumerate(stream, start=1):
        if n == 1 and archive_kind(raw[:512]):
            raise click.UsageError("stdin holds a ZIP or compressed archive: give a platform export as a file or folder "
                                   "('onrecord capacity x-archive.zip'); stdin is read as JSONL posts")
        try:
            line = raw.decode("utf-8-sig" if n == 1 else "utf-8")
        except UnicodeDecodeError as e:
            bad[0] += 1
            err.write(f"line {n}: skipped: not UTF-8 text (byte {e.start + 1})\n")
            continue
        if not line.strip():
            continue
        try:
            post, warnings = decode_post(line)
        except PostDecodeError as e:
            bad[0] += 1
            where = f" at {e.field}" if e.field else ""
            err.write(f"line {n}: skipped: {e.message}{where}\n")
            continue
        for w in warnings:  # e.g. an unknown field: a typo'd "acount" would silently lose the account kind
            err.write(f"warning: line {n}: {w}\n")
        yield n, post


def read_inputs(paths: tuple[str, ...], err: IO[str], bad: list[int], stdin: IO[bytes]) -> Iterator[tuple[int | str, Post]]:
    """Posts from each path in turn: '-' is JSONL on stdin (streamed); a file or folder is read by the importers
    (JSONL, CSV, X, Mastodon, Bluesky, Meta, LinkedIn exports). Rejected records and importer warnings go to
    ``err`` with their file and place; rejects are counted in ``bad[0]``."""
    for path in paths:
        if path == "-":
            yield from read_posts(stdin, err, bad)
            continue
        try:
            job = open_input(path)
        except UnusableInput as e:
            raise click.UsageError(str(e)) from None  # the message names the path
        for n, item in enumerate(job.items(), start=1):
            if isinstance(item, RejectedRecord):
                bad[0] += 1
                err.write(f"{item.source}: {item.location}: skipped: {item.reason}\n")
                continue
            for note in job.take_warnings():
                err.write(f"warning: {note}\n")
            # a post without an id is named by its place: "record 3" (of this input), not a line (a record may span lines)
            yield (f"record {n}" if len(paths) == 1 else f"{path} record {n}"), item


def _render_text(summaries: list[AccountSummary]) -> str:
    lines = []
    for s in summaries:
        mix = ", ".join(f"{c} {s.mix[c]:.0%}" for c in CAPACITIES if s.mix[c] > 0)
        conf = ", ".join(f"{c} {s.confidence[c]:.2f}" for c in CAPACITIES)
        lines.append(
            f"{s.account} [{s.kind}] {s.posts} post(s): {mix};"
            f" office vs campaign reading: {s.reads_as} (P(campaign) {s.campaign_probability:.2f})"
        )
        lines.append(f"  mean probability: {conf}")
        if s.reading_evidence:
            lines.append(f"  the name also counts: {'; '.join(s.reading_evidence)}")
        for f in s.flags:
            refs = s.flagged_posts.get(f, [])
            shown = ", ".join(refs[:10]) + (f" (+{len(refs) - 10} more)" if len(refs) > 10 else "")
            lines.append(f"  FLAG {f}: {shown}")
            if f == FLAG_PERSONAL_OFFICIAL:
                lines.append("    these posts are official and must be archived as public records")
    flagged = sum(1 for s in summaries if s.flags)
    lines.append(f"{len(summaries)} account(s), {flagged} flagged")
    return "\n".join(lines)


@click.command("capacity")
@click.argument("inputs", nargs=-1, type=click.Path(exists=True, allow_dash=True))
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.option(
    "--accounts",
    "accounts_path",
    type=click.Path(dir_okay=False, exists=True),
    help="CSV or JSON: handle → kind and the rest ('onrecord accounts export' writes one); fills what the posts "
    "leave unset, as in 'onrecord audit'.",
)
@click.option(
    "--official-threshold",
    type=click.FloatRange(0, 1),
    default=0.8,
    show_default=True,
    help="P(official) from which a post on a personal account is flagged.",
)
@click.option(
    "--political-threshold",
    type=click.FloatRange(0, 1),
    default=0.9,
    show_default=True,
    help="P(political) from which a post on an official account is flagged.",
)
def command(inputs: tuple[str, ...], fmt: str, accounts_path: str | None, official_threshold: float,
            political_threshold: float) -> None:
    """Summarise the capacity mix of each account in INPUTS and flag misuse.

    INPUTS: JSONL posts ('-' or nothing: stdin) or platform exports as 'onrecord audit' reads them (X, Mastodon,
    Bluesky, Facebook/Instagram, LinkedIn; ZIP, tar.gz or folder), any number."""
    accounts = None
    if accounts_path:
        try:
            accounts = load_accounts(accounts_path)
        except AccountsError as e:
            raise click.UsageError(str(e)) from None
    bad = [0]
    posts = read_inputs(inputs or ("-",), sys.stderr, bad, sys.stdin.buffer)
    if accounts is not None:
        known = accounts
        posts = ((n, known.apply(p)) for n, p in posts)
    summaries = summarise(posts, official_threshold, political_threshold)
    if not summaries:
        click.echo("no readable posts" + (f" ({bad[0]} bad record(s))" if bad[0] else ""), err=True)
        sys.exit(2)
    if fmt == "json":
        click.echo(msgspec.json.encode([s.__dict__ for s in summaries]).decode())
    else:
        click.echo(_render_text(summaries))
    sys.exit(1 if any(s.flags for s in summaries) else 0)
