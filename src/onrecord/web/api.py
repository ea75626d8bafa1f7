"""JSON for publishing tools and scripts: check posts (the post contract in and out), ask whether an item is approved."""

from __future__ import annotations

from typing import Any

import msgspec
from flask import Blueprint, jsonify, request
from flask.typing import ResponseReturnValue

from onrecord.api import check_lines
from onrecord.formatters.machine import record_to_builtins
from onrecord.formatters.records import Checked
from onrecord.model.decode import JSONReadError, read_json
from onrecord.model.finding import InputError
from onrecord.store import review as rq
from onrecord.store.db import StoreError
from onrecord.web.app import checker, registry, store

bp = Blueprint("api", __name__, url_prefix="/api")
_enc = msgspec.json.Encoder()


def error(status: int, message: str, field: str | None = None) -> ResponseReturnValue:
    body: dict[str, Any] = {"error": {"message": message}}
    if field:
        body["error"]["field"] = field
    return jsonify(body), status


def _lines() -> tuple[list[bytes], bool]:
    """The request body as JSON lines, and whether it was a single post (answered with a single result)."""
    raw = request.get_data()
    if request.mimetype == "application/x-ndjson":
        return raw.splitlines(), False
    try:
        obj = read_json(raw)
    except JSONReadError as e:
        raise StoreError(f"the body is not valid JSON: {e}") from None
    if isinstance(obj, list):
        return [_enc.encode(o) for o in obj], False
    return [raw], True


@bp.post("/check")
def check() -> ResponseReturnValue:
    """Body: one post (a JSON object) → its result; a JSON array or JSON lines of posts → ``{"results", "errors"}``,
    as ``onrecord check --format json`` prints them (a bad post is an error with its line and field; the rest go on).
    ``?fix=1`` adds the text with the safe fixes applied."""
    lines, single = _lines()
    reg = registry()
    records = list(check_lines(lines, checker(), fix=request.args.get("fix") in ("1", "true"), prepare=reg.apply))
    if single:
        (rec,) = records or [InputError(line=1, error="empty body: send a post")]
        if isinstance(rec, InputError):
            return error(400, rec.error, rec.field)
        return jsonify(record_to_builtins(rec))
    return jsonify({"results": [record_to_builtins(r) for r in records if isinstance(r, Checked)],
                    "errors": [msgspec.to_builtins(r) for r in records if isinstance(r, InputError)]})


@bp.get("/review/<int(max=9223372036854775807):item_id>")
def review_status(item_id: int) -> ResponseReturnValue:
    """What a publishing tool asks before it posts: is this draft approved, and until when?"""
    try:
        it = rq.get(store(), item_id)
    except StoreError as e:
        return error(404, str(e))
    return jsonify({"id": it.id, "status": it.status, "approved": it.status == "approved",
                    "expires_at": it.expires_at, "steps": [{"team": s["team"], "status": s["status"]} for s in it.steps]})

