"""The ``--accounts`` file: who is behind each handle (account kind, role, code...), as CSV or JSON.

CSV columns (header names are case-insensitive): ``handle`` (required), ``platform``, ``kind``,
``role``, ``restriction``, ``title``, ``organisation``, ``jurisdiction``, ``code``, ``name``,
``policy_area``; and the registry export's (``onrecord accounts export``) ``policy_areas`` (``;``-separated,
the first is the author's policy area), ``uses`` (declared uses, as facts), ``display_name`` and
``person`` (a registry key, read and not used), so that export is an accounts file as it stands.
JSON: a list of such objects, or an object mapping handle → object.
A row with a ``platform`` applies to that platform only; without one, to every platform.
Kept deliberately simple and separate from the accounts registry in ``onrecord.store``.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any, get_args

import msgspec

from onrecord.model.csvcell import split_list, unguard
from onrecord.model.decode import JSONReadError, read_json
from onrecord.model.post import DECLARED_USES, AccountKind, Jurisdiction, Post, Restriction, Role, declared_use_facts

FIELDS = ("kind", "role", "restriction", "title", "organisation", "jurisdiction", "code", "name", "policy_area",
          "policy_areas", "uses", "display_name", "person")


class AccountsError(ValueError):
    """The accounts file is unreadable or has a bad value (message names the row and field)."""


class AccountContext(msgspec.Struct, kw_only=True, omit_defaults=True):
    """What is known about one handle."""

    handle: str
    platform: str | None = None
    kind: AccountKind | None = None
    role: Role | None = None
    restriction: Restriction | None = None
    title: str = ""
    organisation: str = ""
    policy_area: str = ""
    name: str = ""
    jurisdiction: Jurisdiction | None = None
    code: str | None = None
    display_name: str = ""
    uses: list[str] = msgspec.field(default_factory=list)
    person: str = ""


def norm_handle(h: str) -> str:
    """``@Name``, ``name`` and ``https://x.com/name`` all become ``name`` (lower case)."""
    h = h.strip().lower()
    if "://" in h:
        h = h.rstrip("/").rsplit("/", 1)[-1]
    return h.lstrip("@")


_CHOICES: dict[str, tuple[str, ...]] = {
    "kind": get_args(AccountKind),
    "role": get_args(Role),
    "restriction": get_args(Restriction),
    "jurisdiction": get_args(Jurisdiction),
}


def _row(obj: dict[str, Any], where: str) -> AccountContext:
    clean = {str(k).strip().lower(): (v.strip() if isinstance(v, str) else v) for k, v in obj.items()}
    clean = {k: v for k, v in clean.items() if v not in (None, "")}
    if not clean.get("handle"):
        raise AccountsError(f"{where}: 'handle' is required")
    for k, choices in _CHOICES.items():
        if k in clean and clean[k] not in choices:
            raise AccountsError(f"{where}: {k} {clean[k]!r} is not one of {', '.join(choices)}")
    unknown = set(clean) - set(FIELDS) - {"handle", "platform"}
    if unknown:
        raise AccountsError(
            f"{where}: unknown column(s) {', '.join(sorted(unknown))} (known: handle, platform, {', '.join(FIELDS)})"
        )
    areas = _split(clean.pop("policy_areas", None), where, "policy_areas")
    if areas and not clean.get("policy_area"):
        clean["policy_area"] = areas[0]  # as the registry gives it: the first area is the author's
    if "uses" in clean:
        clean["uses"] = _split(clean["uses"], where, "uses")
        bad = [u for u in clean["uses"] if u not in DECLARED_USES]
        if bad:
            raise AccountsError(f"{where}: uses {bad[0]!r} is not one of {', '.join(DECLARED_USES)}")
    try:
        return msgspec.convert(clean, AccountContext)
    except msgspec.ValidationError as e:
        raise AccountsError(f"{where}: {e}") from None


def _split(value: Any, where: str, name: str) -> list[str]:
    """A list column: ``a;b`` (or ``a,b``) in CSV, a list of strings in JSON."""
    if value is not None and not isinstance(value, str) and not (
        isinstance(value, list) and all(isinstance(v, str) for v in value)
    ):
        raise AccountsError(f"{where}: {name} must be text like 'a;b' or a list of strings")
    return split_list(value)


class AccountsFile:
    """Look up the context of a post's account by (platform, handle)."""

    def __init__(self, rows: list[AccountContext]) -> None:
        self.rows = rows
        self._by: dict[tuple[str | None, str], AccountContext] = {}
        for r in rows:
            self._by[(r.platform, norm_handle(r.handle))] = r

    def __len__(self) -> int:
        return len(self.rows)

    def lookup(self, platform: str, handle: str) -> AccountContext | None:
        h = norm_handle(handle)
        return self._by.get((platform, h)) or self._by.get((None, h))

    def apply(self, post: Post) -> Post:
        """Fill the post's account/author/jurisdiction/code from the file; values in the post win."""
        ctx = self.lookup(post.platform, post.account.handle)
        if ctx is None:
            return post
        acc, au = post.account, post.author
        account = msgspec.structs.replace(acc, kind=ctx.kind) if ctx.kind and acc.kind == "unknown" else acc
        author = msgspec.structs.replace(
            au,
            role=ctx.role if ctx.role and au.role == "unknown" else au.role,
            restriction=ctx.restriction if ctx.restriction and au.restriction == "n/a" else au.restriction,
            title=au.title or ctx.title,
            organisation=au.organisation or ctx.organisation,
            policy_area=au.policy_area or ctx.policy_area,
            name=au.name or ctx.name,
        )
        if ctx.display_name and not account.display_name:
            account = msgspec.structs.replace(account, display_name=ctx.display_name)
        facts = [f for f in declared_use_facts(ctx.kind or acc.kind, ctx.uses) if f not in post.circumstances.facts]
        circumstances = (msgspec.structs.replace(post.circumstances, facts=[*post.circumstances.facts, *facts])
                         if facts else post.circumstances)
        return msgspec.structs.replace(
            post,
            account=account,
            author=author,
            circumstances=circumstances,
            jurisdiction=post.jurisdiction or ctx.jurisdiction,
            code=post.code or ctx.code,
        )


def load_accounts(path: str) -> AccountsFile:
    """Read a CSV or JSON accounts file (chosen by content). Raises AccountsError."""
    try:
        text = Path(path).read_text("utf-8-sig")
    except OSError as e:
        raise AccountsError(f"{path}: cannot read ({e.strerror or e})") from None
    except UnicodeDecodeError as e:
        raise AccountsError(f"{path}: not UTF-8 text (byte {e.start})") from None
    rows: list[AccountContext] = []
    s = text.lstrip()
    if s.startswith(("[", "{")):
        try:
            data = read_json(s)
        except JSONReadError as e:
            raise AccountsError(f"{path}: invalid JSON ({e})") from None
        items = (
            [{"handle": k, **v} if isinstance(v, dict) else {"handle": k, "kind": v} for k, v in data.items()]
            if isinstance(data, dict)
            else data
        )
        for i, obj in enumerate(items):
            if not isinstance(obj, dict):
                raise AccountsError(f"{path}: entry {i} is not an object")
            rows.append(_row(obj, f"{path}: entry {i}"))
    else:
        reader = csv.DictReader(io.StringIO(text))
        for obj in reader:
            # Every column is text: undo the formula guard the registry export (and spreadsheets) put on it.
            cells = {k: unguard(v) if isinstance(v, str) else v for k, v in obj.items()}
            rows.append(_row(cells, f"{path}: line {reader.line_num}"))
    return AccountsFile(rows)
