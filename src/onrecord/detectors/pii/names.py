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
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any

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


@dataclass(frozen=True, slots=True)
class NameSpan:
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
        self._info: dict[str, tuple[str, str, bool, bool, bool, bool]] = {}
        self._self_vec: dict[tuple[str, str], tuple[float, float, float]] = {}
        self._prev_vec: dict[str, tuple[float, float, float]] = {}
        self._prev2_vec: dict[str, tuple[float, float, float]] = {}
        self._next_vec: dict[str, tuple[float, float, float]] = {}
        self._next2_vec: dict[str, tuple[float, float, float]] = {}
        self._shape_vec: dict[tuple[str, str, str], tuple[float, float, float]] = {}
        self._pws_vec: dict[tuple[str, str], tuple[float, float, float]] = {}
        self._pt_vec: dict[tuple[str, str], tuple[float, float, float]] = {}
        self._first = self._vec(["first"])
        self._cap_unk_mid = self._vec(["cap_unk_mid"])
        self._unk_pair = self._vec(["unk_pair"])

    @classmethod
    def load(cls) -> NameTagger | None:
        """The shipped model, or ``None`` when it has not been built (``scripts/train_ner.py``)."""
        return _load()

    def tag_tokens(self, words: list[str]) -> list[tuple[str, float]]:
        """Tag and margin for each of ``words``.

        Same model as :func:`token_features` (the training side), scored by feature template: the
        weights of the features that depend on one word (or one shape pair) are summed once per word
        and cached, so a token costs about ten cached look-ups instead of twenty string features."""
        n = len(words)
        info = self._info
        infos = [info.get(w) or self._word_info(w) for w in words]
        out: list[tuple[str, float]] = []
        prev = "O"
        off = self.offset
        sv, pv, p2v, nv, n2v, shv, pwsv, ptv = (
            self._self_vec,
            self._prev_vec,
            self._prev2_vec,
            self._next_vec,
            self._next2_vec,
            self._shape_vec,
            self._pws_vec,
            self._pt_vec,
        )
        for i in range(n):
            w, sh, alpha0, upper0, in_gf, in_common = infos[i]
            if (prev == "O" and not (upper0 or in_gf)) or not alpha0:
                out.append(("O", 0.0))
                prev = "O"
                continue
            p1, s_p1 = (infos[i - 1][0], infos[i - 1][1]) if i > 0 else ("<s>", "<s>")
            p2 = infos[i - 2][0] if i > 1 else "<s>"
            if i + 1 < n:
                nxt = infos[i + 1]
                n1, s_n1 = nxt[0], nxt[1]
            else:
                nxt = None
                n1 = s_n1 = "</s>"
            n2 = infos[i + 2][0] if i + 2 < n else "</s>"
            vecs = [
                sv.get((w, sh)) or self._compute_self(w, sh),
                pv.get(p1) or self._compute_ctx(pv, p1, self._prev_feats),
                p2v.get(p2) or self._compute_ctx(p2v, p2, lambda x: ["pw2=" + x]),
                nv.get(n1) or self._compute_ctx(nv, n1, self._next_feats),
                n2v.get(n2) or self._compute_ctx(n2v, n2, lambda x: ["nw2=" + x]),
                shv.get((s_p1, sh, s_n1)) or self._compute_ctx(shv, (s_p1, sh, s_n1), self._shape_feats),
                pwsv.get((p1, sh)) or self._compute_ctx(pwsv, (p1, sh), lambda k: ["pw_s=" + k[0] + "|" + k[1]]),
                ptv.get((prev, sh)) or self._compute_ctx(ptv, (prev, sh), lambda k: ["pt=" + k[0], "pt_s=" + k[0] + k[1]]),
            ]
            if i == 0:
                vecs.append(self._first)
            elif upper0 and not in_common:
                vecs.append(self._cap_unk_mid)
            if not in_common and nxt is not None and nxt[3] and not nxt[5]:
                vecs.append(self._unk_pair)
            s0 = s1 = s2 = 0.0
            for v in vecs:
                s0 += v[0]
                s1 += v[1]
                s2 += v[2]
            s1 += off
            s2 += off
            if prev == "O":
                s2 = -1e9  # I-PER only continues a name
            if s1 >= s2:
                best, sb = (1, s1) if s1 > s0 else (0, s0)
            else:
                best, sb = (2, s2) if s2 > s0 else (0, s0)
            tag = TAGS[best]
            out.append((tag, sb - s0 if best else 0.0))
            prev = tag
        return out

    # -- feature-template caches (see tag_tokens) ------------------------------------------------------
    _CACHE_LIMIT = 200_000

    def _vec(self, feats: list[str]) -> tuple[float, float, float]:
        s0 = s1 = s2 = 0.0
        for f in feats:
            v = self.weights.get(f)
            if v is not None:
                s0 += v[0]
                s1 += v[1]
                s2 += v[2]
        return (s0, s1, s2)

    def _word_info(self, word: str) -> tuple[str, str, bool, bool, bool, bool]:
        """(folded, shape, first char is a letter, first char is upper case, in first-name gazetteer, common)."""
        if len(self._info) > self._CACHE_LIMIT:
            self._info.clear()
        w = fold(word)
        c0 = word[:1]
        t = (w, shape(word), c0.isalpha(), c0.isupper(), w in self.gaz_first, w in self.common)
        self._info[word] = t
        return t

    def _compute_self(self, w: str, sh: str) -> tuple[float, float, float]:
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
        tags = self.tag_tokens(words)
        if not any(t == "B-PER" for t, _ in tags):
            return []  # the usual case: offsets are only worked out when there is a name
        toks = [(m.start(), m.end()) for m in TOKEN_RE.finditer(text)]
        spans: list[NameSpan] = []
        cur: list[int] = []
        margins: list[float] = []

        def close() -> None:
            s, e = toks[cur[0]][0], toks[cur[-1]][1]
            if text[e - 1] == "." and len(words[cur[-1]]) > 2:
                e -= 1  # sentence full stop, not an initial
            m = min(margins)
            spans.append(NameSpan(s, e, 1.0 / (1.0 + math.exp(-m / 4.0))))
            cur.clear()
            margins.clear()

        for j, (t, m) in enumerate(tags):
            if t == "B-PER":
                if cur:
                    close()
                cur.append(j)
                margins.append(m)
            elif t == "I-PER" and cur:
                cur.append(j)
                margins.append(m)
            elif cur:
                close()
        if cur:
            close()
        return spans


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
