"""The input side of the post contract (see docs/post-contract.md)."""

from __future__ import annotations

from typing import Literal

import msgspec

Action = Literal["post", "reply", "share", "like", "profile"]
Platform = Literal["x", "mastodon", "bluesky", "linkedin", "facebook", "instagram", "threads", "other"]
AccountKind = Literal["official", "personal", "campaign", "unknown"]
Role = Literal[
    "employee",
    "senior_official",
    "political_appointee",
    "elected_official",
    "candidate",
    "contractor",
    "unknown",
]
Restriction = Literal["less_restricted", "further_restricted", "n/a"]
Audience = Literal["public", "all_followers", "selected_group", "direct", "self"]
Jurisdiction = Literal["US", "UK", "NZ", "AU", "CA", "EU"]


class Account(msgspec.Struct, kw_only=True, omit_defaults=True):
    """The account a post was made from."""

    kind: AccountKind = "unknown"
    handle: str = ""
    display_name: str = ""
    bio: str = ""
    location: str = ""  # the profile's own location field, where the platform has one (X, LinkedIn)
    profile_image: str = ""
    header_image: str = ""


class Author(msgspec.Struct, kw_only=True, omit_defaults=True):
    """The person behind the account and their position."""

    role: Role = "unknown"
    restriction: Restriction = "n/a"
    title: str = ""
    organisation: str = ""
    policy_area: str = ""
    name: str = ""


class Circumstances(msgspec.Struct, kw_only=True, omit_defaults=True):
    """Facts outside the text that a verdict may turn on; ``None`` means not known."""

    on_duty: bool | None = None
    in_workplace: bool | None = None
    government_device: bool | None = None
    election_period: bool | None = None
    posted_at: str | None = None
    audience: Audience | None = None
    facts: list[str] = msgspec.field(default_factory=list)


class Metrics(msgspec.Struct, kw_only=True, omit_defaults=True):
    """Engagement counts taken from a platform export, where it has them."""

    likes: int | None = None
    shares: int | None = None
    replies: int | None = None
    quotes: int | None = None
    impressions: int | None = None


class Post(msgspec.Struct, kw_only=True, omit_defaults=True):
    """One post, share, like, reply or profile to be judged. Only ``text`` is required."""

    text: str
    id: str | None = None
    action: Action = "post"
    comment: str = ""
    links: list[str] = msgspec.field(default_factory=list)
    platform: Platform = "other"
    account: Account = msgspec.field(default_factory=Account)
    author: Author = msgspec.field(default_factory=Author)
    circumstances: Circumstances = msgspec.field(default_factory=Circumstances)
    jurisdiction: Jurisdiction | None = None
    code: str | None = None
    # Additive fields filled by importers (post-contract.md: changes are additive only).
    in_reply_to: str | None = None
    shared_url: str | None = None
    url: str | None = None
    deleted: bool = False
    metrics: Metrics | None = None
    source: str | None = None


DECLARED_USES = ("official", "professional", "private", "political")


def declared_use_facts(kind: str, uses: list[str]) -> list[str]:
    """The facts a post gets from its account's declared uses (the registry and the ``--accounts`` file alike).

    Declared official use makes a personal or campaign account's official-capacity posts public records."""
    if kind == "official":
        return []
    what = f"the {kind} account" if kind in ("personal", "campaign") else "the account"
    return [f"{what} is also used for {use} work" for use in ("official", "professional") if use in uses]
