"""Cut a post's text into plain and highlighted pieces, one mark per finding span."""

from __future__ import annotations

from dataclasses import dataclass, field
from itertools import pairwise

from onrecord.model.finding import Finding


@dataclass
class Piece:
    """A stretch of text; ``findings`` are the 1-based numbers of the findings whose span covers it."""

    text: str
    findings: list[int] = field(default_factory=list)
    severity: str = ""


_RANK = {"breach": 3, "warning": 2, "info": 1}


def pieces(text: str, findings: list[Finding], fld: str = "text") -> list[Piece]:
    """``text`` cut at every span boundary of the findings on ``fld``; overlapping spans share a piece.

    Spans outside the text (a stale result) are clipped, never raised on."""
    n = len(text)
    spans = [(max(0, min(f.span.start, n)), max(0, min(f.span.end, n)), i, f.severity)
             for i, f in enumerate(findings, start=1) if f.span is not None and f.span.field == fld]
    spans = [s for s in spans if s[1] > s[0]]
    cuts = sorted({0, n, *(s[0] for s in spans), *(s[1] for s in spans)})
    out: list[Piece] = []
    for a, b in pairwise(cuts):
        covering = [s for s in spans if s[0] <= a and b <= s[1]]
        sev = max((s[3] for s in covering), key=lambda v: _RANK.get(v, 0), default="")
        out.append(Piece(text[a:b], [s[2] for s in covering], sev))
    return out or [Piece(text)]
