"""Files the server made for someone (audits of uploads, FOI/OIA bundles): one folder each, kept for the person
who made them up to a bound, oldest deleted first. Nothing is kept past the process (the root goes with it)."""

from __future__ import annotations

import secrets
import shutil
import tempfile
import threading
from pathlib import Path
from typing import Any

from flask import session

from onrecord.web.app import user


def owner() -> str:
    """Whose output this is: the signed-in person, else this browser session (outputs are not shared)."""
    who = user()
    if who:
        return f"user:{who}"
    tok = session.get("owner")
    if not tok:
        tok = session["owner"] = secrets.token_urlsafe(16)
    return f"session:{tok}"


class Kept:
    """Outputs by token. Each person keeps their last ``per_owner`` (nobody's make way for another's), and the
    process its last ``in_all`` whoever made them (a bound on disk)."""

    def __init__(self, prefix: str, per_owner: int, in_all: int) -> None:
        self._root = tempfile.TemporaryDirectory(prefix=prefix)
        self.per_owner = per_owner
        self.in_all = in_all
        self._items: dict[str, dict[str, Any]] = {}
        self._lock = threading.Lock()  # the server's threads add and evict at once

    def new_folder(self) -> tuple[str, Path]:
        """A token and an empty folder for an output not kept yet (delete it with :meth:`drop` on failure)."""
        token = secrets.token_urlsafe(16)
        folder = Path(self._root.name) / token
        folder.mkdir(parents=True)
        return token, folder

    @staticmethod
    def drop(folder: Path) -> None:
        shutil.rmtree(folder, ignore_errors=True)

    def keep(self, token: str, folder: Path, who: str, entry: dict[str, Any]) -> None:
        """Keep ``entry`` (its files in ``folder``) for ``who``; evicts and deletes the oldest past the bounds."""
        with self._lock:
            self._items[token] = {**entry, "owner": who, "folder": folder}
            mine = [k for k, v in self._items.items() if v["owner"] == who]
            evicted = [self._items.pop(k) for k in mine[: max(0, len(mine) - self.per_owner)]]
            evicted += [self._items.pop(k) for k in list(self._items)[: max(0, len(self._items) - self.in_all)]]
        for old in evicted:
            self.drop(old["folder"])

    def get(self, token: str, who: str) -> dict[str, Any] | None:
        """The entry for ``token`` if ``who`` made it and it is still kept."""
        e = self._items.get(token)
        return e if e is not None and e["owner"] == who else None

    def __len__(self) -> int:
        return len(self._items)

    def folder_of(self, token: str) -> Path | None:
        e = self._items.get(token)
        return None if e is None else Path(e["folder"])
