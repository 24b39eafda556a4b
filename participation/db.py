"""Declarative base, constraint naming convention and shared column types."""

from __future__ import annotations

import enum
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import BindParameter, DateTime, Enum, Integer, MetaData, TypeDecorator, bindparam
from sqlalchemy.engine import Connection
from sqlalchemy.orm import DeclarativeBase, registry

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator[datetime]):
    """A timezone-aware UTC datetime on every backend (SQLite stores naive values)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


def dialect_insert(bind: Connection | None = None):
    """``insert`` with ON CONFLICT (``on_conflict_do_update``/``do_nothing``) for PostgreSQL or SQLite: the
    dialect of ``bind`` (a connection), else of the session's database."""
    from participation.extensions import db

    if (bind if bind is not None else db.session.get_bind()).dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    return insert


def inline(count: int) -> BindParameter[int]:
    """A LIMIT or OFFSET written into the SQL instead of being sent as a parameter: ``.limit(inline(20))``.

    psycopg prepares a statement from its fifth run on a connection, and PostgreSQL then plans it once for good
    only if a plan made without the parameters' values looks as good as one made with them. A LIMIT sent as a
    parameter could be any number of rows: the generic plan looks worse, and the statement is planned again at
    every run, which on a list page costs about as much as running it. Written in, each page size and offset is
    a statement of its own, planned once per connection. (SQLAlchemy still compiles the statement once.)
    """
    return bindparam(None, count, type_=Integer, literal_execute=True)


def inline_param(name: str) -> BindParameter[int]:
    """``inline`` for a statement built once: its value is given at each run (``{name: 20}``), and still written
    into the SQL."""
    return bindparam(name, type_=Integer, literal_execute=True)


def enum_column(enum_class: type[enum.Enum], length: int = 32) -> Enum:
    """Store an enum by its value, as a plain string with a CHECK constraint (portable, readable)."""
    return Enum(
        enum_class,
        values_callable=lambda members: [m.value for m in members],
        native_enum=False,
        create_constraint=True,
        length=length,
        validate_strings=True,
        name=enum_class.__name__.lower(),
    )


class Base(DeclarativeBase):
    registry = registry(
        metadata=MetaData(naming_convention=NAMING_CONVENTION),
        type_annotation_map={datetime: UTCDateTime()},
    )
