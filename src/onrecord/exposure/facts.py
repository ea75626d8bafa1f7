"""Self-disclosures found in one account's public fields: the facts the combinations are built from."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from datetime import datetime

import msgspec

from onrecord.detectors.multipattern import MultiPattern, ascii_semantics
from onrecord.exposure.rules import ExposureRules
from onrecord.model.post import Post

# Public fields of the profile (the same on every post of an account) and of each post.
PROFILE_FIELDS: tuple[str, ...] = ("bio", "display_name")
POST_FIELDS: tuple[str, ...] = ("text", "comment")
# Personal-data kinds that, in a public profile, are contact details.
CONTACT_KINDS: frozenset[str] = frozenset({"EMAIL_ADDRESS", "PHONE_NUMBER", "STREET_ADDRESS", "ADDRESS"})
# The posting-hours routine: at least this many timestamped posts, and this share in one two-hour window.
ROUTINE_MIN_POSTS = 20
ROUTINE_SHARE = 0.5
_STRIP = " \t\n,.;:!?-–—'\"()"


class Fact(msgspec.Struct, frozen=True, kw_only=True, omit_defaults=True):
    """One self-disclosure: its kind, the words that show it, and where they are."""

    kind: str
    value: str
    account: str
    field: str  # bio, display_name, text, comment, posted_at
    post: str | None = None  # post id or "line N"; None for profile fields
    start: int | None = None  # character offsets in ``field``
    end: int | None = None


# Audiences that make a post public (None: not recorded, taken as public as platforms default to it).
PUBLIC_AUDIENCES = frozenset({"public", "all_followers", None})


def own_public_fields(post: Post) -> tuple[str, ...]:
    """The post fields that are the author's own words and still public: none for a deleted post, a like,
    or one sent to a direct or selected audience; for a share only the comment added (the text is someone
    else's)."""
    if post.deleted or post.action in ("like", "profile") or post.circumstances.audience not in PUBLIC_AUDIENCES:
        return ()
    if post.action == "share":
        return ("comment",)
    return POST_FIELDS


def account_key(post: Post) -> str:
    """A stable name for the account a post came from: ``platform:handle`` when the handle is known."""
    a = post.account
    if a.handle:
        return f"{post.platform}:{a.handle.lstrip('@')}"
    return a.display_name or post.author.name or "(unknown account)"


def post_ref(line: int, post: Post) -> str:
    return post.id or f"line {line}"


def _acronyms(name: str) -> list[str]:
    """ "MFAT" for "Ministry of Foreign Affairs and Trade" (capitalised words) and "DOC" for "Department of
    Conservation" (every word): agencies use both."""
    words = re.findall(r"[A-Za-zĀĒĪŌŪāēīōū]+", name)
    caps = "".join(w[0] for w in words if w[0].isupper())
    every = "".join(w[0] for w in words).upper()
    return [a for a in dict.fromkeys((caps, every)) if len(a) >= 2 and len(words) >= 2]


class FactFinder:
    """Runs the rules' patterns, plus the author's own organisation and title when the post names them."""

    def __init__(self, rules: ExposureRules) -> None:
        self.rules = rules
        self._org_cache: dict[tuple[str, str], list[tuple[str, re.Pattern[str]]]] = {}
        self._patterns = [(fk.kind, rx, fields) for fk in rules.facts.values() for rx, fields in fk.patterns]
        # Most posts disclose nothing: one Hyperscan pass says which patterns can match at all (exact on text
        # that Python's Unicode classes read as ASCII ones, see ascii_semantics; other text runs every pattern).
        self._gate = MultiPattern.cached([(rx.pattern, kind) for kind, rx, _ in self._patterns], caseless=False)

    def _own(self, organisation: str, title: str) -> list[tuple[str, re.Pattern[str]]]:
        key = (organisation, title)
        got = self._org_cache.get(key)
        if got is None:
            got = []
            if organisation.strip():
                alts = [re.escape(organisation.strip()), *(re.escape(a) for a in _acronyms(organisation))]
                # Whole words only; the full name ignores case, the acronym does not (so "MoJ" is not "moj").
                got.append(("employer", re.compile(rf"(?<!\w)(?:(?i:{alts[0]}){''.join('|' + a for a in alts[1:])})(?!\w)")))
            if len(title.strip()) >= 4:
                got.append(("role", re.compile(rf"(?<!\w)(?i:{re.escape(title.strip())})(?!\w)")))
            self._org_cache[key] = got
        return got

    def find(self, text: str, field: str = "text", organisation: str = "", title: str = "") -> list[tuple[str, str, int, int]]:
        """``(kind, value, start, end)`` for each disclosure in ``text`` (the post's ``field``); overlapping finds
        of one kind kept once."""
        if not text:
            return []
        found: list[tuple[str, str, int, int]] = []
        pats = self._patterns
        if self._gate.engine == "hyperscan" and ascii_semantics(text):
            pats = [pats[i] for i in self._gate.candidates(text)]
        todo: list[tuple[str, re.Pattern[str]]] = [*self._own(organisation, title)]
        todo.extend((kind, rx) for kind, rx, fields in pats if fields is None or field in fields)
        for kind, rx in todo:
            has_v = "v" in rx.groupindex
            for m in rx.finditer(text):
                s, e = m.span("v") if has_v and m.group("v") is not None else m.span()
                # Trim punctuation and spaces from the shown value, keeping the offsets true.
                while s < e and text[s] in _STRIP:
                    s += 1
                while e > s and text[e - 1] in _STRIP:
                    e -= 1
                if e - s < 2:
                    continue
                if any(k == kind and s < fe and fs < e for k, _, fs, fe in found):
                    continue
                found.append((kind, text[s:e], s, e))
        found.sort(key=lambda f: (f[2], f[0]))
        return found


# Profile "locations" that say nowhere in particular.
_NOWHERE = frozenset(
    {
        "earth",
        "planet earth",
        "worldwide",
        "world",
        "global",
        "everywhere",
        "anywhere",
        "somewhere",
        "here",
        "online",
        "the internet",
        "internet",
        "cyberspace",
        "the cloud",
        "n/a",
        "none",
        "-",
    }
)


def profile_location(value: str) -> str | None:
    """The profile's location field when it names a place (not "Earth", a pronoun or an emoji alone)."""
    v = " ".join(value.split())
    if not v or len(v) > 80 or v.casefold() in _NOWHERE or not re.search(r"[^\W\d_]{2}", v) or ("/" in v and len(v) <= 9):
        return None
    return value.strip()


def contact_facts(bio: str, account: str) -> list[Fact]:
    """E-mail addresses, phone numbers and street addresses in a public profile."""
    if not bio:
        return []
    from onrecord.detectors.pii.detector import PiiDetector

    return [
        Fact(kind="contact", value=s.text, account=account, field="bio", start=s.start, end=s.end)
        for s in PiiDetector(names=False).detect(bio, "bio")
        if s.kind in CONTACT_KINDS
    ]


def posting_routine(stamps: Sequence[str], account: str) -> Fact | None:
    """A routine shown by when the account posts: most posts in one two-hour window of the day.

    Hours are read in each timestamp's own offset (the poster's clock when the platform keeps it)."""
    hours: list[int] = []
    for st in stamps:
        try:
            hours.append(datetime.fromisoformat(st.replace("Z", "+00:00")).hour)
        except (ValueError, TypeError):
            continue
    if len(hours) < ROUTINE_MIN_POSTS:
        return None
    counts = Counter(hours)
    best = max(range(24), key=lambda h: (counts[h] + counts[(h + 1) % 24], counts[h], -h))
    share = (counts[best] + counts[(best + 1) % 24]) / len(hours)
    if share < ROUTINE_SHARE:
        return None
    value = f"{share:.0%} of {len(hours)} posts between {best:02d}:00 and {(best + 2) % 24:02d}:00"
    return Fact(kind="routine", value=value, account=account, field="posted_at")
