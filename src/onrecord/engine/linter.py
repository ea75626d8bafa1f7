"""The engine: post → capacity → detectors → checks → clauses → findings → result."""

from __future__ import annotations

from collections.abc import Sequence

from onrecord.capacity import assess
from onrecord.checks.base import Check, CheckContext, Hit
from onrecord.checks.registry import select_checks
from onrecord.codes.loader import PackRegistry
from onrecord.detectors import Detector, default_detectors, run_detectors
from onrecord.engine.choose_pack import choose_pack
from onrecord.model.code import Pack
from onrecord.model.finding import SEVERITY_RANK, Finding, Result
from onrecord.model.post import Post


class Engine:
    """Checks posts against the author's code of conduct. Build once, call :meth:`check` per post."""

    def __init__(
        self,
        packs: PackRegistry | None = None,
        select: Sequence[str] = (),
        ignore: Sequence[str] = (),
        default_code: str | None = None,
        detectors: Sequence[Detector] | None = None,
    ) -> None:
        self.packs = packs or PackRegistry()
        if default_code is not None:
            self.packs.get(default_code)  # fail early on an unknown code
        self.default_code = default_code
        self.checks: list[Check] = select_checks(select, ignore)
        self.detectors = list(detectors) if detectors is not None else default_detectors()

    def check(self, post: Post) -> Result:
        """Judge one post. Raises ``UnknownCode`` when the post names a code no pack declares."""
        pack, why = choose_pack(post, self.packs, self.default_code)
        signals = run_detectors(post, self.detectors)
        capacity = assess(post, signals)
        ctx = CheckContext(post=post, capacity=capacity, signals=signals, pack=pack)
        findings: list[Finding] = []
        seen: set[tuple[str, str, int, int]] = set()
        for check in self.checks:
            if check.jurisdictions and pack.jurisdiction not in check.jurisdictions:
                continue
            for hit in check.evaluate(ctx):
                f = self._resolve(check, hit, pack, capacity.label, post.author.role)
                if f is None:
                    continue
                key = (f.check, f.topic, f.span.start if f.span else -1, f.span.end if f.span else -1)
                if key not in seen:
                    seen.add(key)
                    findings.append(f)
        findings.sort(key=lambda f: (-SEVERITY_RANK[f.severity], f.span.start if f.span else -1, f.check))
        breach = any(f.severity == "breach" for f in findings)
        official = capacity.label == "official"
        return Result(
            id=post.id,
            code=pack.id,
            capacity=capacity,
            allowed=not breach,
            review_required=breach or official or any(f.severity == "warning" for f in findings),
            archive=official,
            findings=findings,
            code_reason=why,
        )

    @staticmethod
    def _resolve(check: Check, hit: Hit, pack: Pack, capacity: str, role: str) -> Finding | None:
        cap = hit.capacity or capacity
        clauses = pack.governing(hit.topic, cap, role)
        if not clauses:
            return None  # no clause of the author's code supports it: not reported
        severity = max((c.severity[cap] for c in clauses), key=SEVERITY_RANK.__getitem__)
        return Finding(
            check=check.code,
            name=check.name,
            topic=hit.topic,
            severity=severity,  # type: ignore[arg-type]
            clauses=[c.ref() for c in clauses],
            message=hit.message,
            span=hit.span,
            entity=hit.entity,
            fix=hit.fix,
        )
