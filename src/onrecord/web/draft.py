"""Check a draft: the form, the verdict with marked spans, safe fixes, and submission for review."""

from __future__ import annotations

from typing import Any, get_args

import msgspec
from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue

from onrecord.engine import UnknownCode
from onrecord.formatters import apply_safe_fixes
from onrecord.model.decode import JSONReadError, read_json
from onrecord.model.finding import Result
from onrecord.model.post import AccountKind, Audience, Jurisdiction, Platform, Post, Restriction, Role
from onrecord.store import review as rq
from onrecord.store.db import StoreError
from onrecord.web.app import checker, registry, require_user, store
from onrecord.web.marks import pieces

bp = Blueprint("draft", __name__)

CHOICES: dict[str, tuple[str, ...]] = {
    "platform": get_args(Platform),
    "account_kind": get_args(AccountKind),
    "role": get_args(Role),
    "restriction": get_args(Restriction),
    "jurisdiction": ("", *get_args(Jurisdiction)),
    "audience": ("", *get_args(Audience)),
    "action": ("post", "reply", "share", "like", "profile"),
}
DEFAULTS = {"platform": "x", "account_kind": "unknown", "role": "unknown", "restriction": "n/a", "action": "post"}
TRI = ("on_duty", "in_workplace", "government_device", "election_period")
# Longer than any platform's post but Facebook's (63,206); keeps one request from holding the server for minutes.
MAX_DRAFT = 30_000
TEXT_FIELDS = ("text", "comment", "handle", "bio", "title", "organisation", "policy_area", "links", "facts", "code")


class FormError(ValueError):
    """A form value that cannot make a post; the message says which field."""


def form_values(form: Any) -> dict[str, str]:
    """The submitted form, every field present (blank when not sent)."""
    vals = {k: str(form.get(k, DEFAULTS.get(k, ""))).strip() for k in (*CHOICES, *TRI, *TEXT_FIELDS)}
    # keep the author's own text (a browser's CRLF included: the detectors read it as LF, same offsets)
    vals["text"] = str(form.get("text", ""))
    vals["comment"] = str(form.get("comment", ""))
    return vals


def check_size(text: str, comment: str) -> None:
    """A draft the page takes: some text, and neither it nor the comment longer than MAX_DRAFT."""
    if not text.strip():
        raise FormError("write the draft in 'Text' first")
    for k, v in (("text", text), ("comment", comment)):
        if len(v) > MAX_DRAFT:
            raise FormError(f"{k}: {len(v):,} characters is more than the {MAX_DRAFT:,} a draft may have here "
                            "(check longer texts with onrecord check --input)")


def post_from(vals: dict[str, str]) -> Post:
    """The post the form describes, as the post contract has it."""
    check_size(vals["text"], vals["comment"])
    for k, allowed in CHOICES.items():
        if vals[k] not in allowed:
            raise FormError(f"{k.replace('_', ' ')}: {vals[k]!r} is not one of {', '.join(a for a in allowed if a)}")
    for k in TRI:
        if vals[k] not in ("", "yes", "no"):
            raise FormError(f"{k.replace('_', ' ')}: answer yes, no or leave it blank")
    raw = {
        "id": "draft",
        "text": vals["text"],
        "action": vals["action"],
        "comment": vals["comment"],
        "platform": vals["platform"],
        "jurisdiction": vals["jurisdiction"] or None,
        "code": vals["code"] or None,
        "account": {"kind": vals["account_kind"], "handle": vals["handle"], "bio": vals["bio"]},
        "author": {"role": vals["role"], "restriction": vals["restriction"], "title": vals["title"],
                   "organisation": vals["organisation"], "policy_area": vals["policy_area"]},
        "circumstances": {**{k: (None if not vals[k] else vals[k] == "yes") for k in TRI},
                          "audience": vals["audience"] or None,
                          "facts": [f.strip() for f in vals["facts"].splitlines() if f.strip()]},
        "links": [u.strip() for u in vals["links"].split() if u.strip()],
    }
    try:
        return msgspec.convert(raw, Post)
    except msgspec.ValidationError as e:  # pragma: no cover - the checks above cover every field
        raise FormError(str(e)) from None


def judge(post: Post) -> Result:
    """The post with the registry's context for its account filled in, then checked."""
    reg = registry()
    post = reg.apply(post)
    try:
        return checker().check(post)
    except UnknownCode as e:
        raise FormError(str(e)) from None


def _codes() -> list[tuple[str, str]]:
    packs = checker().packs
    return [(pid, packs.get(pid).title) for pid in packs.ids()]


@bp.get("/")
def form() -> ResponseReturnValue:
    return render_template("draft.html", vals=form_values({}), choices=CHOICES, codes=_codes(), result=None)


@bp.post("/check")
def check() -> ResponseReturnValue:
    vals = form_values(request.form)
    try:
        post = post_from(vals)
        result = judge(post)
    except FormError as e:
        return render_template("draft.html", vals=vals, choices=CHOICES, codes=_codes(), result=None, error=str(e)), 400
    fixed = apply_safe_fixes(post, result) if request.form.get("fix") else {}
    return render_template(
        "draft.html", vals=vals, choices=CHOICES, codes=_codes(), result=result, post=post,
        text_pieces=pieces(post.text, result.findings), comment_pieces=pieces(post.comment, result.findings, "comment"),
        fixed=fixed, post_json=msgspec.json.encode(post).decode(),
    )


@bp.post("/submit")
def submit() -> ResponseReturnValue:
    """Queue the draft for review. The verdict is worked out again here, never taken from the page."""
    who = require_user()
    try:
        post: Post = read_json(request.form.get("post_json", ""), Post)
    except JSONReadError as e:
        raise StoreError(f"the draft could not be read back ({e}): check it again") from None
    try:
        check_size(post.text, post.comment)  # the page's limits hold for an edited page too
        result = judge(post)
    except FormError as e:
        raise StoreError(str(e)) from None
    item, new = rq.submit(store(), post, result, who)
    if item is None:
        flash("No review needed: the draft is not official-capacity and has no findings left after waivers.")
        return redirect(url_for("draft.form"))
    if not new:
        flash(f"This draft was already submitted as item {item}.")
    return redirect(url_for("queue.item", item_id=item))

