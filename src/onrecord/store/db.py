"""Opening the records database: URL resolution, SQLite pragmas, write locking and migrations."""

from __future__ import annotations

import os
import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event, inspect, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

DEFAULT_DB = "onrecord.db"
ENV_VAR = "ONRECORD_DB"
MIGRATIONS = Path(__file__).with_name("migrations")
SCHEMA_HEAD = "0002"  # newest migration; a test checks it against migrations/versions
# Row ids are Integer columns, 32-bit on PostgreSQL: a larger id names no row (and overflows the driver's parameter).
MAX_ID = 2**31 - 1
# LIMIT takes a signed 64-bit number on SQLite and PostgreSQL; a larger limit is no limit.
MAX_ROWS = 2**63 - 1
_upgrade_lock = threading.Lock()  # Alembic's context is process-global


class StoreError(Exception):
    """A user-facing problem with the store (bad URL, missing driver, refused action)."""


def db_error_text(e: BaseException) -> str:
    """The driver's own words for a database error, on one line: SQLAlchemy's wrapping (the Python class in
    parentheses, "[SQL: ...]", the background link) and the resolver's "[Errno -2]" mean nothing to a user."""
    orig = getattr(e, "orig", None)
    text = str(orig if orig is not None else e).strip()
    first = text.splitlines()[0] if text else type(e).__name__
    first = re.sub(r"^\((?:[A-Za-z_][\w]*\.)+[A-Za-z_]\w*\)\s*", "", first)
    return re.sub(r"\[Errno -?\d+\]\s*", "", first).strip() or type(e).__name__


def resolve_url(db: str | None = None) -> str:
    """``--db`` wins, then ``$ONRECORD_DB``, then ``./onrecord.db``. A bare path means a SQLite file."""
    raw = db or os.environ.get(ENV_VAR) or DEFAULT_DB
    if "://" not in raw:
        return f"sqlite:///{Path(raw).expanduser()}"
    if raw.startswith(("postgres://", "postgresql://")):
        # psycopg 3 is the driver we ship in the ``pg`` extra; SQLAlchemy's default would be psycopg2.
        raw = "postgresql+psycopg://" + raw.split("://", 1)[1]
    return raw


def _sqlite_setup(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _connect(dbapi_conn: Any, _rec: Any) -> None:
        # Take transactions out of pysqlite's hands so BEGIN IMMEDIATE below really starts them.
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        # FULL: a committed transaction survives power loss, not only a killed process.
        cur.execute("PRAGMA synchronous=FULL")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute("PRAGMA busy_timeout=30000")
        # 64 MB page cache: the unique hash indexes take random inserts; the 2 MB default thrashes at 1M entries.
        cur.execute("PRAGMA cache_size=-65536")
        cur.close()

    @event.listens_for(engine, "begin")
    def _begin(conn: Connection) -> None:
        # Writers: IMMEDIATE takes the write lock up front, so appends to the hash chain are serialised.
        # Readers (see ``reading``): a deferred snapshot that never blocks writers, e.g. during a long verify.
        conn.exec_driver_sql("BEGIN" if conn.get_execution_options().get("onrecord_read") else "BEGIN IMMEDIATE")


def make_engine(url: str) -> Engine:
    """An SQLAlchemy engine for ``url`` (already resolved); raises StoreError for user mistakes."""
    try:
        u = make_url(url)
    except ArgumentError as e:
        raise StoreError(f"not a database URL: {url!r}") from e
    if u.get_backend_name() == "sqlite":
        if u.database and u.database != ":memory:":
            if Path(u.database).expanduser().is_dir():
                raise StoreError(f"{u.database} is a folder, not a database file (give a file name, e.g. "
                                 f"{Path(u.database) / DEFAULT_DB})")
            parent = Path(u.database).expanduser().resolve().parent
            if not parent.is_dir():
                raise StoreError(f"directory does not exist for the database file: {parent}")
        engine = create_engine(u)
        _sqlite_setup(engine)
        return engine
    if u.get_backend_name() == "postgresql":
        try:
            return create_engine(u, pool_pre_ping=True)
        except ModuleNotFoundError as e:
            raise StoreError("PostgreSQL needs the driver: pip install 'onrecord[pg]'") from e
    raise StoreError(f"unsupported database {u.get_backend_name()!r}: use a SQLite path or a postgresql:// URL")


def upgrade(engine: Engine) -> None:
    """Bring the schema to the newest migration shipped in the package (idempotent)."""
    from alembic import command
    from alembic.config import Config

    rev = current_revision(engine)
    if rev == SCHEMA_HEAD:
        return  # the common case: skip loading Alembic
    if rev is not None and rev not in known_revisions():
        # Alembic would raise CommandError ("Can't locate revision"): a traceback for a store a newer release made.
        raise StoreError(f"the database {engine.url.render_as_string(hide_password=True)} is at schema revision {rev!r}, "
                         f"which this onrecord does not know (its newest is {SCHEMA_HEAD!r}): it was made by a newer "
                         "onrecord; upgrade onrecord to use it")
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    with _upgrade_lock, engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")


def known_revisions() -> frozenset[str]:
    """The revisions of the migrations shipped in the package (``versions/0001_initial.py`` is ``0001``)."""
    return frozenset(p.name.split("_", 1)[0] for p in (MIGRATIONS / "versions").glob("[0-9]*.py"))


def current_revision(engine: Engine) -> str | None:
    """The Alembic revision the database is at (None for an empty database)."""
    with engine.connect() as conn:
        conn.execution_options(onrecord_read=True)
        if not inspect(conn).has_table("alembic_version"):
            return None
        return conn.exec_driver_sql("SELECT version_num FROM alembic_version").scalar()


def open_engine(db: str | None = None, migrate: bool = True, existing: bool = False) -> Engine:
    """Resolve, connect and migrate: the one call the CLI and the API make. ``existing``: a SQLite file must be there
    already (a command that only reads must not answer "0 entries" from a database a typo just created)."""
    url = resolve_url(db)
    if existing and url.startswith("sqlite:///"):
        path = Path(url.removeprefix("sqlite:///"))
        if str(path) not in ("", ":memory:") and not path.exists():
            raise StoreError(f"no database at {path} (check --db or ${ENV_VAR}; it is created by the commands that "
                             "write, such as 'archive add' or 'accounts add')")
    engine = make_engine(url)
    try:
        if migrate:
            upgrade(engine)
    except ModuleNotFoundError as e:
        raise StoreError("PostgreSQL needs the driver: pip install 'onrecord[pg]'") from e
    except Exception as e:
        if type(e).__module__.startswith("sqlalchemy"):
            raise StoreError(f"cannot open database {engine.url.render_as_string(hide_password=True)}: "
                             f"{db_error_text(e)}") from e
        raise
    return engine


@contextmanager
def reading(engine: Engine) -> Iterator[Connection]:
    """A read-only connection: on SQLite it does not take the write lock."""
    with engine.connect() as conn:
        conn.execution_options(onrecord_read=True)
        yield conn


@contextmanager
def write_lock(conn: Connection, table: str = "chain_head", name: str = "archive") -> Iterator[None]:
    """Serialise chain appends: SQLite already holds the write lock; PostgreSQL locks the head row."""
    if conn.dialect.name == "postgresql":
        conn.execute(text(f"SELECT name FROM {table} WHERE name = :n FOR UPDATE"), {"n": name})
    yield
