"""The Python API: check posts or lines of JSON, the same way the CLI does."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator

from onrecord.engine import Engine, UnknownCode
from onrecord.formatters import Checked, Record, apply_safe_fixes
from onrecord.model.decode import JSONReadError, PostDecodeError, decode_post, read_json
from onrecord.model.finding import InputError, Result
from onrecord.model.post import Post


def check_post(post: Post | str, engine: Engine | None = None, **context: object) -> Result:
    """Check one post (a Post, or plain text) and return its result."""
    eng = engine or Engine()
    if isinstance(post, str):
        import msgspec

        post = msgspec.convert({"text": post, **context}, Post)
    return eng.check(post)


def check_lines(
    lines: Iterable[bytes | str],
    engine: Engine,
    fix: bool = False,
    first_line: int = 1,
    prepare: Callable[[Post], Post] | None = None,
    batch: int = 256,
) -> Iterator[Record]:
    """Check JSON lines, in order; a bad line becomes an InputError and the rest go on.

    Lines are judged ``batch`` at a time (:meth:`Engine.check_many`). ``prepare`` may fill in context
    before the check (e.g. the accounts registry's ``apply``).
    """
    pending: list[tuple[int, Post | None, list[str] | InputError]] = []
    for n, raw in enumerate(lines, start=first_line):
        if not raw.strip():
            continue
        try:
            post, warnings = decode_post(raw)
            if prepare is not None:
                post = prepare(post)
            pending.append((n, post, warnings))
        except PostDecodeError as e:
            pending.append((n, None, InputError(line=n, error=e.message, field=e.field, id=_id_of(raw))))
        if len(pending) >= batch:
            yield from _judge(pending, engine, fix)
            pending = []
    yield from _judge(pending, engine, fix)


def _judge(pending: list[tuple[int, Post | None, list[str] | InputError]], engine: Engine, fix: bool) -> Iterator[Record]:
    posts = [p for _, p, _ in pending if p is not None]
    results = iter(engine.check_many(posts))
    for n, post, extra in pending:
        if post is None:
            assert isinstance(extra, InputError)
            yield extra
            continue
        result = next(results)
        if isinstance(result, UnknownCode):
            yield InputError(line=n, error=str(result), field="$.code", id=post.id)
            continue
        assert isinstance(extra, list)
        result.warnings.extend(extra)
        yield Checked(line=n, post=post, result=result, fixed=apply_safe_fixes(post, result) if fix else None)


def _id_of(raw: bytes | str) -> str | None:
    """The post id a line that is no valid post still gives (a JSON object with a string id), so that its input
    error names the record; None when the line is no JSON object or has no such id."""
    try:
        obj = read_json(raw)
    except JSONReadError:
        return None
    got = obj.get("id") if isinstance(obj, dict) else None
    return got if isinstance(got, str) and got else None


__all__ = ["check_lines", "check_post"]
