"""Shared pieces of the importers: rejected records, unusable input, streaming JSON, text repair."""

from __future__ import annotations

import html
import io
import json
import re
import tarfile
import zipfile
import zlib
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from typing import IO, Any

import msgspec

from onrecord.model.post import Post

EXCERPT = 200  # characters of raw input kept with a rejected record


class RejectedRecord(msgspec.Struct, kw_only=True):
    """A record that could not be imported: where it was and why. Goes to ``rejects.jsonl``."""

    source: str
    location: str
    reason: str
    raw: str = ""


class UnusableInput(Exception):
    """The whole input cannot be read (corrupt archive, unknown format, not text). Exit 2."""


Item = Post | RejectedRecord

# Errors a damaged archive member raises while it is read (after the archive itself opened fine).
READ_ERRORS: tuple[type[BaseException], ...] = (zipfile.BadZipFile, tarfile.TarError, zlib.error, EOFError, OSError)
# ... plus broken JSON, bad UTF-8 and malformed CAR (all ValueError subclasses).
# RecursionError: JSON nested thousands deep (a hostile or broken file) overflows the stdlib decoder.
LOAD_ERRORS: tuple[type[BaseException], ...] = (ValueError, RecursionError, *READ_ERRORS)


def excerpt(raw: Any, limit: int = EXCERPT) -> str:
    """A short printable excerpt of a raw record for the rejects file."""
    if isinstance(raw, bytes):
        text = raw[: limit * 2].decode("utf-8", errors="backslashreplace").rstrip("\r\n")
    elif isinstance(raw, str):
        text = raw
    else:
        try:
            text = json.dumps(raw, ensure_ascii=False, default=str)
        except (TypeError, ValueError):
            text = repr(raw)
    return text if len(text) <= limit else text[:limit] + "…"


_MOJIBAKE = re.compile("[\u00c2-\u00f4][\u0080-\u00bf]")


def fix_mojibake(s: str) -> str:
    """Undo Meta's export bug: UTF-8 bytes written as ``\\u00XX`` code points. Leaves clean text alone."""
    if not s or not _MOJIBAKE.search(s):
        return s
    try:
        return s.encode("latin-1").decode("utf-8")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return s  # real Latin-1 text or mixed: not mojibake


def fix_deep(obj: Any) -> Any:
    """Apply :func:`fix_mojibake` to every string in a decoded JSON value."""
    if isinstance(obj, str):
        return fix_mojibake(obj)
    if isinstance(obj, list):
        return [fix_deep(x) for x in obj]
    if isinstance(obj, dict):
        return {fix_mojibake(k): fix_deep(v) for k, v in obj.items()}
    return obj


def unescape(s: str) -> str:
    """X and Mastodon escape ``&amp; &lt; &gt;`` in text; undo it."""
    return html.unescape(s) if "&" in s else s


_TAG = re.compile(r"<[^>]+>")
_BREAK = re.compile(r"<\s*(br|/p)\s*/?>", re.I)


def html_to_text(s: str) -> str:
    """Plain text from a Mastodon ``content`` HTML fragment (paragraphs and breaks become newlines)."""
    s = _BREAK.sub("\n", s)
    s = _TAG.sub("", s)
    return html.unescape(s).strip()


def iso_utc(ts: datetime) -> str:
    """ISO 8601 with offset, seconds precision."""
    if ts.tzinfo is None:
        ts = ts.replace(tzinfo=UTC)
    return ts.isoformat(timespec="seconds").replace("+00:00", "Z")


def from_unix(value: Any) -> str | None:
    """Unix seconds (int or numeric string) to ISO 8601, ``None`` when absent or not a number."""
    try:
        return iso_utc(datetime.fromtimestamp(int(value), tz=UTC))
    except (TypeError, ValueError, OverflowError, OSError):
        return None


def from_iso(value: Any) -> str | None:
    """Normalise an ISO 8601 timestamp (``Z`` or offset); ``None`` when it does not parse."""
    if not isinstance(value, str) or not value:
        return None
    try:
        return iso_utc(datetime.fromisoformat(value.replace("Z", "+00:00")))
    except ValueError:
        return None


def to_int(value: Any) -> int | None:
    """Counts arrive as ints or strings (X writes ``"12"``)."""
    if value is None or value == "":
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


class JSONStreamError(ValueError):
    """The JSON stream is broken at ``offset`` (characters from the start); ``truncated`` if it just ends."""

    def __init__(self, message: str, offset: int, truncated: bool) -> None:
        super().__init__(message)
        self.offset = offset
        self.truncated = truncated


_WS = " \t\r\n"
_decoder = json.JSONDecoder()


class _Reader:
    """Characters from a text stream with a growing/trimming buffer, for incremental ``raw_decode``."""

    def __init__(self, stream: IO[str], chunk: int = 1 << 20) -> None:
        self.stream = stream
        self.chunk = chunk
        self.buf = ""
        self.pos = 0
        self.base = 0  # characters dropped from the front of buf
        self.eof = False

    def more(self) -> bool:
        if self.eof:
            return False
        data = self.stream.read(self.chunk)
        if not data:
            self.eof = True
            return False
        if self.pos > len(self.buf) // 2:  # drop what was consumed, amortised O(n)
            self.base += self.pos
            self.buf = self.buf[self.pos :]
            self.pos = 0
        self.buf += data
        return True

    def skip_ws(self) -> str:
        """Skip whitespace; return the next character ('' at the end)."""
        while True:
            while self.pos < len(self.buf) and self.buf[self.pos] in _WS:
                self.pos += 1
            if self.pos < len(self.buf):
                return self.buf[self.pos]
            if not self.more():
                return ""

    def expect(self, chars: str, what: str) -> str:
        c = self.skip_ws()
        if not c:
            raise JSONStreamError(f"the file ends where {what} was expected", self.offset, True)
        if c not in chars:
            raise JSONStreamError(f"expected {what}, found {c!r}", self.offset, False)
        self.pos += 1
        return c

    @property
    def offset(self) -> int:
        return self.base + self.pos

    def value(self) -> Any:
        """Decode one JSON value at the current position, reading more input as needed."""
        self.skip_ws()
        while True:
            try:
                val, end = _decoder.raw_decode(self.buf, self.pos)
            except json.JSONDecodeError as e:
                # Only an error where the buffer ends (a value, string or escape cut by the chunk) may mean "need
                # more input"; one in the middle is final. Reading on after it held the rest of the file in memory
                # and re-decoded it on every chunk: quadratic in the file size (400 MB: 158 s and 3.1 GB).
                at_end = len(self.buf) - e.pos <= 8 or e.msg.startswith("Unterminated string")
                if at_end and not self.eof and self.more():
                    continue
                truncated = e.pos >= len(self.buf) - 1 or "Unterminated" in e.msg
                raise JSONStreamError(f"invalid JSON: {e.msg}", self.base + e.pos, truncated) from None
            # A number cut by the chunk boundary ("1" of "1.5e3") may continue: decode again with more input.
            if isinstance(val, int | float) and len(self.buf) - end < 2 and not self.eof and self.more():
                continue
            self.pos = end
            return val


def iter_json_array(stream: IO[str], reader: _Reader | None = None) -> Iterator[Any]:
    """Yield the elements of a JSON array one by one without loading the whole file.

    Raises :class:`JSONStreamError` (with the offset) where the array breaks; elements before it
    have already been yielded, so nothing good is lost.
    """
    r = reader or _Reader(stream)
    r.expect("[", "'['")
    if r.skip_ws() == "]":
        r.pos += 1
        return
    while True:
        yield r.value()
        c = r.expect(",]", "',' or ']'")
        if c == "]":
            return


def iter_json_key(stream: IO[str], key: str) -> Iterator[Any]:
    """Yield the elements of the array under top-level ``key`` of a JSON object, streaming.

    Other top-level values are decoded and dropped (they are small in every export we read).
    A missing key yields nothing.
    """
    r = _Reader(stream)
    r.expect("{", "'{'")
    if r.skip_ws() == "}":
        return
    while True:
        k = r.value()
        r.expect(":", "':'")
        if k == key and r.skip_ws() == "[":
            yield from iter_json_array(stream, r)
        else:
            r.value()
        c = r.expect(",}", "',' or '}'")
        if c == "}":
            return


_YTD = re.compile(r"^\s*window\.YTD\.([A-Za-z0-9_]+)\.part(\d+)\s*=\s*")


def strip_ytd(stream: IO[str]) -> tuple[str, int, Any]:
    """Consume X's ``window.YTD.<name>.partN = `` prefix; return name, part and the stream at the array."""
    head = stream.read(256)
    m = _YTD.match(head)
    if not m:
        raise JSONStreamError("not an X archive data file (no 'window.YTD.<name>.partN =' prefix)", 0, False)
    rest = head[m.end() :]
    return m.group(1), int(m.group(2)), _Prefixed(rest, stream)


class _Prefixed:
    """A text stream that first returns ``prefix``, then the rest of ``stream``."""

    def __init__(self, prefix: str, stream: IO[str]) -> None:
        self.prefix = prefix
        self.stream = stream

    def read(self, n: int = -1) -> str:
        if self.prefix:
            out, self.prefix = self.prefix, ""
            return out
        return self.stream.read(n)


def text_stream(raw: IO[bytes], encoding: str = "utf-8-sig") -> IO[str]:
    """A strict UTF-8 text stream over bytes (a BOM is skipped); decoding errors raise UnicodeDecodeError."""
    return io.TextIOWrapper(raw, encoding=encoding, errors="strict")


def records_from(
    items: Iterator[Any], source: str, where: Callable[[int], str], convert: Callable[[Any], Post | None]
) -> Iterator[Item]:
    """Convert raw records, turning every failure into a RejectedRecord (never stopping the stream).

    ``convert`` returns ``None`` for records that are not posts by design (e.g. a like); raising
    ``ValueError``/``KeyError``/``TypeError`` rejects the record with the message as the reason.
    """
    i = -1
    try:
        for i, raw in enumerate(items):
            try:
                post = convert(raw)
            except (ValueError, KeyError, TypeError, AttributeError, msgspec.ValidationError) as e:
                yield RejectedRecord(source=source, location=where(i), reason=str(e) or type(e).__name__, raw=excerpt(raw))
                continue
            if post is not None:
                yield post
    except JSONStreamError as e:
        what = "the file is truncated" if e.truncated else "the file is not valid JSON"
        yield RejectedRecord(
            source=source,
            location=f"{where(i + 1)} (character {e.offset})",
            reason=f"{what}: {e}; every record from here to the end of the file is lost",
        )
    except UnicodeDecodeError as e:
        yield RejectedRecord(
            source=source,
            location=where(i + 1),
            reason=f"not UTF-8 text ({e.reason} at byte {e.start} of a read block); the rest of the file is lost",
        )
    except RecursionError:
        yield RejectedRecord(
            source=source,
            location=where(i + 1),
            reason="JSON nested too deeply to read; every record from here to the end of the file is lost",
        )
    except READ_ERRORS as e:
        yield RejectedRecord(
            source=source,
            location=where(i + 1),
            reason=f"the archive member is damaged ({e}); the rest of the file is lost",
        )
