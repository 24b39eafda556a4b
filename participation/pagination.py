"""Pagination of SQLAlchemy 2 selects: one COUNT and one page of rows."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, func, select

from participation.db import inline
from participation.extensions import db


@dataclass
class Page:
    items: list[Any]
    number: int
    per_page: int
    total: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def has_next(self) -> bool:
        return self.number < self.pages


def paginate(query: Select[Any], number: int, per_page: int = 20, scalars: bool = True) -> Page:
    """The page ``number`` (1-based, clamped to what exists) of ``query``."""
    total = db.session.scalar(select(func.count()).select_from(query.order_by(None).subquery())) or 0
    pages = max(1, -(-total // per_page))
    number = min(max(number, 1), pages)
    paged = query.limit(inline(per_page)).offset(inline((number - 1) * per_page))
    items = list(db.session.scalars(paged)) if scalars else list(db.session.execute(paged))
    return Page(items=items, number=number, per_page=per_page, total=total)
