"""Unit tests of the importer building blocks: streaming JSON, mojibake repair, CAR/DAG-CBOR, sniffing, accounts."""

from __future__ import annotations

import io
import json
import shutil
import tarfile
import zipfile
from pathlib import Path
from typing import Any

import pytest

from onrecord.importers import RejectedRecord, UnusableInput, open_input
from onrecord.importers.accounts import AccountsError, load_accounts
from onrecord.importers.base import (
    BrokenRecord,
    JSONStreamError,
    NoRecords,
    _Reader,
    fix_mojibake,
    iter_json_array,
    iter_json_key,
)
from onrecord.importers.car import CID, CarError, decode
from onrecord.importers.sniff import classify
from onrecord.model.post import Account, Post

FIX = Path(__file__).parent / "fixtures" / "exports"


def _posts_and_rejects(path: str | Path) -> tuple[list[Post], list[RejectedRecord]]:
    items = list(open_input(str(path)).items())
    return [i for i in items if isinstance(i, Post)], [i for i in items if isinstance(i, RejectedRecord)]


@pytest.mark.parametrize("chunk", [1, 2, 3, 7, 64, 1 << 20])
def test_json_array_streams_across_chunk_boundaries(chunk: int) -> None:
    text = '[ {"a": 1}, 12345, "x,]y", [1, [2]], 1.5e3 , null ]'
    r = _Reader(io.StringIO(text), chunk=chunk)
    assert list(iter_json_array(io.StringIO(text), r)) == [{"a": 1}, 12345, "x,]y", [1, [2]], 1500.0, None]


@pytest.mark.parametrize("chunk", [1, 5, 1 << 20])
def test_json_array_truncated_keeps_the_good_records(chunk: int) -> None:
    text = '[{"id": 1}, {"id": 2}, {"id": 3, "text": "cut he'
    got = []
    with pytest.raises(JSONStreamError) as e:
        for v in iter_json_array(io.StringIO(text), _Reader(io.StringIO(text), chunk=chunk)):
            got.append(v)
    assert got == [{"id": 1}, {"id": 2}]
    assert e.value.truncated


class _CountingReads(io.StringIO):
    reads = 0

    def read(self, size: int | None = -1) -> str:
        self.reads += 1
        return super().read(size)


def test_a_record_longer_than_a_chunk_is_read_in_doubling_reads() -> None:
    """A record of many chunks is decoded again after each read; fixed-size reads made that quadratic (a 42 MB
    record took 16 s), reading as much again as is pending keeps it linear: a few dozen reads, not one per chunk."""
    big = {"id": 1, "items": [{"t": "x" * 50, "n": i} for i in range(4000)]}
    stream = _CountingReads(json.dumps([big, {"id": 2}]))
    got = list(iter_json_array(stream, _Reader(stream, chunk=1000)))
    assert got == [big, {"id": 2}]
    assert len(json.dumps(big)) > 250_000 and stream.reads < 20


def test_json_array_garbage_is_not_truncation() -> None:
    with pytest.raises(JSONStreamError) as e:
        list(iter_json_array(io.StringIO('[{"id": 1} {"id": 2}]')))
    assert not e.value.truncated and "expected ',' or ']'" in str(e.value)


def test_a_bad_record_is_skipped_in_one_pass() -> None:
    """A broken record costs that record only, and reading on after it stays linear: before, the first error ended
    the file (every record after it lost, in one reject); before that, reading on held the rest of the file and
    re-decoded it on every chunk (a 400 MB tweets.js with one trailing comma took 158 s and 3.1 GB)."""
    stream = io.StringIO('[{"id": 1}, {"id": 2,}, ' + '{"id": 3}, ' * 100_000 + '{"id": 4}]')
    r = _Reader(stream, chunk=1000)
    got, biggest = [], 0
    for v in iter_json_array(stream, r):
        got.append(v)
        biggest = max(biggest, len(r.buf))
    assert isinstance(got[1], BrokenRecord) and got[1].raw == '{"id": 2,}' and got[1].error.offset == 21
    assert got[0] == {"id": 1} and got[2:4] == [{"id": 3}] * 2 and got[-1] == {"id": 4} and len(got) == 100_003
    assert biggest <= 3000  # the buffer is trimmed as it goes: the file is never held


@pytest.mark.parametrize("chunk", [1, 3, 64, 1 << 20])
def test_json_array_resynchronises_after_each_broken_record(chunk: int) -> None:
    text = (
        '[{"a": {"b": [1, "x,]\\"}"]}, "c": 2,}, {"id": 3}, tru, [1 2], {"id": 4, "t": "no end quote\n}, '
        '{"id": 5}, ' + "[" * 5000 + "]" * 5000 + ', {"id": 6, "a": [1, 2}, {"id": 7}]'
    )
    got = list(iter_json_array(io.StringIO(text), _Reader(io.StringIO(text), chunk=chunk)))
    assert [v for v in got if not isinstance(v, BrokenRecord)] == [{"id": 3}, {"id": 5}, {"id": 7}]
    broken = [v.raw for v in got if isinstance(v, BrokenRecord)]
    assert len(broken) == 6 and broken[-1] == '{"id": 6, "a": [1, 2}' and broken[1:3] == ["tru", "[1 2]"]
    assert "nested too deeply" in str([v for v in got if isinstance(v, BrokenRecord)][-2].error)


def test_json_array_broken_record_without_an_end_loses_the_rest_with_the_reason() -> None:
    # A bracket that is never closed: where the broken record ends is unknown, so the array ends there (said so).
    text = '[{"id": 1}, {"id": 2, "a": {"b": 1}, {"id": 3}]'
    got = []
    with pytest.raises(JSONStreamError) as e:
        for v in iter_json_array(io.StringIO(text)):
            got.append(v)
    assert got == [{"id": 1}] and not e.value.truncated


def _x_tweets(records: list[str]) -> str:
    return "window.YTD.tweets.part0 = [\n" + ",\n".join(records) + "\n]\n"


def _tweet(i: int) -> str:
    return f'{{"tweet": {{"id_str": "17{i:05d}", "full_text": "Update {i}", "created_at": "Mon Feb 12 09:30:00 +0000 2024"}}}}'


def test_x_mastodon_and_meta_read_on_after_a_broken_record(tmp_path: Path) -> None:
    """X tweets.js, a Mastodon outbox and Meta posts: one reject per broken record, the good ones after it read."""
    tweets = [_tweet(i) for i in range(6)]
    tweets[2] = tweets[2].replace('"full_text"', '"full_text",')  # a key without a value
    (tmp_path / "tweets.js").write_text(_x_tweets(tweets))
    posts, rejects = _posts_and_rejects(tmp_path / "tweets.js")
    assert [p.id for p in posts] == ["1700000", "1700001", "1700003", "1700004", "1700005"]
    # Where, in the file's own lines and columns (the line of X's "window.YTD... = [" counts), and why in plain words.
    assert len(rejects) == 1 and rejects[0].location == "[2] (line 4, column 44)"
    assert rejects[0].reason == ("not valid JSON at line 4, column 44: expected ':' after a field name, found ','; "
                                 "the record is skipped and the records after it are read")

    note = '{"type": "Create", "object": {"id": "https://s.example/%d", "type": "Note", "content": "<p>n%d</p>"}}'
    items = [note % (i, i) for i in range(5)]
    items[1] = items[1].replace('"Note"', "'Note'")
    outbox = '{"type": "OrderedCollection", "orderedItems": [' + ", ".join(items) + "]}"
    (tmp_path / "outbox.json").write_text(outbox)
    posts, rejects = _posts_and_rejects(tmp_path / "outbox.json")
    assert [p.text for p in posts] == ["n0", "n2", "n3", "n4"]
    assert [r.location.split(" ")[0] for r in rejects] == ["orderedItems[1]"]

    fb = [json.dumps({"timestamp": 1707901200 + i, "data": [{"post": f"p{i}"}]}) for i in range(4)]
    fb[0] = fb[0].replace("1707901200", "0x1707901200")
    (tmp_path / "posts.json").write_text("[" + ", ".join(fb) + "]")
    posts, rejects = _posts_and_rejects(tmp_path / "posts.json")
    assert [p.text for p in posts] == ["p1", "p2", "p3"] and [r.location.split(" ")[0] for r in rejects] == ["[0]"]


def test_json_key_skips_other_values() -> None:
    text = '{"@context": ["a", {"b": [1, 2]}], "totalItems": 2, "orderedItems": [{"n": 1}, {"n": 2}], "z": 0}'
    assert list(iter_json_key(io.StringIO(text), "orderedItems")) == [{"n": 1}, {"n": 2}]
    assert list(iter_json_key(io.StringIO('{"orderedItems": []}'), "orderedItems")) == []
    for text, why in [('{"other": []}', "has no 'orderedItems' list"), ("{}", "has no 'orderedItems' list"),
                      ('{"orderedItems": null}', "'orderedItems' is null, not a list"),
                      ('{"orderedItems": {"a": 1}, "z": 0}', "'orderedItems' is an object, not a list")]:
        with pytest.raises(NoRecords, match=why):
            list(iter_json_key(io.StringIO(text), "orderedItems"))


@pytest.mark.parametrize("items", ['"orderedItems": null, ', ""])
def test_mastodon_outbox_without_ordered_items_is_a_reject(tmp_path: Path, items: str) -> None:
    """An outbox whose orderedItems is null or missing read 0 posts with exit 0, as if the account never posted."""
    with zipfile.ZipFile(tmp_path / "archive.zip", "w") as z:
        z.writestr("actor.json", '{"type": "Person", "id": "https://s.example/users/b", "preferredUsername": "b"}')
        z.writestr("outbox.json", '{"@context": "https://www.w3.org/ns/activitystreams", "type": "OrderedCollection", '
                                  f'{items}"totalItems": 12}}')
    posts, rejects = _posts_and_rejects(tmp_path / "archive.zip")
    assert posts == [] and len(rejects) == 1
    assert rejects[0].source.endswith("!outbox.json") and rejects[0].location == "(file)"
    want = "'orderedItems' is null, not a list" if items else "the file has no 'orderedItems' list"
    assert rejects[0].reason == f"{want} of records: no posts could be read from it"


@pytest.mark.parametrize(
    ("raw", "fixed"),
    [
        ("CafÃ© MÄ\x81ori ð\x9f\x8e\x89", "Café Māori 🎉"),
        ("Café Māori 🎉", "Café Māori 🎉"),  # clean text is left alone
        ("Ã", "Ã"),  # not a UTF-8 sequence: left alone
        ("", ""),
    ],
)
def test_mojibake_repair(raw: str, fixed: str) -> None:
    assert fix_mojibake(raw) == fixed


def test_dag_cbor_decoding() -> None:
    # {"a": 1, "bb": [true, null, -2, h'00ff'], "c": CID}
    cid = b"\x01\x71\x12\x20" + bytes(32)
    blob = b"\xa3\x61a\x01\x62bb\x84\xf5\xf6\x21\x42\x00\xff\x61c\xd8\x2a\x58\x25\x00" + cid
    assert decode(blob) == {"a": 1, "bb": [True, None, -2, b"\x00\xff"], "c": CID(cid)}
    with pytest.raises(CarError):
        decode(blob + b"\x00")  # trailing bytes
    with pytest.raises(CarError):
        decode(b"\xc1\x00")  # a tag DAG-CBOR does not allow


def test_car_block_hash_is_verified(tmp_path: Path) -> None:
    data = (FIX / "bluesky-repo.car").read_bytes()
    assert b"Night works" in data
    bad = tmp_path / "tampered.car"
    bad.write_bytes(data.replace(b"Night works", b"Light works"))
    posts, rejects = _posts_and_rejects(bad)
    assert len(posts) == 3
    assert any("does not match its hash" in r.reason for r in rejects)


def test_sniffing_uses_content_not_names(tmp_path: Path) -> None:
    for src, name in [
        ("x-archive.zip", "holiday-photos.txt"),
        ("mastodon-archive.tar.gz", "data.zip"),
        ("bluesky-repo.car", "repo.json"),
        ("linkedin-shares-variant.csv", "notes"),
    ]:
        renamed = tmp_path / name
        shutil.copy(FIX / src, renamed)
        assert open_input(str(renamed)).importer == open_input(str(FIX / src)).importer
    assert classify(b"window.YTD.tweets.part3 = [") == "x:tweets"
    assert classify(b"window.YTD.tweet.part0 = [") == "x:tweets"  # older archives
    assert classify(b'{"@context": "x", "type": "OrderedCollection", "orderedItems": [') == "mastodon:outbox"
    assert classify(b"Date,Link,Message\n") == "linkedin:comments"
    assert classify(b"\xff\xd8\xff\xe0 jpeg") == "media"


def test_mastodon_zip_and_x_folder_read_the_same(tmp_path: Path) -> None:
    # Mastodon archive repacked as ZIP (an importer must accept both).
    zpath = tmp_path / "mastodon.zip"
    with tarfile.open(FIX / "mastodon-archive.tar.gz") as t, zipfile.ZipFile(zpath, "w") as z:
        for m in t.getmembers():
            f = t.extractfile(m)
            assert f is not None
            z.writestr(m.name, f.read())
    a, ra = _posts_and_rejects(FIX / "mastodon-archive.tar.gz")
    b, rb = _posts_and_rejects(zpath)
    assert [p.id for p in a] == [p.id for p in b] and len(ra) == len(rb)
    # X archive unpacked into a folder.
    folder = tmp_path / "x"
    with zipfile.ZipFile(FIX / "x-archive.zip") as z:
        z.extractall(folder)
    c, rc = _posts_and_rejects(FIX / "x-archive.zip")
    d, rd = _posts_and_rejects(folder)
    assert [p.text for p in c] == [p.text for p in d] and len(rc) == len(rd)


def test_damaged_zip_member_is_rejected_not_fatal(tmp_path: Path) -> None:
    data = bytearray((FIX / "linkedin-export.zip").read_bytes())
    with zipfile.ZipFile(FIX / "linkedin-export.zip") as z:
        info = z.getinfo("Comments.csv")
    start = info.header_offset + 30 + len(info.filename) + len(info.extra)
    for i in range(start + 5, start + 25):
        data[i] ^= 0x5A  # scramble the compressed bytes of Comments.csv
    bad = tmp_path / "damaged.zip"
    bad.write_bytes(bytes(data))
    posts, rejects = _posts_and_rejects(bad)
    assert any(p.id and "share" in p.id for p in posts)  # Shares.csv still imported
    assert rejects and all(r.reason for r in rejects)


def test_accounts_file_csv_and_json(tmp_path: Path) -> None:
    csv_path = tmp_path / "accounts.csv"
    csv_path.write_text(
        "handle,platform,kind,role,restriction,title,organisation,jurisdiction,code\n"
        "@RoadsDeptExample,x,official,employee,less_restricted,Comms lead,Example Roads Department,US,us-federal\n"
        "pat.example.councillor,,personal,elected_official,,Councillor,Example District Council,NZ,\n"
    )
    acc = load_accounts(str(csv_path))
    post = Post(text="hi", platform="x", account=Account(handle="@roadsdeptexample"))
    got = acc.apply(post)
    assert got.account.kind == "official" and got.author.role == "employee"
    assert got.author.organisation == "Example Roads Department" and got.jurisdiction == "US" and got.code == "us-federal"
    # A platform-specific row does not apply on another platform; a row without platform applies everywhere.
    assert acc.apply(Post(text="hi", platform="mastodon", account=Account(handle="RoadsDeptExample"))).author.role == "unknown"
    fb = acc.apply(Post(text="hi", platform="facebook", account=Account(handle="pat.example.councillor")))
    assert fb.author.role == "elected_official" and fb.code is None
    json_path = tmp_path / "accounts.json"
    json_path.write_text('{"@LibraryExample": {"kind": "official", "jurisdiction": "UK"}, "@x": "campaign"}')
    acc2 = load_accounts(str(json_path))
    assert acc2.lookup("x", "libraryexample") is not None and len(acc2) == 2
    bad = tmp_path / "bad.csv"
    bad.write_text("handle,kind\n@a,robot\n")
    with pytest.raises(AccountsError, match="kind 'robot'"):
        load_accounts(str(bad))


def test_an_unusable_archive_is_closed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A server reads many uploads: an archive that turns out to hold no export must not stay open."""
    from onrecord.importers import UnusableInput
    from onrecord.importers.container import ZipContainer

    closed: list[str] = []
    real = ZipContainer.close
    monkeypatch.setattr(ZipContainer, "close", lambda self: (closed.append(self.name), real(self))[1])
    path = tmp_path / "notes.zip"
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("notes.txt", "nothing here is an export")
    with pytest.raises(UnusableInput, match="unknown format"):
        open_input(str(path))
    assert closed == [str(path)]


def _crafted_car(path: Path, records: list[tuple[str, bytes]], root_hook: Any = None, shuffle: bool = False) -> None:
    """A CAR with valid hashes whose content is crafted (build_fixtures' CBOR/MST helpers); ``shuffle``: blocks in a
    random order, as a PDS writes them (by CID), not the tree's."""
    import sys

    sys.path.insert(0, str(FIX))
    import build_fixtures as bf

    blocks, recs = [], []
    for k, data in records:
        blocks.append(data)
        recs.append((k, bf.cid_of(data)))
    root = bf.build_mst(recs, blocks) if root_hook is None else root_hook(bf, recs, blocks)
    commit = bf.cbor({"did": "did:plc:crafted", "version": 3, "data": root, "rev": "3kabc", "prev": None, "sig": bytes(64)})
    blocks.insert(0, commit)
    if shuffle:
        import random

        random.Random(3).shuffle(blocks)
    header = bf.cbor({"roots": [bf.cid_of(commit)], "version": 1})
    with open(path, "wb") as f:
        f.write(bf.uvarint(len(header)) + header)
        for b in blocks:
            c = bf.cid_of(b).raw
            f.write(bf.uvarint(len(c) + len(b)) + c + b)


def test_crafted_bluesky_records_are_rejects_not_tracebacks(tmp_path: Path) -> None:
    """A CBOR float cut short (struct.error), a record nested 5,000 deep (RecursionError), an MST entry that is not
    a map (AttributeError): each was a traceback or lost the records below it."""
    import sys

    sys.path.insert(0, str(FIX))
    import build_fixtures as bf

    def post(i: int) -> bytes:
        return bytes(bf.cbor({"$type": "app.bsky.feed.post", "text": f"Update {i}", "createdAt": "2024-02-10T08:00:00Z"}))

    recs = [(f"app.bsky.feed.post/3k{i:010d}", post(i)) for i in range(20)]
    short_float = bytearray(post(3))
    short_float[0] += 1  # one more map entry, whose float value ends two bytes in
    short_float += bytes(bf.cbor("f")) + b"\xfb\x00\x00"
    deep = bytearray(post(5))
    deep[0] += 1
    deep += bytes(bf.cbor("x")) + b"\x81" * 5000 + b"\x00"
    crafted = list(recs)
    crafted[3] = (crafted[3][0], bytes(short_float))
    crafted[5] = (crafted[5][0], bytes(deep))
    _crafted_car(tmp_path / "records.car", crafted)
    posts, rejects = _posts_and_rejects(tmp_path / "records.car")
    assert len(posts) == 18 and sorted(r.location for r in rejects) == [crafted[3][0], crafted[5][0]]
    # In words, not Python's ("unpack requires a buffer of 8 bytes", "maximum recursion depth exceeded").
    assert sorted(r.reason for r in rejects) == ["nested too deeply to read", "the data is cut short or damaged"]

    def bad_entry(bf: Any, rs: list[Any], blocks: list[bytes]) -> Any:
        node = bf.cbor({"e": [{"k": rs[0][0].encode(), "p": 0, "t": None, "v": rs[0][1]}, "not-an-entry"], "l": None})
        blocks.append(node)
        return bf.cid_of(node)

    _crafted_car(tmp_path / "tree.car", recs, bad_entry)
    posts, rejects = _posts_and_rejects(tmp_path / "tree.car")
    assert len(posts) == 1 and len(rejects) == 1 and "record tree is damaged" in rejects[0].reason


def test_members_that_cannot_be_read_are_said_not_skipped(tmp_path: Path) -> None:
    """A tweets.js saved as UTF-16 (or not UTF-8, or empty), or a ZIP inside a folder, vanished without a word
    whenever another file of the input held posts."""
    inner = io.BytesIO()
    with zipfile.ZipFile(inner, "w") as z:
        z.writestr("posts.jsonl", '{"text": "inner"}\n')
    with zipfile.ZipFile(tmp_path / "in.zip", "w") as z:
        z.writestr("posts.jsonl", '{"text": "Library hours change on Monday"}\n')
        z.writestr("more.jsonl", '{"text": "Pool closed for repairs"}\n'.encode("utf-16"))
        z.writestr("latin.jsonl", '{"text": "Café, Müller, Straße, Ärger, Öl, Übung"}\n'.encode("latin-1"))
        z.writestr("empty.json", b"")
        z.writestr("README.txt", b"")  # an empty file of no data kind: quiet
        z.writestr("nested.zip", inner.getvalue())
    posts, rejects = _posts_and_rejects(tmp_path / "in.zip")
    assert [p.text for p in posts] == ["Library hours change on Monday"]
    reasons = sorted(r.reason.split("!", 1)[1] for r in rejects)
    assert reasons == ["empty.json: not read: the file is empty",
                       "latin.jsonl: not read: not UTF-8 text; re-save it as UTF-8",
                       "more.jsonl: not read: UTF-16 text; re-save it as UTF-8",
                       "nested.zip: not read: an archive inside the input; unpack it and pass it as its own PATH"]


def _mastodon_tar(path: Path, posts: int, media: int, mode: str = "w:gz") -> None:
    """A Mastodon archive with ``media`` incompressible media files listed out of name order after the JSON."""
    import random

    rnd = random.Random(7)
    note = {"type": "Create", "object": {"type": "Note", "content": "<p>Ferry timetable update</p>"}}
    items = [{**note, "object": {**note["object"], "id": f"https://s.example/{i}"}} for i in range(posts)]
    files = [
        ("actor.json", json.dumps({"type": "Person", "id": "https://s.example/users/b", "preferredUsername": "b"})),
        ("outbox.json", json.dumps({"type": "OrderedCollection", "orderedItems": items})),
    ]
    with tarfile.open(path, mode) as t:
        for name, text in files:
            info = tarfile.TarInfo(name)
            info.size = len(text.encode())
            t.addfile(info, io.BytesIO(text.encode()))
        for i in rnd.sample(range(media), media):
            data = b"\x89PNG\r\n\x1a\n" + rnd.randbytes(2000)
            info = tarfile.TarInfo(f"media_attachments/files/{i:05d}/original/{i}.png")
            info.size = len(data)
            t.addfile(info, io.BytesIO(data))


def test_tar_gz_members_are_read_in_one_pass(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Members were read in name order: every one behind the last meant decompressing again from the start
    (1,000 media files: 33 s). Classification is one pass now; the importer reopens only the JSON it reads."""
    import gzip

    _mastodon_tar(tmp_path / "archive.tar.gz", posts=5, media=300)
    rewinds: list[int] = []
    real = gzip._GzipReader._rewind  # type: ignore[attr-defined]
    monkeypatch.setattr(gzip._GzipReader, "_rewind", lambda self: (rewinds.append(1), real(self))[1])
    job = open_input(str(tmp_path / "archive.tar.gz"))
    assert rewinds == [] and job.importer == "mastodon"
    items = list(job.items())
    assert len(items) == 5 and all(isinstance(i, Post) for i in items)
    assert len(rewinds) <= 2  # actor.json, then outbox.json before it in the archive
    assert list(job.plan.kinds) == sorted(job.plan.kinds)  # name order for the importers, whatever the archive's


@pytest.mark.parametrize("mode", ["w:gz", "w"])
def test_truncated_tar_keeps_the_members_before_the_cut(tmp_path: Path, mode: str) -> None:
    """A tar(.gz) cut short (an interrupted download) was unusable as a whole; now the members before the cut are
    read and the cut is a reject naming the archive."""
    full = tmp_path / "full.tar"
    _mastodon_tar(full, posts=40, media=60, mode=mode)
    data = full.read_bytes()
    cut = tmp_path / "cut.tar"
    cut.write_bytes(data[: len(data) * 2 // 3])
    posts, rejects = _posts_and_rejects(cut)
    assert len(posts) == 40
    assert len(rejects) == 1 and rejects[0].source == str(cut) and rejects[0].location == "(archive)"
    assert rejects[0].reason.startswith(f"{cut}: the archive is cut short in or after media_attachments/")
    assert "Error" not in rejects[0].reason
    # Cut before any posts: unusable, and the message says why (not "unknown format").
    cut.write_bytes(data[:100] if mode == "w:gz" else data[:600])
    why = "not a readable tar archive" if mode == "w:gz" else "cut short in or after actor.json"
    with pytest.raises(UnusableInput, match=why):
        open_input(str(cut))


def test_tar_gz_cut_inside_the_outbox_keeps_the_posts_before_it(tmp_path: Path) -> None:
    full = tmp_path / "full.tar.gz"
    _mastodon_tar(full, posts=20_000, media=0)
    data = full.read_bytes()
    (tmp_path / "cut.tar.gz").write_bytes(data[: len(data) // 2])
    posts, rejects = _posts_and_rejects(tmp_path / "cut.tar.gz")
    assert 0 < len(posts) < 20_000
    assert [r.location for r in rejects] == ["(archive)", f"orderedItems[{len(posts)}]"]
    assert "cut short in or after outbox.json" in rejects[0].reason and "damaged" in rejects[1].reason


def test_jsonl_is_classified_from_its_first_parseable_line(tmp_path: Path) -> None:
    """A JSONL file whose first line was broken, or longer than the 8 KB sample, was refused as a whole (exit 2)."""
    good = [json.dumps({"id": f"j{i}", "text": "Library hours change on Monday"}) for i in range(3)]
    (tmp_path / "bad-first.jsonl").write_text('{"id": "j0", "text": "cut\n' + "\n".join(good) + "\n")
    posts, rejects = _posts_and_rejects(tmp_path / "bad-first.jsonl")
    assert [p.id for p in posts] == ["j0", "j1", "j2"] and [r.location for r in rejects] == ["line 1"]
    (tmp_path / "long-first.jsonl").write_text(
        '{"id": "long", "text": "' + "Road works update. " * 1000 + '"}\n' + "\n".join(good) + "\n"
    )
    posts, rejects = _posts_and_rejects(tmp_path / "long-first.jsonl")
    assert [p.id for p in posts] == ["long", "j0", "j1", "j2"] and rejects == []
    assert classify(b'{"no": "text"}\n{"text": "x"}\n') == "unknown"  # the first line that parses decides


def test_accounts_file_reads_the_registry_columns_in_csv_and_json(tmp_path: Path) -> None:
    """policy_areas, uses, display_name and person (the registry export's columns) were unknown columns."""
    j = tmp_path / "a.json"
    j.write_text('[{"handle": "@jo", "kind": "personal", "policy_areas": ["health", "roads"], "uses": ["official"],'
                 ' "display_name": "Jo", "person": "e9"}]')
    post = load_accounts(str(j)).apply(Post(text="hi", account=Account(handle="jo")))
    assert post.author.policy_area == "health" and post.account.display_name == "Jo"
    assert post.circumstances.facts == ["the personal account is also used for official work"]
    c = tmp_path / "a.csv"
    c.write_text("handle,kind,uses\n@jo,personal,king\n")
    with pytest.raises(AccountsError, match="line 2: uses 'king'"):
        load_accounts(str(c))
    c.write_text('handle,policy_areas\n@jo,"health;roads"\n')
    assert load_accounts(str(c)).lookup("x", "jo").policy_area == "health"  # type: ignore[union-attr]
    j.write_text('[{"handle": "@jo", "title": 5}]')
    with pytest.raises(AccountsError, match="entry 0"):  # was a traceback (msgspec.ValidationError)
        load_accounts(str(j))


def test_a_stray_quote_in_a_csv_loses_only_its_own_line(tmp_path: Path) -> None:
    # An opening quote never closed made the rest of the file one field: one reject, every later post lost.
    src = tmp_path / "posts.csv"
    src.write_text('id,text,date\n1,first post,2024-01-01\n2,"a stray quote,2024-01-02\n3,third,2024-01-03\n'
                   '4,"two\nlines",2024-01-04\n5,fifth,2024-01-05\n6,"never closed\n')
    items = list(open_input(str(src)).items())
    posts = [i for i in items if not isinstance(i, RejectedRecord)]
    rejects = [i for i in items if isinstance(i, RejectedRecord)]
    assert [p.id for p in posts] == ["1", "3", "4", "5"] and posts[2].text == "two\nlines"
    assert [r.location for r in rejects] == ["line 3", "line 8"]
    assert "never closed (the lines after it are read)" in rejects[0].reason


def _compact_tweet(i: int, text: str = "") -> str:
    """One X record as the archive writes it without newlines, with entities (arrays of objects) after the text."""
    return json.dumps({"tweet": {"id_str": f"17{i:05d}", "source": '<a href="https://e.example">E</a>',
                                 "full_text": text or f"Update {i}, see [1] {{ok}}", "created_at": "Mon Feb 12 09:30:00 +0000 2024",
                                 "extended_entities": {"media": [{"id_str": "9", "type": "photo"}, {"id_str": "8"}]},
                                 "lang": "en"}}, separators=(",", ":"))


@pytest.mark.parametrize("sep", [",", ", "])
@pytest.mark.parametrize("chunk", [1, 7, 64, 1 << 20])
@pytest.mark.parametrize("cut", ['"lang":"en"', '"full_text":"Update 2, see [1] {ok}"', '"id_str":"9"', '{"tweet":'])
def test_an_unclosed_quote_in_a_one_line_array_costs_only_its_record(chunk: int, sep: str, cut: str) -> None:
    """A compact (one-line) tweets.js or outbox with one string quote never closed: the skip after the broken record
    saw every string inside out from there on, so it lost the rest of the file (or, where an escaped quote turned it
    back, the record after it too). Now the reader goes on at the next record."""
    recs = [_compact_tweet(i) for i in range(6)]
    assert cut in recs[2]
    recs[2] = recs[2].replace(cut, cut[:-1], 1) if cut.endswith('"') else recs[2].replace(cut, '{"tweet:', 1)
    text = "[" + sep.join(recs) + "]"
    got = list(iter_json_array(io.StringIO(text), _Reader(io.StringIO(text), chunk=chunk)))
    good = [v["tweet"]["id_str"] for v in got if not isinstance(v, BrokenRecord)]
    assert good == ["1700000", "1700001", "1700003", "1700004", "1700005"]
    broken = [v for v in got if isinstance(v, BrokenRecord)]
    assert len(broken) == 1 and len(got) == 6
    assert broken[0].raw == text[text.index(recs[2]) :][: len(broken[0].raw)] and broken[0].raw.startswith('{"tweet')


def test_an_unclosed_quote_in_the_last_record_or_a_missing_comma_still_reads_what_it_can() -> None:
    # The last record's quote never closed: nothing after it to read; the records before it are kept.
    recs = [_compact_tweet(i) for i in range(3)]
    text = "[" + ",".join([*recs[:2], recs[2].replace('"lang":"en"', '"lang":"en')]) + "]"
    got = []
    with pytest.raises(JSONStreamError):
        for v in iter_json_array(io.StringIO(text)):
            got.append(v)
    assert [v["tweet"]["id_str"] for v in got] == ["1700000", "1700001"]
    # A comma missing after a string (not a missing quote): the skip by structure still finds the record's end.
    recs[1] = recs[1].replace('"lang":"en"', '"lang":"en" "x":1')
    text = "[" + ",".join(recs) + "]"
    got = list(iter_json_array(io.StringIO(text)))
    assert isinstance(got[1], BrokenRecord) and [v["tweet"]["id_str"] for v in (got[0], got[2])] == ["1700000", "1700002"]


def test_x_and_mastodon_one_line_files_with_an_unclosed_quote(tmp_path: Path) -> None:
    recs = [_compact_tweet(i) for i in range(5)]
    recs[1] = recs[1].replace('"full_text":"Update 1, see [1] {ok}"', '"full_text":"Update 1, see [1] {ok}')
    (tmp_path / "tweets.js").write_text("window.YTD.tweets.part0 = [" + ",".join(recs) + "]")
    posts, rejects = _posts_and_rejects(tmp_path / "tweets.js")
    assert [p.id for p in posts] == ["1700000", "1700002", "1700003", "1700004"] and len(rejects) == 1
    assert rejects[0].location.startswith("[1] ")

    items = [{"type": "Create", "published": "2024-02-10T08:00:00Z",
              "object": {"id": f"https://s.example/{i}", "type": "Note",
                         "content": f'<p>n{i} <a href="https://e.example/{i}" class="u-url">link</a></p>',
                         "tag": [{"type": "Hashtag", "name": "#a"}, {"type": "Hashtag", "name": "#b"}]}} for i in range(5)]
    text = json.dumps({"type": "OrderedCollection", "orderedItems": items}, separators=(",", ":"))
    broken = text.replace('"published":"2024-02-10T08:00:00Z","object":{"id":"https://s.example/3"',
                          '"published":"2024-02-10T08:00:00Z,"object":{"id":"https://s.example/3"', 1)
    (tmp_path / "outbox.json").write_text(broken)
    posts, rejects = _posts_and_rejects(tmp_path / "outbox.json")
    assert [p.text.split()[0] for p in posts] == ["n0", "n1", "n2", "n4"] and len(rejects) == 1
    assert rejects[0].location.startswith("orderedItems[3] ")


def test_car_block_index_is_small_and_reads_blocks_in_any_order(tmp_path: Path) -> None:
    """Blocks arrive in any order (a PDS writes them by CID), so every block's place is kept: as CID objects and
    tuples in a dict, ~250 bytes a block (10^6 posts: 349 MB peak). Now three flat arrays."""
    import sys
    import tracemalloc

    from onrecord.importers.car import CarFile

    sys.path.insert(0, str(FIX))
    import build_fixtures as bf

    recs = [(f"app.bsky.feed.post/3k{i:010d}", bytes(bf.cbor({"$type": "app.bsky.feed.post", "text": f"Update {i}",
                                                             "createdAt": "2024-02-10T08:00:00Z"}))) for i in range(20_000)]
    path = tmp_path / "many.car"
    _crafted_car(path, recs, shuffle=True)
    with open(path, "rb") as f:
        tracemalloc.start()
        car = CarFile(f)
        _size, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        blocks = len(car.index)
        assert blocks > 20_000 and peak < (1 << 21) + 40 * blocks, peak / blocks  # 2 MB: the read buffer and such
        assert car.block(CID(bf.cid_of(recs[123][1]).raw)) == recs[123][1]
    posts, rejects = _posts_and_rejects(path)
    assert len(posts) == 20_000 and rejects == []
    assert [p.text for p in posts[:2]] == ["Update 0", "Update 1"]  # in key order, whatever the file order


def _posts_with_warnings(path: Path, csv_map: dict[str, str] | None = None) -> list[tuple[Any, list[str]]]:
    """Every item of an input, with the warnings the importer gave about it (as the audit takes them)."""
    job = open_input(str(path), csv_map)
    return [(item, job.take_warnings() if isinstance(item, Post) else []) for item in job.items()]


def test_a_jsonl_posted_at_that_is_no_time_is_a_warning_and_cleared(tmp_path: Path) -> None:
    """posted_at was taken as any string: "yesterday" or "2024-02-30T10:00:00Z" went on to the report and the
    records store as a time. Now such a post is kept, its posted_at cleared, and a warning names file, line and value;
    the spellings the CSV reader knows are turned into ISO 8601, and an ISO time keeps its own offset."""
    src = tmp_path / "posts.jsonl"
    times = ["2024-03-02T09:00:00+13:00", "yesterday", "2024-02-30T10:00:00Z", "03/01/2024 09:30", "1709283600",
             "2024-03-01 09:00:00", "", "x" * 300]
    src.write_text("".join(json.dumps({"id": f"p{i}", "text": "Library hours change on Monday",
                                       "circumstances": {"posted_at": t}}) + "\n" for i, t in enumerate(times)))
    got = _posts_with_warnings(src)
    assert all(isinstance(p, Post) for p, _ in got) and len(got) == len(times)
    assert [p.circumstances.posted_at for p, _ in got] == [
        "2024-03-02T09:00:00+13:00", None, None, "2024-03-01T09:30:00Z", "2024-03-01T09:00:00Z", "2024-03-01 09:00:00",
        None, None]
    warned = {p.id: w for p, w in got if w}
    assert sorted(warned) == ["p1", "p2", "p7"]
    assert warned["p1"] == [f"{src} line 2: posted_at 'yesterday' is not a date and time (ISO 8601, such as "
                            "2024-03-01T09:00:00Z); it is ignored"]
    assert warned["p2"][0].startswith(f"{src} line 3: posted_at '2024-02-30T10:00:00Z' is not a date and time")
    assert len(warned["p7"][0]) - len(str(src)) < 200 and "'xxxx" in warned["p7"][0]  # the value cut short


def test_a_csv_date_that_is_no_time_is_a_warning_not_a_reject(tmp_path: Path) -> None:
    """The CSV reader rejected the whole row for an unreadable date, so the post was never checked."""
    src = tmp_path / "posts.csv"
    src.write_text("id,text,date\n1,Pool closed,2024-01-01\n2,Ferry late,soon\n3,Park open,2024-01-03\n")
    got = _posts_with_warnings(src)
    assert [(p.id, p.circumstances.posted_at) for p, _ in got] == [
        ("1", "2024-01-01T00:00:00Z"), ("2", None), ("3", "2024-01-03T00:00:00Z")]
    assert [w for _, w in got] == [[], [f"{src} line 3: date 'soon' in column 'date' is not a date and time (ISO 8601, "
                                        "such as 2024-03-01T09:00:00Z); it is ignored"], []]


@pytest.mark.parametrize("chunk", [1, 7, 64, 1 << 20])
def test_json_array_errors_say_line_and_column_in_plain_words(chunk: int) -> None:
    """Rejects said "the record is not valid JSON (Expecting value)" at "character 1234": Python's message, and a
    place no editor shows. Now line and column, counted across chunks and the buffer's trimming."""
    good = '{\n  "id": 1,\n  "t": "ok"\n}'
    recs = [good] * 3 + ['{\n  "id": 2,\n  "t": tru\n}'] + [good] * 40 + ['{\n  "id": 3,\n}', good, "undefined", good]
    text = "[\n" + ",\n".join(recs) + "\n]"
    got = list(iter_json_array(io.StringIO(text), _Reader(io.StringIO(text), chunk=chunk)))
    broken = [str(v.error) for v in got if isinstance(v, BrokenRecord)]
    assert broken == ["not valid JSON at line 16, column 8: expected a value, found 'tru'",
                      "not valid JSON at line 180, column 1: a comma with nothing after it before '}'",
                      "not valid JSON at line 185, column 1: expected a value, found 'undefined'"]
    lines = text.splitlines()
    assert lines[15][7:10] == "tru" and lines[178:180] == ['  "id": 3,', "},"] and lines[184] == "undefined,"


def test_x_file_errors_count_the_window_ytd_prefix(tmp_path: Path) -> None:
    recs = [_compact_tweet(i) for i in range(3)]
    recs[1] = recs[1].replace('"lang":"en"', '"lang":en')
    prefix = "window.YTD.tweets.part0 = ["
    (tmp_path / "tweets.js").write_text(prefix + ",".join(recs) + "]")
    posts, rejects = _posts_and_rejects(tmp_path / "tweets.js")
    col = len(prefix) + len(recs[0]) + 1 + recs[1].index("en}") + 1
    assert len(posts) == 2 and [r.location for r in rejects] == [f"[1] (line 1, column {col})"]
    assert rejects[0].reason.startswith(f"not valid JSON at line 1, column {col}: expected a value, found 'en';")


@pytest.mark.parametrize(("line", "reason"), [
    ('{"text": "a",}', "line 2, column 14: a comma with nothing after it before '}'"),
    ('{"text": "a" "b"}', "line 2, column 14: expected ',' or '}' after a value"),
    ("hello", "line 2, column 1: unexpected 'hello'"),
    ('{"text": tru}', "line 2, column 10: unexpected 'tru'"),
    ('{"text": "a"} x', "line 2, column 16: more text after the end of the JSON object"),
    ('{"text": "Café \\x"}', "line 2, column 16: a backslash in a string starts no JSON escape"),
    ('{"id": "g4", "text": "unterminated', "line 2, column 35: the line ends inside a string (its closing quote is missing)"),
    ("[1", "line 2, column 3: the line ends before the JSON value does (a quote or bracket is never closed)"),
    ('{text: 1}', "line 2, column 2: expected a field name in double quotes"),
])
def test_jsonl_syntax_errors_say_line_and_column_in_plain_words(tmp_path: Path, line: str, reason: str) -> None:
    """They said "not valid JSON: JSON is malformed: trailing comma in object (byte 13)": msgspec's words and a byte
    offset. Columns count characters (the é before the bad escape is one)."""
    src = tmp_path / "posts.jsonl"
    src.write_text('{"text": "fine"}\n' + line + "\n", encoding="utf-8")
    posts, rejects = _posts_and_rejects(src)
    assert len(posts) == 1 and [r.location for r in rejects] == ["line 2"]
    assert rejects[0].reason.startswith(f"not valid JSON at {reason}"), rejects[0].reason


@pytest.mark.parametrize(("line", "reason"), [
    ('{"text": 5}', "field text: expected text, found a whole number"),
    # (a posted_at that is no time, a number too, keeps the post, with a warning: tests/cases/importers/dates.yaml)
    ('{"text": "a", "circumstances": {"on_duty": "yes"}}', "field circumstances.on_duty: expected true or false or null, found text"),
    ('{"text": "a", "account": {"kind": "robot"}}', "field account.kind: 'robot' is not one of the values allowed here"),
    ('{"id": "a"}', "the field 'text' is missing"),
    ("[1, 2]", "expected a JSON object, found a list"),
])
def test_jsonl_contract_errors_in_plain_words(tmp_path: Path, line: str, reason: str) -> None:
    src = tmp_path / "posts.jsonl"
    src.write_text('{"text": "fine"}\n' + line + "\n")
    _posts, rejects = _posts_and_rejects(src)
    assert [r.reason for r in rejects] == [reason]


def test_a_record_of_the_wrong_shape_is_said_without_python_words(tmp_path: Path) -> None:
    # "'str' object has no attribute 'get'" was the reason for a Facebook post whose attachments held a string.
    fb = [{"timestamp": 1707901200, "data": [{"post": "ok"}]}, {"timestamp": 1707901201, "attachments": ["x"], "data": []}]
    (tmp_path / "posts.json").write_text(json.dumps(fb))
    _posts, rejects = _posts_and_rejects(tmp_path / "posts.json")
    assert [r.reason for r in rejects] == ["the record is not laid out as this export's records are (a field holds a "
                                           "value of an unexpected kind)"]
