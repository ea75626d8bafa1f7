"""The audit pipeline: exports → importers → per-post check (local or Spark) → results, rejects, summary, report.

Nothing is lost and nothing is silent: every record read is either checked (a line in
``results.jsonl``) or rejected (a line in ``rejects.jsonl`` with its reason), so
``read == checked + rejected`` always holds.
"""

from __future__ import annotations

import csv
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any, Protocol

import msgspec

from onrecord.api.runners import EngineSpec, Outcome, default_workers, run_local, run_spark
from onrecord.engine import Engine
from onrecord.formatters.report_html import AuditReport
from onrecord.importers import ImportJob, RejectedRecord, UnusableInput, open_input
from onrecord.importers.accounts import load_accounts
from onrecord.model.csvcell import guard_row, unguard_row
from onrecord.model.finding import Result
from onrecord.model.post import Post

Progress = Callable[["AuditCounts"], None]


class ContextSource(Protocol):
    """Anything that fills in who is behind a post's account: the ``--accounts`` file
    (:class:`~onrecord.importers.accounts.AccountsFile`) or the accounts registry in ``onrecord.store``
    (``store.accounts.open_registry(...)`` returns an object with the same ``apply``)."""

    def apply(self, post: Post) -> Post: ...


@dataclass
class AuditCounts:
    """Records read, checked and rejected (import rejects + posts whose check failed)."""

    read: int = 0
    checked: int = 0
    rejected: int = 0
    import_rejected: int = 0
    check_failed: int = 0
    breach_posts: int = 0
    review_required: int = 0
    warned: int = 0  # posts checked with a warning (an unknown field ignored); each result lists its own
    warning_examples: list[str] = field(default_factory=list)  # the first few, for the summary line
    by_input: dict[str, dict[str, int]] = field(default_factory=dict)

    @property
    def consistent(self) -> bool:
        return self.read == self.checked + self.rejected


@dataclass
class AuditOptions:
    """What to audit and how."""

    paths: list[str]
    out_dir: str
    code: str | None = None
    code_paths: tuple[str, ...] = ()
    accounts: str | None = None
    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    engine: str = "local"
    workers: int | None = None
    csv_map: dict[str, str] | None = None
    chunk: int = 500
    title: str = "onrecord audit"


@dataclass
class AuditOutcome:
    """Counts and the files written."""

    counts: AuditCounts
    files: dict[str, str]
    inputs: list[tuple[str, str]]


def open_inputs(paths: list[str], csv_map: dict[str, str] | None = None) -> list[ImportJob]:
    """Classify every input first, so an unusable one stops the run before anything is written."""
    return [open_input(p, csv_map) for p in paths]


_decode_result = msgspec.json.Decoder(Result)
_decode_post = msgspec.json.Decoder(Post)
_enc = msgspec.json.Encoder()


def _write_reject(f: IO[bytes], rec: RejectedRecord) -> None:
    f.write(_enc.encode(rec))
    f.write(b"\n")


OUTPUT_FILES = ("results.jsonl", "rejects.jsonl", "summary.csv", "report.html")


def outputs_clash(paths: list[str] | tuple[str, ...], out_dir: str) -> str | None:
    """Why an audit of ``paths`` into ``out_dir`` would read or overwrite its own output, else None."""
    out = Path(out_dir).resolve()
    for p in paths:
        rp = Path(p).resolve()
        if rp.is_dir() and (out == rp or rp in out.parents):
            return (f"{p}: the output folder {out_dir} is in this input folder, so the audit would read its own "
                    "results as input; choose --out outside it")
        if rp.parent == out and rp.name in OUTPUT_FILES:
            return (f"{p} is one of the files the audit writes in {out_dir}: it would be emptied before it is read; "
                    "choose --out elsewhere")
    return None


def run_audit(
    opts: AuditOptions,
    jobs: list[ImportJob] | None = None,
    progress: Progress | None = None,
    accounts: ContextSource | None = None,
    spark: Any = None,
    engine: Engine | None = None,
) -> AuditOutcome:
    """Run the whole audit and write ``results.jsonl``, ``rejects.jsonl``, ``summary.csv``, ``report.html``.

    Raises UnusableInput (an input cannot be read at all), AccountsError, and whatever the Engine
    raises on a bad code or selection; RunnerUnavailable when the Spark engine cannot start. ``engine``: a ready
    Engine to check with in this process (one local worker; the web UI's), instead of one built from ``opts``.
    """
    clash = outputs_clash(opts.paths, opts.out_dir)
    if clash:
        raise UnusableInput(clash)
    jobs = jobs if jobs is not None else open_inputs(opts.paths, opts.csv_map)
    if accounts is None and opts.accounts:
        accounts = load_accounts(opts.accounts)
    spec = EngineSpec(
        code_paths=tuple(opts.code_paths), select=tuple(opts.select), ignore=tuple(opts.ignore), default_code=opts.code
    )
    os.makedirs(opts.out_dir, exist_ok=True)
    files = {name: os.path.join(opts.out_dir, name) for name in OUTPUT_FILES}
    counts = AuditCounts()
    report = AuditReport()
    inputs = [(j.path, ", ".join(j.formats)) for j in jobs]

    with open(files["results.jsonl"], "wb") as results, open(files["rejects.jsonl"], "wb") as rejects:
        runs: list[tuple[int, int]] = []  # (first post number, input index): one entry per input
        sent = [0]
        warned: dict[int, list[str]] = {}  # post number -> the importer's warnings about it

        def posts() -> Iterator[bytes]:
            for idx, job in enumerate(jobs):
                per = counts.by_input.setdefault(job.path, {"read": 0, "checked": 0, "rejected": 0})
                runs.append((sent[0], idx))
                for item in job.items():
                    counts.read += 1
                    per["read"] += 1
                    if isinstance(item, RejectedRecord):
                        counts.rejected += 1
                        counts.import_rejected += 1
                        per["rejected"] += 1
                        _write_reject(rejects, item)
                        continue
                    post = accounts.apply(item) if accounts is not None else item
                    if post.source is None:
                        post.source = job.path
                    notes = job.take_warnings()
                    if notes:
                        warned[sent[0]] = notes
                    sent[0] += 1
                    yield _enc.encode(post)

        if opts.engine == "spark":
            outcomes = run_spark(posts(), spec, workers=opts.workers or 2, spark=spark)
        else:
            outcomes = run_local(posts(), spec, workers=opts.workers, chunk=opts.chunk, engine=engine)
        for n, (post_json, (ok, payload)) in enumerate(outcomes):
            path = jobs[_input_of(runs, n)].path
            notes = warned.pop(n, None)
            if notes and ok:
                payload = _with_warnings(payload, notes, counts)
            _consume(post_json, ok, payload, path, counts.by_input[path], counts, results, rejects, report)
            if progress is not None and n % 1000 == 999:
                progress(counts)
    if progress is not None:
        progress(counts)

    _write_summary(files["summary.csv"], report)
    meta = {
        "title": opts.title,
        "counts": {"read": counts.read, "checked": counts.checked, "rejected": counts.rejected},
        "engine": f"spark local[{opts.workers or 2}]"
        if opts.engine == "spark"
        else f"local, {opts.workers or default_workers()} worker(s)",
        "generated": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "inputs": inputs,
    }
    with open(files["report.html"], "w", encoding="utf-8") as f:
        f.write(report.render_html(meta))
    return AuditOutcome(counts=counts, files=files, inputs=inputs)


def _with_warnings(payload: bytes, notes: list[str], counts: AuditCounts) -> bytes:
    """The result line with the importer's warnings about its post added (rare: decoded and encoded again only then).
    Decoded as plain JSON, not as a Result: that dropped the line's platform, account, posted_at and action."""
    line = msgspec.json.decode(payload)
    line["warnings"] = [*(line.get("warnings") or []), *notes]
    counts.warned += 1
    if len(counts.warning_examples) < 3:
        counts.warning_examples.append(notes[0])
    return _enc.encode(line)


def _input_of(runs: list[tuple[int, int]], seq: int) -> int:
    """The input a post came from (outcomes come back in input order)."""
    for start, idx in reversed(runs):
        if seq >= start:
            return idx
    return 0


def _consume(
    post_json: bytes,
    ok: bool,
    payload: bytes,
    path: str,
    per: dict[str, int],
    counts: AuditCounts,
    results: IO[bytes],
    rejects: IO[bytes],
    report: AuditReport,
) -> None:
    post = _decode_post.decode(post_json)
    if not ok:
        counts.rejected += 1
        counts.check_failed += 1
        per["rejected"] += 1
        _write_reject(
            rejects,
            RejectedRecord(
                source=post.source or path,
                location=f"post {post.id}" if post.id else "post (no id)",
                reason=payload.decode("utf-8", "replace"),
                raw=post.text[:200],
            ),
        )
        return
    results.write(payload)
    results.write(b"\n")
    counts.checked += 1
    per["checked"] += 1
    result = _decode_result.decode(payload)
    counts.breach_posts += not result.allowed
    counts.review_required += result.review_required
    report.add(post, result)


def _write_summary(path: str, report: AuditReport) -> None:
    with open(path, "w", newline="", encoding="utf-8") as f:
        w = csv.DictWriter(f, fieldnames=list(AuditReport.SUMMARY_COLUMNS))
        w.writeheader()
        for row in report.summary_rows():
            w.writerow(guard_row(row, AuditReport.SUMMARY_TEXT_COLUMNS))


def read_summary(path: str) -> list[dict[str, str]]:
    """The rows of a ``summary.csv`` this module wrote, text cells as they were before the formula guard."""
    with open(path, newline="", encoding="utf-8") as f:
        return [unguard_row(row, AuditReport.SUMMARY_TEXT_COLUMNS) for row in csv.DictReader(f)]


__all__ = ["AuditCounts", "AuditOptions", "AuditOutcome", "ContextSource", "Outcome", "open_inputs", "read_summary",
           "run_audit"]
