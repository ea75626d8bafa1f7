"""First capacity judgement from context (account kind, role) and text cues, with evidence."""

from __future__ import annotations

from onrecord.detectors.base import Signals
from onrecord.model.finding import CAPACITIES, CapacityResult
from onrecord.model.post import Post


def _normalise(raw: dict[str, float]) -> dict[str, float]:
    total = sum(raw.values()) or 1.0
    return {c: round(raw[c] / total, 4) for c in CAPACITIES}


def assess(post: Post, signals: Signals) -> CapacityResult:
    """Judge capacity; a registered account kind decides it, otherwise the text cues do."""
    kind = post.account.kind
    if kind == "official":
        return CapacityResult(
            label="official",
            scores=_normalise({"official": 0.97, "professional": 0.01, "private": 0.01, "political": 0.01}),
            evidence=["account kind: official"],
            decided_by="context",
        )
    if kind == "campaign":
        return CapacityResult(
            label="political",
            scores=_normalise({"official": 0.01, "professional": 0.01, "private": 0.01, "political": 0.97}),
            evidence=["account kind: campaign"],
            decided_by="context",
        )
    raw = {"official": 0.15, "professional": 0.15, "private": 0.5, "political": 0.2}
    evidence: list[str] = []
    if kind == "personal":
        raw["private"] += 0.6
        evidence.append("account kind: personal")
    if signals.has("agency_voice"):
        raw["official"] += 0.8
        evidence.append("speaks as the agency ('we', 'on behalf of')")
    if signals.has("campaign_language", "donation_link", "paid_for_by"):
        raw["political"] += 0.8
        evidence.append("campaign language or donation link")
    if signals.has("professional_cue") or post.platform == "linkedin":
        raw["professional"] += 0.5
        evidence.append("work-profile platform or first-person expertise")
    if signals.has("disclaimer"):
        raw["private"] += 0.3
        evidence.append("disclaimer ('views my own')")
    scores = _normalise(raw)
    label = max(CAPACITIES, key=lambda c: scores[c])
    return CapacityResult(label=label, scores=scores, evidence=evidence or ["no decisive cue"], decided_by="rules")
