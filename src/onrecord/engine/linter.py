"""The engine: post → capacity → detectors → checks → clauses → findings → result."""

from __future__ import annotations

from collections.abc import Sequence

import msgspec

from onrecord.capacity.assess import assess_many
from onrecord.checks.base import Check, CheckContext, Hit
from onrecord.checks.registry import select_checks
from onrecord.codes.loader import PackRegistry
from onrecord.detectors import Detector, Signals, default_detectors, run_detectors_many
from onrecord.detectors.base import field_text
from onrecord.engine.choose_pack import UnknownCode, choose_pack
from onrecord.model.code import Pack
from onrecord.model.finding import SEVERITY_RANK, CapacityResult, ClauseRef, Finding, Result
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
        self._pack_cache: dict[tuple[str | None, ...], tuple[Pack, str]] = {}
        # Per pack: the selected checks that apply to its jurisdiction. Per (pack, topic, capacity, role):
        # the governing clauses and their severity. Both depend only on their keys. Packs are keyed by id
        # and held here, so an id cannot be reused by another pack while the engine lives.
        self._checks_for: dict[int, tuple[Pack, list[Check]]] = {}
        self._governing: dict[tuple[int, str, str, str], tuple[list[ClauseRef], str]] = {}
        # Per (pack, signal kinds a post may hold): the checks whose needs those kinds meet.
        self._runnable: dict[tuple[int, frozenset[str]], list[Check]] = {}
        # False runs every check on every post (tests compare both ways).
        self.skip_by_needs = True

    def check(self, post: Post) -> Result:
        """Judge one post. Raises ``UnknownCode`` when the post names a code no pack declares."""
        out = self.check_many([post])[0]
        if isinstance(out, UnknownCode):
            raise out
        return out

    def check_many(self, posts: Sequence[Post]) -> list[Result | UnknownCode]:
        """Judge a batch, in order: detectors per post, capacity for the whole batch in one vectorised
        model call, then the checks. A post naming an unknown code gets its ``UnknownCode`` in its
        place; the others go on."""
        out: list[Result | UnknownCode] = []
        chosen: list[tuple[Pack, str] | UnknownCode] = []
        for post in posts:
            try:
                chosen.append(self._choose(post))
            except UnknownCode as e:
                chosen.append(e)
        ok = [i for i, c in enumerate(chosen) if not isinstance(c, UnknownCode)]
        good = posts if len(ok) == len(posts) else [posts[i] for i in ok]
        signals = run_detectors_many(good, self.detectors)
        capacities = assess_many(good, signals)
        if good is posts:  # the usual batch: every post names a known code
            return [
                self._judge(post, c[0], c[1], sig, cap)  # type: ignore[index]
                for post, c, sig, cap in zip(posts, chosen, signals, capacities, strict=True)
            ]
        judged = dict(zip(ok, zip(signals, capacities, strict=True), strict=True))
        for i, post in enumerate(posts):
            c = chosen[i]
            if isinstance(c, UnknownCode):
                out.append(c)
                continue
            sig, cap = judged[i]
            out.append(self._judge(post, c[0], c[1], sig, cap))
        return out

    def _choose(self, post: Post) -> tuple[Pack, str]:
        # Posts of one run share a handful of contexts: remember the choice per context.
        key = (post.code, post.jurisdiction, post.author.role, post.account.kind, post.author.organisation)
        hit = self._pack_cache.get(key)
        if hit is None:
            hit = choose_pack(post, self.packs, self.default_code)
            if len(self._pack_cache) > 4096:
                self._pack_cache.clear()
            self._pack_cache[key] = hit
        return hit

    def _judge(self, post: Post, pack: Pack, why: str, signals: Signals, capacity: CapacityResult) -> Result:
        ctx = CheckContext(post=post, capacity=capacity, signals=signals, pack=pack)
        findings: list[Finding] = []
        seen: set[tuple[str, str, int, int]] = set()
        # A check that needs signal kinds the post lacks cannot find anything (see Check.needs).
        present = None if (post.circumstances.facts or not self.skip_by_needs) else signals.possible_kinds()
        held = self._checks_for.get(id(pack))
        if held is None:
            held = self._checks_for[id(pack)] = (
                pack,
                [c for c in self.checks if not c.jurisdictions or pack.jurisdiction in c.jurisdictions],
            )
        checks = held[1]
        if present is not None:
            # Posts of a run hold a few hundred distinct sets of kinds: the filtered list is kept per set.
            rkey = (id(pack), present)
            got = self._runnable.get(rkey)
            if got is None:
                if len(self._runnable) > 4096:
                    self._runnable.clear()
                got = self._runnable[rkey] = [c for c in checks if c.needs is None or not present.isdisjoint(c.needs)]
            checks = got
        for check in checks:
            for hit in check.evaluate(ctx):
                f = self._resolve(check, hit, pack, capacity.label, post.author.role)
                if f is None:
                    continue
                if f.span is not None and "\n" in f.span.text:
                    f = _as_written(post, f)
                key = (f.check, f.topic, f.span.start if f.span else -1, f.span.end if f.span else -1)
                if key not in seen:
                    seen.add(key)
                    findings.append(f)
        if len(findings) > 1:
            findings.sort(key=lambda f: (-SEVERITY_RANK[f.severity], f.span.start if f.span else -1, f.check))
            findings = _drop_covered(findings)
        # most posts have no finding: no generator for them
        breach = bool(findings) and any(f.severity == "breach" for f in findings)
        official = capacity.label == "official"
        return Result(
            id=post.id,
            code=pack.id,
            capacity=capacity,
            allowed=not breach,
            review_required=breach or official or (bool(findings) and any(f.severity == "warning" for f in findings)),
            archive=official,
            findings=findings,
            code_reason=why,
        )

    def _governed(self, pack: Pack, topic: str, cap: str, role: str) -> tuple[list[ClauseRef], str]:
        """The clause refs governing ``topic`` and their worst severity (cached per pack, topic, capacity, role)."""
        key = (id(pack), topic, cap, role)
        got = self._governing.get(key)
        if got is None:
            clauses = pack.governing(topic, cap, role)
            severity = max((c.severity[cap] for c in clauses), key=SEVERITY_RANK.__getitem__) if clauses else ""
            got = self._governing[key] = ([c.ref() for c in clauses], severity)
        return got

    def _resolve(self, check: Check, hit: Hit, pack: Pack, capacity: str, role: str) -> Finding | None:
        cap = hit.capacity or capacity
        topic = hit.topic
        refs, severity = self._governed(pack, topic, cap, role)
        if not refs and hit.fallback is not None:
            topic = hit.fallback
            refs, severity = self._governed(pack, topic, cap, role)
        if not refs:
            return None  # no clause of the author's code supports it: not reported
        return Finding(
            check=check.code,
            name=check.name,
            topic=topic,
            severity=severity,  # type: ignore[arg-type]
            clauses=list(refs),  # the refs are shared between findings, the list is not
            message=hit.message,
            span=hit.span,
            entity=hit.entity,
            fix=hit.fix,
        )


def _as_written(post: Post, f: Finding) -> Finding:
    """The span's text as the author wrote it: detectors read CRLF as LF (``fold_cr``, same offsets), so a
    multi-line span of a CRLF text is sliced again from the field itself."""
    assert f.span is not None
    original = field_text(post, f.span.field)
    if "\r" not in original:
        return f
    span = msgspec.structs.replace(f.span, text=original[f.span.start : f.span.end])
    return msgspec.structs.replace(f, span=span)


def _drop_covered(findings: list[Finding]) -> list[Finding]:
    """Drop a finding that repeats another of the same check on the same span with the same clauses, at no
    higher severity (a US threat read as abuse and as disrepute under the one clause 5 CFR 735.203 is one
    finding). A finding citing fewer clauses stays: its message names another concern (MP01's
    unauthorised comment beside misuse of position). ``findings`` are sorted most severe first."""
    kept: list[Finding] = []
    seen: set[tuple[str, tuple[int, int] | None, frozenset[str]]] = set()  # a set: a long text has thousands
    for f in findings:
        key = (f.check, (f.span.start, f.span.end) if f.span else None, frozenset(c.id for c in f.clauses))
        if key not in seen:
            seen.add(key)
            kept.append(f)
    return kept
