"""Data-driven importer tests: tests/cases/importers/*.yaml against the fixtures in tests/fixtures/exports."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from onrecord.importers import RejectedRecord, UnusableInput, open_input
from onrecord.model.post import Post

ROOT = Path(__file__).parent
FIXTURES = ROOT / "fixtures" / "exports"
CASES = [c for f in sorted((ROOT / "cases" / "importers").glob("*.yaml")) for c in yaml.safe_load(f.read_text())]


def _get(post: Post, dotted: str) -> Any:
    val: Any = post
    for part in dotted.split("."):
        val = getattr(val, part, None)
    return val


@pytest.mark.parametrize("case", CASES, ids=[c["fixture"] for c in CASES])
def test_import_case(case: dict[str, Any]) -> None:
    path = str(FIXTURES / case["fixture"])
    if "unusable" in case:
        with pytest.raises(UnusableInput, match=case["unusable"]):
            open_input(path)
        return
    job = open_input(path, case.get("csv_map"))
    assert job.importer == case["importer"]
    if "formats" in case:
        assert job.formats == case["formats"]
    warned: dict[str, list[str]] = {}  # post id -> the importer's warnings about it, taken as the audit takes them
    items = []
    for item in job.items():
        items.append(item)
        if isinstance(item, Post) and (notes := job.take_warnings()):
            warned[item.id] = notes
    posts = [i for i in items if isinstance(i, Post)]
    rejects = [i for i in items if isinstance(i, RejectedRecord)]
    assert len(posts) == case["posts"], [p.id for p in posts]
    assert len(rejects) == case["rejects"], [r.reason for r in rejects]
    ids = [p.id for p in posts]
    assert len(ids) == len(set(ids)), "post ids must be unique within an export"
    for r in rejects:
        assert r.source.startswith(path) and r.location and r.reason
    for want, got in zip(case.get("reject_reasons", []), rejects, strict=True):
        assert want in got.reason
    # warnings: every post the importer warned about, with its warnings exactly ("{path}": the fixture's path).
    want_warned = {pid: [w.replace("{path}", path) for w in ws] for pid, ws in (case.get("warnings") or {}).items()}
    assert warned == want_warned
    by_id = {p.id: p for p in posts}
    for pid, fields in (case.get("expect") or {}).items():
        assert pid in by_id, f"{pid} not imported; got {ids}"
        post = by_id[pid]
        for key, value in fields.items():
            if key == "text_startswith":
                assert post.text.startswith(value)
            elif key == "text_endswith":
                assert post.text.endswith(value)
            else:
                assert _get(post, key) == value, key


def test_every_fixture_has_a_case() -> None:
    covered = {c["fixture"] for c in CASES}
    on_disk = {p.name for p in FIXTURES.iterdir() if p.suffix != ".py" and p.name != "__pycache__"}
    assert on_disk <= covered, on_disk - covered


def test_fixtures_are_reproducible(tmp_path: Path) -> None:
    """The committed fixtures are exactly what build_fixtures.py writes (no hand edits, no real data)."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("build_fixtures", FIXTURES / "build_fixtures.py")
    assert spec and spec.loader
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    mod.OUT = tmp_path
    for fn in ("build_x", "build_mastodon", "build_bluesky", "build_linkedin", "build_meta", "build_generic", "build_dates"):
        getattr(mod, fn)()
    for p in tmp_path.iterdir():
        assert p.read_bytes() == (FIXTURES / p.name).read_bytes(), p.name
