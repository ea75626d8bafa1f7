"""Built-in checks, registered through the ``onrecord.checks`` entry point like any plugin."""

from __future__ import annotations

from importlib import import_module

from onrecord.checks.base import Check

# One module per check family; each exposes CHECKS: list[type[Check]].
MODULES: tuple[str, ...] = (
    "political",
    "position",
    "information",
    "personal_data",
    "sensitive",
    "abuse",
)


def get_checks() -> list[type[Check]]:
    """Every built-in check class."""
    out: list[type[Check]] = []
    for name in MODULES:
        try:
            mod = import_module(f"onrecord.checks.builtin.{name}")
        except ModuleNotFoundError as e:
            if e.name == f"onrecord.checks.builtin.{name}":
                continue  # family not built yet
            raise
        out.extend(mod.CHECKS)
    return out
