"""Web UI fixtures: one checker for the session (building the detectors is the slow part), a fresh app per test."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from tests.store.conftest import db_url, pg_admin_url  # noqa: F401 - the store's backends, SQLite and PostgreSQL

from onrecord.engine import Engine as Checker
from onrecord.web import create_app


@pytest.fixture(scope="session")
def checker() -> Checker:
    return Checker()


@pytest.fixture
def app(db_url: str, checker: Checker) -> Iterator[Flask]:  # noqa: F811 - the fixture above
    a = create_app(db=db_url, checker=checker)
    a.config["TESTING"] = True
    yield a
    a.extensions["onrecord.store"].dispose()


def token(page: str) -> str:
    """The CSRF token of the first form on ``page``."""
    m = re.search(r'name="csrf" value="([^"]+)"', page)
    assert m, "no CSRF token on the page"
    return m.group(1)


class Browser:
    """A test client that keeps its session and fills in the CSRF token, as a browser with the page open would."""

    def __init__(self, client: FlaskClient) -> None:
        self.client = client
        self.csrf = token(client.get("/").text)

    def get(self, url: str, **kw: Any) -> Any:
        return self.client.get(url, **kw)

    def post(self, url: str, data: dict[str, Any] | None = None, **kw: Any) -> Any:
        return self.client.post(url, data={"csrf": self.csrf, **(data or {})}, **kw)

    def sign_in(self, name: str) -> None:
        r = self.post("/signin", {"name": name})
        assert r.status_code == 302, r.text
        self.csrf = token(self.client.get("/").text)  # signing in starts a new session with a new token


@pytest.fixture
def client(app: Flask) -> Browser:
    return Browser(app.test_client())


@pytest.fixture
def client2(app: Flask) -> Browser:
    """A second person, in a session of their own."""
    return Browser(app.test_client())
