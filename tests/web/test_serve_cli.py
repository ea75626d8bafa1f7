"""``onrecord serve`` as a user starts it: it serves the UI, and bad options are one line and exit 2."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _serve(*args: str) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, "-m", "onrecord", "serve", *args], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)


def test_serve_answers_on_its_port(tmp_path: Path) -> None:
    port = _free_port()
    proc = _serve("--db", str(tmp_path / "onrecord.db"), "--port", str(port))
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=2) as r:
                    page = r.read().decode()
                break
            except OSError:
                assert proc.poll() is None, proc.communicate()[1]
                assert time.monotonic() < deadline, "the server did not answer within 60 s"
                time.sleep(0.2)
        assert "Check a draft" in page
        assert (tmp_path / "onrecord.db").is_file()
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def test_unknown_code_is_a_usage_error(tmp_path: Path) -> None:
    proc = _serve("--db", str(tmp_path / "onrecord.db"), "--code", "no-such-code", "--port", str(_free_port()))
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == 2
    assert "no-such-code" in err and "Traceback" not in err


def test_a_port_in_use_is_said_plainly(tmp_path: Path) -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen()
        proc = _serve("--db", str(tmp_path / "onrecord.db"), "--port", str(s.getsockname()[1]))
        _, err = proc.communicate(timeout=120)
    assert proc.returncode == 2
    assert "cannot listen on" in err and "Traceback" not in err
