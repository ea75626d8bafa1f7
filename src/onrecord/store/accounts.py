"""The accounts registry: people, their accounts and declared uses, and the post context they give.

``context_for(platform, handle)`` returns the fields a Post's ``account``/``author``/``jurisdiction``/
``code`` should carry for a registered account; ``apply_context(post, ctx)`` fills the ones the post
left unset (what the post says explicitly always wins).
"""

from __future__ import annotations

import csv
import io
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any, get_args

import msgspec
from sqlalchemy import Engine, select, update

from onrecord.codes import PackRegistry
from onrecord.model.csvcell import guard_row, split_list, unguard
from onrecord.model.post import DECLARED_USES, Jurisdiction, Platform, Post, Restriction, Role, declared_use_facts
from onrecord.store import audit
from onrecord.store.db import StoreError, reading
from onrecord.store.schema import accounts, audit_log, cannot_store, chain_head, people

KINDS = ("official", "personal", "campaign")
USES = DECLARED_USES
CSV_FIELDS = ("person", "name", "role", "restriction", "title", "organisation", "policy_areas", "jurisdiction",
              "code", "platform", "handle", "kind", "uses", "display_name")
ROLES = get_args(Role)
RESTRICTIONS = get_args(Restriction)
PLATFORMS = get_args(Platform)
JURISDICTIONS = get_args(Jurisdiction)


def norm_handle(handle: str) -> str:
    return handle.strip().lstrip("@").lower()


@dataclass
class AccountRow:
    """One account with its person: the CSV row and the ``accounts list`` line."""

    platform: str
    handle: str
    kind: str
    person: str = ""
    name: str = ""
    role: str = "unknown"
    restriction: str = "n/a"
    title: str = ""
    organisation: str = ""
    policy_areas: str = ""
    jurisdiction: str = ""
    code: str = ""
    uses: str = ""
    display_name: str = ""

    def validate(self, packs: PackRegistry | None = None) -> None:
        """Raise StoreError naming the bad field; with ``packs``, ``code`` must name one of them (id or alias)."""
        checks = (("platform", self.platform, PLATFORMS), ("kind", self.kind, KINDS), ("role", self.role, ROLES),
                  ("restriction", self.restriction, RESTRICTIONS))
        for name, val, allowed in checks:
            if val not in allowed:
                raise StoreError(f"{name} {val!r} is not one of {', '.join(allowed)}")
        if self.jurisdiction and self.jurisdiction not in JURISDICTIONS:
            raise StoreError(f"jurisdiction {self.jurisdiction!r} is not one of {', '.join(JURISDICTIONS)}")
        bad = [u for u in split_list(self.uses) if u not in USES]
        if bad:
            raise StoreError(f"uses {bad[0]!r} is not one of {', '.join(USES)}")
        if not norm_handle(self.handle):
            raise StoreError("handle is empty")
        for f in fields(self):  # PostgreSQL refuses NUL; no registry field has a use for a control character
            if any(unicodedata.category(ch) == "Cc" and ch not in "\t\n\r" for ch in getattr(self, f.name)):
                raise StoreError(f"{f.name} holds a control character")
        why = cannot_store(accounts, {"handle": norm_handle(self.handle), "uses": ";".join(split_list(self.uses)),
                                  "display_name": self.display_name}) or cannot_store(
            people, {"key": self.person, **person_values(self)})
        if why:
            raise StoreError(why)
        # Checked here, not when a post arrives: an unknown code would make every post of the account an input error.
        if packs is not None and self.code and packs.lookup(self.code) is None:
            raise StoreError(f"code {self.code!r} is not one of the packs ({', '.join(packs.ids())})")


# What a row gives for a person field when it says nothing about it (role and restriction have defaults).
UNSET: dict[str, tuple[str | None, ...]] = {
    "name": ("",), "role": ("", "unknown"), "restriction": ("", "n/a"), "title": ("",), "organisation": ("",),
    "policy_areas": ("",), "jurisdiction": ("", None), "code": ("", None)}


def person_values(row: AccountRow) -> dict[str, str | None]:
    """The person's fields a row gives, as stored."""
    return {"name": row.name, "role": row.role, "restriction": row.restriction, "title": row.title,
            "organisation": row.organisation, "policy_areas": ";".join(split_list(row.policy_areas)),
            "jurisdiction": row.jurisdiction or None, "code": row.code or None}


def upsert(engine: Engine, rows: Iterable[AccountRow], actor: str, packs: PackRegistry | None = None) -> tuple[int, int]:
    """Add or update accounts (and their people) in one transaction; returns (added, updated).

    With ``packs``, a row whose ``code`` is not one of them is refused (and nothing is written)."""
    added = updated = 0
    with engine.begin() as conn:
        for row in rows:
            row.validate(packs)
            handle = norm_handle(row.handle)
            person_id = None
            if row.person:
                pvals = person_values(row)
                person_id = conn.execute(select(people.c.id).where(people.c.key == row.person)).scalar()
                if person_id is None:
                    person_id = conn.execute(people.insert().values(key=row.person, **pvals)).inserted_primary_key[0]  # type: ignore[index]
                else:
                    # Adding a person's second account must not blank what the first one said: a field the row
                    # leaves unset keeps its stored value.
                    given = {k: v for k, v in pvals.items() if v not in UNSET[k]}
                    if given:
                        conn.execute(update(people).where(people.c.id == person_id).values(**given))
            avals = {"person_id": person_id, "kind": row.kind, "uses": ";".join(split_list(row.uses)),
                     "display_name": row.display_name, "jurisdiction": row.jurisdiction or None,
                     "code": row.code or None}
            c = accounts.c
            existing = conn.execute(select(c.id).where(c.platform == row.platform, c.handle == handle)).scalar()
            if existing is None:
                conn.execute(accounts.insert().values(platform=row.platform, handle=handle, **avals))
                added += 1
                action = "accounts.add"
            else:
                conn.execute(update(accounts).where(c.id == existing).values(**avals))
                updated += 1
                action = "accounts.update"
            audit.record(conn, actor, action, f"account:{row.platform}:{handle}",
                         {"kind": row.kind, "person": row.person, "uses": avals["uses"]})
    return added, updated


def remove(engine: Engine, platform: str, handle: str, actor: str) -> bool:
    h = norm_handle(handle)
    with engine.begin() as conn:
        n = conn.execute(accounts.delete().where(accounts.c.platform == platform, accounts.c.handle == h)).rowcount
        if n:
            audit.record(conn, actor, "accounts.remove", f"account:{platform}:{h}")
    return bool(n)


def list_accounts(engine: Engine) -> list[AccountRow]:
    a, p = accounts.c, people.c
    q = (select(a.platform, a.handle, a.kind, a.uses, a.display_name, a.jurisdiction.label("a_j"),
                a.code.label("a_code"), p.key, p.name, p.role, p.restriction, p.title, p.organisation,
                p.policy_areas, p.jurisdiction.label("p_j"), p.code.label("p_code"))
         .select_from(accounts.outerjoin(people, a.person_id == p.id)).order_by(p.key, a.platform, a.handle))
    out = []
    with reading(engine) as conn:
        for r in conn.execute(q):
            out.append(AccountRow(platform=r.platform, handle=r.handle, kind=r.kind, person=r.key or "",
                                  name=r.name or "", role=r.role or "unknown", restriction=r.restriction or "n/a",
                                  title=r.title or "", organisation=r.organisation or "",
                                  policy_areas=r.policy_areas or "", jurisdiction=r.a_j or r.p_j or "",
                                  code=r.a_code or r.p_code or "", uses=r.uses, display_name=r.display_name))
    return out


def read_csv(text: str, packs: PackRegistry | None = None) -> list[AccountRow]:
    """Parse registry CSV (header row with CSV_FIELDS; platform, handle, kind required). Errors name the line.

    With ``packs``, every ``code`` must name one of them."""
    reader = csv.DictReader(io.StringIO(text, newline=""))  # CR, LF and CRLF line ends alike (csv wants newline="")
    try:
        header = reader.fieldnames
    except csv.Error as e:  # old Mac line ends (a lone CR) in the header line
        raise StoreError(f"line 1: cannot read it as CSV: {e}") from None
    if not header:
        raise StoreError("the CSV is empty")
    unknown = [f for f in header if f not in CSV_FIELDS]
    if unknown:
        raise StoreError(f"unknown CSV column {unknown[0]!r}; expected some of: {', '.join(CSV_FIELDS)}")
    missing = [f for f in ("platform", "handle", "kind") if f not in header]
    if missing:
        raise StoreError(f"the CSV needs a {missing[0]!r} column")
    rows = []
    seen: dict[tuple[str, str], int] = {}
    said: dict[tuple[str, str], tuple[str | None, int]] = {}
    while True:
        try:
            rec = next(reader)
        except StopIteration:
            break
        except csv.Error as e:  # a field past csv's size limit, a stray quote under strict parsing
            raise StoreError(f"line {reader.line_num + 1}: cannot read it as CSV: {e}") from None
        i = reader.line_num  # the line the record ends on (a quoted field may span lines)
        # Strip first, then undo the formula guard: a value the export guarded comes back exactly as stored.
        vals = {k: unguard((v or "").strip()) for k, v in rec.items() if k in CSV_FIELDS}
        vals.setdefault("role", "unknown")
        vals["role"] = vals.get("role") or "unknown"
        vals["restriction"] = vals.get("restriction") or "n/a"
        row = AccountRow(**vals)
        try:
            row.validate(packs)
        except StoreError as e:
            raise StoreError(f"line {i}: {e}") from None
        if row.person:  # one person on several lines: the lines must not disagree about them
            for k, v in person_values(row).items():
                if v in UNSET[k]:
                    continue
                first = said.setdefault((row.person, k), (v, i))
                if first[0] != v:
                    raise StoreError(f"line {i}: person {row.person!r} has {k} {v!r} here and {first[0]!r} on line "
                                     f"{first[1]}: say it once, or the same way")
        key = (row.platform, norm_handle(row.handle))
        if key in seen:  # which of the two was meant? Saying so beats the last one quietly winning
            raise StoreError(f"line {i}: account {key[0]}:{key[1]} is also on line {seen[key]}")
        seen[key] = i
        rows.append(row)
    return rows


def write_csv(rows: Iterable[AccountRow]) -> str:
    """The registry CSV (``accounts export``): every column is text, each guarded against formula injection
    (:func:`onrecord.model.csvcell.guard`); :func:`read_csv` undoes the guard."""
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=list(CSV_FIELDS), lineterminator="\n")
    w.writeheader()
    for r in rows:
        w.writerow(guard_row({k: getattr(r, k) for k in CSV_FIELDS}, CSV_FIELDS))
    return buf.getvalue()


class Registry:
    """Cached look-ups for a run over many posts: build once, call :meth:`context_for` per post."""

    def __init__(self, engine: Engine) -> None:
        self._by_key = {(r.platform, norm_handle(r.handle)): r for r in list_accounts(engine)}

    def context_for(self, platform: str, handle: str) -> dict[str, Any]:
        """Post fields for a registered account, or ``{}`` when the account is not registered."""
        r = self._by_key.get((platform, norm_handle(handle)))
        return _context(r) if r else {}

    def apply(self, post: Post) -> Post:
        return apply_context(post, self.context_for(post.platform, post.account.handle))


def registry_version(engine: Engine) -> int:
    """A number that changes whenever the registry may have: every change to it is in the audit log, so the log's
    head moves with it (a cached :class:`Registry` is good while this stays the same)."""
    with reading(engine) as conn:
        seq = conn.execute(select(chain_head.c.seq).where(chain_head.c.name == "audit")).scalar()
    return int(seq or 0)


def changed_since(engine: Engine, seq: int) -> bool:
    """Whether the audit log holds an accounts change after entry ``seq`` (a range read on the log's key)."""
    with reading(engine) as conn:
        hit = conn.execute(select(audit_log.c.seq).where(audit_log.c.seq > seq, audit_log.c.action.startswith("accounts."))
                           .limit(1)).first()
    return hit is not None


def open_registry(db: str | None = None) -> Registry | None:
    """The registry for ``check``/``audit``: ``None`` when no database exists yet (never creates one).

    ``db`` as for every records command: ``--db``, else ``$ONRECORD_DB``, else ``./onrecord.db``.
    """
    from sqlalchemy.engine import make_url

    from onrecord.store.db import open_engine, resolve_url

    url = resolve_url(db)
    u = make_url(url)
    if u.get_backend_name() == "sqlite" and (not u.database or not Path(u.database).expanduser().exists()):
        return None  # a folder falls through: open_engine says it is not a database file
    eng = open_engine(url)
    try:
        return Registry(eng)
    finally:
        eng.dispose()


def context_for(engine: Engine, platform: str, handle: str) -> dict[str, Any]:
    """One-off look-up; for many posts build a :class:`Registry` once."""
    return Registry(engine).context_for(platform, handle)


def _context(r: AccountRow) -> dict[str, Any]:
    uses = split_list(r.uses)
    facts = declared_use_facts(r.kind, uses)
    author = {"role": r.role, "restriction": r.restriction, "title": r.title, "organisation": r.organisation,
              "policy_area": split_list(r.policy_areas)[0] if split_list(r.policy_areas) else "", "name": r.name}
    ctx: dict[str, Any] = {
        "account": {"kind": r.kind, "handle": r.handle, "display_name": r.display_name},
        "author": {k: v for k, v in author.items() if v and v not in ("unknown", "n/a")},
        "person": r.person or None,
        "uses": uses,
        "policy_areas": split_list(r.policy_areas),
        "facts": facts,
    }
    if r.jurisdiction:
        ctx["jurisdiction"] = r.jurisdiction
    if r.code:
        ctx["code"] = r.code
    return ctx


_DEFAULTS = {"account": msgspec.structs.asdict(Post(text="").account),
             "author": msgspec.structs.asdict(Post(text="").author)}


def apply_context(post: Post, ctx: dict[str, Any]) -> Post:
    """Fill the post's unset account/author/jurisdiction/code fields from ``ctx``; explicit values win."""
    if not ctx:
        return post
    changes: dict[str, Any] = {}
    for part in ("account", "author"):
        cur = getattr(post, part)
        upd = {k: v for k, v in ctx.get(part, {}).items()
               if hasattr(cur, k) and getattr(cur, k) == _DEFAULTS[part].get(k) and v}
        if upd:
            changes[part] = msgspec.structs.replace(cur, **upd)
    if post.jurisdiction is None and ctx.get("jurisdiction"):
        changes["jurisdiction"] = ctx["jurisdiction"]
    if post.code is None and ctx.get("code"):
        changes["code"] = ctx["code"]
    new_facts = [f for f in ctx.get("facts", []) if f not in post.circumstances.facts]
    if new_facts:
        changes["circumstances"] = msgspec.structs.replace(post.circumstances,
                                                           facts=[*post.circumstances.facts, *new_facts])
    return msgspec.structs.replace(post, **changes) if changes else post
