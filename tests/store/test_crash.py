"""Crash safety: an import killed with SIGKILL keeps every committed record; re-running adds no duplicates.

The child is a real process running the same append path ``onrecord archive add`` uses (batches of 20
per transaction), with synthetic results so the test does not wait for the detectors to load.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import msgspec
import pytest
from sqlalchemy import func, select

from onrecord.store import archive as arc
from onrecord.store.db import open_engine
from onrecord.store.schema import archive_entries

from .synth import make_post

N = 3000
CHILD = """
import sys
import msgspec
sys.path.insert(0, {tests!r})
from onrecord.model.post import Post
from onrecord.store import archive
from onrecord.store.db import open_engine
from store.synth import make_result

eng = open_engine(sys.argv[1])
posts = (msgspec.json.decode(line, type=Post) for line in open(sys.argv[2], "rb"))
stats = archive.append(eng, ((p, make_result(p)) for p in posts), "importer", batch=20,
                       on_batch=lambda s: print("committed", s.head_seq, flush=True))
print("done", stats.written, stats.duplicates, flush=True)
"""


def _count(url: str) -> tuple[int, int]:
    eng = open_engine(url)
    with eng.connect() as conn:
        rows = conn.execute(select(func.count(), func.count(archive_entries.c.idem_key.distinct()))).one()
    eng.dispose()
    return int(rows[0]), int(rows[1])


def test_sigkill_mid_import_loses_nothing_committed_and_rerun_is_idempotent(db_url: str, tmp_path: Path) -> None:
    src = tmp_path / "posts.jsonl"
    src.write_bytes(b"".join(msgspec.json.encode(make_post(i)) + b"\n" for i in range(N)))
    open_engine(db_url).dispose()  # migrate first, so the child starts appending at once
    code = CHILD.format(tests=str(Path(__file__).resolve().parents[1]))
    args = [sys.executable, "-c", code, db_url, str(src)]
    proc = subprocess.Popen(args, stdout=subprocess.PIPE, text=True)
    assert proc.stdout is not None
    committed = 0
    deadline = time.monotonic() + 300
    for line in proc.stdout:
        if line.startswith("committed"):
            committed = int(line.split()[1])
            if committed >= N // 3:
                break
        assert time.monotonic() < deadline, "import made no progress"
    else:
        pytest.fail(f"import ended before it could be killed (committed {committed})")
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL

    total, distinct = _count(db_url)
    assert committed <= total < N, "every batch reported committed must still be there, and the kill was mid-import"
    assert total == distinct
    eng = open_engine(db_url)
    assert arc.verify(eng).ok
    eng.dispose()

    rerun = subprocess.run(args, capture_output=True, text=True, timeout=600)
    assert rerun.returncode == 0, rerun.stderr
    assert rerun.stdout.strip().splitlines()[-1] == f"done {N - total} {total}"
    assert _count(db_url) == (N, N)
    eng = open_engine(db_url)
    rep = arc.verify(eng)
    assert rep.ok and rep.checked == N
    eng.dispose()
