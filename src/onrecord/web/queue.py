"""The review queue: items by status, one item with its marked text, approve and reject."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue

from onrecord.store import review as rq
from onrecord.store.db import StoreError
from onrecord.web.app import require_user, store, user
from onrecord.web.marks import pieces

bp = Blueprint("queue", __name__, url_prefix="/review")
STATUSES = ("pending", "approved", "rejected", "expired")


@bp.get("")
def index() -> ResponseReturnValue:
    status = request.args.get("status", "pending")
    if status not in (*STATUSES, "all"):
        abort(400, description=f"status must be one of {', '.join(STATUSES)} or all")
    items = rq.items(store(), None if status == "all" else status)
    return render_template("queue.html", items=items, status=status, statuses=(*STATUSES, "all"), teams=rq.teams(store()))


@bp.get("/<int:item_id>")
def item(item_id: int) -> ResponseReturnValue:
    it = rq.get(store(), item_id)
    post, result = rq.stored(store(), item_id)
    step = next((s for s in it.steps if s["status"] == "pending"), None)
    teams = rq.teams(store())
    eligible = [m for m in teams[step["team"]]["members"] if m != it.submitter] if step else []
    return render_template(
        "item.html", it=it, post=post, result=result, step=step, eligible=eligible,
        can_decide=bool(step) and it.status == "pending" and user() in eligible,
        text_pieces=pieces(post.text, result.findings), comment_pieces=pieces(post.comment, result.findings, "comment"),
    )


@bp.post("/<int:item_id>/approve")
def approve(item_id: int) -> ResponseReturnValue:
    who = require_user()
    try:
        status = rq.approve(store(), item_id, who, request.form.get("note", "").strip())
    except StoreError as e:
        flash(str(e), "error")
    else:
        flash(f"Approved by {who}; the item is now {status}.")
    return redirect(url_for("queue.item", item_id=item_id))


@bp.post("/<int:item_id>/reject")
def reject(item_id: int) -> ResponseReturnValue:
    who = require_user()
    try:
        rq.reject(store(), item_id, who, request.form.get("note", ""))
    except StoreError as e:
        flash(str(e), "error")
    else:
        flash(f"Rejected by {who}.")
    return redirect(url_for("queue.item", item_id=item_id))
