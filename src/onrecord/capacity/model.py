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


class CapacityModel:
    """Multinomial logistic regression over hashed n-grams, with one calibration temperature."""

    def __init__(self, weights: npt.NDArray[np.floating], bias: npt.NDArray[np.floating], temperature: float, bits: int):
        self.table = with_zero_row(weights)
        self.bias = np.asarray(bias, dtype=np.float32)
        self.temperature = float(temperature)
        self.bits = int(bits)

    @classmethod
    def load(cls, path: Path = ARTEFACT) -> CapacityModel:
        with np.load(path, allow_pickle=False) as z:
            return cls(z["weights"], z["bias"], float(z["temperature"][0]), int(z["bits"][0]))

    def logits(self, texts: Sequence[str]) -> npt.NDArray[np.float32]:
        """Uncalibrated class scores, shape (len(texts), 4)."""
        return linear_scores(texts, self.table, self.bits) + self.bias

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
        toks = list(dict.fromkeys(normalise(text).split()))
        toks = [t for t in toks if len(t) > 1 and t != "_url_"]
        if not toks:
            return []
        j = CLASSES.index(label)
        lg = self.logits(toks) - self.bias
        others = np.delete(lg, [j, CLASSES.index("professional")], axis=1).max(axis=1)
        pull = lg[:, j] - others
        order = np.argsort(-pull)
        return [toks[i] for i in order[:top] if pull[i] > 0.05]


@lru_cache(maxsize=1)
def default_model() -> CapacityModel | None:
    """The shipped model, loaded once; None when the artefact is missing (rules only)."""
    return CapacityModel.load() if ARTEFACT.exists() else None
