"""The review queue: items by status, one item with its marked text, approve and reject."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue

from onrecord.model.code import TOPICS
from onrecord.store import review as rq
from onrecord.store.chain import day_bound
from onrecord.store.db import StoreError
from onrecord.store.review_stats import review_stats
from onrecord.web.app import require_user, store, user
from onrecord.web.marks import pieces
from onrecord.web.paging import page_links, paginate

SHOWN = 500  # items on one page (a queue of years holds thousands)
bp = Blueprint("queue", __name__, url_prefix="/review")
STATUSES = ("pending", "approved", "rejected", "expired")


@bp.get("")
def index() -> ResponseReturnValue:
    status = request.args.get("status", "pending")
    if status not in (*STATUSES, "all"):
        abort(400, description=f"status must be one of {', '.join(STATUSES)} or all")
    everything = rq.items(store(), None if status == "all" else status)
    items, page = paginate(everything, SHOWN, ("status",))
    return render_template("queue.html", items=items, total=len(everything), page=page,
                           links=page_links(page, "queue.index"), status=status, statuses=(*STATUSES, "all"),
                           teams=rq.teams(store()))


@bp.get("/stats")
def stats() -> ResponseReturnValue:
    """What reviewers did with each check's findings and how long each team's steps wait (``review stats``)."""
    since_arg = request.args.get("since", "").strip()
    since = day_bound(since_arg, end_of_day=False) if since_arg else None
    if since_arg and since is None:
        abort(400, description=f"cannot read since {since_arg!r} as a date: use YYYY-MM-DD")
    return render_template("review_stats.html", rep=review_stats(store(), since=since).as_dict(), since=since_arg)


@bp.get("/waivers")
def waivers() -> ResponseReturnValue:
    """Every waiver with its state, and the form to grant one (prefilled from an item's finding)."""
    prefill = {k: request.args.get(k, "") for k in ("check", "topic", "account", "reason", "expires")}
    return render_template("waivers.html", rows=rq.waiver_report(store()), prefill=prefill, topics=sorted(TOPICS),
                           may_grant=bool(user()) and rq.is_reviewer(store(), user() or ""))


@bp.post("/waivers")
def grant() -> ResponseReturnValue:
    who = require_user()
    f = request.form
    try:
        if not rq.is_reviewer(store(), who):
            raise StoreError(f"{who} is not on a review team: only reviewers grant waivers")
        platform, handle = rq.parse_account(f.get("account", "*"))
        if not f.get("expires", "").strip():
            raise StoreError("say when the waiver expires: 30d, 12h or a date")
        wid = rq.add_waiver(store(), who, f.get("reason", ""), rq.parse_expiry(f.get("expires", "")),
                            f.get("check"), f.get("topic"), platform, handle)
    except StoreError as e:
        flash(str(e), "error")
        return render_template("waivers.html", rows=rq.waiver_report(store()), prefill=dict(f), topics=sorted(TOPICS),
                               may_grant=True), 400
    flash(f"Waiver {wid} granted by {who}: later submissions skip those findings for that account.")
    return redirect(url_for("queue.waivers"))


@bp.get("/<int(max=9223372036854775807):item_id>")
def item(item_id: int) -> ResponseReturnValue:
    it = rq.get(store(), item_id)
    post, result = rq.stored(store(), item_id)
    step = next((s for s in it.steps if s["status"] == "pending"), None)
    teams = rq.teams(store())
    eligible = [m for m in teams[step["team"]]["members"] if rq.person_key(m) != rq.person_key(it.submitter)] if step else []
    own = bool(user()) and rq.person_key(user() or "") == rq.person_key(it.submitter)
    return render_template(
        "item.html", it=it, post=post, result=result, step=step, eligible=eligible, own=own,
        can_decide=bool(step) and it.status == "pending" and user() in eligible,
        text_pieces=pieces(post.text, result.findings), comment_pieces=pieces(post.comment, result.findings, "comment"),
    )


@bp.post("/<int(max=9223372036854775807):item_id>/approve")
def approve(item_id: int) -> ResponseReturnValue:
    who = require_user()
    try:
        status = rq.approve(store(), item_id, who, request.form.get("note", "").strip())
    except StoreError as e:
        flash(str(e), "error")
    else:
        flash(f"Approved by {who}; the item is now {status}.")
    return redirect(url_for("queue.item", item_id=item_id))


@bp.post("/<int(max=9223372036854775807):item_id>/reject")
def reject(item_id: int) -> ResponseReturnValue:
    who = require_user()
    try:
        rq.reject(store(), item_id, who, request.form.get("note", ""))
    except StoreError as e:
        flash(str(e), "error")
    else:
        flash(f"Rejected by {who}.")
    return redirect(url_for("queue.item", item_id=item_id))
