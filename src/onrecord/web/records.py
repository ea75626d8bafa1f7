"""The archive for records officers: search, verify the hash chain, download an FOI/OIA bundle."""

from __future__ import annotations

import io
import tempfile
import zipfile
from datetime import datetime
from pathlib import Path
from typing import Any

import msgspec
from flask import Blueprint, render_template, request, send_file
from flask.typing import ResponseReturnValue

from onrecord.store import archive
from onrecord.store.chain import day_bound
from onrecord.store.db import StoreError
from onrecord.store.export import export
from onrecord.web.app import store

bp = Blueprint("records", __name__, url_prefix="/archive")
SHOWN = 500  # rows on one page; the bundle holds every match


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
    rows = [_row(e) for e in archive.entries(store(), **q)] if searched else []
    seq, head = archive.head(store())
    return render_template("archive.html", rows=rows[:SHOWN], total=len(rows), shown=SHOWN, searched=searched,
                           args=request.args, head_seq=seq, head_hash=head, report=None)


@bp.post("/verify")
def verify() -> ResponseReturnValue:
    rep = archive.verify(store(), expect_head=request.form.get("expect_head", "").strip() or None)
    seq, head = archive.head(store())
    return render_template("archive.html", rows=[], total=0, shown=SHOWN, searched=False, args={}, head_seq=seq,
                           head_hash=head, report=rep)


@bp.get("/export")
def download() -> ResponseReturnValue:
    """The same bundle as ``onrecord archive export``, zipped; ``onrecord archive verify-bundle`` checks it."""
    q = _query()
    with tempfile.TemporaryDirectory(prefix="onrecord-bundle-") as tmp:
        out = Path(tmp) / "bundle"
        meta = export(store(), out, q["start"], q["end"], q["account"], q["query"])
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
            for f in sorted(out.iterdir()):
                z.write(f, f"onrecord-bundle/{f.name}")
    buf.seek(0)
    name = f"onrecord-bundle-{meta['chain']['head_seq']}-{meta['count']}.zip"
    return send_file(buf, mimetype="application/zip", as_attachment=True, download_name=name)
