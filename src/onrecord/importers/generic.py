"""Generic inputs: JSONL in the post contract, and CSV with a column mapping."""

from __future__ import annotations

import csv
import io
import re
import sys
from collections import deque
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import IO, Any

from onrecord.importers.base import (
    READ_ERRORS,
    Item,
    RejectedRecord,
    excerpt,
    found_at,
    from_iso,
    from_unix,
    iso_utc,
    to_int,
    validation_words,
)
from onrecord.importers.sniff import Plan
from onrecord.model.decode import JSONReadError, PostDecodeError, post_from_obj, read_json
from onrecord.model.post import Account, Circumstances, Metrics, Post
from onrecord.model.when import as_written, read_time

csv.field_size_limit(min(sys.maxsize, 2**31 - 1))  # long posts in one field are normal


def _norm(h: str) -> str:
    return re.sub(r"[^a-z0-9]", "", h.lower())


# Post field -> column names tried when no mapping names the column (normalised: lower case, no punctuation).
DEFAULT_COLUMNS: dict[str, tuple[str, ...]] = {
    "text": ("text", "fulltext", "content", "body", "message", "post", "tweet", "posttext"),
    "id": ("id", "idstr", "postid", "tweetid", "statusid"),
    "posted_at": ("postedat", "createdat", "date", "timestamp", "time", "datetime", "published"),
    "platform": ("platform", "network", "site"),
    "handle": ("handle", "account", "screenname", "username", "user", "author"),
    "display_name": ("displayname", "name"),
    "url": ("url", "permalink", "link"),
    "likes": ("likes", "favoritecount", "likecount", "favorites"),
    "shares": ("shares", "retweetcount", "retweets", "reposts", "sharecount"),
    "replies": ("replies", "replycount"),
    "in_reply_to": ("inreplyto", "replyto"),
    "action": ("action", "type"),
}
PLATFORMS = {"x", "mastodon", "bluesky", "linkedin", "facebook", "instagram", "threads", "other"}


def parse_time(value: str) -> str | None:
    """A timestamp in the usual export spellings (ISO 8601, ``YYYY-MM-DD HH:MM:SS`` as UTC, Unix seconds)."""
    v = value.strip()
    if not v:
        return None
    if v.isdigit():
        return from_unix(v[:10] if len(v) > 11 else v)  # milliseconds → seconds
    iso = from_iso(v.replace(" UTC", "Z"))
    if iso:
        return iso
    for fmt in (
        "%Y-%m-%d %H:%M:%S",
        "%Y-%m-%d %H:%M",
        "%Y-%m-%d",
        "%m/%d/%Y %H:%M",
        "%m/%d/%Y",
        "%a %b %d %H:%M:%S %z %Y",
    ):
        try:
            d = datetime.strptime(v, fmt)
        except ValueError:
            continue
        return iso_utc(d if d.tzinfo else d.replace(tzinfo=UTC))
    return None


def csv_rows(f: IO[bytes], source: str) -> Iterator[tuple[int, dict[str, str]] | RejectedRecord]:
    """Rows of a CSV as dicts keyed by the header, with line numbers; bad rows become RejectedRecords.

    Multi-line quoted fields are fine. Backslash-escaped quotes (LinkedIn ``Comments.csv``) are
    understood when the file uses them. Bytes that are not UTF-8 reject that row, not the file.
    """
    buf: Any = f if hasattr(f, "peek") else io.BufferedReader(f)
    head = buf.peek(65536)[:65536]
    escape = "\\" if b'\\"' in head else None
    text = io.TextIOWrapper(buf, encoding="utf-8-sig", errors="surrogateescape", newline="")
    first = text.readline()
    delim = "\t" if first.count("\t") > first.count(",") else ","
    header = next(csv.reader([first], delimiter=delim, escapechar=escape), [])
    lines = _Lines(text)

    def reader() -> Iterator[list[str]]:
        return csv.reader(lines, delimiter=delim, escapechar=escape, doublequote=True, strict=False)

    rows = reader()
    line = 1
    while True:
        start = line + 1
        try:
            row: list[str] | None = next(rows)
        except StopIteration:
            return
        except csv.Error as e:
            row, error = None, f"broken CSV row: {e}"
        except READ_ERRORS as e:
            yield RejectedRecord(source=source, location=f"line {start}", reason=f"damaged file ({e}); the rest is lost")
            return
        taken, lines.taken = lines.taken, []
        if (row is None or len(row) != len(header)) and _stray_quote(taken, delim, escape, len(header)):
            # An opening quote never closed swallowed the lines after it: reject its own line, read the rest again.
            lines.pending.extendleft(reversed(taken[1:]))
            rows = reader()
            line = start
            yield RejectedRecord(source=source, location=f"line {start}",
                                 reason="broken CSV row: a quote opened in this line is never closed (the lines after it are read)",
                                 raw=excerpt(taken[0]))
            continue
        line = start + len(taken) - 1
        if row is None:
            rows = reader()  # a fresh reader: the old one stopped mid-row
            yield RejectedRecord(source=source, location=f"line {start}", reason=error)
            continue
        if not any(c.strip() for c in row):
            continue
        joined = "\x1f".join(row)
        if any("\udc80" <= ch <= "\udcff" for ch in joined):
            bad = next(i for i, ch in enumerate(joined) if "\udc80" <= ch <= "\udcff")
            yield RejectedRecord(
                source=source,
                location=f"line {start}",
                reason=f"not UTF-8 text (byte 0x{ord(joined[bad]) - 0xDC00:02X}); re-save the file as UTF-8",
                raw=excerpt(joined.encode("utf-8", "surrogateescape")),
            )
            continue
        if len(row) != len(header):
            yield RejectedRecord(
                source=source,
                location=f"line {start}",
                reason=f"{len(row)} fields where the header has {len(header)} (broken quoting?)",
                raw=excerpt(joined),
            )
            continue
        yield start, dict(zip(header, row, strict=True))


class _Lines:
    """The physical lines the CSV reader takes, kept per row so a row can be given back and read again."""

    def __init__(self, text: IO[str]) -> None:
        self.text = text
        self.pending: deque[str] = deque()
        self.taken: list[str] = []

    def __iter__(self) -> _Lines:
        return self

    def __next__(self) -> str:
        line = self.pending.popleft() if self.pending else next(self.text)
        self.taken.append(line)
        return line


def _stray_quote(taken: list[str], delim: str, escape: str | None, width: int) -> bool:
    """Did the row's first line open a quote that swallowed well-formed rows? (Its next line, read alone, is one.)"""
    if len(taken) < 2:
        return False
    try:
        nxt = next(csv.reader([taken[1]], delimiter=delim, escapechar=escape, strict=False), [])
    except csv.Error:
        return False
    return len(nxt) == width


def mapping_error(mapping: dict[str, str]) -> str | None:
    """Why a ``--map`` is wrong (a field the CSV reader does not know), else None."""
    unknown = sorted(set(mapping) - set(DEFAULT_COLUMNS))
    if unknown:
        return f"--map: unknown field {', '.join(map(repr, unknown))} (known: {', '.join(DEFAULT_COLUMNS)})"
    return None


def missing_columns(header: list[str], mapping: dict[str, str] | None) -> list[str]:
    """The ``FIELD=COLUMN`` pairs of ``mapping`` whose column is not in ``header``."""
    have = {_norm(h) for h in header}
    return [f"{k}={v}" for k, v in (mapping or {}).items() if _norm(v) not in have]


def column_map(header: list[str], mapping: dict[str, str] | None) -> dict[str, str]:
    """Post field → actual column name, from the user's mapping first, then the usual names."""
    by_norm = {_norm(h): h for h in header}
    out: dict[str, str] = {}
    for fld, names in DEFAULT_COLUMNS.items():
        if mapping and fld in mapping:
            col = by_norm.get(_norm(mapping[fld]))
            if col is not None:
                out[fld] = col
            continue
        for n in names:
            if n in by_norm:
                out[fld] = by_norm[n]
                break
    return out


def _csv_post(row: dict[str, str], cols: dict[str, str], line: int, warnings: list[str]) -> Post:
    def get(fld: str) -> str:
        c = cols.get(fld)
        return row.get(c, "").strip() if c else ""

    if "text" not in cols:
        raise ValueError("no text column (map one with --map text=COLUMN)")
    text = row.get(cols["text"], "")
    # A date that cannot be read: the post is still checked, without a time (as a JSONL post's).
    at, why = read_time(get("posted_at"), parse_time, "date", f" in column {cols.get('posted_at')!r}")
    if why:
        warnings.append(why)
    platform = get("platform").lower() or "other"
    action = get("action").lower()
    reply = get("in_reply_to") or None
    likes, shares, replies = to_int(get("likes")), to_int(get("shares")), to_int(get("replies"))
    return Post(
        id=get("id") or f"line-{line}",
        text=text,
        action=action if action in ("post", "reply", "share") else ("reply" if reply else "post"),  # type: ignore[arg-type]
        platform=platform if platform in PLATFORMS else "other",  # type: ignore[arg-type]
        account=Account(handle=get("handle"), display_name=get("display_name")),
        circumstances=Circumstances(posted_at=at),
        in_reply_to=reply,
        url=get("url") or None,
        metrics=Metrics(likes=likes, shares=shares, replies=replies) if (likes, shares, replies) != (None,) * 3 else None,
    )


def _read_csv(plan: Plan, member: str) -> Iterator[Item]:
    src = plan.container.label(member)
    with plan.container.open(member) as f:
        cols: dict[str, str] | None = None
        for r in csv_rows(f, src):
            if isinstance(r, RejectedRecord):
                yield r
                continue
            line, row = r
            if cols is None:
                missing = missing_columns(list(row), plan.csv_map)
                if missing:  # mapped by hand and not there: reading it with the usual names would mislabel it
                    yield RejectedRecord(
                        source=src, location="header",
                        reason=f"--map {', '.join(missing)}: no such column (columns: {', '.join(row)}); file not read",
                    )
                    return
                cols = column_map(list(row), plan.csv_map)
            warnings: list[str] = []
            try:
                post = _csv_post(row, cols, line, warnings)
            except ValueError as e:
                yield RejectedRecord(source=src, location=f"line {line}", reason=str(e), raw=excerpt(row))
                continue
            plan.warnings = [f"{src} line {line}: {w}" for w in warnings]
            yield post


# msgspec's JSON syntax messages, in plain words.
_SYNTAX = {
    "trailing comma in object": "a comma with nothing after it before '}'",
    "trailing comma in array": "a comma with nothing after it before ']'",
    "expected ',' or '}'": "expected ',' or '}' after a value",
    "expected ',' or ']'": "expected ',' or ']' after a value",
    "expected '\"'": "expected a field name in double quotes",
    "object keys must be strings": "expected a field name in double quotes",
    "expected ':'": "expected ':' after a field name",
    "trailing characters": "more text after the end of the JSON object",
    "invalid number": "a number written in a way JSON does not allow",
    "invalid escape character in string": "a backslash in a string starts no JSON escape (a backslash itself is written \\\\)",
    "invalid escaped character": "a backslash in a string starts no JSON escape (a backslash itself is written \\\\)",
    "invalid character in unicode escape": "a \\u escape in a string is not four hex digits",
    "invalid utf-16 surrogate pair": "a \\u escape in a string is half of a character pair",
}
_QUOTES = re.compile(r'\\.|"')  # an escape (skipped whole) or a quote
_MALFORMED = re.compile(r"JSON is malformed: (.+) \(byte (\d+)\)")


def json_line_problem(message: str, text: str, n: int) -> str:
    """Plain words, with line ``n`` and the column, for why ``text`` (one JSON line) did not decode."""
    m = _MALFORMED.fullmatch(message)
    col: int | None = None
    if m:
        what, at = m.group(1), int(m.group(2))
        col = len(text.encode("utf-8")[:at].decode("utf-8", "replace")) + 1  # msgspec counts bytes
        c = text[col - 1 : col]
        in_string = sum(1 for q in _QUOTES.findall(text, 0, col - 1) if q == '"') % 2 == 1
        if what != "invalid character":
            words = _SYNTAX.get(what, what)
            slash = text.rfind("\\", 0, col - 1)
            if "escape" in what and 0 <= col - 1 - slash <= 6:  # reported after the escape: point at its backslash
                col = slash + 1
        elif in_string and c in ("\n", "\r"):
            words = "the line ends inside a string (its closing quote is missing)"
        elif in_string:
            words = "a control character (such as a tab) inside a string (JSON writes it as \\t, ...)"
        else:
            # A bad literal ("tru", "None") is reported after the four letters tried: point at its start.
            k = col - 1
            while k > 0 and col - 1 - k < 5 and text[k - 1] not in ' \t,:[{"':
                k -= 1
            if k < col - 1 and text[k].isalpha():
                col = k + 1
            words = f"unexpected {found_at(text, col - 1, 'end of the line')}"
    elif message.startswith("Input data was truncated"):
        col = len(text.rstrip("\r\n")) + 1
        words = "the line ends before the JSON value does (a quote or bracket is never closed)"
    elif message.startswith("Number out of range"):
        words = "a number too large to read"
    elif message.startswith("nested too deeply"):
        words = "nested too deeply to read"
    else:
        words = message
    return f"not valid JSON at line {n}" + (f", column {col}" if col else "") + f": {words}"


def _read_jsonl(plan: Plan, member: str) -> Iterator[Item]:
    src = plan.container.label(member)
    with plan.container.open(member) as f:
        n = 0
        try:
            for n, line in enumerate(f, 1):
                if not line.strip():
                    continue
                try:
                    text = line.decode("utf-8-sig" if n == 1 else "utf-8")
                except UnicodeDecodeError as e:
                    yield RejectedRecord(
                        source=src, location=f"line {n}", reason=f"not UTF-8 text (byte {e.start})", raw=excerpt(line)
                    )
                    continue
                try:
                    post, warnings = post_from_obj(read_json(text), read_contract_time)
                except JSONReadError as e:
                    reason = json_line_problem(str(e), text, n)
                    yield RejectedRecord(source=src, location=f"line {n}", reason=reason, raw=excerpt(line))
                    continue
                except PostDecodeError as e:
                    words = validation_words(e.message)
                    named = e.field and e.field != "$" and not words.startswith("the field ")
                    reason = f"field {(e.field or '').removeprefix('$.')}: {words}" if named else words
                    yield RejectedRecord(source=src, location=f"line {n}", reason=reason, raw=excerpt(line))
                    continue
                # the post contract: an unknown field is ignored and reported (a typo'd "jurisdicton" must be seen)
                plan.warnings = [f"{src} line {n}: {w}" for w in warnings]
                yield post
        except READ_ERRORS as e:
            yield RejectedRecord(source=src, location=f"line {n + 1}", reason=f"damaged file ({e}); the rest is lost")


def read_contract_time(value: object) -> str | None:
    """A JSONL post's ``posted_at``: kept as written when it is ISO 8601 (with its own offset), else converted from
    the other spellings :func:`parse_time` reads (None: not a time; the post is kept without one, with a warning)."""
    return as_written(value) or (parse_time(value) if isinstance(value, str) else None)


def read(plan: Plan) -> Iterator[Item]:
    """Every JSONL line and CSV row in the input, in member order."""
    for m in plan.of("generic:jsonl", "generic:csv"):
        if plan.kinds[m] == "generic:jsonl":
            yield from _read_jsonl(plan, m)
        else:
            yield from _read_csv(plan, m)
