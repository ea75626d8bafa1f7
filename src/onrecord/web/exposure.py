"""Profile exposure: upload a person's exports, see what their profiles and posts reveal together."""

from __future__ import annotations

import tempfile
from pathlib import Path

from flask import Blueprint, current_app, render_template, request
from flask.typing import ResponseReturnValue

from onrecord.exposure.analyse import analyse
from onrecord.importers import RejectedRecord, UnusableInput, open_input
from onrecord.model.post import Post
from onrecord.web.app import checker, registry
from onrecord.web.uploads import UploadError, cannot_read, save_uploads, upload_form

bp = Blueprint("exposure", __name__, url_prefix="/exposure")


def _form(error: str = "", status: int = 200) -> ResponseReturnValue:
    return render_template("exposure.html", report=None, skipped=[], error=error, codes=checker().packs.ids()), status


@bp.get("")
def form() -> ResponseReturnValue:
    return _form()


@bp.post("")
def report() -> ResponseReturnValue:
    """Read every uploaded export (JSONL in the post contract, X, Mastodon, Bluesky, LinkedIn, Facebook archives),
    set malformed records aside with where they were, and analyse the rest as ``onrecord exposure`` does."""
    try:
        files, code = upload_form()
    except UploadError as e:
        return _form(str(e), 400)
    posts: list[tuple[int, Post]] = []
    with tempfile.TemporaryDirectory(prefix="onrecord-exposure-") as tmp:
        uploads, skipped = save_uploads(files, Path(tmp), current_app.config["ONRECORD_MAX_UPLOAD"])
        for up in uploads:
            try:
                for item in open_input(str(up.path), name=up.name).items():
                    if isinstance(item, RejectedRecord):
                        skipped.append(f"{item.source} {item.location}: {item.reason}")
                    else:
                        posts.append((len(posts) + len(skipped) + 1, item))
            except UnusableInput as e:
                skipped.append(cannot_read(up, e))
    if not posts:
        return render_template("exposure.html", report=None, skipped=skipped, codes=checker().packs.ids(),
                               error="no readable posts or profiles in the upload"), 400
    reg = registry()
    posts = [(n, reg.apply(p)) for n, p in posts]

    def person_of(p: Post) -> str | None:
        person = reg.context_for(p.platform, p.account.handle).get("person")
        return str(person) if person else None

    rep = analyse(posts, one_person=bool(request.form.get("one_person")), code=checker().packs.lookup(code) if code else None,
                  packs=checker().packs, person_of=person_of)
    rep.bad_lines = len(skipped)
    return render_template("exposure.html", report=rep, skipped=skipped, codes=checker().packs.ids(), error="")
