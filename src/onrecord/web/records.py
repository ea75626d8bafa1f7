"""The archive for records officers: search, verify the hash chain, download an FOI/OIA bundle."""

from __future__ import annotations

import shutil
import zipfile
from datetime import datetime
from typing import Any

import msgspec
from flask import Blueprint, abort, current_app, render_template, request, send_file
from flask.typing import ResponseReturnValue

from onrecord.store import archive, audit
from onrecord.store.activity import activity, month_bounds
from onrecord.store.chain import day_bound, utcnow
from onrecord.store.db import StoreError
from onrecord.store.export import export
from onrecord.web.app import require_user, store
from onrecord.web.kept import Kept, owner
from onrecord.web.paging import page_for, page_links, requested_page

bp = Blueprint("records", __name__, url_prefix="/archive")
SHOWN = 500  # rows on one page; the bundle holds every match
KEPT = 5  # bundles kept per person (each can be hundreds of MB); older ones are deleted as new ones are made
KEPT_ALL = 50  # and per server process, whoever made them


def _query() -> dict[str, Any]:
    args = request.values

    def when(key: str) -> datetime | None:
        v = str(args.get(key, "")).strip()
        if not v:
            return None
        t = day_bound(v, end_of_day=key == "to")
        if t is None:
            raise StoreError(f"cannot read {key} {v!r} as a date: use YYYY-MM-DD or an ISO date and time")
        return t

    return {"start": when("from"), "end": when("to"), "account": str(args.get("account", "")).strip() or None,
            "query": str(args.get("q", "")).strip() or None}


def _row(e: dict[str, Any]) -> dict[str, Any]:
    post = msgspec.json.decode(e["post_json"]) if e.get("post_json") else {}
    return {**e, "text": str(post.get("text", "")), "url": post.get("url") or ""}


@bp.get("")
def index() -> ResponseReturnValue:
    q = _query()
    searched = any(request.args.get(k) for k in ("from", "to", "account", "q")) or "go" in request.args
    keep = ("go", "from", "to", "account", "q")
    number = requested_page()
    shown, total = archive.entries_page(store(), (number - 1) * SHOWN, SHOWN, **q) if searched else ([], 0)
    page = page_for(number, total, SHOWN, keep)
    if page.number < number and total:  # asked past the end: show the last page
        shown, total = archive.entries_page(store(), (page.number - 1) * SHOWN, SHOWN, **q)
    seq, head = archive.head(store())
    return render_template("archive.html", rows=[_row(e) for e in shown], total=total, searched=searched,
                           args=request.args, head_seq=seq, head_hash=head, report=None, page=page,
                           links=page_links(page, "records.index"))


@bp.get("/activity")
def activity_report() -> ResponseReturnValue:
    """The period report of ``onrecord archive activity``: a month (default: this one) or from/to."""
    month = request.args.get("month", "").strip()
    if month or not (request.args.get("from") or request.args.get("to")):
        lo, hi = month_bounds(month or utcnow().strftime("%Y-%m"))
        q = {"start": lo, "end": hi}
    else:
        full = _query()
        q = {"start": full["start"], "end": full["end"]}
    rep = activity(store(), **q).as_dict()
    return render_template("activity.html", rep=rep, month=month, args=request.args)


@bp.post("/verify")
def verify() -> ResponseReturnValue:
    rep = archive.verify(store(), expect_head=request.form.get("expect_head", "").strip() or None)
    seq, head = archive.head(store())
    return render_template("archive.html", rows=[], total=0, searched=False, args={}, head_seq=seq,
                           head_hash=head, report=rep)


@bp.post("/export")
def export_bundle() -> ResponseReturnValue:
    """Write the same bundle as ``onrecord archive export``, record who exported what in the audit log, and show
    the manifest's SHA-256 (to give the requester separately) with a link to the zipped bundle."""
    who = require_user()
    q = _query()
    exports = _exports()
    token, folder = exports.new_folder()
    try:
        meta = export(store(), folder / "onrecord-bundle", q["start"], q["end"], q["account"], q["query"])
        with store().begin() as conn:
            audit.record(conn, who, "archive.export", f"bundle:web:{token}",
                         {"query": meta["query"], "count": meta["count"], "manifest_sha256": meta["manifest_sha256"]})
        buf = folder / "bundle.zip"
        with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
            for f in sorted((folder / "onrecord-bundle").iterdir()):
                z.write(f, f"onrecord-bundle/{f.name}")
        shutil.rmtree(folder / "onrecord-bundle")  # the zip holds it: half the disk
    except BaseException:
        Kept.drop(folder)
        raise
    exports.keep(token, folder, owner(), {"path": buf, "meta": meta,
                                          "name": f"onrecord-bundle-{meta['chain']['head_seq']}-{meta['count']}.zip"})
    return render_template("exported.html", token=token, meta=meta)


@bp.get("/export/<token>")
def download(token: str) -> ResponseReturnValue:
    """The zipped bundle, for the person who exported it (it stays on the server until it stops)."""
    require_user()
    e = _exports().get(token, owner())
    if e is None:
        abort(404, description="no such export for you: export again from the archive page")
    try:  # a newer export may evict this one (and delete its folder) while it is being sent
        return send_file(e["path"], mimetype="application/zip", as_attachment=True, download_name=e["name"])
    except FileNotFoundError:
        abort(404, description=f"this bundle made way for newer ones (the server keeps each person's last "
                               f"{_exports().per_owner}): export again from the archive page")


def _exports() -> Kept:
    k: Kept = current_app.extensions["onrecord.exports"]
    return k
