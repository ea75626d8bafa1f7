"""Synthetic posts and results written for the store tests (no real post text)."""

from __future__ import annotations

from typing import Any

from onrecord.model.finding import CapacityResult, ClauseRef, Finding, Result
from onrecord.model.post import Account, Circumstances, Post

CAP_OFFICIAL = CapacityResult(label="official",
                              scores={"official": 0.9, "professional": 0.05, "private": 0.03, "political": 0.02},
                              evidence=["account kind: official"], decided_by="context")
CAP_PRIVATE = CapacityResult(label="private",
                             scores={"official": 0.05, "professional": 0.05, "private": 0.85, "political": 0.05},
                             evidence=["no decisive cue"])


def make_post(i: int, text_: str | None = None, handle: str = "cityparks", platform: str = "x",
              posted_at: str | None = "2024-03-01T09:00:00+00:00", **kw: Any) -> Post:
    return Post(text=text_ if text_ is not None else f"The riverside path reopens on day {i}.", id=f"p{i}",
                platform=platform, account=Account(kind="official", handle=handle),  # type: ignore[arg-type]
                circumstances=Circumstances(posted_at=posted_at), **kw)


def make_result(post: Post, topics: tuple[str, ...] = (), official: bool = True) -> Result:
    findings = [Finding(check=f"T{n:02d}", name=f"test.{t}", topic=t, severity="warning",
                        clauses=[ClauseRef(id=f"test:{t}", title=t, url="https://example.org/code")],
                        message=f"synthetic {t} finding") for n, t in enumerate(topics)]
    return Result(id=post.id, code="us-federal", capacity=CAP_OFFICIAL if official else CAP_PRIVATE, allowed=True,
                  review_required=bool(findings) or official, archive=official, findings=findings)


def pairs(n: int, start: int = 0, **kw: Any) -> list[tuple[Post, Result]]:
    out = []
    for i in range(start, start + n):
        p = make_post(i, **kw)
        out.append((p, make_result(p)))
    return out
