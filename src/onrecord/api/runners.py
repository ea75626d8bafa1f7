"""Run the per-post check over many posts: local processes (default) or Apache Spark.

Both runners apply the same pure function, :func:`check_encoded`, to posts encoded as JSON (the
post contract), so they give byte-identical result lines. Each worker process builds one
:class:`~onrecord.engine.Engine` from a picklable :class:`EngineSpec` and keeps it. Memory stays
flat: posts stream in, results stream out, and only a bounded number of chunks are in flight.
"""

from __future__ import annotations

import os
import sys
import tempfile
from collections import deque
from collections.abc import Iterable, Iterator
from multiprocessing.pool import AsyncResult
from typing import Any

import msgspec

from onrecord.engine import Engine
from onrecord.model.post import Post

Outcome = tuple[bool, bytes]  # (checked?, result line | error message as UTF-8)


class RunnerUnavailable(RuntimeError):
    """The chosen runner cannot start here (e.g. pyspark or Java missing)."""


class EngineSpec(msgspec.Struct, frozen=True):
    """Everything a worker needs to build its Engine (picklable, hashable)."""

    code_paths: tuple[str, ...] = ()
    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    default_code: str | None = None

    def build(self) -> Engine:
        from onrecord.codes.loader import PackRegistry

        return Engine(
            packs=PackRegistry(self.code_paths) if self.code_paths else None,
            select=self.select,
            ignore=self.ignore,
            default_code=self.default_code,
        )


_ENGINES: dict[EngineSpec, Engine] = {}
_post_decoder = msgspec.json.Decoder(Post)
_encoder = msgspec.json.Encoder()


def engine_for(spec: EngineSpec) -> Engine:
    """The Engine of this process for ``spec`` (built once)."""
    eng = _ENGINES.get(spec)
    if eng is None:
        eng = _ENGINES[spec] = spec.build()
    return eng


class _Extra(msgspec.Struct, omit_defaults=True):
    platform: str
    account: str
    posted_at: str | None
    action: str
    url: str | None = None
    deleted: bool = False


def result_line(post: Post, result: Any) -> bytes:
    """The results.jsonl line: the contract's result, then the post's platform, account and time."""
    res = _encoder.encode(result)
    extra = _encoder.encode(
        _Extra(
            platform=post.platform,
            account=post.account.handle,
            posted_at=post.circumstances.posted_at,
            action=post.action,
            url=post.url,
            deleted=post.deleted,
        )
    )
    return res[:-1] + b"," + extra[1:]


def check_encoded(spec: EngineSpec, post_json: bytes, engine: Engine | None = None) -> Outcome:
    """The pure per-post function: post JSON in, (True, result line) or (False, reason) out."""
    try:
        post = _post_decoder.decode(post_json)
    except msgspec.DecodeError as e:
        return False, f"not a valid post: {e}".encode()
    try:
        result = (engine or engine_for(spec)).check(post)
    except Exception as e:  # one bad post must not stop an audit: it becomes a reject
        return False, f"check failed: {type(e).__name__}: {e}".encode()
    return True, result_line(post, result)


def check_chunk(spec: EngineSpec, chunk: list[bytes], engine: Engine | None = None) -> list[Outcome]:
    """:func:`check_encoded` over a chunk (the unit shipped to a worker process), judged as one batch
    (:meth:`Engine.check_many`: one vectorised capacity call). Should the batch fail, each post is
    checked on its own, so one bad post only rejects itself."""
    out: list[Outcome | None] = []
    todo: list[tuple[int, Post]] = []
    for i, raw in enumerate(chunk):
        try:
            todo.append((i, _post_decoder.decode(raw)))
            out.append(None)
        except msgspec.DecodeError as e:
            out.append((False, f"not a valid post: {e}".encode()))
    try:
        results = (engine or engine_for(spec)).check_many([post for _, post in todo])
    except Exception:  # one post broke the batch: fall back to post by post
        return [check_encoded(spec, raw, engine) for raw in chunk]
    for (i, post), r in zip(todo, results, strict=True):
        if isinstance(r, Exception):
            out[i] = (False, f"check failed: {type(r).__name__}: {r}".encode())
        else:
            out[i] = (True, result_line(post, r))
    return [o for o in out if o is not None]


def _chunks(posts: Iterable[bytes], size: int) -> Iterator[list[bytes]]:
    buf: list[bytes] = []
    for p in posts:
        buf.append(p)
        if len(buf) >= size:
            yield buf
            buf = []
    if buf:
        yield buf


def default_workers() -> int:
    """All cores this process may use."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not Linux
        return os.cpu_count() or 1


def run_local(
    posts: Iterable[bytes], spec: EngineSpec, workers: int | None = None, chunk: int = 500, in_flight: int | None = None,
    engine: Engine | None = None,
) -> Iterator[tuple[bytes, Outcome]]:
    """Check posts in ``workers`` processes; yields (post JSON, outcome) in input order.

    At most ``in_flight`` chunks (default 2 per worker) are queued, so memory does not grow with
    the number of posts. ``workers=1`` runs in this process, with ``engine`` when one is given.
    """
    if engine is not None:
        for c in _chunks(posts, chunk):
            yield from zip(c, check_chunk(spec, c, engine), strict=True)
        return
    n = workers or default_workers()
    engine_for(spec)  # fail here, in the parent, on a bad spec; forked workers inherit the Engine
    if n <= 1:
        for c in _chunks(posts, chunk):
            yield from zip(c, check_chunk(spec, c), strict=True)
        return
    import multiprocessing as mp

    ctx = mp.get_context("fork") if "fork" in mp.get_all_start_methods() else mp.get_context()
    limit = in_flight or 2 * n
    with ctx.Pool(n) as pool:
        queue: deque[tuple[list[bytes], AsyncResult[list[Outcome]]]] = deque()
        for c in _chunks(posts, chunk):
            queue.append((c, pool.apply_async(check_chunk, (spec, c))))
            while len(queue) >= limit:
                done, fut = queue.popleft()
                yield from zip(done, fut.get(), strict=True)
        while queue:
            done, fut = queue.popleft()
            yield from zip(done, fut.get(), strict=True)


# ------------------------------------------------------------------------------------------ Spark
def _arrow_batches(spec: EngineSpec, batches: Iterator[Any]) -> Iterator[Any]:
    """mapInArrow body: each Arrow batch of post JSON → a batch of (ok, payload)."""
    import pyarrow as pa

    for batch in batches:
        outs = [check_encoded(spec, v.encode("utf-8")) for v in batch.column(0).to_pylist()]
        yield pa.RecordBatch.from_arrays(
            [pa.array([o[0] for o in outs], pa.bool_()), pa.array([o[1] for o in outs], pa.binary())],
            names=["ok", "payload"],
        )


def spark_session(workers: int, app: str = "onrecord-audit") -> Any:
    """A local[N] SparkSession bound to loopback, or RunnerUnavailable with the reason."""
    try:
        from pyspark.sql import SparkSession
    except ImportError:
        raise RunnerUnavailable("pyspark is not installed: pip install 'onrecord[spark]'") from None
    import shutil

    if not shutil.which("java") and not os.environ.get("JAVA_HOME"):
        raise RunnerUnavailable("Java is not installed (Spark needs Java 17)")
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    os.environ.setdefault("PYSPARK_DRIVER_PYTHON", sys.executable)
    try:
        spark = (
            SparkSession.builder.master(f"local[{workers}]")
            .appName(app)
            .config("spark.ui.enabled", "false")
            .config("spark.driver.host", "127.0.0.1")
            .config("spark.driver.bindAddress", "127.0.0.1")
            .config("spark.sql.execution.arrow.pyspark.enabled", "true")
            .config("spark.sql.execution.arrow.maxRecordsPerBatch", "2000")  # small batches: flat worker memory
            .config("spark.sql.files.maxPartitionBytes", str(8 << 20))
            .config("spark.python.worker.reuse", "true")
            .getOrCreate()
        )
    except Exception as e:  # JVM start-up fails in many ways: say so plainly
        raise RunnerUnavailable(f"Spark did not start: {e}") from None
    spark.sparkContext.setLogLevel("ERROR")
    return spark


def run_spark(
    posts: Iterable[bytes], spec: EngineSpec, workers: int = 2, spark: Any = None, tmpdir: str | None = None
) -> Iterator[tuple[bytes, Outcome]]:
    """Check posts with Spark ``mapInArrow`` on ``local[workers]``; yields (post JSON, outcome) in order.

    Posts are spooled to a JSONL file that Spark reads in file order; Spark writes the results as
    Parquet part files (partition order = file order), which are streamed back in batches and zipped
    with a second read of the same JSONL, so neither the driver JVM nor this process holds all posts
    or all results (``toLocalIterator`` ran the driver JVM out of heap at 1M posts). On a cluster
    (Databricks, EMR, Synapse, Dataproc) the same function runs where the data lives:
    ``df.select(post_json_column).mapInArrow(partial(_arrow_batches, spec), "ok boolean, payload binary")``.
    """
    from functools import partial

    import pyarrow.parquet as pq

    engine_for(spec)  # fail early on a bad spec
    session = spark or spark_session(workers)
    with tempfile.TemporaryDirectory(dir=tmpdir, prefix="onrecord-spark-") as d:
        path = os.path.join(d, "posts.jsonl")
        n = 0
        with open(path, "wb") as f:
            for p in posts:
                f.write(p)
                f.write(b"\n")
                n += 1
        if n == 0:
            return
        out_dir = os.path.join(d, "results")
        df = session.read.text(path)
        df.mapInArrow(partial(_arrow_batches, spec), "ok boolean, payload binary").write.parquet(out_dir)
        parts = sorted(x for x in os.listdir(out_dir) if x.startswith("part-") and x.endswith(".parquet"))
        with open(path, "rb") as f:
            for part in parts:
                for batch in pq.ParquetFile(os.path.join(out_dir, part)).iter_batches(batch_size=2000):
                    for ok, payload in zip(batch.column(0).to_pylist(), batch.column(1).to_pylist(), strict=True):
                        yield f.readline().rstrip(b"\n"), (bool(ok), bytes(payload))
            if f.readline():
                raise RuntimeError("Spark returned fewer results than posts")
