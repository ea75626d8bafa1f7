"""LinkedIn data export (ZIP of CSVs): ``Shares.csv``, ``Comments.csv`` and ``Profile.csv``.

Headers differ between exports (``ShareCommentary`` / ``Share Commentary`` / ``Commentary``), so
columns are matched by normalised name. Quoted fields span lines; ``Comments.csv`` escapes quotes
with a backslash.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from onrecord.importers.base import READ_ERRORS, Item, RejectedRecord, excerpt
from onrecord.importers.generic import csv_rows, parse_time
from onrecord.importers.sniff import Plan
from onrecord.model.post import Account, Audience, Circumstances, Post

_AUDIENCE: dict[str, Audience] = {
    "anyone": "public",
    "public": "public",
    "membernetwork": "all_followers",
    "connections": "all_followers",
    "connectionsonly": "all_followers",
    "logged_in_members": "public",
    "loggedinmembers": "public",
    "container": "selected_group",
}


def _norm(h: str) -> str:
    return re.sub(r"[^a-z0-9]", "", h.lower())


def _pick(row: dict[str, str], *names: str) -> str:
    by = {_norm(k): v for k, v in row.items()}
    for n in names:
        if n in by and by[n] is not None:
            return by[n].strip()
    return ""


def _unquote(s: str) -> str:
    # Some exports wrap the commentary in an extra layer of quotes.
    if len(s) >= 2 and s[0] == s[-1] == '"':
        s = s[1:-1]
    return s.replace('""', '"').replace("\r\n", "\n")


def _account(plan: Plan) -> Account:
    for m in plan.of("linkedin:profile"):
        try:
            with plan.container.open(m) as f:
                for r in csv_rows(f, plan.container.label(m)):
                    if isinstance(r, RejectedRecord):
                        continue
                    row = r[1]
                    name = " ".join(x for x in (_pick(row, "firstname"), _pick(row, "lastname")) if x)
                    bio = "\n".join(x for x in (_pick(row, "headline"), _pick(row, "summary")) if x)
                    handle = _pick(row, "publicprofileurl", "profileurl", "vanityname", "websites")
                    location = _pick(row, "geolocation", "location")
                    return Account(handle=handle or name, display_name=name, bio=bio, location=location)
        except READ_ERRORS:
            continue
    return Account()


def _share(row: dict[str, str], line: int, account: Account) -> Post:
    raw_date = _pick(row, "date", "sharedate", "createdat")
    at = parse_time(raw_date) if raw_date else None
    if raw_date and at is None:
        raise ValueError(f"unreadable Date {raw_date!r}")
    text = _unquote(_pick(row, "sharecommentary", "commentary", "text"))
    link = _pick(row, "sharelink", "link", "url") or None
    shared = _pick(row, "sharedurl", "sharedlink") or None
    media = _pick(row, "mediaurl", "mediaurls")
    vis = _AUDIENCE.get(_norm(_pick(row, "visibility")))
    if not text and not shared and not media:
        raise ValueError("the row has no commentary, shared URL or media")
    return Post(
        id=link or f"share-line-{line}",
        text=text,
        action="share" if shared and not text else "post",
        links=[u for u in (shared, media) if u],
        platform="linkedin",
        account=account,
        circumstances=Circumstances(posted_at=at, audience=vis),
        shared_url=shared,
        url=link,
    )


def _comment(row: dict[str, str], line: int, account: Account) -> Post:
    raw_date = _pick(row, "date", "createdat")
    at = parse_time(raw_date) if raw_date else None
    if raw_date and at is None:
        raise ValueError(f"unreadable Date {raw_date!r}")
    text = _pick(row, "message", "comment", "text")
    if not text:
        raise ValueError("the comment has no Message")
    link = _pick(row, "link", "url") or None
    return Post(
        id=f"comment-{at or ''}-{line}",
        text=text,
        action="reply",
        platform="linkedin",
        account=account,
        circumstances=Circumstances(posted_at=at),
        in_reply_to=link,
    )


def read(plan: Plan) -> Iterator[Item]:
    """Every share and comment, with the profile as the account."""
    account = _account(plan)
    for m in plan.of("linkedin:shares", "linkedin:comments"):
        src = plan.container.label(m)
        conv = _share if plan.kinds[m] == "linkedin:shares" else _comment
        with plan.container.open(m) as f:
            for r in csv_rows(f, src):
                if isinstance(r, RejectedRecord):
                    yield r
                    continue
                line, row = r
                try:
                    yield conv(row, line, account)
                except ValueError as e:
                    yield RejectedRecord(source=src, location=f"line {line}", reason=str(e), raw=excerpt(row))
