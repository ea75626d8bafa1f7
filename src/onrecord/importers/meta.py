"""Facebook, Instagram and Threads "Download your information" JSON, with the mojibake repaired.

Meta writes each UTF-8 byte as a ``\\u00XX`` code point; every string is repaired with
``s.encode('latin-1').decode('utf-8')`` when (and only when) it is such mojibake.
Instagram and Threads records carry no post id: one is derived from the media file name, else
from the timestamp and a hash of the text (stable across runs).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from functools import partial
from typing import Any

from onrecord.importers.base import (
    LOAD_ERRORS,
    READ_ERRORS,
    Item,
    RecordWarnings,
    RejectedRecord,
    fix_deep,
    from_unix,
    iter_json_array,
    iter_json_key,
    records_from,
    text_stream,
)
from onrecord.importers.sniff import Plan
from onrecord.model.post import Account, Circumstances, Platform, Post


def _load(plan: Plan, member: str) -> Any:
    try:
        with plan.container.open(member) as f:
            return fix_deep(json.load(text_stream(f)))
    except LOAD_ERRORS:
        return None


def _sv(d: Any, key: str) -> str:
    """Instagram's ``string_map_data`` value."""
    v = (d or {}).get(key) if isinstance(d, dict) else None
    return str(v.get("value") or "") if isinstance(v, dict) else ""


def _account(plan: Plan) -> Account:
    for m in plan.of("meta:fb_profile"):
        data = _load(plan, m)
        prof = (data or {}).get("profile_v2") if isinstance(data, dict) else None
        if isinstance(prof, dict):
            name = (prof.get("name") or {}).get("full_name") or ""
            handle = prof.get("username") or prof.get("profile_uri") or name
            bio = prof.get("intro_bio") or (prof.get("about_me") if isinstance(prof.get("about_me"), str) else "")
            return Account(handle=str(handle), display_name=str(name), bio=str(bio or ""))
    for m in plan.of("meta:ig_profile"):
        data = _load(plan, m)
        users = (data or {}).get("profile_user") if isinstance(data, dict) else None
        if isinstance(users, list) and users:
            smd = users[0].get("string_map_data") or {}
            user = _sv(smd, "Username")
            return Account(handle=f"@{user}" if user else "", display_name=_sv(smd, "Name"), bio=_sv(smd, "Bio"))
    return Account()


def _fb_text_links(rec: dict[str, Any], key: str) -> tuple[str, list[str], list[str]]:
    texts, links, media = [], [], []
    for d in rec.get("data") or []:
        if isinstance(d, dict):
            if isinstance(d.get(key), str):
                texts.append(d[key])
            elif isinstance(d.get(key), dict) and isinstance(d[key].get(key), str):
                texts.append(d[key][key])  # comments: {"comment": {"comment": "..."}}
    for a in rec.get("attachments") or []:
        for d in (a or {}).get("data") or []:
            if not isinstance(d, dict):
                continue
            ext = d.get("external_context")
            if isinstance(ext, dict) and ext.get("url"):
                links.append(str(ext["url"]))
            med = d.get("media")
            if isinstance(med, dict) and med.get("uri"):
                media.append(str(med["uri"]))
    return "\n".join(texts), links, media


def _fb_post(raw: Any, account: Account, n: int, said: RecordWarnings) -> Post:
    rec = fix_deep(raw)
    if not isinstance(rec, dict):
        raise ValueError("post record is not a JSON object")
    # No timestamp, or one that is no Unix time: the post is kept without a time (with a warning for the second).
    at = said.time(rec.get("timestamp"), from_unix, "timestamp")
    text, links, media = _fb_text_links(rec, "post")
    if not text and not links and not media and not rec.get("title"):
        raise ValueError("post record has no text, link, media or title")
    shared = links[0] if links and not text else None
    return Post(
        id=f"fb-{rec.get('timestamp')}-{n}",
        text=text,
        action="share" if shared else "post",
        links=links,
        platform="facebook",
        account=account,
        circumstances=Circumstances(posted_at=at),
        shared_url=shared,
    )


def _fb_comment(raw: Any, account: Account, n: int, said: RecordWarnings) -> Post:
    rec = fix_deep(raw)
    if not isinstance(rec, dict):
        raise ValueError("comment record is not a JSON object")
    at = said.time(rec.get("timestamp"), from_unix, "timestamp")
    text, links, _media = _fb_text_links(rec, "comment")
    if not text:
        raise ValueError("comment record has no comment text")
    return Post(
        id=f"fbc-{rec.get('timestamp')}-{n}",
        text=text,
        action="reply",
        links=links,
        platform="facebook",
        account=account,
        circumstances=Circumstances(posted_at=at, facts=[str(rec["title"])] if rec.get("title") else []),
    )


def _media_post(raw: Any, account: Account, platform: Platform, said: RecordWarnings) -> Post:
    rec = fix_deep(raw)
    if not isinstance(rec, dict):
        raise ValueError("record is not a JSON object")
    media = [m for m in rec.get("media") or [] if isinstance(m, dict)]
    text = rec.get("title") or (media[0].get("title") if media else "") or ""
    ts = rec.get("creation_timestamp") or (media[0].get("creation_timestamp") if media else None)
    at = said.time(ts, from_unix, "creation_timestamp")
    uri = next((str(m["uri"]) for m in media if m.get("uri")), "")
    stem = uri.rsplit("/", 1)[-1].rsplit(".", 1)[0] if uri else ""
    if not stem:
        stem = f"{ts}-{hashlib.sha1(str(text).encode()).hexdigest()[:10]}"
    if not text and not uri:
        raise ValueError("record has neither text nor media")
    return Post(
        id=f"{platform}-{stem}",
        text=str(text),
        platform=platform,
        account=account,
        circumstances=Circumstances(posted_at=at),
    )


def read(plan: Plan) -> Iterator[Item]:
    """Facebook posts and comments, Instagram posts, Threads posts."""
    account = _account(plan)
    said = RecordWarnings(plan)
    for m in plan.of("meta:fb_posts", "meta:fb_comments", "meta:ig_posts", "meta:threads"):
        kind = plan.kinds[m]
        src = plan.container.label(m)
        try:
            stream = text_stream(plan.container.open(m))
        except READ_ERRORS as e:
            yield RejectedRecord(source=src, location="(file)", reason=f"cannot read: {e}")
            continue
        if kind == "meta:fb_posts":
            yield from records_from(iter_json_array(stream), src, lambda i: f"[{i}]", _counted(_fb_post, account, said),
                                    said)
        elif kind == "meta:fb_comments":
            key = "comments_v2" if '"comments_v2"' in plan.container.head(m).decode("utf-8", "ignore") else "comments"
            items = iter_json_key(stream, key)
            yield from records_from(items, src, partial(_at, key), _counted(_fb_comment, account, said), said)
        elif kind == "meta:ig_posts":
            yield from records_from(
                iter_json_array(stream), src, lambda i: f"[{i}]", lambda r: _media_post(r, account, "instagram", said),
                said,
            )
        else:
            items = iter_json_key(stream, "text_post_app_text_posts")
            yield from records_from(
                items, src, lambda i: f"text_post_app_text_posts[{i}]",
                lambda r: _media_post(r, account, "threads", said), said,
            )


def _at(key: str, i: int) -> str:
    return f"{key}[{i}]"


def _counted(fn: Any, account: Account, said: RecordWarnings) -> Any:
    """Give each record its position, so two posts in the same second keep distinct ids."""
    counter = iter(range(1 << 62))
    return lambda raw: fn(raw, account, next(counter), said)
