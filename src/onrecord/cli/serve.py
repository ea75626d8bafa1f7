"""``onrecord serve``: the web UI for drafts, the review queue and the archive."""

from __future__ import annotations

import os

import click

from onrecord.cli._records import checker, db_option, handles_errors
from onrecord.cli.common import fail


@click.command("serve")
@db_option
@click.option("--code", default=None, help="Check every draft against this pack (default: chosen per draft).")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", type=click.IntRange(0, 65535), default=8151, show_default=True)
@click.option("--user-header", default=None, metavar="HEADER",
              help="Take who is acting from this request header (set by your sign-in proxy, e.g. X-Remote-User); "
                   "requests without it are refused. Without it, people name themselves on a sign-in page.")
@click.option("--max-upload-mb", type=click.IntRange(1), default=512, show_default=True,
              help="Largest upload of exports on the exposure page.")
@click.option("--secure-cookies", is_flag=True, help="Send the session cookie over HTTPS only (behind a TLS proxy).")
@click.option("--admin", "admins", multiple=True, metavar="NAME",
              help="A person who may change the accounts registry on the accounts page (repeatable; "
                   "without one the page only reads).")
@handles_errors
def command(db: str | None, code: str | None, host: str, port: int, user_header: str | None, max_upload_mb: int,
            secure_cookies: bool, admins: tuple[str, ...]) -> None:
    """Serve the web UI: check a draft, work the review queue, search, verify and export the archive.

    The session secret comes from $ONRECORD_WEB_SECRET (random per start when unset: sign-ins end
    on restart). Runs on Werkzeug's threaded server; a shared deployment can serve
    ``onrecord.web:create_app()`` with any WSGI server instead.
    """
    from werkzeug.serving import make_server

    from onrecord.web import create_app

    if host not in ("127.0.0.1", "localhost", "::1") and not user_header:
        click.echo("onrecord serve: names on the sign-in page are not authenticated; on a shared address, "
                   "use --user-header behind your organisation's sign-in.", err=True)
    app = create_app(db=db, code=code, user_header=user_header, secret=os.environ.get("ONRECORD_WEB_SECRET"),
                     checker=checker(code), max_upload_mb=max_upload_mb, secure_cookies=secure_cookies, admins=admins)
    try:
        srv = make_server(host, port, app, threaded=True)
    except (OSError, SystemExit) as e:  # Werkzeug exits 1 on a port in use, after its own hint on stderr
        fail(f"cannot listen on {host}:{port}: {getattr(e, 'strerror', None) or 'the address is in use or not available'}")
    click.echo(f"onrecord web UI on http://{host}:{srv.server_port}/  (Ctrl-C stops it)", err=True)
    try:
        srv.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        srv.server_close()
