"""The learned text model: hashed n-gram weights (.npz) scored with numpy, batch first."""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path

import numpy as np
import numpy.typing as npt

from onrecord.capacity.features import linear_scores, normalise, with_zero_row
from onrecord.model.finding import CAPACITIES

CLASSES: tuple[str, ...] = CAPACITIES  # column order of the weights: official, professional, private, political
OUT_DIR = Path(__file__).resolve().parent / "data"
ARTEFACT = OUT_DIR / "capacity_text.npz"
_TOKEN_ROWS_LIMIT = 200_000  # per-token scores kept for evidence words


class CapacityModel:
    """Multinomial logistic regression over hashed n-grams, with one calibration temperature."""

    def __init__(self, weights: npt.NDArray[np.floating], bias: npt.NDArray[np.floating], temperature: float, bits: int):
        self.table = with_zero_row(weights)
        self.bias = np.asarray(bias, dtype=np.float32)
        self.temperature = float(temperature)
        self.bits = int(bits)
        # Per-token scores for evidence words (see token_pulls): token -> row of _token_scores.
        self._token_index: dict[str, int] = {}
        self._token_scores: npt.NDArray[np.float32] = np.zeros((0, len(CLASSES)), dtype=np.float32)

    @classmethod
    def load(cls, path: Path = ARTEFACT) -> CapacityModel:
        with np.load(path, allow_pickle=False) as z:
            return cls(z["weights"], z["bias"], float(z["temperature"][0]), int(z["bits"][0]))

    def logits(self, texts: Sequence[str], prenormalised: bool = False) -> npt.NDArray[np.float32]:
        """Uncalibrated class scores, shape (len(texts), 4). ``prenormalised``: the texts already went
        through :func:`~onrecord.capacity.features.normalise`."""
        return linear_scores(texts, self.table, self.bits, prenormalised) + self.bias

    def predict_proba(self, texts: Sequence[str], prior: npt.NDArray[np.floating] | None = None) -> npt.NDArray[np.float64]:
        """Calibrated probabilities, shape (len(texts), 4), rows sum to 1.

        ``prior`` (per-row or shared log-odds offsets, same column order) shifts the calibrated
        scores, e.g. toward private for a personal account.
        """
        z = self.logits(texts).astype(np.float64) / self.temperature
        if prior is not None:
            z = z + prior
        z -= z.max(axis=1, keepdims=True)
        e = np.exp(z)
        return e / e.sum(axis=1, keepdims=True)

    def token_pull(self, text: str, label: str, top: int = 3) -> list[str]:
        """Words of ``text`` that push most toward ``label`` against the runner-up classes (for evidence)."""
        return self.token_pulls([text], [label], top)[0]

    def token_pulls(
        self, texts: Sequence[str], labels: Sequence[str], top: int = 3, prenormalised: bool = False
    ) -> list[list[str]]:
        """:meth:`token_pull` for many texts, with one model call for the tokens not scored before
        (per-token scores are kept: tokens repeat a lot across posts)."""
        per_text: list[list[str]] = []
        for t in texts:
            toks = list(dict.fromkeys((t if prenormalised else normalise(t)).split()))
            per_text.append([x for x in toks if len(x) > 1 and x != "_url_"])
        out: list[list[str]] = [[] for _ in per_text]
        flat = [x for toks in per_text for x in toks]
        if not flat:
            return out
        index = self._token_index
        missing = sorted({x for x in flat if x not in index})
        if missing and len(index) + len(missing) > _TOKEN_ROWS_LIMIT:
            # start afresh, keeping only this batch's tokens
            index.clear()
            self._token_scores = self._token_scores[:0]
            missing = sorted(set(flat))
        if missing:
            base = len(index)
            index.update((x, base + i) for i, x in enumerate(missing))
            self._token_scores = np.concatenate([self._token_scores, self.logits(missing) - self.bias])
        # pull = score for the text's label - best of the other classes except professional
        lg = self._token_scores[np.fromiter((index[x] for x in flat), dtype=np.int64, count=len(flat))]
        at = np.arange(len(flat))
        sizes = np.array([len(t) for t in per_text], dtype=np.int64)
        owner = np.repeat(np.arange(len(per_text)), sizes)
        j = np.array([CLASSES.index(label) for label in labels], dtype=np.int64)[owner]
        others = lg.copy()
        others[at, j] = -np.inf
        others[:, CLASSES.index("professional")] = -np.inf
        pull = lg[at, j] - others.max(axis=1)
        # per text: highest pull first, ties in token order; the first ``top`` above 0.05
        starts = np.concatenate(([0], np.cumsum(sizes)[:-1]))
        order = np.lexsort((at, -pull, owner))
        rank = np.arange(len(flat)) - starts[owner[order]]
        for k in order[(rank < top) & (pull[order] > 0.05)].tolist():
            out[owner[k]].append(flat[k])
        return out


@lru_cache(maxsize=1)
def default_model() -> CapacityModel | None:
    """The shipped model, loaded once; None when the artefact is missing (rules only)."""
    return CapacityModel.load() if ARTEFACT.exists() else None
