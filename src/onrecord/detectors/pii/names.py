"""A small person-name tagger: greedy averaged perceptron over token features (BIO: O, B-PER, I-PER).

Trained offline by ``scripts/train_ner.py`` on the Broad Twitter Corpus and WNUT-17 (CC-BY 4.0, see
NOTICE) and shipped as ``data/ner_person.npz`` (feature strings, a weight matrix, the first/last-name
gazetteers built from those training sets only). No network, no pickles.

Speed: tokens that are not capitalised, not in the gazetteers and do not follow a tagged token are
tagged ``O`` without scoring, so a post costs a few dozen dictionary look-ups.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

import numpy as np

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

    @classmethod
    def load(cls) -> NameTagger | None:
        """The shipped model, or ``None`` when it has not been built (``scripts/train_ner.py``)."""
        return _load()

    def tag_tokens(self, words: list[str]) -> list[tuple[str, float]]:
        """Tag and margin for each of ``words``."""
        folded = [fold(w) for w in words]
        shapes = [shape(w) for w in words]
        out: list[tuple[str, float]] = []
        prev = "O"
        wts = self.weights
        gf, gl = self.gaz_first, self.gaz_last
        for i, word in enumerate(words):
            c0 = word[:1]
            if (prev == "O" and not (c0.isupper() or folded[i] in gf)) or not c0.isalpha():
                out.append(("O", 0.0))
                prev = "O"
                continue
            s0 = s1 = s2 = 0.0
            for feat in token_features(words, folded, shapes, i, prev, gf, gl, self.common):
                v = wts.get(feat)
                if v is not None:
                    s0 += v[0]
                    s1 += v[1]
                    s2 += v[2]
            s1 += self.offset
            s2 += self.offset
            if prev == "O":
                s2 = -1e9  # I-PER only continues a name
            best = max(range(3), key=(s0, s1, s2).__getitem__)
            tag = TAGS[best]
            margin = (s1 if best == 1 else s2) - s0 if best else 0.0
            out.append((tag, margin))
            prev = tag
        return out

    def tag(self, text: str) -> list[NameSpan]:
        """Person-name spans in ``text`` with a score in (0, 1)."""
        toks = [(m.group(), m.start(), m.end()) for m in TOKEN_RE.finditer(text)]
        if not toks:
            return []
        tags = self.tag_tokens([t[0] for t in toks])
        spans: list[NameSpan] = []
        cur: list[int] = []
        margins: list[float] = []

        def close() -> None:
            if cur:
                s, e = toks[cur[0]][1], toks[cur[-1]][2]
                if text[e - 1] == "." and len(toks[cur[-1]][0]) > 2:
                    e -= 1  # sentence full stop, not an initial
                m = min(margins)
                spans.append(NameSpan(s, e, 1.0 / (1.0 + float(np.exp(-m / 4.0)))))
                cur.clear()
                margins.clear()

        for j, (t, m) in enumerate(tags):
            if t == "B-PER":
                close()
                cur.append(j)
                margins.append(m)
            elif t == "I-PER" and cur:
                cur.append(j)
                margins.append(m)
            else:
                close()
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
