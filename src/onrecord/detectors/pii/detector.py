"""The personal-data detector: patterns + checksums + context words + the name tagger.

Signal kinds are the contract's entity names (PERSON, EMAIL_ADDRESS, PHONE_NUMBER, STREET_ADDRESS,
CREDIT_CARD, IBAN_CODE, US_SSN, UK_NINO, UK_NHS, NZ_IRD, AU_TFN, CA_SIN, IP_ADDRESS, CASE_REFERENCE,
DATE_OF_BIRTH). ``evidence`` says why (checksum, context word, honorific) and marks public figures
(``public_figure: …``) so checks can leave them alone. The detector reports what is there; the
policy (whose data, whether it matters) lives in check PD01.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache
from importlib import resources

import msgspec

from onrecord.detectors.multipattern import MultiPattern, select_leftmost_longest
from onrecord.detectors.normalise import Normalised, fold_light, map_signal
from onrecord.detectors.pii import checksums as ck
from onrecord.detectors.pii import patterns as P
from onrecord.detectors.pii.names import NameTagger
from onrecord.detectors.spans import DisjointSpans, SpanIndex
from onrecord.model.signal import Signal

ENTITIES: tuple[str, ...] = (
    "PERSON",
    "EMAIL_ADDRESS",
    "PHONE_NUMBER",
    "STREET_ADDRESS",
    "CREDIT_CARD",
    "IBAN_CODE",
    "US_SSN",
    "UK_NINO",
    "UK_NHS",
    "NZ_IRD",
    "AU_TFN",
    "CA_SIN",
    "IP_ADDRESS",
    "CASE_REFERENCE",
    "DATE_OF_BIRTH",
)

_IN_LONGER_NUMBER = re.compile(r"\.\d")
_ENDS_NUMBER_DOT = re.compile(r"\d\.")

# Identifier context: the words that must (or may) sit before a bare number for it to count as that id.
ID_CONTEXT: list[tuple[str, re.Pattern[str]]] = [
    ("US_SSN", re.compile(r"(?i)\b(?:ssn|social security|ss#)\b[^.\n\d]{0,24}$")),
    ("UK_NHS", re.compile(r"(?i)\bnhs\b[^.\n\d]{0,24}$")),
    ("NZ_IRD", re.compile(r"(?i)\b(?:ird|inland revenue|tax (?:number|no\.?)|gst)\b[^.\n\d]{0,24}$")),
    ("AU_TFN", re.compile(r"(?i)\b(?:tfn|tax file)\b[^.\n\d]{0,24}$")),
    ("CA_SIN", re.compile(r"(?i)\b(?:sin|social insurance)\b[^.\n\d]{0,24}$")),
]
ID_CHECK = {"US_SSN": (9,), "UK_NHS": (10,), "NZ_IRD": (8, 9), "AU_TFN": (8, 9), "CA_SIN": (9,)}
ID_VALID = {
    "US_SSN": ck.us_ssn,
    "UK_NHS": ck.uk_nhs,
    "NZ_IRD": ck.nz_ird,
    "AU_TFN": ck.au_tfn,
    "CA_SIN": ck.ca_sin,
}
IBAN_CS = re.compile(r"[A-Z]{2}\d{2}(?: ?[A-Z0-9])+")
SSN_SHAPE = re.compile(r"^\d{3}-\d{2}-\d{4}$")
CARD_SHAPE = re.compile(r"^(?:\d{4}[ \-]?){3}\d{1,7}$|^\d{4}[ \-]?\d{6}[ \-]?\d{4,5}$|^\d{12,19}$")
NHS_SHAPE = re.compile(r"^\d{3} \d{3} \d{4}$")
_NHS_WORD = re.compile(r"(?i)\bnhs\b")
_YEAR_RANGE = re.compile(r"(?:19|20)\d\d[\s\-/]+(?:19|20)\d\d")

_NAME_TITLES = (
    r"Mr|Mrs|Ms|Miss|Mx|Dr|Prof|Sir|Dame|Madam|[Rr]esident|[Cc]onstituent|[Cc]lient|[Pp]atient|[Tt]enant|"
    r"[Aa]pplicant|[Cc]laimant|[Nn]eighbou?r|[Cc]ustomer|[Ss]tudent|[Pp]upil"
)
TITLE_NAME = re.compile(rf"\b(?:{_NAME_TITLES})\.?\s+(?P<n>{P.CAPW}(?:[ \t]+(?:[{P.UP}]\.|{P.CAPW})){{0,2}})")
_LINE = re.compile(r"[^\n]+")
_PUBLIC_TITLES = (
    r"minister|ministers|senator|sen\.|rep\.|representative|congressman|congresswoman|congressmember|mp|"
    r"president|vice president|prime minister|premier|governor|gov\.|mayor|councillor|councilor|council member|"
    r"secretary|speaker|chancellor|judge|justice|leader|chair|chairman|chairwoman|ambassador|commissioner|"
    r"attorney general|ag|lt\.? gov\.?|lieutenant governor|king|queen|prince|princess|pope|general|gen\.|"
    r"sheriff|superintendent|chief|director|deputy|colleague|colleagues|leader"
)
PUBLIC_TITLE = re.compile(rf"(?i)\b(?:{_PUBLIC_TITLES})\s+$")
# The last word of each title: text that does not end in one of them (then white space) cannot match.
_PUBLIC_TITLE_ENDS = tuple(sorted({re.findall(r"[a-z]+", t)[-1] for t in _PUBLIC_TITLES.split("|")}))


def _public_title(before: str) -> bool:
    r"""``PUBLIC_TITLE.search(before)``; the regex (about 6 us on 40 characters) only runs when ASCII
    text ends in a title's last word and white space (``str.rstrip`` and re's ``\s`` agree)."""
    if before.isascii():
        t = before.rstrip()
        if len(t) == len(before) or not t.lower().rstrip(".").endswith(_PUBLIC_TITLE_ENDS):
            return False
    return PUBLIC_TITLE.search(before) is not None


NAME_STOP = frozenset(
    [
        "dems",  # party nickname the tagger reads as a name
        "inc",
        "inc.",
        "ltd",
        "ltd.",
        "llc",
        "corp",
        "corp.",
        "corporation",
        "company",
        "co",
        "co.",
        "group",
        "orchestra",
        "band",
        "university",
        "college",
        "school",
        "hospital",
        "council",
        "ministry",
        "department",
        "agency",
        "street",
        "st",
        "st.",
        "road",
        "rd",
        "avenue",
        "ave",
        "apt",
        "apt.",
        "suite",
        "union",
        "pass",
        "bridge",
        "foundation",
        "trust",
        "bank",
        "club",
        "church",
        "party",
        "committee",
        "act",
        "bill",
        "fc",
        "shelter",
        "center",
        "centre",
        "police",
        "bureau",
        "services",
        "administration",
        "admin",
        "pharmaceuticals",
        "patrol",
        "harbor",
        "harbour",
        "lake",
        "river",
        "county",
        "city",
        "state",
        "house",
        "senate",
        "congress",
        "court",
        # venues and bodies: "Sonoma Marin Fairgrounds", "Mill Village", "Collective Network" are places, not people
        "fairgrounds",
        "fairground",
        "library",
        "stadium",
        "arena",
        "clinic",
        "station",
        "museum",
        "academy",
        "plaza",
        "airport",
        "mall",
        "network",
        "institute",
        "association",
        "society",
        "hotel",
        "restaurant",
        "cafe",
        "café",
        "theatre",
        "theater",
        "gallery",
        "township",
        "district",
        "assembly",
        "parliament",
        "village",
        "square",
        "gardens",
        "boulevard",
        "blvd",
        "drive",
        "cathedral",
        "mosque",
        "synagogue",
        "pantry",
        "campus",
        "coalition",
        "alliance",
        "federation",
    ]
)
NAME_DROP_FIRST = frozenset(
    [
        "mr",
        "mr.",
        "mrs",
        "mrs.",
        "ms",
        "ms.",
        "dr",
        "dr.",
        "prof",
        "prof.",
        "miss",
        "mx",
        "sir",
        "dame",
        "madam",
        "dear",
        "hi",
        "hello",
        "hey",
        "thanks",
        "thank",
        "congratulations",
        "congrats",
        "happy",
        "welcome",
        "call",
        "dear",
    ]
)


@lru_cache(maxsize=1)
def public_figures() -> frozenset[str]:
    """Lower-cased names of public figures (data/public_figures.txt, one a line)."""
    ref = resources.files("onrecord.detectors.pii").joinpath("data/public_figures.txt")
    try:
        lines = ref.read_text(encoding="utf-8").splitlines()
    except FileNotFoundError:
        return frozenset()
    return frozenset(x.strip().lower() for x in lines if x.strip() and not x.startswith("#"))


@lru_cache(maxsize=1)
def _title_gate() -> MultiPattern:
    """The title words alone (ASCII literals, case as written): no hit, no TITLE_NAME match, in any text."""
    return MultiPattern.cached([(_NAME_TITLES, "title")], caseless=False)


@lru_cache(maxsize=1)
def _address_gate() -> MultiPattern:
    return MultiPattern.cached(P.ADDRESS_GATES, caseless=False)


@lru_cache(maxsize=1)
def _named_gate() -> MultiPattern:
    return MultiPattern.cached([(P.NAMED_LITERALS, "named")], caseless=False)


def _named_possible(text: str, gate: set[str] | None) -> bool:
    """Can ADDRESS_NAMED_RE match ``text``: the address gate's answer, or else (text it cannot read) the literal
    gate's over the lower-cased text, where that is exact."""
    if gate is not None:
        return "named" in gate
    low = text.lower()
    return not P.named_hint_exact(text, low) or bool(_named_gate().candidates(low))


# P.TRIGGERS compiled as MultiPattern compiles them (caseless), for _triggers.
_TRIGGER_KINDS: list[str] = [k for _, k in P.TRIGGERS]
_TRIGGER_RE: list[re.Pattern[str]] = [re.compile(p, re.ASCII | re.IGNORECASE) for p, _ in P.TRIGGERS]
# Trigger kinds used only as "may match" gates for exact patterns: their spans are never read.
_GATE_KINDS = frozenset(["ADDRESS", "CASE_REFERENCE", "DATE_OF_BIRTH"])

# (text, field) -> (folded text, identifier signals on it), shared by every PiiDetector; bounded, cleared when full.
_IDENTIFIERS: dict[tuple[str, str], tuple[Normalised, list[Signal]]] = {}
_IDENTIFIERS_MAX = 4096


class PiiDetector:
    """Finds personal data in text. Build once (compiles patterns, loads the tagger)."""

    name = "pii"
    normalise = False  # identifiers must be seen as written (leetspeak folding would break digits)

    def __init__(self, names: bool = True) -> None:
        self.mp = MultiPattern.cached(P.TRIGGERS, caseless=True).share()
        # names=False: no PERSON signals at all (the engine runs names on demand: PersonNameDetector)
        self.names = names
        self.tagger: NameTagger | None = NameTagger.load() if names else None
        self.public = public_figures()

    # -- numbers -------------------------------------------------------------------------------------
    def _number(self, text: str, s: int, e: int) -> tuple[str, int, int, float, str] | None:
        raw = text[s:e]
        # trim brackets/separators the trigger swallowed at the edges
        while raw and raw[-1] in " \t.-/(":
            raw = raw[:-1]
            e -= 1
        while raw and raw[0] in " \t.-/)":
            raw = raw[1:]
            s += 1
        if raw.endswith(")") and "(" not in raw:
            raw, e = raw[:-1], e - 1
        if raw.startswith("(") and ")" not in raw:
            raw, s = raw[1:], s + 1
        d = ck.digits(raw.split("x")[0].split("ext")[0])
        if not d:
            return None
        before = text[max(0, s - 40) : s]
        for kind, ctx in ID_CONTEXT:
            if len(d) in ID_CHECK[kind] and ctx.search(before) and ID_VALID[kind](d):
                return kind, s, e, 0.95, f"{kind} checksum + context"
        if SSN_SHAPE.match(raw) and ck.us_ssn(d):
            return "US_SSN", s, e, 0.85, "SSN format"
        if NHS_SHAPE.match(raw) and ck.uk_nhs(d) and _NHS_WORD.search(before):
            return "UK_NHS", s, e, 0.9, "NHS checksum"
        if CARD_SHAPE.match(raw) and ck.credit_card(d):
            return "CREDIT_CARD", s, e, 0.9 if len(d) >= 15 else 0.7, "Luhn"
        # NEG_NUMBER_CONTEXT ("invoice", "$"...) is searched only where it decides (about 2.6 us a search)
        if 7 <= len(d) <= 15 and P.PHONE_SHAPES.match(raw):
            has_ctx = bool(P.PHONE_CONTEXT.search(before))
            if not has_ctx and P.NEG_NUMBER_CONTEXT.search(before):
                return None
            if _YEAR_RANGE.fullmatch(raw):
                return None  # a range of years
            return "PHONE_NUMBER", s, e, 0.95 if has_ctx or raw.startswith("+") else 0.75, "phone format"
        if 7 <= len(d) <= 10 and P.LOCAL_PHONE.match(raw) and P.PHONE_CONTEXT.search(before):
            return "PHONE_NUMBER", s, e, 0.8, "phone context"
        if 7 <= len(d) <= 15 and P.LABELLED_PHONE.match(raw):
            if P.PHONE_LABEL.search(before):
                # "Mobile: 723 813 266": a label names it, whatever the country's grouping
                return "PHONE_NUMBER", s, e, 0.9, "phone label"
            if raw[0] in "0+(" and P.PHONE_CONTEXT.search(before) and not P.NEG_NUMBER_CONTEXT.search(before):
                # "call me at 0699 868 88 55": a trunk prefix and a phone word
                return "PHONE_NUMBER", s, e, 0.8, "phone context"
        return None

    # -- names ---------------------------------------------------------------------------------------
    def _names(self, text: str, taken: list[tuple[int, int]]) -> Iterable[Signal]:
        spans: dict[tuple[int, int], tuple[float, str]] = {}
        if self.tagger is not None:
            for ns in self.tagger.tag(text):
                spans[(ns.start, ns.end)] = (ns.score, "name tagger")
        for m in TITLE_NAME.finditer(text) if _title_gate().candidates(text) else ():
            s, e = m.span("n")
            if text[s:e].isupper():
                continue  # "Patient NHS number": an acronym, not a name
            for k in [k for k in spans if k[0] < e and s < k[1]]:
                del spans[k]
            spans[(s, e)] = (0.95, "honorific")
        known = SpanIndex(taken) if len(taken) > 8 else None  # a handful: the plain loop is quicker
        for (s, e), (score, why) in sorted(spans.items()):
            for a, b in self._clean_name(text, s, e):
                if known.overlaps(a, b) if known is not None else any(a < te and ts < b for ts, te in taken):
                    continue
                name = text[a:b]
                ev = why
                before = text[max(0, a - 40) : a]
                if name.lower() in self.public:
                    ev = "public_figure: listed"
                elif _public_title(before):
                    ev = "public_figure: title"
                yield Signal(kind="PERSON", start=a, end=b, text=name, score=round(score, 3), detector=self.name, evidence=ev)

    @staticmethod
    def _clean_name(text: str, s: int, e: int) -> list[tuple[int, int]]:
        """Split at line breaks, drop honorifics/greetings at the start, org/address words at the end."""
        out: list[tuple[int, int]] = []
        for m in _LINE.finditer(text, s, e):
            a, b = m.span()
            toks = text[a:b].split()  # the \S+ runs (str.split and re's \s agree on white space)
            first = 0
            while first < len(toks) and toks[first].lower().strip(",:") in NAME_DROP_FIRST:
                first += 1
            if first == len(toks):
                continue
            # cut at a possessive or a sentence end ("Smith's Tales", "Smith. Who")
            last = len(toks) - 1
            for j in range(first, last + 1):
                w = toks[j]
                if w.endswith(("'s", "’s")) or (w.endswith(".") and len(w) > 3) or w.endswith((",", ":", ";")):
                    last = j
                    break
            kept = toks[first : last + 1]
            if any(t.lower().strip(",.") in NAME_STOP for t in kept):
                continue
            if any("." in t.rstrip(".") or "/" in t or "@" in t for t in kept):
                continue  # web addresses and handles are not names
            # offsets: only white space lies between tokens, so each is the first occurrence after the last
            pos = a
            for t in toks[:first]:
                pos = text.find(t, pos) + len(t)
            a = text.find(kept[0], pos)
            pos = a
            for t in kept[:-1]:
                pos = text.find(t, pos) + len(t)
            b = text.find(kept[-1], pos) + len(kept[-1])
            word = text[a:b]
            for suf in ("'s", "’s"):
                if word.endswith(suf):
                    b -= 2
            while b > a and text[b - 1] in ",:;!?)\"'":
                b -= 1
            if b > a and text[b - 1] == "." and not (b - a >= 2 and text[b - 3] in " \t"):
                b -= 1  # full stop, unless the name ends in an initial ("Barbara M.")
            if b - a >= 2 and text[a].isalpha():
                out.append((a, b))
        return out

    # -- all -----------------------------------------------------------------------------------------
    def detect(self, text: str, field: str) -> list[Signal]:
        """Personal data in ``text``; invisible and look-alike characters are folded first
        (:func:`fold_light`) and spans point at the original characters."""
        return self._detect(text, field, identifiers=True)

    def _detect(self, text: str, field: str, identifiers: bool) -> list[Signal]:
        """Identifiers (when ``identifiers``) then names (when ``self.names``) in ``text``."""
        # The identifiers of a text are the same for every instance (names are not). The eager pass
        # (names=False) leaves them, with the folded text, for the on-demand name pass
        # (PersonNameDetector), which takes them once instead of finding them a second time; nothing
        # is ever served twice.
        key = (text, field)
        got = _IDENTIFIERS.pop(key, None) if self.names else None
        if got is None:
            norm = fold_light(text)
            got = (norm, self._identifiers(text if norm.starts is None else norm.text, field))
            if not self.names:
                if len(_IDENTIFIERS) >= _IDENTIFIERS_MAX:
                    _IDENTIFIERS.clear()
                _IDENTIFIERS[key] = got
        norm, known = got
        out = list(known) if identifiers else []
        if self.names:
            names = self._names(text if norm.starts is None else norm.text, [(x.start, x.end) for x in known])
            out.extend(names if field == "text" else (msgspec.structs.replace(x, field=field) for x in names))
        return out if norm.starts is None else [map_signal(x, norm) for x in out]

    def _triggers(self, text: str) -> tuple[list[tuple[str, int, int]], set[str]]:
        """``self.mp.scan(text)`` for the kinds whose spans are used, and the gate kinds that match.

        The gate kinds (:data:`_GATE_KINDS`) only say whether a slower pattern is worth running, so one
        ``search`` each replaces finding every match (ADDRESS triggers fire on every number)."""
        kinds: set[str] = set()
        found: list[tuple[int, int, int]] = []
        for i in self.mp.candidates(text):
            kind = _TRIGGER_KINDS[i]
            if kind in _GATE_KINDS:
                if kind not in kinds and _TRIGGER_RE[i].search(text):
                    kinds.add(kind)
            else:
                found.extend((m.start(), m.end(), i) for m in _TRIGGER_RE[i].finditer(text))
        if not found:
            return [], kinds
        return [(_TRIGGER_KINDS[i], s, e) for s, e, i in select_leftmost_longest(found, _TRIGGER_KINDS)], kinds

    def _identifiers(self, text: str, field: str) -> list[Signal]:
        """Every kind of personal data but names, one signal per stretch of text."""
        out: list[Signal] = []
        hits, kinds = self._triggers(text)
        if not hits and not kinds:
            return out

        def add(kind: str, s: int, e: int, score: float, ev: str) -> None:
            out.append(
                Signal(kind=kind, start=s, end=e, text=text[s:e], score=score, field=field, detector=self.name, evidence=ev)
            )

        for kind, s, e in hits:
            if kind == "EMAIL_ADDRESS":
                add(kind, s, e, 0.95, "email format")
            elif kind == "DIGITS":
                r = self._number(text, s, e)
                if r is not None:
                    add(r[0], r[1], r[2], r[3], r[4])
            elif kind == "IBAN_CODE":
                m = IBAN_CS.match(text, s, e)
                if m:
                    cand = m.group()
                    # the caseless trigger may run into the next words: try shorter prefixes too
                    while len(cand.replace(" ", "")) >= 15:
                        if ck.iban(cand):
                            add(kind, s, s + len(cand), 0.95, "IBAN mod-97")
                            break
                        cand = cand[: max(cand.rfind(" "), len(cand) - 1)].rstrip()
            elif kind == "UK_NINO":
                if text[s:e].upper() == text[s:e] and ck.uk_nino(text[s:e]):
                    add(kind, s, e, 0.85, "NINO format")
            elif kind == "IP_ADDRESS":
                ip = text[s:e]
                if _IN_LONGER_NUMBER.match(text, e) or (s >= 2 and _ENDS_NUMBER_DOT.match(text, s - 2)):
                    continue  # "03.93.92.16.85" is a phone number, not an address followed by ".85"
                if ck.ipv4(ip) or (("::" in ip or ip.count(":") == 7) and any(c.isalpha() for c in ip)):
                    add(kind, s, e, 0.9, "IP address")
        if "CASE_REFERENCE" in kinds:
            for m in P.CASE_RE.finditer(text):
                add("CASE_REFERENCE", m.start("id"), m.end("id"), 0.8, "reference after " + m.group().split()[0])
        if "DATE_OF_BIRTH" in kinds:
            for m in P.DOB_RE.finditer(text):
                add("DATE_OF_BIRTH", m.start("d"), m.end("d"), 0.9, "date after a birth word")
        if "ADDRESS" in kinds:
            addr: list[tuple[int, int]] = []
            gate = _address_gate().gate_kinds(text)
            for m in P.address_matches(text) if gate is None or "street" in gate else ():
                addr.append(m.span())
            eu = (gate is None or "eu" in gate) and P.ADDRESS_EU_CUE.search(text)
            for m in P.address_eu_matches(text) if eu else ():
                a, b = m.span("a")
                if text[b : b + 1] == ":" and text[b + 1 : b + 2].isdigit():
                    continue  # "Proverbs 11:18", "Acts 3:6" on a line of their own: a verse, not an address
                if not any(a < y and x < b for x, y in addr):
                    addr.append((a, b))
            for m in P.address_named_matches(text) if _named_possible(text, gate) else ():
                # Joined with what it overlaps: "13 St." alone is cut to nothing below, "Sludevej 13 St." is not.
                a, b = m.span()
                keep = [(x, y) for x, y in addr if not (a < y and x < b)]
                for x, y in addr:
                    if a < y and x < b:
                        a, b = min(a, x), max(b, y)
                addr = [*keep, (a, b)]
            for a, b in addr:
                seg = text[a:b]
                if P.MONTH_START.match(seg):
                    continue  # a date ("September 11, 2001"), not an address
                t = P.ADDRESS_STOP.search(seg)
                if t:
                    b = a + t.start()
                seg = text[a:b].rstrip(" ,\n\t")
                if seg.endswith(".") and len(seg.split()[-1]) > 4:
                    seg = seg[:-1]  # a full stop, not an abbreviation ("St.")
                b = a + len(seg)
                if b - a >= 5:
                    add("STREET_ADDRESS", a, b, 0.8, "address pattern")
        # identifiers win over phone numbers/addresses on the same characters
        return _dedupe(out)


_PRIORITY = {
    k: i
    for i, k in enumerate(
        (
            "EMAIL_ADDRESS",
            "IBAN_CODE",
            "US_SSN",
            "UK_NHS",
            "NZ_IRD",
            "AU_TFN",
            "CA_SIN",
            "UK_NINO",
            "CREDIT_CARD",
            "IP_ADDRESS",
            "DATE_OF_BIRTH",
            "CASE_REFERENCE",
            "PHONE_NUMBER",
            "STREET_ADDRESS",
        )
    )
}


def _dedupe(sigs: list[Signal]) -> list[Signal]:
    """Keep one signal per stretch of text: the more specific kind, then the longer span."""
    sigs.sort(key=lambda x: (_PRIORITY.get(x.kind, 99), -(x.end - x.start)))
    kept: DisjointSpans[Signal] = DisjointSpans()
    for x in sigs:
        clash = kept.clashing(x.start, x.end)
        if not clash:
            kept.add(x.start, x.end, x)
        elif x.kind == "STREET_ADDRESS" and all(k.kind == "PHONE_NUMBER" for k in clash):
            # an address that contains a postcode-like number is still an address
            kept.remove_clashing(x.start, x.end)
            kept.add(x.start, x.end, x)
    return kept.items


class PersonNameDetector:
    """PERSON signals only, run on demand (``lazy_kinds``).

    The name tagger is the costliest detector, and a name alone is not third-party personal data:
    PD01 asks for names only when a post also holds other personal data or private-matter words.
    The spans are those :class:`PiiDetector` gives (identifiers win over names on the same characters)."""

    name = "pii"
    normalise = False
    lazy_kinds = ("PERSON",)

    def __init__(self) -> None:
        self._pii = PiiDetector(names=True)

    def detect(self, text: str, field: str) -> list[Signal]:
        return self._pii._detect(text, field, identifiers=False)
