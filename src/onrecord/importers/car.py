"""A small reader for CARv1 files and DAG-CBOR blocks (AT Protocol repositories).

Only what a repository export needs: CBOR major types 0-7, tag 42 (CID links), CIDv0/v1 with
SHA-256 multihash verification, and a compact index of block offsets (numpy arrays) so blocks are
read on demand.
"""

from __future__ import annotations

import base64
import hashlib
import struct
from array import array
from bisect import bisect_left
from collections.abc import Iterator
from typing import IO, Any

import numpy as np


class CarError(ValueError):
    """The CAR file or one of its blocks is malformed."""


class CID:
    """A content identifier (binary form). ``str()`` gives the base32 multibase text form."""

    __slots__ = ("raw",)

    def __init__(self, raw: bytes) -> None:
        self.raw = raw

    def __eq__(self, other: object) -> bool:
        return isinstance(other, CID) and other.raw == self.raw

    def __hash__(self) -> int:
        return hash(self.raw)

    def __str__(self) -> str:
        if self.raw[:2] == b"\x12\x20":  # CIDv0: base58btc, rare in atproto; show hex
            return "z" + self.raw.hex()
        return "b" + base64.b32encode(self.raw).decode().lower().rstrip("=")

    __repr__ = __str__

    def digest(self) -> tuple[int, bytes]:
        """The multihash code and digest."""
        if self.raw[:2] == b"\x12\x20":
            return 0x12, self.raw[2:]
        _v, i = uvarint(self.raw, 0)
        _codec, i = uvarint(self.raw, i)
        code, i = uvarint(self.raw, i)
        n, i = uvarint(self.raw, i)
        return code, self.raw[i : i + n]


def uvarint(b: bytes, i: int) -> tuple[int, int]:
    """Decode an unsigned LEB128 varint at ``i``; return value and next index."""
    n = shift = 0
    while True:
        if i >= len(b):
            raise CarError("varint runs past the end of the data")
        c = b[i]
        i += 1
        n |= (c & 0x7F) << shift
        if not c & 0x80:
            return n, i
        shift += 7
        if shift > 63:
            raise CarError("varint too long")


def _cid_len(b: bytes, i: int) -> int:
    """Length in bytes of the binary CID starting at ``i``."""
    if b[i : i + 2] == b"\x12\x20":
        return 34
    j = i
    _v, j = uvarint(b, j)
    _c, j = uvarint(b, j)
    _h, j = uvarint(b, j)
    n, j = uvarint(b, j)
    return j + n - i


def decode(b: bytes) -> Any:
    """Decode one DAG-CBOR value (the whole of ``b``)."""
    val, i = _decode(b, 0)
    if i != len(b):
        raise CarError(f"{len(b) - i} trailing bytes after the CBOR value")
    return val


def _arg(b: bytes, i: int, info: int) -> tuple[int, int]:
    if info < 24:
        return info, i
    size = {24: 1, 25: 2, 26: 4, 27: 8}.get(info)
    if size is None or i + size > len(b):
        raise CarError(f"bad CBOR length (info {info})")
    return int.from_bytes(b[i : i + size], "big"), i + size


def _decode(b: bytes, i: int) -> tuple[Any, int]:
    if i >= len(b):
        raise CarError("CBOR value runs past the end of the block")
    first = b[i]
    major, info = first >> 5, first & 0x1F
    i += 1
    if major == 7:
        if info == 20:
            return False, i
        if info == 21:
            return True, i
        if info in (22, 23):
            return None, i
        if info == 25:
            return struct.unpack(">e", b[i : i + 2])[0], i + 2
        if info == 26:
            return struct.unpack(">f", b[i : i + 4])[0], i + 4
        if info == 27:
            return struct.unpack(">d", b[i : i + 8])[0], i + 8
        raise CarError(f"unsupported CBOR simple value {info}")
    n, i = _arg(b, i, info)
    if major == 0:
        return n, i
    if major == 1:
        return -1 - n, i
    if major in (2, 3):
        if i + n > len(b):
            raise CarError("CBOR string runs past the end of the block")
        raw = b[i : i + n]
        return (bytes(raw) if major == 2 else raw.decode("utf-8")), i + n
    if major == 4:
        out = []
        for _ in range(n):
            v, i = _decode(b, i)
            out.append(v)
        return out, i
    if major == 5:
        m: dict[Any, Any] = {}
        for _ in range(n):
            k, i = _decode(b, i)
            v, i = _decode(b, i)
            m[k] = v
        return m, i
    # major 6: tags; DAG-CBOR allows only 42 (a CID, as bytes with a leading 0x00).
    v, i = _decode(b, i)
    if n == 42 and isinstance(v, bytes) and v[:1] == b"\x00":
        return CID(v[1:]), i
    raise CarError(f"unsupported CBOR tag {n}")


class BlockIndex:
    """Where every block of a CAR is: three flat arrays (24 bytes a block) sorted by a keyed hash of the CID.

    Blocks come in any order (a PDS writes them by CID or revision, not in tree order), so the tree walk needs them
    all at hand. A dict of CID objects to offset tuples took ~250 bytes a block (10^6 posts: 320 MB for the index
    alone). The hash is Python's own, salted per process, so a crafted file cannot pile its blocks on one key; a
    hash shared by two CIDs is told apart by the CID bytes in the file, read with the block.
    """

    def __init__(self) -> None:
        self._keys = array("q")
        self._starts = array("q")  # file offset of the block's CID (its data follows it)
        self._sizes = array("q")  # CID + data

    def add(self, cid: bytes, start: int, size: int) -> None:
        self._keys.append(hash(cid))
        self._starts.append(start)
        self._sizes.append(size)

    def freeze(self) -> None:
        """Sort for lookups (after the last :meth:`add`)."""
        order = np.argsort(np.frombuffer(self._keys, dtype=np.int64), kind="stable")  # of two copies, the first wins
        # Back to arrays: bisect and indexing on them are C calls returning plain ints, not numpy scalars.
        for name in ("_keys", "_starts", "_sizes"):
            col = array("q")
            col.frombytes(np.frombuffer(getattr(self, name), dtype=np.int64)[order].data.cast("B"))
            setattr(self, name, col)

    def __len__(self) -> int:
        return len(self._keys)

    def candidates(self, cid: bytes) -> list[tuple[int, int]]:
        """(start, size) of every block whose CID hashes like ``cid`` (almost always one: the block itself)."""
        k, keys = hash(cid), self._keys
        i = bisect_left(keys, k)
        out = []
        while i < len(keys) and keys[i] == k:
            out.append((self._starts[i], self._sizes[i]))
            i += 1
        return out


_SCAN = 1 << 20  # bytes read at a time while indexing the block headers


class CarFile:
    """A CARv1 file opened for random access to its blocks (an index of offsets is kept, not the data)."""

    def __init__(self, f: IO[bytes]) -> None:
        self.f = f
        data = f.read(10)
        hlen, i = uvarint(data, 0)
        f.seek(i)
        header = decode(f.read(hlen))
        if not isinstance(header, dict) or header.get("version") != 1:
            raise CarError("not a CARv1 header (version 1 with roots)")
        self.roots: list[CID] = [r for r in header.get("roots", []) if isinstance(r, CID)]
        self.index = BlockIndex()
        self.problems: list[str] = []
        pos = i + hlen
        # File bytes from offset ``at``, read a megabyte at a time: one seek and read per block took 3 s for 10^6.
        buf, at, end = b"", pos, False
        while True:
            if pos + 80 > at + len(buf) and not end:  # a block header is at most 80 bytes
                f.seek(pos)
                buf, at = f.read(_SCAN), pos
                end = len(buf) < _SCAN
            rel = pos - at
            if rel >= len(buf):
                break
            try:
                slen, j = uvarint(buf, rel)
                clen = _cid_len(buf, j)
            except (CarError, IndexError):
                self.problems.append(f"unreadable block header at byte {pos}; the rest of the file is skipped")
                break
            if slen < clen or j + clen > len(buf):
                self.problems.append(f"unreadable block header at byte {pos}; the rest of the file is skipped")
                break
            self.index.add(buf[j : j + clen], at + j, slen)
            pos = at + j + slen
        self.index.freeze()
        f.seek(0, 2)
        if pos > f.tell():
            self.problems.append(f"the file is truncated (last block ends at byte {pos}, file has {f.tell()})")

    def block(self, cid: CID) -> bytes:
        """The verified bytes of a block; CarError if it is missing, truncated or its hash does not match."""
        raw = cid.raw
        for start, size in self.index.candidates(raw):
            self.f.seek(start)
            data = self.f.read(size)
            if data[: len(raw)] != raw:
                if len(data) < len(raw):
                    raise CarError(f"block {cid} is truncated")
                continue  # another CID with the same hash
            data = data[len(raw) :]
            if len(data) != size - len(raw):
                raise CarError(f"block {cid} is truncated")
            code, digest = cid.digest()
            if code == 0x12 and hashlib.sha256(data).digest() != digest:
                raise CarError(f"block {cid} does not match its hash (the file is damaged)")
            return data
        raise CarError(f"block {cid} is not in the file")

    def node(self, cid: CID) -> Any:
        return decode(self.block(cid))


def walk_mst(car: CarFile, root: CID) -> Iterator[tuple[str, CID]]:
    """Yield (key, record CID) of an atproto Merkle Search Tree in key order."""
    node = car.node(root)
    if not isinstance(node, dict) or not isinstance(node.get("e"), list):
        raise CarError(f"block {root} is not an MST node")
    if isinstance(node.get("l"), CID):
        yield from walk_mst(car, node["l"])
    prev = b""
    for e in node["e"]:
        key = prev[: int(e.get("p", 0))] + bytes(e["k"])
        prev = key
        yield key.decode("utf-8", errors="replace"), e["v"]
        if isinstance(e.get("t"), CID):
            yield from walk_mst(car, e["t"])
