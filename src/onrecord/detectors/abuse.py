"""Abusive language: insults, harassment, slurs, threats, strong profanity.

Two parts, both on evasion-normalised text (``normalise = True``: ``run_detectors`` hands us
normalised text and maps our spans back):

* a lexicon (``data/abuse_lexicon.txt``) compiled once into a :class:`MultiPattern`, matched on
  "squeezed" text (runs of one letter cut to one, terms likewise), so letters may repeat; inner
  letters may be masked with ``*``;
* a linear model over word unigrams/bigrams (+ lexicon-hit features) trained offline by
  ``scripts/train_abuse.py`` on ``davidson_offensive`` and shipped as ``data/abuse_model.npz``
  (an NB-weighted logistic regression gives the probability; a plain one picks the offensive words).

Every signal has kind ``abuse``; ``evidence`` starts with the subtype (``insult``, ``slur``,
``threat``, ``harassment``, ``profanity``, ``mild``) and says where it came from. Scores: slur and
threat 0.95, insult and harassment 0.9, profanity 0.7, mild 0.3; when the model's probability is
under its threshold, insult and profanity hits drop to :data:`LOW` (:data:`STRONG` subtypes stay);
a model-only signal scores from :data:`FLAG_AT` up. A post is abusive (:func:`is_abusive`) when a
signal scores at least :data:`FLAG_AT`.
"""

from __future__ import annotations

import html
import itertools
import math
import re
from bisect import bisect_right
from functools import lru_cache
from importlib import resources

import msgspec
import numpy as np

from onrecord.detectors.multipattern import MultiPattern
from onrecord.model.signal import Signal

FLAG_AT = 0.5
STRONG = ("slur", "threat", "harassment")  # subtypes that count whatever the model says
LOW = 0.45  # score of a lexicon hit the model disagrees with (shown, not flagged)
SUBTYPE_SCORE = {"slur": 0.95, "threat": 0.95, "insult": 0.9, "harassment": 0.9, "profanity": 0.7, "mild": 0.3}
# What makes an ambiguous word ("pig", "liar") an insult: it is aimed at someone.
DIRECTED = re.compile(
    r"(?i)(?:\byou|\bu|\bur|\byour|\byou'?re|\byoure|\bhe'?s|\bshe'?s|\bthey'?re|\bis|\bare|\bwhat|\bsuch|"
    r"\bbunch of|\bthese|\bthose|\blittle|\bdumb|\bstupid|\bfat|\bugly|\bfucking|\bfkn|\bdamn|\bbloody)"
    r"(?:\s+(?:a|an|the|such|so|fucking|damn|little|bloody|total|complete|absolute|utter))*\s+$"
)
# Words naming a group: the training data links them to abuse (a known annotation bias), so on their
# own they never make a model-only flag ("their white peers", "the White House").
IDENTITY = frozenset(
    [
        "white",
        "black",
        "brown",
        "negro",
        "negroes",
        "asian",
        "jew",
        "jews",
        "jewish",
        "muslim",
        "muslims",
        "islam",
        "christian",
        "christians",
        "gay",
        "gays",
        "queer",
        "queers",
        "lesbian",
        "trans",
        "women",
        "woman",
        "men",
        "man",
        "girl",
        "girls",
        "boy",
        "boys",
        "mexican",
        "mexicans",
        "african",
        "africans",
        "american",
        "americans",
        "immigrant",
        "immigrants",
        "chinese",
        "indian",
        "arab",
        "arabs",
        "latino",
        "latina",
        "hispanic",
        "country",
        "house",
    ]
)
YOU_BEFORE = re.compile(
    r"(?i)\b(?:you|u|ya|ye|you're|youre|ur)(?:\s+(?:are|r|is|such|a|an|little|dirty|filthy|fat|stupid|fucking|bloody|"
    r"damn|total|complete))*\s+$"
)
# A link ends at white space or a quote mark: quoted retweets glue the next word to it ("t.co/x”word").
LINK = re.compile(r"https?://[^\s\"“”‘’']+|www\.\S+|@\w+|\b[\w.-]+\.(?:com|org|net|gov|co|io|ly)/\S*")
TOKEN = re.compile(r"@\w+|https?://[^\s\"“”‘’']+|[a-z0-9']+")


RUN = re.compile(r"([A-Za-z])\1+")


class Squeezed:
    """``text`` with every run of one letter cut to one ("stuupid", "stupid" -> "stupid"; "kill" -> "kil").

    Lexicon terms and model features are squeezed the same way, so doubled letters never matter.
    ``span`` maps offsets back to ``text``.
    """

    __slots__ = ("_ends", "_removed", "_starts", "original", "text")

    def __init__(self, text: str) -> None:
        self.original = text
        self.text = RUN.sub(r"\1", text)
        self._starts: list[int] | None = None  # worked out on the first span() call (most texts have no hit)

    def _map(self) -> list[int]:
        runs = [(m.start(), m.end()) for m in RUN.finditer(self.original)] if self.text != self.original else []
        self._starts = []  # squeezed index of each run's kept character
        self._removed: list[int] = []  # characters removed before that run
        self._ends: list[int] = []  # original end of the run
        removed = 0
        for a, b in runs:
            self._starts.append(a - removed)
            self._removed.append(removed)
            self._ends.append(b)
            removed += b - a - 1
        return self._starts

    def span(self, s: int, e: int) -> tuple[int, int]:
        starts = self._starts if self._starts is not None else self._map()
        if not starts:
            return s, e
        i = bisect_right(starts, s) - 1
        a = s + (
            self._removed[i] + (self._ends[i] - (starts[i] + self._removed[i]) - 1 if s > starts[i] else 0)
            if i >= 0
            else 0
        )
        q = e - 1
        j = bisect_right(starts, q) - 1
        if j >= 0 and starts[j] == q:
            b = self._ends[j]
        elif j >= 0:
            b = q + self._removed[j] + (self._ends[j] - (starts[j] + self._removed[j]) - 1) + 1
        else:
            b = e
        return a, b


def squeeze(word: str) -> str:
    return RUN.sub(r"\1", word)


def _term_regex(term: str, loose: bool = False) -> str:
    """Lexicon term -> regex on squeezed text: inner letters may be masked with ``*``, optional suffix.

    ``loose=True``: the same regex with every letter allowed to repeat, for the *unsqueezed* text. It
    matches wherever the strict one matches the squeezed text, so it is a gate: no loose match, no
    need to squeeze."""
    stem = squeeze(term[:-1] if term.endswith("*") else term)
    rep = "+" if loose else ""
    parts: list[str] = []
    for i, ch in enumerate(stem):
        if ch == " ":
            parts.append(r"\s+")
        elif ch.isalpha():
            inner = 0 < i < len(stem) - 1 and stem[i - 1] != " " and stem[i + 1] != " "
            parts.append((f"[{ch}*]" if inner else ch) + rep)
        else:
            parts.append(re.escape(ch) if ch != "'" else "'?")
    tail = r"[a-z]*" if term.endswith("*") else (r"(?:s+|e+s+)?" if loose else r"(?:s|es)?")
    return r"\b" + "".join(parts) + tail + r"\b"


def _word_len(text: str, i: int) -> int:
    """Length of the space-separated word of ``text`` that holds index ``i``."""
    return len(text.split(" ")[text.count(" ", 0, i)])


def _exact_regex(term: str) -> str:
    """``=`` term (without the ``=``) -> regex matched letter for letter; vowels may repeat ("niiigger", never
    "niger"; consonants may not, or "asses" would match "assess"); inner letters of words of 5+ letters may be
    masked with ``*`` ("n*gger"; not "a*s")."""
    stem = term[:-1] if term.endswith("*") else term
    parts: list[str] = []
    for i, ch in enumerate(stem):
        if ch == " ":
            parts.append(r"\s+")
        elif ch.isalpha() and 0 < i < len(stem) - 1 and " " not in stem[max(0, i - 1) : i + 2] and _word_len(stem, i) >= 5:
            parts.append(f"[{ch}*]+" if ch in "aeiou" else f"[{ch}*]")
        elif ch in "aeiou":
            parts.append(ch + "+")
        else:
            parts.append(re.escape(ch))
    return r"\b" + "".join(parts) + (r"[a-z]*\b" if term.endswith("*") else r"\b")


@lru_cache(maxsize=1)
def lexicon() -> list[tuple[str, str]]:
    """``(subtype, term)`` pairs from the shipped lexicon."""
    text = resources.files("onrecord.detectors").joinpath("data/abuse_lexicon.txt").read_text(encoding="utf-8")
    out: list[tuple[str, str]] = []
    for line in text.splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        sub, term = line.split("\t")
        out.append((sub.strip(), term.strip().lower()))
    return out


@lru_cache(maxsize=1)
def _matcher() -> MultiPattern:
    """Terms matched on squeezed text."""
    return MultiPattern.cached([(_term_regex(t), sub) for sub, t in lexicon() if not t.startswith("=")], caseless=True)


@lru_cache(maxsize=1)
def _gate_patterns() -> tuple[tuple[str, str], ...]:
    """The gate for :func:`_matcher` and :func:`_exact_matcher`, on the unsqueezed text: terms with repeatable
    letters, and the ``=`` terms as they are. ``ok`` phrases are left out: they matter only around another hit,
    which passes the gate. :class:`AbuseDetector` scans these together with its hot words in one pass."""
    pats = [(_term_regex(t, loose=True), sub) for sub, t in lexicon() if not t.startswith("=") and sub != "ok"]
    pats += [(_exact_regex(t[1:]), sub) for sub, t in lexicon() if t.startswith("=")]
    return tuple(pats)


def _bounded_regex(term: str) -> str:
    """``term``'s loose regex with its letters repeated at most twice (the last one, and the letters of a ``*``
    term's suffix, any number of times) and no masks. On text holding no :data:`RUN3` it matches wherever the
    loose regex does, and Hyperscan runs it as literals (about 4x faster over the lexicon)."""
    stem = squeeze(term[:-1] if term.endswith("*") else term)
    last = max(i for i, ch in enumerate(stem) if ch.isalpha())
    parts = [
        r"\s+" if ch == " " else (ch + ("+" if i == last else "{1,2}")) if ch.isalpha() else re.escape(ch) if ch != "'" else "'?"
        for i, ch in enumerate(stem)
    ]
    tail = r"[a-z]*" if term.endswith("*") else r"(?:s{1,2}|e{1,2}s{1,2})?"
    return r"\b" + "".join(parts) + tail + r"\b"


# Where the bounded regexes are not enough: a mask, or a run of 3+ of a letter. A "www" run matters only before
# another letter of a term (no term holds a '.', and a last letter may repeat), so "www." in a link is not one.
RUN3: tuple[str, ...] = (r"\*", *(c * 3 for c in "abcdefghijklmnopqrstuvxyz"), "www[^.]")


@lru_cache(maxsize=1)
def _bounded_gate_patterns() -> tuple[tuple[str, str], ...]:
    """:func:`_gate_patterns` one for one, as :func:`_bounded_regex`: valid only on text without :data:`RUN3`,
    which callers scan for in the same pass."""
    pats = [(_bounded_regex(t), sub) for sub, t in lexicon() if not t.startswith("=") and sub != "ok"]
    pats += [(_exact_regex(t[1:]), sub) for sub, t in lexicon() if t.startswith("=")]
    assert len(pats) == len(_gate_patterns())
    assert all("." not in t for _, t in lexicon()), "RUN3 assumes no term holds a '.'"
    return tuple(pats)


@lru_cache(maxsize=1)
def _loose_matcher() -> MultiPattern:
    """:func:`_gate_patterns` alone (for :func:`lexicon_hits` called without a detector)."""
    return MultiPattern.cached(_gate_patterns(), caseless=True)


@lru_cache(maxsize=1)
def _bounded_matcher() -> MultiPattern:
    """:func:`_bounded_gate_patterns` then :data:`RUN3` (kind ``run3``): the fast first pass of :func:`_lexicon_gate`."""
    return MultiPattern.cached([*_bounded_gate_patterns(), *((r, "run3") for r in RUN3)], caseless=True)


def _lexicon_gate(text: str) -> bool:
    """Whether :func:`_loose_matcher` matches ``text``, mostly from the faster bounded pass."""
    found = _bounded_matcher().candidates(text)
    if found and found[-1] >= len(_gate_patterns()):
        return bool(_loose_matcher().candidates(text))
    return bool(found)


@lru_cache(maxsize=1)
def _exact_matcher() -> MultiPattern:
    """``=`` terms, matched letter for letter (their squeezed form is an ordinary word)."""
    pats = [(_exact_regex(t[1:]), sub) for sub, t in lexicon() if t.startswith("=")]
    return MultiPattern.cached(pats, caseless=True)


def lexicon_hits(text: str, gated: bool = False) -> list[tuple[str, int, int]]:
    """``(subtype, start, end)`` lexicon hits in ``text``, ``*_directed`` resolved by context, ``ok`` phrases
    removed together with the terms inside them. ``gated``: the caller has seen :func:`_loose_matcher` (or a
    superset of it) match."""
    out: list[tuple[str, int, int]] = []
    if not gated and not _lexicon_gate(text):
        return out
    sq = Squeezed(text)
    found = [(sub, *sq.span(s0, e0)) for sub, s0, e0 in _matcher().scan(sq.text)]
    found.extend(_exact_matcher().scan(text))
    if not found:
        return out
    links = [m.span() for m in LINK.finditer(text)] if ("/" in text or "@" in text) else []
    for sub, s, e in found:
        if links and any(a <= s < b for a, b in links):
            continue  # inside a link or a handle ("t.co/GOkW…")
        if sub not in ("insult", "ok") and _proper_noun(text, s, e):
            continue  # "Senator Coons", "Katie Dykes", "Coon Valley", "Charles Dick Medal", "Carper, Coons"
        if sub.endswith("_directed"):
            if not DIRECTED.search(text[max(0, s - 40) : s]):
                continue
            sub = sub[: -len("_directed")]
        elif sub.endswith("_you"):
            if not YOU_BEFORE.search(text[max(0, s - 30) : s]):
                continue
            sub = sub[: -len("_you")]
        out.append((sub, s, e))
    # a longer hit of any subtype hides shorter ones inside it ("piece of shit" vs "shit")
    # (an "ok" phrase of the same extent as a term wins: "spices" is not the slur "spic" + "es")
    out.sort(key=lambda h: (h[1], -(h[2] - h[1]), h[0] != "ok"))
    kept: list[tuple[str, int, int]] = []
    for h in out:
        if kept and h[1] >= kept[-1][1] and h[2] <= kept[-1][2]:
            continue
        kept.append(h)
    # "ok" phrases ("maine coon") only hide the terms inside them
    return [h for h in kept if h[0] != "ok"]


_CAP_BEFORE = re.compile(r"(?:[A-Z][a-z]+\.?|[A-Z]\.)[ \t]+$")
_CAP_AFTER = re.compile(r"[ \t]+[A-Z][a-z]+")


def _proper_noun(text: str, s: int, e: int) -> bool:
    """A Capitalised hit next to another Capitalised word, or in mid-sentence, is a name or a place."""
    w = text[s:e]
    if not (w[:1].isupper() and w[1:].islower()) or not w.isalpha():
        return False  # phrases ("I know where you live") and lower/upper case are never names
    before = text[max(0, s - 30) : s].rstrip(" \t\"'“‘(")
    mid_sentence = bool(before) and before[-1] not in ".!?:\n" and not before.endswith(("RT", "—", "-"))
    return mid_sentence or bool(_CAP_BEFORE.search(text, max(0, s - 30), s) or _CAP_AFTER.match(text, e))


def features(text: str, hits: list[tuple[str, int, int]] | None = None) -> list[tuple[str, int, int]]:
    """Model features ``(name, start, end)`` of normalised ``text`` (shared by training and inference)."""
    low = text.lower()
    if len(low) != len(text):
        low = text.casefold()[: len(text)].ljust(len(text))
    toks: list[tuple[str, int, int]] = []
    for m in TOKEN.finditer(low):
        t = m.group()
        a, b = m.span()
        if t[0] == "@":
            t = "@user"
        elif t.startswith("http"):
            t = "url"
        elif t.isdigit():
            t = "0"
        toks.append((t, a, b))
    feats = list(toks)
    feats.extend((f"{a[0]} {b[0]}", a[1], b[2]) for a, b in itertools.pairwise(toks))
    for sub, s, e in hits if hits is not None else lexicon_hits(text):
        feats.append(("LEX:" + sub, s, e))
    return feats


def clean(text: str) -> str:
    """HTML entities out (tweets carry ``&amp;``); used before normalisation in training."""
    return html.unescape(text) if "&" in text else text


class AbuseModel:
    """Logistic model over binary features; weights from ``data/abuse_model.npz``.

    Two weight tables over one vocabulary: ``score_weights`` (an NB-weighted logistic regression) give
    the probability; ``weights`` (a plain logistic regression) say which words are strongly offensive on
    their own (the min-weight rule and the detector's hot-word gate). Without ``score_weights`` the plain
    weights do both."""

    def __init__(
        self,
        vocab: list[str],
        weights: np.ndarray,
        bias: float,
        threshold: float,
        min_weight: float = 0.0,
        score_weights: np.ndarray | None = None,
        score_bias: float | None = None,
    ) -> None:
        plain: list[float] = weights.astype(np.float64).tolist()
        self.w: dict[str, float] = dict(zip(vocab, plain, strict=True))
        scoring: list[float] = plain if score_weights is None else score_weights.astype(np.float64).tolist()
        # feature -> (weight for the probability, weight for the min-weight rule): one lookup per feature
        self._both: dict[str, tuple[float, float]] = dict(zip(vocab, zip(scoring, plain, strict=True), strict=True))
        self.bias = bias if score_bias is None else score_bias
        self.threshold = threshold
        # A model-only flag also needs one strongly offensive word or phrase (weight >= min_weight):
        # a pile of weakly "Twitter-ish" words is not abuse in an official post.
        self.min_weight = min_weight

    def score(self, feats: list[tuple[str, int, int]]) -> tuple[float, tuple[int, int] | None, float]:
        """Probability of abusive language, the span of the strongest positive word feature, its weight."""
        seen: set[str] = set()
        z = self.bias
        best = 0.0
        span: tuple[int, int] | None = None
        for f, s, e in feats:
            if f in seen:
                continue
            seen.add(f)
            vv = self._both.get(f)
            if vv is None:
                continue
            z += vv[0]
            v = vv[1]
            if v > best and not f.startswith("LEX:") and not (set(f.split()) & IDENTITY):
                best, span = v, (s, e)
        return 1.0 / (1.0 + math.exp(-max(min(z, 30.0), -30.0))), span, best


@lru_cache(maxsize=1)
def load_model() -> AbuseModel | None:
    """The shipped model, or ``None`` when ``scripts/train_abuse.py`` has not been run."""
    ref = resources.files("onrecord.detectors").joinpath("data/abuse_model.npz")
    try:
        with resources.as_file(ref) as path, np.load(path, allow_pickle=False) as z:
            return AbuseModel(
                [str(x) for x in z["vocab"]],
                z["weights"],
                float(z["bias"]),
                float(z["threshold"]),
                float(z["min_weight"]) if "min_weight" in z.files else 0.0,
                z["score_weights"] if "score_weights" in z.files else None,
                float(z["score_bias"]) if "score_bias" in z.files else None,
            )
    except FileNotFoundError:
        return None


class AbuseDetector:
    """Lexicon + linear model; see the module docstring."""

    name = "abuse"
    normalise = True

    def __init__(self, model: bool | AbuseModel = True) -> None:
        """``model``: True for the shipped model, False for the lexicon alone, or a model (training uses this)."""
        lexicon()
        _matcher()
        _exact_matcher()
        self.model = model if isinstance(model, AbuseModel) else load_model() if model else None
        self._hot_special: set[str] = set()
        hot: list[str] = []
        if self.model is not None:
            # Features that could make a model-only flag on their own. A post with no lexicon hit and
            # none of these cannot be flagged, so the model is not run on it (same answers, faster).
            feats = [
                f
                for f, v in self.model.w.items()
                if v >= self.model.min_weight and not f.startswith("LEX:") and not (set(f.split()) & IDENTITY)
            ]
            self._hot_special = {f for f in feats if f in ("@user", "url", "0") or "@user" in f or " url" in f}
            # Token bounds as in TOKEN: "_" ends a token but is a word character for \b ("x_bitch"), and
            # the words of a bigram may be parted by any non-token characters ("you, ho").
            hot = [
                r"(?:\b|_)" + r"[^a-z0-9']+".join(map(re.escape, f.split())) + r"(?:\b|_)"
                for f in feats
                if f not in self._hot_special
            ]
        # One pass says whether the lexicon can match and whether a hot word is there: the bounded lexicon
        # regexes, the hot words, then RUN3; when RUN3 fires, the same with the loose regexes says it.
        self._n_lex = len(_gate_patterns())
        self._n_gate = self._n_lex + len(hot)
        self._gate = MultiPattern.cached(
            [*((p, "lexicon") for p, _ in _bounded_gate_patterns()), *((p, "hot") for p in hot), *((r, "run3") for r in RUN3)],
            caseless=True,
        ).share()
        self._loose_gate = MultiPattern.cached([*((p, "lexicon") for p, _ in _gate_patterns()), *((p, "hot") for p in hot)], caseless=True)

    def _candidates(self, text: str) -> list[int]:
        """Lexicon ids, then hot-word ids, for ``text``: from the bounded pass (its lexicon ids a superset of the
        loose gate's, which :func:`lexicon_hits` then settles; its hot-word ids the same) unless RUN3 fires."""
        found = self._gate.candidates(text)
        if found and found[-1] >= self._n_gate:
            return self._loose_gate.candidates(text)
        return found

    def _may_flag(self, text: str, found: list[int] | None = None) -> bool:
        """Whether a model-only flag is possible at all: a hot word, or a special token the model weighs.
        ``found``: the gate's candidates for ``text`` when the caller has them."""
        if self.model is None:
            return True
        found = self._candidates(text) if found is None else found
        if found and found[-1] >= self._n_lex:  # sorted: the hot words come after the lexicon
            return True
        return bool(self._hot_special) and ("@" in text or "http" in text or any(c.isdigit() for c in text))

    def detect(self, text: str, field: str) -> list[Signal]:
        found = self._candidates(text)
        hits = lexicon_hits(text, gated=True) if found and found[0] < self._n_lex else []
        if not hits and not self._may_flag(text, found):
            return []
        out = [
            Signal(
                kind="abuse",
                start=s,
                end=e,
                text=text[s:e],
                score=SUBTYPE_SCORE.get(sub, 0.5),
                field=field,
                detector=self.name,
                evidence=f"{sub}: lexicon",
            )
            for sub, s, e in hits
        ]
        if self.model is not None:
            p, span, top = self.model.score(features(text, hits))
            if p < self.model.threshold:
                # The model (which sees the lexicon hits as features) is not convinced: only slurs, threats
                # and harassment still count; insults and profanity stay as low-score evidence.
                out = [
                    x
                    if x.evidence.startswith(STRONG)
                    else msgspec.structs.replace(x, score=min(x.score, LOW), evidence=f"{x.evidence}; model p={p:.2f}")
                    for x in out
                ]
            elif span is not None and top >= self.model.min_weight and not any(x.score >= FLAG_AT for x in out):
                s, e = span
                # model-only: scaled so the model threshold maps to FLAG_AT
                t = self.model.threshold
                score = FLAG_AT + (p - t) / max(1e-9, 1 - t) * (1 - FLAG_AT)
                out.append(
                    Signal(
                        kind="abuse",
                        start=s,
                        end=e,
                        text=text[s:e],
                        score=round(score, 3),
                        field=field,
                        detector=self.name,
                        evidence=f"insult: model p={p:.2f}",
                    )
                )
        return out


def is_abusive(signals: list[Signal]) -> bool:
    """The decision AB01 uses: any ``abuse`` signal scoring at least :data:`FLAG_AT`."""
    return any(s.kind == "abuse" and s.score >= FLAG_AT for s in signals)
