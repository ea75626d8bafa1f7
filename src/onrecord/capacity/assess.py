"""Capacity of a post: context first (a registered account kind decides), else the learned text model
nudged by cues from context, with calibrated scores and the evidence that drove them."""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

from onrecord.capacity.cues import Cue, context_cues
from onrecord.capacity.features import normalise
from onrecord.capacity.handle import HandleReading, default_handle_model, handle_prior
from onrecord.capacity.model import CLASSES, CapacityModel, default_model
from onrecord.detectors.base import Signals
from onrecord.model.finding import CAPACITIES, CapacityResult
from onrecord.model.post import Post

# Log-odds toward private for a post from a registered personal account. Small enough that clearly
# official text still comes out official (the "personal account used in official capacity" case).
PERSONAL_PRIVATE_PRIOR = 2.5
# Professional has no labelled data: a small base rate, raised only by cues (docs/capacity.md).
PROFESSIONAL_BASE = 0.05
_PROF_BASE_LOGIT = math.log(PROFESSIONAL_BASE / (1 - PROFESSIONAL_BASE))
_IDX = {c: i for i, c in enumerate(CLASSES)}


def _normalise(raw: dict[str, float]) -> dict[str, float]:
    total = sum(raw.values()) or 1.0
    return {c: round(raw[c] / total, 4) for c in CAPACITIES}


_CONTEXT_SCORES: dict[str, dict[str, float]] = {
    "official": _normalise({"official": 0.97, "professional": 0.01, "private": 0.01, "political": 0.01}),
    "campaign": _normalise({"official": 0.01, "professional": 0.01, "private": 0.01, "political": 0.97}),
}


def _from_context(kind: str) -> CapacityResult | None:
    # Scores computed once; each result gets its own copies (results are mutable structs).
    if kind == "official":
        return CapacityResult(
            label="official", scores=dict(_CONTEXT_SCORES[kind]), evidence=["account kind: official"], decided_by="context"
        )
    if kind == "campaign":
        return CapacityResult(
            label="political", scores=dict(_CONTEXT_SCORES[kind]), evidence=["account kind: campaign"], decided_by="context"
        )
    return None


def model_text(post: Post) -> str:
    """What the text model reads: the author's own comment first (on a share), then the text."""
    return f"{post.comment}\n{post.text}" if post.comment else post.text


def _combine(z: np.ndarray, cues: list[list[Cue]], personal: np.ndarray) -> np.ndarray:
    """Add cue log-odds to calibrated text log-probabilities (rows); professional from its base rate."""
    z = z.copy()
    z[:, _IDX["private"]] += PERSONAL_PRIVATE_PRIOR * personal
    others = [_IDX[c] for c in CLASSES if c != "professional"]
    zo = z[:, others]
    m = zo.max(axis=1, keepdims=True)
    z[:, _IDX["professional"]] = (m + np.log(np.exp(zo - m).sum(axis=1, keepdims=True)))[:, 0] + _PROF_BASE_LOGIT
    for row, cs in enumerate(cues):
        for cue in cs:
            z[row, _IDX[cue.label]] += cue.weight
    z -= z.max(axis=1, keepdims=True)
    e = np.exp(z)
    return np.asarray(e / e.sum(axis=1, keepdims=True))


def assess_many(
    posts: Sequence[Post],
    signals_list: Sequence[Signals | None] | None = None,
    *,
    use_context: bool = True,
    explain: bool = True,
    model: CapacityModel | None = None,
) -> list[CapacityResult]:
    """Judge many posts at once (one vectorised model call). ``use_context=False`` ignores the account kind,
    so an auditor can see what the text alone says; ``explain=False`` skips the per-word evidence."""
    signals_list = signals_list if signals_list is not None else [None] * len(posts)
    model = model if model is not None else default_model()
    out: list[CapacityResult | None] = [None] * len(posts)
    todo: list[int] = []
    for i, post in enumerate(posts):
        ctx = _from_context(post.account.kind) if use_context else None
        if ctx is not None:
            out[i] = ctx
        else:
            todo.append(i)
    if todo:
        texts = [normalise(model_text(posts[i])) for i in todo]  # once, for the scores and the evidence
        if model is not None:
            lg = model.logits(texts, prenormalised=True).astype(np.float64) / model.temperature
            z_all = lg - lg.max(axis=1, keepdims=True)
            z_all = z_all - np.log(np.exp(z_all).sum(axis=1, keepdims=True))
        else:
            z_all = np.zeros((len(todo), len(CLASSES)))
            z_all[:, _IDX["private"]] = 0.5  # no model shipped: lean private unless cues say otherwise
        # The handle (and display name) as context, only where the account kind says nothing (unknown): a
        # registered personal account is the person's own whatever its name. Learned from office vs campaign
        # accounts, it moves the odds political : official only (onrecord.capacity.handle).
        handles: list[HandleReading | None] = [None] * len(todo)
        z_in = z_all
        hmodel = default_handle_model() if use_context else None
        if hmodel is not None:
            seen: dict[tuple[str, str], HandleReading] = {}
            for row, i in enumerate(todo):
                acct = posts[i].account
                if acct.kind == "unknown" and (acct.handle or acct.display_name):
                    key = (acct.handle, acct.display_name)
                    if key not in seen:
                        seen[key] = hmodel.read(*key)
                    handles[row] = seen[key] if seen[key].logodds != 0.0 else None
            if any(handles):
                h = np.array([r.logodds if r is not None else 0.0 for r in handles])
                z_in = z_all + handle_prior(h, len(CLASSES), _IDX["official"], _IDX["political"])
        all_cues = [context_cues(posts[i], signals_list[i]) for i in todo]
        personal = np.array([use_context and posts[i].account.kind == "personal" for i in todo], dtype=np.float64)
        probs = _combine(z_in, all_cues, personal)
        campaigning: list[bool] = []
        for row, i in enumerate(todo):
            sig, post = signals_list[i], posts[i]
            own = ("comment",) if post.action in ("share", "like") else ("text", "comment", "bio")
            acts = sig is not None and sig.has("campaign_activity", fields=own)
            campaigning.append(acts)
            if personal[row] and post.author.role not in ("elected_official", "candidate"):
                # Political capacity is acting as a politician or campaigner. A public servant voicing
                # political views on a personal account speaks as a private citizen (OSC, PSC, APSC
                # guidance): the text model's political mass goes to private, unless the author acts in a
                # campaign role in their own words (canvassing, leafleting, party meetings).
                if acts:
                    probs[row, _IDX["political"]] += 0.8 * probs[row, _IDX["private"]]
                    probs[row, _IDX["private"]] *= 0.2
                else:
                    probs[row, _IDX["private"]] += probs[row, _IDX["political"]]
                    probs[row, _IDX["political"]] = 0.0
        labels = probs.argmax(axis=1)
        text_p = np.exp(z_all)
        # Python floats and ints from here on: indexing numpy per post costs more than the batch conversion
        label_of = [CLASSES[k] for k in labels.tolist()]
        probs_l: list[list[float]] = probs.tolist()
        text_l: list[list[float]] = text_p.tolist()
        pulls: dict[int, list[str]] = {}
        if explain and model is not None:
            wanted = [row for row in range(len(todo)) if label_of[row] != "professional"]
            found = model.token_pulls([texts[r] for r in wanted], [label_of[r] for r in wanted], prenormalised=True)
            pulls = dict(zip(wanted, found, strict=True))
        for row, i in enumerate(todo):
            p = probs_l[row]
            label = label_of[row]
            evidence: list[str] = []
            if model is not None:
                tp = text_l[row]
                if label == "professional":
                    evidence.append("text model: " + ", ".join(f"{c} {tp[_IDX[c]]:.2f}" for c in CLASSES if c != "professional"))
                else:
                    pulled = pulls.get(row, [])
                    words = f" (words: {', '.join(repr(w) for w in pulled)})" if pulled else ""
                    evidence.append(f"text model: {label} {tp[_IDX[label]]:.2f}{words}")
            reading = handles[row]
            if reading is not None:
                evidence += reading.evidence
            if personal[row]:
                evidence.append("account kind: personal (leans private)")
            if campaigning[row]:
                evidence.append("acts in a campaign role (canvassing, leafleting, party meetings)")
            evidence += [c.evidence for c in sorted(all_cues[row], key=lambda c: -c.weight)]
            scores: dict[str, float] = {c: round(p[_IDX[c]], 4) for c in CAPACITIES}
            out[i] = CapacityResult(
                label=label,
                scores=scores,
                evidence=evidence or ["no decisive cue"],
                decided_by="model" if model is not None else "rules",
            )
    return [r for r in out if r is not None]


def assess(post: Post, signals: Signals) -> CapacityResult:
    """Judge capacity; a registered account kind decides it, otherwise the text model and cues do."""
    return assess_many([post], [signals])[0]
