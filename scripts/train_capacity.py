"""Train the shipped capacity model from /work/shared/data (fixed seed) into src/onrecord/capacity/data/.

    python scripts/train_capacity.py            # trains on all dev data and writes the artefact
    python scripts/train_capacity.py --check    # only prints the split sizes

Reads ``$ONRECORD_SHARED/data`` (default ``../shared`` next to the repo root) and skips with a message
when it is absent. Needs the ``train`` extra (scikit-learn, scipy). The split helpers here are shared
with bench/capacity.py so the benchmark and the shipped model see the same data preparation.

Also writes the handle weights (data/capacity_handle.json, onrecord.capacity.handle: one weight per
hand-designed pattern group, fitted on the accounts of the members trained on) and the account rules
(data/capacity_account.json, onrecord.capacity.account): fitted on out-of-fold scores of all dev members,
5 folds by member, on samples of 1 to 20 posts per account (about 3 minutes in all on one core).

Classes learned from text: official (congress office accounts), political (congress campaign
accounts; candidates2020_campaign is not used, see WITH_CANDIDATES), private (davidson_offensive ``neither`` rows: general-public
posts). Professional has no labelled set and is decided from cues at run time (docs/capacity.md).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))

from onrecord.capacity.account import RULE_FILE, AccountRule  # noqa: E402
from onrecord.capacity.features import hashed_ngrams  # noqa: E402
from onrecord.capacity.handle import GROUPS, HANDLE_FILE, HandleModel, features, handle_hits  # noqa: E402
from onrecord.capacity.model import CLASSES, OUT_DIR, CapacityModel  # noqa: E402

SEED = 20261122
BITS = 18  # inner split: 2^18 0.820, 2^20 0.819, 2^22 0.819 post AUC; 2^18 is 4x smaller and faster
CUTOFF = "2021-01-01"  # bench: train on posts before, score on posts from this date on
HELDOUT_SHARE = 0.2  # bench: share of members (bioguide) never seen in training
# Inverse L2 strength, chosen by bench/capacity.py --tune on training members only, by the mean of the
# inner-split post AUC and the member-fold out-of-fold post AUC (members never seen):
# C 0.5: 0.816/0.819, C 1: 0.820/0.819, C 2: 0.820/0.816, C 4: 0.818/0.810 (C 4 was the previous choice,
# made on the inner split alone). Lower C generalises better to members never seen in training.
C_REG = 1.0
# candidates2020_campaign is left out of the shipped model: on the inner split (bench --tune) adding it
# lowered post AUC by about 0.02 and account accuracy by 0.03-0.07 (presidential-campaign style differs
# from congressional campaign accounts). The bench uses it only as an unseen test of campaign posts.
WITH_CANDIDATES = False
PRIVATE_CAP = 3000  # at most this many general-public posts, so private does not swamp the rest
# Account level (onrecord.capacity.account): mean of per-post log-odds political vs official, clipped to
# +-ACCOUNT_CLIP, mapped to P(campaign) by a logistic curve fitted on out-of-fold scores of training members
# (FOLDS folds by member) over ACCOUNT_DRAWS random samples of ACCOUNT_POSTS posts per account.
ACCOUNT_CLIP = 4.0
ACCOUNT_POSTS = 20
ACCOUNT_DRAWS = 30
FOLDS = 5
# The shipped rule is calibrated by the number of posts: fitted on RULE_DRAWS random samples of each size in
# RULE_SIZES per account (accounts with at least that many posts), with the mean's weight s(n) = n / (n + N0).
# N0 = 5 chosen by balanced Brier score and log loss averaged over 1..20 posts, cross-validated over accounts on
# the bench training members' out-of-fold scores (n0 1: 0.1003 / 0.325, 3: 0.0985 / 0.312, 5: 0.0982 / 0.309,
# 10: 0.0985 / 0.309, 20: 0.0992 / 0.313; rule fitted on 20-post samples only: 0.1129 / 0.501).
RULE_SIZES = (1, 2, 3, 5, 10, 20)
RULE_DRAWS = 10
ACCOUNT_N0 = 5.0
# Handle weights: L2 penalty of the balanced logistic regression over pattern groups, one row per account,
# no intercept (a handle with no pattern, e.g. a plain name, adds nothing; see onrecord.capacity.handle).
# Chosen on the bench training members (member folds): penalty 0.3 / 1 / 3 gave out-of-fold post AUC
# (text + handle) 0.957 / 0.953 / 0.945 and account accuracy 0.953 / 0.954 / 0.954; 1 kept (middle).
HANDLE_L2 = 1.0
# No intercept: in this data a plain-name handle leans campaign (office accounts mostly carry a title), but
# that is a convention of US congressional accounts, not evidence about an account elsewhere, so the shipped
# weights leave it out. `python bench/capacity.py --handle-intercept` measures the alternative.
HANDLE_INTERCEPT = False


def shared_root() -> Path:
    """The shared data folder: $ONRECORD_SHARED or ../shared next to the repo root."""
    return Path(os.environ.get("ONRECORD_SHARED", REPO.parent / "shared")) / "data"


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    with path.open(encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


@dataclass
class Data:
    congress: list[dict[str, Any]]
    candidates: list[dict[str, Any]]
    private: list[dict[str, Any]]


def load(root: Path | None = None) -> Data | None:
    """Load the three sources, or None (with a message) when the shared data is absent."""
    root = root or shared_root()
    need = [root / d / "dev.jsonl" for d in ("congress_capacity", "candidates2020_campaign", "davidson_offensive")]
    missing = [str(p) for p in need if not p.exists()]
    if missing:
        print(f"skipped: shared data not found ({', '.join(missing)}); set ONRECORD_SHARED", file=sys.stderr)
        return None
    congress = read_jsonl(need[0])
    candidates = read_jsonl(need[1])
    neither = [r for r in read_jsonl(need[2]) if r["label"] == "neither"]
    random.Random(SEED).shuffle(neither)
    return Data(congress, candidates, neither[:PRIVATE_CAP])


def heldout_members(congress: Sequence[dict[str, Any]], share: float = HELDOUT_SHARE, seed: int = SEED) -> set[str]:
    """About ``share`` of the members (by bioguide), chosen with a fixed seed."""
    members = sorted({r["bioguide"] for r in congress})
    rng = random.Random(seed)
    return set(rng.sample(members, round(len(members) * share)))


def congress_label(r: dict[str, Any]) -> str:
    return "official" if r["capacity"] == "official" else "political"


def bench_split(
    congress: Sequence[dict[str, Any]], cutoff: str = CUTOFF
) -> tuple[list[dict[str, Any]], list[dict[str, Any]], set[str]]:
    """Train = members not held out, dates before CUTOFF; test = every post from CUTOFF on.

    Posts of held-out members before the cutoff are in neither part of the post-level test (they are
    used by the account-level measure on unseen members).
    """
    held = heldout_members(congress)
    train = [r for r in congress if r["bioguide"] not in held and r["date"] < cutoff]
    test = [r for r in congress if r["date"] >= cutoff]
    return train, test, held


def design(texts: Sequence[str], bits: int = BITS) -> Any:
    """Sparse design matrix with the run-time featuriser."""
    from scipy.sparse import csr_matrix

    row, col, val = hashed_ngrams(texts, bits)
    return csr_matrix((val, (row, col)), shape=(len(texts), 2**bits), dtype=np.float32)


def fit(
    texts: Sequence[str], labels: Sequence[str], c: float = C_REG, bits: int = BITS, keep: np.ndarray | None = None
) -> dict[str, Any]:
    """Multinomial logistic regression over the hashed n-grams; returns weights as arrays. ``keep``: a 0/1
    mask of buckets to use (the others get weight 0; bench/capacity.py --member-spread)."""
    from sklearn.linear_model import LogisticRegression

    x = design(texts, bits)
    if keep is not None:
        from scipy.sparse import diags as _diags

        x = x @ _diags(keep.astype(np.float32))
    present = [c_ for c_ in CLASSES if c_ in set(labels)]
    y = np.array([present.index(label) for label in labels])
    # NB-SVM style scaling (Wang & Manning 2012): each bucket is scaled by its log-count ratio political
    # vs official before the regression; the scaling is folded into the saved weights, so run time is
    # unchanged. Measured on the inner split (bench --tune): +0.01 post AUC.
    pol = np.array([label == "political" for label in labels])
    off = np.array([label == "official" for label in labels])
    pc = np.asarray(x[pol].sum(axis=0)).ravel() + 1.0
    oc = np.asarray(x[off].sum(axis=0)).ravel() + 1.0
    ratio = np.log((pc / pc.sum()) / (oc / oc.sum())).astype(np.float32)
    from scipy.sparse import diags

    # Balance classes: office posts and campaign posts are equal in number, private is capped.
    clf = LogisticRegression(C=c, max_iter=3000, class_weight="balanced", tol=1e-4)
    clf.fit(x @ diags(ratio), y)
    coef = clf.coef_ * ratio[None, :] if len(present) > 2 else np.vstack([-clf.coef_[0] / 2, clf.coef_[0] / 2]) * ratio
    icpt = clf.intercept_ if len(present) > 2 else np.array([-clf.intercept_[0] / 2, clf.intercept_[0] / 2])
    w = np.zeros((2**bits, len(CLASSES)), dtype=np.float32)
    b = np.zeros(len(CLASSES), dtype=np.float32)
    b[:] = -30.0  # a class with no training data never wins
    for j, cls in enumerate(present):
        w[:, CLASSES.index(cls)] = coef[j]
        b[CLASSES.index(cls)] = icpt[j]
    return {"weights": w, "bias": b, "bits": bits}


def fit_temperature(logits: np.ndarray, y: np.ndarray) -> float:
    """One temperature for all classes that minimises log loss on held-aside posts."""
    best_t, best = 1.0, float("inf")
    for t in np.exp(np.linspace(np.log(0.3), np.log(5.0), 60)):
        z = logits / t
        z = z - z.max(axis=1, keepdims=True)
        lp = z - np.log(np.exp(z).sum(axis=1, keepdims=True))
        loss = -float(lp[np.arange(len(y)), y].mean())
        if loss < best:
            best, best_t = loss, float(t)
    return best_t


def training_set(data: Data, congress: Sequence[dict[str, Any]], with_candidates: bool) -> tuple[list[str], list[str]]:
    texts = [r["text"] for r in congress]
    labels = [congress_label(r) for r in congress]
    if with_candidates:
        texts += [r["text"] for r in data.candidates]
        labels += ["political"] * len(data.candidates)
    texts += [r["text"] for r in data.private]
    labels += ["private"] * len(data.private)
    return texts, labels


def train_model(
    data: Data, congress: Sequence[dict[str, Any]], c: float = C_REG, bits: int = BITS, with_candidates: bool = WITH_CANDIDATES
) -> CapacityModel:
    """The recipe: fit on all but the latest tenth of ``congress`` (by date) and 90 % of the private posts,
    choose the temperature on the held-aside part, then refit on everything with that temperature."""
    cong = sorted(congress, key=lambda r: (r["date"], r["id"]))
    cut = int(len(cong) * 0.9)
    pcut = int(len(data.private) * 0.9)
    part = Data(cong[:cut], data.candidates, data.private[:pcut])
    texts, labels = training_set(part, part.congress, with_candidates)
    m0 = fit(texts, labels, c, bits)
    cal_texts = [r["text"] for r in cong[cut:]] + [r["text"] for r in data.private[pcut:]]
    cal_y = np.array(
        [CLASSES.index(congress_label(r)) for r in cong[cut:]] + [CLASSES.index("private")] * (len(data.private) - pcut)
    )
    t = fit_temperature(CapacityModel(m0["weights"], m0["bias"], 1.0, bits).logits(cal_texts), cal_y)
    texts, labels = training_set(data, cong, with_candidates)
    m = fit(texts, labels, c, bits)
    return CapacityModel(m["weights"], m["bias"], t, bits)


def member_folds(rows: Sequence[dict[str, Any]], k: int = FOLDS, seed: int = SEED) -> dict[str, int]:
    """Fold number per member (bioguide), fixed seed: every member's posts fall in one fold."""
    members = sorted({r["bioguide"] for r in rows})
    random.Random(seed + 7).shuffle(members)
    return {m: i % k for i, m in enumerate(members)}


def oof_proba(
    data: Data,
    rows: Sequence[dict[str, Any]],
    c: float = C_REG,
    k: int = FOLDS,
    log: bool = True,
    with_candidates: bool = WITH_CANDIDATES,
) -> np.ndarray:
    """Out-of-fold calibrated probabilities for ``rows``: each fold of members is scored by a model
    trained (same recipe) on the other members' rows, so every score is for a member never seen."""
    fold = member_folds(rows, k)
    out = np.zeros((len(rows), len(CLASSES)))
    for j in range(k):
        idx = [i for i, r in enumerate(rows) if fold[r["bioguide"]] == j]
        m = train_model(data, [r for r in rows if fold[r["bioguide"]] != j], c, with_candidates=with_candidates)
        out[idx] = m.predict_proba([rows[i]["text"] for i in idx])
        if log:
            print(f"  out-of-fold {j + 1}/{k}: {len(idx)} posts scored", flush=True)
    return out


def account_draws(
    rows: Sequence[dict[str, Any]], k: int = ACCOUNT_POSTS, draws: int = ACCOUNT_DRAWS, seed: int = SEED
) -> list[tuple[bool, list[int]]]:
    """``draws`` random samples of ``k`` posts for every account with at least ``k`` posts:
    (is campaign account, row indices)."""
    by: dict[str, list[int]] = {}
    for i, r in enumerate(rows):
        by.setdefault(r["screen_name"], []).append(i)
    names = [a for a in sorted(by) if len(by[a]) >= k]
    rng = random.Random(seed)
    return [
        (congress_label(rows[by[a][0]]) == "political", rng.sample(by[a], k)) for _ in range(draws) for a in names
    ]


def balanced_accuracy(y: np.ndarray, pred: np.ndarray) -> float:
    """Mean of the per-class accuracies (office and campaign accounts)."""
    return 0.5 * (float(pred[y].mean()) + float((~pred[~y]).mean()))


def fit_account_rule(
    rows: Sequence[dict[str, Any]],
    proba: np.ndarray,
    clip: float = ACCOUNT_CLIP,
    draws: list[tuple[bool, list[int]]] | None = None,
    handle: np.ndarray | None = None,
    n0: float = ACCOUNT_N0,
) -> tuple[AccountRule, dict[str, Any]]:
    """Fit the account rule on out-of-fold ``proba`` of ``rows`` over ``draws`` (default rule_draws(rows):
    1 to 20 posts per sample); ``handle`` (per-row handle log-odds) adds the handle as an input. ``n0`` = 0
    fits the earlier rule without shrinkage. Returns the rule and what it scored where fitted."""
    from sklearn.linear_model import LogisticRegression

    draws = draws if draws is not None else rule_draws(rows)
    base = AccountRule(clip, 1.0, 0.0)
    lo = base.post_logodds(proba[:, CLASSES.index("political")], proba[:, CLASSES.index("official")])
    m = np.array([lo[idx].mean() for _, idx in draws])
    n = np.array([len(idx) for _, idx in draws], dtype=np.float64)
    s = n / (n + n0) if n0 > 0 else np.ones_like(n)
    x = np.column_stack([m * s] + ([s] if n0 > 0 else []))
    y = np.array([camp for camp, _ in draws])
    # Balanced: office accounts outnumber campaign accounts, and the measure is balanced accuracy.
    lr = LogisticRegression(C=100.0, class_weight="balanced").fit(x, y)
    coef = lr.coef_[0]
    rule = AccountRule(
        clip,
        slope=float(coef[0]),
        intercept=float(coef[1]) if n0 > 0 else float(lr.intercept_[0]),
        base=float(lr.intercept_[0]) if n0 > 0 else 0.0,
        n0=n0,
    )
    z = lr.decision_function(x)
    if handle is not None:
        # The handle enters with one fitted weight on top of the rule for posts alone (that rule as an
        # offset), so an account whose handle carries no pattern reads exactly as with posts alone.
        h = np.array([handle[idx[0]] for _, idx in draws])
        w = np.where(y, 0.5 / max(int(y.sum()), 1), 0.5 / max(int((~y).sum()), 1)) * len(y)
        g = float(_logistic(h[:, None], y, w, 1e-6, offset=z)[0])
        rule = replace(rule, handle_weight=g)
        z = z + g * h
    prob = 1.0 / (1.0 + np.exp(-z))
    at20 = n == ACCOUNT_POSTS
    stats: dict[str, Any] = {
        "threshold_mean_logodds_20_posts": round(-(rule.intercept + rule.base / rule.shrink(ACCOUNT_POSTS)) / rule.slope, 4),
        "fit_balanced_accuracy_20_posts": round(balanced_accuracy(y[at20], prob[at20] > 0.5), 4) if at20.any() else None,
        "accounts": len({rows[idx[0]]["screen_name"] for _, idx in draws}),
        "campaign_accounts": len({rows[idx[0]]["screen_name"] for camp, idx in draws if camp}),
        "sample_sizes": sorted({int(v) for v in n}),
        "samples": len(draws),
        "campaign_share_of_samples": round(float(y.mean()), 4),
    }
    return rule, stats


def account_labels(rows: Sequence[dict[str, Any]]) -> dict[str, bool]:
    """Is each account (screen_name) a campaign account."""
    return {r["screen_name"]: congress_label(r) == "political" for r in rows}


def _logistic(
    x: np.ndarray, y: np.ndarray, w: np.ndarray, lam: float | np.ndarray, offset: np.ndarray | None = None
) -> np.ndarray:
    """Weighted L2-penalised logistic regression without intercept, optionally on top of a fixed ``offset``
    (Newton steps; a handful of columns)."""
    b = np.zeros(x.shape[1])
    t = y.astype(np.float64)
    off = np.zeros(len(y)) if offset is None else offset
    for _ in range(100):
        p = 1.0 / (1.0 + np.exp(-(x @ b + off)))
        g = x.T @ (w * (p - t)) + lam * b
        h = (x * (w * p * (1 - p))[:, None]).T @ x + np.diag(np.broadcast_to(lam, (x.shape[1],)))
        step = np.linalg.solve(h, g)
        b -= step
        if np.abs(step).max() < 1e-9:
            break
    return b


def fit_handle_model(
    rows: Sequence[dict[str, Any]], lam: float = HANDLE_L2, intercept: bool = HANDLE_INTERCEPT
) -> tuple[HandleModel, dict[str, Any]]:
    """Weights of the handle pattern groups (log-odds campaign vs office account), fitted on the accounts of
    ``rows`` only: one row per account, balanced classes, L2 penalty, no intercept unless ``intercept``.
    Only the pattern groups' weights are kept, never the handles."""
    labels = account_labels(rows)
    names = sorted(labels)
    x = np.array([features(handle_hits(a)) for a in names]).reshape(len(names), len(GROUPS))
    y = np.array([labels[a] for a in names])
    w = np.where(y, 0.5 / max(int(y.sum()), 1), 0.5 / max(int((~y).sum()), 1)) * len(names)
    if intercept:
        b = _logistic(np.column_stack([x, np.ones(len(names))]), y, w, np.array([lam] * len(GROUPS) + [1e-6]))
        weights, icpt = b[:-1], float(b[-1])
    else:
        weights, icpt = _logistic(x, y, w, lam), 0.0
    model = HandleModel({g: round(float(v), 4) for g, v in zip(GROUPS, weights, strict=True)}, round(icpt, 4))
    fired = x.sum(axis=0)
    stats = {
        "accounts": len(names),
        "campaign_accounts": int(y.sum()),
        "l2": lam,
        "accounts_with_group": {g: {"office": int(x[~y, j].sum()), "campaign": int(x[y, j].sum())} for j, g in enumerate(GROUPS)},
        "accounts_with_no_pattern": {"office": int((x[~y].sum(axis=1) == 0).sum()), "campaign": int((x[y].sum(axis=1) == 0).sum())},
        "groups_fired": int((fired > 0).sum()),
    }
    return model, stats


def oof_handle_logodds(rows: Sequence[dict[str, Any]], k: int = FOLDS, intercept: bool = HANDLE_INTERCEPT) -> np.ndarray:
    """Handle log-odds per row, each fold of members read by weights fitted on the other members' accounts
    (the same member folds as oof_proba)."""
    fold = member_folds(rows, k)
    out = np.zeros(len(rows))
    for j in range(k):
        model, _ = fit_handle_model([r for r in rows if fold[r["bioguide"]] != j], intercept=intercept)
        cache: dict[str, float] = {}
        for i, r in enumerate(rows):
            if fold[r["bioguide"]] == j:
                a = r["screen_name"]
                if a not in cache:
                    cache[a] = model.read(a).logodds
                out[i] = cache[a]
    return out


def rule_draws(rows: Sequence[dict[str, Any]], sizes: Sequence[int] = RULE_SIZES, draws: int = RULE_DRAWS,
               seed: int = SEED) -> list[tuple[bool, list[int]]]:
    """Random samples of every size in ``sizes`` (``draws`` per account with enough posts)."""
    return [d for k in sizes for d in account_draws(rows, k, draws, seed + k)]


def save(model: CapacityModel, meta: dict[str, Any], out_dir: Path = OUT_DIR) -> Path:
    """Write weights as float16 (.npz, no pickle) plus a JSON card."""
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / "capacity_text.npz"
    np.savez_compressed(
        path,
        weights=model.table[:-1].astype(np.float16),  # the table's last row is the zero row
        bias=model.bias.astype(np.float32),
        temperature=np.array([model.temperature], dtype=np.float32),
        bits=np.array([model.bits], dtype=np.int64),
    )
    (out_dir / "capacity_text.json").write_text(json.dumps(meta, indent=2, sort_keys=True) + "\n")
    return path


def save_account_rule(
    rule: AccountRule,
    stats: dict[str, Any],
    handle_rule: AccountRule | None = None,
    handle_stats: dict[str, Any] | None = None,
    path: Path = RULE_FILE,
) -> Path:
    """Write the account rules (for posts alone at top level, with the handle under ``with_handle``) and how
    they were fitted as JSON."""
    card: dict[str, Any] = {**rule.to_json(), "fitted_on": stats, "seed": SEED, "C": C_REG}
    if handle_rule is not None:
        card["with_handle"] = {**handle_rule.to_json(), "fitted_on": handle_stats or {}}
    path.write_text(json.dumps(card, indent=2, sort_keys=True) + "\n")
    return path


def save_handle_model(model: HandleModel, stats: dict[str, Any], path: Path = HANDLE_FILE) -> Path:
    """Write the handle pattern-group weights (no handles) and how they were fitted as JSON."""
    card = {**model.to_json(), "fitted_on": stats, "seed": SEED}
    path.write_text(json.dumps(card, indent=2, sort_keys=True) + "\n")
    return path


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--check", action="store_true", help="print split sizes only")
    args = ap.parse_args(argv)
    data = load()
    if data is None:
        return 0
    print(f"congress {len(data.congress)}, candidates {len(data.candidates)}, private {len(data.private)}")
    if args.check:
        return 0
    # train_model: temperature chosen on the latest tenth of congress posts (by date) plus 10 % of the
    # private posts, then the model is refitted on everything with that temperature.
    full = train_model(data, data.congress)
    print(f"temperature {full.temperature:.3f}")
    meta = {
        "trained_on": "all dev rows of congress_capacity; davidson_offensive 'neither' rows"
        f" (at most {PRIVATE_CAP}, seed {SEED})",
        "classes": list(CLASSES),
        "bits": BITS,
        "C": C_REG,
        "temperature": full.temperature,
        "seed": SEED,
        "rows": len(data.congress) + len(data.private),
    }
    path = save(full, meta)
    print(f"wrote {path} ({path.stat().st_size / 1e6:.1f} MB)")
    # Handle weights: pattern groups only, fitted on the accounts of all dev members.
    hmodel, hstats = fit_handle_model(data.congress)
    save_handle_model(hmodel, hstats)
    print(f"wrote {HANDLE_FILE}: {json.dumps(hmodel.weights, sort_keys=True)}")
    # Account rules from out-of-fold scores of all dev members (every member scored by a text model and
    # handle weights that never saw it), the same recipe as the text model.
    print(f"account rules: {FOLDS} folds by member over all dev rows")
    oof = oof_proba(data, data.congress)
    draws = rule_draws(data.congress)
    rule, stats = fit_account_rule(data.congress, oof, draws=draws)
    hrule, hst = fit_account_rule(data.congress, oof, draws=draws, handle=oof_handle_logodds(data.congress))
    save_account_rule(rule, stats, hrule, hst)
    print(f"wrote {RULE_FILE}: posts alone {json.dumps(stats, sort_keys=True)}; with handle {json.dumps(hst, sort_keys=True)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
