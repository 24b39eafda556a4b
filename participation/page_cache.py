"""Public pages kept by each server process until what they show changes.

Some public pages are read far more often than what they show changes: the contract with every contribution
linked to it (/contrat), published minutes. Each such *family* of pages has a version in ``page_version``,
raised at the commit of any transaction that changed a table (or, for some, a column) the family reads,
whatever the code that made the change:

- changes flushed by the ORM (``after_insert``, ``before_update``, ``after_delete`` of the watched models);
- INSERT, UPDATE and DELETE statements on the watched tables run through the session (``do_orm_execute``); an
  UPDATE that sets none of the columns a family watches (a counter) leaves that family alone.

The version is raised last, just before the COMMIT: its row stays locked for the commit only, and a transaction
that holds it waits for nothing else (raised at the change, it could deadlock with a transaction holding a row
the first one wants next). A request reads the version first, then (if nothing is kept for it) the page's data:
what it keeps for a version is at least as recent as that version, so a change shows on every request that
starts after its commit. Changes made outside the application (SQL typed into a console) show at the next change
or restart. No row reads as version 0.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Collection, Hashable
from typing import Any, TypeVar

from flask import current_app
from sqlalchemy import BigInteger, String, bindparam, event, inspect, select
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Mapped, ORMExecuteState, Session, mapped_column, object_session

from participation.db import Base, dialect_insert
from participation.extensions import db

T = TypeVar("T")
EXTENSION = "page_cache"
# Values kept per process and family (the oldest of the family goes first). Per family, so that a crawl over the
# comments of 10,000 proposals does not push out /contrat, the minutes or the published proposals' ids, which
# every view of their pages reads.
MAX_KEPT = 500
_CHANGED = "page_families_changed"  # in Session.info: the families whose tables changed in this transaction


class PageVersion(Base):
    """The version of what a family of kept pages shows (one row per family, created at its first change)."""

    __tablename__ = "page_version"

    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    version: Mapped[int] = mapped_column(BigInteger, default=0)


# model, and the name of its table: [(family, columns or None for any change)]
_WATCHERS: dict[type, list[tuple[str, frozenset[str] | None]]] = {}
_TABLES: dict[str, list[tuple[str, frozenset[str] | None]]] = {}


def watch(family: str, model: type, columns: Collection[str] | None = None) -> None:
    """Raise ``family``'s version when a row of ``model`` is added, removed or changed (in ``columns`` only,
    when given: a sign-in that stamps the account does not change the names pages show)."""
    watcher = (family, frozenset(columns) if columns is not None else None)
    watchers = _WATCHERS.setdefault(model, [])
    if watcher in watchers:
        return
    if not watchers:
        event.listen(model, "after_insert", _added_or_removed)
        event.listen(model, "after_delete", _added_or_removed)
        event.listen(model, "before_update", _updated)
    watchers.append(watcher)
    _TABLES.setdefault(model.__table__.name, []).append(watcher)


def _mark(session: Session | None, families: Collection[str]) -> None:
    if session is not None and families:
        session.info.setdefault(_CHANGED, set()).update(families)


def _added_or_removed(mapper, connection: Connection, target: Any) -> None:
    _mark(object_session(target), {family for family, _columns in _WATCHERS.get(type(target), ())})


def _updated(mapper, connection: Connection, target: Any) -> None:
    watchers = _WATCHERS.get(type(target), ())
    attributes = inspect(target).attrs
    _mark(object_session(target), {
        family for family, columns in watchers
        if columns is None or any(attributes[name].history.has_changes() for name in columns)
    })


def _statement_run(state: ORMExecuteState) -> None:
    if state.is_insert or state.is_update or state.is_delete:
        table = getattr(state.statement, "table", None)
        watchers = _TABLES.get(getattr(table, "name", None), ())
        changed = _columns_set(state.statement) if state.is_update else None
        _mark(state.session, {family for family, columns in watchers
                              if columns is None or changed is None or not changed.isdisjoint(columns)})


def _columns_set(statement: Any) -> frozenset[str] | None:
    """The columns an UPDATE statement sets (a support's counter, say), or None when it cannot tell: then every
    family watching the table counts it as a change. ``_values`` is SQLAlchemy's own: it is read defensively."""
    values = getattr(statement, "_values", None)
    if not values:
        return None
    return frozenset(str(getattr(key, "key", key)) for key in values)


def _raise_versions(connection: Connection, families: Collection[str]) -> None:
    insert = dialect_insert(connection)
    table = PageVersion.__table__
    for family in sorted(families):  # always in the same order: two transactions never wait for each other's rows
        statement = insert(table).values(name=family, version=1)
        connection.execute(statement.on_conflict_do_update(index_elements=[table.c.name],
                                                           set_={"version": table.c.version + 1}))


def _before_commit(session: Session) -> None:
    if session.in_nested_transaction():
        return
    session.flush()
    families = session.info.pop(_CHANGED, None)
    if families:
        _raise_versions(session.connection(), families)


def _rolled_back(session: Session) -> None:
    session.info.pop(_CHANGED, None)


event.listen(Session, "do_orm_execute", _statement_run)
event.listen(Session, "before_commit", _before_commit)
event.listen(Session, "after_rollback", _rolled_back)


_VERSION = select(PageVersion.__table__.c.version).where(PageVersion.__table__.c.name == bindparam("family"))
_VERSIONS = select(PageVersion.__table__.c.name, PageVersion.__table__.c.version).where(
    PageVersion.__table__.c.name.in_(bindparam("families", expanding=True)))


def current_version(family: str) -> int:
    # Run on the session's connection, as Core: read on every view of a kept page, it skips the ORM's handling of
    # a statement (0.17 instead of 0.28 ms of CPU per read).
    return db.session.connection().execute(_VERSION, {"family": family}).scalar() or 0


def current_versions(*families: str) -> dict[str, int]:
    """The versions of several families in one statement, for a page that keeps values of each (a page that keeps
    one family reads it with ``current_version``: its list of names is not expanded into the SQL at each read)."""
    rows = db.session.connection().execute(_VERSIONS, {"families": list(families)})
    found = {name: version for name, version in rows}
    return {family: found.get(family) or 0 for family in families}


def keep_at_most(family: str, count: int) -> None:
    """Keep up to ``count`` values of ``family`` per process instead of MAX_KEPT (a family with one small value per
    proposal, read by every view of a list)."""
    _LIMITS[family] = count


_LIMITS: dict[str, int] = {}


class _Kept:
    """What this process keeps: {family: (version, {key: value})}, for the latest version of each family it read,
    each family's values in the order they were kept (the oldest goes first)."""

    def __init__(self) -> None:
        self.families: dict[str, tuple[int, dict[Hashable, Any]]] = {}
        self.lock = threading.Lock()


def kept(family: str, key: Hashable, build: Callable[[], T]) -> T:
    """The value kept for ``key`` at the family's current version, else ``build()`` (then kept)."""
    return kept_at(family, current_version(family), key, build)


def kept_at(family: str, version: int, key: Hashable, build: Callable[[], T]) -> T:
    """The value kept for ``key`` at ``version``, which the request read with ``current_version`` (or
    ``current_versions``) before it read anything ``build`` reads: a page that keeps several values of one family
    reads its version once."""
    store: _Kept = current_app.extensions.setdefault(EXTENSION, _Kept())
    kept_version, values = store.families.get(family, (None, None))
    if kept_version == version:
        found = values.get(key, store)
        if found is not store:
            return found
    value = build()
    with store.lock:
        kept_version, values = store.families.get(family, (None, None))
        if kept_version is not None and kept_version > version:
            return value  # a request that read an older version than another one already kept: not kept
        if kept_version != version:
            values = {}
            store.families[family] = (version, values)
        limit = _LIMITS.get(family, MAX_KEPT)
        while len(values) >= limit:
            del values[next(iter(values))]
        values[key] = value
    return value
