"""The accounts registry, read-only: who is behind each account, its kind and declared uses (edits stay with the CLI)."""

from __future__ import annotations

from flask import Blueprint, Response, render_template, request
from flask.typing import ResponseReturnValue

from onrecord.store import accounts as reg
from onrecord.web.app import store

bp = Blueprint("accounts", __name__, url_prefix="/accounts")


def _matching(q: str) -> list[reg.AccountRow]:
    rows = reg.list_accounts(store())
    needle = q.casefold()
    if not needle:
        return rows
    return [r for r in rows if needle in " ".join((r.platform, r.handle, r.person, r.name, r.organisation, r.title,
                                                    r.kind, r.uses, r.code)).casefold()]


@bp.get("")
def index() -> ResponseReturnValue:
    q = request.args.get("q", "").strip()
    rows = _matching(q)
    # A personal account declared for official work holds public records: the records officer's first question.
    mixed = sum(1 for r in rows if r.kind == "personal" and "official" in reg.split_list(r.uses))
    return render_template("accounts.html", rows=rows, q=q, mixed=mixed)


@bp.get("/export.csv")
def csv_export() -> ResponseReturnValue:
    """The same CSV as ``onrecord accounts export`` (of the rows matching ``q``)."""
    body = reg.write_csv(_matching(request.args.get("q", "").strip()))
    return Response(body, mimetype="text/csv", headers={"Content-Disposition": "attachment; filename=onrecord-accounts.csv"})
