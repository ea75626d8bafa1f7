"""Personal data of third parties (members of the public, clients, residents, colleagues)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache

from onrecord.checks.base import Check, CheckContext, Hit
from onrecord.detectors.multipattern import MultiPattern
from onrecord.detectors.pii.names import TITLES
from onrecord.detectors.spans import EndIndex
from onrecord.model.finding import Fix, Span
from onrecord.model.signal import Signal

PLACEHOLDER: dict[str, str] = {
    "PERSON": "[name removed]",
    "EMAIL_ADDRESS": "[email removed]",
    "PHONE_NUMBER": "[phone removed]",
    "STREET_ADDRESS": "[address removed]",
    "CREDIT_CARD": "[card number removed]",
    "IBAN_CODE": "[bank account removed]",
    "US_SSN": "[SSN removed]",
    "UK_NINO": "[NI number removed]",
    "UK_NHS": "[NHS number removed]",
    "NZ_IRD": "[IRD number removed]",
    "AU_TFN": "[TFN removed]",
    "CA_SIN": "[SIN removed]",
    "IP_ADDRESS": "[IP address removed]",
    "CASE_REFERENCE": "[reference removed]",
    "DATE_OF_BIRTH": "[date of birth removed]",
}
LABEL: dict[str, str] = {
    "PERSON": "a person's name",
    "EMAIL_ADDRESS": "an email address",
    "PHONE_NUMBER": "a phone number",
    "STREET_ADDRESS": "a street address",
    "CREDIT_CARD": "a payment card number",
    "IBAN_CODE": "a bank account (IBAN)",
    "US_SSN": "a Social Security number",
    "UK_NINO": "a National Insurance number",
    "UK_NHS": "an NHS number",
    "NZ_IRD": "an IRD number",
    "AU_TFN": "a tax file number",
    "CA_SIN": "a Social Insurance Number",
    "IP_ADDRESS": "an IP address",
    "CASE_REFERENCE": "a case or reference number",
    "DATE_OF_BIRTH": "a date of birth",
}
MIN_SCORE = 0.6

# The organisation's own contact details, an event venue, or a public service line: not third-party data.
ORG_CONTEXT = re.compile(
    r"(?i)(?:\b(?:call|contact|reach|email|e-mail|write to|visit|call or text|text)\s+(?:us|me|my|our|the)\b|"
    r"\b(?:my|our|the)\s+(?:\w+\s+){0,2}(?:office|offices|team|staff|hotline|helpline|line|website|inbox|desk)\b|"
    r"\boffice\b|\bhotline\b|\bhelpline\b|\btoll[- ]free\b|\brsvp\b|\bregister\b|\bquestions\b|\bmore info|"
    r"\binformation\b|\bassistance\b|\bhelp\b|\bsupport\b|\bappointment|\bconstituents?\b|\bevent\b|\btown ?hall\b|"
    r"\blocated\b|\blocation\b|\bvenue\b|\bheld at\b|\bjoin us\b|\bcome by\b|\bopen\b|\bhours\b|\bfax\b|\bcentre\b|"
    r"\bcenter\b|\blibrary\b|\bschool\b|\bchurch\b|\bhall\b|\bpark\b|\bsite\b|\bclinic\b|\bbuilding\b|"
    # an event's time and place: "rally ... 8:00 at Auditorium Shores (900 West Riverside Dr.)"
    r"\brally\b|\bsee you (?:at|there|on)\b|\b\d{1,2}(?::\d{2})?\s*(?:[ap]\.?m\.?\s+)?at\b)"
)
PUBLIC_LINE = re.compile(r"^\+?1?[\s.\-(]*(?:800|888|877|866|855|844|833|0800|0808|1800|1300|13)\b|^(?:311|211|988|111|911)$")
ORG_EMAIL = re.compile(
    r"(?i)(?:\.gov|\.gov\.\w\w|\.govt\.nz|\.gc\.ca|\.mil|\.parliament\.\w+|\.parliament\.uk|\.edu|\.org|\.int)$|"
    r"^(?:info|contact|press|media|enquiries|inquiries|help|hello|office|admin|team|support|comms|news|events|"
    r"feedback|casework|constituent\w*|scheduling|service\w*|aloha|apply|jobs|careers|volunteer\w*|donate|donations|"
    r"tips|rsvp|register|registration|membership|orders|sales|billing|webmaster|noreply|no-reply|hr)@"
)
# Phrases that tie a name (or an address, a phone) to a private person's affairs.
_PRIVATE_NOUNS = (
    r"(?:case|file|claim|benefits?|address|phone|mobile|cell|number|diagnosis|condition|debts?|"
    r"application|complaint|records?|details|email|medical|health|arrest)"
)
PRIVATE_CONTEXT = re.compile(
    r"(?i)\b(?:complain(?:t|ts|ed|ing)\b|claimant|patient|tenant|(?<!their )(?<!our )(?<!your )lives (?:at|on|in)|home address|"
    r"date of birth|dob|"
    r"(?:his|her|their)\s+" + _PRIVATE_NOUNS + r")\b"
)
# A superset of what PRIVATE_CONTEXT can match in a window once a name is blanked out of it
# ("their Smith case" -> "their   case"): when it does not match, names cannot make a finding.
# Hyperscan and this pattern are ASCII: \W+ stands for (Unicode) whitespace so the gate stays a superset.
PRIVATE_GATE = MultiPattern.cached(
    [
        (
            r"\b(?:complain(?:t|ts|ed|ing)\b|claimant|patient|tenant|lives (?:at|on|in)|home address|date of birth|dob|"
            r"(?:his|her|their)\W+(?:\S+\W+){0,4}" + _PRIVATE_NOUNS + r")\b",
            "private",
        )
    ],
    caseless=True,
).share()
# Hyperscan supersets of ORG_CONTEXT and PRIVATE_CONTEXT (the look-behinds dropped). On text Hyperscan reads
# as Python does (ascii_semantics) a gate without a hit means no match, and the regex (5-8 us a call) is skipped.
_ORG_GATE = MultiPattern.cached([(ORG_CONTEXT.pattern, "org")], caseless=True)
_PRIVATE_CONTEXT_GATE = MultiPattern.cached([(re.sub(r"\(\?<!\w+ \)", "", PRIVATE_CONTEXT.pattern), "private")], caseless=True)


def _org_context(text: str) -> bool:
    """``ORG_CONTEXT.search(text)``, gated."""
    return _ORG_GATE.gate_kinds(text) != set() and ORG_CONTEXT.search(text) is not None


def _private_context(text: str) -> bool:
    """``PRIVATE_CONTEXT.search(text)``, gated."""
    return _PRIVATE_CONTEXT_GATE.gate_kinds(text) != set() and PRIVATE_CONTEXT.search(text) is not None


NOT_NAMES = tuple(k for k in PLACEHOLDER if k != "PERSON")
_NOT_NAMES_SET = frozenset(NOT_NAMES)
PUBLIC_IN_NAME = re.compile(
    r"(?i)^(?:president|vice president|vp|senator|sen\.?|rep\.?|representative|speaker|governor|gov\.?|mayor|"
    r"secretary|leader|minister|premier|former|chairman|chairwoman|chair|commissioner|judge|justice|general|"
    r"potus|flotus|scotus)\b"
)


_WORD = re.compile(r"\w+")


_LETTERS = re.compile(r"[^\W\d_]+")


@lru_cache(maxsize=4096)  # the author's own words repeat for every post of an account
def _words(*names: str) -> frozenset[str]:
    """Lower-cased words of two letters or more in ``names`` (the author's name, handle, organisation)."""
    return frozenset(w for n in names for w in _WORD.findall(n.lower()) if len(w) > 1)


@lru_cache(maxsize=4096)
def _name_words(name: str) -> frozenset[str]:
    """The words that tell one person from another: letters only, no initials, no titles ("Mrs", "Dr")."""
    return frozenset(w for w in _LETTERS.findall(name.lower()) if len(w) > 1 and w not in TITLES and w + "." not in TITLES)


def _own_name(name: str, own: frozenset[str]) -> bool:
    """Every word of ``name`` is one of the author's: "Ngata" or "Dr Mere Ngata" on Mere Ngata's account.

    Sharing one word is not enough: "Aroha Ngata" on Mere Ngata's account is someone else (a relative, a
    constituent with the same surname), and so is "Jo Wellington" on Wellington City Council's.
    """
    words = _name_words(name)
    return bool(words) and words <= own


class PersonalDataThirdParty(Check):
    """Personal data of someone other than the author: contact details, identifiers, names tied to private matters.

    **What it flags.** Phone numbers, email addresses, street addresses, payment cards (Luhn),
    IBANs (mod-97), national identifiers checked by their checksum (US SSN, UK NINO and NHS number,
    NZ IRD, AU TFN, CA SIN), IP addresses, case/claim/reference numbers, dates of birth, and person
    names when the post ties them to private matters (a complaint, a claim, a case, a health or
    benefits issue, or other personal data in the same post). Not flagged: the author's own name,
    handle and organisation; public officials and public figures (a title such as "Minister" or
    "Senator" before the name, or the public-figures list); the organisation's own contact details,
    venues and public service lines (context such as "call our office", toll-free numbers, .gov
    addresses).

    **Why it matters.** Codes of conduct and privacy law forbid disclosing personal information
    obtained at work (NZ Code standard 12 and the Privacy Act 2020; UK GDPR and the Civil Service
    Code; APS Code s13(10) and the Privacy Act 1988; Canada's Privacy Act; congressional casework
    privacy releases). A post is permanent and public.

    **Example.** "Call Mrs Jones on 021 555 0123 about her claim" from an official account.

    **Better.** "We have contacted the resident directly about their claim."

    **Fix safety.** Safe: the span is replaced with a typed placeholder such as "[phone removed]";
    nothing else in the post changes.
    """

    code = "PD01"
    name = "personal_data.third_party"
    groups = ("personal_data", "core")
    topics = ("personal_data",)

    def evaluate(self, ctx: CheckContext) -> Iterator[Hit]:
        post = ctx.post
        if post.action in ("like", "profile"):
            return
        fields = ("text", "comment")
        # only the kinds the post can hold, in NOT_NAMES order (asking for all fourteen costs more)
        present = ctx.signals.possible_kinds()
        kinds = [] if present.isdisjoint(_NOT_NAMES_SET) else [k for k in NOT_NAMES if k in present]
        sigs = [s for s in ctx.signals.of(*kinds, fields=fields) if s.score >= MIN_SCORE] if kinds else []
        # Names are asked for (and the name tagger run) only when they can change the answer: with other
        # personal data in the post, or words that tie a name to private matters (one Hyperscan pass each).
        if sigs or (post.text and PRIVATE_GATE.search(post.text)) or (post.comment and PRIVATE_GATE.search(post.comment)):
            sigs.extend(s for s in ctx.signals.of("PERSON", fields=fields) if s.score >= MIN_SCORE)
        if not sigs:
            return
        texts = {"text": post.text, "comment": post.comment}
        own = _words(post.author.name, post.account.display_name, post.account.handle.lstrip("@"), post.author.organisation)
        people = [
            p
            for p in sigs
            if p.kind == "PERSON"
            and not p.evidence.startswith("public_figure")
            and not PUBLIC_IN_NAME.match(p.text)
            and not _own_name(p.text, own)
        ]

        def person_near(x: Signal) -> bool:  # a name ends at most 40 characters before it
            return any(p.field == x.field and 0 <= x.start - p.end <= 40 for p in people)

        if len(people) > 8:  # a long text: a look-up per signal, not a pass over every name
            person_ends = {f: EndIndex(p.end for p in people if p.field == f) for f in fields}

            def person_near(x: Signal) -> bool:
                return person_ends[x.field].any_between(x.start - 40, x.start) if x.field in person_ends else False

        private_in: dict[str, bool] = {}

        def whole_private(field: str) -> bool:  # asked once per field, not once per address (a long text has many)
            if field not in private_in:
                private_in[field] = _private_context(texts.get(field) or "")
            return private_in[field]

        kept: list[Signal] = []
        for s in sigs:
            text = texts.get(s.field, "")
            before = text[max(0, s.start - 60) : s.start]
            if s.kind == "PERSON":
                if s.evidence.startswith("public_figure") or PUBLIC_IN_NAME.match(s.text):
                    continue
                if _own_name(s.text, own):
                    continue
            elif s.kind == "EMAIL_ADDRESS":
                local, _, domain = s.text.lower().partition("@")
                # "mere.ngata@" or "cityparks@" is the author's address, "aroha.ngata@" is not; a domain named
                # after the author or the organisation is theirs whatever the mailbox
                if ORG_EMAIL.search(s.text) or _own_name(local, own) or _words(domain.split(".")[0]) & own:
                    continue
                if _org_context(before):
                    continue
            elif s.kind == "PHONE_NUMBER":
                if PUBLIC_LINE.match(s.text.strip()):
                    continue
                # "call Mrs Jones on ..." is a person's number; "call 555-0100 to book" is a service line
                if not (person_near(s) or _private_context(before)):
                    continue
            elif s.kind == "STREET_ADDRESS" and (_org_context(before) or not (whole_private(s.field) or person_near(s))):
                continue
            kept.append(s)
        # A name is personal data here only when tied to private matters or to other personal data.
        others = [s for s in kept if s.kind != "PERSON"]
        out: list[Signal] = []
        for s in kept:
            if s.kind == "PERSON":
                text = texts.get(s.field, "")
                window = text[max(0, s.start - 60) : s.end + 60]
                if not others and not _private_context(window.replace(s.text, " ")):
                    continue
            out.append(s)
        for s in out:
            yield Hit(
                topic="personal_data",
                message=f"Contains {LABEL[s.kind]} of someone other than the author ('{s.text}').",
                span=Span(start=s.start, end=s.end, text=s.text, field=s.field),
                entity=s.kind,
                fix=Fix(applicability="safe", title=f"Replace with {PLACEHOLDER[s.kind]}", replacement=PLACEHOLDER[s.kind]),
            )


CHECKS: list[type[Check]] = [PersonalDataThirdParty]
