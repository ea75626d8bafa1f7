"""A small person-name tagger: greedy averaged perceptron over token features (BIO: O, B-PER, I-PER).

Trained offline by ``scripts/train_ner.py`` on the Broad Twitter Corpus and WNUT-17 (CC-BY 4.0, see
NOTICE) and shipped as ``data/ner_person.npz`` (feature strings, a weight matrix, the first/last-name
gazetteers built from those training sets only). No network, no pickles.

Speed: tokens that are not capitalised, not in the gazetteers and do not follow a tagged token are
tagged ``O`` without scoring, so a post costs a few dozen dictionary look-ups.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Callable
from functools import lru_cache
from importlib import resources
from typing import Any, NamedTuple, cast

import numpy as np

Vec = tuple[float, float, float]

TAGS: tuple[str, ...] = ("O", "B-PER", "I-PER")
TOKEN_RE = re.compile(r"@\w+|#\w+|\w+(?:['’.\-]\w+)*\.?|\S", re.UNICODE)
TITLES = frozenset(
    [
        "mr",
        "mrs",
        "ms",
        "miss",
        "mx",
        "dr",
        "prof",
        "sir",
        "dame",
        "lady",
        "lord",
        "madam",
        "mister",
        "mrs.",
        "mr.",
        "ms.",
        "dr.",
        "prof.",
        "aunty",
        "uncle",
        "nana",
        "koro",
    ]
)


@lru_cache(maxsize=65536)
def fold(word: str) -> str:
    """Lower case without accents (features only)."""
    w = word.lower()
    if w.isascii():
        return w
    return "".join(c for c in unicodedata.normalize("NFKD", w) if not unicodedata.combining(c))


@lru_cache(maxsize=65536)
def shape(word: str) -> str:
    """Compressed word shape: ``Xx``, ``x``, ``X``, ``d``, mixed ``Xxd``..."""
    out: list[str] = []
    for c in word:
        s = "X" if c.isupper() else "x" if c.isalpha() else "d" if c.isdigit() else c if c in "@#.'-" else "o"
        if not out or out[-1] != s:
            out.append(s)
    return "".join(out[:5])


def token_features(
    words: list[str],
    folded: list[str],
    shapes: list[str],
    i: int,
    prev: str,
    gaz_first: frozenset[str],
    gaz_last: frozenset[str],
    common: frozenset[str] = frozenset(),
) -> list[str]:
    """Features of token ``i`` given the previous tag (shared by training and inference)."""
    w = folded[i]
    sh = shapes[i]
    n = len(words)
    p1 = folded[i - 1] if i > 0 else "<s>"
    p2 = folded[i - 2] if i > 1 else "<s>"
    n1 = folded[i + 1] if i + 1 < n else "</s>"
    n2 = folded[i + 2] if i + 2 < n else "</s>"
    s_p1 = shapes[i - 1] if i > 0 else "<s>"
    s_n1 = shapes[i + 1] if i + 1 < n else "</s>"
    f = [
        "b",
        "w=" + w,
        "s=" + sh,
        "p3=" + w[:3],
        "x3=" + w[-3:],
        "x2=" + w[-2:],
        "pw=" + p1,
        "nw=" + n1,
        "pw2=" + p2,
        "nw2=" + n2,
        "ps=" + s_p1,
        "ns=" + s_n1,
        "pt=" + prev,
        "pt_s=" + prev + sh,
        "s_ns=" + sh + s_n1,
        "ps_s=" + s_p1 + sh,
        "pw_s=" + p1 + "|" + sh,
    ]
    if i == 0:
        f.append("first")
    if w in gaz_first:
        f.append("gf")
        f.append("gf_s=" + sh)
    if w in gaz_last:
        f.append("gl")
        f.append("gl_s=" + sh)
    if i + 1 < n and folded[i + 1] in gaz_last:
        f.append("ngl")
    if i > 0 and folded[i - 1] in gaz_first:
        f.append("pgf")
    cap = words[i][:1].isupper()
    if w not in common:
        f.append("unk_s=" + sh)
        if cap and i > 0:
            f.append("cap_unk_mid")
        if i + 1 < n and words[i + 1][:1].isupper() and n1 not in common:
            f.append("unk_pair")
    elif cap:
        f.append("cap_common")
    if p1 in TITLES:
        f.append("title_before")
    if len(w) == 1 or (len(w) == 2 and w.endswith(".")):
        f.append("initial_s=" + sh)
    return f


class NameSpan(NamedTuple):
    """A person-name span (character offsets) and its score."""

    start: int
    end: int
    score: float


class NameTagger:
    """Greedy BIO tagger for person names."""

    def __init__(
        self,
        features: list[str],
        weights: np.ndarray,
        gaz_first: frozenset[str],
        gaz_last: frozenset[str],
        common: frozenset[str] = frozenset(),
        offset: float = 0.0,
    ) -> None:
        w = weights.astype(np.float64)
        self.weights: dict[str, tuple[float, float, float]] = {
            f: (float(a), float(b), float(c)) for f, (a, b, c) in zip(features, w, strict=True)
        }
        self.gaz_first = gaz_first
        self.gaz_last = gaz_last
        self.common = common
        # Added to the name scores at decoding: trades precision for recall (set by the training script).
        self.offset = offset
        self._info: dict[str, _Word] = {}
        self._self_vec: dict[tuple[str, str], Vec] = {}
        self._prev_vec: dict[str, Vec] = {}
        self._prev2_vec: dict[str, Vec] = {}
        self._next_vec: dict[str, Vec] = {}
        self._next2_vec: dict[str, Vec] = {}
        self._shape_vec: dict[tuple[str, str, str], Vec] = {}
        self._pws_vec: dict[tuple[str, str], Vec] = {}
        self._pt_vec: dict[str, tuple[Vec, Vec, Vec]] = {}
        self._first = self._vec(["first"])
        self._cap_unk_mid = self._vec(["cap_unk_mid"])
        self._unk_pair = self._vec(["unk_pair"])
        # the context features of the sentence boundaries
        self._bos_prev = self._vec(self._prev_feats("<s>"))
        self._bos_prev2 = self._vec(["pw2=<s>"])
        self._eos_next = self._vec(self._next_feats("</s>"))
        self._eos_next2 = self._vec(["nw2=</s>"])
        # the entries _decode puts before and after the words (their vectors are those above)
        self._bos = _Word("<s>", "<s>", 0, False, False, _NO_PT)
        self._bos.as_prev, self._bos.as_prev2 = self._bos_prev, self._bos_prev2
        self._eos = _Word("</s>", "</s>", 0, False, False, _NO_PT)
        self._eos.as_next, self._eos.as_next2 = self._eos_next, self._eos_next2

    @classmethod
    def load(cls) -> NameTagger | None:
        """The shipped model, or ``None`` when it has not been built (``scripts/train_ner.py``)."""
        return _load()

    def tag_tokens(self, words: list[str]) -> list[tuple[str, float]]:
        """Tag and margin for each of ``words``.

        Same model as :func:`token_features` (the training side), scored by feature template: the
        weights of the features that depend on one word (or one shape pair) are summed once per word
        and cached, so a token costs a few cached look-ups instead of twenty string features."""
        return self._decode(words)[0]

    def _decode(self, words: list[str]) -> tuple[list[tuple[str, float]], int]:
        """``tag_tokens`` and the index of the last token in a name (-1: no name; an ``I-PER`` always
        follows a ``B-PER``)."""
        n = len(words)
        info = self._info
        got = list(map(info.get, words))
        infos = (
            cast("list[_Word]", got) if None not in got else [x or self._word_info(w) for x, w in zip(got, words, strict=True)]
        )
        # two sentence-boundary entries on each side: neighbours need no bounds checks
        row = [self._bos, self._bos, *infos, self._eos, self._eos]
        out: list[tuple[str, float]] = [_OUTSIDE] * n  # most tokens are never scored
        last = -1
        prev = 0  # index into TAGS of the previous token's tag
        off = self.offset
        shv, pwsv = self._shape_vec, self._pws_vec
        unk_pair, cap_unk_mid = self._unk_pair, self._cap_unk_mid
        for i, cur in enumerate(infos):
            gate = cur.gate
            if gate == 0 or (gate == 1 and prev == 0):
                prev = 0
                continue
            sh = cur.shape
            p, q = row[i + 1], row[i + 3]
            v1 = p.as_prev or self._fill_prev(p)
            v2 = row[i].as_prev2 or self._fill_prev2(row[i])
            v3 = q.as_next or self._fill_next(q)
            v4 = row[i + 4].as_next2 or self._fill_next2(row[i + 4])
            s_p1, p1, s_n1 = p.shape, p.fold, q.shape
            pair = cur.unknown and q.cap_unknown  # unk_pair: an unknown word before a capitalised unknown word
            v0 = cur.own or self._fill_own(cur)
            v5 = shv.get((s_p1, sh, s_n1)) or self._compute_ctx(shv, (s_p1, sh, s_n1), self._shape_feats)
            v6 = pwsv.get((p1, sh)) or self._compute_ctx(pwsv, (p1, sh), _pws_feats)
            v7 = cur.pt[prev]
            extra = self._first if i == 0 else cap_unk_mid if cur.cap_unknown else None
            # summed in the order token_features lists the features (float addition is not associative)
            s0 = 0.0 + v0[0] + v1[0] + v2[0] + v3[0] + v4[0] + v5[0] + v6[0] + v7[0]
            s1 = 0.0 + v0[1] + v1[1] + v2[1] + v3[1] + v4[1] + v5[1] + v6[1] + v7[1]
            if extra is not None:
                s0 += extra[0]
                s1 += extra[1]
            if pair:
                s0 += unk_pair[0]
                s1 += unk_pair[1]
            s1 += off
            if prev == 0:
                s2 = -1e9  # I-PER only continues a name
            else:
                s2 = 0.0 + v0[2] + v1[2] + v2[2] + v3[2] + v4[2] + v5[2] + v6[2] + v7[2]
                if extra is not None:
                    s2 += extra[2]
                if pair:
                    s2 += unk_pair[2]
                s2 += off
            if s1 >= s2:
                best, sb = (1, s1) if s1 > s0 else (0, s0)
            else:
                best, sb = (2, s2) if s2 > s0 else (0, s0)
            if best:
                out[i] = (TAGS[best], sb - s0)
                last = i
            prev = best
        return out, last

    # -- feature-template caches (see _decode) ---------------------------------------------------------
    _CACHE_LIMIT = 200_000

    def _vec(self, feats: list[str]) -> Vec:
        s0 = s1 = s2 = 0.0
        for f in feats:
            v = self.weights.get(f)
            if v is not None:
                s0 += v[0]
                s1 += v[1]
                s2 += v[2]
        return (s0, s1, s2)

    def _word_info(self, word: str) -> _Word:
        """The cached entry of one token; its vectors are worked out when first needed."""
        if len(self._info) > self._CACHE_LIMIT:
            self._info.clear()
        w = fold(word)
        sh = shape(word)
        c0 = word[:1]
        upper0 = c0.isupper()
        unknown = w not in self.common
        # scored always (a capital or a known first name), only inside a name, or never (not a letter)
        gate = 0 if not c0.isalpha() else 2 if upper0 or w in self.gaz_first else 1
        t = self._info[word] = _Word(w, sh, gate, unknown, upper0 and unknown, self._pt_vec.get(sh) or self._compute_pt(sh))
        return t

    def _fill_own(self, t: _Word) -> Vec:
        v = t.own = self._self_vec.get((t.fold, t.shape)) or self._compute_self(t.fold, t.shape)
        return v

    def _fill_prev(self, t: _Word) -> Vec:
        v = t.as_prev = self._prev_vec.get(t.fold) or self._compute_ctx(self._prev_vec, t.fold, self._prev_feats)
        return v

    def _fill_prev2(self, t: _Word) -> Vec:
        v = t.as_prev2 = self._prev2_vec.get(t.fold) or self._compute_ctx(self._prev2_vec, t.fold, _prev2_feats)
        return v

    def _fill_next(self, t: _Word) -> Vec:
        v = t.as_next = self._next_vec.get(t.fold) or self._compute_ctx(self._next_vec, t.fold, self._next_feats)
        return v

    def _fill_next2(self, t: _Word) -> Vec:
        v = t.as_next2 = self._next2_vec.get(t.fold) or self._compute_ctx(self._next2_vec, t.fold, _next2_feats)
        return v

    def _compute_self(self, w: str, sh: str) -> Vec:
        """Features of the token itself (everything in token_features that needs no neighbour)."""
        f = ["b", "w=" + w, "s=" + sh, "p3=" + w[:3], "x3=" + w[-3:], "x2=" + w[-2:]]
        if w in self.gaz_first:
            f += ["gf", "gf_s=" + sh]
        if w in self.gaz_last:
            f += ["gl", "gl_s=" + sh]
        if w not in self.common:
            f.append("unk_s=" + sh)
        elif sh[:1] == "X":
            f.append("cap_common")
        if len(w) == 1 or (len(w) == 2 and w.endswith(".")):
            f.append("initial_s=" + sh)
        if len(self._self_vec) > self._CACHE_LIMIT:
            self._self_vec.clear()
        v = self._self_vec[(w, sh)] = self._vec(f)
        return v

    def _compute_pt(self, sh: str) -> tuple[Vec, Vec, Vec]:
        """The previous-tag features of a token of shape ``sh``, one vector per previous tag."""
        a, b, c = (self._vec(["pt=" + t, "pt_s=" + t + sh]) for t in TAGS)
        v = self._pt_vec[sh] = (a, b, c)
        return v

    def _compute_ctx(self, cache: dict[Any, Vec], key: Any, feats: Callable[[Any], list[str]]) -> Vec:
        if len(cache) > self._CACHE_LIMIT:
            cache.clear()
        v = cache[key] = self._vec(feats(key))
        return v

    def _prev_feats(self, p1: str) -> list[str]:
        f = ["pw=" + p1]
        if p1 != "<s>" and p1 in self.gaz_first:
            f.append("pgf")
        if p1 in TITLES:
            f.append("title_before")
        return f

    def _next_feats(self, n1: str) -> list[str]:
        f = ["nw=" + n1]
        if n1 != "</s>" and n1 in self.gaz_last:
            f.append("ngl")
        return f

    @staticmethod
    def _shape_feats(k: tuple[str, str, str]) -> list[str]:
        s_p1, sh, s_n1 = k
        return ["ps=" + s_p1, "ns=" + s_n1, "s_ns=" + sh + s_n1, "ps_s=" + s_p1 + sh]

    def tag(self, text: str) -> list[NameSpan]:
        """Person-name spans in ``text`` with a score in (0, 1)."""
        words = TOKEN_RE.findall(text)
        if not words:
            return []
        tags, last = self._decode(words)
        if last < 0:
            return []  # the usual case: offsets are only worked out when there is a name
        # Between two tokens there is only white space (``\S`` matches any other character), so each
        # token starts at its first occurrence after the previous one.
        starts: list[int] = []
        pos = 0
        for w in words[: last + 1]:
            pos = text.find(w, pos)
            starts.append(pos)
            pos += len(w)
        spans: list[NameSpan] = []
        first = end = -1  # first and last token of the name being read (-1: none)
        margin = 0.0  # its smallest margin
        for j in range(last + 1):
            t, m = tags[j]
            if t == "B-PER":
                if first >= 0:
                    spans.append(self._span(text, words, starts, first, end, margin))
                first = end = j
                margin = m
            elif t == "I-PER" and first >= 0:
                end = j
                margin = min(margin, m)
            elif first >= 0:
                spans.append(self._span(text, words, starts, first, end, margin))
                first = -1
        if first >= 0:
            spans.append(self._span(text, words, starts, first, end, margin))
        return spans

    @staticmethod
    def _span(text: str, words: list[str], starts: list[int], first: int, last: int, margin: float) -> NameSpan:
        e = starts[last] + len(words[last])
        if text[e - 1] == "." and len(words[last]) > 2:
            e -= 1  # sentence full stop, not an initial
        return NameSpan(starts[first], e, 1.0 / (1.0 + math.exp(-margin / 4.0)))


class _Word:
    """What the tagger needs of one token string, cached (see NameTagger._decode): its folded form and
    shape; ``gate`` 0 never scored (not a letter), 1 scored only after a name tag, 2 always (a capital
    or a known first name); not a common word; capitalised and not common; the weight vectors of its
    own features, of the previous-tag features by previous tag, and of its features as the previous,
    second previous, next and second next word (``None`` until first needed)."""

    __slots__ = ("as_next", "as_next2", "as_prev", "as_prev2", "cap_unknown", "fold", "gate", "own", "pt", "shape", "unknown")

    def __init__(self, fold: str, shape: str, gate: int, unknown: bool, cap_unknown: bool, pt: tuple[Vec, Vec, Vec]) -> None:
        self.fold = fold
        self.shape = shape
        self.gate = gate
        self.unknown = unknown
        self.cap_unknown = cap_unknown
        self.pt = pt
        self.own: Vec | None = None
        self.as_prev: Vec | None = None
        self.as_prev2: Vec | None = None
        self.as_next: Vec | None = None
        self.as_next2: Vec | None = None


_NO_PT: tuple[Vec, Vec, Vec] = ((0.0, 0.0, 0.0),) * 3  # the boundary entries are never scored
_OUTSIDE = ("O", 0.0)


def _prev2_feats(p2: str) -> list[str]:
    return ["pw2=" + p2]


def _next2_feats(n2: str) -> list[str]:
    return ["nw2=" + n2]


def _pws_feats(k: tuple[str, str]) -> list[str]:
    return ["pw_s=" + k[0] + "|" + k[1]]


@lru_cache(maxsize=1)
def _load() -> NameTagger | None:
    try:
        ref = resources.files("onrecord.detectors.pii").joinpath("data/ner_person.npz")
        with resources.as_file(ref) as path, np.load(path, allow_pickle=False) as z:
            return NameTagger(
                [str(x) for x in z["features"]],
                z["weights"],
                frozenset(str(x) for x in z["gaz_first"]),
                frozenset(str(x) for x in z["gaz_last"]),
                frozenset(str(x) for x in z["common"]) if "common" in z.files else frozenset(),
                float(z["offset"]) if "offset" in z.files else 0.0,
            )
    except FileNotFoundError:
        return None
