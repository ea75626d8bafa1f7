"""Uniform access to the files of an input: a folder, a ZIP, a tar(.gz) or one plain file."""

from __future__ import annotations

import os
import tarfile
import zipfile
import zlib
from pathlib import Path
from typing import IO

from onrecord.importers.base import READ_ERRORS, UnusableInput

__all__ = ["READ_ERRORS", "Container", "open_container"]


class Container:
    """Files of one input, by member name. ``real_path`` is set when a member is a file on disk."""

    name: str

    def members(self) -> list[str]:
        raise NotImplementedError

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
    """A tar or tar.gz archive (Mastodon). Members are read in archive order to avoid re-decompressing."""

    def __init__(self, path: str, name: str | None = None) -> None:
        self.name = name or path
        try:
            self.tf = tarfile.open(path, "r:*")  # noqa: SIM115 - closed in close()
            self._infos = {m.name: m for m in self.tf.getmembers() if m.isfile()}
        except (tarfile.TarError, OSError, EOFError, zlib.error) as e:
            raise UnusableInput(f"{self.name}: not a readable tar archive ({e}); the download may be incomplete") from None

    def members(self) -> list[str]:
        return sorted(self._infos)

    def open(self, member: str) -> IO[bytes]:
        f = self.tf.extractfile(self._infos[member])
        if f is None:
            raise OSError(f"cannot read {member}")
        return f

    def close(self) -> None:
        self.tf.close()


def archive_kind(magic: bytes) -> str | None:
    """"zip" or "tar" (plain or gzip/bzip2/xz compressed) from a file's first 512 bytes, else None."""
    if magic[:4] in (b"PK\x03\x04", b"PK\x05\x06", b"PK\x07\x08"):
        return "zip"
    if magic[:2] == b"\x1f\x8b" or magic[:3] == b"BZh" or magic[:6] == b"\xfd7zXZ\x00" or magic[257:262] == b"ustar":
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
