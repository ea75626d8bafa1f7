"""The audit report: per-account statistics gathered while results stream, rendered as one HTML file.

:class:`AuditReport` keeps counts only (per account, month, topic, clause, capacity) plus a bounded
list of the posts that most need attention, so memory does not grow with the number of posts.
The HTML is self-contained: inline CSS and inline SVG, no scripts, no external requests.
"""

from __future__ import annotations

import heapq
import html
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from onrecord.model.finding import CAPACITIES, SEVERITY_RANK, Result
from onrecord.model.post import Post

NO_TOPIC = "(no finding)"
NO_DATE = "no date"  # the timeline's bucket for posts without a posted_at, or with one that is no ISO 8601 time
BOOKKEEPING = frozenset({"public_record"})


@dataclass
class Engagement:
    """Engagement totals of a group of posts, from the export's own metrics."""

    posts: int = 0
    with_metrics: int = 0
    likes: int = 0
    shares: int = 0
    replies: int = 0

    def add(self, post: Post) -> None:
        self.posts += 1
        m = post.metrics
        if m is None or (m.likes is None and m.shares is None and m.replies is None):
            return
        self.with_metrics += 1
        self.likes += m.likes or 0
        self.shares += m.shares or 0
        self.replies += m.replies or 0

    @property
    def per_post(self) -> float:
        return (self.likes + self.shares + self.replies) / self.with_metrics if self.with_metrics else 0.0


def instant(value: str) -> datetime | None:
    """An ISO 8601 time (``Z`` or an offset; a naive one is taken as UTC) as an aware datetime, else None."""
    try:
        dt = datetime.fromisoformat(value.strip())
    except ValueError:
        return None
    dt = dt if dt.tzinfo else dt.replace(tzinfo=UTC)
    try:
        return dt.astimezone(UTC)  # 9999-12-31T23:59-01:00 is past the last UTC datetime
    except OverflowError:
        return None


@dataclass
class AccountStats:
    """Everything the report says about one account."""

    platform: str
    handle: str
    display_name: str = ""
    kind: str = "unknown"
    posts: int = 0
    actions: Counter[str] = field(default_factory=Counter)
    deleted: int = 0
    capacity: Counter[str] = field(default_factory=Counter)
    breach_posts: int = 0
    warning_posts: int = 0
    review: int = 0
    archive: int = 0
    topics: Counter[str] = field(default_factory=Counter)
    clauses: Counter[str] = field(default_factory=Counter)
    months: dict[str, list[int]] = field(default_factory=lambda: defaultdict(lambda: [0, 0, 0]))
    engagement: dict[tuple[str, str], Engagement] = field(default_factory=lambda: defaultdict(Engagement))
    first: str | None = None  # posted_at as the post gives it, of the earliest and latest post (by instant)
    last: str | None = None
    first_at: datetime | None = None
    last_at: datetime | None = None

    def saw(self, posted_at: str, at: datetime | None = None) -> None:
        """Keep ``posted_at`` as first or last post if it is earlier or later than those, as instants.

        Strings do not order across offsets (``2024-01-01T10:00:00+13:00`` is before ``2023-12-31T22:00:00Z``);
        a value that is no ISO 8601 time is no instant and is left out. ``at``: its instant, when already known."""
        at = at or instant(posted_at)
        if at is None:
            return
        if self.first_at is None or at < self.first_at:
            self.first, self.first_at = posted_at, at
        if self.last_at is None or at > self.last_at:
            self.last, self.last_at = posted_at, at

    @property
    def official(self) -> bool:
        """An official account: registered as such, or (inferred) most posts in official capacity."""
        return self.kind == "official" or (self.posts > 0 and self.capacity["official"] * 2 > self.posts)


@dataclass(order=True)
class _Attention:
    rank: tuple[int, int, int]
    seq: int
    data: dict[str, Any] = field(compare=False)


class AuditReport:
    """Accumulates results as they stream; renders ``report.html`` and the summary rows."""

    def __init__(self, attention_limit: int = 300) -> None:
        self.accounts: dict[tuple[str, str], AccountStats] = {}
        self.clause_info: dict[str, tuple[str, str]] = {}
        self.attention: list[_Attention] = []  # min-heap of the most serious posts
        self.attention_limit = attention_limit
        self.attention_total = 0
        self.seq = 0

    def add(self, post: Post, result: Result) -> None:
        """Count one checked post."""
        self.seq += 1
        key = (post.platform, post.account.handle)
        st = self.accounts.get(key)
        if st is None:
            st = self.accounts[key] = AccountStats(platform=post.platform, handle=post.account.handle)
        st.display_name = st.display_name or post.account.display_name
        if post.account.kind != "unknown":
            st.kind = post.account.kind
        st.posts += 1
        st.actions[post.action] += 1
        st.deleted += post.deleted
        cap = result.capacity.label
        st.capacity[cap] += 1
        worst = max((SEVERITY_RANK[f.severity] for f in result.findings), default=-1)
        st.breach_posts += worst == 2
        st.warning_posts += worst == 1
        st.review += result.review_required
        st.archive += result.archive
        # "public_record" tags every official post; it says how to keep a post, not what it is about.
        topics = sorted({f.topic for f in result.findings if f.topic not in BOOKKEEPING}) or [NO_TOPIC]
        for f in result.findings:
            st.topics[f.topic] += 1
            for c in f.clauses:
                st.clauses[c.id] += 1
                self.clause_info.setdefault(c.id, (c.title, c.url))
        posted = post.circumstances.posted_at
        # The UTC month of the instant: posted_at[:7] put 2021-01-01T02:00+05:00 (31 December in UTC) in January.
        at = instant(posted) if posted else None
        row = st.months[f"{at.year:04d}-{at.month:02d}" if at else NO_DATE]
        row[0] += 1
        row[1] += worst == 1
        row[2] += worst == 2
        if at is not None and posted:
            st.saw(posted, at)
        for t in topics:
            st.engagement[(cap, t)].add(post)
        if worst >= 1:  # breaches and warnings; info findings (e.g. keep as a record) are in results.jsonl
            self.attention_total += 1
            item = _Attention((worst, len(result.findings), -self.seq), self.seq, {"post": post, "result": result})
            if len(self.attention) < self.attention_limit:
                heapq.heappush(self.attention, item)
            elif item > self.attention[0]:
                heapq.heapreplace(self.attention, item)

    # ------------------------------------------------------------------ summary.csv
    SUMMARY_COLUMNS = (
        "platform",
        "account",
        "display_name",
        "kind",
        "posts",
        "shares",
        "replies",
        "deleted",
        *(f"capacity_{c}" for c in CAPACITIES),
        "posts_with_breach",
        "posts_with_warning",
        "review_required",
        "archive",
        "findings",
        "top_topic",
        "first_post",
        "last_post",
    )
    # Free text from the export (or dates as the export wrote them): guarded against formula injection in the CSV.
    SUMMARY_TEXT_COLUMNS = ("platform", "account", "display_name", "kind", "top_topic", "first_post", "last_post")

    def summary_rows(self) -> list[dict[str, Any]]:
        """One row per account (sorted by platform, account)."""
        rows = []
        for (_p, _h), st in sorted(self.accounts.items()):
            top = st.topics.most_common(1)
            rows.append(
                {
                    "platform": st.platform,
                    "account": st.handle,
                    "display_name": st.display_name,
                    "kind": st.kind,
                    "posts": st.posts,
                    "shares": st.actions["share"],
                    "replies": st.actions["reply"],
                    "deleted": st.deleted,
                    **{f"capacity_{c}": st.capacity[c] for c in CAPACITIES},
                    "posts_with_breach": st.breach_posts,
                    "posts_with_warning": st.warning_posts,
                    "review_required": st.review,
                    "archive": st.archive,
                    "findings": sum(st.topics.values()),
                    "top_topic": top[0][0] if top else "",
                    "first_post": st.first or "",
                    "last_post": st.last or "",
                }
            )
        return rows

    # ------------------------------------------------------------------ HTML
    def render_html(self, meta: dict[str, Any]) -> str:
        """The whole report as one HTML document. ``meta``: title, inputs, counts, engine, started."""
        e = html.escape
        counts = meta.get("counts", {})
        parts = [
            "<!doctype html><html lang='en'><head><meta charset='utf-8'>",
            f"<title>{e(str(meta.get('title', 'onrecord audit')))}</title>",
            f"<style>{_CSS}</style></head><body>",
            f"<h1>{e(str(meta.get('title', 'onrecord audit')))}</h1>",
            "<p class='meta'>",
            " · ".join(
                f"{e(k)}: <b>{e(str(v))}</b>"
                for k, v in (
                    ("read", counts.get("read", 0)),
                    ("checked", counts.get("checked", 0)),
                    ("rejected", counts.get("rejected", 0)),
                    ("engine", meta.get("engine", "")),
                    ("generated", meta.get("generated", "")),
                )
            ),
            "</p>",
        ]
        if counts.get("rejected"):
            parts.append(
                f"<p class='warn'>{counts['rejected']} record(s) could not be checked; "
                "every one is listed with its reason in <code>rejects.jsonl</code>.</p>"
            )
        inputs = meta.get("inputs") or []
        if inputs:
            parts.append("<h2>Inputs</h2><table><tr><th>path</th><th>format</th></tr>")
            for path, fmt in inputs:
                parts.append(f"<tr><td>{e(path)}</td><td>{e(fmt)}</td></tr>")
            parts.append("</table>")
        parts.append("<h2>Accounts</h2>")
        parts.append(self._accounts_table())
        for (_p, _h), st in sorted(self.accounts.items()):
            parts.append(self._account_section(st))
        parts.append(self._attention_section())
        parts.append("<p class='meta'>Generated by onrecord. Self-contained: no scripts, no external resources.</p>")
        parts.append("</body></html>")
        return "".join(parts)

    def _accounts_table(self) -> str:
        e = html.escape
        out = [
            "<table><tr><th>platform</th><th>account</th><th>kind</th><th>posts</th><th>capacity mix</th>"
            "<th>breach</th><th>warning</th><th>review</th><th>archive</th></tr>"
        ]
        for (_p, _h), st in sorted(self.accounts.items()):
            out.append(
                f"<tr><td>{e(st.platform)}</td><td><a href='#{_anchor(st)}'>{e(st.handle or '(unknown)')}</a></td>"
                f"<td>{e(st.kind)}</td><td class='n'>{st.posts}</td><td>{_mix_bar(st)}</td>"
                f"<td class='n'>{st.breach_posts}</td><td class='n'>{st.warning_posts}</td>"
                f"<td class='n'>{st.review}</td><td class='n'>{st.archive}</td></tr>"
            )
        out.append("</table>")
        return "".join(out)

    def _account_section(self, st: AccountStats) -> str:
        e = html.escape
        name = f"{st.handle} ({st.display_name})" if st.display_name else st.handle
        out = [f"<section id='{_anchor(st)}'><h2>{e(st.platform)}: {e(name or '(unknown account)')}</h2>"]
        out.append(
            "<p>"
            + " · ".join(
                [f"{st.posts} posts", *(f"{n} {a}s" for a, n in sorted(st.actions.items()) if a != "post")]
                + ([f"{st.deleted} deleted"] if st.deleted else [])
                + ([f"{st.first_at:%Y-%m-%d} to {st.last_at:%Y-%m-%d} (UTC)"] if st.first_at and st.last_at else [])
            )
            + "</p>"
        )
        out.append("<h3>Capacity mix</h3>" + _mix_bar(st, wide=True) + _mix_legend(st))
        out.append("<h3>Timeline</h3>" + timeline_svg(st.months) + _TIMELINE_NOTE)
        if st.topics:
            out.append("<h3>Findings by topic</h3><table><tr><th>topic</th><th>findings</th></tr>")
            for t, n in st.topics.most_common():
                out.append(f"<tr><td>{e(t)}</td><td class='n'>{n}</td></tr>")
            out.append("</table><h3>Findings by clause</h3><table><tr><th>clause</th><th>title</th><th>findings</th></tr>")
            for cid, n in st.clauses.most_common():
                title, url = self.clause_info.get(cid, ("", ""))
                link = f"<a href='{e(url)}'>{e(cid)}</a>" if url.startswith(("http://", "https://")) else e(cid)
                out.append(f"<tr><td>{link}</td><td>{e(title)}</td><td class='n'>{n}</td></tr>")
            out.append("</table>")
        else:
            out.append("<p>No findings.</p>")
        if st.official:
            out.append(self._purpose_value(st))
        out.append("</section>")
        return "".join(out)

    def _purpose_value(self, st: AccountStats) -> str:
        e = html.escape
        why = "registered as official" if st.kind == "official" else "inferred: most posts are in official capacity"
        rows = sorted(st.engagement.items(), key=lambda kv: (-kv[1].posts, kv[0]))
        measured = sum(g.with_metrics for _k, g in rows)
        out = [
            f"<h3>Purpose and value ({e(why)})</h3>",
            "<p>What this official account spends its posts on, and what the public engages with, "
            "from the export's own metrics (likes, shares, replies). A post with several finding topics counts under each.</p>",
        ]
        if not measured:
            out.append("<p class='meta'>This export carries no engagement metrics.</p>")
        out.append(
            "<table><tr><th>capacity</th><th>topic</th><th>posts</th><th>with metrics</th><th>likes</th>"
            "<th>shares</th><th>replies</th><th>engagement per post</th></tr>"
        )
        for (cap, topic), g in rows:
            out.append(
                f"<tr><td>{e(cap)}</td><td>{e(topic)}</td><td class='n'>{g.posts}</td><td class='n'>{g.with_metrics}</td>"
                f"<td class='n'>{g.likes}</td><td class='n'>{g.shares}</td><td class='n'>{g.replies}</td>"
                f"<td class='n'>{g.per_post:.1f}</td></tr>"
            )
        out.append("</table>")
        return "".join(out)

    def _attention_section(self) -> str:
        e = html.escape
        items = sorted(self.attention, reverse=True)
        out = ["<h2>Posts that need attention</h2>"]
        if not items:
            return out[0] + "<p>None.</p>"
        if self.attention_total > len(items):
            out.append(
                f"<p class='meta'>The {len(items)} most serious of {self.attention_total}; "
                "all are in <code>results.jsonl</code>.</p>"
            )
        for it in items:
            post: Post = it.data["post"]
            res: Result = it.data["result"]
            worst = max((f.severity for f in res.findings), key=SEVERITY_RANK.__getitem__, default="info")
            link = f" <a href='{e(post.url)}'>link</a>" if post.url and post.url.startswith("https://") else ""
            out.append(
                f"<div class='post {e(worst)}'><div class='meta'>{e(post.platform)} · {e(post.account.handle)} · "
                f"{e(post.circumstances.posted_at or 'no date')} · {e(post.action)} · id {e(str(post.id))}"
                f" · capacity <b>{e(res.capacity.label)}</b> · code {e(res.code)}{link}"
                f"{' · <b>deleted</b>' if post.deleted else ''}</div>"
            )
            if post.comment:
                out.append(f"<p class='text'>{highlight(post.comment, res, 'comment')}</p>")
            out.append(f"<p class='text'>{highlight(post.text, res, 'text') or '<i>(no text)</i>'}</p>")
            if post.shared_url:
                out.append(f"<p class='meta'>shares {e(post.shared_url)}</p>")
            out.append("<ul>")
            for f in res.findings:
                clauses = ", ".join(e(c.id) for c in f.clauses)
                where = f" in {e(f.span.field)}" if f.span and f.span.field != "text" else ""
                out.append(
                    f"<li><span class='sev {e(f.severity)}'>{e(f.severity)}</span> <b>{e(f.check)}</b> "
                    f"{e(f.name)} ({e(f.topic)}){where}: {e(f.message)} <span class='meta'>[{clauses}]</span></li>"
                )
            out.append("</ul></div>")
        return "".join(out)


def _anchor(st: AccountStats) -> str:
    return "acct-" + "".join(c if c.isalnum() else "-" for c in f"{st.platform}-{st.handle}")


_CAP_COLOUR = {"official": "#2b6cb0", "professional": "#38a169", "private": "#a0aec0", "political": "#c53030"}


def _mix_bar(st: AccountStats, wide: bool = False) -> str:
    w, h = (480, 18) if wide else (160, 12)
    x = 0.0
    rects = []
    for c in CAPACITIES:
        n = st.capacity[c]
        if not n or not st.posts:
            continue
        cw = w * n / st.posts
        rects.append(
            f"<rect x='{x:.1f}' y='0' width='{cw:.1f}' height='{h}' fill='{_CAP_COLOUR[c]}'>"
            f"<title>{c}: {n} ({100 * n / st.posts:.0f}%)</title></rect>"
        )
        x += cw
    return f"<svg width='{w}' height='{h}' role='img' aria-label='capacity mix'>{''.join(rects)}</svg>"


def _mix_legend(st: AccountStats) -> str:
    items = []
    for c in CAPACITIES:
        n = st.capacity[c]
        pct = 100 * n / st.posts if st.posts else 0
        items.append(f"<span><i style='background:{_CAP_COLOUR[c]}'></i>{c} {n} ({pct:.0f}%)</span>")
    return f"<p class='legend'>{' '.join(items)}</p>"


_TIMELINE_NOTE = (
    "<p class='meta'>Months are in UTC: a post is counted in the UTC month of its time "
    "(2021-01-01T02:00:00+05:00 is 2020-12-31 in UTC); a time without an offset is taken as UTC. "
    f"<i>{NO_DATE}</i>: posts without a time, or with one that is no ISO 8601 time.</p>"
)


def timeline_svg(months: dict[str, list[int]], width: int = 720, height: int = 140) -> str:
    """Stacked bars per month (``YYYY-MM``, UTC) of clean / warning / breach posts, then the :data:`NO_DATE` bar.
    More than 60 months are shown per year."""
    undated = months.get(NO_DATE)
    data: dict[str, list[int]] = dict(sorted((k, v) for k, v in months.items() if k != NO_DATE))
    if not data and not undated:
        return "<p class='meta'>No dates in this export.</p>"
    if len(data) > 60:
        years: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
        for m, v in data.items():
            for i in range(3):
                years[m[:4]][i] += v[i]
        data = dict(sorted(years.items()))
    if undated:
        data[NO_DATE] = undated  # last, after the dates
    keys = list(data)
    top = max(v[0] for v in data.values()) or 1
    pad_l, pad_b = 36, 20
    bw = (width - pad_l) / len(keys)
    plot_h = height - pad_b - 4
    out = [f"<svg width='{width}' height='{height}' role='img' aria-label='posts per period'>"]
    out.append(f"<text x='0' y='12' class='ax'>{top}</text><text x='0' y='{plot_h + 4}' class='ax'>0</text>")
    for i, k in enumerate(keys):
        total, warn, breach = data[k]
        clean = total - warn - breach
        x = pad_l + i * bw
        y = 4.0 + plot_h
        for n, colour, label in ((clean, "#a0aec0", "no finding"), (warn, "#d69e2e", "warning"), (breach, "#c53030", "breach")):
            if not n:
                continue
            hgt = plot_h * n / top
            y -= hgt
            out.append(
                f"<rect x='{x + 1:.1f}' y='{y:.1f}' width='{max(bw - 2, 1):.1f}' height='{hgt:.1f}' fill='{colour}'>"
                f"<title>{k}: {n} {label}</title></rect>"
            )
        if len(keys) <= 24 or i % max(1, len(keys) // 12) == 0 or k == NO_DATE:
            out.append(f"<text x='{x + 1:.1f}' y='{height - 6}' class='ax'>{html.escape(k)}</text>")
    out.append("</svg>")
    if not any(k != NO_DATE for k in data):
        out.append("<p class='meta'>No dates in this export.</p>")
    return "".join(out)


def highlight(text: str, result: Result, field: str = "text") -> str:
    """HTML of ``text`` with the findings' spans in that field marked by severity (overlaps merged)."""
    spans = sorted(
        (f.span.start, f.span.end, SEVERITY_RANK[f.severity], f.severity, f.message)
        for f in result.findings
        if f.span is not None and f.span.field == field and 0 <= f.span.start < f.span.end <= len(text)
    )
    out, pos = [], 0
    for start, end, _rank, sev, msg in spans:
        if start < pos:
            continue  # overlapping span: the first one wins
        out.append(html.escape(text[pos:start]))
        out.append(f"<mark class='{sev}' title='{html.escape(msg)}'>{html.escape(text[start:end])}</mark>")
        pos = end
    out.append(html.escape(text[pos:]))
    return "".join(out)


_CSS = """
body{font:14px/1.45 system-ui,-apple-system,Segoe UI,Roboto,sans-serif;max-width:1000px;margin:2em auto;padding:0 1em;color:#1a202c}
h1{font-size:1.6em}h2{border-bottom:1px solid #e2e8f0;padding-bottom:.2em;margin-top:2em}h3{font-size:1.05em;margin-bottom:.3em}
table{border-collapse:collapse;margin:.5em 0}td,th{border:1px solid #e2e8f0;padding:3px 8px;text-align:left;vertical-align:top}
td.n{text-align:right;font-variant-numeric:tabular-nums}.meta{color:#4a5568;font-size:.9em}.warn{background:#fffbea;padding:.5em}
.legend span{margin-right:1em}.legend i{display:inline-block;width:10px;height:10px;margin-right:4px}
.post{border-left:4px solid #a0aec0;padding:.3em .8em;margin:1em 0;background:#f7fafc}.post.breach{border-color:#c53030}
.post.warning{border-color:#d69e2e}.text{white-space:pre-wrap}
mark.breach{background:#fed7d7;border-bottom:2px solid #c53030}mark.warning{background:#fefcbf;border-bottom:2px solid #d69e2e}
mark.info{background:#bee3f8}.sev{font-weight:bold;text-transform:uppercase;font-size:.8em}.sev.breach{color:#c53030}
.sev.warning{color:#b7791f}.sev.info{color:#2b6cb0}.ax{font-size:10px;fill:#4a5568}
"""
