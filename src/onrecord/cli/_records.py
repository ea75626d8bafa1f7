"""Shared plumbing for the records commands (accounts, review, archive): --db, --format, --by, errors."""

from __future__ import annotations

import functools
import getpass
import os
import re
import sys
from collections.abc import Callable, Iterator
from dataclasses import asdict, is_dataclass
from datetime import datetime
from typing import Any, TypeVar

import click
import msgspec
from rich.console import Console
from sqlalchemy import Engine
from sqlalchemy.exc import SQLAlchemyError

from onrecord.cli.common import fail
from onrecord.codes import PackError, PackRegistry
from onrecord.engine import Engine as Checker
from onrecord.engine import UnknownCode
from onrecord.importers import ImportJob, RejectedRecord, UnusableInput, open_input
from onrecord.model.post import Post
from onrecord.store.chain import day_bound
from onrecord.store.db import MAX_ROWS, StoreError, db_error_text, open_engine

F = TypeVar("F", bound=Callable[..., Any])
FORMATS = ("human", "json", "jsonl")

db_option = click.option("--db", "db", default=None, metavar="URL|PATH",
                         help="Database: a SQLite path or postgresql:// URL (default $ONRECORD_DB, else ./onrecord.db).")
format_option = click.option("--format", "fmt", type=click.Choice(FORMATS), default="human", show_default=True,
                             help="Output format.")


def by_option(help_text: str = "Who is acting (recorded in the audit log).") -> Callable[[F], F]:
    return click.option("--by", "by", default=None, metavar="NAME",
                        help=help_text + " Default: $ONRECORD_USER, else the login name.")


def at_most_rows(_ctx: click.Context, _param: click.Parameter, value: int | None) -> int | None:
    """A --limit past what a query can return is no limit (a 2**64 LIMIT overflowed the driver: a traceback)."""
    return None if value is None else min(value, MAX_ROWS)


def published_hash(_ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    """A hash the user was given (a chain head, a manifest's SHA-256): trimmed, lower case, at least 8 hex digits.

    An empty value is refused rather than taken as "not given": ``--expect-head "$HEAD"`` with the variable unset
    passed verification, since every hash starts with the empty string."""
    if value is None:
        return None
    opt = (param.opts or [param.name or "hash"])[0]
    v = value.strip().lower()
    if not v:
        fail(f"{opt} is empty: give the published hash (is the shell variable set?)")
    if not re.fullmatch(r"[0-9a-f]{1,64}", v):
        fail(f"{opt} {value!r} is not a SHA-256 hash: 64 hex digits, or a prefix of them")
    if len(v) < 8:
        fail(f"{opt} {value!r} is too short to tell hashes apart: give at least 8 hex digits")
    return v


def actor(by: str | None) -> str:
    name = by or os.environ.get("ONRECORD_USER") or getpass.getuser()
    if not name.strip():
        raise StoreError("say who is acting with --by")
    return name.strip()


def handles_errors(fn: F) -> F:
    """User mistakes and database trouble become one line on stderr and exit 2, never a traceback."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except StoreError as e:
            fail(str(e))
        except UnusableInput as e:
            fail(f"cannot read the input: {e}")
        except SQLAlchemyError as e:
            fail(f"database error: {db_error_text(e)}")
        except OSError as e:
            fail(f"{e.strerror or e}: {e.filename or ''}".rstrip(": "))

    return wrapper  # type: ignore[return-value]


@functools.lru_cache(maxsize=4)
def checker(code: str | None) -> Checker:
    """The engine for ``--code``; built once per process (loading the detectors is the slow part)."""
    try:
        return Checker(default_code=code)
    except UnknownCode as e:
        raise StoreError(str(e)) from None
    except PackError as e:  # a broken pack on $ONRECORD_CODE_PATH
        raise StoreError(f"invalid code pack: {e}") from None
    except KeyError:  # the registry's lookup of --code: say which codes there are, as 'check --code' does
        raise StoreError(f"unknown code {code!r}; known: {', '.join(PackRegistry().ids())}") from None
    except ValueError as e:
        raise StoreError(f"cannot use code {code!r}: {e}") from None


def engine(db: str | None, existing: bool = False) -> Engine:
    """The store; ``existing``: for commands that only read (or act on what is there), refuse a missing SQLite file."""
    return open_engine(db, existing=existing)


def when(value: str | None, name: str, end_of_day: bool = False) -> datetime | None:
    """Parse a --from/--to value; a bare date as --to means the end of that day."""
    if value is None:
        return None
    dt = day_bound(value, end_of_day)
    if dt is None:
        raise StoreError(f"{name} {value!r} is not an ISO 8601 date or time")
    return dt


def plain(obj: Any) -> Any:
    if is_dataclass(obj) and not isinstance(obj, type):
        return asdict(obj)
    return obj


def emit(fmt: str, data: Any, human: Callable[[Console], None], rows: list[Any] | None = None) -> None:
    """json: one document; jsonl: one line per row (``rows``, else the document); human: Rich."""
    if fmt == "json":
        click.echo(msgspec.json.format(msgspec.json.encode(plain(data)), indent=2).decode())
    elif fmt == "jsonl":
        for r in rows if rows is not None else [data]:
            click.echo(msgspec.json.encode(plain(r)).decode())
    else:
        # No markup and no emoji codes: records, handles and names print as stored ("[/]" crashed Rich, ":x:" became
        # an emoji); a human view styles with Text, never with markup in a string.
        human(Console(highlight=False, soft_wrap=True, markup=False, emoji=False))


def read_posts(path: str) -> Iterator[tuple[int, Post | RejectedRecord]]:
    """Posts from any supported export (JSONL in the post contract, platform archives) with their order. The
    importer's warnings about a post (a date that cannot be read, an unknown field) go to stderr as it is yielded."""
    if path == "-":
        import tempfile

        data = sys.stdin.buffer.read()
        with tempfile.NamedTemporaryFile("wb", suffix=".jsonl", delete=False) as tmp:
            tmp.write(data)
        try:
            yield from _warned(open_input(tmp.name))
        finally:
            os.unlink(tmp.name)
        return
    if not os.path.exists(path):
        raise StoreError(f"no such file: {path}")
    yield from _warned(open_input(path))


def _warned(job: ImportJob) -> Iterator[tuple[int, Post | RejectedRecord]]:
    for n, item in enumerate(job.items(), start=1):
        if isinstance(item, Post):
            for note in job.take_warnings():
                click.echo(f"warning: {note}", err=True)
        yield n, item
