"""FOI/OIA export bundles: contents, filters, offline verification, and tampering caught."""

from __future__ import annotations

import csv
import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import Engine

from onrecord.store import archive as arc
from onrecord.store import export as exp

from .synth import make_post, make_result


def _fill(db: Engine) -> None:
    posts = [
        make_post(1, text_="Library hours change on Monday.", posted_at="2024-01-10T10:00:00+13:00"),
        make_post(2, text_="Road works on Elm Street <b>tonight</b> & tomorrow.", posted_at="2024-02-10T10:00:00Z"),
        make_post(3, text_="Library fines are waived in March.", handle="citylibrary",
                  posted_at="2024-03-10T10:00:00Z"),
    ]
    arc.append(db, [(p, make_result(p, topics=("personal_data",) if p.id == "p2" else ())) for p in posts], "clerk")


def test_bundle_has_all_files_and_verifies(db: Engine, tmp_path: Path) -> None:
    _fill(db)
    out = tmp_path / "bundle"
    meta = exp.export(db, out)
    assert meta["count"] == 3 and meta["chain"]["head_seq"] == 3
    assert sorted(p.name for p in out.iterdir()) == ["index.html", "manifest.json", "records.csv", "records.jsonl"]
    manifest = json.loads((out / "manifest.json").read_text())
    assert set(manifest["files"]) == {"records.jsonl", "records.csv", "index.html"}
    assert all(len(f["sha256"]) == 64 for f in manifest["files"].values())
    assert manifest["chain"]["head_hash"] == arc.head(db)[1]
    lines = [json.loads(x) for x in (out / "records.jsonl").read_text().splitlines()]
    assert [d["post"]["id"] for d in lines] == ["p1", "p2", "p3"]
    assert lines[1]["result"]["findings"][0]["topic"] == "personal_data"
    rows = list(csv.DictReader((out / "records.csv").open()))
    assert rows[1]["findings"].startswith("T00 warning") and rows[1]["clauses"] == "test:personal_data"
    html = (out / "index.html").read_text()
    assert "&lt;b&gt;tonight&lt;/b&gt; &amp; tomorrow" in html and "<b>tonight" not in html
    assert exp.verify_bundle(out)[1] == []


def test_filters(db: Engine, tmp_path: Path) -> None:
    _fill(db)

    def ids(name: str, **kw: object) -> list[str]:
        exp.export(db, tmp_path / name, **kw)  # type: ignore[arg-type]
        return [json.loads(x)["post"]["id"] for x in (tmp_path / name / "records.jsonl").read_text().splitlines()]

    assert ids("q", query="LIBRARY") == ["p1", "p3"]
    assert ids("a", account="@CityLibrary") == ["p3"]
    # p1 was posted 2024-01-10 10:00 +13:00, i.e. 2024-01-09 21:00 UTC
    assert ids("d", start=datetime(2024, 1, 10, tzinfo=UTC), end=datetime(2024, 2, 28, tzinfo=UTC)) == ["p2"]


@pytest.mark.parametrize("name", ["records.jsonl", "records.csv", "index.html", "manifest.json"])
def test_flipping_a_byte_in_a_bundle_fails_verify(db: Engine, tmp_path: Path, name: str) -> None:
    _fill(db)
    out = tmp_path / "b"
    exp.export(db, out)
    p = out / name
    data = bytearray(p.read_bytes())
    i = data.find(b"Library") if name != "manifest.json" else data.find(b'"count":') + 9
    data[i] ^= 0x01
    p.write_bytes(bytes(data))
    _, problems = exp.verify_bundle(out)
    assert problems, name


@pytest.mark.parametrize("name", ["records.jsonl", "manifest.json"])
def test_json_nested_thousands_deep_in_a_bundle_is_a_problem_not_a_crash(db: Engine, tmp_path: Path, name: str) -> None:
    """A bundle comes from elsewhere (an FOI recipient checks it): hostile JSON must be reported."""
    _fill(db)
    out = tmp_path / "b"
    exp.export(db, out)
    (out / name).write_text("[" * 100_000 + "]" * 100_000 + "\n")
    _, problems = exp.verify_bundle(out)
    assert any("nested too deeply" in p for p in problems), problems


def test_consistent_rewrite_is_caught_by_entry_hashes(db: Engine, tmp_path: Path) -> None:
    """Editing a post and updating the file hashes in the manifest still fails: the entry hash commits to it."""
    import hashlib

    _fill(db)
    out = tmp_path / "b"
    exp.export(db, out)
    jl = out / "records.jsonl"
    jl.write_text(jl.read_text().replace("Monday", "Sunday"))
    m = json.loads((out / "manifest.json").read_text())
    m["files"]["records.jsonl"]["sha256"] = hashlib.sha256(jl.read_bytes()).hexdigest()
    (out / "manifest.json").write_text(json.dumps(m))
    _, problems = exp.verify_bundle(out)
    assert any("line 1" in p and "content_hash" in p for p in problems)


def test_extra_or_missing_files_fail(db: Engine, tmp_path: Path) -> None:
    _fill(db)
    out = tmp_path / "b"
    exp.export(db, out)
    (out / "notes.txt").write_text("added later")
    assert any("not in the manifest" in p for p in exp.verify_bundle(out)[1])
    (out / "notes.txt").unlink()
    (out / "records.csv").unlink()
    assert any("records.csv is missing" in p for p in exp.verify_bundle(out)[1])


def test_export_refuses_a_non_empty_directory(db: Engine, tmp_path: Path) -> None:
    (tmp_path / "x").write_text("")
    from onrecord.store.db import StoreError

    with pytest.raises(StoreError, match="not an empty directory"):
        exp.export(db, tmp_path)


def test_csv_cells_cannot_run_as_formulas_and_links_are_http_only(db: Engine, tmp_path: Path) -> None:
    from onrecord.model.finding import ClauseRef

    p = make_post(1, text_="=HYPERLINK(\"http://evil.example\",\"click\")")
    r = make_result(p, ("abuse",))
    r.findings[0].clauses = [ClauseRef(id="bad", title="t", url="javascript:alert(1)")]
    arc.append(db, [(p, r)], "clerk")
    exp.export(db, tmp_path / "b")
    row = next(csv.DictReader((tmp_path / "b" / "records.csv").open()))
    assert row["text"].startswith("'=HYPERLINK")
    assert "javascript:" not in (tmp_path / "b" / "index.html").read_text()
    line = json.loads((tmp_path / "b" / "records.jsonl").read_text())
    assert line["post"]["text"] == p.text  # the JSONL keeps the exact text
    assert exp.verify_bundle(tmp_path / "b")[1] == []
