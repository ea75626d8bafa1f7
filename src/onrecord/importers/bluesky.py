"""Bluesky / AT Protocol repository export (a CAR file): posts, reposts and the profile.

The signed commit (the CAR root) points to a Merkle Search Tree whose keys are
``<collection>/<record key>``. Every block's SHA-256 is checked against its CID. No network.
"""

from __future__ import annotations

import shutil
import struct
import tempfile
from collections.abc import Iterator
from contextlib import ExitStack
from typing import IO, Any

from onrecord.importers.base import LOAD_ERRORS, Item, RecordWarnings, RejectedRecord, excerpt, from_iso, problem_words
from onrecord.importers.car import CID, CarError, CarFile, decode, walk_mst
from onrecord.importers.sniff import Plan
from onrecord.model.post import Account, Circumstances, Post

POST = "app.bsky.feed.post"
REPOST = "app.bsky.feed.repost"
PROFILE = "app.bsky.actor.profile"
OPEN_ERRORS: tuple[type[BaseException], ...] = (*LOAD_ERRORS, KeyError)
# A crafted or damaged block can fail in any of these ways (struct: a CBOR number cut short; RecursionError: a
# record nested thousands deep): a reject, never a traceback.
RECORD_ERRORS: tuple[type[BaseException], ...] = (CarError, ValueError, KeyError, TypeError, AttributeError,
                                                  IndexError, struct.error, RecursionError)
TREE_ERRORS: tuple[type[BaseException], ...] = (*LOAD_ERRORS, *RECORD_ERRORS)


def web_url(at_uri: str) -> str:
    """``at://did/app.bsky.feed.post/rkey`` → the bsky.app link (other URIs are returned unchanged)."""
    parts = at_uri.removeprefix("at://").split("/")
    if at_uri.startswith("at://") and len(parts) == 3 and parts[1] == POST:
        return f"https://bsky.app/profile/{parts[0]}/post/{parts[2]}"
    return at_uri


def _jsonable(v: Any) -> Any:
    if isinstance(v, CID):
        return {"$link": str(v)}
    if isinstance(v, bytes):
        return {"$bytes": v.hex()}
    if isinstance(v, list):
        return [_jsonable(x) for x in v]
    if isinstance(v, dict):
        return {str(k): _jsonable(x) for k, x in v.items()}
    return v


def _links(rec: dict[str, Any]) -> list[str]:
    out: list[str] = []
    for facet in rec.get("facets") or []:
        for feat in (facet or {}).get("features") or []:
            if isinstance(feat, dict) and str(feat.get("$type", "")).endswith("#link") and feat.get("uri"):
                out.append(str(feat["uri"]))
    embed = rec.get("embed") or {}
    if isinstance(embed, dict):
        ext = embed.get("external")
        if isinstance(ext, dict) and ext.get("uri"):
            out.append(str(ext["uri"]))
        record = embed.get("record")
        if isinstance(record, dict) and isinstance(record.get("record"), dict):
            record = record["record"]  # recordWithMedia
        if isinstance(record, dict) and record.get("uri"):
            out.append(web_url(str(record["uri"])))
    return list(dict.fromkeys(out))


def _post(did: str, rkey: str, rec: Any, account: Account, said: RecordWarnings) -> Post:
    if not isinstance(rec, dict):
        raise ValueError("record is not a map")
    text = rec.get("text")
    if not isinstance(text, str):
        raise ValueError("post record has no text")
    reply = rec.get("reply") if isinstance(rec.get("reply"), dict) else None
    parent = (reply or {}).get("parent") or {}
    at = said.time(rec.get("createdAt"), from_iso, "createdAt")
    return Post(
        id=f"at://{did}/{POST}/{rkey}",
        text=text,
        action="reply" if parent.get("uri") else "post",
        links=_links(rec),
        platform="bluesky",
        account=account,
        circumstances=Circumstances(posted_at=at),
        in_reply_to=web_url(str(parent["uri"])) if parent.get("uri") else None,
        url=f"https://bsky.app/profile/{did}/post/{rkey}",
    )


def _repost(did: str, rkey: str, rec: Any, account: Account, said: RecordWarnings) -> Post:
    subject = rec.get("subject") if isinstance(rec, dict) else None
    if not isinstance(subject, dict) or not subject.get("uri"):
        raise ValueError("repost record has no subject URI")
    target = web_url(str(subject["uri"]))
    return Post(
        id=f"at://{did}/{REPOST}/{rkey}",
        text="",
        action="share",
        links=[target],
        platform="bluesky",
        account=account,
        circumstances=Circumstances(posted_at=said.time(rec.get("createdAt"), from_iso, "createdAt")),
        shared_url=target,
    )


def _seekable(plan: Plan, member: str, stack: ExitStack) -> IO[bytes]:
    real = plan.container.real_path(member)
    if real:
        return stack.enter_context(open(real, "rb"))
    tmp = stack.enter_context(tempfile.TemporaryFile())  # noqa: SIM115 - closed by the ExitStack
    with plan.container.open(member) as src:
        shutil.copyfileobj(src, tmp, 1 << 20)
    tmp.seek(0)
    return tmp


def read(plan: Plan) -> Iterator[Item]:
    """Posts and reposts of every repository CAR in the input."""
    said = RecordWarnings(plan)
    for m in plan.of("bluesky:car"):
        src = plan.container.label(m)
        with ExitStack() as stack:
            try:
                car = CarFile(_seekable(plan, m, stack))
                commit = car.node(car.roots[0]) if car.roots else None
                if not isinstance(commit, dict) or not isinstance(commit.get("data"), CID):
                    raise CarError("the root block is not a repository commit (did, data)")
            except OPEN_ERRORS as e:
                yield RejectedRecord(source=src, location="(file)", reason=f"unreadable repository: {problem_words(e)}")
                continue
            did = str(commit.get("did") or "")
            account = Account(handle=did)
            for p in car.problems:
                yield RejectedRecord(source=src, location="(file)", reason=p)
            try:
                for key, cid in walk_mst(car, commit["data"]):
                    coll, _, rkey = key.partition("/")
                    if coll not in (POST, REPOST, PROFILE):
                        continue
                    raw: Any = None
                    said.clear()
                    try:
                        raw = decode(car.block(cid))
                        if coll == PROFILE:
                            account = Account(
                                handle=did,
                                display_name=str(raw.get("displayName") or ""),
                                bio=str(raw.get("description") or ""),
                            )
                        else:
                            post = (_post if coll == POST else _repost)(did, rkey, raw, account, said)
                            said.hand_over(f"{src} {key}")
                            yield post
                    except RECORD_ERRORS as e:
                        yield RejectedRecord(source=src, location=key, reason=problem_words(e), raw=excerpt(_jsonable(raw)) if raw else "")
            except TREE_ERRORS as e:
                yield RejectedRecord(
                    source=src, location="(tree)", reason=f"the record tree is damaged ({problem_words(e)}); records below it are lost"
                )
