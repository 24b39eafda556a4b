"""The dashboard's figures, computed once per scope and language and kept for a few minutes.

Counting the distinct people who took part over a year reads every act of participation (hundreds of
thousands of supports, answers, attendances...): a few hundred milliseconds on a large territory. The
figures of a scope do not need to be to-the-second, so they are kept in ``dashboard_snapshot`` (shared by
every server process) for ``DASHBOARD_CACHE_SECONDS`` (5 minutes by default; 0 computes them at every
request), with their HTML (some 250 rows of tables and charts: rendering them costs more than reading them).
The page shows when they were computed and lets the people who see it compute them again now; the downloads
of a table give the same figures as the page.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from flask import current_app
from markupsafe import Markup
from sqlalchemy import delete, select

from participation.db import dialect_insert, utcnow
from participation.exports import Column
from participation.extensions import db
from participation.registry import DashboardScope, IndicatorTable
from participation.reporting.models import DashboardSnapshot

# Part of the key: a release that changes the tables' layout does not read the snapshots of the previous one.
LAYOUT_VERSION = 1

Blocks = list[tuple[str, list[IndicatorTable]]]


@dataclass
class DashboardFigures:
    blocks: Blocks
    computed_at: datetime
    kept_seconds: int  # how long these figures are shown before being computed again (0: never kept)
    stored: bool = False  # computed by this request and stored: the caller commits
    rendered: str | None = None
    render: Callable[[Blocks], str] | None = None

    @property
    def html(self) -> Markup:
        """The blocks as the dashboard shows them (rendered now only if they were not kept)."""
        if self.rendered is None and self.render is not None:
            self.rendered = str(self.render(self.blocks))
        return Markup(self.rendered or "")  # noqa: S704 - our own autoescaped template's output, stored by us

    def find(self, key: str) -> IndicatorTable | None:
        return next((table for _title, tables in self.blocks for table in tables if table.key == key), None)


def keep_seconds() -> int:
    return max(0, int(current_app.config.get("DASHBOARD_CACHE_SECONDS", 300)))


def scope_key(scope: DashboardScope, locale: str) -> str:
    """What identifies the figures: the period, the conseils, the QPV, the language of the labels."""
    described = json.dumps([LAYOUT_VERSION, scope.start.isoformat(), scope.end.isoformat(),
                            sorted(scope.conseil_ids) if scope.conseil_ids is not None else None,
                            scope.qpv_id, locale])
    return hashlib.sha256(described.encode()).hexdigest()


def figures(scope: DashboardScope, locale: str, compute: Callable[[], Blocks], render: Callable[[Blocks], str],
            now: datetime | None = None) -> DashboardFigures:
    """The figures of ``scope``: the kept ones if they are recent enough, else ``compute()`` (then kept).

    ``render(blocks)`` gives their HTML; it is kept with them.
    """
    now = now or utcnow()
    seconds = keep_seconds()
    if seconds == 0:
        return DashboardFigures(compute(), now, 0, render=render)
    key = scope_key(scope, locale)
    kept = db.session.scalar(select(DashboardSnapshot).where(
        DashboardSnapshot.key == key, DashboardSnapshot.computed_at > now - timedelta(seconds=seconds)))
    if kept is not None:
        return DashboardFigures(from_payload(kept.payload["blocks"]), kept.computed_at, seconds,
                                rendered=kept.payload["html"])
    figures = DashboardFigures(compute(), now, seconds, stored=True, render=render)
    _keep(key, {"blocks": to_payload(figures.blocks), "html": str(figures.html)}, now, seconds)
    return figures


def forget(scope: DashboardScope, locale: str) -> None:
    """Drop the kept figures of a scope: the next request computes them again."""
    db.session.execute(delete(DashboardSnapshot).where(DashboardSnapshot.key == scope_key(scope, locale)))


def _keep(key: str, payload: dict[str, Any], now: datetime, seconds: int) -> None:
    """Store (or replace: two processes may compute the same scope at once) and drop the expired ones.

    The caller commits (a GET that computed the figures commits so that the next request finds them).
    """
    table = DashboardSnapshot.__table__
    statement = dialect_insert()(table).values(key=key, computed_at=now, payload=payload)
    db.session.execute(statement.on_conflict_do_update(
        index_elements=[table.c.key],
        set_={"computed_at": statement.excluded.computed_at, "payload": statement.excluded.payload}))
    db.session.execute(delete(DashboardSnapshot).where(
        DashboardSnapshot.computed_at <= now - timedelta(seconds=seconds)))


# ------------------------------------------------------------------------------------------ (de)serializing


def _cell(value: Any) -> Any:
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if hasattr(value, "__html__") or type(value).__name__ == "LazyString":
        return str(value)
    raise TypeError(f"a dashboard figure cannot be kept: {value!r} ({type(value).__name__})")


def _text(value: Any) -> str | None:
    return None if value is None else str(value)


def to_payload(blocks: Blocks) -> list[dict[str, Any]]:
    return [{"title": str(title), "tables": [{
        "key": table.key, "title": str(table.title),
        "columns": [[column.key, str(column.label)] for column in table.columns],
        "rows": [[_cell(value) for value in row] for row in table.rows],
        "chart_label": table.chart_label, "chart_value": table.chart_value, "note": _text(table.note),
    } for table in tables]} for title, tables in blocks]


def from_payload(payload: list[dict[str, Any]]) -> Blocks:
    return [(block["title"], [IndicatorTable(
        key=table["key"], title=table["title"], columns=[Column(key, label) for key, label in table["columns"]],
        rows=[tuple(row) for row in table["rows"]], chart_label=table["chart_label"],
        chart_value=table["chart_value"], note=table["note"],
    ) for table in block["tables"]]) for block in payload]
