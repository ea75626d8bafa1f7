"""Sensitive details about a particular person: criminal record, health, benefits and debts, immigration,
child protection.

Signal kind ``sensitive_detail`` (``evidence`` is ``<category>: <how the person is referred to>``), found
only where the detail belongs to someone other than the author:

* ``addressee``: "your conviction", "your benefit was stopped", "you were arrested". The check decides
  whether "you" is one person (a reply, a post opening with an @mention); in a broadcast ("your visa
  application can be lodged online") it is everyone.
* ``third_party``: a client, claimant, tenant, applicant, resident, patient, caller or complainant and
  their detail ("the claimant's conviction", "the tenant has been evicted", "this client ... her
  diagnosis").

A conditional or general statement ("if you were convicted", "whether your visa ...") is not a detail
about anyone. The words are English only, from the privacy rules' special categories (criminal
offences, health, financial hardship, immigration, care of children); the categories are ours.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache

from onrecord.detectors.multipattern import MultiPattern
from onrecord.model.signal import Signal

I = re.IGNORECASE  # noqa: E741 - short alias keeps the pattern table readable

# Nouns (after "your/his/her/their/the claimant's", up to two words between) per category.
_NOUNS: dict[str, str] = {
    "criminal": r"convictions?|criminal (?:record|history|charges?|conviction)|arrests?|parole|probation|jail time|"
    r"prison (?:term|sentence|time)|offending|court case",
    "health": r"diagnosis|medical (?:records?|history|condition|notes|file)|(?:mental|sexual) health (?:condition|history|diagnosis|records?|issues?|problems?)|"
    r"hiv(?: status)?|psychiatric (?:history|treatment|condition)|addiction|(?:drug|alcohol) (?:use|problem|test|addiction)|"
    r"pregnancy|miscarriage|abortion|disability (?:claim|assessment)|cancer",
    "benefits": r"benefits? (?:debt|overpayment|sanction|suspension|cancellation)|overpayment|debt to (?:us|the (?:department|ministry|agency|council))|"
    r"rent arrears|arrears|bankruptcy|eviction|credit (?:history|score|rating)",
    "immigration": r"immigration (?:status|case|history)|visa (?:refusal|cancellation|status)|deportation|asylum (?:claim|application|case)|"
    r"residency (?:application|refusal)",
    "child_protection": r"custody (?:case|dispute|battle|hearing)|(?:cps|child protection|oranga tamariki|social services|care) (?:case|file|report|involvement)",
}
# Events said of "you" / the person: "you were convicted", "the tenant has been evicted".
_EVENTS: dict[str, str] = {
    "criminal": r"convicted|arrested|charged with|jailed|imprisoned|sentenced|on parole|on probation",
    "health": r"diagnosed with|admitted to (?:hospital|a psychiatric)|sectioned|hiv positive",
    "benefits": r"sanctioned|declared bankrupt|evicted|(?:overpaid|in arrears)",
    "immigration": r"deported|refused a visa|denied a visa|(?:an )?illegal immigrant|undocumented|(?:an )?overstayer",
    "child_protection": r"(?:children|kids|child|baby) (?:were |was )?(?:removed|taken into care|uplifted)",
}
# Someone the author deals with at work, referred to by role.
_ROLE = r"(?:the|this|that|a|our|my) (?:client|claimant|applicant|tenant|resident|patient|caller|complainant|customer|beneficiary|service user|constituent)"
_STATED = r"(?:were|was|are|is|have been|has been|had been|got|have|has)"
_GAP = r"(?:[\w'’-]+ ){0,2}?"
# A conditional or a statement about people in general (earlier in the same sentence) is not a detail about someone.
_GENERAL = re.compile(
    r"(?i)\b(?:if|whether|when|once|unless|in case|even if|anyone|everyone|people|those|someone)\b[^.?!]{0,120}$"
)


def _alternation(table: dict[str, str], named: bool) -> str:
    return "|".join(f"(?P<{cat}>{alt})" if named else f"(?:{alt})" for cat, alt in table.items())


def _sources(named: bool) -> list[tuple[str, str]]:
    """``(who, regex)`` pairs; ``named=False`` gives the same regexes without named groups (for Hyperscan)."""
    nouns = _alternation(_NOUNS, named)
    events = _alternation(_EVENTS, named)
    return [
        ("addressee", rf"\byour {_GAP}(?:{nouns})\b"),
        ("addressee", rf"\byou {_STATED} (?:been )?(?:{events})\b"),
        ("third_party", rf"\b{_ROLE}(?:'s|’s) {_GAP}(?:{nouns})\b"),
        ("third_party", rf"\b{_ROLE} {_STATED} (?:been )?(?:{events})\b"),
        # "the client ... her diagnosis": a pronoun within a few words of the role noun
        ("third_party", rf"\b{_ROLE}\b[^.?!]{{0,60}}?\b(?:his|her|their) {_GAP}(?:{nouns})\b"),
    ]


@lru_cache(maxsize=1)
def _patterns() -> list[tuple[str, re.Pattern[str]]]:
    return [(who, re.compile(src, I)) for who, src in _sources(named=True)]


@lru_cache(maxsize=1)
def _gate() -> MultiPattern:
    """The patterns relaxed into a superset that Hyperscan reads the same on any text: no ``\\b``, and a gap
    word is any run of non-space (Python's Unicode ``\\w``, ``'``, ``’`` and ``-`` are all non-space). One
    pass (about 0.7 us a post) instead of five regexes; 3 of the 48,072 shared dev texts pass it."""
    relaxed = [src.replace(r"\b", "").replace("[\\w'’-]", r"\S") for _, src in _sources(named=False)]
    return MultiPattern.cached([(r, "sensitive") for r in relaxed], caseless=True).share()


class SensitiveDetector:
    """``sensitive_detail`` signals: a person's criminal, health, benefit, immigration or care details."""

    name = "sensitive"

    def __init__(self) -> None:
        _gate()  # compiled (or loaded) now, so that it joins the shared pass with the other detectors' gates

    def detect(self, text: str, field: str) -> Iterable[Signal]:
        if field not in ("text", "comment"):
            return []
        if not _gate().candidates(text):
            return []
        out: list[Signal] = []
        for who, pat in _patterns():
            for m in pat.finditer(text):
                if _GENERAL.search(text, max(0, m.start() - 140), m.start()):
                    continue
                cat = next(k for k, v in m.groupdict().items() if v is not None)
                out.append(
                    Signal(
                        kind="sensitive_detail",
                        start=m.start(),
                        end=m.end(),
                        text=m.group(),
                        score=0.9,
                        field=field,
                        detector=self.name,
                        evidence=f"{cat}: {who}",
                    )
                )
        return out
