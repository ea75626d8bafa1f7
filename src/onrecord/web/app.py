"""The Flask application: configuration, who is acting, CSRF tokens, error pages."""

from __future__ import annotations

import secrets
import unicodedata
from typing import Any
from urllib.parse import urlsplit

from flask import Flask, abort, current_app, g, jsonify, redirect, render_template, request, session, url_for
from flask.typing import ResponseReturnValue
from sqlalchemy.exc import SQLAlchemyError
from werkzeug.exceptions import HTTPException

from onrecord.engine import Engine as Checker
from onrecord.engine import UnknownCode
from onrecord.store.accounts import Registry, changed_since, registry_version
from onrecord.store.db import StoreError, db_error_text, open_engine
from onrecord.store.review import display_name, person_key

JSON_TYPES = ("application/json", "application/x-ndjson")
UPLOAD_ENDPOINTS = ("exposure.report", "audit.run")


def create_app(db: str | None = None, code: str | None = None, user_header: str | None = None,
               secret: str | None = None, checker: Checker | None = None, max_upload_mb: int = 512,
               secure_cookies: bool = False, admins: tuple[str, ...] = ()) -> Flask:
    """The web UI over the records store at ``db`` (as ``--db``: SQLite path or PostgreSQL URL).

    ``user_header``: take the acting person's name from this request header, set by the
    organisation's authenticating proxy; requests without it are refused. Without it, people say who
    they are on a sign-in page (names are not authenticated: for one machine or a trusted team).
    ``secret`` signs the session cookie (random per process when not given: sign-ins end on restart).
    Requests are capped at 2 MB, uploads of exports (the exposure page) at ``max_upload_mb``.
    ``secure_cookies``: send the session cookie over HTTPS only (behind a TLS-terminating proxy).
    ``admins``: the people who may change the accounts registry from the accounts page (none: it only reads).
    """
    app = Flask(__name__)
    app.config.update(
        SECRET_KEY=secret or secrets.token_hex(32),
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=secure_cookies,
        MAX_FORM_MEMORY_SIZE=2 * 1024 * 1024,
        ONRECORD_USER_HEADER=user_header,
        MAX_CONTENT_LENGTH=2 * 1024 * 1024,
        ONRECORD_MAX_UPLOAD=max_upload_mb * 1024 * 1024,
        ONRECORD_ADMINS=frozenset(person_key(a) for a in admins if display_name(a)),
    )
    try:
        checker = checker or Checker(default_code=code)
    except (UnknownCode, KeyError):
        raise StoreError(f"unknown code {code!r} (see 'onrecord codes list')") from None
    app.extensions["onrecord.checker"] = checker
    app.extensions["onrecord.store"] = open_engine(db)
    from onrecord.web import accounts, api, audit, draft, exposure, queue, records
    from onrecord.web.kept import Kept

    # What the server makes for someone, for them alone, until the process ends (the folders go with it):
    # audits of uploaded exports, and FOI/OIA bundles made from the archive page.
    app.extensions["onrecord.audits"] = Kept("onrecord-web-audits-", audit.KEPT, audit.KEPT_ALL)
    app.extensions["onrecord.exports"] = Kept("onrecord-web-exports-", records.KEPT, records.KEPT_ALL)

    app.register_blueprint(accounts.bp)
    app.register_blueprint(audit.bp)
    app.register_blueprint(api.bp)
    app.register_blueprint(exposure.bp)
    app.register_blueprint(draft.bp)
    app.register_blueprint(queue.bp)
    app.register_blueprint(records.bp)
    app.before_request(_identify)
    app.before_request(_upload_limit)
    app.before_request(_check_csrf)
    app.context_processor(_template_globals)
    app.jinja_env.filters["http_only"] = http_only
    app.add_url_rule("/signin", "signin", _signin, methods=["GET", "POST"])
    app.add_url_rule("/signout", "signout", _signout, methods=["POST"])
    app.register_error_handler(StoreError, _store_error)
    app.register_error_handler(SQLAlchemyError, _db_error)
    app.register_error_handler(HTTPException, _http_error)
    app.register_error_handler(500, _internal_error)
    return app


def checker() -> Checker:
    c: Checker = current_app.extensions["onrecord.checker"]
    return c


def store() -> Any:
    return current_app.extensions["onrecord.store"]


def registry() -> Registry:
    """The accounts registry, read again only when the audit log shows an accounts change (one small query a
    request, instead of reading every account: 36 ms for 5,000 accounts). Every registry change, from the page or
    the CLI, is in the log; a review decision moves the log's head but not the registry."""
    ver = registry_version(store())
    cached: tuple[int, Registry] | None = current_app.extensions.get("onrecord.registry")
    if cached is None or (cached[0] != ver and changed_since(store(), cached[0])):
        cached = (ver, Registry(store()))
    elif cached[0] != ver:
        cached = (ver, cached[1])  # the log moved for something else: the same registry, seen up to ``ver``
    current_app.extensions["onrecord.registry"] = cached  # one tuple: threads see the old or the new, whole
    return cached[1]


def user() -> str | None:
    """The acting person for this request, or None when nobody has signed in."""
    name: str | None = g.get("user")
    return name


def is_admin() -> bool:
    """The acting person is one of ``serve --admin`` (compared as people: case and invisible characters aside)."""
    who = user()
    return bool(who) and person_key(who or "") in current_app.config["ONRECORD_ADMINS"]


def require_user() -> str:
    name = user()
    if not name:
        raise StoreError("sign in first: every review action is recorded with who did it")
    return name


def _identify() -> ResponseReturnValue | None:
    header = current_app.config["ONRECORD_USER_HEADER"]
    if header:
        # Recorded as sign-in names are: NFKC, invisible characters dropped, no control characters.
        name = display_name(_header_text(request.headers.get(header, "")))
        if any(unicodedata.category(c) == "Cc" for c in name):
            abort(400, description=f"the {header} header holds control characters")
        if not name and request.endpoint != "static":
            abort(403, description=f"this server takes who you are from the {header} header, and the request had none")
        g.user = name
    else:
        g.user = session.get("user")
    return None


def _header_text(raw: str) -> str:
    """A header as the proxy meant it: WSGI hands headers over as Latin-1, and proxies send names in UTF-8
    ("Zoë" arrives as "ZoÃ«"); a value that is not UTF-8 is kept as it came."""
    try:
        return raw.encode("latin-1").decode("utf-8")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return raw


def _upload_limit() -> None:
    # Set before the CSRF check reads the form (a limit set in the view comes too late): pages that take
    # uploads of exports take them up to --max-upload-mb, every other request 2 MB.
    if request.endpoint in UPLOAD_ENDPOINTS:
        request.max_content_length = current_app.config["ONRECORD_MAX_UPLOAD"]


def csrf_token() -> str:
    tok = session.get("csrf")
    if not tok:
        tok = session["csrf"] = secrets.token_urlsafe(24)
    return str(tok)


def _check_csrf() -> None:
    # Every form carries the session's token, so another site cannot post a decision in someone's name.
    if request.method != "POST":
        return
    if _is_api():
        # JSON only: a cross-site page cannot send application/json without a CORS preflight, which this
        # server never answers, so the content type does for the API what the token does for forms.
        if request.mimetype not in JSON_TYPES:
            abort(415, description="send JSON: Content-Type application/json or application/x-ndjson")
        return
    sent = request.form.get("csrf")
    if not sent or sent != session.get("csrf"):
        abort(400, description="the form has expired or did not come from this site: reload the page and try again")


def _template_globals() -> dict[str, Any]:
    return {"user": user(), "csrf_token": csrf_token, "proxy_identity": bool(current_app.config["ONRECORD_USER_HEADER"]),
            "is_admin": is_admin()}


def http_only(url: str | None) -> str:
    """Only http(s) links reach a page: a pack or an archived post could carry ``javascript:`` ones."""
    u = (url or "").strip()
    return u if u.lower().startswith(("https://", "http://")) else "#"


def _signin() -> ResponseReturnValue:
    if current_app.config["ONRECORD_USER_HEADER"]:
        return redirect(url_for("draft.form"))
    error = ""
    if request.method == "POST":
        name = display_name(request.form.get("name", ""))
        if name and not any(unicodedata.category(c) == "Cc" for c in name):
            session.clear()  # a new session (and CSRF token) for the signed-in person
            session["user"] = name
            return redirect(safe_next(request.form.get("next")))
        error = "say who you are (letters, not control characters)"
    return render_template("signin.html", error=error, next=request.args.get("next", ""))


def safe_next(target: str | None) -> str:
    """Where to go after signing in: a path on this site only, never another host (no open redirect)."""
    t = (target or "").strip()
    parts = urlsplit(t)
    if not t.startswith("/") or t.startswith(("//", "/\\")) or "\\" in t or parts.scheme or parts.netloc:
        return url_for("draft.form")
    return t


def _signout() -> ResponseReturnValue:
    session.pop("user", None)
    return redirect(url_for("draft.form"))


def _is_api() -> bool:
    return request.path == "/api" or request.path.startswith("/api/")


def _page_or_json(message: str, status: int) -> ResponseReturnValue:
    """Errors as the caller reads them: JSON under /api/, a page elsewhere."""
    if _is_api():
        return jsonify({"error": {"message": message}}), status
    return render_template("error.html", message=message), status


def _store_error(e: StoreError) -> ResponseReturnValue:
    return _page_or_json(str(e), 400)


def _db_error(e: SQLAlchemyError) -> ResponseReturnValue:
    return _page_or_json(f"database error: {db_error_text(e)}", 500)


def _http_error(e: HTTPException) -> ResponseReturnValue:
    return _page_or_json(e.description or e.name, e.code or 500)


def _internal_error(e: Exception) -> ResponseReturnValue:
    # The traceback goes to the server log (Flask logs it); the page says what to do, not where it broke.
    return _page_or_json("onrecord hit an internal error; it is in the server log. Nothing was saved by this request.", 500)
