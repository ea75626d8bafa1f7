"""Web UI latency on real posts nobody here wrote: what an employee waits for after pressing "Check".

Office tweets of US members of Congress (``congress_capacity`` dev, the first N official-account posts),
each sent as the draft form (official account, elected official, jurisdiction US) to ``POST /check`` of a
real server on a loopback port (Werkzeug, threaded, as ``onrecord serve`` runs it), one request at a time,
and the page read in full. Prints the median, 95th percentile and worst time per request, the requests per
second, and the share of pages with a finding other than RC01 (keep as a public record). Also the same through Flask's test client (no sockets), to
show what the network layer adds. Then the audit page: ``--audit-posts`` congress posts (office and campaign
accounts, as JSON lines in the post contract with their handles) uploaded in one ``POST /audit`` to the same server,
timed from sending to the page read, as posts per second. Nothing here is a unit test: a machine shared with other
jobs reads slower.

Run: python bench/web.py [--n 500] [--audit-posts 20000]
"""

from __future__ import annotations

import argparse
import io
import json
import logging
import re
import statistics
import sys
import tempfile
import threading
import time
import urllib.parse
import urllib.request
from http.cookiejar import CookieJar
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from werkzeug.datastructures import FileStorage
from werkzeug.serving import make_server
from werkzeug.test import encode_multipart

from _shared import data_file
from onrecord.web import create_app

CMD = "python bench/web.py"


def _forms(n: int) -> list[dict[str, str]]:
    rows = []
    with data_file("congress_capacity", "dev.jsonl").open(encoding="utf-8") as f:
        for line in f:
            r = json.loads(line)
            if r["capacity"] == "official":
                rows.append({"text": r["text"], "account_kind": "official", "role": "elected_official",
                             "jurisdiction": "US", "handle": r.get("screen_name", "")})
            if len(rows) == n:
                break
    return rows


def _audit_upload(n: int) -> bytes:
    lines = []
    with data_file("congress_capacity", "dev.jsonl").open(encoding="utf-8") as f:
        for i, line in enumerate(f):
            if i == n:
                break
            r = json.loads(line)
            lines.append(json.dumps({"id": str(i), "platform": "x", "text": r["text"],
                                     "account": {"handle": r.get("screen_name", "")},
                                     "circumstances": {"posted_at": r.get("created_at")}}))
    return ("\n".join(lines) + "\n").encode()


def _has_finding(page: str) -> bool:
    """A finding other than RC01 (every official post is a public record: that one is on every page)."""
    return bool(set(re.findall(r'data-check="([A-Z]+\d+)"', page)) - {"RC01"})


def _report(name: str, times: list[float], found: int) -> None:
    ms = sorted(t * 1000 for t in times)
    p95 = ms[min(len(ms) - 1, int(0.95 * len(ms)))]
    print(f"{name}: {len(ms)} requests, median {statistics.median(ms):.1f} ms, p95 {p95:.1f} ms, worst {ms[-1]:.1f} ms, "
          f"{len(ms) / (sum(ms) / 1000):.0f} requests/s, {found / len(ms):.1%} with a finding   [{CMD}]")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--n", type=int, default=500)
    ap.add_argument("--audit-posts", type=int, default=20000)
    args = ap.parse_args()
    forms = _forms(args.n)
    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # one access-log line per request would swamp the figures
    with tempfile.TemporaryDirectory() as tmp:
        t0 = time.perf_counter()
        app = create_app(db=str(Path(tmp) / "onrecord.db"))
        print(f"app start (packs, detectors, models, store): {time.perf_counter() - t0:.2f} s   [{CMD}]")

        client = app.test_client()
        tok = re.search(r'name="csrf" value="([^"]+)"', client.get("/").text).group(1)  # type: ignore[union-attr]
        client.post("/check", data={"csrf": tok, **forms[0]})  # warm: first use builds lazy parts
        times, found = [], 0
        for f in forms:
            t = time.perf_counter()
            page = client.post("/check", data={"csrf": tok, **f}).text
            times.append(time.perf_counter() - t)
            found += _has_finding(page)
        _report("Flask test client, POST /check", times, found)

        srv = make_server("127.0.0.1", 0, app, threaded=True)
        threading.Thread(target=srv.serve_forever, daemon=True).start()
        base = f"http://127.0.0.1:{srv.server_port}"
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(CookieJar()))
        with opener.open(f"{base}/") as r:
            tok = re.search(r'name="csrf" value="([^"]+)"', r.read().decode()).group(1)  # type: ignore[union-attr]
        times, found = [], 0
        for f in forms:
            body = urllib.parse.urlencode({"csrf": tok, **f}).encode()
            t = time.perf_counter()
            with opener.open(f"{base}/check", data=body) as r:
                page = r.read().decode()
            times.append(time.perf_counter() - t)
            found += _has_finding(page)
        _report("real server on loopback, POST /check, page read", times, found)

        if args.audit_posts:
            upload = _audit_upload(args.audit_posts)
            boundary, body = encode_multipart({"csrf": tok, "exports": FileStorage(io.BytesIO(upload), "congress.jsonl")})
            req = urllib.request.Request(f"{base}/audit", data=body,
                                         headers={"Content-Type": f"multipart/form-data; boundary={boundary}"})
            t = time.perf_counter()
            with opener.open(req) as r:
                page = r.read().decode()
            took = time.perf_counter() - t
            m = re.search(r"read ([\d,]+) = checked ([\d,]+)", page)
            checked = int(m.group(2).replace(",", "")) if m else 0
            print(f"real server on loopback, POST /audit of {len(upload) / 2**20:.1f} MB JSONL: {checked:,} posts checked in "
                  f"{took:.1f} s, {checked / took:,.0f} posts/s (one process, as the page runs it)   [{CMD} --audit-posts {args.audit_posts}]")
        srv.shutdown()
        app.extensions["onrecord.store"].dispose()
    return 0


if __name__ == "__main__":
    sys.exit(main())
