"""``onrecord capacity``: summarise accounts from a JSONL of posts and flag capacity problems.

Flags (exit 1 when any is raised):
  * personal account used in official capacity: posts judged official on a personal account (or an
    account of unknown kind whose posts are mostly not official) — those posts are public records;
  * campaign/political content on an official account: posts whose text reads as political with high
    confidence on an account registered as official (or mostly official).
"""

from __future__ import annotations

import sys
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import IO

import click
import msgspec

from onrecord.capacity.account import account_reading
from onrecord.capacity.assess import assess_many
from onrecord.detectors.base import Signals, run_detectors
from onrecord.importers.container import archive_kind
from onrecord.model.decode import PostDecodeError, decode_post
from onrecord.model.finding import CAPACITIES, CapacityResult
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
    return a.handle or a.display_name or post.author.name or "(unknown account)"


def _detectors() -> list[object]:
    try:
        from onrecord.detectors import default_detectors

        return list(default_detectors())
    except ModuleNotFoundError as e:  # a detector module not built yet: cues in capacity still apply
        if e.name and e.name.startswith("onrecord.detectors"):
            return []
        raise


def summarise(
    posts: list[tuple[int, Post]],
    official_threshold: float = 0.8,
    political_threshold: float = 0.9,
) -> list[AccountSummary]:
    """Group posts by account, judge each on its text (and cues), and raise account-level flags."""
    dets = _detectors()
    sigs: list[Signals | None] = [run_detectors(p, dets) if dets else None for _, p in posts]  # type: ignore[arg-type]
    plain = [p for _, p in posts]
    # What the text says, whatever the account kind: that is what the flags are about.
    text_view = assess_many(plain, sigs, use_context=False, explain=False)
    groups: dict[str, list[tuple[int, Post, CapacityResult]]] = defaultdict(list)
    for (line, post), res in zip(posts, text_view, strict=True):
        groups[_account_key(post)].append((line, post, res))
    out: list[AccountSummary] = []
    for name in sorted(groups):
        items = groups[name]
        kinds = Counter(p.account.kind for _, p, _ in items)
        kind = kinds.most_common(1)[0][0]
        labels = Counter(r.label for _, _, r in items)
        n = len(items)
        mix: dict[str, float] = {c: round(labels.get(c, 0) / n, 3) for c in CAPACITIES}
        conf: dict[str, float] = {c: round(sum(r.scores[c] for _, _, r in items) / n, 3) for c in CAPACITIES}
        # Office vs campaign reading: the rule measured in bench/capacity.py, shipped as data; the handle and
        # display name are an input only when the account kind is unknown (as in assess()).
        acct = items[0][1].account
        reads_as, p_campaign, evidence = account_reading(
            [r.scores["political"] for _, _, r in items],
            [r.scores["official"] for _, _, r in items],
            *((acct.handle, acct.display_name) if kind == "unknown" else ("", "")),
        )
        s = AccountSummary(name, kind, n, mix, conf, reads_as, round(p_campaign, 3), list(evidence))
        mostly = max(CAPACITIES, key=lambda c: (mix[c], conf[c]))

        def ref(line: int, post: Post) -> str:
            return post.id or f"line {line}"

        official = [ref(ln, p) for ln, p, r in items if r.label == "official" and r.scores["official"] >= official_threshold]
        if official and (kind == "personal" or (kind == "unknown" and mostly != "official")):
            s.flags.append(FLAG_PERSONAL_OFFICIAL)
            s.flagged_posts[FLAG_PERSONAL_OFFICIAL] = official
        political = [ref(ln, p) for ln, p, r in items if r.scores["political"] >= political_threshold]
        if political and (kind == "official" or (kind == "unknown" and mostly == "official")):
            s.flags.append(FLAG_POLITICAL_ON_OFFICIAL)
            s.flagged_posts[FLAG_POLITICAL_ON_OFFICIAL] = political
        out.append(s)
    return out


def read_posts(stream: IO[bytes], err: IO[str]) -> tuple[list[tuple[int, Post]], int]:
    """Decode JSONL posts; bad lines (not JSON, not UTF-8, not a post) are reported with their number and skipped."""
    posts: list[tuple[int, Post]] = []
    bad = 0
    for n, raw in enumerate(stream, start=1):
        if n == 1 and archive_kind(raw[:512]):
            raise click.UsageError("this is a ZIP or compressed archive: 'onrecord capacity' reads JSONL posts; audit a "
                                   "platform export with 'onrecord audit' (its results.jsonl give each post's capacity)")
        try:
            line = raw.decode("utf-8-sig" if n == 1 else "utf-8")
        except UnicodeDecodeError as e:
            bad += 1
            err.write(f"line {n}: skipped: not UTF-8 text (byte {e.start + 1})\n")
            continue
        if not line.strip():
            continue
        try:
            post, _warnings = decode_post(line)
        except PostDecodeError as e:
            bad += 1
            where = f" at {e.field}" if e.field else ""
            err.write(f"line {n}: skipped: {e.message}{where}\n")
            continue
        posts.append((n, post))
    return posts, bad


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
@click.argument("posts_file", type=click.File("rb"), default="-")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
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
def command(posts_file: IO[bytes], fmt: str, official_threshold: float, political_threshold: float) -> None:
    """Summarise the capacity mix of each account in POSTS_FILE (JSONL, '-' for stdin) and flag misuse."""
    posts, bad = read_posts(posts_file, sys.stderr)
    if not posts:
        click.echo("no readable posts" + (f" ({bad} bad line(s))" if bad else ""), err=True)
        sys.exit(2)
    summaries = summarise(posts, official_threshold, political_threshold)
    if fmt == "json":
        click.echo(msgspec.json.encode([s.__dict__ for s in summaries]).decode())
    else:
        click.echo(_render_text(summaries))
    sys.exit(1 if any(s.flags for s in summaries) else 0)
