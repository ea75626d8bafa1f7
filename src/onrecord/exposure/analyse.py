"""Group posts into people and accounts, find what each account discloses, link accounts that anyone can
link, and report the combinations that make a risk, citing the clauses of the person's own code."""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import msgspec

from onrecord.codes.loader import PackRegistry
from onrecord.detectors.base import field_text
from onrecord.engine.choose_pack import UnknownCode, choose_pack
from onrecord.exposure.facts import (
    PROFILE_FIELDS,
    Fact,
    FactFinder,
    account_key,
    contact_facts,
    own_public_fields,
    post_ref,
    posting_routine,
    profile_location,
)
from onrecord.exposure.rules import Combination, ExposureRules, shipped_rules
from onrecord.model.code import Pack
from onrecord.model.post import Account, Post

# Facts of one kind shown per account (all are counted).
SHOWN_PER_KIND = 5
# P(political) from which a post counts as a political fact (the `onrecord capacity` flag threshold).
POLITICAL_THRESHOLD = 0.9
_SEVERITY_RANK = {"info": 0, "warning": 1, "breach": 2}
_URL = re.compile(r"(?i)\b(?:https?://)?((?:[\w-]+\.)+[a-z]{2,}(?:/[\w./%~-]*)?)")
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
# A shared address or display name links at most this many accounts (more: an organisation's, or a common name).
MAX_SHARED = 3
_SHORTENERS = frozenset({"t.co", "bit.ly", "buff.ly", "ow.ly", "lnkd.in", "linktr.ee"})


class ClauseRef(msgspec.Struct, frozen=True, kw_only=True):
    id: str
    title: str
    url: str
    severity: str


class Risk(msgspec.Struct, kw_only=True):
    """A combination met by one account, or by linked accounts together."""

    code: str
    name: str
    level: str
    topic: str
    accounts: list[str]
    facts: list[Fact]
    message: str
    fix: str
    severity: str  # the highest severity of the cited clauses, or "advice" when no clause governs it
    clauses: list[ClauseRef] = msgspec.field(default_factory=list)


class Link(msgspec.Struct, frozen=True, kw_only=True):
    """Two accounts that anyone reading them can tie together, and why."""

    accounts: tuple[str, str]
    evidence: str


class AccountExposure(msgspec.Struct, kw_only=True):
    account: str
    platform: str
    kind: str
    capacity: str  # the capacity the account speaks in, for resolving clauses
    posts: int
    fact_counts: dict[str, int]
    facts: list[Fact]


class PersonExposure(msgspec.Struct, kw_only=True):
    person: str
    code: str
    code_reason: str
    accounts: list[AccountExposure]
    links: list[Link]
    risks: list[Risk]
    advice: list[Risk]


class ExposureReport(msgspec.Struct, kw_only=True):
    persons: list[PersonExposure]
    posts: int
    accounts: int
    risks: int
    advice: int
    bad_lines: int = 0


@dataclass
class _Account:
    key: str
    posts: list[tuple[int, Post]] = field(default_factory=list)
    facts: list[Fact] = field(default_factory=list)

    @property
    def first(self) -> Post:
        return self.posts[0][1]

    # Cached: read many times, and an account's posts are all in before the first read.
    @cached_property
    def profile(self) -> Account:
        """The account fields as last seen with a bio (imports keep the profile current), else the first."""
        for _, p in reversed(self.posts):
            if p.account.bio:
                return p.account
        return self.first.account

    @cached_property
    def kind(self) -> str:
        return Counter(p.account.kind for _, p in self.posts).most_common(1)[0][0]


class _Union:
    def __init__(self, keys: Sequence[str]) -> None:
        self.parent = {k: k for k in keys}

    def find(self, k: str) -> str:
        while self.parent[k] != k:
            self.parent[k] = self.parent[self.parent[k]]
            k = self.parent[k]
        return k

    def join(self, a: str, b: str) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)


def _bio_tokens(bio: str) -> set[str]:
    out = {m.group(0).lower() for m in _EMAIL.finditer(bio)}
    for m in _URL.finditer(bio):
        u = m.group(1).lower().rstrip("/.")
        # A bare domain is usually an organisation's site; a page on it (or a personal domain's page) is one person's.
        if "/" in u and u.split("/")[0] not in _SHORTENERS and "@" not in bio[max(0, m.start() - 1) : m.start()]:
            out.add(u)
    return out


_HANDLE_TOKEN = re.compile(r"[\w.@-]{4,}")


def _handle_tokens(text: str) -> set[str]:
    """Words of ``text`` that could be a handle (``@name``, ``name`` in a profile URL), lower-cased, with
    and without the ``@``."""
    out: set[str] = set()
    for m in _HANDLE_TOKEN.finditer(text):
        t = m.group(0).lower().strip(".-")
        out.add(t)
        out.add(t.lstrip("@"))
    return out


def _handle(acc: Account) -> str:
    return acc.handle.lower().lstrip("@")


def _public_links(accounts: dict[str, _Account]) -> list[Link]:
    """Links anyone can see: a bio naming another account's handle, a shared e-mail or web address in the
    bios, or the same display name of two words or more. Indexed, so linear in the number of accounts."""
    links: dict[tuple[str, str], str] = {}

    def add(a: str, b: str, why: str) -> None:
        if a != b:
            pair = (min(a, b), max(a, b))
            links.setdefault(pair, why)

    # An institution's or campaign's account is not a person's: a bio naming it says who employs the person
    # (an employer fact), it does not make the two accounts one person's.
    people = {k: a for k, a in accounts.items() if a.kind not in ("official", "campaign")}
    by_handle: dict[str, list[str]] = defaultdict(list)
    for k, acc in people.items():
        h = _handle(acc.profile)
        if len(h) >= 4:
            by_handle[h].append(k)
    by_token: dict[str, list[str]] = defaultdict(list)
    by_name: dict[str, list[str]] = defaultdict(list)
    for k in sorted(people):
        prof = people[k].profile
        for t in sorted(_handle_tokens(prof.bio)):
            for other in by_handle.get(t, ()):
                add(k, other, f"the profile of {k} names {other}")
        for t in sorted(_bio_tokens(prof.bio)):
            by_token[t].append(k)
        name = " ".join(prof.display_name.casefold().split())
        if len(name.split()) >= 2:
            by_name[name].append(k)
    for t, keys in sorted(by_token.items()):
        # An address in many bios is an organisation's (the agency's site), not one person's.
        if len(keys) <= MAX_SHARED:
            for i, a in enumerate(keys):
                for b in keys[i + 1 :]:
                    add(a, b, f"both profiles give {t}")
    for _name, keys in sorted(by_name.items()):
        # One person rarely has two same-named accounts on one platform; two people with one name often do.
        if len(keys) <= MAX_SHARED:
            for i, a in enumerate(keys):
                for b in keys[i + 1 :]:
                    if people[a].first.platform != people[b].first.platform:
                        add(a, b, f"both are named {people[a].profile.display_name.strip()!r}")
    return [Link(accounts=k, evidence=v) for k, v in sorted(links.items())]


def _capacity(acc: _Account) -> str:
    kind = acc.kind
    if kind == "official":
        return "official"
    if kind == "campaign":
        return "political"
    if kind == "personal":
        return "private"
    # Unknown kind: a work-profile platform, or a profile naming the job, speaks as an identified public servant.
    if acc.first.platform == "linkedin" or any(f.kind in ("employer", "role") and f.post is None for f in acc.facts):
        return "professional"
    return "private"


def _meets(needs: Sequence[tuple[str, ...]], facts: Sequence[Fact]) -> list[Fact] | None:
    """The facts that meet every group of ``needs`` (two per group shown), or None."""
    shown: list[Fact] = []
    for group in needs:
        hits = [f for f in facts if f.kind in group]
        if not hits:
            return None
        # Profile facts first: they are what every reader of the account sees.
        hits.sort(key=lambda f: (f.post is not None, group.index(f.kind)))
        values: set[str] = set()
        for h in hits:
            if h.value.casefold() not in values and len(values) < 2:
                values.add(h.value.casefold())
                shown.append(h)
    return shown


def _meets_across(combo: Combination, accs: Sequence[_Account]) -> list[Fact] | None:
    """Facts meeting ``combo`` where one account meets its first group and the other accounts, without it,
    meet the rest: what the accounts disclose only once they are read together."""
    for acc in accs:
        mine = _meets(combo.needs[:1], acc.facts)
        if not mine:
            continue
        theirs = _meets(combo.needs[1:], [f for a in accs if a is not acc for f in a.facts])
        if theirs:
            return mine + theirs
    return None


def _needing_political(rules: ExposureRules, accounts: dict[str, _Account], links: Sequence[Link]) -> list[_Account]:
    """The accounts whose political posts could complete a combination: the judgement is the slow part, and
    it only matters where the other groups of such a combination are already met."""
    combos = [c for c in rules.combinations if any("political" in g for g in c.needs)]
    if not combos:
        return []
    linked = _Union(sorted(accounts))
    for ln in links:
        linked.join(*ln.accounts)
    pooled: dict[str, list[Fact]] = defaultdict(list)
    for k, a in accounts.items():
        pooled[linked.find(k)].extend(a.facts)
    out = []
    for k, acc in accounts.items():
        if acc.kind in ("official", "campaign"):
            continue
        for c in combos:
            facts = pooled[linked.find(k)] if c.across_accounts else acc.facts
            if all(any(f.kind in g for f in facts) for g in c.needs if "political" not in g):
                out.append(acc)
                break
    return out


class ExposureAnalyser:
    """Runs the rules over posts. One instance can analyse many inputs."""

    def __init__(self, rules: ExposureRules | None = None, packs: PackRegistry | None = None) -> None:
        self.rules = rules or shipped_rules()
        self.packs = packs or PackRegistry()
        self.finder = FactFinder(self.rules)
        self._detectors: list[Any] | None = None

    def _facts(self, acc: _Account, official_handles: dict[str, tuple[str, str]]) -> None:
        seen: set[tuple[str, str, str]] = set()
        first = acc.first
        org, title = first.author.organisation, first.author.title
        for fld in PROFILE_FIELDS:
            text = str(getattr(acc.profile, fld))
            for kind, value, s, e in self.finder.find(text, fld, org, title):
                if (kind, value.casefold(), fld) not in seen:
                    seen.add((kind, value.casefold(), fld))
                    acc.facts.append(Fact(kind=kind, value=value, account=acc.key, field=fld, start=s, end=e))
            if fld == "bio":
                acc.facts.extend(contact_facts(text, acc.key))
                for token in sorted(_handle_tokens(text)):
                    other = official_handles.get(token)
                    if other and other[0] != acc.key and not token.startswith("@"):
                        shown = other[1]
                        acc.facts.append(
                            Fact(kind="employer", value=f"@{shown} (an official account)", account=acc.key, field="bio")
                        )
        place = profile_location(acc.profile.location)
        if place:
            acc.facts.append(Fact(kind="location", value=place, account=acc.key, field="location", start=0, end=len(place)))
        for line, p in acc.posts:
            for fld in own_public_fields(p):
                for kind, value, s, e in self.finder.find(field_text(p, fld), fld, org, title):
                    acc.facts.append(
                        Fact(kind=kind, value=value, account=acc.key, field=fld, post=post_ref(line, p), start=s, end=e)
                    )
        stamps = [p.circumstances.posted_at for _, p in acc.posts if p.circumstances.posted_at and own_public_fields(p)]
        routine = posting_routine(stamps, acc.key)
        if routine:
            acc.facts.append(routine)

    def _political(self, accounts: Sequence[_Account]) -> None:
        todo = [(acc, line, p) for acc in accounts for line, p in acc.posts if "text" in own_public_fields(p) and p.text.strip()]
        if not todo:
            return
        from onrecord.capacity.assess import assess_many
        from onrecord.detectors import default_detectors
        from onrecord.detectors.base import run_detectors

        if self._detectors is None:  # built once per analyser: building them costs more than a batch
            self._detectors = list(default_detectors())
        dets = self._detectors
        posts = [p for _, _, p in todo]
        results = assess_many(posts, [run_detectors(p, dets) for p in posts], use_context=False, explain=False)
        for (acc, line, p), res in zip(todo, results, strict=True):
            if res.scores["political"] >= POLITICAL_THRESHOLD:
                value = p.text if len(p.text) <= 80 else p.text[:79] + "…"
                acc.facts.append(Fact(kind="political", value=value, account=acc.key, field="text", post=post_ref(line, p)))

    def _risk(self, combo: Combination, facts: list[Fact], accs: Sequence[_Account], pack: Pack) -> Risk:
        clauses: dict[str, ClauseRef] = {}
        for acc in accs:
            cap = _capacity(acc)
            for c in pack.governing(combo.topic, cap, acc.first.author.role):
                sev = c.severity[cap]
                # Exposure is a risk, not a breach of the text of a code: at most a warning.
                sev = "warning" if sev == "breach" else sev
                old = clauses.get(c.id)
                if old is None or _SEVERITY_RANK[sev] > _SEVERITY_RANK[old.severity]:
                    clauses[c.id] = ClauseRef(id=c.id, title=c.title, url=c.url, severity=sev)
        refs = sorted(clauses.values(), key=lambda r: r.id)
        severity = max((r.severity for r in refs), key=_SEVERITY_RANK.__getitem__) if refs else "advice"
        return Risk(
            code=combo.code,
            name=combo.name,
            level=combo.level,
            topic=combo.topic,
            accounts=sorted({a.key for a in accs}),
            facts=facts,
            message=combo.message,
            fix=combo.fix,
            severity=severity,
            clauses=refs,
        )

    def analyse(
        self,
        posts: Sequence[tuple[int, Post]],
        *,
        one_person: bool = False,
        code: str | None = None,
        person_of: Callable[[Post], str | None] | None = None,
    ) -> ExposureReport:
        """Analyse ``(line, post)`` pairs. ``one_person``: every account belongs to one person. ``person_of``:
        a key for the person behind a post's account when something knows it (the accounts registry).

        Raises :class:`UnknownCode` when ``code`` (or a post's ``code``) names no pack."""
        accounts: dict[str, _Account] = {}
        for line, p in posts:
            key = account_key(p)
            accounts.setdefault(key, _Account(key)).posts.append((line, p))
        official_handles = {
            _handle(a.profile): (k, a.profile.handle.lstrip("@"))
            for k, a in accounts.items()
            if a.kind == "official" and len(_handle(a.profile)) >= 4
        }
        for acc in accounts.values():
            self._facts(acc, official_handles)
        keys = sorted(accounts)
        links = _public_links(accounts)
        self._political(_needing_political(self.rules, accounts, links))
        people = _Union(keys)
        # Who is behind each account, when known: the registry's person key, else the author's name.
        ident = {
            k: ((person_of(accounts[k].first) if person_of else None) or "").strip() or accounts[k].first.author.name.strip()
            for k in keys
        }
        first_of: dict[str, str] = {}
        for k in keys:
            if one_person:
                people.join(keys[0], k)
            elif ident[k]:
                people.join(first_of.setdefault(ident[k], k), k)
        for link in links:
            a, b = link.accounts
            # A public link joins accounts into one person unless both are known to be different people.
            if not ident[a] or not ident[b] or ident[a] == ident[b]:
                people.join(a, b)
        groups: dict[str, list[str]] = defaultdict(list)
        for k in keys:
            groups[people.find(k)].append(k)

        persons: list[PersonExposure] = []
        for root in sorted(groups):
            members = groups[root]
            accs = [accounts[k] for k in members]
            person_name = Counter(a.first.author.name.strip() for a in accs if a.first.author.name.strip()).most_common(1)
            label = person_name[0][0] if person_name else members[0]
            # The person's own code: named by the run, else chosen from their first post that says enough.
            chooser = next((a.first for a in accs if a.first.code or a.first.jurisdiction), accs[0].first)
            pack, reason = choose_pack(chooser, self.packs, code)
            risks: list[Risk] = []
            for combo in self.rules.combinations:
                if combo.across_accounts:
                    continue
                for acc in accs:
                    if acc.kind in ("official", "campaign"):
                        continue  # an institution's or a campaign's account discloses by design
                    met = _meets(combo.needs, acc.facts)
                    if met:
                        risks.append(self._risk(combo, met, [acc], pack))
            # Linked accounts: what one discloses about work and another about life.
            member_set = set(members)
            mine = [ln for ln in links if ln.accounts[0] in member_set and ln.accounts[1] in member_set]
            linked = _Union(members)
            for ln in mine:
                linked.join(*ln.accounts)
            comps: dict[str, list[_Account]] = defaultdict(list)
            for acc in accs:
                comps[linked.find(acc.key)].append(acc)
            for all_in_comp in comps.values():
                # An institution's or campaign's account names its organisation by design; what it links
                # to is read through the bio mention (an employer fact) instead.
                comp = [a for a in all_in_comp if a.kind not in ("official", "campaign")]
                if len(comp) < 2:
                    continue
                for combo in self.rules.combinations:
                    if not combo.across_accounts:
                        continue
                    met = _meets_across(combo, comp)
                    if met:
                        involved = [a for a in comp if any(f.account == a.key for f in met)]
                        risks.append(self._risk(combo, met, involved, pack))
            views = []
            for acc in accs:
                counts = Counter(f.kind for f in acc.facts)
                shown: list[Fact] = []
                per: Counter[str] = Counter()
                for f in acc.facts:
                    if per[f.kind] < SHOWN_PER_KIND:
                        per[f.kind] += 1
                        shown.append(f)
                views.append(
                    AccountExposure(
                        account=acc.key,
                        platform=acc.first.platform,
                        kind=acc.kind,
                        capacity=_capacity(acc),
                        posts=len(acc.posts),
                        fact_counts=dict(sorted(counts.items())),
                        facts=shown,
                    )
                )
            persons.append(
                PersonExposure(
                    person=label,
                    code=pack.id,
                    code_reason=reason,
                    accounts=views,
                    links=mine,
                    risks=[r for r in risks if r.severity != "advice"],
                    advice=[r for r in risks if r.severity == "advice"],
                )
            )
        return ExposureReport(
            persons=persons,
            posts=len(posts),
            accounts=len(accounts),
            risks=sum(len(p.risks) for p in persons),
            advice=sum(len(p.advice) for p in persons),
        )


def analyse(
    posts: Sequence[tuple[int, Post]],
    *,
    one_person: bool = False,
    code: str | None = None,
    rules: ExposureRules | None = None,
    packs: PackRegistry | None = None,
    person_of: Callable[[Post], str | None] | None = None,
) -> ExposureReport:
    """Analyse ``(line, post)`` pairs with the shipped rules and packs unless others are given."""
    return ExposureAnalyser(rules, packs).analyse(posts, one_person=one_person, code=code, person_of=person_of)


__all__ = ["ExposureAnalyser", "ExposureReport", "Risk", "UnknownCode", "analyse"]
