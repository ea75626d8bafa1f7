"""Load YAML while remembering the line of every value, for error messages."""

from __future__ import annotations

from pathlib import Path as FilePath
from typing import Any

import yaml

from onrecord.codes.errors import PackError

Path = tuple[str | int, ...]


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


def field_name(path: Path) -> str:
    """``clauses[2].topics`` for the path ``("clauses", 2, "topics")``, for error messages."""
    out = ""
    for p in path:
        out += f"[{p}]" if isinstance(p, int) else (f".{p}" if out else str(p))
    return out or "(top level)"


def load_with_lines(text: str) -> tuple[Any, dict[Path, int]]:
    """Parse ``text``; return the data and a map from value path to 1-based line."""
    lines: dict[Path, int] = {}
    node = yaml.compose(text, Loader=yaml.SafeLoader)
    if node is None:
        return None, lines

    def walk(n: yaml.Node, path: Path) -> Any:
        lines[path] = n.start_mark.line + 1
        if isinstance(n, yaml.MappingNode):
            out: dict[Any, Any] = {}
            for k, v in n.value:
                key = k.value
                out[key] = walk(v, (*path, key))
                lines[(*path, key)] = k.start_mark.line + 1
            return out
        if isinstance(n, yaml.SequenceNode):
            return [walk(v, (*path, i)) for i, v in enumerate(n.value)]
        loader = yaml.SafeLoader("")
        try:
            return loader.construct_object(n)
        finally:
            loader.dispose()

    return walk(node, ()), lines


def line_of(lines: dict[Path, int], path: Path) -> int | None:
    """The line of ``path``, or of its nearest ancestor that has one."""
    p = tuple(path)
    while p:
        if p in lines:
            return lines[p]
        p = p[:-1]
    return lines.get(())
