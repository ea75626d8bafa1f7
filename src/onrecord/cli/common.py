"""Options and helpers shared by the sub-commands."""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import Any, NoReturn, TypeVar

import click

from onrecord.checks.registry import unknown_selectors
from onrecord.codes import PackError, PackRegistry

F = TypeVar("F", bound=Callable[..., Any])


def fail(message: str, code: int = 2) -> NoReturn:
    """Print a clear error (never a traceback) and exit with ``code``."""
    click.echo(f"onrecord: error: {message}", err=True)
    sys.exit(code)


def split_csv(values: tuple[str, ...]) -> list[str]:
    return [v.strip() for item in values for v in item.split(",") if v.strip()]


def load_packs(code_paths: tuple[str, ...]) -> PackRegistry:
    """The shipped packs plus any from ``--code-path``; a broken pack is a usage error (exit 2)."""
    try:
        return PackRegistry(code_paths)
    except PackError as e:
        fail(f"invalid code pack: {e}")


def check_selectors(select: list[str], ignore: list[str]) -> None:
    bad = unknown_selectors(select + ignore)
    if bad:
        fail(f"unknown check selector(s): {', '.join(bad)} (see 'onrecord explain --list')")


def pack_options(f: F) -> F:
    f = click.option(
        "--code-path",
        "code_paths",
        multiple=True,
        type=click.Path(exists=True),
        help="Extra code pack file or folder (an organisation layer). Repeatable.",
    )(f)
    f = click.option(
        "--code",
        "code",
        default=None,
        metavar="PACK",
        help='Code pack id or alias (e.g. us-federal, "Hatch Act"). Default: chosen per post.',
    )(f)
    return f


def selection_options(f: F) -> F:
    f = click.option("--ignore", multiple=True, metavar="CODES", help="Checks to skip: code, prefix, name or group.")(f)
    f = click.option("--select", multiple=True, metavar="CODES", help="Checks to run: code (PO01), prefix (PO), name or group.")(
        f
    )
    return f
