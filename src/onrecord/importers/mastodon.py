"""Mastodon archive (tar.gz or ZIP): ``outbox.json`` ActivityStreams and ``actor.json``.

``Create`` of a ``Note`` is a post (a reply when it has ``inReplyTo``); ``Announce`` is a share of
the object URL (the archive holds only the URL, not the boosted text). Deleted posts are not in
the archive at all.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlparse

from onrecord.importers.base import (
    LOAD_ERRORS,
    READ_ERRORS,
    Item,
    RecordWarnings,
    RejectedRecord,
    from_iso,
    html_to_text,
    iter_json_key,
    records_from,
    text_stream,
)
from onrecord.importers.sniff import Plan
from onrecord.model.post import Account, Audience, Circumstances, Post

PUBLIC = {"https://www.w3.org/ns/activitystreams#Public", "as:Public", "Public"}
_A = re.compile(r"<a\s[^>]*>", re.I)
_HREF = re.compile(r'href="([^"]+)"')
_CLASS = re.compile(r'class="([^"]*)"')


def _links(content: str) -> list[str]:
    """Links in the HTML content, without mentions and hashtags."""
    out = []
    for tag in _A.findall(content):
        cls = _CLASS.search(tag)
        if cls and ("mention" in cls.group(1) or "hashtag" in cls.group(1)):
            continue
        h = _HREF.search(tag)
        if h:
            out.append(h.group(1))
    return out


def _as_list(v: Any) -> list[str]:
    if isinstance(v, str):
        return [v]
    return [x for x in v if isinstance(x, str)] if isinstance(v, list) else []


def _audience(obj: dict[str, Any], actor_id: str) -> Audience | None:
    to, cc = _as_list(obj.get("to")), _as_list(obj.get("cc"))
    if PUBLIC & set(to) or PUBLIC & set(cc):
        return "public"  # public or unlisted
    if any(x.endswith("/followers") for x in to):
        return "all_followers"
    if to or cc:
        return "direct"
    return None


def _account(plan: Plan) -> tuple[Account, str]:
    for m in plan.of("mastodon:actor"):
        try:
            with plan.container.open(m) as f:
                actor = json.load(text_stream(f))
        except LOAD_ERRORS:
            continue
        if not isinstance(actor, dict):
            continue
        actor_id = str(actor.get("id") or "")
        host = urlparse(actor_id).hostname or ""
        user = str(actor.get("preferredUsername") or "")
        return (
            Account(
                handle=f"@{user}@{host}" if user and host else (f"@{user}" if user else ""),
                display_name=str(actor.get("name") or ""),
                bio=html_to_text(str(actor.get("summary") or "")),
            ),
            actor_id,
        )
    return Account(), ""


def _activity(item: Any, account: Account, actor_id: str, said: RecordWarnings) -> Post:
    if not isinstance(item, dict):
        raise ValueError("activity is not a JSON object")
    kind = item.get("type")
    if kind == "Announce":
        target = item.get("object")
        if isinstance(target, dict):
            target = target.get("id") or target.get("url")
        if not isinstance(target, str) or not target:
            raise ValueError("Announce without an object URL")
        return Post(
            id=str(item.get("id") or target),
            text="",
            action="share",
            links=[target],
            platform="mastodon",
            account=account,
            circumstances=Circumstances(posted_at=said.time(item.get("published"), from_iso, "published"),
                                        audience=_audience(item, actor_id)),
            shared_url=target,
        )
    if kind != "Create":
        raise ValueError(f"activity type {kind!r} is not a post (expected Create or Announce)")
    obj = item.get("object")
    if not isinstance(obj, dict):
        raise ValueError("Create without an embedded object")
    content = obj.get("content")
    if not isinstance(content, str):
        raise ValueError(f"{obj.get('type', 'object')} has no content")
    text = html_to_text(content)
    cw = obj.get("summary")
    if isinstance(cw, str) and cw.strip():
        text = f"{cw.strip()}\n\n{text}"  # the content warning is part of what readers see
    reply = obj.get("inReplyTo")
    published = obj.get("published") or item.get("published")
    return Post(
        id=str(obj.get("id") or item.get("id")),
        text=text,
        action="reply" if isinstance(reply, str) and reply else "post",
        links=_links(content),
        platform="mastodon",
        account=account,
        circumstances=Circumstances(posted_at=said.time(published, from_iso, "published"),
                                    audience=_audience(obj, actor_id)),
        in_reply_to=reply if isinstance(reply, str) and reply else None,
        url=str(obj.get("url") or obj.get("id") or "") or None,
    )


def read(plan: Plan) -> Iterator[Item]:
    """Every Create and Announce in the outbox, with the actor's profile as the account."""
    account, actor_id = _account(plan)
    said = RecordWarnings(plan)
    for m in plan.of("mastodon:outbox"):
        src = plan.container.label(m)
        try:
            f = plan.container.open(m)
        except READ_ERRORS as e:
            yield RejectedRecord(source=src, location="(file)", reason=f"cannot read: {e}")
            continue
        items = iter_json_key(text_stream(f), "orderedItems")
        yield from records_from(
            items, src, lambda i: f"orderedItems[{i}]", lambda it: _activity(it, account, actor_id, said), said
        )
