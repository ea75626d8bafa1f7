"""Account level: does an account's set of posts read as an office account or a campaign account?

The rule (chosen on out-of-fold scores of training members only, scripts/train_capacity.py) is: take
each post's log-odds political vs official, clip it to +-``clip`` (one loud post must not decide an
account), average over the account's posts, and map the mean through a logistic curve fitted on
20-post samples of training accounts with balanced class weights (office accounts outnumber campaign
accounts). The account reads as campaign when that probability exceeds 0.5. The numbers ship as data
(``data/capacity_account.json``) and are rebuilt by the training script together with the text model.
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
import numpy.typing as npt

RULE_FILE = Path(__file__).resolve().parent / "data" / "capacity_account.json"
_EPS = 1e-4  # CapacityResult scores are rounded to 4 decimals


@dataclass(frozen=True)
class AccountRule:
    """Mean of clipped per-post log-odds (political vs official) -> P(campaign account)."""

    clip: float = 4.0
    slope: float = 2.0
    intercept: float = 0.4  # fallback when no rule is shipped: threshold -0.2 mean log-odds

    @property
    def threshold(self) -> float:
        """Mean clipped log-odds above which an account reads as campaign."""
        return -self.intercept / self.slope

    def post_logodds(
        self, p_political: npt.ArrayLike, p_official: npt.ArrayLike
    ) -> npt.NDArray[np.float64]:
        """Clipped log(P(political) / P(official)) per post."""
        pp = np.maximum(np.asarray(p_political, dtype=np.float64), _EPS)
        po = np.maximum(np.asarray(p_official, dtype=np.float64), _EPS)
        return np.clip(np.log(pp / po), -self.clip, self.clip)

    def mean_logodds(self, p_political: npt.ArrayLike, p_official: npt.ArrayLike) -> float:
        lo = self.post_logodds(p_political, p_official)
        return float(lo.mean()) if lo.size else 0.0

    def p_campaign(self, mean_logodds: float) -> float:
        """P(campaign account) for 20-post samples, equal prior on office and campaign accounts."""
        z = self.slope * mean_logodds + self.intercept
        return 1.0 / (1.0 + math.exp(-max(min(z, 50.0), -50.0)))

    def reading(self, p_political: Sequence[float], p_official: Sequence[float]) -> tuple[str, float]:
        """('campaign' or 'official', P(campaign account)) for one account's posts."""
        p = self.p_campaign(self.mean_logodds(p_political, p_official))
        return ("campaign" if p > 0.5 else "official"), p

    def to_json(self) -> dict[str, float]:
        return {"clip": self.clip, "slope": self.slope, "intercept": self.intercept}


def load_rule(path: Path = RULE_FILE) -> AccountRule:
    """The shipped rule, or the fallback defaults when the file is missing."""
    if not path.exists():
        return AccountRule()
    d = json.loads(path.read_text(encoding="utf-8"))
    return AccountRule(float(d["clip"]), float(d["slope"]), float(d["intercept"]))


@lru_cache(maxsize=1)
def default_rule() -> AccountRule:
    """The shipped account rule, loaded once."""
    return load_rule()
