"""One canonical record per checked line; every output format is a thin function over it."""

from __future__ import annotations

from dataclasses import dataclass, field

from onrecord.model.finding import InputError, Result
from onrecord.model.post import Post


@dataclass(slots=True)
class Checked:
    """A post that was checked, with its result and where it came from."""

    line: int
    post: Post
    result: Result
    fixed: dict[str, str] | None = None  # field -> text after safe fixes (only with --fix)
    warnings: list[str] = field(default_factory=list)


Record = Checked | InputError
