"""The ``onrecord`` command: a group whose sub-commands live in one module each."""

from __future__ import annotations

import contextlib
import os
import sys
from importlib import import_module

import click

from onrecord import __version__

# Each module defines ``command`` (a click command or group). Exit codes like ruff: 0 ok, 1 breach, 2 error.
COMMAND_MODULES: tuple[str, ...] = (
    "check",
    "codes",
    "explain",
    "capacity",
    "exposure",
    "audit",
    "accounts",
    "review",
    "archive",
    "serve",
)


class _Group(click.Group):
    """The command group; refuses arguments that are not UTF-8 text before any command sees them."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        for arg in args:
            value = arg.split("=", 1)[1] if arg.startswith("--") and "=" in arg else arg
            # Python hands undecodable argv bytes over as lone surrogates; in a post, a handle or a title they
            # cannot be stored or encoded (a UnicodeEncodeError traceback). An existing file or folder may have
            # such a name: it is passed on as it is.
            if _undecodable(value) and not os.path.lexists(value):
                from onrecord.cli.common import fail

                shown = os.fsencode(value).decode("utf-8", "backslashreplace")
                fail(f"argument '{shown}' is not UTF-8 text: set the terminal to UTF-8 (or give the text in a UTF-8 file)")
        return super().parse_args(ctx, args)


def _undecodable(s: str) -> bool:
    return any("\udc80" <= ch <= "\udcff" for ch in s)


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="onrecord")
def cli() -> None:
    """Check posts by public servants against the code of conduct they already signed."""
    _plain_streams()
    _check_lexicon()


def _plain_streams() -> None:
    """A file name that is not UTF-8 prints as its own bytes on stdout and escaped on stderr: with a UTF-8 locale
    other than C.UTF-8, Python's streams are strict and echoing such a name was a UnicodeEncodeError traceback."""
    for stream, errors in ((sys.stdout, "surrogateescape"), (sys.stderr, "backslashreplace")):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None and getattr(stream, "errors", errors) == "strict":
            with contextlib.suppress(ValueError, OSError):  # a stream that cannot change (e.g. detached)
                reconfigure(errors=errors)


def _check_lexicon() -> None:
    """An organisation's partisan lexicon (ONRECORD_LEXICON_PATH) that cannot be used is a usage error
    (exit 2, file, line and field named), found before any command builds its detectors."""
    if not os.environ.get("ONRECORD_LEXICON_PATH"):
        return
    from onrecord.cli.common import fail
    from onrecord.detectors.lexicon import LexiconError, lexicon

    try:
        lexicon()
    except LexiconError as e:
        fail(f"invalid partisan lexicon: {e}")


for _name in COMMAND_MODULES:
    try:
        _mod = import_module(f"onrecord.cli.{_name}")
    except ModuleNotFoundError as _e:
        if _e.name == f"onrecord.cli.{_name}":
            continue
        raise
    cli.add_command(_mod.command)


def main() -> None:
    """Entry point: usage errors exit 2 (click's default)."""
    cli()
