"""Counting SQL statements: per request for the bench (``X-SQL-Statements``), and in tests."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from flask import Flask, Response, g, has_app_context
from sqlalchemy import event
from sqlalchemy.engine import Engine

from participation.extensions import db


class StatementCounter:
    def __init__(self) -> None:
        self.count = 0
        self.statements: list[str] = []

    def __call__(self, conn, cursor, statement, parameters, context, executemany) -> None:
        self.count += 1
        self.statements.append(statement)


@contextmanager
def count_statements(engine: Engine | None = None) -> Iterator[StatementCounter]:
    """Count the statements run on the engine inside the ``with`` block (tests use it)."""
    engine = engine or db.engine
    counter = StatementCounter()
    event.listen(engine, "before_cursor_execute", counter)
    try:
        yield counter
    finally:
        event.remove(engine, "before_cursor_execute", counter)


def _count_in_request(conn, cursor, statement, parameters, context, executemany) -> None:
    if has_app_context():
        g.sql_statements = g.get("sql_statements", 0) + 1


def init_app(app: Flask) -> None:
    """With SQL_COUNT_HEADER on, every response says how many statements it took."""
    if not app.config.get("SQL_COUNT_HEADER"):
        return
    with app.app_context():
        event.listen(db.engine, "before_cursor_execute", _count_in_request)

    @app.after_request
    def add_header(response: Response) -> Response:
        response.headers["X-SQL-Statements"] = str(g.get("sql_statements", 0))
        return response
