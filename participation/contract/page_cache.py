"""The public contract page (/contrat), kept by each server process until what it shows changes.

The page shows the whole tree of the contract with, per node, its contributions by status and the latest few,
and the conseils' opinions on the annual reports: some 700 rows read and 80 KB written, for a page that
residents read far more often than the contract and its contributions change. What it shows is kept per
``contract_page_version``: a number that every change of a table the page reads (contract, nodes,
contributions, links, report rounds, opinions and observations, conseils) raises at the commit of its
transaction, whatever the code that made it:

- changes flushed by the ORM (``after_insert``/``after_update``/``after_delete`` of those models);
- INSERT, UPDATE and DELETE statements on those tables run through the session (``do_orm_execute``).

A request reads the version first, then (if nothing is kept for it) the page's data: what it keeps for a
version is at least as recent as that version, so a change is shown to every request that starts after its
commit. Changes made outside the application (SQL typed into a console) are not seen until the next change or
restart.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Hashable
from typing import Any, TypeVar

from flask import current_app
from sqlalchemy import event, select
from sqlalchemy.engine import Connection
from sqlalchemy.orm import ORMExecuteState, Session, object_session

from participation.contract.models import (
    ConseilOpinion,
    Contract,
    ContractNode,
    ContractPageVersion,
    Contribution,
    ContributionLink,
    ReportObservation,
    ReportRound,
)
from participation.extensions import db
from participation.territory.models import Conseil

T = TypeVar("T")

WATCHED = (Contract, ContractNode, Contribution, ContributionLink, ReportRound, ConseilOpinion, ReportObservation,
           Conseil)
WATCHED_TABLES = frozenset(model.__table__.name for model in WATCHED)
EXTENSION = "contract_page_cache"
_ROW_ID = 1
_CHANGED = "contract_page_changed"  # in Session.info: a table the page reads changed in this transaction
_table = ContractPageVersion.__table__


def _raise_version(connection: Connection) -> None:
    """version + 1 in the transaction of ``connection`` (the row is created at the first change)."""
    if connection.dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    elif connection.dialect.name == "sqlite":
        from sqlalchemy.dialects.sqlite import insert
    else:  # pragma: no cover - the platform runs on PostgreSQL or SQLite
        raise RuntimeError(f"no upsert for {connection.dialect.name}")
    statement = insert(_table).values(id=_ROW_ID, version=1)
    connection.execute(statement.on_conflict_do_update(index_elements=[_table.c.id],
                                                       set_={"version": _table.c.version + 1}))


def _changed(mapper, connection: Connection, target: Any) -> None:
    session = object_session(target)
    if session is not None:
        session.info[_CHANGED] = True


def _statement_run(state: ORMExecuteState) -> None:
    if state.is_insert or state.is_update or state.is_delete:
        table = getattr(state.statement, "table", None)
        if getattr(table, "name", None) in WATCHED_TABLES:
            state.session.info[_CHANGED] = True


def _before_commit(session: Session) -> None:
    """Raise the version last, just before the COMMIT: the row stays locked for the commit only, and a transaction
    that holds it waits for nothing else (raised at the change, it could deadlock with one holding a row the
    first wants next)."""
    if session.in_nested_transaction():
        return
    session.flush()
    if session.info.pop(_CHANGED, False):
        _raise_version(session.connection())


def _rolled_back(session: Session) -> None:
    session.info.pop(_CHANGED, None)


for _model in WATCHED:
    for _name in ("after_insert", "after_update", "after_delete"):
        event.listen(_model, _name, _changed)
event.listen(Session, "do_orm_execute", _statement_run)
event.listen(Session, "before_commit", _before_commit)
event.listen(Session, "after_rollback", _rolled_back)


def current_version() -> int:
    return db.session.scalar(select(ContractPageVersion.version).where(ContractPageVersion.id == _ROW_ID)) or 0


class _Kept:
    """What this process keeps: {(version, key): value}, for the latest version it has read only."""

    def __init__(self) -> None:
        self.values: dict[tuple[int, Hashable], Any] = {}
        self.lock = threading.Lock()


def kept(key: Hashable, build: Callable[[], T]) -> T:
    """The value kept for ``key`` at the current version, else ``build()`` (then kept)."""
    version = current_version()
    store: _Kept = current_app.extensions.setdefault(EXTENSION, _Kept())
    found = store.values.get((version, key), store)
    if found is not store:
        return found
    value = build()
    with store.lock:
        if any(kept_version != version for kept_version, _key in store.values):
            store.values = {entry: kept for entry, kept in store.values.items() if entry[0] == version}
        store.values[version, key] = value
    return value
