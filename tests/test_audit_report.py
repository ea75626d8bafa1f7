"""The HTML report's building blocks: span highlighting, the timeline chart, purpose-and-value grouping."""

from __future__ import annotations

from onrecord.formatters.report_html import AuditReport, highlight, timeline_svg
from onrecord.model.finding import CapacityResult, ClauseRef, Finding, Result, Span
from onrecord.model.post import Account, Circumstances, Metrics, Post


def _result(findings: list[Finding], label: str = "official") -> Result:
    return Result(
        id="1",
        code="us-federal",
        capacity=CapacityResult(label=label, scores={label: 1.0}, evidence=[]),  # type: ignore[arg-type]
        allowed=not any(f.severity == "breach" for f in findings),
        review_required=bool(findings),
        archive=label == "official",
        findings=findings,
    )


def _finding(sev: str, start: int, end: int, text: str, topic: str = "personal_data", field: str = "text") -> Finding:
    return Finding(
        check="PD01",
        name="personal_data.third_party",
        topic=topic,
        severity=sev,  # type: ignore[arg-type]
        clauses=[ClauseRef(id="us-federal:x", title="Privacy <rule>", url="https://example.gov/x")],
        message="a <b>message</b>",
        span=Span(start=start, end=end, text=text, field=field),
    )


def test_highlight_escapes_and_marks_spans() -> None:
    text = "Call <Sam> on 021 555 0123 & email sam@example.com"
    res = _result(
        [
            _finding("breach", 14, 26, "021 555 0123"),
            _finding("warning", 20, 30, "overlap"),  # overlaps the first: dropped
            _finding("info", 0, 4, "Call", field="comment"),  # another field: not in text
            _finding("breach", 35, 50, "sam@example.com"),
        ]
    )
    out = highlight(text, res)
    assert out.startswith("Call &lt;Sam&gt; on <mark class='breach' title='a &lt;b&gt;message&lt;/b&gt;'>021 555 0123</mark>")
    assert "&amp; email <mark class='breach'" in out and out.endswith("sam@example.com</mark>")
    assert out.count("<mark") == 2


def test_timeline_months_and_years() -> None:
    svg = timeline_svg({"2024-01": [3, 1, 1], "2024-02": [2, 0, 0]})
    assert svg.startswith("<svg") and "2024-01: 1 breach" in svg and "2024-02: 2 no finding" in svg
    many = {f"{2010 + i // 12}-{1 + i % 12:02d}": [1, 0, 0] for i in range(84)}
    svg = timeline_svg(many)
    assert "2010: 12 no finding" in svg and "2016-01" not in svg
    assert "No dates" in timeline_svg({})


def test_report_counts_and_purpose_value() -> None:
    rep = AuditReport(attention_limit=2)
    acc = Account(handle="@Dept", kind="official")
    for i in range(5):
        post = Post(
            id=str(i),
            text="Pool closed. Call 021 555 0123",
            platform="x",
            account=acc,
            circumstances=Circumstances(posted_at=f"2024-0{i + 1}-01T00:00:00Z"),
            metrics=Metrics(likes=10, shares=2),
        )
        rep.add(post, _result([_finding("breach" if i % 2 else "warning", 18, 30, "021 555 0123")]))
    rep.add(Post(id="p", text="hello", platform="x", account=acc), _result([], "private"))
    (row,) = rep.summary_rows()
    assert row["posts"] == 6 and row["posts_with_breach"] == 2 and row["posts_with_warning"] == 3
    assert row["capacity_official"] == 5 and row["capacity_private"] == 1 and row["first_post"].startswith("2024-01")
    html = rep.render_html({"title": "t", "counts": {"read": 6, "checked": 6, "rejected": 0}})
    assert "Purpose and value (registered as official)" in html
    assert "<td>official</td><td>personal_data</td><td class='n'>5</td><td class='n'>5</td><td class='n'>50</td>" in html
    assert "The 2 most serious of 5" in html and html.count("<div class='post breach'>") == 2
    assert "Privacy &lt;rule&gt;" in html


def _post_at(at: str | None, handle: str = "@a") -> Post:
    return Post(text="hello", platform="x", account=Account(handle=handle), circumstances=Circumstances(posted_at=at))


def test_first_and_last_post_are_compared_as_instants_across_offsets() -> None:
    """As strings, ``2024-01-01T10:00:00+13:00`` sorts after ``2023-12-31T22:00:00Z``; as instants it is 1 h before."""
    rep = AuditReport()
    for at in ("2023-12-31T22:00:00Z", "2024-01-01T10:00:00+13:00", "2023-12-31T21:30:00-01:00", "not a date", None):
        rep.add(_post_at(at), _result([]))
    row = rep.summary_rows()[0]
    # Written as the post gives it (results.jsonl and the report show the same string).
    assert (row["first_post"], row["last_post"]) == ("2024-01-01T10:00:00+13:00", "2023-12-31T21:30:00-01:00")
    assert row["posts"] == 5


def test_months_are_utc_months_of_the_instant_and_undated_posts_have_their_own_bucket() -> None:
    """``posted_at[:7]`` put 2021-01-01T02:00:00+05:00 (2020-12-31 21:00 UTC) in January; a time that is no ISO 8601
    time became a "month" of its own first seven characters, and a post without a time was in no bar at all."""
    rep = AuditReport()
    for at in ("2021-01-01T02:00:00+05:00", "2020-12-31T23:30:00-01:00", "2021-01-15T12:00:00Z", "2021-01-01T00:30:00",
               "not a date", None):
        rep.add(_post_at(at), _result([]))
    st = rep.accounts[("x", "@a")]
    assert dict(st.months) == {"2020-12": [1, 0, 0], "2021-01": [3, 0, 0], "no date": [2, 0, 0]}
    html = rep.render_html({"title": "t", "counts": {"read": 6, "checked": 6, "rejected": 0}})
    assert "2020-12: 1 no finding" in html and "2021-01: 3 no finding" in html and "no date: 2 no finding" in html
    assert "Months are in UTC" in html
    assert "2020-12-31 to 2021-01-15 (UTC)" in html  # the account's span of dates, in the same time zone


def test_the_undated_bucket_comes_last_and_survives_the_yearly_view() -> None:
    months = {f"{2010 + i // 12}-{1 + i % 12:02d}": [1, 0, 0] for i in range(84)} | {"no date": [4, 1, 2]}
    svg = timeline_svg(months)
    assert "2010: 12 no finding" in svg and "no date: 2 breach" in svg
    assert svg.index("2016: 12 no finding") < svg.index("no date: 1 no finding")
    only = timeline_svg({"no date": [2, 0, 0]})
    assert "no date: 2 no finding" in only and "No dates in this export" in only
