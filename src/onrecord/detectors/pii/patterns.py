"""Candidate patterns for personal data. Cheap triggers run through :class:`MultiPattern`; the exact
(slower, Unicode-aware) regexes and the checksums only run where a trigger fired."""

from __future__ import annotations

import re
from typing import Any

# ---- triggers: (regex, kind) for MultiPattern (Hyperscan syntax, ASCII \b) ---------------------------
TRIGGERS: list[tuple[str, str]] = [
    (r"[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,}", "EMAIL_ADDRESS"),
    # digit runs with separators: phones, cards, national ids (classified in Python)
    (r"\+?\(?\d[\d \t().\-/]{5,26}\d(?:\s?(?:x|ext\.?)\s?\d{1,5})?", "DIGITS"),
    (r"\b[A-Za-z]{2}\d{2}(?: ?[A-Za-z0-9]){11,30}\b", "IBAN_CODE"),
    (r"\b[A-Za-z]{2} ?\d{2} ?\d{2} ?\d{2} ?[A-Da-d]\b", "UK_NINO"),
    (r"\b\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}\b", "IP_ADDRESS"),
    (r"\b[0-9a-fA-F]{1,4}(?::[0-9a-fA-F]{0,4}){2,7}\b", "IP_ADDRESS"),
    (
        r"\b(?:case|claim|ref|reference|file|ticket|complaint|application|policy|account|acct|customer|client|"
        r"patient|booking|order|incident|matter|docket|tracking)\b",
        "CASE_REFERENCE",
    ),
    (r"\b(?:born|birth|dob|d\.o\.b|birthday|b\.)\b", "DATE_OF_BIRTH"),
    # addresses: a house number next to a word, or an address word
    (r"\b\d{1,5}[A-Za-z]?\s+[^\s\d]", "ADDRESS"),
    (r"[^\s\d]\s+\d{1,5}\b", "ADDRESS"),
    (
        r"\b(?:apt|suite|unit|flat|p\.?o\.? box|psc|street|st|road|rd|avenue|ave|lane|drive|boulevard|blvd|"
        r"corner of|lives (?:at|on|in))\b",
        "ADDRESS",
    ),
]

# ---- exact patterns (Python re, Unicode) -----------------------------------------------------------
UP = "A-ZÀ-ÖØ-ÞĀĂĄĆĈĊČĎĐĒĔĖĘĚĜĞĠĢĤĦĨĪĬĮİĲĴĶĹĻĽĿŁŃŅŇŊŌŎŐŒŔŖŘŚŜŞŠŢŤŦŨŪŬŮŰŲŴŶŸŹŻŽΑ-ΩА-ЯΆΈΉΊΌΎΏ∆"
LET = r"[^\W\d_]"
CAPW = rf"[{UP}][\w'’\-]*\.?"  # a capitalised word (any script with upper case)
WORD = r"[^\W\d_][\w'’\-]*\.?"
_SUFFIX_WORDS = (
    r"Street|St|Road|Rd|Avenue|Ave|Av|Boulevard|Blvd|Lane|Ln|Drive|Dr|Court|Ct|Place|Pl|Terrace|Tce|Terr|"
    r"Crescent|Cres|Way|Highway|Hwy|Square|Sq|Squares|Parade|Pde|Close|Grove|Gardens|Mews|Row|Quay|Wharf|"
    r"Esplanade|Point|Points|Bridge|Pass|Union|Dale|Lodge|Extension|Extensions|Prairie|Streets|Heights|Hill|"
    r"Hills|Park|Parkway|Pkwy|Circle|Cir|Trail|Loop|Alley|Walk|Green|Rise|View|Vale|Valley|Junction|Landing|"
    r"Meadow|Meadows|Ridge|Port|Fork|Forks|Field|Fields|Ferry|Ford|Glen|Harbor|Harbour|Haven|Island|Isle|"
    r"Crossing|Cove|Creek|Estate|Estates|Falls|Flats|Gateway|Knoll|Lake|Lakes|Manor|Mill|Mills|Mount|"
    r"Orchard|Pike|Plaza|Ranch|Route|Shore|Shores|Spring|Springs|Stravenue|Summit|Track|Turnpike|Via|Villa|"
    r"Village|Vista|Well|Wells|Str|Calle|Rue|Via|Strasse|straße|gasse|vej|gatan|gata|katu|tie|weg|straat|laan|"
    r"plein|kapu|utca|u|ul|rkp|tér"
)
SUFFIX = rf"(?:{_SUFFIX_WORDS})\b\.?"
UNIT = r"(?:Apt\.?|Apartment|Suite|Ste\.?|Unit|Flat|Floor|Fl\.?|Room|Rm\.?|#)\s*[\w\-]{1,6}"
HOUSE = r"\d{1,5}[A-Za-z]?(?:[\-/]\d{1,5})?"
# The tail: units, towns (capitalised or upper-case words), state codes, postcodes, countries.
TAIL_ITEM = rf"(?:{UNIT}|\d{{4,6}}(?:-\d{{4}})?|[{UP}]{{2,3}}\b(?:\s\d{{3,5}})?|{CAPW}(?:\s{CAPW}){{0,3}}|\(\w+\)|nan)"
TAIL = rf"(?:(?:[ \t]*,?[ \t]*\n?[ \t]*,?[ \t]*|[ \t]*,[ \t]*){TAIL_ITEM})*"
# At least one tail item: "Number Words Number" alone is too often "Top 40 Under 40".
TAIL_REQ = rf"(?:(?:[ \t]*,?[ \t]*\n?[ \t]*,?[ \t]*|[ \t]*,[ \t]*){TAIL_ITEM})+"
ADDRESS_RE = re.compile(
    "|".join(
        [
            rf"the corner of (?:{HOUSE}\s+)?{WORD}(?:\s+{WORD}){{0,4}}\s+and\s+{CAPW}(?:\s+{CAPW}){{0,3}}",
            r"PSC \d{3,5}, Box \d{3,5}\s+APO [A-Z]{2} \d{5}",
            rf"(?:P\.?\s?O\.?\s?Box|Post ?box|Postbox) \d{{1,6}}{TAIL}",
            rf"{HOUSE}(?:\s+{HOUSE})?\s+(?:{CAPW}\s+){{0,3}}{SUFFIX}(?:\s+\d{{1,5}}\b)?{TAIL}",
            rf"{HOUSE}(?:\s+{HOUSE})?\s+(?:{CAPW}\s+){{1,3}}{HOUSE}\b{TAIL_REQ}",
            rf"{HOUSE}\s+(?:{CAPW}\s+){{0,2}}{CAPW}(?=(?:[ \t]*,?[ \t]*\n?[ \t]*,?[ \t]*){UNIT}){TAIL}",
            rf"{HOUSE}\s+{CAPW}(?:\s+{CAPW}){{1,4}}(?=\s*[,\n]){TAIL_REQ}",
        ]
    ),
    re.UNICODE,
)
# Where an ADDRESS_RE match can start: "the corner of", "P" of PSC, PO Box, Post box / Postbox, or in a digit
# run (see address_matches) where what every alternative that starts with a digit needs follows: a house number
# (and maybe a second), white space, then a capitalised word (CAPW) or a street suffix (lower-case ones spelled out).
_ADDRESS_START = re.compile(r"(?P<run>\d+)|the corner of|P(?=SC |\.?\s?O|ost)")
_LOWER_SUFFIXES = "|".join(w for w in _SUFFIX_WORDS.split("|") if not w[0].isupper())
_HOUSE_LEAD = re.compile(rf"{HOUSE}(?:\s+{HOUSE})?\s+(?:[{UP}]|{_LOWER_SUFFIXES})")


def address_matches(text: str) -> list[re.Match[str]]:
    r"""``ADDRESS_RE.finditer(text)``, tried only where a match can start (same matches; 2.5x faster on PII text).

    A match that starts with a digit starts with HOUSE, whose ``\d{1,5}`` must take the rest of the digit
    run: only the run's last five digits can start one, and from any of them the match goes on alike. So a
    run is tried once, at the first of those digits not inside the last match."""
    out: list[re.Match[str]] = []
    pos = 0
    for c in _ADDRESS_START.finditer(text):
        s, e = c.span()
        if c.lastgroup == "run":
            s = max(pos, s, e - 5)
            if s >= e or not _HOUSE_LEAD.match(text, s):
                continue
        elif s < pos:
            continue
        m = ADDRESS_RE.match(text, s)
        if m:
            out.append(m)
            pos = m.end() if m.end() > s else s + 1
    return out


def _matches_from(rx: re.Pattern[str], starts: re.Pattern[str], text: str) -> list[re.Match[str]]:
    """``rx.finditer(text)`` when every match of ``rx`` starts where ``starts`` matches: ``rx`` is tried
    there only (left to right, each try after the end of the last match, as finditer does)."""
    out: list[re.Match[str]] = []
    pos = 0
    for c in starts.finditer(text):
        s = c.start()
        if s < pos:
            continue
        m = rx.match(text, s)
        if m:
            out.append(m)
            pos = m.end() if m.end() > s else s + 1
    return out


# A street named by its type word, as much of Europe and Latin America writes it: the type first ("Via dei
# Fiorentini 17", "Rua Diadema 1903", "ul. Grochowa 80", "rue Tachkent 31") or one word ending in it
# ("Strickstrasse 61", "Sludevej 13"), then the house number. No cue is needed: a type word followed by a name
# and a number is an address. Words that are also English ("Via", "Place", "Avenue") are not type words here,
# except "Via" capitalised; lower-case type words only where they are no English word.
_TYPE_CAP_WORDS = ["Via", "Viale", "Vicolo", "Piazza", "Piazzale", "Corso", "Largo", "Rua", "Avenida", "Calle", "Carrer", "Paseo", "Rue", "Chemin", "Allée", "Quai", "Impasse", "Ulica", "Ul.", "Trg", "Aleja", "Al.", "Strada", "Calea", "Odos", "Ulitsa"]
_TYPE_LOW_WORDS = [w.lower() for w in _TYPE_CAP_WORDS if w not in ("Via", "Largo", "Al.")]
_TYPE_END_WORDS = ["strasse", "straße", "gasse", "weg", "vej", "gatan", "vägen", "veien", "katu", "straat", "laan", "gracht", "plein", "utca", "allee"]


def _trie(words: list[str]) -> str:
    """A regex for these literal words, branching on each character in turn (Python's ``re`` tries every
    alternative of a flat list at every position; a trie rules most positions out at the first character)."""
    tree: dict[str, Any] = {}
    for w in words:
        node = tree
        for c in w:
            node = node.setdefault(c, {})
        node[""] = {}

    def emit(node: dict[str, Any]) -> str:
        alts = [re.escape(c) + emit(child) for c, child in sorted(node.items()) if c]
        end = "" in node
        if not alts:
            return ""
        body = alts[0] if len(alts) == 1 and not end else "(?:" + "|".join(alts) + ")"
        return body + "?" if end else body

    return emit(tree)


_TYPE_CAP = _trie(_TYPE_CAP_WORDS)
_TYPE_LOW = _trie(_TYPE_LOW_WORDS)
_PARTICLE = r"de|del|della|delle|dei|degli|di|da|das|do|dos|des|du|la|le|les|van|von|der|den"
_TYPE_END = _trie(_TYPE_END_WORDS)
# A capitalised word before "...strasse" is part of the name ("Brucker Bundesstrasse"), unless it is one of these.
_NOT_NAME = r"(?:The|A|An|In|At|On|To|From|By|My|Our|Your|His|Her|Their|Near|Off|Via|And|Or|Address|Street)"
# After the number: not a count ("Via Zoom 3 times").
_NOT_COUNT = r"(?!\s*(?:%|percent|per\b|times|years|days|minutes|hours|people|and\b))"
ADDRESS_NAMED_RE = re.compile(
    rf"(?<![\w.])(?:(?:{_TYPE_CAP})\s+(?:(?:{_PARTICLE})\s+)?{CAPW}|(?:{_TYPE_LOW})\s+{WORD})"
    rf"(?:\s+(?:{_PARTICLE}|{CAPW}|{WORD})){{0,3}}?\s+{HOUSE}\b{_NOT_COUNT}{TAIL}"
    rf"|(?<!\w)(?:(?!{_NOT_NAME}\b){CAPW}[ \t]+)?(?i:{LET}[\w'’\-]*(?:{_TYPE_END}))\s+{HOUSE}\b{_NOT_COUNT}{TAIL}",
    re.UNICODE,
)


# Where an ADDRESS_NAMED_RE match can be, in the lower-cased text: a type word before white space, or a type ending
# before a number (literal alternatives on lower case are quick; the pattern itself tried everywhere is not).
_NAMED_HINT = re.compile(
    rf"(?P<type>{_trie(sorted({w.lower() for w in _TYPE_CAP_WORDS}))}\s)|{_TYPE_END}(?=\s+\d)", re.UNICODE
)
# The hint's words alone, for a Hyperscan gate over the lower-cased text: literals match exactly in any script, so
# the gate also answers for text that the other gates cannot read (``ascii_semantics``).
NAMED_LITERALS = _trie(sorted({w.lower() for w in _TYPE_CAP_WORDS} | set(_TYPE_END_WORDS)))
_NAME_CHAR = re.compile(r"[\w'’\-]")


def named_hint_exact(text: str, low: str) -> bool:
    """Whether the lower-cased text ``low`` shows every place ADDRESS_NAMED_RE can match ``text`` (its case-blind
    part included): not when a lower case is longer ("İ", offsets would not line up), nor with "ı" or "ſ", which
    Python's case-blind matching reads as "i" and "s" while their lower case stays as it is."""
    return len(low) == len(text) and (low.isascii() or ("ı" not in low and "ſ" not in low))


def address_named_matches(text: str) -> list[re.Match[str]]:
    """``ADDRESS_NAMED_RE.finditer(text)``, tried only near a hint (same matches, tested; several times faster).

    A type word starts its match; a type ending is preceded by the rest of its word and maybe one capitalised
    word, so the match is tried at the start of the word before, then at the start of the word itself."""
    low = text.lower()
    if not named_hint_exact(text, low):
        return list(ADDRESS_NAMED_RE.finditer(text))
    out: list[re.Match[str]] = []
    pos = 0
    for h in _NAMED_HINT.finditer(low):
        s = h.start()
        if h.lastgroup == "type":
            tries = [s]
        else:
            j = s
            while j > 0 and _NAME_CHAR.match(text, j - 1):
                j -= 1
            k = j
            while k > 0 and text[k - 1] in " \t":
                k -= 1
            i = k - 1 if k > 0 and text[k - 1] == "." else k  # CAPW may end in a full stop ("St.")
            while i > 0 and _NAME_CHAR.match(text, i - 1):
                i -= 1
            tries = [i, j] if i < k < j else [j]
        for t in tries:
            if t < pos:
                continue
            m = ADDRESS_NAMED_RE.match(text, t)
            if m:
                out.append(m)
                pos = m.end() if m.end() > t else t + 1
                break
    return out


# Supersets of ADDRESS_RE (kind "street") and ADDRESS_EU_RE (kind "eu") on ASCII text, for one Hyperscan pass:
# look-arounds dropped or spelled out, required tails dropped. No gate match, no match. (Hyperscan's
# classes are ASCII and its Unicode mode cannot compile these, so other text skips the gate.)
# One gate per alternative of ADDRESS_RE, in its order (keep them in step).
ADDRESS_GATES: list[tuple[str, str]] = [
    (r"the corner of ", "street"),
    (r"PSC \d{3,5}, Box", "street"),
    (r"(?:P\.?\s?O\.?\s?Box|Post ?box|Postbox) \d", "street"),
    (rf"{HOUSE}(?:\s+{HOUSE})?\s+(?:{CAPW}\s+){{0,3}}{SUFFIX}", "street"),
    (rf"{HOUSE}(?:\s+{HOUSE})?\s+(?:{CAPW}\s+){{1,3}}{HOUSE}", "street"),
    (rf"{HOUSE}\s+(?:{CAPW}\s+){{0,2}}{CAPW}[ \t,\n]*(?:Apt|Apartment|Suite|Ste|Unit|Flat|Floor|Fl|Room|Rm|#)", "street"),
    (rf"{HOUSE}\s+{CAPW}(?:\s+{CAPW}){{1,4}}\s*[,\n]", "street"),
    (
        r"(?:lives? (?:at|on|in)|address(?: is)?:?|located at|moved to|sent to|send (?:it|a new one) to|"
        rf"drops you off at|shows on|refers to|meeting at|live in|lived in|\n)\s*(?:{CAPW}[ \t]+){{1,3}}(?:{HOUSE}|{SUFFIX})",
        "eu",
    ),
    # ADDRESS_NAMED_RE: its type words before white space, or a word ending in one before a number.
    (rf"(?:{_TYPE_CAP}|{_TYPE_LOW})\s", "named"),
    (rf"(?i:{_TYPE_END})\s+\d", "named"),
]

# "<Street Name> <number>" (European order) needs an address cue before it.
ADDRESS_EU_RE = re.compile(
    rf"(?:(?<!their )(?<!our )(?<!your )(?<!his )(?<!her )lives? (?:at|on|in)|address(?: is)?:?|located at|moved to|sent to|send (?:it|a new one) to|"
    rf"drops you off at|shows on|refers to|meeting at|live in|lived in|\n)\s*"
    rf"(?P<a>(?:{CAPW}[ \t]+){{1,3}}{HOUSE}\b\.?{TAIL}|(?:{CAPW}[ \t]+){{1,3}}{SUFFIX}{TAIL})",
    re.UNICODE,
)
# Every cue ADDRESS_EU_RE needs (a cheap gate before the costly pattern).
ADDRESS_EU_CUE = re.compile(
    r"lives? (?:at|on|in)|address|located at|moved to|sent to|send (?:it|a new one) to|drops you off at|shows on|"
    r"refers to|meeting at|live in|lived in|\n"
)
# Every ADDRESS_EU_RE match starts with one of these cues (its look-behinds see the text before).
_EU_START = re.compile(f"(?={ADDRESS_EU_CUE.pattern})")


def address_eu_matches(text: str) -> list[re.Match[str]]:
    """``ADDRESS_EU_RE.finditer(text)``, tried only where a cue starts (same matches, about 1.8x faster)."""
    return _matches_from(ADDRESS_EU_RE, _EU_START, text)


MONTH_START = re.compile(
    r"(?i)^(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?\s+\d|^\d{1,2}\s+(?:jan|feb|mar|apr|may|jun|jul|"
    r"aug|sep|oct|nov|dec)[a-z]*\b"
)
ADDRESS_STOP = re.compile(
    r"(?:\s+(?:street|St\.|st\.))$|[\s,]+(?:I|We|It|He|She|They|The|My|Our|Please|Thanks|This|That|On|In|At)$"
)

PHONE_CONTEXT = re.compile(
    r"(?i)\b(?:ph|phone|tel|telephone|call|mobile|mob|cell|text|fax|whatsapp|desk|office|ring|"
    r"contact|number|no\.?|#)\W{0,3}$"
)
NEG_NUMBER_CONTEXT = re.compile(
    r"(?i)\b(?:isbn|invoice|order|bill|hr|h\.r\.|s\.|act|section|vote|votes|roll call|"
    r"\$|usd|eur|gbp|nzd|aud|cad)\W{0,3}$"
)
CASE_RE = re.compile(
    r"(?i)\b(?:case|claim|ref|reference|file|ticket|complaint|application|policy|account|acct|customer|client|"
    r"patient|booking|incident|matter|docket|tracking)(?:\s+(?:no|number|num|id|ref|reference))?\.?\s*(?:is\s+)?[:#]?\s*"
    r"(?P<id>(?=[A-Z0-9\-/]*\d)[A-Z]{0,5}[-/]?\d[A-Z0-9\-/]{3,20})\b"
)
MONTHS = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|"
    r"oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)"
)
DATE = (
    rf"(?:\d{{1,2}}[/.\-]\d{{1,2}}[/.\-](?:\d{{4}}|\d{{2}})|\d{{4}}-\d{{2}}-\d{{2}}|"
    rf"\d{{1,2}}(?:st|nd|rd|th)?\s+{MONTHS}\.?,?\s+\d{{4}}|{MONTHS}\.?\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+\d{{4}})"
)
DOB_RE = re.compile(
    rf"(?i)\b(?:born(?:\s+on)?|date\s+of\s+birth|d\.?o\.?b\.?|birth\s*date|birthday|b\.)\s*(?:is|was)?\s*[:\-]?\s*"
    rf"(?P<d>{DATE})"
)
PHONE_SHAPES = re.compile(
    r"""(?x)^(?:
      \+\d{1,3}[\s.\-]?(?:\(0?\d{1,4}\)[\s.\-]?)?\d{1,5}(?:[\s.\-]?\d{1,5}){1,5}(?:\s?(?:x|ext\.?)\s?\d{1,5})?
    | \(\d{2,5}\)\s?\d{3,4}[\s.\-]?\d{3,4}(?:\s?(?:x|ext\.?)\s?\d{1,5})?
    | \d{3}[\s.\-]\d{3}[\s.\-]\d{4}(?:\s?(?:x|ext\.?)\s?\d{1,5})?
    | 0\d{1,4}[\s.\-]?\d{3,4}[\s.\-]?\d{3,4}
    | 0\d{3}[\s.\-]\d{2}[\s.\-]\d{2}[\s.\-]\d{2}
    | \d{2}[\s.\-]\d{2}[\s.\-]\d{2}[\s.\-]\d{2}(?:[\s.\-]\d{2})?
    | \d{2,3}[\s.\-]\d{3}[\s.\-]\d{3,4}[\s.\-]\d{4}
    | \d{3}[\s\-]\d{2}[\s\-]\d{3}
    | 1[\s.\-]?\d{3}[\s.\-]\d{3}[\s.\-]\d{4}
    | 0800[\s\-]?\d{3}[\s\-]?\d{3,4}
    )$""",
)
# A line label that names a phone number outright ("Mobile:", "Tel.", "Fax no:"); weaker words such as
# "call" or "number" are in PHONE_CONTEXT and need a known national shape.
PHONE_LABEL = re.compile(
    r"(?i)(?:^|\n|[,;(]\s*|\b)(?:ph|phone|tel|telephone|mobile|mob|cell|cellphone|fax|whatsapp|desk|landline)"
    r"(?:\s*(?:no\.?|number|#))?\s*[:.]\s*$"
)
# Digit groups as people write them in any country, with an optional extension (labelled numbers only).
LABELLED_PHONE = re.compile(r"^\+?(?:\(\d{1,5}\)\s?)?\d{1,6}(?:[\s.\-]\d{1,6}){0,6}(?:\s?(?:x|ext\.?)\s?\d{1,5})?$")
LOCAL_PHONE = re.compile(r"^\d{3,4}[\s\-]\d{4}$|^\d{10}$|^\d{4}\s\d{4}$")
NUMBER_TOKEN = re.compile(r"\+?\(?\d[\d \t().\-/]*\d(?:\s?(?:x|ext\.?)\s?\d{1,5})?")
