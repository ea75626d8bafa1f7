"""Account level: does an account's set of posts read as an office account or a campaign account?

The rule (chosen on out-of-fold scores of training members only, scripts/train_capacity.py) is: take
each post's log-odds political vs official, clip it to +-``clip`` (one loud post must not decide an
account), average over the account's n posts, and map the mean m to

    P(campaign) = sigmoid(s(n) * (slope * m + intercept) + base + handle_weight * h),  s(n) = n / (n + n0)

fitted with balanced class weights (office accounts outnumber campaign accounts) on random samples of
1 to 20 posts of training accounts, so that the probability is calibrated by the number of posts: a
handful of posts gives a cautious probability, many posts a confident one (``n0`` = 0 turns the
shrinkage off: the rule then reads like the earlier 20-post rule). ``h`` is the handle's log-odds
(onrecord.capacity.handle); the file ships two rules, one for when only the posts are known and one
fitted with the handle as an input. The numbers ship as data (``data/capacity_account.json``) and are
rebuilt by the training script together with the text model.
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from onrecord.capacity.handle import default_handle_model

RULE_FILE = Path(__file__).resolve().parent / "data" / "capacity_account.json"
_EPS = 1e-4  # CapacityResult scores are rounded to 4 decimals


@dataclass(frozen=True)
class AccountRule:
    """Mean of clipped per-post log-odds (political vs official) -> P(campaign account)."""

    clip: float = 4.0
    slope: float = 2.0
    intercept: float = 0.4  # fallback when no rule is shipped: threshold -0.2 mean log-odds
    base: float = 0.0  # log-odds before any post is seen (besides the handle)
    n0: float = 0.0  # number of posts at which the posts' evidence counts half; 0 = no shrinkage
    handle_weight: float = 0.0  # multiplies the handle's log-odds (0 in the rule for posts alone)

    @property
    def threshold(self) -> float:
        """Mean clipped log-odds above which an account with many posts (and no handle evidence) reads as campaign."""
        return -(self.intercept + self.base) / self.slope

    def shrink(self, n: int | None) -> float:
        """s(n) = n / (n + n0): how much the mean of n posts counts (1 with no shrinkage or n unknown)."""
        if n is None or self.n0 <= 0:
            return 1.0
        return n / (n + self.n0)

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

    def p_campaign(self, mean_logodds: float, n: int | None = None, handle_logodds: float = 0.0) -> float:
        """P(campaign account) from the mean clipped log-odds of ``n`` posts (None: many posts), equal prior
        on office and campaign accounts."""
        z = self.shrink(n) * (self.slope * mean_logodds + self.intercept) + self.base + self.handle_weight * handle_logodds
        return 1.0 / (1.0 + math.exp(-max(min(z, 50.0), -50.0)))

    def reading(
        self, p_political: Sequence[float], p_official: Sequence[float], handle_logodds: float = 0.0
    ) -> tuple[str, float]:
        """('campaign' or 'official', P(campaign account)) for one account's posts."""
        p = self.p_campaign(self.mean_logodds(p_political, p_official), len(p_political), handle_logodds)
        return ("campaign" if p > 0.5 else "official"), p

    def to_json(self) -> dict[str, float]:
        return asdict(self)


def _rule(d: dict[str, Any]) -> AccountRule:
    return AccountRule(**{k: float(d[k]) for k in AccountRule.__dataclass_fields__ if k in d})


def load_rule(path: Path = RULE_FILE, handle: bool = False) -> AccountRule:
    """The shipped rule for posts alone (``handle=False``) or for posts plus the handle, or the fallback
    defaults when the file is missing."""
    if not path.exists():
        return AccountRule()
    d = json.loads(path.read_text(encoding="utf-8"))
    if handle:
        return _rule(d["with_handle"]) if "with_handle" in d else _rule(d)
    return _rule(d)


@lru_cache(maxsize=2)
def default_rule(handle: bool = False) -> AccountRule:
    """The shipped account rule (for posts alone, or with the handle as an input), loaded once."""
    return load_rule(handle=handle)


def account_reading(
    p_political: Sequence[float], p_official: Sequence[float], handle: str = "", display_name: str = ""
) -> tuple[str, float, list[str]]:
    """Office vs campaign reading of one account: ('campaign' or 'official', P(campaign), evidence).

    With a handle or display name (and shipped handle weights) the rule fitted with the handle is used
    and the evidence says which patterns moved it; otherwise the rule for posts alone.
    """
    model = default_handle_model()
    if model is None or not (handle.strip() or display_name.strip()):
        reads_as, p = default_rule().reading(p_political, p_official)
        return reads_as, p, []
    h = model.read(handle, display_name)
    reads_as, p = default_rule(handle=True).reading(p_political, p_official, h.logodds)
    return reads_as, p, h.evidence
