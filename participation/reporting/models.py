"""The tables of reporting: figures of the dashboard kept for a few minutes (``reporting/snapshots.py``)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, String
from sqlalchemy.orm import Mapped, mapped_column

from participation.db import Base, UTCDateTime

__all__ = ["DashboardSnapshot"]


class DashboardSnapshot(Base):
    """The dashboard's tables for one scope and language, as computed at ``computed_at``.

    Counting the distinct people who took part scans every act of participation; the figures of a scope
    are therefore computed once and shown to everyone who asks for the same scope for a few minutes
    (``DASHBOARD_CACHE_SECONDS``). The page says when they were computed and offers to compute them again.
    """

    __tablename__ = "dashboard_snapshot"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    computed_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    payload: Mapped[Any] = mapped_column(JSON)
