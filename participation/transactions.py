"""A request that only read ends its transaction with COMMIT instead of ROLLBACK.

For the database both end a read-only transaction the same way. The difference is in the driver:
psycopg forgets every prepared statement at a ROLLBACK (it sends ``DEALLOCATE ALL``, since a failed
transaction may have taken some with it). A request's session ends with a rollback when it is removed,
so no statement ever stayed prepared and PostgreSQL planned every query of every page again, which on
the list pages costs about as much as running them. Committing what only read keeps the statements
prepared on the pooled connection (psycopg prepares one from its fifth run on that connection).

A transaction is committed here only when nothing can have been written: the request ended without an
exception, the session holds no pending change, and every statement run in the transaction was a
SELECT compiled by SQLAlchemy (a flush, a Core INSERT/UPDATE/DELETE or a text() statement counts as a
write). Anything else ends as before, rolled back when Flask-SQLAlchemy removes the session.
"""

from __future__ import annotations

from typing import Any

from flask import Flask
from sqlalchemy import event
from sqlalchemy.engine import Connection, Engine

WROTE = "participation.wrote"


def _statement_is_select(context: Any) -> bool:
    compiled = getattr(context, "compiled", None)
    statement = getattr(compiled, "statement", None)
    return bool(getattr(statement, "is_select", False)) and not getattr(statement, "is_dml", False)


@event.listens_for(Engine, "begin")
def _transaction_begins(connection: Connection) -> None:
    connection.info.pop(WROTE, None)


@event.listens_for(Engine, "before_cursor_execute")
def _note_writes(connection: Connection, cursor: Any, statement: str, parameters: Any, context: Any,
                 executemany: bool) -> None:
    if not _statement_is_select(context):
        connection.info[WROTE] = True


def only_read(session: Any) -> bool:
    """True when the session's transaction ran nothing but SELECTs and holds no pending change."""
    if not session.in_transaction() or session.new or session.dirty or session.deleted:
        return False
    return not session.connection().info.get(WROTE, False)


def init_app(app: Flask) -> None:
    from participation.extensions import db

    # Request teardown runs before the application context's, where Flask-SQLAlchemy removes the session.
    @app.teardown_request
    def _commit_read_only_transaction(exc: BaseException | None) -> None:
        session = db.session()
        if exc is None and only_read(session):
            # Nothing to expire: nothing changed, and the session is removed next (on a page of 50 comments,
            # expiring the hundred objects it loaded would cost about half a millisecond).
            expire, session.expire_on_commit = session.expire_on_commit, False
            try:
                session.commit()
            finally:
                session.expire_on_commit = expire
