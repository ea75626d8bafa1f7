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
        # Per-token pulls for evidence words (see token_pulls): token -> pull toward each class.
        self._token_pull: dict[str, tuple[float, ...]] = {}

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
        """:meth:`token_pull` for many texts, with one model call for the tokens not scored before.

        A token's pull toward a class is its score for that class minus the best of the other classes
        except professional, in float32 as the model scores; it is the same in every post, so it is
        worked out once per token (tokens repeat a lot across posts) and kept. Per text: the ``top``
        tokens with the highest pull above 0.05, ties in token order."""
        # each text's distinct tokens, in order (a dict keeps the order of first occurrence)
        per_text = [dict.fromkeys((t if prenormalised else normalise(t)).split()) for t in texts]
        cache = self._token_pull
        missing = {x for toks in per_text for x in toks if x not in cache}
        if missing:
            if len(cache) + len(missing) > _TOKEN_ROWS_LIMIT:
                cache.clear()  # start afresh, keeping only this batch's tokens
                missing = {x for toks in per_text for x in toks}
            # one-character tokens and the URL placeholder are never evidence: they never rank
            scored = sorted(x for x in missing if len(x) > 1 and x != "_url_")
            cache.update(dict.fromkeys((x for x in missing if len(x) <= 1 or x == "_url_"), _NEVER))
            if scored:
                cache.update(zip(scored, self._pulls(self.logits(scored) - self.bias), strict=True))
        out: list[list[str]] = []
        for toks, label in zip(per_text, labels, strict=True):
            j = CLASSES.index(label)
            ranked = [(-p, k, x) for k, x in enumerate(toks) if (p := cache[x][j]) > _MIN_PULL]
            if len(ranked) > 1:
                ranked.sort()
            out.append([x for _, _, x in ranked[:top]])
        return out

    @staticmethod
    def _pulls(lg: npt.NDArray[np.float32]) -> list[tuple[float, ...]]:
        """Per row of token scores: the pull toward each class (score minus the best other class, not
        counting professional), computed in float32."""
        prof = CLASSES.index("professional")
        cols = []
        for j in range(len(CLASSES)):
            others = lg.copy()
            others[:, j] = -np.inf
            others[:, prof] = -np.inf
            cols.append(lg[:, j] - others.max(axis=1))
        return [tuple(row) for row in np.stack(cols, axis=1).tolist()]


# Pulls are float32; the threshold is compared as float32 too (0.05 is not exact in either width).
_MIN_PULL = float(np.float32(0.05))
_NEVER = (-np.inf,) * len(CLASSES)


@lru_cache(maxsize=1)
def default_model() -> CapacityModel | None:
    """The shipped model, loaded once; None when the artefact is missing (rules only)."""
    return CapacityModel.load() if ARTEFACT.exists() else None
