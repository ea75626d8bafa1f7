"""Unit tests of the importer building blocks: streaming JSON, mojibake repair, CAR/DAG-CBOR, sniffing, accounts."""

from __future__ import annotations

import io
import shutil
import tarfile
import zipfile
from pathlib import Path
from typing import Any

import pytest

from onrecord.importers import RejectedRecord, open_input
from onrecord.importers.accounts import AccountsError, load_accounts
from onrecord.importers.base import JSONStreamError, _Reader, fix_mojibake, iter_json_array, iter_json_key
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


def test_json_array_garbage_is_not_truncation() -> None:
    with pytest.raises(JSONStreamError) as e:
        list(iter_json_array(io.StringIO('[{"id": 1} {"id": 2}]')))
    assert not e.value.truncated and "expected ',' or ']'" in str(e.value)


def test_a_bad_record_stops_the_reader_where_it_is() -> None:
    """An error in the middle of the buffer is final: reading on held the rest of the file and re-decoded it on
    every chunk (quadratic; a 400 MB tweets.js with one trailing comma took 158 s and 3.1 GB)."""
    stream = io.StringIO('[{"id": 1}, {"id": 2,}, ' + '{"id": 3}, ' * 100_000 + '{"id": 4}]')
    got = []
    with pytest.raises(JSONStreamError) as e:
        for v in iter_json_array(stream, _Reader(stream, chunk=1000)):
            got.append(v)
    assert got == [{"id": 1}] and not e.value.truncated
    assert stream.tell() <= 2000  # one chunk read, not the 1 MB after it


def test_json_key_skips_other_values() -> None:
    text = '{"@context": ["a", {"b": [1, 2]}], "totalItems": 2, "orderedItems": [{"n": 1}, {"n": 2}], "z": 0}'
    assert list(iter_json_key(io.StringIO(text), "orderedItems")) == [{"n": 1}, {"n": 2}]
    assert list(iter_json_key(io.StringIO('{"other": []}'), "orderedItems")) == []


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


def _crafted_car(path: Path, records: list[tuple[str, bytes]], root_hook: Any = None) -> None:
    """A CAR with valid hashes whose content is crafted (build_fixtures' CBOR/MST helpers)."""
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
