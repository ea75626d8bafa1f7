"""Canonical JSON and SHA-256 hashing shared by the archive chain, the audit log and export bundles."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from typing import Any

import msgspec

from onrecord.store.db import StoreError

ZERO = "0" * 64
_decode = msgspec.json.Decoder()


def canon(obj: Any) -> bytes:
    """Canonical JSON: keys sorted, no whitespace, UTF-8 (msgspec's number formatting)."""
    return msgspec.json.encode(obj, order="sorted")


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def content_hash(post_json: str | bytes | None, result_json: str | bytes | None) -> str:
    """Hash of an entry's stored content, independent of how its JSON was spaced or ordered."""
    post = _decode.decode(post_json) if post_json is not None else None
    result = _decode.decode(result_json) if result_json is not None else None
    return sha256_hex(canon({"post": post, "result": result}))


def post_hash(post_json: str | bytes) -> str:
    """Hash of the post alone: the content part of the idempotency key."""
    return sha256_hex(canon(_decode.decode(post_json)))


def link(prev_hash: str, header: dict[str, Any]) -> str:
    """An entry's hash: commits to the previous entry's hash and its own canonical header."""
    return sha256_hex(prev_hash.encode("ascii") + b"\n" + canon(header))


def utcnow() -> datetime:
    return datetime.now(UTC)


def iso(dt: datetime) -> str:
    """Fixed-width UTC timestamps, so string order is time order in every database."""
    u = dt.astimezone(UTC)
    return f"{u.year:04d}" + u.strftime("-%m-%dT%H:%M:%S.%fZ")  # %Y gives "999", not "0999", before year 1000


def parse_time(value: str | None) -> datetime | None:
    """Parse ISO 8601 (with offset, 'Z', or a bare date); naive times are taken as UTC; None if unparsable."""
    if not value:
        return None
    v = value.strip()
    if v.endswith(("Z", "z")):
        v = v[:-1] + "+00:00"
    try:
        dt = datetime.fromisoformat(v)
    except ValueError:
        return None
    dt = dt if dt.tzinfo else dt.replace(tzinfo=UTC)
    try:
        dt.astimezone(UTC)  # 9999-12-31T23:59-01:00 is past the last UTC datetime
    except OverflowError:
        return None
    return dt


def check_period(start: datetime | None, end: datetime | None) -> None:
    """A period whose start is after its end matches nothing: say so rather than answer "0 entries"."""
    if start is not None and end is not None and start > end:
        raise StoreError(f"the period starts ({iso(start)}) after it ends ({iso(end)}): swap --from and --to")


def day_bound(value: str, end_of_day: bool = False) -> datetime | None:
    """:func:`parse_time` for a range bound: a bare date as an end bound means the end of that day."""
    dt = parse_time(value)
    if dt is not None and end_of_day and len(value.strip()) == 10:
        dt = dt.replace(hour=23, minute=59, second=59, microsecond=999999)
        try:
            dt.astimezone(UTC)
        except OverflowError:
            return None
    return dt
