"""X / Twitter archive: ``data/tweets.js`` and every ``tweets-partN.js``, deleted and note tweets.

Files are JavaScript (``window.YTD.tweets.part0 = [...]``); the wrapper is stripped, never evaluated.
Parts are ordered by the part number in the wrapper, and a gap in the numbers is reported, because a
missed part file silently drops thousands of tweets.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import datetime
from functools import partial
from typing import Any

from onrecord.importers.base import (
    LOAD_ERRORS,
    BrokenRecord,
    Item,
    RecordWarnings,
    RejectedRecord,
    excerpt,
    from_iso,
    iso_utc,
    iter_json_array,
    problem_words,
    records_from,
    strip_ytd,
    text_stream,
    to_int,
    unescape,
)
from onrecord.importers.sniff import Plan
from onrecord.model.post import Account, Circumstances, Metrics, Post
from onrecord.model.when import read_time

_Note = tuple[dict[str, Any], str]  # a note tweet and where it is
_RT = re.compile(r"^RT @(\w{1,15}): ")
_TCO = re.compile(r"\s*https://t\.co/\w+\s*$")


def _ytd(plan: Plan, member: str) -> tuple[str, int, Iterator[Any]]:
    f = plan.container.open(member)
    name, part, stream = strip_ytd(text_stream(f))
    return name, part, iter_json_array(stream)


def _first(plan: Plan, kind: str, key: str) -> dict[str, Any]:
    for m in plan.of(kind):
        try:
            _n, _p, items = _ytd(plan, m)
            for it in items:
                if isinstance(it, dict) and isinstance(it.get(key), dict):
                    return it[key]
        except LOAD_ERRORS:
            return {}
    return {}


def _account(plan: Plan) -> Account:
    acc = _first(plan, "x:account", "account")
    prof = _first(plan, "x:profile", "profile")
    desc = prof.get("description") or {}
    return Account(
        handle=f"@{acc['username']}" if acc.get("username") else "",
        display_name=str(acc.get("accountDisplayName") or ""),
        bio=unescape(str(desc.get("bio") or "")),
        location=unescape(str(desc.get("location") or "")),
    )


def _created(value: Any) -> str | None:
    """X's ``created_at`` ("Wed Oct 10 20:19:24 +0000 2018"), or ISO 8601; None when it is neither."""
    if not isinstance(value, str):
        return None
    try:
        return iso_utc(datetime.strptime(value, "%a %b %d %H:%M:%S %z %Y"))
    except ValueError:
        return from_iso(value)


class _Notes:
    """Long ("note") tweets: their full text replaces the truncated ``full_text`` of the tweet they belong to."""

    def __init__(self) -> None:
        # Notes by their time, each with where it is. "" holds those whose time is missing or cannot be read: no
        # tweet is matched to them, and each is a post of its own, with a warning (such a note was dropped, unsaid).
        self.by_time: dict[str, list[_Note]] = {}
        self.used: set[str] = set()

    def add(self, note: dict[str, Any], place: str) -> None:
        if isinstance((note.get("core") or {}).get("text"), str):
            at, _why = read_time(note.get("createdAt"), from_iso, "createdAt")
            self.by_time.setdefault(at or "", []).append((note, place))

    def match(self, at: str | None, text: str) -> str | None:
        if not at or at not in self.by_time:
            return None
        stem = _TCO.sub("", text).rstrip("…").strip()[:40]
        for note, _place in self.by_time[at]:
            full = unescape(note["core"]["text"])
            if full.startswith(stem) and note.get("noteTweetId") not in self.used:
                self.used.add(str(note.get("noteTweetId")))
                return full
        return None

    def unmatched(self) -> Iterator[_Note]:
        for notes in self.by_time.values():
            for n in notes:
                if str(n[0].get("noteTweetId")) not in self.used:
                    yield n


def _where(i: int) -> str:
    return f"[{i}]"


def _tweet(raw: Any, *, account: Account, notes: _Notes, deleted: bool, said: RecordWarnings) -> Post:
    t = raw.get("tweet") if isinstance(raw, dict) else None
    if not isinstance(t, dict):
        raise ValueError("record has no 'tweet' object")
    tid = t.get("id_str") or t.get("id")
    if not tid:
        raise ValueError("tweet has no id_str")
    text = t.get("full_text", t.get("text"))
    if not isinstance(text, str):
        raise ValueError("tweet has no full_text")
    text = unescape(text)
    at = said.time(t.get("created_at"), _created, "created_at")  # unreadable: the tweet is kept, with a warning
    full = notes.match(at, text)
    if full is not None:
        text = full
    ents = t.get("entities") or {}
    links = [u.get("expanded_url") or u.get("url") for u in ents.get("urls") or [] if isinstance(u, dict)]
    handle = account.handle.lstrip("@")
    action = "post"
    comment = ""
    reply_to = None
    m = _RT.match(text)
    if m:
        action = "share"
        text = text[m.end() :]
    elif t.get("in_reply_to_status_id_str"):
        action = "reply"
        who = t.get("in_reply_to_screen_name")
        sid = t["in_reply_to_status_id_str"]
        reply_to = f"https://x.com/{who}/status/{sid}" if who else str(sid)
    return Post(
        id=str(tid),
        text=text,
        action=action,  # type: ignore[arg-type]
        comment=comment,
        links=[str(x) for x in links if x],
        platform="x",
        account=account,
        circumstances=Circumstances(posted_at=at),
        in_reply_to=reply_to,
        url=f"https://x.com/{handle}/status/{tid}" if handle else f"https://x.com/i/web/status/{tid}",
        deleted=deleted or bool(t.get("deleted_at")),
        metrics=Metrics(likes=to_int(t.get("favorite_count")), shares=to_int(t.get("retweet_count"))),
    )


def _note_post(note: dict[str, Any], account: Account, at: str | None) -> Post:
    core = note.get("core") or {}
    links = [u.get("expandedUrl") or u.get("urlValue") for u in core.get("urls") or [] if isinstance(u, dict)]
    return Post(
        id=f"note-{note.get('noteTweetId')}",
        text=unescape(core["text"]),
        links=[str(x) for x in links if x],
        platform="x",
        account=account,
        circumstances=Circumstances(posted_at=at),
    )


def read(plan: Plan) -> Iterator[Item]:
    """Every tweet of the archive (all parts), deleted tweets, and note tweets no tweet claimed."""
    account = _account(plan)
    notes = _Notes()
    said = RecordWarnings(plan)
    for m in plan.of("x:note_tweet"):
        src = plan.container.label(m)
        try:
            _n, _p, items = _ytd(plan, m)
            for i, it in enumerate(items):
                if isinstance(it, dict) and isinstance(it.get("noteTweet"), dict):
                    notes.add(it["noteTweet"], f"{src} [{i}]")
                elif isinstance(it, BrokenRecord):
                    yield RejectedRecord(source=src, location=f"[{i}]", reason=f"note tweet unreadable: {it.error}",
                                         raw=excerpt(it.raw))
                else:
                    yield RejectedRecord(source=src, location=f"[{i}]", reason="record has no 'noteTweet' object")
        except LOAD_ERRORS as e:
            yield RejectedRecord(source=src, location="(file)", reason=f"note tweets unreadable: {problem_words(e)}")

    parts: list[tuple[int, str]] = []
    for m in plan.of("x:tweets"):
        try:
            _n, part, _it = _ytd(plan, m)
        except LOAD_ERRORS as e:
            yield RejectedRecord(source=plan.container.label(m), location="(file)", reason=problem_words(e))
            continue
        parts.append((part, m))
    parts.sort()
    numbers = [p for p, _ in parts]
    if numbers:
        missing = sorted(set(range(0, max(numbers) + 1)) - set(numbers))
        for p in missing:
            yield RejectedRecord(
                source=plan.path,
                location=f"window.YTD.tweets.part{p}",
                reason=f"tweets part {p} is missing from the archive (parts found: {numbers}); its tweets are lost",
            )
    files = [(m, False) for _p, m in parts] + [(m, True) for m in plan.of("x:deleted_tweets")]
    for m, deleted in files:
        src = plan.container.label(m)
        try:
            _n, _p, items = _ytd(plan, m)
        except LOAD_ERRORS as e:
            if deleted:
                yield RejectedRecord(source=src, location="(file)", reason=problem_words(e))
            continue  # a failing tweets part was reported above
        tweet = partial(_tweet, account=account, notes=notes, deleted=deleted, said=said)
        yield from records_from(items, src, _where, tweet, said)
    for note, place in notes.unmatched():
        said.clear()
        post = _note_post(note, account, said.time(note.get("createdAt"), from_iso, "createdAt"))
        said.hand_over(place)
        yield post
