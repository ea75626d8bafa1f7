"""Uniform access to the files of an input: a folder, a ZIP, a tar(.gz) or one plain file."""

from __future__ import annotations

import os
import tarfile
import zipfile
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import IO

from onrecord.importers.base import READ_ERRORS, UnusableInput

__all__ = ["READ_ERRORS", "Container", "open_container"]


class Container:
    """Files of one input, by member name. ``real_path`` is set when a member is a file on disk."""

    name: str
    damage: str | None = None  # set by scan() when the archive ends early: what was lost, said as a reject

    def members(self) -> list[str]:
        raise NotImplementedError

    def scan(self, n: int) -> Iterator[tuple[str, bytes | BaseException]]:
        """Every member with its first ``n`` bytes (or the error reading it), in the order cheapest to read."""
        for m in self.members():
            try:
                yield m, self.head(m, n)
            except READ_ERRORS as e:
                yield m, e

    def open(self, member: str) -> IO[bytes]:
        raise NotImplementedError

    def real_path(self, member: str) -> str | None:
        return None

    def label(self, member: str) -> str:
        """How a member is named in messages and the rejects file."""
        return self.name if member == "" else f"{self.name}!{member}"

    def head(self, member: str, n: int = 4096) -> bytes:
        with self.open(member) as f:
            return f.read(n)

    def close(self) -> None:
        """Release the archive handle."""


class FileContainer(Container):
    """One plain file; its only member is ``""``."""

    def __init__(self, path: str, name: str | None = None) -> None:
        self.name = name or path
        self.path = path

    def members(self) -> list[str]:
        return [""]

    def open(self, member: str) -> IO[bytes]:
        return open(self.path, "rb")

    def real_path(self, member: str) -> str | None:
        return self.path


class DirContainer(Container):
    """A folder (an unpacked export); members are paths relative to it, sorted."""

    def __init__(self, path: str, name: str | None = None) -> None:
        self.name = name or path
        self.root = Path(path)

    def members(self) -> list[str]:
        out = []
        for dirpath, _dirs, files in os.walk(self.root):
            for f in files:
                out.append(str((Path(dirpath) / f).relative_to(self.root)))
        return sorted(out)

    def open(self, member: str) -> IO[bytes]:
        return open(self.root / member, "rb")

    def real_path(self, member: str) -> str | None:
        return str(self.root / member)


class ZipContainer(Container):
    """A ZIP archive (X, LinkedIn, Meta exports; Mastodon on request)."""

    def __init__(self, path: str, name: str | None = None) -> None:
        self.name = name or path
        try:
            self.zf = zipfile.ZipFile(path)
            self._names = sorted(i.filename for i in self.zf.infolist() if not i.is_dir())
        except (zipfile.BadZipFile, OSError, EOFError) as e:
            raise UnusableInput(f"{self.name}: not a readable ZIP archive ({e}); the download may be incomplete") from None

    def members(self) -> list[str]:
        return self._names

    def open(self, member: str) -> IO[bytes]:
        return self.zf.open(member)

    def close(self) -> None:
        self.zf.close()


class TarContainer(Container):
    """A tar or tar.gz archive (Mastodon), listed in one pass in archive order by :meth:`scan`.

    A compressed stream cannot seek back without decompressing again from the start: reading the members in
    name order did that once per member, quadratic in their number (1,000 media files: 33 s).
    """

    def __init__(self, path: str, name: str | None = None) -> None:
        self.name = name or path
        self.path = path
        self._infos: dict[str, tarfile.TarInfo] | None = None
        try:
            self.tf = tarfile.open(path, "r:*")  # noqa: SIM115 - closed in close()
        except (tarfile.TarError, OSError, EOFError, zlib.error) as e:
            raise UnusableInput(f"{self.name}: not a readable tar archive ({e}); the download may be incomplete") from None

    def members(self) -> list[str]:
        if self._infos is None:
            for _m in self.scan(0):
                pass
        assert self._infos is not None
        return sorted(self._infos)

    def scan(self, n: int) -> Iterator[tuple[str, bytes | BaseException]]:
        """Every file member with its first ``n`` bytes, in archive order, in one forward pass. Where the archive
        is cut short, the members before the cut are kept and :attr:`damage` says where it ends."""
        self._infos, self.damage = {}, None
        last = ""
        failed: BaseException | None = None  # the last member's read error, unless the archive ends there
        try:
            for info in self.tf:
                if failed is not None:
                    yield last, failed
                    failed = None
                if not info.isfile():
                    continue
                self._infos[info.name] = info
                last = info.name
                try:
                    head = self.head(info.name, n) if n else b""
                except READ_ERRORS as e:
                    failed = e
                    continue
                yield info.name, head
        except READ_ERRORS as e:
            # The cut is said once, for the archive; the member it falls in is not read (it is incomplete).
            self._cut(last, "(the compressed data ends early)" if isinstance(e, EOFError) else f"({e})")
            return
        if failed is not None:
            yield last, failed
        if self._plain_tar_cut():
            self._cut(last, "")

    def _plain_tar_cut(self) -> bool:
        """An uncompressed tar cut short: tarfile takes a cut header, or a member cut in its data, for the end."""
        with open(self.path, "rb") as f:
            magic = f.read(6)
        if magic.startswith(_COMPRESSED):
            return False  # a compressed stream that ends early raises instead (EOFError)
        size = os.path.getsize(self.path)
        if self.tf.offset > size:
            return True  # the last member's data runs past the end of the file
        with open(self.path, "rb") as f:
            f.seek(self.tf.offset)
            rest = f.read(1024)
        return bool(rest.strip(b"\0"))  # the end of an archive is zero blocks; a cut header is not

    def _cut(self, last: str, detail: str) -> None:
        if not self._infos:
            raise UnusableInput(f"{self.name}: not a readable tar archive {detail}; the download may be incomplete")
        detail = f" {detail}" if detail else ""
        self.damage = (
            f"{self.name}: the archive is cut short in or after {last}{detail}; the files after it are lost "
            "(the download may be incomplete)"
        )

    def open(self, member: str) -> IO[bytes]:
        if self._infos is None:
            self.members()
        assert self._infos is not None
        f = self.tf.extractfile(self._infos[member])
        if f is None:
            raise OSError(f"cannot read {member}")
        return f

    def close(self) -> None:
        self.tf.close()


_COMPRESSED = (b"\x1f\x8b", b"BZh", b"\xfd7zXZ\x00")  # gzip, bzip2, xz


def archive_kind(magic: bytes) -> str | None:
    """"zip" or "tar" (plain or gzip/bzip2/xz compressed) from a file's first 512 bytes, else None."""
    if magic[:4] in (b"PK\x03\x04", b"PK\x05\x06", b"PK\x07\x08"):
        return "zip"
    if magic.startswith(_COMPRESSED) or magic[257:262] == b"ustar":
        return "tar"
    return None


def open_container(path: str, name: str | None = None) -> Container:
    """Open ``path`` by its content: folder, ZIP, tar(.gz) or a plain file. ``name``: how messages and rejects
    name the input (an upload's own file name rather than the server's copy); ``path`` by default."""
    shown = name or path
    if os.path.isdir(path):
        return DirContainer(path, name)
    if not os.path.exists(path):
        raise UnusableInput(f"{shown}: no such file or folder")
    try:
        with open(path, "rb") as f:
            magic = f.read(512)
    except OSError as e:
        raise UnusableInput(f"{shown}: cannot read ({e.strerror or e})") from None
    if not magic:
        raise UnusableInput(f"{shown}: the file is empty")
    kind = archive_kind(magic)
    if kind == "zip":
        return ZipContainer(path, name)
    if kind == "tar":
        return TarContainer(path, name)
    return FileContainer(path, name)
