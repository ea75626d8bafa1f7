"""Fixtures for the records store: every ``db`` test runs on SQLite and on a real PostgreSQL.

PostgreSQL comes from ``$ONRECORD_TEST_PG_URL`` (set by ``.ci/postgres.sh``) or, failing that, from a
throwaway server this fixture starts with the same script (as the ``postgres`` user when root).
Tests skip with the reason only when no server can be had. Each test gets a fresh schema.
"""

from __future__ import annotations

import os
import socket
import subprocess
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url

from onrecord.store.db import open_engine, resolve_url

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / ".ci" / "postgres.sh"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="session")
def pg_admin_url() -> Iterator[str]:
    """A PostgreSQL URL whose user may CREATE DATABASE; skips when no server can be had."""
    try:
        import psycopg  # noqa: F401
    except ImportError:
        pytest.skip("PostgreSQL tests need psycopg: pip install -e '.[test]' (or '.[pg]')")
    url = os.environ.get("ONRECORD_TEST_PG_URL")
    if url:
        yield resolve_url(url)
        return
    port = _free_port()
    pgdir = tempfile.mkdtemp(prefix="onrecord-pgtest-")
    os.chmod(pgdir, 0o755)
    env = {**os.environ, "ONRECORD_PG_PORT": str(port), "ONRECORD_PG_DIR": pgdir, "ONRECORD_PG_NO_INSTALL": "1"}
    try:
        proc = subprocess.run(["bash", str(SCRIPT)], env=env, capture_output=True, text=True, timeout=120)
    except (OSError, subprocess.TimeoutExpired) as e:
        pytest.skip(f"no PostgreSQL: could not run {SCRIPT}: {e}")
    if proc.returncode != 0:
        tail = " | ".join(proc.stderr.strip().splitlines()[-3:])
        pytest.skip(f"no PostgreSQL: set ONRECORD_TEST_PG_URL or install the server ({tail})")
    url = proc.stdout.strip().splitlines()[-1].split("=", 1)[1]
    try:
        yield resolve_url(url)
    finally:
        subprocess.run(["bash", str(SCRIPT), "stop"], env=env, capture_output=True, timeout=60)


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh, empty database URL on each backend."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'onrecord.db'}"
        return
    admin_url = request.getfixturevalue("pg_admin_url")
    # A schema per test (first on the search_path) is much cheaper than a database per test.
    name = f"t_{uuid.uuid4().hex[:16]}"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(text(f'CREATE SCHEMA "{name}"'))
        url = make_url(admin_url).update_query_dict({"options": f"-csearch_path={name}"})
        yield url.render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP SCHEMA IF EXISTS "{name}" CASCADE'))
        admin.dispose()


@pytest.fixture
def db(db_url: str) -> Iterator[Engine]:
    eng = open_engine(db_url)
    yield eng
    eng.dispose()
