"""Helpers of participation/db.py that shape the SQL sent to the database."""

from __future__ import annotations

from sqlalchemy import event, select

from participation.accounts.models import User
from participation.db import inline
from participation.extensions import db


def test_a_limit_and_an_offset_are_written_into_the_statement(app, roles):
    sent = []

    def remember(conn, cursor, statement, parameters, context, executemany):
        sent.append(" ".join(statement.split()))

    event.listen(db.engine, "before_cursor_execute", remember)
    try:
        for offset in (0, 2):
            found = db.session.scalars(select(User.id).order_by(User.id).limit(inline(2)).offset(inline(offset)))
            assert len(found.all()) == 2
    finally:
        event.remove(db.engine, "before_cursor_execute", remember)
    assert sent[0].endswith("LIMIT 2 OFFSET 0") and sent[1].endswith("LIMIT 2 OFFSET 2")
