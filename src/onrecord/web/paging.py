"""Long lists in pages: which page the request asks for, and the links to the next and previous ones."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from flask import request, url_for

T = TypeVar("T")


@dataclass
class Page:
    number: int
    pages: int
    size: int
    total: int
    nav: dict[str, Any]  # the query keys previous/next carry (never arbitrary ones: they reach url_for)

    @property
    def first(self) -> int:
        return (self.number - 1) * self.size + 1

    @property
    def last(self) -> int:
        return min(self.number * self.size, self.total)


def requested_page() -> int:
    """``?page=`` as a number from 1 (not a number: 1; capped so an offset stays a 64-bit number)."""
    try:
        return min(max(1, int(request.args.get("page", "1"))), 10**9)
    except ValueError:
        return 1


def page_for(number: int, total: int, size: int, keep: tuple[str, ...]) -> Page:
    """Page ``number`` of ``total`` items (out of range: the last page)."""
    pages = max(1, -(-total // size))
    nav = {k: request.args[k] for k in keep if k in request.args}
    return Page(min(number, pages), pages, size, total, nav)


def paginate(items: Sequence[T], size: int, keep: tuple[str, ...]) -> tuple[list[T], Page]:
    """The slice of ``items`` for ``?page=`` (out of range or not a number: the nearest page)."""
    page = page_for(requested_page(), len(items), size, keep)
    return list(items[(page.number - 1) * size : page.number * size]), page


def page_links(page: Page, endpoint: str) -> dict[str, Any]:
    """For templates: ``prev``/``next`` URLs or None."""
    nav: dict[str, Any] = page.nav
    return {"prev": url_for(endpoint, page=page.number - 1, **nav) if page.number > 1 else None,
            "next": url_for(endpoint, page=page.number + 1, **nav) if page.number < page.pages else None}
