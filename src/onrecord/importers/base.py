"""Shared pieces of the importers: rejected records, unusable input, streaming JSON, text repair."""

from __future__ import annotations

import html
import io
import json
import re
import struct
import sys
import tarfile
import zipfile
import zlib
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from typing import IO, Any, Protocol

import msgspec

from onrecord.model.post import Post
from onrecord.model.when import read_time

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


class _Warned(Protocol):
    warnings: list[str]


class RecordWarnings:
    """Warnings about the record being converted (a date that cannot be read), for the plan's ``warnings``.

    A converter adds them without the place; the reader, just before it yields the post, hands them over named by
    file and place ("tweets.js [3]: created_at 'soon' is not a date and time ..."), replacing those of the post
    before, where ``ImportJob.take_warnings`` takes them (the audit puts them into the post's result)."""

    def __init__(self, plan: _Warned) -> None:
        self.plan = plan
        self.pending: list[str] = []

    def clear(self) -> None:
        """Forget what a record that was not yielded (a reject) said."""
        self.pending = []

    def time(self, value: Any, read: Callable[[Any], str | None], field: str, after: str = "") -> str | None:
        """The contract's ``posted_at`` from the platform's raw date ``value`` (:func:`~onrecord.model.when.read_time`):
        None when there is none, or, with a warning, when ``read`` cannot turn it into ISO 8601. The post is kept."""
        at, why = read_time(value, read, field, after)
        if why:
            self.pending.append(why)
        return at

    def hand_over(self, place: str) -> None:
        """Give the warnings about the post about to be yielded to the plan, each naming ``place`` (file and where)."""
        self.plan.warnings = [f"{place}: {w}" for w in self.pending]
        self.pending = []

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
    """The JSON stream is broken at ``offset`` (characters from the start); ``truncated`` if it just ends.

    ``problem`` says what is wrong in plain words; ``line`` and ``column`` (from 1; 0: not known) say where, and
    ``str()`` gives both: "not valid JSON at line 3, column 14: expected a value, found 'tru'".
    """

    def __init__(self, problem: str, offset: int, truncated: bool, line: int = 0, column: int = 0) -> None:
        super().__init__(f"not valid JSON at line {line}, column {column}: {problem}" if line else problem)
        self.problem = problem
        self.offset = offset
        self.truncated = truncated
        self.line = line
        self.column = column


_WORD_RUN = re.compile(r"[\w.+-]{1,20}")


def found_at(buf: str, pos: int, end: str = "the end of the file") -> str:
    """What stands at ``pos``, for a message: a word, or one character, or ``end``."""
    if pos >= len(buf):
        return end
    m = _WORD_RUN.match(buf, pos)
    return repr(m.group() if m else buf[pos])


# Python's JSON decoder messages (by their start) in plain words; {found} is what stands where it stopped.
_JSON_WORDS: tuple[tuple[str, str], ...] = (
    ("Expecting value", "expected a value, found {found}"),
    ("Expecting property name", "expected a field name in double quotes, found {found}"),
    ("Expecting ':'", "expected ':' after a field name, found {found}"),
    ("Expecting ','", "expected ',' or a closing bracket after a value, found {found}"),
    ("Unterminated string", "a string is never closed"),
    ("Invalid control character", "a line break or other control character inside a string (JSON writes it as \\n, \\t, ...)"),
    ("Invalid \\uXXXX", "a \\u escape in a string is not four hex digits"),
    ("Invalid \\escape", "a backslash in a string starts no JSON escape (a backslash itself is written \\\\)"),
    ("Extra data", "more data after the end of the JSON value"),
    ("Illegal trailing comma", "a comma with nothing after it"),
)


def json_words(msg: str, buf: str, pos: int) -> str:
    """Plain words for a message of Python's JSON decoder (``msg`` at ``pos`` of ``buf``)."""
    before = buf[:pos].rstrip()[-1:]
    found = found_at(buf, pos)
    if before == "," and buf[pos : pos + 1] in ("}", "]"):
        return f"a comma with nothing after it before {buf[pos]!r}"
    for prefix, words in _JSON_WORDS:
        if msg.startswith(prefix):
            return words.format(found=found)
    return msg.removesuffix(" at")


class BrokenRecord:
    """One element of a JSON array that does not decode; the reader skipped it and read on after it."""

    def __init__(self, error: JSONStreamError, raw: str) -> None:
        self.error = error
        self.raw = raw


_WS = " \t\r\n"
_decoder = json.JSONDecoder()
# Where the next character that matters to the element-skipping scan is, inside and outside a string.
_IN_STRING = re.compile(r'["\\\n]')
_OUTSIDE = re.compile(r'["{}\[\],]')


class _Reader:
    """Characters from a text stream with a growing/trimming buffer, for incremental ``raw_decode``."""

    def __init__(self, stream: IO[str], chunk: int = 1 << 20, origin: str = "") -> None:
        self.stream = stream
        self.chunk = chunk
        self.buf = ""
        self.pos = 0
        self.base = 0  # characters dropped from the front of buf
        self.eof = False
        # Lines and columns, for messages: ``origin`` is the text the stream starts after (X's "window.YTD... = ").
        self.lines = origin.count("\n")  # line breaks before ``base``
        self.line_start = origin.rfind("\n") - len(origin) + 1  # offset where the line at ``base`` starts
        self._last = (0, self.lines, self.line_start)  # the last offset located, to count on from it

    def where(self, offset: int) -> tuple[int, int]:
        """Line and column (from 1) of ``offset``, which is in the buffer. Counts on from the offset located last
        (errors come in file order), so locating many is linear."""
        at, lines, start = self._last
        if not self.base <= at <= offset:
            at, lines, start = self.base, self.lines, self.line_start
        i, j = at - self.base, max(0, min(offset - self.base, len(self.buf)))
        n = self.buf.count("\n", i, j)
        if n:
            lines, start = lines + n, self.base + self.buf.rfind("\n", i, j) + 1
        self._last = (offset, lines, start)
        return lines + 1, offset - start + 1

    def fail(self, problem: str, offset: int, truncated: bool) -> JSONStreamError:
        """The error for ``problem`` at ``offset``, with its line and column."""
        return JSONStreamError(problem, offset, truncated, *self.where(offset))

    def more(self, at_least: int = 0) -> bool:
        """Read a chunk (or ``at_least`` characters, if more) onto the buffer, trimming what was consumed."""
        if self.eof:
            return False
        data = self.stream.read(max(self.chunk, at_least))
        if not data:
            self.eof = True
            return False
        if self.pos > len(self.buf) // 2:  # drop what was consumed, amortised O(n)
            n = self.buf.count("\n", 0, self.pos)
            if n:
                self.lines += n
                self.line_start = self.base + self.buf.rfind("\n", 0, self.pos) + 1
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
            raise self.fail(f"the file ends where {what} was expected", self.offset, True)
        if c not in chars:
            raise self.fail(f"expected {what}, found {found_at(self.buf, self.pos)}", self.offset, False)
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
                # Read as much again as is pending: a value longer than a chunk is decoded again per read, and
                # doubling keeps that linear (fixed 1 MB reads made a 42 MB record quadratic: 16 s).
                if at_end and not self.eof and self.more(len(self.buf) - self.pos):
                    continue
                truncated = e.pos >= len(self.buf) - 1 or "Unterminated" in e.msg
                raise self.fail(json_words(e.msg, self.buf, e.pos), self.base + e.pos, truncated) from None
            # A number cut by the chunk boundary ("1" of "1.5e3") may continue: decode again with more input.
            if isinstance(val, int | float) and len(self.buf) - end < 2 and not self.eof and self.more():
                continue
            self.pos = end
            return val

    def grow(self, stop: int) -> bool:
        """Read one more chunk onto the buffer without trimming it (buffer indices stay valid), unless the buffer
        already reaches index ``stop`` or the stream has ended."""
        if self.eof or len(self.buf) >= stop:
            return False
        data = self.stream.read(self.chunk)
        if not data:
            self.eof = True
            return False
        self.buf += data
        return True

    def skip_element(self) -> bool:
        """From the start of a broken array element, move to the ``,`` or ``]`` after it (outside strings, at
        the element's own depth). False when the file ends first (a bracket never closed: where the element
        ends is unknown).

        The buffer is trimmed as usual while scanning: linear in the element's length, without holding it.
        """
        end = _scan_end(self, self.pos, [], False)
        if end is None:
            return False
        self.pos = end
        return True


def iter_json_array(stream: IO[str], reader: _Reader | None = None) -> Iterator[Any]:
    """Yield the elements of a JSON array one by one without loading the whole file.

    An element that does not decode is yielded as a :class:`BrokenRecord` and the reader goes on at the
    next element. Raises :class:`JSONStreamError` (with the offset) where the array itself breaks (the
    file is truncated, a separator is wrong, or where a broken element ends cannot be found); elements
    before it have already been yielded, so nothing good is lost.
    """
    r = reader or _Reader(stream, origin=stream.skipped if isinstance(stream, _Prefixed) else "")
    r.expect("[", "'['")
    if r.skip_ws() == "]":
        r.pos += 1
        return
    while True:
        yield _element(r)
        c = r.expect(",]", "',' or ']'")
        if c == "]":
            return


def _element(r: _Reader) -> Any:
    """The next array element, or a BrokenRecord with the reader moved past it."""
    try:
        return r.value()
    except JSONStreamError as e:
        if e.truncated:
            raise
        err = e
    except RecursionError:  # nested thousands deep: the decoder overflows, the scan below does not recurse
        err = r.fail("nested too deeply to read", r.offset, False)
    r.skip_ws()  # the failed decode left the reader at the element's start (the buffer is trimmed before it only)
    start = r.offset
    resync = _resync(r, err)
    if resync is not None:
        end, err = resync
        raw = r.buf[r.pos : min(end, r.pos + 2 * EXCERPT)]
        r.pos = end
        return BrokenRecord(err, raw.rstrip())
    while len(r.buf) - r.pos < 2 * EXCERPT and r.more():
        pass  # enough of the record for the reject's excerpt, kept before skipping trims the buffer
    raw = r.buf[r.pos : r.pos + 2 * EXCERPT]
    if not r.skip_element():
        raise err
    return BrokenRecord(err, raw[: r.offset - start].rstrip())


# How far past a broken record's start the resync reads ahead (characters), first in a small window, then a
# large one: far more than one record of any export, little enough to hold. Past it, the record is skipped by its
# structure alone, as before.
RESYNC_WINDOWS = (1 << 16, 1 << 22)
_TAIL = frozenset(_WS + ",:{}[]")
_WORD = re.compile(r"[\w.+-]")  # a character of a key or value written without its quotes


def _close(opened: list[str], c: str) -> None:
    """A ``}`` or ``]``; a closer of the other kind also closes what was left open inside it."""
    want = "{" if c == "}" else "["
    while opened and opened.pop() != want:
        pass


def _state_at(buf: str, start: int, upto: int) -> tuple[list[str], bool, int, list[str]]:
    """Scan ``buf[start:upto]`` as JSON tokens: the brackets open at ``upto``, whether it is inside a string, and
    where the last string opened (-1: none) with the brackets open there."""
    opened: list[str] = []
    in_string, quote, at_quote = False, -1, opened
    i = start
    while True:
        m = (_IN_STRING if in_string else _OUTSIDE).search(buf, i, upto)
        if m is None:
            return opened, in_string, quote, at_quote
        c, i = m.group(), m.end()
        if in_string:
            if c == "\\":
                i += 1
            else:
                in_string = False
        elif c == '"':
            in_string, quote, at_quote = True, m.start(), list(opened)
        elif c in "{[":
            opened.append(c)
        elif c in "}]":
            _close(opened, c)


def _scan_end(r: _Reader, i: int, opened: list[str], in_string: bool, stop: int | None = None) -> int | None:
    """From buffer index ``i`` in the given state, the index of the ``,`` ``}`` or ``]`` that ends the element
    (nothing left open, outside strings); None if the input ends first or the end is not before ``stop``.

    With a ``stop`` the reader reads ahead without trimming (indices stay valid, for trying several readings);
    without one it reads on as far as needed and trims what the scan has passed (``r.pos`` follows the scan).
    Regex jumps between the characters that matter: linear in the element's length.
    """
    limit = sys.maxsize if stop is None else stop
    while True:
        m = (_IN_STRING if in_string else _OUTSIDE).search(r.buf, i, limit)
        if m is None:
            k = _read_on(r, max(i, min(len(r.buf), limit)), stop)
            if k is None:
                return None
            i = k
            continue
        c, i = m.group(), m.end()
        if in_string:
            if c == "\\":  # the escaped character may be the next chunk's first
                if i >= len(r.buf):
                    k = _read_on(r, i, stop)
                    if k is None:
                        return None
                    i = k
                i += 1
            else:
                # A closing quote; or a raw newline, which no JSON string holds: the quote that opened this
                # "string" was stray or its closing one is missing, and the line end is the best guess.
                in_string = False
        elif c == '"':
            in_string = True
        elif c in "{[":
            opened.append(c)
        elif not opened:  # ',' '}' or ']' at the element's own depth: the element ends here
            return m.start()
        elif c in "}]":
            _close(opened, c)


def _read_on(r: _Reader, i: int, stop: int | None) -> int | None:
    """One more chunk for a scan at buffer index ``i``: the index again (it moves when the buffer is trimmed,
    without a ``stop``), or None when there is no more to read before ``stop``."""
    if stop is None:
        r.pos = i
        return r.pos if r.more() else None
    return i if r.grow(stop) else None


def _next_char(r: _Reader, i: int, stop: int) -> tuple[str, int]:
    """The first character at or after buffer index ``i`` that is not whitespace, and its index ('' at the end)."""
    while True:
        while i < len(r.buf) and r.buf[i] in _WS:
            i += 1
        if i < len(r.buf):
            return r.buf[i], i
        if not r.grow(stop):
            return "", i


def _record_follows(r: _Reader, end: int, stop: int) -> bool:
    """Does the array go on well after buffer index ``end``: a ``,`` then an object or array that decodes, followed
    by ``,`` or ``]``; or the array's ``]`` with the file, or its enclosing object, going on after it?"""
    if r.buf[end] == "]":
        return _next_char(r, end + 1, stop)[0] in ("", ",", "}")
    c, n = _next_char(r, end + 1, stop)
    if r.buf[end] != "," or c not in ("{", "["):
        return False
    while True:
        try:
            _val, k = _decoder.raw_decode(r.buf, n)
        except json.JSONDecodeError as e:
            if (len(r.buf) - e.pos <= 8 or e.msg.startswith("Unterminated string")) and r.grow(stop):
                continue
            return False
        except RecursionError:
            return False
        return _next_char(r, k, stop)[0] in ("", ",", "]")


def _resync(r: _Reader, err: JSONStreamError) -> tuple[int, JSONStreamError] | None:
    """Where a broken record ends (buffer index of the ``,`` or ``]`` after it) and the error to report, found by
    reading ahead from the record's start, which the reader stays at; None when no end is found in the windows.

    Three readings of the damage are tried, and the earliest end is taken (a wrong reading runs on past the real
    end):

    * the record's own structure, with its strings as they are (a trailing comma, a bad literal);
    * the string the decoder read last was never closed: it ran on to the opening quote of the next key or value
      (``"lang":"en}},{"tweet":``) and failed just after it. Taking that quote as opening sees the strings the right
      way round again; what was written where the string should have closed (``}},{``) is the tail of the string;
    * a quote is missing before the word the decoder stopped at or just after (a key or a value).

    The last two count only where a good record follows the end they find.

    Skipping by structure alone sees every string after a missing quote inside out: in a file on one line it found
    no end (every record after lost) or a wrong one (the next record lost too).
    """
    s, ep = r.pos, err.offset - r.base
    readings: list[tuple[int, list[str], bool, JSONStreamError]] = [(s, [], False, err)]
    if s < ep <= len(r.buf):
        j = ep - 1
        while j > s and r.buf[j] in _WS:
            j -= 1
        _opened, in_string, quote, at_quote = _state_at(r.buf, s, j)
        if r.buf[j] == '"' and in_string:  # the quote at j closes the string the decoder read last
            never = r.fail("a string is never closed (its closing quote is missing)", r.base + quote, False)
            tail = j
            while tail > quote + 1 and r.buf[tail - 1] in _TAIL:
                tail -= 1
            # The string closed before its tail of brackets and commas (the quote at j then opens a string), or later.
            readings.extend((split, at_quote, False, never) for split in range(tail, j + 1))
        # A word the decoder stopped at or just after (``"n":8"``, ``{tweet":``): its opening quote is missing.
        word = ep if ep < len(r.buf) and _WORD.match(r.buf, ep) else j + 1 if _WORD.match(r.buf, j) else -1
        while word > s and _WORD.match(r.buf, word - 1):
            word -= 1
        if word > s:
            opened, in_string, _q, _at = _state_at(r.buf, s, word)
            if not in_string:
                missing = r.fail("a quote is missing before a key or value", r.base + word, False)
                readings.append((word, opened, True, missing))
    for window in RESYNC_WINDOWS:
        best: tuple[int, JSONStreamError] | None = None
        for n, (i, opened, in_string, why) in enumerate(readings):
            end = _scan_end(r, i, list(opened), in_string, best[0] if best else s + window)
            # The record's own structure is taken as before (a file of broken records stays linear to read);
            # a reading of a missing quote only when a good record follows where it ends.
            if end is not None and (r.buf[end] in ",]" if n == 0 else _record_follows(r, end, s + 2 * window)):
                best = (end, why)
        if best is not None:
            return best
    return None


class NoRecords(ValueError):
    """The records' array is missing from the file, or is not an array (``"orderedItems": null``)."""


def _json_kind(v: Any) -> str:
    if v is None:
        return "null"
    if isinstance(v, bool):
        return str(v).lower()
    if isinstance(v, dict):
        return "an object"
    return "a string" if isinstance(v, str) else "a number"


def iter_json_key(stream: IO[str], key: str) -> Iterator[Any]:
    """Yield the elements of the array under top-level ``key`` of a JSON object, streaming.

    Other top-level values are decoded and dropped (they are small in every export we read).
    A missing key, or one whose value is not an array, raises :class:`NoRecords` once the object is read:
    an outbox with ``"orderedItems": null`` read 0 posts without a word.
    """
    r = _Reader(stream)
    r.expect("{", "'{'")
    found: str | None = None  # what the key held, when it was not an array
    if r.skip_ws() != "}":
        while True:
            k = r.value()
            r.expect(":", "':'")
            if k == key and r.skip_ws() == "[":
                found = "a list"
                yield from iter_json_array(stream, r)
            elif k == key:
                found = _json_kind(r.value())
            else:
                r.value()
            if r.expect(",}", "',' or '}'") == "}":
                break
    else:
        r.pos += 1
    if found is None:
        raise NoRecords(f"the file has no '{key}' list of records")
    if found != "a list":
        raise NoRecords(f"'{key}' is {found}, not a list of records")


_YTD = re.compile(r"^\s*window\.YTD\.([A-Za-z0-9_]+)\.part(\d+)\s*=\s*")


def strip_ytd(stream: IO[str]) -> tuple[str, int, Any]:
    """Consume X's ``window.YTD.<name>.partN = `` prefix; return name, part and the stream at the array."""
    head = stream.read(256)
    m = _YTD.match(head)
    if not m:
        raise JSONStreamError("not an X archive data file (no 'window.YTD.<name>.partN =' prefix)", 0, False)
    rest = head[m.end() :]
    return m.group(1), int(m.group(2)), _Prefixed(rest, stream, head[: m.end()])


class _Prefixed:
    """A text stream that first returns ``prefix``, then the rest of ``stream``; ``skipped``: what came before."""

    def __init__(self, prefix: str, stream: IO[str], skipped: str = "") -> None:
        self.prefix = prefix
        self.stream = stream
        self.skipped = skipped

    def read(self, n: int = -1) -> str:
        if self.prefix:
            out, self.prefix = self.prefix, ""
            return out
        return self.stream.read(n)


def text_stream(raw: IO[bytes], encoding: str = "utf-8-sig") -> IO[str]:
    """A strict UTF-8 text stream over bytes (a BOM is skipped); decoding errors raise UnicodeDecodeError."""
    return io.TextIOWrapper(raw, encoding=encoding, errors="strict")


_KINDS = {"str": "text", "int": "a whole number", "float": "a number", "bool": "true or false", "null": "null",
          "object": "an object", "array": "a list", "bytes": "text", "datetime": "a date and time",
          "list": "a list", "dict": "an object", "NoneType": "null"}  # the last: Python's names, from post_from_obj
_EXPECTED = re.compile(r"Expected `([^`]+)`, got `([^`]+)`")
_ENUM = re.compile(r"Invalid enum value (.+)")
_MISSING = re.compile(r"Object missing required field `([^`]+)`")
_NOT_OBJECT = re.compile(r"expected a JSON object, got (\w+)")


def _kind(names: str) -> str:
    words = [_KINDS.get(n.strip(), n.strip()) for n in names.split("|")]
    return " or ".join(dict.fromkeys(words))


def validation_words(msg: str) -> str:
    """Plain words for a msgspec validation message ("Expected `str | null`, got `int`" -> "expected text or
    null, found a whole number"); the path (`` - at `$.x` ``) is left to the caller."""
    msg = re.sub(r" - at `[^`]*`$", "", msg)
    if m := _EXPECTED.fullmatch(msg):
        return f"expected {_kind(m.group(1))}, found {_kind(m.group(2))}"
    if m := _ENUM.fullmatch(msg):
        return f"{m.group(1)} is not one of the values allowed here"
    if m := _MISSING.fullmatch(msg):
        return f"the field '{m.group(1)}' is missing"
    if m := _NOT_OBJECT.fullmatch(msg):
        return f"expected a JSON object, found {_kind(m.group(1))}"
    return msg


def problem_words(e: BaseException) -> str:
    """Why a record or file could not be read, in plain words (never Python's exception text, which our own
    ValueErrors are not)."""
    if isinstance(e, msgspec.ValidationError):
        return validation_words(str(e))
    if isinstance(e, UnicodeDecodeError):
        return f"not UTF-8 text (byte {e.start} of a block read); re-save it as UTF-8"
    if isinstance(e, KeyError):
        return f"the record has no {e.args[0]!r} field" if e.args else "a field the record needs is missing"
    if isinstance(e, TypeError | AttributeError):
        return "the record is not laid out as this export's records are (a field holds a value of an unexpected kind)"
    if isinstance(e, struct.error | IndexError):
        return "the data is cut short or damaged"
    if isinstance(e, RecursionError):
        return "nested too deeply to read"
    return str(e) or type(e).__name__


def _at(e: JSONStreamError) -> str:
    return f"line {e.line}, column {e.column}" if e.line else f"character {e.offset}"


def records_from(
    items: Iterator[Any],
    source: str,
    where: Callable[[int], str],
    convert: Callable[[Any], Post | None],
    said: RecordWarnings | None = None,
) -> Iterator[Item]:
    """Convert raw records, turning every failure into a RejectedRecord (never stopping the stream).

    ``convert`` returns ``None`` for records that are not posts by design (e.g. a like); raising
    ``ValueError``/``KeyError``/``TypeError`` rejects the record with the message as the reason. What ``convert``
    adds to ``said`` is handed over with its post, named ``"<source> <where>"``.
    """
    i = -1
    try:
        for i, raw in enumerate(items):
            if isinstance(raw, BrokenRecord):
                yield RejectedRecord(
                    source=source,
                    location=f"{where(i)} ({_at(raw.error)})",
                    reason=f"{raw.error}; the record is skipped and the records after it are read",
                    raw=excerpt(raw.raw),
                )
                continue
            if said is not None:
                said.clear()
            try:
                post = convert(raw)
            except (ValueError, KeyError, TypeError, AttributeError, msgspec.ValidationError) as e:
                yield RejectedRecord(source=source, location=where(i), reason=problem_words(e), raw=excerpt(raw))
                continue
            if post is not None:
                if said is not None:
                    said.hand_over(f"{source} {where(i)}")
                yield post
    except NoRecords as e:
        yield RejectedRecord(source=source, location="(file)", reason=f"{e}: no posts could be read from it")
    except JSONStreamError as e:
        yield RejectedRecord(
            source=source,
            location=f"{where(i + 1)} ({_at(e)})",
            reason=(f"the file is truncated (at {_at(e)}: {e.problem})" if e.truncated else str(e))
            + "; every record from here to the end of the file is lost",
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
