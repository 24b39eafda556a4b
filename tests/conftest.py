"""Fixtures: a fresh app and database per test, factories, signed-in clients, a live server and browser.

The suite runs on SQLite by default (one database file per test) and on PostgreSQL when
``TEST_DATABASE_URL`` is set (tables created once per run, emptied before every test).
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import text
from werkzeug.serving import make_server

from participation import config, create_app
from participation.extensions import db
from tests import factories

POSTGRES_URL = os.environ.get("TEST_DATABASE_URL")
ROOT = Path(__file__).resolve().parent.parent
_schema_ready = False


def on_postgres() -> bool:
    return bool(POSTGRES_URL)


def _prepare_postgres(app: Flask) -> None:
    """Create the schema on the first test, then empty every table before each test."""
    global _schema_ready
    if not _schema_ready:
        with db.engine.begin() as connection:
            connection.execute(text("DROP SCHEMA public CASCADE"))
            connection.execute(text("CREATE SCHEMA public"))
        db.create_all()
        _schema_ready = True
        return
    tables = ", ".join(f'"{table.name}"' for table in db.metadata.sorted_tables)
    with db.engine.begin() as connection:
        connection.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))


def build_app(tmp_path: Path, **overrides: object) -> Flask:
    url = POSTGRES_URL or f"sqlite:///{tmp_path / 'test.sqlite'}"
    settings = config.for_tests(url, str(tmp_path / "instance"))
    settings.update(overrides)
    return create_app(settings)


@pytest.fixture
def app_overrides() -> dict[str, object]:
    """Override in a test module to change the configuration of ``app``."""
    return {}


class IsolatedClient(FlaskClient):
    """Each request runs in its own app context and database session, as in production.

    What the test set up is committed first (the request sees it), and the test's session is
    expired afterwards (the test sees what the request changed).
    """

    def open(self, *args, **kwargs):
        db.session.commit()
        kwargs.setdefault("buffered", True)
        with self.application.app_context():
            response = super().open(*args, **kwargs)
        db.session.expire_all()
        return response


@pytest.fixture
def app(tmp_path: Path, app_overrides: dict[str, object]) -> Iterator[Flask]:
    app = build_app(tmp_path, **app_overrides)
    app.test_client_class = IsolatedClient
    with app.app_context():
        if on_postgres():
            _prepare_postgres(app)
        else:
            db.create_all()
        yield app
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


def sign_in(client: FlaskClient, user) -> FlaskClient:
    """Open a session for ``user`` as Flask-Login would after a real sign-in."""
    with client.session_transaction() as session:
        session["_user_id"] = user.get_id()
        session["_fresh"] = True
    return client


@pytest.fixture
def signed_in(app: Flask):
    """``signed_in(user)`` returns a test client with that user's session."""

    def make(user) -> FlaskClient:
        return sign_in(app.test_client(), user)

    return make


# ------------------------------------------------------------------------------------------ factories


@pytest.fixture
def make_user(app):
    return factories.make_user


@pytest.fixture
def make_qpv(app):
    return factories.make_qpv


@pytest.fixture
def make_conseil(app):
    return factories.make_conseil


@pytest.fixture
def make_member(app):
    return factories.make_member


@pytest.fixture
def make_animator(app):
    return factories.make_animator


@pytest.fixture
def roles(app):
    """One user per role of DESIGN.md §2, around one conseil (and another conseil for contrast)."""
    return factories.make_roles()


@pytest.fixture
def outbox(app):
    """The mails queued so far, newest last."""
    return factories.outbox


# ------------------------------------------------------------------------------------------ live server


class LiveServer:
    def __init__(self, app: Flask) -> None:
        logging.getLogger("werkzeug").setLevel(logging.WARNING)
        self.server = make_server("127.0.0.1", 0, app, threaded=True)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def start(self) -> None:
        self.thread.start()

    def stop(self) -> None:
        self.server.shutdown()
        self.thread.join(timeout=5)
        self.server.server_close()


@pytest.fixture
def live_server(app: Flask) -> Iterator[LiveServer]:
    server = LiveServer(app)
    server.start()
    yield server
    server.stop()


# ------------------------------------------------------------------------------------------ browser

from tests.browser import browser_fixtures  # noqa: E402

browser, page, a11y = browser_fixtures()
