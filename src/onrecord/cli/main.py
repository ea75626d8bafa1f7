"""The ``onrecord`` command: a group whose sub-commands live in one module each."""

from __future__ import annotations

import os
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


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="onrecord")
def cli() -> None:
    """Check posts by public servants against the code of conduct they already signed."""
    _check_lexicon()


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
