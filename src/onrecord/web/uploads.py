"""Uploaded exports: saved under a number, held to what they may unpack to, named in messages as the sender named them."""

from __future__ import annotations

import bz2
import gzip
import io
import lzma
import os
import zipfile
import zlib
from collections.abc import Callable
from pathlib import Path
from typing import NamedTuple

from flask import request
from werkzeug.datastructures import FileStorage

from onrecord.web.app import checker

# What the uploads of one request may unpack to, in multiples of the upload limit: no zip bomb gets further.
UNPACK_FACTOR = 2
_COMPRESSED: tuple[tuple[bytes, Callable[[str], io.BufferedIOBase]], ...] = (
    (b"\x1f\x8b", gzip.GzipFile), (b"BZh", bz2.BZ2File), (b"\xfd7zXZ\x00", lzma.LZMAFile))


class UploadError(ValueError):
    """The upload form cannot be used as sent (no file, an unknown code): the message says what to do."""


def upload_form() -> tuple[list[FileStorage], str | None]:
    """The files and the chosen code (None: each author's own) of an upload form."""
    files = [f for f in request.files.getlist("exports") if f.filename]
    if not files:
        raise UploadError("choose at least one export file")
    code = request.form.get("code", "").strip() or None
    if code and checker().packs.lookup(code) is None:
        raise UploadError(f"unknown code {code!r}")
    return files, code


class Upload(NamedTuple):
    name: str  # the file's name on the sender's machine (shown, never used as a path)
    path: Path  # the server's copy


def unpacked_size(path: str, limit: int) -> int:
    """Bytes the importers may read from ``path``: a ZIP's members as its directory declares them (reading
    stops there), a gzip/bzip2/xz (tar) stream decompressed and counted up to ``limit``, else the file's size.
    A damaged archive counts what could be read; the importer then says what is wrong with it."""
    with open(path, "rb") as f:
        magic = f.read(6)
    n = 0
    try:
        if magic[:4] in (b"PK\x03\x04", b"PK\x05\x06", b"PK\x07\x08"):
            with zipfile.ZipFile(path) as z:
                return sum(i.file_size for i in z.infolist())
        opener = next((o for m, o in _COMPRESSED if magic.startswith(m)), None)
        if opener is not None:
            with opener(path) as s:
                while n <= limit and (chunk := s.read(1 << 20)):
                    n += len(chunk)
            return n
    except (zipfile.BadZipFile, OSError, EOFError, zlib.error, lzma.LZMAError, ValueError):
        return n
    return os.path.getsize(path)


def save_uploads(files: list[FileStorage], folder: Path, upload_limit: int) -> tuple[list[Upload], list[str]]:
    """Save each upload in ``folder`` under a number (a sender's name can be too long or hold ``../``; the importers
    go by content). Uploads past what the request may unpack to (``UNPACK_FACTOR`` × ``upload_limit`` in all) are
    deleted and named in the second list; the others are returned in order."""
    kept: list[Upload] = []
    skipped: list[str] = []
    budget = UNPACK_FACTOR * upload_limit
    seen: set[str] = set()
    for i, f in enumerate(files):
        name = (f.filename or "").replace("\\", "/").rsplit("/", 1)[-1] or f"upload {i + 1}"
        if name in seen:  # two uploads of one name: told apart in every count and message
            name = f"{name} (upload {i + 1})"
        seen.add(name)
        up = Upload(name, folder / str(i))
        f.save(up.path)
        size = unpacked_size(str(up.path), budget)
        if size > budget:
            up.path.unlink()
            skipped.append(f"{up.name}: cannot read it: it unpacks to more than {budget // 2**20:,} MB, "
                           f"{UNPACK_FACTOR} times the upload limit (serve --max-upload-mb)")
            continue
        budget -= size
        kept.append(up)
    return kept, skipped


def cannot_read(up: Upload, error: Exception) -> str:
    """The line for an upload that holds no export onrecord reads (the importer's message names it already)."""
    msg = str(error)
    return f"{up.name}: cannot read it: {msg.removeprefix(f'{up.name}: ')}"
