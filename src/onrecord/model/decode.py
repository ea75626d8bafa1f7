"""Decode posts from JSON with errors that name the field, and warnings for unknown fields and unreadable times."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import msgspec

from onrecord.model.post import Account, Author, Circumstances, Metrics, Post
from onrecord.model.when import as_written, read_time


class PostDecodeError(ValueError):
    """A post that does not follow the contract: ``field`` says where (``$.account.kind``)."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


_KNOWN: dict[str, frozenset[str]] = {
    "": frozenset(Post.__struct_fields__),
    "account": frozenset(Account.__struct_fields__),
    "author": frozenset(Author.__struct_fields__),
    "circumstances": frozenset(Circumstances.__struct_fields__),
    "metrics": frozenset(Metrics.__struct_fields__),
}
class JSONReadError(ValueError):
    """Text that is not JSON onrecord can read; the message says why."""


def read_json(data: bytes | str, type: Any = Any) -> Any:
    """Decode JSON (into ``type``, default plain objects). Every failure is a JSONReadError, including JSON nested
    thousands deep, which overflows the decoder's stack (msgspec raises RecursionError, not a DecodeError)."""
    try:
        return msgspec.json.decode(data, type=type) if type is not Any else _json.decode(data)
    except msgspec.DecodeError as e:
        raise JSONReadError(str(e)) from None
    except RecursionError:
        raise JSONReadError("nested too deeply") from None


_AT = re.compile(r" - at `(\$[^`]*)`$")
_json = msgspec.json.Decoder()


def unknown_fields(obj: dict[str, Any]) -> list[str]:
    """Dotted names of fields the contract does not know (reported as warnings, then ignored)."""
    out = [k for k in obj if k not in _KNOWN[""]]
    for sub in ("account", "author", "circumstances", "metrics"):
        val = obj.get(sub)
        if isinstance(val, dict):
            out.extend(f"{sub}.{k}" for k in val if k not in _KNOWN[sub])
    return out


def post_from_obj(obj: Any, read: Callable[[Any], str | None] = as_written) -> tuple[Post, list[str]]:
    """Convert a decoded JSON object to a Post; returns the post and warnings.

    A ``circumstances.posted_at`` that is no ISO 8601 date and time (``read``: how the source's dates are read) is
    cleared with a warning, the post kept (:func:`~onrecord.model.when.read_time`); a blank one is cleared."""
    if not isinstance(obj, dict):
        raise PostDecodeError(f"expected a JSON object, got {type(obj).__name__}", "$")
    # Contract: everything but text may be null; a null means "not given", so the default applies.
    obj = {
        k: ({kk: vv for kk, vv in v.items() if vv is not None} if isinstance(v, dict) else v)
        for k, v in obj.items()
        if v is not None or k == "text"
    }
    warnings = [f"unknown field '{f}' ignored" for f in unknown_fields(obj)]
    when = obj.get("circumstances")
    if isinstance(when, dict) and "posted_at" in when:
        at, why = read_time(when["posted_at"], read)
        obj["circumstances"] = {**when, "posted_at": at}
        if why:
            warnings.append(why)
    try:
        post = msgspec.convert(obj, Post, strict=True)
    except msgspec.ValidationError as e:
        msg = str(e)
        m = _AT.search(msg)
        field = m.group(1) if m else None
        missing = re.search(r"missing required field `(\w+)`", msg)
        if missing and field is None:
            field = f"$.{missing.group(1)}"
        raise PostDecodeError(_AT.sub("", msg), field) from None
    return post, warnings


def decode_post(line: bytes | str) -> tuple[Post, list[str]]:
    """Decode one JSON line into a Post; raises PostDecodeError naming the field."""
    try:
        obj = read_json(line)
    except JSONReadError as e:
        raise PostDecodeError(f"not valid JSON: {e}", None) from None
    return post_from_obj(obj)
