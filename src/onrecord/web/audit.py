"""Audit uploaded platform exports as ``onrecord audit`` does: the same results, rejects, summary and report."""

from __future__ import annotations

import os
import secrets
import shutil
import zipfile
from pathlib import Path
from typing import Any

import msgspec
from flask import Blueprint, Response, abort, current_app, render_template, request, send_file
from flask.typing import ResponseReturnValue

from onrecord.api.audit import AuditOptions, read_summary, run_audit
from onrecord.engine import Engine as Checker
from onrecord.importers import ImportJob, UnusableInput, open_input
from onrecord.web.app import checker, registry
from onrecord.web.kept import Kept, owner
from onrecord.web.uploads import UploadError, cannot_read, save_uploads, upload_form

bp = Blueprint("audit", __name__, url_prefix="/audit")
KEPT = 20  # audits kept per person (or browser session); older ones are deleted as new ones are made
KEPT_ALL = 200  # and per server process, whoever made them
SHOWN_REJECTS = 100
SHOWN_WARNINGS = 100
FILES = {"results.jsonl": "application/x-ndjson", "rejects.jsonl": "application/x-ndjson", "summary.csv": "text/csv",
         "report.html": "text/html"}
# The report is our own escaped HTML, but it quotes uploaded posts: no scripts, no requests, no forms, ever.
REPORT_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; sandbox"


def _engine(code: str | None) -> Checker:
    """The server's engine, or one over the same packs for a code chosen on the form (built once per code)."""
    base = checker()
    if not code or code == base.default_code:
        return base
    engines: dict[str, Checker] = current_app.extensions.setdefault("onrecord.engines", {})
    if code not in engines:
        engines[code] = Checker(packs=base.packs, default_code=code)
    return engines[code]


def _audits() -> Kept:
    a: Kept = current_app.extensions["onrecord.audits"]
    return a


def _form(error: str = "", status: int = 200, skipped: list[str] | None = None) -> ResponseReturnValue:
    return render_template("audit.html", run=None, error=error, skipped=skipped or [], codes=checker().packs.ids()), status


@bp.get("")
def form() -> ResponseReturnValue:
    return _form()


@bp.post("")
def run() -> ResponseReturnValue:
    """Read every uploaded export, check each post under its author's code (registered accounts give the context),
    and keep the four output files for whoever ran it. A file that cannot be read at all is named and left out;
    a malformed record inside a file is set aside in ``rejects.jsonl``; the rest goes through."""
    try:
        files, code = upload_form()
    except UploadError as e:
        return _form(str(e), 400)
    title = " ".join(request.form.get("title", "").split())[:200] or "onrecord audit"
    token, folder = _audits().new_folder()
    inputs = folder / "inputs"
    inputs.mkdir()
    uploads, skipped = save_uploads(files, inputs, current_app.config["ONRECORD_MAX_UPLOAD"])
    jobs: list[ImportJob] = []
    for up in uploads:
        try:  # named as the sender named it, in messages, rejects and post sources alike
            jobs.append(open_input(str(up.path), name=up.name))
        except UnusableInput as e:
            skipped.append(cannot_read(up, e))
    if not jobs:
        Kept.drop(folder)
        return _form("none of the uploaded files is an export onrecord can read", 400, skipped)
    opts = AuditOptions(paths=[j.path for j in jobs], out_dir=str(folder / "out"), code=code, workers=1, title=title)
    try:
        # In this process, with the server's own engine: its threads must not fork. Large sweeps: `onrecord audit`.
        out = run_audit(opts, jobs=jobs, accounts=registry(), engine=_engine(code))
    except BaseException:
        Kept.drop(folder)  # nobody can reach a failed audit's files: none is kept
        raise
    finally:
        shutil.rmtree(inputs, ignore_errors=True)  # the uploads are not kept, only what the audit wrote
    rows = read_summary(out.files["summary.csv"])  # the page's account table: what summary.csv says, read once
    entry = {"title": title, "out": out, "skipped": skipped, "rows": rows,
             "rejects": _first_rejects(Path(out.files["rejects.jsonl"])),
             "warnings": _first_warnings(Path(out.files["results.jsonl"]), out.counts.warned)}
    _audits().keep(token, folder, owner(), entry)
    return _page(token, entry)


def _first_rejects(path: Path) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    with path.open("rb") as f:
        for line in f:
            if len(rows) >= SHOWN_REJECTS:
                break
            rows.append(msgspec.json.decode(line))
    return rows


_NO_WARNINGS = b'"warnings":[]'


def _first_warnings(path: Path, warned: int) -> tuple[list[str], bool]:
    """The first warnings of the results, in input order, each naming its file and line ("a.jsonl line 3: unknown
    field 'x' ignored") as the importer wrote it, and whether that is all of them. Reads until the ``warned``
    posts the audit counted are seen."""
    out: list[str] = []
    seen = 0
    with path.open("rb") as f:
        for line in f:
            if seen >= warned:
                break
            if _NO_WARNINGS in line:  # nearly every result: not decoded
                continue
            got = msgspec.json.decode(line).get("warnings") or []
            seen += bool(got)
            if len(out) + len(got) > SHOWN_WARNINGS:
                out.extend(got[: SHOWN_WARNINGS - len(out)])
                return out, False
            out.extend(got)
    return out, True


def _page(token: str, a: dict[str, Any]) -> ResponseReturnValue:
    return render_template("audit.html", run=a, token=token, counts=a["out"].counts, rows=a["rows"], error="",
                           skipped=a["skipped"], codes=checker().packs.ids())


def _mine(token: str) -> dict[str, Any]:
    a = _audits().get(token, owner())
    if a is None:
        abort(404, description="no such audit for you: run it again from the audit page")
    return a


@bp.get("/<token>")
def show(token: str) -> ResponseReturnValue:
    return _page(token, _mine(token))


@bp.get("/<token>/<name>")
def download(token: str, name: str) -> ResponseReturnValue:
    """One of the audit's files (the report opens in the browser, sandboxed), or all four as a zip."""
    a = _mine(token)
    out_dir = Path(a["out"].files["results.jsonl"]).parent
    if name != "audit.zip" and name not in FILES:
        abort(404, description=f"an audit has no file {name!r}")
    try:  # a newer audit may evict this one (and delete its folder) while it is being sent
        if name == "audit.zip":
            buf = a["folder"] / "audit.zip"
            if not buf.exists():  # written under a name of its own, then renamed: a second download never sees half a zip
                part = a["folder"] / f"audit.zip.{secrets.token_hex(8)}.part"
                with zipfile.ZipFile(part, "w", zipfile.ZIP_DEFLATED) as z:
                    for f in FILES:
                        z.write(out_dir / f, f"onrecord-audit/{f}")
                os.replace(part, buf)
            return send_file(buf, mimetype="application/zip", as_attachment=True,
                             download_name=f"onrecord-audit-{token[:8]}.zip")
        resp: Response = send_file(out_dir / name, mimetype=FILES[name], as_attachment=name != "report.html",
                                   download_name=name)
    except FileNotFoundError:
        abort(404, description=f"this audit made way for newer ones (the server keeps each person's last "
                               f"{_audits().per_owner}): "
                               "run it again from the audit page")
    if name == "report.html":
        resp.headers["Content-Security-Policy"] = REPORT_CSP
    return resp
