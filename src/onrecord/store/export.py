"""FOI/OIA export bundles: JSONL, CSV, HTML and a manifest with per-file SHA-256 and the chain head.

Every JSONL line carries the entry's header, ``prev_hash`` and ``entry_hash``, so each entry can be
re-hashed offline; the manifest lists every entry and file, and the chain head at export time, which a
requester can compare with a head the agency published.
"""

from __future__ import annotations

import csv
import hashlib
import html
import io
import os
from datetime import datetime
from pathlib import Path
from typing import Any

import msgspec
from sqlalchemy import Engine

from onrecord.model.csvcell import guard
from onrecord.model.decode import JSONReadError, read_json
from onrecord.store import archive
from onrecord.store.chain import canon, check_period, content_hash, iso, link, utcnow
from onrecord.store.db import StoreError

FORMAT = "onrecord-foi-bundle/1"
FILES = ("records.jsonl", "records.csv", "index.html")
CSV_FIELDS = ("seq", "record_key", "version", "kind", "platform", "account", "post_id", "posted_at", "archived_at",
              "capacity", "jurisdiction", "text", "findings", "clauses", "content_hash", "entry_hash")


def _line(e: dict[str, Any]) -> dict[str, Any]:
    d = archive.header(e)
    d["prev_hash"] = e["prev_hash"]
    d["entry_hash"] = e["entry_hash"]
    d["post"] = msgspec.json.decode(e["post_json"]) if e["post_json"] is not None else None
    d["result"] = msgspec.json.decode(e["result_json"]) if e["result_json"] is not None else None
    return d


def _cell(value: Any) -> Any:
    """Stop spreadsheet formula injection in text cells (the shared OWASP guard; the JSONL is exact)."""
    return guard(value) if isinstance(value, str) else value


def _csv_row(d: dict[str, Any]) -> dict[str, Any]:
    row = _csv_fields(d)
    return {k: _cell(v) for k, v in row.items()}


def _href(url: Any) -> str:
    """Only http(s) links become links in the HTML rendering."""
    u = str(url or "")
    return html.escape(u) if u.lower().startswith(("https://", "http://")) else "#"


def _csv_fields(d: dict[str, Any]) -> dict[str, Any]:
    post, result = d["post"] or {}, d["result"] or {}
    findings = result.get("findings", []) if isinstance(result, dict) else []
    return {**{k: d.get(k) for k in CSV_FIELDS if k in d},
            "text": post.get("text", "[disposed]" if d["post"] is None else ""),
            "findings": "; ".join(f"{f.get('check')} {f.get('severity')}: {f.get('message')}" for f in findings),
            "clauses": "; ".join(sorted({c.get("id", "") for f in findings for c in f.get("clauses", [])}))}


def _html_head(meta: dict[str, Any]) -> list[str]:
    esc = html.escape
    return ["<!doctype html>", '<html lang="en"><head><meta charset="utf-8">',
            "<title>onrecord records export</title>",
            "<style>body{font-family:sans-serif;max-width:60em;margin:2em auto}"
            "article{border:1px solid #ccc;padding:.8em;margin:1em 0}"
            ".meta{color:#555;font-size:.9em}blockquote{white-space:pre-wrap;margin:.5em 0}"
            "code{font-size:.8em;word-break:break-all}</style></head><body>",
            "<h1>Records export</h1>",
            f"<p class=meta>Exported {esc(meta['created_at'])} · {meta['count']} entries · "
            f"query: <code>{esc(canon(meta['query']).decode())}</code><br>"
            f"Chain head: entry {meta['chain']['head_seq']} <code>{esc(meta['chain']['head_hash'])}</code></p>"]


def _html_entry(d: dict[str, Any]) -> list[str]:
    esc = html.escape
    post, result = d["post"], d["result"]
    text = post.get("text", "") if post else "[content disposed under the retention rule]"
    out = [f"<article id=\"e{d['seq']}\"><h2>{esc(d['record_key'])} · version {d['version']} ({esc(d['kind'])})</h2>",
           f"<p class=meta>Posted {esc(d['posted_at'] or 'unknown')} · archived {esc(d['archived_at'])} · "
           f"capacity {esc(d['capacity'])} · jurisdiction {esc(d['jurisdiction'] or 'unknown')}</p>"]
    if post and post.get("comment"):
        out.append(f"<blockquote>{esc(post['comment'])}</blockquote>")
    out.append(f"<blockquote>{esc(text)}</blockquote>")
    findings = result.get("findings", []) if isinstance(result, dict) else []
    if findings:
        out.append("<ul>")
        for f in findings:
            cl = ", ".join(f"<a href=\"{_href(c.get('url'))}\">{esc(c.get('id', ''))}</a>" for c in f.get("clauses", []))
            out.append(f"<li><b>{esc(str(f.get('severity')))}</b> {esc(str(f.get('check')))}: "
                       f"{esc(str(f.get('message')))} ({cl})</li>")
        out.append("</ul>")
    out.append(f"<p class=meta>entry {d['seq']} <code>{esc(d['entry_hash'])}</code></p></article>")
    return out


class _Out:
    """A bundle file written in pieces, with its SHA-256 and size kept as it goes."""

    def __init__(self, path: Path) -> None:
        self.f = open(path, "wb")  # noqa: SIM115 - closed in done()
        self.sha = hashlib.sha256()
        self.n = 0

    def write(self, data: bytes) -> None:
        self.f.write(data)
        self.sha.update(data)
        self.n += len(data)

    def done(self) -> dict[str, Any]:
        self.f.flush()
        os.fsync(self.f.fileno())
        self.f.close()
        return {"sha256": self.sha.hexdigest(), "bytes": self.n}


def _write(path: Path, data: bytes) -> dict[str, Any]:
    out = _Out(path)
    out.write(data)
    return out.done()


def export(engine: Engine, out: Path, start: datetime | None = None, end: datetime | None = None,
           account: str | None = None, query: str | None = None, now: datetime | None = None) -> dict[str, Any]:
    """Write a bundle into ``out`` (created; must be empty) and return its manifest.

    Entries stream from the database into the files (a bundle of millions is never held in memory); the HTML
    index, whose heading gives the count, is assembled from a part file once the count is known."""
    check_period(start, end)
    if out.exists() and (not out.is_dir() or any(out.iterdir())):
        raise StoreError(f"{out} exists and is not an empty directory")
    out.mkdir(parents=True, exist_ok=True)
    head_seq, head_hash = archive.head(engine)
    listed: list[tuple[int, str]] = []
    jsonl, csv_out = _Out(out / "records.jsonl"), _Out(out / "records.csv")
    part = out / "index.html.part"
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=list(CSV_FIELDS), lineterminator="\n")
    w.writeheader()
    try:
        with open(part, "w", encoding="utf-8", newline="") as body:
            # Entries appended after the head was read are left for the next export: the manifest's head covers all.
            for e in archive.iter_entries(engine, start, end, account, query, upto=head_seq):
                d = _line(e)
                jsonl.write(canon(d) + b"\n")
                w.writerow(_csv_row(d))
                csv_out.write(buf.getvalue().encode())
                buf.seek(0)
                buf.truncate()
                body.write("".join(x + "\n" for x in _html_entry(d)))
                listed.append((d["seq"], d["entry_hash"]))
        csv_out.write(buf.getvalue().encode())  # the header of an empty export
        meta: dict[str, Any] = {
            "format": FORMAT,
            "created_at": iso(now or utcnow()),
            "query": {"from": iso(start) if start else None, "to": iso(end) if end else None, "account": account,
                      "text": query},
            "count": len(listed),
            "chain": {"head_seq": head_seq, "head_hash": head_hash, "algorithm": "sha256"},
        }
        files: dict[str, Any] = {"records.jsonl": jsonl.done(), "records.csv": csv_out.done()}
        index = _Out(out / "index.html")
        index.write("".join(x + "\n" for x in _html_head(meta)).encode())
        with open(part, "rb") as body_in:
            while chunk := body_in.read(1 << 20):
                index.write(chunk)
        index.write(b"</body></html>\n")
        files["index.html"] = index.done()
    finally:
        for f in (jsonl.f, csv_out.f):
            f.close()
        part.unlink(missing_ok=True)
    meta["files"] = files
    meta["entries"] = listed
    mbytes = msgspec.json.format(canon(meta), indent=1) + b"\n"
    _write(out / "manifest.json", mbytes)
    meta["manifest_sha256"] = hashlib.sha256(mbytes).hexdigest()
    return meta


def verify_bundle(path: Path) -> tuple[dict[str, Any] | None, list[str]]:
    """Check a bundle offline: file hashes, the entry list, each entry's content and entry hash."""
    problems: list[str] = []
    mpath = path / "manifest.json"
    if not mpath.is_file():
        return None, [f"{mpath} is missing"]
    try:
        meta = read_json(mpath.read_bytes())
    except JSONReadError as e:  # a bundle comes from elsewhere: hostile JSON is a problem to report, not a crash
        return None, [f"manifest.json is not valid JSON: {e}"]
    if not isinstance(meta, dict) or meta.get("format") != FORMAT or not isinstance(meta.get("files"), dict):
        return None, [f"manifest.json is not an {FORMAT} manifest"]
    for name in FILES:
        info = meta["files"].get(name)
        p = path / name
        if info is None:
            problems.append(f"manifest does not list {name}")
        elif not p.is_file():
            problems.append(f"{name} is missing")
        elif hashlib.sha256(p.read_bytes()).hexdigest() != info.get("sha256"):
            problems.append(f"{name} was altered: SHA-256 does not match the manifest")
    extra = sorted(p.name for p in path.iterdir() if p.name not in (*FILES, "manifest.json"))
    if extra:
        problems.append(f"files not in the manifest: {', '.join(extra)}")
    jl = path / "records.jsonl"
    listed = [tuple(x) for x in meta.get("entries", [])]
    if jl.is_file():
        found = []
        for n, raw in enumerate(jl.read_bytes().splitlines(), start=1):
            try:
                d = read_json(raw)
                if d["post"] is None and d["result"] is None:
                    ok_content = True  # disposed: the header still commits to the old content hash
                else:
                    pj = canon(d["post"]) if d["post"] is not None else None
                    rj = canon(d["result"]) if d["result"] is not None else None
                    ok_content = content_hash(pj, rj) == d["content_hash"]
                ok_link = link(d["prev_hash"], archive.header(d)) == d["entry_hash"]
            except (JSONReadError, KeyError, TypeError) as e:
                problems.append(f"records.jsonl line {n} cannot be read: {e}")
                break
            if not ok_content:
                problems.append(f"records.jsonl line {n} (entry {d['seq']}): post/result do not match content_hash")
            if not ok_link:
                problems.append(f"records.jsonl line {n} (entry {d['seq']}): fields do not match entry_hash")
            found.append((d["seq"], d["entry_hash"]))
        if found != listed and not any("cannot be read" in p for p in problems):
            problems.append("records.jsonl entries differ from the manifest's entry list")
        if meta.get("count") != len(listed):
            problems.append("manifest count does not match its entry list")
    return meta, problems
