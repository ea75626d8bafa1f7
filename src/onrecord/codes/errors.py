"""Errors raised while loading code packs: always name file, line and field."""

from __future__ import annotations


class PackError(Exception):
    """A code pack that cannot be used, with where the problem is."""

    def __init__(self, path: str, line: int | None, field: str, message: str) -> None:
        self.path = path
        self.line = line
        self.field = field
        self.message = message
        where = f"{path}:{line}" if line else path
        super().__init__(f"{where}: {field}: {message}")
