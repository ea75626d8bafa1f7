"""Pick the code pack for a post when the post does not name one."""

from __future__ import annotations

from onrecord.codes.loader import PackRegistry
from onrecord.model.code import Pack
from onrecord.model.post import Post

FALLBACK_PACK = "us-federal"


class UnknownCode(ValueError):
    """The post or the caller named a code that no pack declares."""


def choose_pack(post: Post, packs: PackRegistry, default: str | None = None) -> tuple[Pack, str]:
    """Return the pack and a one-line reason for the choice."""
    if post.code:
        try:
            return packs.get(post.code), f"named by the post ({post.code})"
        except KeyError:
            raise UnknownCode(f"unknown code {post.code!r} (see 'onrecord codes list')") from None
    if default:
        return packs.get(default), f"chosen for the run ({default})"
    if post.jurisdiction:
        candidates = [p for p in packs.all() if p.jurisdiction == post.jurisdiction and p.extends is None]
        if candidates:
            org = post.author.organisation.lower()

            def score(p: Pack) -> tuple[int, int]:
                s = 0
                if post.author.role in p.select_roles:
                    s += 4
                if post.account.kind in p.select_account_kinds:
                    s += 1
                if org and any(w in org for w in p.select_organisation_words):
                    s += 3
                return s, p.select_priority

            best = max(candidates, key=score)
            return best, f"jurisdiction {post.jurisdiction}, role {post.author.role}"
    return packs.get(FALLBACK_PACK), f"no code or jurisdiction given: default {FALLBACK_PACK}"
