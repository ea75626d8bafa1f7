"""Cues from context and text that the learned model cannot see or was never trained on.

Each cue is a named log-odds nudge on one capacity, with the evidence text that explains it. The
weights are set by hand (there is no labelled data for them) and documented in docs/capacity.md;
the learned text model stays the main judge when only text is known.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import msgspec

from onrecord.detectors.base import Signals
from onrecord.detectors.multipattern import MultiPattern
from onrecord.model.post import Post


class Cue(msgspec.Struct, frozen=True):
    """A nudge of ``weight`` log-odds toward ``label``, with a human-readable reason."""

    label: str
    weight: float
    evidence: str


DONATION_HOSTS = ("actblue.com", "winred.com", "anedot.com", "ngpvan.com", "donorbox.org", "crowdpac.com")
GOV_SUFFIXES = (".gov", ".mil", ".gov.uk", ".govt.nz", ".gov.au", ".gc.ca", ".canada.ca", ".europa.eu", ".parliament.uk")
WORK_PROFILE_HOSTS = ("linkedin.com",)

_PAID_FOR = re.compile(r"\b(paid for by|authori[sz]ed by|promoted by)\b[^.\n]{0,80}", re.I)
_CAMPAIGN_SITE = re.compile(
    r"\b(for|4)(congress|senate|governor|mayor|council|assembly|president)\b|\bvote[a-z]*\.(com|org)\b", re.I
)
_DISCLAIMER = re.compile(
    r"\b(views?|opinions?|tweets?|posts?)\s+(are\s+|is\s+)?(my\s+own|mine\s+alone|personal)\b"
    r"|\b(in\s+a\s+|my\s+)personal\s+capacity\b|\bnot\s+(speaking\s+)?(on\s+behalf\s+of|for)\s+my\s+(employer|agency|department)\b"
    r"|\bpersonal\s+account\b|\bRT\s*(≠|!=|does not equal|is not)\s*endorsement\b",
    re.I,
)
_OFFICIAL_BIO = re.compile(
    r"\bofficial\s+(account|twitter|page|feed)\b|\baccount\s+of\s+the\s+(office|department|ministry)\b", re.I
)
_CAMPAIGN_BIO = re.compile(r"\b(candidate\s+for|campaign\s+(account|page)|running\s+for|re-?elect)\b", re.I)
# Office business named in the post (UK/NZ/AU council and agency words the US training data lacks).
_OFFICE_BUSINESS = re.compile(
    r"\bcllr\b|\bward\s+(surgery|surgeries|meeting|forum)\b|\bcasework\b|\bconstituen(ts?|cy)\b"
    r"|\bcouncil\s+(meeting|business|chamber|committee|resolution)\b|\bmy\s+(electorate|district)\s+office\b"
    r"|\bon\s+behalf\s+of\s+the\s+(council|department|ministry|agency|government)\b",
    re.I,
)
_OFFICE_KEYS = ("cllr", "ward", "casework", "constituen", "council", "office", "behalf")
_DISCLAIMER_KEYS = ("own", "mine", "personal", "behalf", "employer", "endorse")
_PROFESSIONAL_KEYS = (
    "as a",
    "as an",
    "in my ",
    "my ",
    "i'm",
    "i am",
    "i was",
    "i will",
    "conference",
    "webinar",
    "keynote",
    "workshop",
    "panel",
    "hiring",
    "job ",
    "open to work",
    "opentowork",
    "excited",
    "i've",
    "i have",
)
# Professional: first-person talk about one's own work, in the voice of a practitioner, not an agency.
# First-person talk about one's own work, as alternatives (order matters: the first to match at a place wins).
_PROFESSIONAL_ALTS: tuple[str, ...] = (
    r"\bas\s+an?\s+[a-z][a-z -]{2,40}?\s+(at|in|with|for)\b",
    r"^\s*as\s+an?\s+[a-z][a-z -]{2,40}?,",
    r"\bin\s+my\s+(role|work|job|career|practice|field)\b",
    r"\bmy\s+(research|paper|talk|presentation|panel|article|thesis|colleagues|team|new\s+role|field)\b",
    r"\bI(?:'m|\s+am|\s+was|\s+will\s+be)\s+(speaking|presenting|moderating|delighted\s+to\s+join|joining)\b",
    r"\b(conference|webinar|keynote|workshop|panel\s+discussion)\b",
    r"\bwe(?:'re|\s+are)\s+hiring\b",
    r"#hiring\b",
    r"\bjob\s+(opening|opportunity)\b",
    r"\bopen\s+to\s+work\b",
    r"#opentowork\b",
    r"\bexcited\s+to\s+(share|announce\s+that\s+I)\b",
    r"\bI(?:'ve|\s+have)\s+(joined|started)\b",
)
# The characters every alternative but the anchored second one starts with (after its \b): re tries the
# alternatives only where one of them stands, which halves the search over a post (same matches, same order).
_PROFESSIONAL_STARTS = r"(?=\b[aimcwkpjoe]|#)"
_PROFESSIONAL = re.compile(
    f"{_PROFESSIONAL_STARTS}(?:{_PROFESSIONAL_ALTS[0]})|{_PROFESSIONAL_ALTS[1]}|{_PROFESSIONAL_STARTS}(?:{'|'.join(_PROFESSIONAL_ALTS[2:])})",
    re.I,
)

# One Hyperscan pass over ASCII text says which of the text-cue regexes can match at all (on ASCII
# text Python's Unicode classes and case folding are ASCII ones, so a "no" is exact); other text, or
# no Hyperscan, goes through the keyword tests and the regexes as before.
_TEXT_CUE_GATE = MultiPattern.cached(
    [
        (_PAID_FOR.pattern, "paid"),
        (_OFFICE_BUSINESS.pattern, "office"),
        (_DISCLAIMER.pattern, "disclaimer"),
        ("|".join(_PROFESSIONAL_ALTS), "professional"),  # as written: Hyperscan has no look-ahead
    ],
    caseless=True,
)


# Signal kinds from detectors (detectors/political.py) that move capacity; read from the post's own
# words and links only (a bio is account context, handled above).
SIGNAL_CUES: dict[str, Cue] = {
    "paid_for_by": Cue("political", 3.0, "'paid for by' campaign disclaimer"),
    "donation_link": Cue("political", 2.5, "link to a donation platform"),
    "fundraising_link": Cue("political", 2.0, "link to a fundraising page"),
    "donation_ask": Cue("political", 1.5, "asks for campaign donations"),
    "campaign_link": Cue("political", 1.5, "link to a candidate or party site"),
    "campaign_handle": Cue("political", 1.0, "campaign handle or hashtag"),
    "campaign_activity": Cue("political", 1.0, "campaign activity (canvassing, party meeting)"),
    # Speaking as the agency is the mark of official capacity (NZ SSC: "the agency's representative making
    # official comment"); strong enough to outweigh the personal-account prior when the text agrees.
    "agency_voice": Cue("official", 2.0, "speaks as the agency"),
    # Claiming the agency's backing is what a personal post does, not what the agency's own voice does
    # (OGE LA-15-03 "appearance of sanction"): it leans away from official, and the position checks judge it.
    "agency_claim": Cue("private", 2.0, "claims the agency's backing from a non-agency voice"),
    "disclaimer": Cue("private", 1.0, "disclaimer ('views my own')"),
    "professional_cue": Cue("professional", 1.5, "first-person talk about own work"),
    "title_invocation": Cue("professional", 1.5, "invokes own job or title"),
}
SIGNAL_FIELDS = ("text", "comment", "links")


def host_of(url: str) -> str:
    """Lower-case host name of ``url`` ('' when it has none)."""
    if "://" not in url:
        url = "http://" + url
    try:
        return (urlsplit(url).hostname or "").lower()
    except ValueError:
        return ""


def _host_matches(host: str, suffixes: tuple[str, ...]) -> bool:
    return any(host == s.lstrip(".") or host.endswith(s if s.startswith(".") else "." + s) for s in suffixes)


# The look-ahead lets re skip every place that cannot start a link (same matches, half the time).
_URL_HOST = re.compile(r"(?=[hw])(?:https?://|\bwww\.)([^/\s:?#]+)", re.I)
_SHORTENERS = frozenset({"t.co", "bit.ly", "ow.ly", "buff.ly", "tinyurl.com", "goo.gl"})


def link_hosts(post: Post) -> list[str]:
    """Hosts of the post's links, shared URL and URLs written in its text or comment (short links dropped)."""
    urls = [*post.links, *([post.shared_url] if post.shared_url else [])]
    hosts = [host_of(u) for u in urls]
    for part in (post.text, post.comment):
        if "http" in part or "www." in part:
            hosts += [h.lower() for h in _URL_HOST.findall(part)]
    return [h for h in hosts if h and h not in _SHORTENERS]


def context_cues(post: Post, signals: Signals | None) -> list[Cue]:
    """All cues for ``post`` (except the account kind, which assess() handles)."""
    out: list[Cue] = []
    seen: set[str] = set()

    def add(key: str, cue: Cue) -> None:
        if key not in seen:
            seen.add(key)
            out.append(cue)

    words = post.comment + "\n" + post.text
    hosts = link_hosts(post)
    for h in hosts:
        if _host_matches(h, DONATION_HOSTS):
            add("donation_link", Cue("political", 2.5, f"link to a donation platform: {h}"))
        elif _host_matches(h, GOV_SUFFIXES):
            add("gov_link", Cue("official", 0.7, f"link to a government site: {h}"))
        elif _host_matches(h, WORK_PROFILE_HOSTS):
            add("work_link", Cue("professional", 1.0, f"link to a work profile: {h}"))
        elif _CAMPAIGN_SITE.search(h):
            add("campaign_site", Cue("political", 1.5, f"link to a campaign site: {h}"))
    low = words.lower()
    # Cheap tests first (the gate, then substrings): most posts carry none of these cues.
    may = _TEXT_CUE_GATE.gate_kinds(words)
    m = _PAID_FOR.search(words) if (may is None or "paid" in may) and " by " in low else None
    if m and re.search(r"committee|campaign|for\s+(congress|senate|mayor|council|governor|president)|party", m.group(0), re.I):
        add("paid_for_by", Cue("political", 3.0, f"campaign disclaimer: '{m.group(0).strip()[:60]}'"))
    if (may is None or "office" in may) and any(k in low for k in _OFFICE_KEYS):
        m = _OFFICE_BUSINESS.search(words)
        if m:
            add("office_business", Cue("official", 1.5, f"office business named: '{m.group(0)}'"))
    if (may is None or "disclaimer" in may) and any(k in low for k in _DISCLAIMER_KEYS):
        m = _DISCLAIMER.search(words)
        if m:
            add("disclaimer", Cue("private", 1.0, f"disclaimer: '{m.group(0)}'"))
    prof = (may is None or "professional" in may) and any(k in low for k in _PROFESSIONAL_KEYS)
    first = _PROFESSIONAL.search(words) if prof else None
    if first:
        more = _PROFESSIONAL.search(words, first.end()) is not None
        w = 2.5 if more else 1.5
        add("professional_cue", Cue("professional", w, f"first-person talk about own work: '{first.group(0)}'"))
    if post.platform == "linkedin":
        add("work_platform", Cue("professional", 2.0, "work-profile platform: linkedin"))
    acct = post.account
    bio = " ".join(x for x in (acct.bio, acct.display_name) if x)
    if bio:
        if _PAID_FOR.search(bio) or _CAMPAIGN_BIO.search(bio):
            add("campaign_bio", Cue("political", 1.5, "bio/display name reads as a campaign account"))
        elif _OFFICIAL_BIO.search(bio):
            add("official_bio", Cue("official", 1.5, "bio says it is an official account"))
        if _DISCLAIMER.search(bio):
            add("bio_disclaimer", Cue("private", 0.7, "bio disclaimer ('views my own')"))
    title = post.author.title.strip()
    # A title in a profile is ordinarily fine (OGE LA-15-03 §2); only a title used in a post counts.
    if post.action != "profile" and title and len(title) > 3 and title.lower() in low:
        add("title_in_text", Cue("official", 0.5, f"official title used in the post: '{title}'"))
    if signals is not None:
        for kind in sorted(SIGNAL_CUES.keys() & signals.found_kinds()):  # cue kinds come from eager detectors
            cue = SIGNAL_CUES[kind]
            found = signals.of(kind, fields=SIGNAL_FIELDS)
            if found:
                add(kind, Cue(cue.label, cue.weight, f"{cue.evidence}: '{found[0].text[:60]}'"))
    return out
