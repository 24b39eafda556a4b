"""Reports, moderation decisions, appeals and per-conseil moderation settings.

Moderation works on content that other capabilities own (proposals, comments…): rows point at it by
``target_type`` (the owner's table name) and ``target_id``; the owner registers how to hide and
restore it (see ``services.register_target``).
"""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from participation.accounts.models import User
from participation.db import Base, enum_column, utcnow
from participation.territory.models import Conseil

__all__ = ["ReportReason", "Report", "DecisionAction", "ModerationDecision", "AppealStatus", "Appeal",
           "ModerationSettings"]


class ReportReason(enum.Enum):
    insult = "insult"
    hate = "hate"
    personal_data = "personal_data"
    spam = "spam"
    off_topic = "off_topic"
    misinformation = "misinformation"
    other = "other"


class Report(Base):
    """Someone signalled a piece of content; one report per person and item."""

    __tablename__ = "moderation_report"
    __table_args__ = (
        UniqueConstraint("target_type", "target_id", "reporter_id"),
        Index("ix_moderation_report_target", "target_type", "target_id"),
        Index("ix_moderation_report_open", "conseil_id", "resolved_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    target_type: Mapped[str] = mapped_column(String(40))
    target_id: Mapped[int]
    conseil_id: Mapped[int | None] = mapped_column(ForeignKey("conseil.id", ondelete="SET NULL"))
    reporter_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"), index=True)
    reason: Mapped[ReportReason] = mapped_column(enum_column(ReportReason))
    details: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Set when a moderator decided on the item; the report then leaves the queue.
    resolved_at: Mapped[datetime | None]
    resolved_by_id: Mapped[int | None] = mapped_column(ForeignKey("moderation_decision.id", ondelete="SET NULL"))

    reporter: Mapped[User | None] = relationship()


class DecisionAction(enum.Enum):
    hidden = "hidden"
    restored = "restored"
    approved = "approved"
    auto_hidden = "auto_hidden"
    appeal_upheld = "appeal_upheld"  # the second review kept it hidden
    appeal_granted = "appeal_granted"  # the second review restored it


class ModerationDecision(Base):
    """What a moderator (or the automatic rule) decided about an item, and why. Never edited."""

    __tablename__ = "moderation_decision"
    __table_args__ = (Index("ix_moderation_decision_target", "target_type", "target_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    target_type: Mapped[str] = mapped_column(String(40))
    target_id: Mapped[int]
    conseil_id: Mapped[int | None] = mapped_column(ForeignKey("conseil.id", ondelete="SET NULL"), index=True)
    action: Mapped[DecisionAction] = mapped_column(enum_column(DecisionAction))
    reason: Mapped[str | None] = mapped_column(Text)
    moderator_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    moderator: Mapped[User | None] = relationship()
    conseil: Mapped[Conseil | None] = relationship()


class AppealStatus(enum.Enum):
    open = "open"
    upheld = "upheld"
    granted = "granted"


class Appeal(Base):
    """The author's one request for a second review of a decision to hide their content."""

    __tablename__ = "moderation_appeal"
    __table_args__ = (UniqueConstraint("target_type", "target_id", "author_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    decision_id: Mapped[int] = mapped_column(ForeignKey("moderation_decision.id", ondelete="CASCADE"),
                                             unique=True)
    target_type: Mapped[str] = mapped_column(String(40))
    target_id: Mapped[int]
    conseil_id: Mapped[int | None] = mapped_column(ForeignKey("conseil.id", ondelete="SET NULL"), index=True)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    status: Mapped[AppealStatus] = mapped_column(enum_column(AppealStatus), default=AppealStatus.open, index=True)
    reviewed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    reviewed_at: Mapped[datetime | None]
    review_reason: Mapped[str | None] = mapped_column(Text)

    decision: Mapped[ModerationDecision] = relationship()
    author: Mapped[User | None] = relationship(foreign_keys=[author_id])
    reviewed_by: Mapped[User | None] = relationship(foreign_keys=[reviewed_by_id])


class ModerationSettings(Base):
    """How a conseil moderates: after publication (default) or before, and when reports hide content."""

    __tablename__ = "moderation_settings"
    __table_args__ = (CheckConstraint("auto_hide_threshold >= 1", name="auto_hide_threshold_positive"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    conseil_id: Mapped[int] = mapped_column(ForeignKey("conseil.id", ondelete="CASCADE"), unique=True)
    pre_moderation: Mapped[bool] = mapped_column(default=False)
    # Content reported by this many distinct people is hidden until a moderator reviews it.
    auto_hide_threshold: Mapped[int] = mapped_column(default=3)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
