"""Account handle and display name as context: does the name read as an office account or a campaign account?

A handful of hand-designed patterns (office title prefixes such as ``Rep``/``Sen``/``Cllr``, office
suffixes such as ``Press``, campaign markers such as ``...ForCongress``/``...4Texas``/``Vote...``, a
trailing state code with or without a district number) fire on the handle; each pattern group has one
weight, log-odds toward a campaign account over an office account. The weights are fitted by
scripts/train_capacity.py on the training members' accounts only (never on a list of real handles) and
ship as data (``data/capacity_handle.json``). A handle with no pattern adds nothing (``intercept``, 0 in
the shipped recipe: a plain name is how most people name any account, so it is not evidence here).

The display name is read with the same patterns (words joined in camel case, so "Rep. Jane Doe" reads
like ``RepJaneDoe``), for pattern groups the handle did not already fire; the training data has no
display names, so that use is unmeasured (docs/capacity.md).
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import numpy as np
import numpy.typing as npt

HANDLE_FILE = Path(__file__).resolve().parent / "data" / "capacity_handle.json"

_STATES = (
    "AL|AK|AZ|AR|CA|CO|CT|DE|FL|GA|HI|ID|IL|IN|IA|KS|KY|LA|ME|MD|MA|MI|MN|MS|MO|MT|NE|NV|NH|NJ|NM|NY|NC|ND|OH|OK|OR|PA"
    "|RI|SC|SD|TN|TX|UT|VT|VA|WA|WV|WI|WY|DC|PR|GU|VI"
)
_STATE_NAMES = (
    "Alabama|Alaska|Arizona|Arkansas|California|Colorado|Connecticut|Delaware|Florida|Georgia|Hawaii|Idaho|Illinois"
    "|Indiana|Iowa|Kansas|Kentucky|Louisiana|Maine|Maryland|Massachusetts|Michigan|Minnesota|Mississippi|Missouri"
    "|Montana|Nebraska|Nevada|NewHampshire|NewJersey|NewMexico|NewYork|NorthCarolina|NorthDakota|Ohio|Oklahoma|Oregon"
    "|Pennsylvania|RhodeIsland|SouthCarolina|SouthDakota|Tennessee|Texas|Utah|Vermont|Virginia|Washington"
    "|WestVirginia|Wisconsin|Wyoming"
)
# Offices a campaign runs for ("...ForCongress", "...4Senate", "...ForMayor").
_RACE = r"Congress|Senate|House|Governor|Gov|Mayor|Council|Assembly|President|America|District|Office|Sheriff|Judge|AG|Parliament"
# Titles of an office holder that office accounts carry as a prefix (US legislators in the training data;
# the others are the same convention elsewhere and are unmeasured).
_TITLES = (
    r"US(?:Rep|Sen)|Rep|Sen|Senator|Cong|Congressman|Congresswoman|Congressmember|Representative"
    r"|Cllr|Councillor|Councilor|Councilmember|Mayor|Gov|Governor|LtGov|Minister|MP|MLA|MSP|MPP|Leader|Whip|Speaker"
)
_LOWER_TITLES = r"usrep|ussen|rep|sen|senator|cong|congressman|congresswoman|cllr|councillor|mayor"
# Lower-case words that start like a title but are not one.
_NOT_TITLE = r"ublic|ort|ly|lies|air|o\b|os\b|eat|ent|resent(?!ative)|ate|ior|se|sor|d\b|ds\b|t\b|ding|ds|ress(?!man|woman|member)|ratulat"

# (group, pattern, evidence template); the group is what carries a weight.
PATTERNS: tuple[tuple[str, re.Pattern[str], str], ...] = (
    (
        "office_title",
        re.compile(rf"^(?:{_TITLES})(?=[A-Z0-9_]|$)|^(?:{_LOWER_TITLES})(?!{_NOT_TITLE})(?=[a-z0-9_])"),
        "prefix",
    ),
    ("office_title", re.compile(r"(?<=[A-Za-z])(?:Leader|Whip|Speaker)$|(?<=[a-z])_?(?:MP|MLA|MSP|MPP|MHA|MHK)$"), "suffix"),
    ("office_word", re.compile(r"(?<=[a-z0-9_])(?:Press|PressOffice|Office|Ofc|Comms|Newsroom|Staff)$|^OfficeOf(?=[A-Z])"), "word"),
    (
        "campaign_for",
        re.compile(
            rf"(?<=[a-z])(?:For|for|4|_for_|_4_)(?:{_RACE}|{_STATE_NAMES}|{_STATES})(?![a-z])"
            rf"|(?<=[a-z])(?:4|for)(?:{_RACE.lower()}|{_STATE_NAMES.lower()})(?![a-z])",
        ),
        "marker",
    ),
    (
        "campaign_word",
        re.compile(
            r"^(?:Vote|vote|Elect|elect|ReElect|Reelect|reelect|Team|team|Friends|friends|Draft|Keep|Retain|Join)(?=[A-Z_])"
            r"|(?<=[A-Za-z])_?(?:Campaign|campaign|HQ|(?:19|20)\d\d)$"
        ),
        "marker",
    ),
    # A US state code with or without a district number ("...NY", "...OH12", "TX..."): how campaign accounts
    # of sitting members brand themselves. (A bare trailing number or a personal title such as "Dr" or "MD"
    # was left out: it says nothing about office or campaign outside this data.)
    ("place_code", re.compile(rf"(?<=[a-z_])(?:{_STATES})(?:_?\d{{1,2}})?$|^(?:{_STATES})(?=[A-Z][a-z])"), "place code"),
)
GROUPS: tuple[str, ...] = tuple(dict.fromkeys(g for g, _, _ in PATTERNS))


def clean_handle(handle: str) -> str:
    """The user part of a handle: no leading '@', no '@server' or e-mail domain, no URL."""
    h = handle.strip()
    if "/" in h:
        h = h.rstrip("/").rsplit("/", 1)[-1]
    h = h.lstrip("@")
    if "@" in h:
        h = h.split("@", 1)[0]
    return h


def camel_display_name(name: str) -> str:
    """Words of a display name joined in camel case ("Rep. Jane Doe" -> "RepJaneDoe"); other scripts kept."""
    words = re.findall(r"[A-Za-z0-9]+", name)
    return "".join(w if w.isupper() and len(w) <= 3 else w[:1].upper() + w[1:] for w in words)


@dataclass(frozen=True)
class HandleHit:
    """One pattern group that fired: where, on what text."""

    group: str
    field: str  # "handle" or "display name"
    text: str
    kind: str  # "prefix", "marker", ... (for the evidence)


def handle_hits(handle: str, display_name: str = "") -> list[HandleHit]:
    """Pattern groups that fire on the handle, then groups the handle did not fire on the display name."""
    out: list[HandleHit] = []
    seen: set[str] = set()
    for fld, text in (("handle", clean_handle(handle)), ("display name", camel_display_name(display_name))):
        if not text:
            continue
        for group, pat, kind in PATTERNS:
            if group in seen:
                continue
            m = pat.search(text)
            if m:
                seen.add(group)
                out.append(HandleHit(group, fld, m.group(0).strip("_") or m.group(0), kind))
    return out


def features(hits: Sequence[HandleHit]) -> list[float]:
    """0/1 per group in GROUPS order (the design row the weights are fitted on)."""
    fired = {h.group for h in hits}
    return [1.0 if g in fired else 0.0 for g in GROUPS]


@dataclass(frozen=True)
class HandleReading:
    """Log-odds campaign vs office account from the handle and display name, with evidence lines."""

    logodds: float
    evidence: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class HandleModel:
    """Fitted weight per pattern group (log-odds toward a campaign account) plus an intercept for any handle."""

    weights: dict[str, float]
    intercept: float = 0.0

    def read(self, handle: str, display_name: str = "") -> HandleReading:
        """The handle's log-odds and one evidence line per pattern group that moved it."""
        if not handle.strip() and not display_name.strip():
            return HandleReading(0.0)
        hits = handle_hits(handle, display_name)
        z = self.intercept if handle.strip() else 0.0
        evidence: list[str] = []
        for h in hits:
            w = self.weights.get(h.group, 0.0)
            if abs(w) < 0.05:
                continue
            z += w
            reads = "a campaign account" if w > 0 else "an office account"
            evidence.append(f"{h.field} reads as {reads} ({h.kind} '{h.text}', {'+' if w > 0 else '−'}{abs(w):.1f} log-odds)")
        if not hits and abs(self.intercept) >= 0.05 and handle.strip():
            reads = "a campaign account" if self.intercept > 0 else "an office account"
            evidence.append(f"handle with no office or campaign pattern leans to {reads} ({self.intercept:+.1f} log-odds)")
        return HandleReading(z, evidence)

    def to_json(self) -> dict[str, object]:
        return {"weights": dict(self.weights), "intercept": self.intercept}


def handle_prior(logodds: npt.ArrayLike, n_classes: int, official: int, political: int) -> npt.NDArray[np.float64]:
    """Per-row offsets for calibrated class log-scores: +h/2 on political, -h/2 on official, so the odds
    political : official move by exp(h) and the other classes keep their place against the pair."""
    h = np.asarray(logodds, dtype=np.float64)
    out = np.zeros((h.shape[0], n_classes))
    out[:, political] = h / 2
    out[:, official] = -h / 2
    return out


def load_handle_model(path: Path = HANDLE_FILE) -> HandleModel | None:
    """The shipped weights, or None when no file is shipped (the handle is then not used)."""
    if not path.exists():
        return None
    d = json.loads(path.read_text(encoding="utf-8"))
    return HandleModel({str(k): float(v) for k, v in d["weights"].items()}, float(d.get("intercept", 0.0)))


@lru_cache(maxsize=1)
def default_handle_model() -> HandleModel | None:
    """The shipped handle weights, loaded once."""
    return load_handle_model()
