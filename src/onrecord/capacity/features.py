"""Hashed word and character n-grams for a batch of texts, computed in numpy (no sklearn at run time).

Each text is normalised (lower case, URLs and numbers folded, tokens split on punctuation), then every
word unigram, word bigram and character 3/4/5-gram is hashed into ``2**bits`` buckets. Hashes are
polynomial hashes mod 2**64 computed for the whole batch at once, so the cost per post is a handful of
string operations in Python plus vectorised numpy work; training (scripts/train_capacity.py) uses
the same function, so the weights learned there index the same buckets at run time.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Sequence

import numpy as np
import numpy.typing as npt

# Feature blocks. Each block gets its own salt and its own length normalisation.
BLOCKS: tuple[str, ...] = ("w1", "w2", "c3", "c4", "c5")
_SALT = {b: np.uint64(0x9E3779B97F4A7C15 * (i + 1) & 0xFFFFFFFFFFFFFFFF) for i, b in enumerate(BLOCKS)}
_P = 1_000_003  # odd, so it has an inverse mod 2**64
_PINV = pow(_P, -1, 2**64)
_MIX = np.uint64(0xBF58476D1CE4E5B9)

_URL = re.compile(r"https?://\S+|www\.\S+")
_TOKEN = re.compile(r"[#@]?\w+|[^\w\s]")
_DIGITS = re.compile(r"[1-9]")
_ENTITIES = (("&amp;", "&"), ("&lt;", "<"), ("&gt;", ">"), ("&quot;", '"'), ("&#39;", "'"))


def normalise(text: str) -> str:
    """Lower-case, fold URLs to ``_url_`` and digits to 0, split punctuation into tokens."""
    if "&" in text:
        for a, b in _ENTITIES:
            text = text.replace(a, b)
    text = _DIGITS.sub("0", _URL.sub(" _url_ ", text.lower()))
    return " ".join(_TOKEN.findall(text))


def _powers(base: int, n: int) -> npt.NDArray[np.uint64]:
    out = np.full(n, base, dtype=np.uint64)
    out[0] = 1
    with np.errstate(over="ignore"):
        return np.cumprod(out, dtype=np.uint64)


def hashed_ngrams(
    texts: Sequence[str], bits: int, prenormalised: bool = False, blocks: Collection[str] = BLOCKS
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64], npt.NDArray[np.float32]]:
    """Return (row, bucket, value) triples for ``texts``: one row per text, values pre-normalised.

    Within each block a text's n-gram counts are divided by sqrt(number of n-grams in that block), so
    long and short posts weigh alike (like TF-IDF's l2 norm, without the IDF).
    """
    norm = list(texts) if prenormalised else [normalise(t) for t in texts]
    n = len(norm)
    if n == 0:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty, np.zeros(0, dtype=np.float32)
    joined = "".join(" " + t + " " for t in norm).encode("utf-8", "surrogatepass")
    buf = np.frombuffer(joined, dtype=np.uint8).astype(np.uint64)
    lens = np.fromiter((len(t.encode("utf-8", "surrogatepass")) + 2 for t in norm), dtype=np.int64, count=n)
    ends = np.cumsum(lens)
    total = int(ends[-1])
    owner = np.repeat(np.arange(n, dtype=np.int64), lens)
    shift = np.uint64(64 - bits)

    rows: list[npt.NDArray[np.int64]] = []
    buckets: list[npt.NDArray[np.int64]] = []
    kinds: list[npt.NDArray[np.int64]] = []

    def emit(block: int, h: npt.NDArray[np.uint64], who: npt.NDArray[np.int64]) -> None:
        if BLOCKS[block] not in blocks:
            return
        with np.errstate(over="ignore"):
            mixed = (h ^ _SALT[BLOCKS[block]]) * _MIX
        buckets.append((mixed >> shift).astype(np.int64))
        rows.append(who)
        kinds.append(np.full(len(who), block, dtype=np.int64))

    with np.errstate(over="ignore"):
        # Words: prefix sums of b[j] * P^-j give the hash of any span [s, e) in O(1).
        q = np.zeros(total + 1, dtype=np.uint64)
        np.cumsum(buf * _powers(_PINV, total), out=q[1:])
        pw = _powers(_P, total + 1)
        spaces = np.flatnonzero(buf == 32)
        gap = np.diff(spaces)
        keep = gap > 1
        ws = spaces[:-1][keep] + 1
        we = spaces[1:][keep]
        wown = owner[ws]
        emit(0, (q[we] - q[ws]) * pw[we - 1], wown)
        same = wown[1:] == wown[:-1]
        bs, be = ws[:-1][same], we[1:][same]
        emit(1, (q[be] - q[bs]) * pw[be - 1], wown[1:][same])
        # Characters: grow the hash one byte at a time; drop n-grams that run past their text.
        p_ = np.uint64(_P)
        h = buf.copy()
        for k in range(1, 5):
            h = h[:-1] * p_ + buf[k:]
            if k >= 2:
                pos = np.arange(total - k, dtype=np.int64)
                ok = (pos + k) < ends[owner[pos]]
                emit(k, h[ok], owner[pos[ok]])

    row = np.concatenate(rows)
    bucket = np.concatenate(buckets)
    block = np.concatenate(kinds)
    # Per (row, block) length normalisation.
    key = row * len(BLOCKS) + block
    counts = np.bincount(key, minlength=n * len(BLOCKS)).astype(np.float32)
    value = (1.0 / np.sqrt(counts[key])).astype(np.float32)
    return row, bucket, value


def linear_scores(
    texts: Sequence[str], table: npt.NDArray[np.float32], bits: int, prenormalised: bool = False
) -> npt.NDArray[np.float32]:
    """``sum over n-grams of table[bucket] * value`` per text, without building the triples.

    ``table`` has ``2**bits + 1`` rows; the last must be zero (see ``with_zero_row``).

    Gives the same numbers as ``hashed_ngrams`` followed by a sparse product (tests check this), but
    scores character n-grams in place: n-grams that run past their text are sent to a zero row
    instead of being filtered out, and each text's block is summed with one ``reduceat``.
    """
    n = len(texts)
    cols = table.shape[1]
    out = np.zeros((n, cols), dtype=np.float32)
    if n == 0:
        return out
    norm = list(texts) if prenormalised else [normalise(t) for t in texts]
    joined = "".join(" " + t + " " for t in norm).encode("utf-8", "surrogatepass")
    pad = 8
    buf = np.frombuffer(joined + b"\0" * pad, dtype=np.uint8).astype(np.uint64)
    lens = np.fromiter((len(t.encode("utf-8", "surrogatepass")) + 2 for t in norm), dtype=np.int64, count=n)
    ends = np.cumsum(lens)
    starts = ends - lens
    total = int(ends[-1])
    shift = np.uint64(64 - bits)
    # Distance from each byte to the end of its text (0 in the padding).
    dist = np.zeros(total + pad, dtype=np.int64)
    dist[:total] = np.repeat(ends, lens) - np.arange(total, dtype=np.int64)
    zero_row = np.int64(2**bits)  # invalid n-grams are sent here

    with np.errstate(over="ignore", divide="ignore"):
        # Words, as in hashed_ngrams.
        q = np.zeros(total + 1, dtype=np.uint64)
        np.cumsum(buf[:total] * _powers(_PINV, total), out=q[1:])
        pw = _powers(_P, total + 1)
        spaces = np.flatnonzero(buf[:total] == 32)
        keep = np.diff(spaces) > 1
        ws = spaces[:-1][keep] + 1
        we = spaces[1:][keep]
        wown = np.searchsorted(ends, ws, side="right")
        same = wown[1:] == wown[:-1]
        for block, s, e, who in (
            ("w1", ws, we, wown),
            ("w2", ws[:-1][same], we[1:][same], wown[1:][same]),
        ):
            h = (q[e] - q[s]) * pw[e - 1]
            b = (((h ^ _SALT[block]) * _MIX) >> shift).astype(np.int64)
            cnt = np.bincount(who, minlength=n)
            if len(b):
                seg = np.concatenate(([0], np.cumsum(cnt)[:-1]))
                # The zero row after the last n-gram lets a text's block end where the next text's starts even
                # when the texts after it have no n-grams (clipping that index dropped the text's last n-gram,
                # so a post scored differently by what followed it in the batch).
                sums = np.add.reduceat(table[np.append(b, zero_row)], seg, axis=0)
                sums[cnt == 0] = 0
                out += sums / np.sqrt(np.maximum(cnt, 1))[:, None]
        # Characters: positions of text i are starts[i] .. starts[i+1]-1; invalid ones hit the zero row.
        p_ = np.uint64(_P)
        h = buf.copy()
        for k in range(1, 5):
            h = h[:-1] * p_ + buf[k:]
            if k < 2:
                continue
            b = (((h ^ _SALT[BLOCKS[k]]) * _MIX) >> shift).astype(np.int64)
            b = np.where(dist[: len(b)] > k, b, zero_row)
            sums = np.add.reduceat(table[b], starts, axis=0)
            cnt = np.maximum(lens - k, 0)
            out += sums / np.sqrt(np.maximum(cnt, 1))[:, None]
    return out


def with_zero_row(weights: npt.NDArray[np.floating]) -> npt.NDArray[np.float32]:
    """``weights`` (2**bits rows) plus one zero row, as ``linear_scores`` expects."""
    return np.ascontiguousarray(np.vstack([weights, np.zeros((1, weights.shape[1]))]), dtype=np.float32)
