"""Capacity benchmark: post-level AUC, account-level balanced accuracy, campaign posts judged official,
precision at high confidence, throughput. Every number is printed with the command that reproduces it.

    python bench/capacity.py                       # all measures (trains the bench model, ~1-2 min)
    taskset -c 0 python bench/capacity.py --throughput   # throughput of the shipped model on one core
    python bench/capacity.py --tune                # choose C on an inner split of the TRAIN part only

Split (scripts/train_capacity.py: bench_split): a fifth of the members of congress_capacity (by
bioguide, fixed seed) are held out of training entirely; the model is trained on the other members'
posts dated before 2021-01-01 and scored on every post from 2021-01-01 on. candidates2020_campaign is
left out of the bench model's training, so the share of its posts judged official is measured on
posts the model never saw. Reads $ONRECORD_SHARED/data (default ../shared); skips when absent.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "scripts"))
sys.path.insert(0, str(REPO / "src"))

import train_capacity as tc  # noqa: E402
from onrecord.capacity.account import AccountRule  # noqa: E402
from onrecord.capacity.model import CLASSES, CapacityModel, default_model  # noqa: E402

OFF, POL, PRIV = CLASSES.index("official"), CLASSES.index("political"), CLASSES.index("private")
CMD = "python bench/capacity.py"


def auc(y: np.ndarray, s: np.ndarray) -> float:
    """ROC-AUC by ranks (ties averaged)."""
    order = np.argsort(s, kind="mergesort")
    ranks = np.empty(len(s), dtype=np.float64)
    ranks[order] = np.arange(1, len(s) + 1)
    # average ties
    _, inv, cnt = np.unique(s, return_inverse=True, return_counts=True)
    sums = np.bincount(inv, weights=ranks)
    ranks = (sums / cnt)[inv]
    npos = int(y.sum())
    nneg = len(y) - npos
    return float((ranks[y == 1].sum() - npos * (npos + 1) / 2) / (npos * nneg))


def pol_score(m: CapacityModel, texts: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """(political-vs-official log-odds, calibrated 4-class probabilities)."""
    lg = m.logits(texts).astype(np.float64)
    p = m.predict_proba(texts)
    return lg[:, POL] - lg[:, OFF], p


def train_bench_model(data: tc.Data, train: list[dict[str, Any]], c: float = tc.C_REG, bits: int = tc.BITS,
                      with_candidates: bool = False) -> CapacityModel:
    """The training script's recipe (temperature from the latest tenth of ``train`` by date) on ``train``."""
    return tc.train_model(data, train, c, bits, with_candidates)


def account_readings(m: CapacityModel, rows: list[dict[str, Any]], rule: AccountRule, k: int = 20,
                     seed: int = tc.SEED, draws: int = 1) -> tuple[np.ndarray, np.ndarray, list[str]]:
    """For ``draws`` random samples of ``k`` posts per account (accounts with >= k posts): is the account
    read as campaign (draws x accounts), the true labels, and the account names. The first draw is the
    one the headline number uses (same seed and order as before)."""
    by_acc: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for r in rows:
        by_acc[r["screen_name"]].append(r)
    names = [a for a in sorted(by_acc) if len(by_acc[a]) >= k]
    rng = random.Random(seed)
    samples = [[rng.sample(by_acc[a], k) for a in names] for _ in range(draws)]
    flat = [r for draw in samples for smp in draw for r in smp]
    p = m.predict_proba([r["text"] for r in flat]).reshape(draws, len(names), k, -1)
    pred = np.array([[rule.reading(p[d, a, :, POL], p[d, a, :, OFF])[0] == "campaign" for a in range(len(names))]
                     for d in range(draws)])
    y = np.array([tc.congress_label(by_acc[a][0]) == "political" for a in names])
    return pred, y, names


def account_bacc(m: CapacityModel, rows: list[dict[str, Any]], rule: AccountRule, k: int = 20,
                 seed: int = tc.SEED) -> tuple[float, int, int]:
    """Balanced accuracy of account type from ``k`` random posts per account (accounts with >= k posts),
    read with the account rule the product uses (onrecord.capacity.account)."""
    pred, y, _ = account_readings(m, rows, rule, k, seed)
    return tc.balanced_accuracy(y, pred[0]), int((~y).sum()), int(y.sum())


def mean_p_rule_bacc(m: CapacityModel, rows: list[dict[str, Any]], threshold: float = 0.45, k: int = 20,
                     seed: int = tc.SEED) -> float:
    """The previous account rule, for comparison: mean P(political | political or official) > 0.45."""
    by_acc: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for r in rows:
        by_acc[r["screen_name"]].append(r)
    rng = random.Random(seed)
    pred, y = [], []
    for name in sorted(by_acc):
        if len(by_acc[name]) < k:
            continue
        sample = rng.sample(by_acc[name], k)
        s, _ = pol_score(m, [r["text"] for r in sample])
        pred.append(float(np.mean(1 / (1 + np.exp(-s)))) > threshold)
        y.append(tc.congress_label(sample[0]) == "political")
    return tc.balanced_accuracy(np.array(y), np.array(pred))


def bootstrap_interval(pred: np.ndarray, y: np.ndarray, n: int = 2000, seed: int = 1) -> tuple[float, float]:
    """95 % interval of balanced accuracy when resampling accounts (within each class)."""
    rng = np.random.default_rng(seed)
    camp, off = np.flatnonzero(y), np.flatnonzero(~y)
    vals = []
    for _ in range(n):
        c = rng.choice(camp, len(camp))
        o = rng.choice(off, len(off))
        vals.append(0.5 * (pred[c].mean() + (~pred[o]).mean()))
    lo, hi = np.quantile(vals, [0.025, 0.975])
    return float(lo), float(hi)


def bench_rule(data: tc.Data, train: list[dict[str, Any]], c: float = tc.C_REG, with_candidates: bool = False) -> AccountRule:
    """The account rule fitted like the shipped one, on out-of-fold scores of the bench TRAIN members only
    (fold models trained the same way as the bench model)."""
    t0 = time.perf_counter()
    rule, stats = tc.fit_account_rule(train, tc.oof_proba(data, train, c, log=False, with_candidates=with_candidates))
    print(f"# account rule from {tc.FOLDS}-fold out-of-fold scores of the training members only: mean clipped"
          f" log-odds > {rule.threshold:+.3f} (slope {rule.slope:.2f}; {stats['accounts']} accounts,"
          f" {stats['campaign_accounts']} campaign; balanced accuracy where fitted {stats['fit_balanced_accuracy']:.3f};"
          f" {time.perf_counter() - t0:.0f} s)", flush=True)
    return rule


def tfidf_baseline(train: list[dict[str, Any]], test: list[dict[str, Any]]) -> float:
    """Reference on the same split: TF-IDF word 1-2 grams + logistic regression (no private class)."""
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression

    vec = TfidfVectorizer(ngram_range=(1, 2), min_df=2, sublinear_tf=True)
    x = vec.fit_transform([r["text"] for r in train])
    y = np.array([tc.congress_label(r) == "political" for r in train], dtype=np.int64)
    clf = LogisticRegression(C=1.0, max_iter=2000).fit(x, y)
    yt = np.array([tc.congress_label(r) == "political" for r in test], dtype=np.int64)
    return auc(yt, clf.decision_function(vec.transform([r["text"] for r in test])))


def held_candidates(data: tc.Data) -> set[str]:
    """About a fifth of the candidates2020 accounts (fixed seed), never trained on with --with-candidates."""
    names = sorted({r["screen_name"] for r in data.candidates})
    return set(random.Random(tc.SEED).sample(names, round(len(names) * 0.2)))


def measure(data: tc.Data, with_candidates: bool = False, cutoff: str = tc.CUTOFF) -> None:
    train, test, held = tc.bench_split(data.congress, cutoff)
    cand_held = held_candidates(data) if with_candidates else {r["screen_name"] for r in data.candidates}
    tdata = tc.Data(data.congress, [r for r in data.candidates if r["screen_name"] not in cand_held], data.private)
    t0 = time.perf_counter()
    m = train_bench_model(tdata, train, with_candidates=with_candidates)
    print(f"# bench model: {len(train)} congress posts before {cutoff} from {len({r['bioguide'] for r in train})} members"
          f" + {len(data.private)} private; candidates2020 in training: {len(tdata.candidates) if with_candidates else 0}"
          f" posts; C {tc.C_REG:g}; trained in {time.perf_counter() - t0:.0f} s; temperature {m.temperature:.2f}", flush=True)
    cmd = CMD + (" --with-candidates" if with_candidates else "") + (f" --cutoff {cutoff}" if cutoff != tc.CUTOFF else "")
    y = np.array([tc.congress_label(r) == "political" for r in test], dtype=np.int64)
    s, p = pol_score(m, [r["text"] for r in test])
    print(f"post ROC-AUC official vs political, posts from {cutoff} on, all members: {auc(y, s):.3f}"
          f"  (n={len(test)})  [{cmd}]", flush=True)
    print(f"  reference on the same split, TF-IDF word 1-2 grams + LR: {tfidf_baseline(train, test):.3f}  [{cmd}]", flush=True)
    unseen = np.array([r["bioguide"] in held for r in test])
    print(f"post ROC-AUC, same test, held-out members only: {auc(y[unseen], s[unseen]):.3f} (n={int(unseen.sum())});"
          f" seen members only: {auc(y[~unseen], s[~unseen]):.3f} (n={int((~unseen).sum())})  [{cmd}]")

    rule = bench_rule(tdata, train, with_candidates=with_candidates)
    held_rows = [r for r in data.congress if r["bioguide"] in held]
    pred, ya, _ = account_readings(m, held_rows, rule, draws=20)
    b = tc.balanced_accuracy(ya, pred[0])
    lo, hi = bootstrap_interval(pred[0], ya)
    office_acc, camp_acc = float((~pred[0][~ya]).mean()), float(pred[0][ya].mean())
    print(f"account balanced accuracy, 20 random posts per account, held-out members (all dates, never trained on):"
          f" {b:.3f} ({int((~ya).sum())} office, {int(ya.sum())} campaign accounts; office {office_acc:.3f},"
          f" campaign {camp_acc:.3f}; 95% interval over accounts {lo:.2f}-{hi:.2f})  [{cmd}]")
    many = float(np.mean([tc.balanced_accuracy(ya, pr) for pr in pred]))
    print(f"  same, mean over 20 independent draws of 20 posts: {many:.3f};"
          f" previous rule (mean P(political) > 0.45), first draw: {mean_p_rule_bacc(m, held_rows):.3f}  [{cmd}]")
    b2, no2, nc2 = account_bacc(m, test, rule)
    print(f"account balanced accuracy, 20 random posts per account from {cutoff} on (accounts with >= 20):"
          f" {b2:.3f} ({no2} office, {nc2} campaign accounts)  [{cmd}]")

    judged = p[:, POL] >= 0.9
    prec = float(y[judged].mean()) if judged.any() else float("nan")
    print(f"precision at high confidence: of test posts with P(political) >= 0.9, share from campaign accounts:"
          f" {prec:.3f} ({int(judged.sum())} posts, {judged.mean():.1%} of test)  [{cmd}]")
    off_hi = p[:, OFF] >= 0.9
    print(f"  (mirror: of test posts with P(official) >= 0.9, share from office accounts:"
          f" {float(1 - y[off_hi].mean()):.3f}, {int(off_hi.sum())} posts)")

    scored = [r for r in data.candidates if r["screen_name"] in cand_held]
    overlap = {r["screen_name"].lower() for r in scored} & {r["screen_name"].lower() for r in train}
    cp = m.predict_proba([r["text"] for r in scored])
    arg_off = float((cp.argmax(axis=1) == OFF).mean())
    pair_off = float((cp[:, OFF] > cp[:, POL]).mean())
    which = (f"{len(cand_held)} held-out candidates, the other {len(tdata.candidates) // 400} trained on" if with_candidates
             else "all 17 candidates, none in training")
    print(f"candidates2020_campaign posts judged official (argmax of 4 classes): {arg_off:.3f};"
          f" official over political: {pair_off:.3f} (n={len(cp)}, {which};"
          f" {len(overlap)} of these account(s) also appear as congress campaign accounts in training)  [{cmd}]")
    if with_candidates:
        base = train_bench_model(data, train)
        bp = base.predict_proba([r["text"] for r in scored])
        print(f"  same held-out candidates, model without candidates2020: {float((bp.argmax(axis=1) == OFF).mean()):.3f};"
              f" official over political {float((bp[:, OFF] > bp[:, POL]).mean()):.3f}  [{cmd}]")

    # Calibration on the test part (reported, never tuned): reliability of P(political | pol or off).
    pp = p[:, POL] / (p[:, POL] + p[:, OFF])
    bins = np.clip((pp * 5).astype(int), 0, 4)
    rel = ", ".join(f"{i / 5:.1f}-{(i + 1) / 5:.1f}: {y[bins == i].mean():.2f} (n={int((bins == i).sum())})"
                    for i in range(5) if (bins == i).any())
    print(f"reliability, test: predicted P(political) bin -> observed share campaign: {rel}  [{cmd}]")
    return None


def throughput(n: int = 20000, batch: int = 5000) -> None:
    """Posts/s of the shipped model on synthetic-length real texts (data text if present, else synthetic)."""
    m = default_model()
    if m is None:
        print("skipped throughput: no shipped artefact (run scripts/train_capacity.py)")
        return
    data = tc.load()
    if data is not None:
        texts = [r["text"] for r in data.congress]
    else:
        rng = random.Random(1)
        words = ["we", "are", "proud", "to", "announce", "new", "funding", "for", "local", "schools", "vote", "today", "join", "our", "team"]
        texts = [" ".join(rng.choice(words) for _ in range(25)) for _ in range(2000)]
    texts = (texts * (n // len(texts) + 1))[:n]
    m.predict_proba(texts[:batch])  # warm up
    best = cpu = float("inf")
    for _ in range(3):
        t0, c0 = time.perf_counter(), time.process_time()
        for i in range(0, n, batch):
            m.predict_proba(texts[i : i + batch])
        best = min(best, time.perf_counter() - t0)
        cpu = min(cpu, time.process_time() - c0)
    avg = sum(map(len, texts)) / len(texts)
    print(f"throughput, shipped model, batch {batch}, one core: {n / best:,.0f} posts/s wall clock,"
          f" {n / cpu:,.0f} posts/s of CPU time (avg {avg:.0f} chars; best of 3; the 2-core machine was shared"
          f" with other engineers' jobs, so wall clock is pessimistic)  [taskset -c 0 {CMD} --throughput]")
    from onrecord.capacity import assess_many
    from onrecord.model.post import Post

    posts = [Post(text=t) for t in texts[:batch]]
    assess_many(posts[:100], explain=False)
    c0 = time.process_time()
    assess_many(posts, explain=False)
    print(f"assess_many (text model + cues + result objects, explain=False), one core:"
          f" {batch / (time.process_time() - c0):,.0f} posts/s of CPU time  [taskset -c 0 {CMD} --throughput]")
    t0 = time.perf_counter()
    default_model.cache_clear()
    default_model()
    print(f"artefact load time: {time.perf_counter() - t0:.2f} s  [taskset -c 0 {CMD} --throughput]")


def tune(data: tc.Data) -> None:
    """Choices made on the bench TRAIN part only: C on (a) an inner split (a further fifth of the training
    members held out, train before 2020-07-01, validate 2020-07-01..2020-12-31) and (b) member-fold
    out-of-fold scores of all training members; the account rule on (b) with its parameters chosen by
    cross-validation over accounts."""
    train, _, _ = tc.bench_split(data.congress)
    inner_held = tc.heldout_members(train, 0.2, tc.SEED + 1)
    inner_cut = "2020-07-01"
    itrain = [r for r in train if r["bioguide"] not in inner_held and r["date"] < inner_cut]
    ival = [r for r in train if r["date"] >= inner_cut]
    yv = np.array([tc.congress_label(r) == "political" for r in ival], dtype=np.int64)
    yo = np.array([tc.congress_label(r) == "political" for r in train], dtype=np.int64)
    print(f"# inner split: train {len(itrain)}, validation {len(ival)} (dates {inner_cut}..{tc.CUTOFF});"
          f" out-of-fold: {len(train)} posts of {len({r['bioguide'] for r in train})} training members in {tc.FOLDS} folds")
    draws = tc.account_draws(train)
    dy = np.array([camp for camp, _ in draws])
    n_acc = len(draws) // tc.ACCOUNT_DRAWS
    # account folds for cross-validating the rule (accounts, not draws, are the unit)
    fold = np.arange(len(draws)) % n_acc % tc.FOLDS
    for c in (0.5, 1.0, 2.0, 4.0):
        m = train_bench_model(data, itrain, c)
        s, _ = pol_score(m, [r["text"] for r in ival])
        oof = tc.oof_proba(data, train, c, log=False)
        lo = np.log(np.maximum(oof[:, POL], 1e-4) / np.maximum(oof[:, OFF], 1e-4))
        print(f"C {c:g}: inner post AUC {auc(yv, s):.3f}; out-of-fold post AUC (members never seen) {auc(yo, lo):.3f}"
              f"  [{CMD} --tune]", flush=True)
        mean_p = np.array([np.mean(oof[idx, POL] / (oof[idx, POL] + oof[idx, OFF])) for _, idx in draws])
        for t in (0.40, 0.45, 0.50):
            print(f"  account rule mean P(political) > {t:.2f}: out-of-fold account bacc"
                  f" {tc.balanced_accuracy(dy, mean_p > t):.3f}  [{CMD} --tune]")
        for clip in (2.0, 4.0, 8.0):
            pred = np.zeros(len(draws), dtype=bool)
            for k in range(tc.FOLDS):
                fit_rows = [i for i in range(len(draws)) if fold[i] != k]
                rule, _ = tc.fit_account_rule(train, oof, clip, [draws[i] for i in fit_rows])
                x = np.array([rule.mean_logodds(oof[draws[i][1], POL], oof[draws[i][1], OFF]) for i in range(len(draws))])
                pred[fold == k] = (x > rule.threshold)[fold == k]
            print(f"  account rule mean log-odds clipped at {clip:g} (threshold cross-validated over accounts):"
                  f" out-of-fold account bacc {tc.balanced_accuracy(dy, pred):.3f}  [{CMD} --tune]", flush=True)
    print(f"# {n_acc} training accounts with >= 20 posts ({int(dy.sum()) // tc.ACCOUNT_DRAWS} campaign),"
          f" {tc.ACCOUNT_DRAWS} draws of 20 posts each")


def main() -> int:
    ap = argparse.ArgumentParser(description="capacity benchmark")
    ap.add_argument("--throughput", action="store_true", help="only measure throughput of the shipped model")
    ap.add_argument("--tune", action="store_true", help="grid on an inner split of the train part")
    ap.add_argument("--with-candidates", action="store_true", help="also train on candidates2020 (no candidate share)")
    ap.add_argument("--cutoff", default=tc.CUTOFF, help="first date of the test part (YYYY-MM-DD)")
    args = ap.parse_args()
    if args.throughput:
        throughput()
        return 0
    data = tc.load()
    if data is None:
        return 0
    if args.tune:
        tune(data)
        return 0
    measure(data, args.with_candidates, args.cutoff)
    throughput()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
