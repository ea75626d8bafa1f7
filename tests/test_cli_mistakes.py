"""A user's mistakes on the command line: a clear one-line error and the right exit code, never a traceback.

Cases are data in tests/cases/cli/*.yaml, each run in a fresh folder (the working directory):

- ``files``: name -> content, written first (``!!binary`` for bytes; ``{byte:..}`` as in ``args``);
- ``setup``: commands (argument lists) that must exit 0, or ``{args, code}``, e.g. to make a store;
- ``sql``: ``{db: FILE, run: [statements]}`` run on a SQLite file after ``setup`` (e.g. to fake a newer schema);
- ``args``: the command; ``{byte:ff}`` in an argument stands for an undecodable byte, as Python puts it in
  ``sys.argv`` (a lone surrogate);
- ``env``: environment variables for the command (``{tmp}`` is the folder);
- ``stdin``: text fed to the command;
- ``code``: the exit code; ``stderr`` / ``stdout``: texts that must appear; ``not_stderr``: texts that must not.
"""

from __future__ import annotations

import os
import re
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from onrecord.cli._records import checker
from onrecord.cli.main import cli
from yaml_cases import case_params

_BYTE = re.compile(r"\{byte:([0-9a-fA-F]{2})\}")


def _arg(a: Any) -> str:
    return _BYTE.sub(lambda m: os.fsdecode(bytes.fromhex(m.group(1))), str(a))


def _run(args: list[Any], stdin: str | None = None) -> Any:
    r = CliRunner().invoke(cli, [_arg(a) for a in args], input=stdin)
    shown = r.stdout + r.stderr
    assert r.exception is None or isinstance(r.exception, SystemExit), f"{type(r.exception).__name__}: {r.exception}"
    assert "Traceback" not in shown, shown
    return r


@pytest.mark.parametrize("case", case_params("cli"))
def test_mistake(case: dict[str, Any], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    checker.cache_clear()  # a command runs in a fresh process: no engine built under another case's environment
    for var in ("ONRECORD_DB", "ONRECORD_CODE_PATH", "ONRECORD_LEXICON_PATH"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("ONRECORD_USER", "tester")
    for var, value in (case.get("env") or {}).items():
        monkeypatch.setenv(var, str(value).replace("{tmp}", str(tmp_path)))
    for name, content in (case.get("files") or {}).items():
        path = tmp_path / _arg(name)
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
    for step in case.get("setup") or []:
        args, code = (step["args"], step["code"]) if isinstance(step, dict) else (step, 0)
        r = _run(args)
        assert r.exit_code == code, f"setup {args}: {r.stderr}"
    if case.get("sql"):
        with sqlite3.connect(tmp_path / case["sql"]["db"]) as conn:
            for stmt in case["sql"]["run"]:
                conn.execute(stmt)
    r = _run(case["args"], case.get("stdin"))
    assert r.exit_code == case["code"], f"exit {r.exit_code}; stderr: {r.stderr}"
    for text in case.get("stderr") or []:
        assert text in r.stderr, f"{text!r} not in stderr: {r.stderr}"
    for text in case.get("not_stderr") or []:
        assert text not in r.stderr, f"{text!r} in stderr: {r.stderr}"
    for text in case.get("stdout") or []:
        assert text in r.stdout, f"{text!r} not in stdout: {r.stdout}"
