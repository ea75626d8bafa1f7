"""Pick the importer for an input by its content, never by its file name.

Every file of an input (the input itself, or each member of a folder/ZIP/tar) is classified from
its first bytes into a *kind* such as ``x:tweets`` or ``linkedin:shares``; the kinds found decide
which importer reads the input.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from onrecord.importers.base import Item, UnusableInput
from onrecord.importers.container import READ_ERRORS, Container, open_container
from onrecord.model.decode import JSONReadError, read_json

HEAD = 8192
# A JSON lines file whose first line is longer than HEAD: how far to look for a whole line, and how many lines.
LOOKAHEAD = 1 << 20
JSONL_LINES = 50
_YTD = re.compile(rb"^\s*window\.YTD\.([A-Za-z0-9_]+)\.part(\d+)\s*=")
_MEDIA_MAGIC = (b"\xff\xd8\xff", b"\x89PNG", b"GIF8", b"RIFF", b"\x00\x00\x00", b"OggS", b"ID3", b"%PDF")

# Kinds that carry posts (an input without one of them is unusable).
POST_KINDS = frozenset(
    {
        "x:tweets",
        "x:deleted_tweets",
        "x:note_tweet",
        "mastodon:outbox",
        "bluesky:car",
        "linkedin:shares",
        "linkedin:comments",
        "meta:fb_posts",
        "meta:fb_comments",
        "meta:ig_posts",
        "meta:threads",
        "generic:jsonl",
        "generic:csv",
    }
)


def _norm(h: str) -> str:
    return re.sub(r"[^a-z0-9]", "", h.lower())


LINKEDIN_SHARES = {"sharecommentary", "sharelink"}
LINKEDIN_COMMENTS = {"date", "link", "message"}
LINKEDIN_PROFILE = {"firstname", "lastname", "headline"}
CSV_TEXT_COLUMNS = ("text", "fulltext", "content", "body", "message", "post", "tweet", "posttext")


def _is_car(head: bytes) -> bool:
    # CARv1: varint header length, then a DAG-CBOR map {"roots": [...], "version": 1}.
    n, i = 0, 0
    for shift in range(0, 35, 7):
        if i >= len(head):
            return False
        b = head[i]
        i += 1
        n |= (b & 0x7F) << shift
        if not b & 0x80:
            break
    return 0 < n < 4096 and i < len(head) and head[i] in (0xA1, 0xA2) and b"roots" in head[i : i + n]


def classify(head: bytes, csv_map: dict[str, str] | None = None) -> str:
    """The kind of one file from its first bytes; ``unknown``, ``media`` or ``not-utf8`` when none fits."""
    if not head.strip():
        return "empty"
    if head[:4] == b"PK\x03\x04" or head[:2] == b"\x1f\x8b":
        return "archive"
    if _is_car(head):
        return "bluesky:car"
    if head.startswith(_MEDIA_MAGIC) or head[4:8] == b"ftyp":
        return "media"
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "utf16"
    try:
        text = head.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        if e.start >= len(head) - 4:  # only a multi-byte character cut at the end of the sample
            text = head[: e.start].decode("utf-8-sig")
        else:
            # A stray byte or two in otherwise UTF-8 text: classify it, the importer rejects those records. In a
            # short file one bad byte is a large share of the sample, so a file that shows it is UTF-8 (a BOM, or
            # well-formed multi-byte characters) is refused only for more than a few: else one line would cost all.
            text = head.decode("utf-8-sig", errors="replace")
            bad = text.count("\ufffd")
            utf8 = head.startswith(b"\xef\xbb\xbf") or any(ch > "\x7f" and ch != "\ufffd" for ch in text)
            if bad * 2000 > len(head) and not (utf8 and bad <= 3):
                return "not-utf8"
    m = _YTD.match(head.lstrip(b"\xef\xbb\xbf"))
    if m:
        name = m.group(1).decode()
        return {"tweet": "x:tweets", "tweets": "x:tweets"}.get(name, f"x:{name}")
    s = text.lstrip()
    if s.startswith(("{", "[")):
        return _classify_json(s)
    return _classify_csv(text, csv_map)


def _classify_json(s: str) -> str:
    if s.startswith("{"):
        if re.search(r'"orderedItems"\s*:\s*\[\s*"', s):
            return "mastodon:collection"  # likes.json, bookmarks.json: lists of URLs, no posts of the account's
        if '"orderedItems"' in s or re.search(r'"type"\s*:\s*"OrderedCollection"', s):
            return "mastodon:outbox"
        if re.search(r'"type"\s*:\s*"(Person|Service|Application|Group)"', s) and '"preferredUsername"' in s:
            return "mastodon:actor"
        if '"text_post_app_text_posts"' in s:
            return "meta:threads"
        if '"profile_v2"' in s:
            return "meta:fb_profile"
        if '"profile_user"' in s:
            return "meta:ig_profile"
        if '"comments_v2"' in s or re.match(r'\{\s*"comments"\s*:', s):
            return "meta:fb_comments"
        return _classify_jsonl(s)
    # A top-level list: Meta posts (Facebook records have "timestamp"; Instagram "creation_timestamp").
    if re.search(r'"timestamp"\s*:', s) and ('"data"' in s or '"attachments"' in s or '"title"' in s):
        return "meta:fb_posts"
    if '"creation_timestamp"' in s and '"media"' in s:
        return "meta:ig_posts"
    return "unknown"


def _classify_jsonl(s: str) -> str:
    """JSON lines in the post contract, from the first line of the sample that parses: a broken first line is the
    importer's reject for that line, not a refusal of the whole file. (A line cut by the end of the sample does not
    parse, so it is never the one that decides.)"""
    for line in s.split("\n", JSONL_LINES)[:JSONL_LINES]:
        if not line.strip():
            continue
        try:
            obj = read_json(line)
        except JSONReadError:
            continue
        return "generic:jsonl" if isinstance(obj, dict) and "text" in obj else "unknown"
    return "unknown"


def _classify_csv(text: str, csv_map: dict[str, str] | None) -> str:
    first = text.split("\n", 1)[0]
    if "," not in first and "\t" not in first:
        return "unknown"
    try:
        header = next(csv.reader(io.StringIO(first), delimiter="\t" if first.count("\t") > first.count(",") else ","))
    except (csv.Error, StopIteration):
        return "unknown"
    cols = {_norm(h) for h in header}
    if cols >= LINKEDIN_SHARES or ({"date", "sharedurl"} <= cols and "commentary" in cols):
        return "linkedin:shares"
    if cols >= LINKEDIN_COMMENTS:
        return "linkedin:comments"
    if cols >= LINKEDIN_PROFILE:
        return "linkedin:profile"
    if csv_map and _norm(csv_map.get("text", "")) in cols:
        return "generic:csv"
    if any(c in cols for c in CSV_TEXT_COLUMNS):
        return "generic:csv"
    return "unknown"


@dataclass
class Plan:
    """What an input holds: its container and each member's kind."""

    path: str
    container: Container
    kinds: dict[str, str]
    csv_map: dict[str, str] | None = None
    notes: list[str] = field(default_factory=list)
    # Warnings about the post a reader yields next (unknown fields), taken by ImportJob.take_warnings.
    warnings: list[str] = field(default_factory=list)

    def of(self, *kinds: str) -> list[str]:
        """Members of the given kinds, in name order."""
        return [m for m, k in self.kinds.items() if k in kinds]

    @property
    def formats(self) -> list[str]:
        """The post kinds found, sorted."""
        return sorted({k for k in self.kinds.values() if k in POST_KINDS})

    @property
    def importer(self) -> str:
        """The importer family to run (the platform prefix of the post kinds)."""
        fams = sorted({k.split(":")[0] for k in self.kinds.values() if k in POST_KINDS})
        if not fams:
            raise UnusableInput(self._why_unusable())
        if len(fams) > 1:
            raise UnusableInput(
                f"{self.path}: mixes exports of several platforms ({', '.join(fams)}); pass each export as its own PATH"
            )
        return fams[0]

    def _why_unusable(self) -> str:
        vals = list(self.kinds.values())
        if len(vals) == 1 and vals[0] in _SKIPPED:
            hint = " (or pass the platform's original export)" if vals[0] == "not-utf8" else ""
            return f"{self.path}: {_SKIPPED[vals[0]]}{hint}"
        return (
            f"{self.path}: unknown format: none of its {len(vals)} file(s) is an X, Mastodon, Bluesky, LinkedIn, "
            "Facebook/Instagram/Threads export, a post JSONL or a CSV with a text column (see --map)"
        )


# Members the importers cannot read, said as a reject when the rest of the input is read (media and files of no
# known kind are skipped quietly: every export holds some).
_SKIPPED = {"utf16": "UTF-16 text; re-save it as UTF-8", "not-utf8": "not UTF-8 text; re-save it as UTF-8",
            "empty": "the file is empty", "archive": "an archive inside the input; unpack it and pass it as its own PATH"}
_DATA_SUFFIXES = (".js", ".json", ".jsonl", ".ndjson", ".csv", ".car")


def _one_long_json_line(head: bytes) -> bool:
    """The sample is one JSON object's line cut short (a JSONL file with a long first post)."""
    return len(head) == HEAD and head.lstrip(b"\xef\xbb\xbf \t\r\n")[:1] == b"{" and b"\n" not in head.strip()


def _classify_longer(c: Container, member: str, csv_map: dict[str, str] | None) -> str:
    """Classify from a LOOKAHEAD-byte sample (bounded: a JSON document on one line is not read whole)."""
    try:
        return classify(c.head(member, LOOKAHEAD), csv_map)
    except READ_ERRORS:
        return "unknown"


def plan(path: str, csv_map: dict[str, str] | None = None, name: str | None = None) -> Plan:
    """Open ``path`` and classify every file in it by content. Raises UnusableInput. ``name``: how the input is
    named in messages, rejects and post sources (``path`` by default)."""
    c = open_container(path, name)
    try:
        kinds: dict[str, str] = {}
        notes: list[str] = []
        for m, head in c.scan(HEAD):  # one pass in the container's own order (a tar.gz cannot seek back cheaply)
            if isinstance(head, BaseException):
                kinds[m] = "unreadable"
                notes.append(f"{c.label(m)}: cannot read ({head})")
                continue
            kinds[m] = classify(head, csv_map)
            if kinds[m] == "unknown" and _one_long_json_line(head):
                kinds[m] = _classify_longer(c, m, csv_map)
            why = _SKIPPED.get(kinds[m])
            if why and (kinds[m] != "empty" or m.lower().endswith(_DATA_SUFFIXES)):
                # The other files still go through, but a tweets.js saved as UTF-16 must not vanish without a word.
                notes.append(f"{c.label(m)}: not read: {why}")
        if c.damage:
            notes.append(c.damage)
        # Name order, whatever the archive order: the importers read (and report) members the same way every time.
        kinds = dict(sorted(kinds.items()))
        p = Plan(path=name or path, container=c, kinds=kinds, csv_map=csv_map, notes=notes)
        try:
            p.importer  # noqa: B018 - raise now, before any streaming starts
        except UnusableInput:
            if c.damage:  # the posts may have been after the cut: say that, not "unknown format"
                raise UnusableInput(f"{c.damage}; none of the files before the cut holds posts") from None
            raise
    except BaseException:
        c.close()  # an unusable input keeps no file open (a server reads many uploads)
        raise
    return p


def importer_for(family: str) -> Callable[[Plan], Iterator[Item]]:
    """The streaming reader of one importer family."""
    if family == "x":
        from onrecord.importers.x import read
    elif family == "mastodon":
        from onrecord.importers.mastodon import read
    elif family == "bluesky":
        from onrecord.importers.bluesky import read
    elif family == "linkedin":
        from onrecord.importers.linkedin import read
    elif family == "meta":
        from onrecord.importers.meta import read
    elif family == "generic":
        from onrecord.importers.generic import read
    else:  # pragma: no cover - POST_KINDS and this list change together
        raise UnusableInput(f"no importer for {family}")
    return read
