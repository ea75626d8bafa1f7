"""The accounts registry: who is behind each account, its kind and declared uses. Everyone reads it; the people
named by ``serve --admin`` may add, change, import and remove accounts (recorded in the audit log with who did it)."""

from __future__ import annotations

from dataclasses import fields

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue

from onrecord.store import accounts as reg
from onrecord.store.db import StoreError
from onrecord.web.app import checker, is_admin, require_user, store
from onrecord.web.paging import page_links, paginate

bp = Blueprint("accounts", __name__, url_prefix="/accounts")
SHOWN = 500  # accounts on one page; the CSV holds every match
FORM_FIELDS = tuple(f.name for f in fields(reg.AccountRow))


def _matching(q: str) -> list[reg.AccountRow]:
    rows = reg.list_accounts(store())
    needle = q.casefold()
    if not needle:
        return rows
    return [r for r in rows if needle in " ".join((r.platform, r.handle, r.person, r.name, r.organisation, r.title,
                                                    r.kind, r.uses, r.code)).casefold()]


def _page(q: str = "", edit: reg.AccountRow | None = None, error: str = "", status: int = 200) -> ResponseReturnValue:
    everything = _matching(q)
    rows, page = paginate(everything, SHOWN, ("q",))
    # A personal account declared for official work holds public records: the records officer's first question.
    mixed = sum(1 for r in everything if r.kind == "personal" and "official" in reg.split_list(r.uses))
    choices = {"platform": reg.PLATFORMS, "kind": reg.KINDS, "role": reg.ROLES, "restriction": reg.RESTRICTIONS,
               "jurisdiction": ("", *reg.JURISDICTIONS), "code": ("", *checker().packs.ids())}
    return render_template("accounts.html", rows=rows, total=len(everything), page=page,
                           links=page_links(page, "accounts.index"), q=q, mixed=mixed, edit=edit or reg.AccountRow("x", "", "official"),
                           choices=choices, error=error), status


@bp.get("")
def index() -> ResponseReturnValue:
    edit = None
    if is_admin() and request.args.get("edit"):
        platform, _, handle = request.args["edit"].partition(":")
        edit = next((r for r in reg.list_accounts(store()) if (r.platform, r.handle) == (platform, reg.norm_handle(handle))), None)
    return _page(request.args.get("q", "").strip(), edit)


@bp.get("/export.csv")
def csv_export() -> ResponseReturnValue:
    """The same CSV as ``onrecord accounts export`` (of the rows matching ``q``)."""
    body = reg.write_csv(_matching(request.args.get("q", "").strip()))
    return Response(body, mimetype="text/csv", headers={"Content-Disposition": "attachment; filename=onrecord-accounts.csv"})


def _admin() -> str:
    who = require_user()
    if not is_admin():
        abort(403, description=f"{who} may not change the registry: the server names its administrators (serve --admin)")
    return who


@bp.post("/save")
def save() -> ResponseReturnValue:
    """Add or update one account, as ``onrecord accounts add`` does."""
    who = _admin()
    vals = {k: " ".join(str(request.form.get(k, "")).split()) for k in FORM_FIELDS}
    vals["role"] = vals["role"] or "unknown"
    vals["restriction"] = vals["restriction"] or "n/a"
    row = reg.AccountRow(**vals)
    try:
        added, _ = reg.upsert(store(), [row], who, checker().packs)
    except StoreError as e:
        return _page(edit=row, error=str(e), status=400)
    flash(f"{'added' if added else 'updated'} {row.platform}:{reg.norm_handle(row.handle)}", "ok")
    return redirect(url_for("accounts.index"))


@bp.post("/remove")
def remove() -> ResponseReturnValue:
    who = _admin()
    platform, handle = request.form.get("platform", ""), request.form.get("handle", "")
    if not reg.remove(store(), platform, handle, who):
        return _page(error=f"no account {platform}:{reg.norm_handle(handle)}", status=404)
    flash(f"removed {platform}:{reg.norm_handle(handle)} (the audit log keeps that it existed)", "ok")
    return redirect(url_for("accounts.index"))


@bp.post("/import")
def import_csv() -> ResponseReturnValue:
    """Add or update every row of a registry CSV in one transaction (all or nothing), as ``accounts import``."""
    who = _admin()
    f = request.files.get("csv")
    if f is None or not f.filename:
        return _page(error="choose a CSV file", status=400)
    try:  # the request cap (2 MB, about 10,000 accounts) bounds it; larger registries: onrecord accounts import
        text = f.read().decode("utf-8-sig")
    except UnicodeDecodeError as e:
        return _page(error=f"{f.filename}: not UTF-8 text (byte {e.start}); nothing was imported", status=400)
    try:
        rows = reg.read_csv(text, checker().packs)
        added, updated = reg.upsert(store(), rows, who)
    except StoreError as e:
        return _page(error=f"{f.filename}: {e}; nothing was imported", status=400)
    flash(f"imported {f.filename}: {added} added, {updated} updated", "ok")
    return redirect(url_for("accounts.index"))
