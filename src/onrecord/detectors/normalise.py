"""Evasion normalisation: undo common tricks before detection, keep a map back to the original.

Handled: zero-width and other invisible characters, homoglyphs/confusables (Cyrillic and Greek
look-alikes, full-width and styled "math" letters, accents), leetspeak inside words (``1d10t``,
``$hit``, ``sh!t``; a word that reads as an identifier, ``#COVID19``, ``H1N1``, ``LGBTQ+``, only when
undoing it gives an abuse-lexicon term, ``B1TCH``; links, e-mail addresses and @handles never),
spaced-out letters (``i d i o t``, ``i.d.i.o.t``) and runs of one repeated letter (``stuuuupid`` →
``stuupid``: runs of three or more become two, so real doubles survive and lexicons match ``c+`` per
letter).

``normalise(text)`` returns a :class:`Normalised` with the new text and, per character of it, the
start and end offsets in the original. Plain text (the common case) is detected by one Hyperscan pass
and returned unchanged with no map; leetspeak (one character for one) needs no map either.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from functools import lru_cache

import msgspec

from onrecord.detectors.abuse import lexicon_hits
from onrecord.detectors.multipattern import MultiPattern
from onrecord.model.signal import Signal

ZERO_WIDTH = frozenset("\u200b\u200c\u200d\u2060\ufeff\u00ad\u180e\u2061\u2062\u2063\u2064\u034f")

# Look-alikes NFKD does not fold (Cyrillic, Greek, a few symbols), to Latin lower/upper case.
CONFUSABLES: dict[str, str] = {
    # Cyrillic
    "а": "a",
    "в": "b",
    "е": "e",
    "ё": "e",
    "к": "k",
    "м": "m",
    "н": "h",
    "о": "o",
    "р": "p",
    "с": "c",
    "т": "t",
    "у": "y",
    "х": "x",
    "і": "i",
    "ї": "i",
    "ј": "j",
    "ѕ": "s",
    "ԁ": "d",
    "ɡ": "g",
    "һ": "h",
    "ԛ": "q",
    "ԝ": "w",
    "ӏ": "l",
    "А": "A",
    "В": "B",
    "Е": "E",
    "К": "K",
    "М": "M",
    "Н": "H",
    "О": "O",
    "Р": "P",
    "С": "C",
    "Т": "T",
    "У": "Y",
    "Х": "X",
    "І": "I",
    "Ј": "J",
    "Ѕ": "S",
    # Greek
    "α": "a",
    "β": "b",
    "ε": "e",
    "ι": "i",
    "κ": "k",
    "ν": "v",
    "ο": "o",
    "ρ": "p",
    "τ": "t",
    "υ": "u",
    "χ": "x",
    "Α": "A",
    "Β": "B",
    "Ε": "E",
    "Η": "H",
    "Ι": "I",
    "Κ": "K",
    "Μ": "M",
    "Ν": "N",
    "Ο": "O",
    "Ρ": "P",
    "Τ": "T",
    "Υ": "Y",
    "Χ": "X",
    "Ζ": "Z",
    # Latin extras and symbols
    "ı": "i",
    "ł": "l",
    "ø": "o",
    "Ø": "O",
    "đ": "d",
    "ß": "ss",
    "æ": "ae",
    "œ": "oe",
}

# Leetspeak inside a word (only where the word also holds letters; numbers stay numbers).
LEET: dict[str, str] = {
    "0": "o",
    "1": "i",
    "3": "e",
    "4": "a",
    "5": "s",
    "7": "t",
    "8": "b",
    "9": "g",
    "@": "a",
    "$": "s",
    "!": "i",
    "|": "l",
    "+": "t",
    "€": "e",
    "£": "l",
}

LEET_UPPER = {k: v.upper() for k, v in LEET.items()}
_LEET_CLASS = re.escape("".join(LEET))
# A "word" for leet purposes: a run of letters, digits and leet symbols.
_WORD = re.compile(rf"[A-Za-z0-9{_LEET_CLASS}]+")
# Three or more single letters separated by one kind of light separator: "i d i o t", "i.d.i.o.t".
_SPACED = re.compile(r"(?<![A-Za-z0-9'’])(?:[A-Za-z](?P<sep>[ .\-_*]{1,2})){2,}[A-Za-z](?![A-Za-z0-9])")
_PROTECT = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+|https?://\S+|www\.\S+|@\w+|\b[\w.-]+\.(?:com|org|net|gov|co|io|ly)/\S*")
# A letter next to a digit or leet symbol; '!' only between letters or before one ("sh!t", "!diot"), so
# "great!!!" stays punctuation; '@' only after a letter ("@handle" is not leet).
_LEET_PAIR = r"[A-Za-z][0-9$|+€£]|[A-Za-z]![A-Za-z]|[0-9$!|+€£][A-Za-z]|[A-Za-z]@"
# The same matches as _LEET_PAIR, grouped by first character: re tries one branch per letter, not three (~40%
# faster over a tweet). The Hyperscan gates keep _LEET_PAIR, so their compiled databases stay as they are.
_LEET_NEAR = re.compile(r"[A-Za-z](?:[0-9$|+€£@]|![A-Za-z])|[0-9$!|+€£][A-Za-z]")
_UNIT = re.compile(r"\d+[A-Za-z]{1,3}")
# Plain leetspeak: digits or $ ! | € £ after a letter and before a lower-case one ("1d10t", "b1tch",
# "sh!t", "B1tch"); digits before st/nd/rd/th are an ordinal ("July4th"), and '+' and '@' after a letter
# mostly join words ("meds+time", "coming@from"), so those are not plain.
_PLAIN_LEET = re.compile(r"[A-Za-z](?:[0-9]+(?!st|nd|rd|th)|[$!|€£]+)[a-z]")
_REPEAT = re.compile(r"([A-Za-z])\1{2,}")
# A run of 3+ of one letter, any case ("sTuUUpid"): what _squeeze cuts once _REPEAT has fired.
_RUN = re.compile(r"([^\W\d_])\1{2,}", re.IGNORECASE)
_NON_ASCII = re.compile(r"[^\x00-\x7f]")
_NOT_SPACE = re.compile(r"[^ \n\t]*")
_MAY_PROTECT = re.compile(r"[/@]|www\.")
_WORD_CHAR = re.compile(rf"[A-Za-z0-9{_LEET_CLASS}]")
_TOKEN_LINK = re.compile(r"(?=h)(?<!\S)https?://\S+")  # the look-ahead first: cheaper than the look-behind


@lru_cache(maxsize=1)
def _leet_gate() -> MultiPattern:
    return MultiPattern.cached([(_LEET_PAIR, "leet")], caseless=False)


@lru_cache(maxsize=1)
def _gate() -> MultiPattern:
    """One Hyperscan pass over ASCII text: which steps might apply (0 leetspeak, 1 repeats, 2 spacing).

    Supersets of the exact patterns below (no look-around), confirmed with ``re`` when they fire."""
    return MultiPattern.cached(
        [
            (_LEET_PAIR, "leet"),
            ("|".join(c * 3 + "|" + c.upper() * 3 for c in "abcdefghijklmnopqrstuvwxyz"), "repeat"),
            # _SPACED with its look-arounds spelled out as characters: "is a big" no longer passes
            (r"(?:^|[^A-Za-z0-9'’])[A-Za-z][ .\-_*]{1,2}[A-Za-z][ .\-_*]{1,2}[A-Za-z](?:[^A-Za-z0-9]|$)", "spaced"),
        ],
        caseless=False,
    ).share()


def prepare() -> None:
    """Build the normalisation gate now (it joins the shared pass with the detectors' gates)."""
    _gate()


class Normalised(msgspec.Struct, frozen=True):
    """Normalised text; ``starts[i]``/``ends[i]`` give the original span of character ``i``.
    (A frozen msgspec Struct: built for every text, and ten times faster to build than a frozen dataclass.)"""

    text: str
    original: str
    starts: list[int] | None = None  # None: identical to the original
    ends: list[int] | None = None

    def span(self, start: int, end: int) -> tuple[int, int]:
        """Original offsets of the normalised span ``[start, end)``."""
        if self.starts is None or self.ends is None:
            return start, end
        if end <= start:
            o = self.starts[start] if start < len(self.starts) else len(self.original)
            return o, o
        return self.starts[start], self.ends[end - 1]


def _fold_char(ch: str) -> str:
    """Latin look-alike of one character ('' for invisible ones)."""
    if ch in ZERO_WIDTH:
        return ""
    if ch.isascii():
        return ch
    if ch in CONFUSABLES:
        return CONFUSABLES[ch]
    decomposed = unicodedata.normalize("NFKD", ch)
    base = "".join(c for c in decomposed if not unicodedata.combining(c))
    if base and base.isascii():
        return base
    if unicodedata.category(ch) in ("Mn", "Cf"):
        return ""  # stray combining marks and format characters
    return base or ch


_fold_char_cached = lru_cache(maxsize=8192)(_fold_char)


def _rebuild(pieces: Iterable[tuple[str, int, int]]) -> tuple[str, list[int], list[int]]:
    out: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    for s, a, b in pieces:
        for c in s:
            out.append(c)
            starts.append(a)
            ends.append(b)
    return "".join(out), starts, ends


def _fold_chars(text: str) -> tuple[str, list[int], list[int]] | None:
    """Step 1: invisible characters out, look-alikes folded. ``None`` when nothing changes."""
    changed = [(m.start(), _fold_char_cached(m.group())) for m in _NON_ASCII.finditer(text)]
    changed = [(i, f) for i, f in changed if f != text[i]]
    if not changed:
        return None
    # Unchanged stretches are copied as slices with range() offsets: a per-character loop costs
    # about 70 µs on a tweet with one emoji variation selector.
    parts: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    pos = 0
    for i, f in changed:
        if pos < i:
            parts.append(text[pos:i])
            starts.extend(range(pos, i))
            ends.extend(range(pos + 1, i + 1))
        if f:
            parts.append(f)
            starts.extend([i] * len(f))
            ends.extend([i + 1] * len(f))
        pos = i + 1
    n = len(text)
    if pos < n:
        parts.append(text[pos:])
        starts.extend(range(pos, n))
        ends.extend(range(pos + 1, n + 1))
    return "".join(parts), starts, ends


def _token_bounds(text: str, pos: int) -> tuple[int, int]:
    """The whitespace-delimited token around ``pos`` (links, handles and paths never hold whitespace)."""
    a = max(text.rfind(" ", 0, pos), text.rfind("\n", 0, pos), text.rfind("\t", 0, pos)) + 1
    m = _NOT_SPACE.match(text, pos)
    return a, (m.end() if m else pos)


def _identifier(word: str) -> bool:
    """A word with no plain leetspeak in it (:data:`_PLAIN_LEET`) reads as an identifier or a number:
    "COVID19", "H1N1", "FY21NDAA", "LGBTQ+", "2020Census", "IL02Proud", "Up4Climate", "July4th"."""
    return _PLAIN_LEET.search(word) is None


def _leet_word(cur: str, a: int, b: int, chars: list[str]) -> None:
    """Replace the leet characters of the word ``cur[a:b]`` in ``chars``, in upper case when the word
    has no lower-case letter ("BUL|SHIT" -> "BULLSHIT": the lexicon squeezes runs of one character)."""
    table = LEET_UPPER if not any(c.islower() for c in cur[a:b]) else LEET
    for j in range(a, b):
        c = cur[j]
        # '@' starting a word is a handle, a trailing '!' is punctuation ("idiot!")
        if c in LEET and not (c == "@" and j == a) and not (c == "!" and j == b - 1):
            chars[j] = table[c]


def _unleet(cur: str) -> str:
    """Step 2: leetspeak inside words that also contain a letter (never inside links and @handles).

    Only words holding a letter next to a leet character are looked at. A word that reads as an
    identifier (:func:`_identifier`) is unleeted only when the result holds an abuse-lexicon hit
    ("B1TCH", "FAG5", "h03", "$hit", "idio+"), so "#COVID19", "PA17", "H1N1", "LGBTQ+" stay as written
    (the abuse detector is the only reader of this text). Every replacement is one character for one,
    so offsets are unchanged."""
    chars: list[str] | None = None
    pending: list[tuple[int, int]] = []  # identifier-like words: unleeted only for a lexicon hit
    skip_to = -1
    for near in _LEET_NEAR.finditer(cur):
        if near.start() < skip_to:
            continue
        # protected spans are computed on the token holding the match: none of them crosses whitespace
        ta, tb = _token_bounds(cur, near.start())
        protected = [p.span() for p in _PROTECT.finditer(cur, ta, tb)] if _MAY_PROTECT.search(cur, ta, tb) else []
        inside = [pb for pa, pb in protected if pa <= near.start() < pb]
        if inside:
            skip_to = inside[0]
            continue
        # the word holding this letter/symbol pair
        a = near.start()
        while a > ta and _WORD_CHAR.match(cur[a - 1]):
            a -= 1
        m = _WORD.match(cur, a)
        if m is None:  # pragma: no cover - the pair itself is word characters
            continue
        skip_to = m.end()
        if any(pa <= m.start() < pb for pa, pb in protected):
            continue
        w = m.group()
        letters = sum(c.isalpha() for c in w)
        # "10am", "4th", "90s", "5km" are numbers with units, not leetspeak
        # one letter is enough in a short lower-case word ("h03"); codes such as "B12", "A55" stay
        enough = letters >= 2 or (letters == 1 and len(w) >= 3 and w[0].islower())
        if not (enough and letters < len(w) and not w.isdigit() and not _UNIT.fullmatch(w)):
            continue
        if _identifier(w):
            pending.append(m.span())
            continue
        if chars is None:
            chars = list(cur)
        _leet_word(cur, m.start(), m.end(), chars)
    if pending:
        trial = list(cur) if chars is None else list(chars)
        for a, b in pending:
            _leet_word(cur, a, b, trial)
        # the lexicon sees the whole post, as the detector will ("what a 7rash" is aimed at someone)
        hits = lexicon_hits("".join(trial))
        for a, b in pending:
            if any(s < b and a < e for _, s, e in hits):
                if chars is None:
                    chars = list(cur)
                _leet_word(cur, a, b, chars)
    return cur if chars is None else "".join(chars)


def _keep_first(m: re.Match[str]) -> str:
    g = m.group()
    return g[0] + " " * (len(g) - 1)


def _leet_outside_links(text: str) -> bool:
    """Could :func:`_unleet` change anything? Most letter/digit pairs in posts sit in t.co codes. A
    link that starts a token is protected whole by :func:`_unleet`, so it is blanked (all but its
    first character, which a pair just before it may touch) and the Hyperscan pair gate runs again:
    a superset test, exact when it says no."""
    if "://" not in text:
        return True
    return bool(_leet_gate().candidates(_TOKEN_LINK.sub(_keep_first, text)))


def normalise(text: str) -> Normalised:
    """Undo evasion tricks in ``text``; see the module docstring.

    Each step has its own cheap test and builds an offset map only when it changes the length of the
    text, so an ordinary post (a t.co link, an emoji, curly quotes) costs a few regex searches."""
    cur = text
    starts: list[int] | None = None
    ends: list[int] | None = None
    if not text.isascii():
        folded = _fold_chars(text)
        if folded is not None:
            cur, starts, ends = folded
    gate = _gate().candidates(cur)
    if not gate and cur is text:
        return Normalised(text, text)
    if 0 in gate and _leet_outside_links(cur):
        unleet = _unleet(cur)
        if unleet != cur:
            cur, gate = unleet, [0, 1, 2]  # "s000" is a repeat only once it reads "sooo"
    if (1 in gate and _REPEAT.search(cur)) or (2 in gate and _SPACED.search(cur)):
        if starts is None or ends is None:
            starts = list(range(len(cur)))
            ends = list(range(1, len(cur) + 1))
        cur, starts, ends = _squeeze(cur, starts, ends)
    if cur == text:
        return Normalised(text, text)
    return Normalised(cur, text, starts, ends)


def _squeeze(cur: str, starts: list[int], ends: list[int]) -> tuple[str, list[int], list[int]]:
    """Steps 3 and 4: spaced-out letters joined; runs of 3+ of a letter cut to 2.

    Unchanged stretches are copied as slices (text and offsets), so a post pays per change, not per
    character ("www." in a link is such a run)."""
    if _SPACED.search(cur):
        parts: list[str] = []
        ns: list[int] = []
        ne: list[int] = []
        pos = 0
        for m in _SPACED.finditer(cur):
            a = m.start()
            letters = [j for j in range(m.start(), m.end()) if cur[j].isalpha()]
            if len(letters) >= 4 and cur[a] in "aAI":
                # "a b i t c h": the article stays a word of its own
                letters = letters[1:]
                a = letters[0]
            parts.append(cur[pos:a])
            ns.extend(starts[pos:a])
            ne.extend(ends[pos:a])
            for j in letters:
                parts.append(cur[j])
                ns.append(starts[j])
                ne.append(ends[j])
            pos = m.end()
        parts.append(cur[pos:])
        ns.extend(starts[pos:])
        ne.extend(ends[pos:])
        cur, starts, ends = "".join(parts), ns, ne
    if _REPEAT.search(cur):
        parts = []
        ns = []
        ne = []
        pos = 0
        for m in _RUN.finditer(cur):
            r, e = m.span()
            if not cur[r].isalpha():
                continue
            # keep the first two letters of the run; the second stands for the rest of it
            parts.append(cur[pos : r + 2])
            ns.extend(starts[pos : r + 2])
            ne.extend(ends[pos : r + 1])
            ne.append(ends[e - 1])
            pos = e
        parts.append(cur[pos:])
        ns.extend(starts[pos:])
        ne.extend(ends[pos:])
        cur, starts, ends = "".join(parts), ns, ne
    return cur, starts, ends


_INVISIBLE_OR_WIDE = re.compile("[\u200b-\u200d\u2060\ufeff\u00ad\u180e\u2061-\u2064\u034f\uff01-\uff5e\U0001d400-\U0001d7ff]")
_CONF_CHARS = re.compile("[" + "".join(CONFUSABLES) + "]")


def fold_light(text: str) -> Normalised:
    """Only what never changes meaning: invisible characters out, full-width and styled letters and
    digits to ASCII, and Cyrillic/Greek look-alikes *inside Latin words* (``jоe@exаmple.com``).
    Accents, digits, spacing and repeats are kept (identifiers and names are checked as written)."""
    if text.isascii() or not (_INVISIBLE_OR_WIDE.search(text) or _CONF_CHARS.search(text)):
        return Normalised(text, text)
    pieces: list[tuple[str, int, int]] = []
    n = len(text)
    for i, ch in enumerate(text):
        if ch.isascii():
            pieces.append((ch, i, i + 1))
            continue
        if ch in ZERO_WIDTH:
            continue
        f = unicodedata.normalize("NFKC", ch)
        if f.isascii() and f.isprintable() and f.strip():
            pieces.append((f, i, i + 1))
            continue
        if ch in CONFUSABLES:
            # a look-alike next to an ASCII letter/digit (skipping invisibles) is a disguised Latin letter
            j = i - 1
            while j >= 0 and (text[j] in ZERO_WIDTH or text[j] in CONFUSABLES):
                j -= 1
            k = i + 1
            while k < n and (text[k] in ZERO_WIDTH or text[k] in CONFUSABLES):
                k += 1
            near = (j >= 0 and text[j].isascii() and text[j].isalnum()) or (k < n and text[k].isascii() and text[k].isalnum())
            if near:
                pieces.append((CONFUSABLES[ch], i, i + 1))
                continue
        pieces.append((ch, i, i + 1))
    t, starts, ends = _rebuild(pieces)
    if t == text:
        return Normalised(text, text)
    return Normalised(t, text, starts, ends)


def map_signal(sig: Signal, norm: Normalised) -> Signal:
    """``sig`` found on ``norm.text``, with offsets and text moved back to the original."""
    if norm.text is norm.original:
        return sig
    s, e = norm.span(sig.start, sig.end)
    return msgspec.structs.replace(sig, start=s, end=e, text=norm.original[s:e])
