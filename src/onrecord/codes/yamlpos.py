"""Load YAML while remembering the line of every value, for error messages."""

from __future__ import annotations

from pathlib import Path as FilePath
from typing import Any

import yaml

from onrecord.codes.errors import PackError

Path = tuple[str | int, ...]
MERGE_TAG = "tag:yaml.org,2002:merge"
# Values one file may expand to: aliases of aliases ("billion laughs") would otherwise take all the memory.
MAX_VALUES = 1_000_000


class YAMLShapeError(ValueError):
    """YAML that parses but cannot be a document of plain keys: a repeated key, a list used as a key, an alias
    that contains itself, too many values. ``line`` and ``field`` say where."""

    def __init__(self, line: int | None, field: str, message: str) -> None:
        super().__init__(message)
        self.line = line
        self.field = field
        self.message = message


def read_yaml_file(path: str | FilePath, error: type[PackError] = PackError) -> tuple[Any, dict[Path, int]]:
    """Read and parse a YAML file with the line of every value; a file that cannot be read or parsed
    raises ``error`` naming the file (and the line, for a syntax error)."""
    name = str(path)
    try:
        text = FilePath(path).read_text("utf-8")
    except OSError as e:
        raise error(name, None, "(file)", f"cannot read: {e.strerror or e}") from None
    except UnicodeDecodeError as e:
        raise error(name, None, "(file)", f"not UTF-8 text ({e.reason} at byte {e.start})") from None
    try:
        return load_with_lines(text)
    except yaml.MarkedYAMLError as e:
        line = e.problem_mark.line + 1 if e.problem_mark else None
        raise error(name, line, "(syntax)", f"invalid YAML: {e.problem}") from None
    except yaml.reader.ReaderError as e:  # NUL and other control characters: YAML text may not hold them
        line = text.count("\n", 0, e.position) + 1
        raise error(name, line, "(syntax)",
                    f"invalid YAML: character {e.character:#06x} is not allowed in YAML text") from None
    except YAMLShapeError as e:
        raise error(name, e.line, e.field, e.message) from None
    except RecursionError:  # the parser itself recurses once per level
        raise error(name, None, "(syntax)", "invalid YAML: nested too deeply") from None


def field_name(path: Path) -> str:
    """``clauses[2].topics`` for the path ``("clauses", 2, "topics")``, for error messages."""
    out = ""
    for p in path:
        out += f"[{p}]" if isinstance(p, int) else (f".{p}" if out else str(p))
    return out or "(top level)"


def load_with_lines(text: str) -> tuple[Any, dict[Path, int]]:
    """Parse ``text``; return the data and a map from value path to 1-based line.

    Keys are plain names, each once per mapping (YAML requires it; PyYAML would keep the last quietly).
    ``<<: *anchor`` merges a mapping's keys into one that does not set them itself. Raises YAMLShapeError."""
    lines: dict[Path, int] = {}
    node = yaml.compose(text, Loader=yaml.SafeLoader)
    if node is None:
        return None, lines
    return _Walk().value(node, (), lines), lines


class _Walk:
    """Plain data from composed nodes, with the line of every value."""

    def __init__(self) -> None:
        self.open: set[int] = set()  # the mappings and lists being walked: an alias back into one loops forever
        self.count = 0

    def value(self, n: yaml.Node, path: Path, lines: dict[Path, int]) -> Any:
        lines[path] = n.start_mark.line + 1
        self.count += 1
        if self.count > MAX_VALUES:
            raise YAMLShapeError(lines[path], field_name(path), f"more than {MAX_VALUES:,} values (aliases of aliases?)")
        if isinstance(n, yaml.ScalarNode):
            loader = yaml.SafeLoader("")
            try:
                return loader.construct_object(n)
            finally:
                loader.dispose()
        if id(n) in self.open:
            raise YAMLShapeError(lines[path], field_name(path),  # the line is the anchor's: a node keeps no alias's
                                 "this alias refers to the mapping or list that contains it (anchored on this line)")
        self.open.add(id(n))
        try:
            if isinstance(n, yaml.SequenceNode):
                return [self.value(v, (*path, i), lines) for i, v in enumerate(n.value)]
            return self.mapping(n, path, lines)
        finally:
            self.open.discard(id(n))

    def mapping(self, n: yaml.Node, path: Path, lines: dict[Path, int]) -> dict[Any, Any]:
        out: dict[Any, Any] = {}
        merges: list[yaml.Node] = []
        for k, v in n.value:
            if k.tag == MERGE_TAG:
                merges.append(v)
                continue
            if not isinstance(k, yaml.ScalarNode):
                raise YAMLShapeError(k.start_mark.line + 1, field_name(path), "a key must be a name, not a list or mapping")
            key = k.value
            if key in out:
                raise YAMLShapeError(k.start_mark.line + 1, field_name((*path, key)),
                                     f"duplicate key {key!r} (first on line {lines[(*path, key)]}): say it once")
            out[key] = self.value(v, (*path, key), lines)
            lines[(*path, key)] = k.start_mark.line + 1
        for m in merges:  # keys the mapping sets itself win; of several merged mappings, the first
            for src in m.value if isinstance(m, yaml.SequenceNode) else [m]:
                if not isinstance(src, yaml.MappingNode):
                    raise YAMLShapeError(m.start_mark.line + 1, field_name((*path, "<<")),
                                         "'<<' merges a mapping (such as *anchor), not a list or a value")
                theirs: dict[Path, int] = {}
                for key, val in self.value(src, path, theirs).items():
                    if key not in out:
                        out[key] = val
                        at = (*path, key)
                        lines.update((p, ln) for p, ln in theirs.items() if p[: len(at)] == at)
        return out


def line_of(lines: dict[Path, int], path: Path) -> int | None:
    """The line of ``path``, or of its nearest ancestor that has one."""
    p = tuple(path)
    while p:
        if p in lines:
            return lines[p]
        p = p[:-1]
    return lines.get(())
