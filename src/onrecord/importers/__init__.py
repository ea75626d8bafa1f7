"""Importers: platform exports → posts in the post contract, streaming, with every bad record rejected.

``open_input(path)`` classifies the input by content (see :mod:`onrecord.importers.sniff`) and
raises :class:`UnusableInput` at once when nothing in it can be read; ``ImportJob.items()`` then
streams :class:`~onrecord.model.post.Post` and :class:`RejectedRecord` values.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from onrecord.importers.base import Item, RejectedRecord, UnusableInput
from onrecord.importers.sniff import Plan, importer_for, plan


@dataclass
class ImportJob:
    """One input path, classified and ready to stream."""

    plan: Plan

    @property
    def path(self) -> str:
        return self.plan.path

    @property
    def importer(self) -> str:
        """Importer family: x, mastodon, bluesky, linkedin, meta, generic."""
        return self.plan.importer

    @property
    def formats(self) -> list[str]:
        return self.plan.formats

    def take_warnings(self) -> list[str]:
        """Warnings about the post :meth:`items` yielded last (e.g. "line 3: unknown field 'x' ignored"), once."""
        taken, self.plan.warnings = self.plan.warnings, []
        return taken

    def items(self) -> Iterator[Item]:
        """Posts and rejected records, streaming; unreadable members are reported as rejects first."""
        for note in self.plan.notes:
            yield RejectedRecord(source=self.path, location="(archive)", reason=note)
        try:
            yield from importer_for(self.importer)(self.plan)
        finally:
            self.plan.container.close()


def open_input(path: str, csv_map: dict[str, str] | None = None, name: str | None = None) -> ImportJob:
    """Classify ``path`` (file, folder, ZIP, tar.gz) by content. Raises UnusableInput. ``name``: how the input is
    named in messages, rejects and post sources (an upload's own file name); ``path`` by default."""
    return ImportJob(plan(path, csv_map, name))


__all__ = ["ImportJob", "Item", "RejectedRecord", "UnusableInput", "open_input"]
