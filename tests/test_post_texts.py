"""post_texts reads the engine's six text fields directly: the same pairs as field_text gives, field by field."""

from __future__ import annotations

import msgspec

from onrecord.detectors.base import TEXT_FIELDS, field_text, post_texts
from onrecord.model.post import Post


def _generic(post: Post) -> list[tuple[str, str]]:
    out = [(f, t) for f in TEXT_FIELDS if (t := field_text(post, f))]
    if post.links:
        out.append(("links", field_text(post, "links")))
    return out


def test_direct_read_matches_field_text() -> None:
    full = {
        "text": "t",
        "comment": "c",
        "links": ["https://a.example", "https://b.example"],
        "account": {"bio": "b", "display_name": "d", "profile_image": "p", "header_image": "h"},
    }
    for drop in [None, "text", "comment", "links"]:
        raw = {k: ("" if k == drop and k != "links" else v) for k, v in full.items() if not (k == drop == "links")}
        post = msgspec.convert(raw, Post)
        assert post_texts(post) == _generic(post)
        assert post_texts(post, tuple(TEXT_FIELDS)) == _generic(post)  # the generic path, same answer
    bare = msgspec.convert({"text": "only"}, Post)
    assert post_texts(bare) == [("text", "only")]
