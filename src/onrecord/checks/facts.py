"""Read the decisive facts a post carries (``circumstances.facts`` and the context fields)."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from onrecord.checks.base import CheckContext
from onrecord.model.post import Post

if TYPE_CHECKING:
    from functools import cached_property
else:

    class cached_property:
        """``functools.cached_property`` without its lock (Python 3.11 takes an RLock on every first
        access, which costs more than the regexes here); a Facts object lives within one thread."""

        def __init__(self, fn: Callable[[Any], Any]) -> None:
            self.fn = fn
            self.name = fn.__name__

        def __set_name__(self, owner: type, name: str) -> None:
            self.name = name

        def __get__(self, obj: Any, owner: type | None = None) -> Any:
            if obj is None:
                return self
            value = obj.__dict__[self.name] = self.fn(obj)
            return value


_CANDIDATE = re.compile(
    r"([A-Z][\w'’.-]+(?: [A-Z][\w'’.-]+){0,3}),? (?:is|was) (?:a|an|the) (?:[\w-]+ ){0,6}?(?:candidate|nominee)\b"
)
_CANDIDATE_OF = re.compile(r"\bcandidate,? ([A-Z][\w'’.-]+(?: [A-Z][\w'’.-]+){1,2})")
_PARTISAN_SOURCE = re.compile(
    r"\b(?:campaign|party|partisan)(?:'s)? (?:account|page|group|committee)\b|"
    r"\bcampaign account\b|\b(?:Democratic|Republican|Labour|Conservative|Liberal|Green|National|NDP|New Democratic|Labor)"
    r"(?: Party)?(?: of \w+)?(?:'s)? (?:Party )?(?:account|page)\b|\bParty(?: of \w+)?'s (?:account|page)\b|"
    r"\bpro-[A-Z]\w+ (?:Facebook )?page\b|\bcampaign page\b|\bpage of an? [\w ]*(?:councillor|candidate|MP|politician)\b|"
    r"\b(?:councillor|candidate|politician) standing for\b",
    re.IGNORECASE,
)
_SUBORDINATE = re.compile(r"\bsubordinates?\b|\breports? to (?:the author|her|him|them)\b|\bdirect reports?\b", re.IGNORECASE)
_HANDLE = re.compile(r"@\w+")
_GOV_DEVICE = re.compile(
    r"\bgovernment(?:-issued)? (?:computer|laptop|phone|mobile|device|email)\b|\bofficial (?:\w+ )?account\b", re.I
)
_NOT_AUTHORISED = re.compile(r"\bnot (?:been )?authori[sz]ed\b|\bhas not authori[sz]ed\b", re.IGNORECASE)
_PAID = re.compile(r"\bpaid partnership\b|\bsponsored\b|\bformer employer\b|\bpaid (?:post|promotion)\b", re.IGNORECASE)
_ALREADY_PUBLIC = re.compile(r"\balready (?:been )?(?:published|public|announced|released)\b", re.IGNORECASE)
_UNPUBLISHED = re.compile(
    r"\b(?:unpublished|not (?:yet )?(?:been )?(?:published|announced|public)|confidential|embargoed)\b", re.I
)
_OWN_AREA = re.compile(
    r"\bworks? (?:in|on|for) the (?:department|ministry|agency|policy|team|programme|program)\b[^.]*\b(?:serves|attacked|criticised|criticized|being)\b|"
    r"\bworks on the [\w ]+ (?:being attacked|policy)\b",
    re.IGNORECASE,
)
_FAMILY = re.compile(r"\b(?:family|close friends?|relative|father|mother|sister|brother|spouse|son|daughter)\b", re.I)


@dataclass(frozen=True)
class Facts:
    """Derived, cached view of the facts of one post."""

    post: Post

    @cached_property
    def text(self) -> str:
        return " ".join(self.post.circumstances.facts)

    @cached_property
    def candidates(self) -> tuple[str, ...]:
        """Names the facts say are candidates or nominees."""
        names = {m.group(1) for m in _CANDIDATE.finditer(self.text)}
        names |= {m.group(1) for m in _CANDIDATE_OF.finditer(self.text)}
        return tuple(sorted(n for n in names if n.lower() not in {"the", "a", "he", "she", "they", "it"}))

    @cached_property
    def partisan_source(self) -> bool:
        """The shared or liked item, or the addressee, is a party's or a campaign's."""
        return bool(_PARTISAN_SOURCE.search(self.text))

    @cached_property
    def subordinates(self) -> bool:
        return bool(_SUBORDINATE.search(self.text))

    @cached_property
    def subordinate_handles(self) -> set[str]:
        """@handles named in a fact that also speaks of subordinates."""
        out: set[str] = set()
        for f in self.post.circumstances.facts:
            if _SUBORDINATE.search(f):
                out |= {h.lower() for h in _HANDLE.findall(f)}
        return out

    @cached_property
    def family_or_friend(self) -> bool:
        """A family or close-friend relationship with the addressee is stated (2635.808(c) exception)."""
        return bool(_FAMILY.search(self.text)) and not re.search(r"\bnot (?:family|close friends)\b", self.text, re.I)

    @cached_property
    def government_device(self) -> bool:
        c = self.post.circumstances
        return bool(c.government_device) or bool(_GOV_DEVICE.search(self.text))

    @cached_property
    def not_authorised(self) -> bool:
        return bool(_NOT_AUTHORISED.search(self.text))

    @cached_property
    def paid(self) -> bool:
        return bool(_PAID.search(self.text))

    @cached_property
    def already_public(self) -> bool:
        return bool(_ALREADY_PUBLIC.search(self.text))

    @cached_property
    def unpublished(self) -> bool:
        return bool(_UNPUBLISHED.search(self.text)) and not self.already_public

    @cached_property
    def own_area(self) -> bool:
        return bool(_OWN_AREA.search(self.text))

    def mentions_candidate(self, text: str) -> str | None:
        """The first fact-named candidate (full name or surname) that ``text`` mentions."""
        for name in self.candidates:
            parts = [name, name.split()[-1]] if " " in name else [name]
            for p in parts:
                if len(p) > 2 and re.search(rf"\b{re.escape(p)}\b", text):
                    return p
        return None


def facts_of(ctx: CheckContext) -> Facts:
    """The post's facts, parsed once per post and shared by every check."""
    f = ctx.memo.get("facts")
    if not isinstance(f, Facts):
        f = ctx.memo["facts"] = Facts(ctx.post)
    return f
