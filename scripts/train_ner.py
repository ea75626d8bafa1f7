"""Train the shipped person-name tagger (averaged perceptron) on Broad Twitter Corpus + WNUT-17.

    python scripts/train_ner.py            # writes src/onrecord/detectors/pii/data/ner_person.npz
    python scripts/train_ner.py --census   # the same, gazetteers joined with US Census names (measured, not shipped)

Reads ``$ONRECORD_SHARED/data/ner_social`` (default ``../shared`` next to the repo); skips with a
message when it is absent. Only the *train* files are learned from (gazetteers included); the *dev*
files are used to report F1. Fixed seed. CC-BY 4.0 sources: cited in NOTICE.
"""

from __future__ import annotations

import os
import random
import sys
from collections import Counter, defaultdict
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from onrecord.detectors.pii.names import TAGS, fold, shape, token_features  # noqa: E402

SHARED = Path(os.environ.get("ONRECORD_SHARED", ROOT.parent / "shared"))
DATA = SHARED / "data" / "ner_social"
OUT = ROOT / "src" / "onrecord" / "detectors" / "pii" / "data" / "ner_person.npz"
EPOCHS = 8
SEED = 13


def read_conll(path: Path) -> list[tuple[list[str], list[str]]]:
    """Posts as (words, BIO person tags); other entity types become O."""
    posts: list[tuple[list[str], list[str]]] = []
    words: list[str] = []
    tags: list[str] = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            if words:
                posts.append((words, tags))
            words, tags = [], []
            continue
        parts = line.split("\t")
        if len(parts) < 2:
            continue
        w, t = parts[0], parts[-1]
        t = t[:2] + "PER" if t.endswith("-PER") or t.endswith("-person") else "O"
        words.append(w)
        tags.append(t)
    if words:
        posts.append((words, tags))
    return posts


def spans(tags: list[str]) -> set[tuple[int, int]]:
    out: set[tuple[int, int]] = set()
    start = -1
    for i, t in enumerate([*tags, "O"]):
        if t != "I-PER" and start >= 0:
            out.add((start, i))
            start = -1
        if t == "B-PER" or (t == "I-PER" and start < 0):
            start = i
    return out


def gazetteers(posts: list[tuple[list[str], list[str]]]) -> tuple[frozenset[str], frozenset[str]]:
    first: Counter[str] = Counter()
    last: Counter[str] = Counter()
    for words, tags in posts:
        for s, e in spans(tags):
            toks = [fold(w) for w in words[s:e] if w[:1].isalpha()]
            if len(toks) >= 2:
                first[toks[0]] += 1
                last[toks[-1]] += 1
            elif len(toks) == 1:
                first[toks[0]] += 1
    return (
        frozenset(w for w, c in first.items() if c >= 2 and len(w) > 1),
        frozenset(w for w, c in last.items() if c >= 2 and len(w) > 1),
    )


# US Census 1990 name frequency files (public domain, US government work), read from the `names` package (MIT;
# the `train` extra). Last names down to this cumulative share of the population (about 25,000 names).
CENSUS_LAST_CUMULATIVE = 80.0


def census_names(common: frozenset[str]) -> tuple[frozenset[str], frozenset[str]]:
    """First and last names from the census files, folded, without the training text's common lower-case words
    ("will", "may", "young": a name list that held them would have every such word scored as a name).
    Empty, with a message, when the `names` package is not installed."""
    try:
        import names  # type: ignore[import-untyped]
    except ImportError:
        print("census names: the `names` package is not installed (pip install -e '.[train]'); gazetteers from training only")
        return frozenset(), frozenset()
    folder = Path(names.__file__).parent

    def read(name: str, cumulative: float) -> frozenset[str]:
        out = set()
        for line in (folder / name).read_text(encoding="ascii").splitlines():
            parts = line.split()
            if len(parts) == 4 and float(parts[2]) <= cumulative:
                w = fold(parts[0])
                if len(w) > 1 and w not in common:
                    out.add(w)
        return frozenset(out)

    first = read("dist.male.first", 100.0) | read("dist.female.first", 100.0)
    return first, read("dist.all.last", CENSUS_LAST_CUMULATIVE)


def common_words(posts: list[tuple[list[str], list[str]]]) -> frozenset[str]:
    """Words seen in lower case at least 3 times in training text (a capitalised unknown word is name-like)."""
    c: Counter[str] = Counter(w for words, _ in posts for w in words if w.islower())
    return frozenset(fold(w) for w, n in c.items() if n >= 3)


def train(
    posts: list[tuple[list[str], list[str]]],
    gf: frozenset[str],
    gl: frozenset[str],
    common: frozenset[str],
    census: tuple[frozenset[str], frozenset[str]] = (frozenset(), frozenset()),
) -> dict[str, np.ndarray]:
    # Jackknifed gazetteers: each post is featurised with name lists built from the *other* folds,
    # otherwise every training name is in the list and the model learns to trust it blindly.
    folds = 5
    fold_gaz = []
    for k in range(folds):
        rest = [p for j, p in enumerate(posts) if j % folds != k]
        f, g = gazetteers(rest)
        fold_gaz.append((f | census[0], g | census[1]))  # the census lists are the same in every fold
    rng = random.Random(SEED)
    w: dict[str, np.ndarray] = defaultdict(lambda: np.zeros(3))
    tot: dict[str, np.ndarray] = defaultdict(lambda: np.zeros(3))
    stamp: dict[str, int] = defaultdict(int)
    c = 0
    idx = {t: i for i, t in enumerate(TAGS)}
    order = list(range(len(posts)))
    for ep in range(EPOCHS):
        rng.shuffle(order)
        errors = 0
        for k in order:
            words, gold = posts[k]
            gf, gl = fold_gaz[k % folds]
            folded = [fold(x) for x in words]
            shapes = [shape(x) for x in words]
            prev = "O"
            for i in range(len(words)):
                c += 1
                feats = token_features(words, folded, shapes, i, prev, gf, gl, common)
                sc = np.zeros(3)
                for f in feats:
                    if f in w:
                        sc += w[f]
                if prev == "O":
                    sc[2] = -1e9
                guess = int(np.argmax(sc))
                g = idx[gold[i]]
                if g == 2 and prev == "O":
                    g = 1
                if guess != g:
                    errors += 1
                    for f in feats:
                        # lazy averaging: bank the time the weight held its value
                        tot[f] += (c - stamp[f]) * w[f]
                        stamp[f] = c
                        w[f][g] += 1.0
                        w[f][guess] -= 1.0
                prev = TAGS[g]  # teacher forcing on the gold previous tag
        print(f"epoch {ep + 1}: {errors} token errors", flush=True)
    avg: dict[str, np.ndarray] = {}
    for f, v in w.items():
        total = tot[f] + (c - stamp[f]) * v
        a = total / c
        if np.any(a != 0):
            avg[f] = a
    return avg


def evaluate(posts: list[tuple[list[str], list[str]]], offset: float | None = None) -> tuple[float, float, float]:
    from onrecord.detectors.pii.names import _load

    _load.cache_clear()
    tagger = _load()
    assert tagger is not None
    if offset is not None:
        tagger.offset = offset
    tp = fp = fn = 0
    for words, gold in posts:
        pred = [t for t, _ in tagger.tag_tokens(words)]
        # @handles are not names for us (BTC tags them): leave them out of both sides
        g = {sp for sp in spans(gold) if not words[sp[0]].startswith("@")}
        p = spans(pred)
        tp += len(g & p)
        fp += len(p - g)
        fn += len(g - p)
    prec = tp / max(tp + fp, 1)
    rec = tp / max(tp + fn, 1)
    return prec, rec, 2 * prec * rec / max(prec + rec, 1e-9)


def main() -> int:
    if not DATA.is_dir():
        print(f"skip: {DATA} not found (set ONRECORD_SHARED)")
        return 0
    train_posts = read_conll(DATA / "btc.train.conll") + read_conll(DATA / "wnut17.train.conll")
    gf, gl = gazetteers(train_posts)
    print(f"{len(train_posts)} training posts, gazetteer {len(gf)} first / {len(gl)} last names")
    common = common_words(train_posts)
    # Measured, not shipped (docs/checks.md, eighteenth session): more names found, and more false ones on real posts.
    census = census_names(common) if "--census" in sys.argv[1:] else (frozenset(), frozenset())
    print(f"census names: {len(census[0])} first / {len(census[1])} last")
    avg = train(train_posts, gf, gl, common, census)
    gf, gl = gf | census[0], gl | census[1]
    feats = sorted(avg)
    offset = 0.0
    mat = np.array([avg[f] for f in feats], dtype=np.float32)
    OUT.parent.mkdir(parents=True, exist_ok=True)

    def save(offset: float) -> None:
        np.savez_compressed(
            OUT,
            features=np.array(feats),
            weights=mat,
            gaz_first=np.array(sorted(gf)),
            gaz_last=np.array(sorted(gl)),
            common=np.array(sorted(common)),
            offset=np.array(offset),
        )

    save(offset)  # evaluate() reads the model back from OUT
    print(f"wrote {OUT} ({OUT.stat().st_size / 1e6:.1f} MB, {len(feats)} features)")
    # The decoding offset (name score bonus) is chosen on the dev files, never on the benchmark.
    dev = read_conll(DATA / "btc.dev.conll") + read_conll(DATA / "wnut17.dev.conll")
    best = max((evaluate(dev, o)[2], o) for o in (0.0, 2.0, 4.0, 6.0, 8.0, 10.0, 12.0, 14.0, 16.0))
    offset = best[1]
    print(f"decoding offset {offset} (dev F1 {best[0]:.3f})")
    save(offset)
    for name in ("btc.dev.conll", "wnut17.dev.conll"):
        p, r, f = evaluate(read_conll(DATA / name))
        print(f"{name}: person span (no @handles) P {p:.3f} R {r:.3f} F1 {f:.3f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
