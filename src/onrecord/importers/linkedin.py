"""LinkedIn data export (ZIP of CSVs): ``Shares.csv``, ``Comments.csv`` and ``Profile.csv``.

Headers differ between exports (``ShareCommentary`` / ``Share Commentary`` / ``Commentary``), so
columns are matched by normalised name. Quoted fields span lines; ``Comments.csv`` escapes quotes
with a backslash.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from onrecord.importers.base import READ_ERRORS, Item, RecordWarnings, RejectedRecord, excerpt
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


def _column(row: dict[str, str], *names: str) -> str | None:
    """The row's column for the first of ``names`` (normalised) that it has, as the header spells it."""
    by = {_norm(k): k for k in row}
    return next((by[n] for n in names if n in by and row[by[n]] is not None), None)


def _pick(row: dict[str, str], *names: str) -> str:
    col = _column(row, *names)
    return row[col].strip() if col is not None else ""


def _date(row: dict[str, str], said: RecordWarnings, *names: str) -> str | None:
    """The row's date as ISO 8601; one that cannot be read is a warning, in the CSV reader's words."""
    col = _column(row, *names)
    return said.time(row[col].strip(), parse_time, "date", f" in column {col!r}") if col is not None else None


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


def _share(row: dict[str, str], line: int, account: Account, said: RecordWarnings) -> Post:
    at = _date(row, said, "date", "sharedate", "createdat")
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


def _comment(row: dict[str, str], line: int, account: Account, said: RecordWarnings) -> Post:
    at = _date(row, said, "date", "createdat")
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
    said = RecordWarnings(plan)
    for m in plan.of("linkedin:shares", "linkedin:comments"):
        src = plan.container.label(m)
        conv = _share if plan.kinds[m] == "linkedin:shares" else _comment
        with plan.container.open(m) as f:
            for r in csv_rows(f, src):
                if isinstance(r, RejectedRecord):
                    yield r
                    continue
                line, row = r
                said.clear()
                try:
                    post = conv(row, line, account, said)
                except ValueError as e:
                    yield RejectedRecord(source=src, location=f"line {line}", reason=str(e), raw=excerpt(row))
                    continue
                said.hand_over(f"{src} line {line}")
                yield post
