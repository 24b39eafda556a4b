"""Contributions of the co-construction and their public follow-up (DESIGN.md §4)."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from participation.accounts.models import User
from participation.db import Base, enum_column, utcnow
from participation.territory.models import Conseil

__all__ = ["Contribution", "ContributionKind", "ContributionStatus", "ContributionEvent", "EventKind"]


class ContributionKind(enum.Enum):
    proposal = "proposal"
    consultation_synthesis = "consultation_synthesis"
    minutes_decision = "minutes_decision"
    minutes_opinion = "minutes_opinion"
    workshop_conclusion = "workshop_conclusion"


class ContributionStatus(enum.Enum):
    received = "received"
    under_study = "under_study"
    retained = "retained"
    partly_retained = "partly_retained"
    not_retained = "not_retained"
    merged = "merged"
    implemented = "implemented"


class EventKind(enum.Enum):
    submitted = "submitted"
    threshold_reached = "threshold_reached"
    discussed = "discussed"
    opinion = "opinion"
    status_changed = "status_changed"
    answered = "answered"
    linked = "linked"
    unlinked = "unlinked"
    implemented = "implemented"
    correction = "correction"
    note = "note"


class Contribution(Base):
    """Anything that came out of co-construction and deserves an answer.

    ``source_type``/``source_id`` point at the row of the capability it came from (a proposal, a
    consultation, a decision in minutes…); the status, the official answer and the timeline live here.
    """

    __tablename__ = "contribution"
    __table_args__ = (
        UniqueConstraint("source_type", "source_id"),
        CheckConstraint("status != 'merged' OR merged_into_id IS NOT NULL", name="merged_has_target"),
        Index("ix_contribution_status", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[ContributionKind] = mapped_column(enum_column(ContributionKind))
    source_type: Mapped[str] = mapped_column(String(40))
    source_id: Mapped[int]
    conseil_id: Mapped[int | None] = mapped_column(ForeignKey("conseil.id", ondelete="SET NULL"), index=True)
    title: Mapped[str] = mapped_column(String(300))
    status: Mapped[ContributionStatus] = mapped_column(
        enum_column(ContributionStatus), default=ContributionStatus.received
    )
    status_reason: Mapped[str | None] = mapped_column(Text)
    answer: Mapped[str | None] = mapped_column(Text)
    answer_html: Mapped[str | None] = mapped_column(Text)
    answered_at: Mapped[datetime | None]
    merged_into_id: Mapped[int | None] = mapped_column(ForeignKey("contribution.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)

    conseil: Mapped[Conseil | None] = relationship()
    merged_into: Mapped[Contribution | None] = relationship(remote_side=[id])
    events: Mapped[list[ContributionEvent]] = relationship(
        back_populates="contribution",
        order_by="(ContributionEvent.occurred_at, ContributionEvent.id)",
        cascade="all, delete-orphan",
        passive_deletes=True,
    )


class ContributionEvent(Base):
    """One dated entry of a contribution's timeline. Append-only: corrections are new events."""

    __tablename__ = "contribution_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    contribution_id: Mapped[int] = mapped_column(
        ForeignKey("contribution.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[EventKind] = mapped_column(enum_column(EventKind))
    occurred_at: Mapped[datetime] = mapped_column(default=utcnow)
    recorded_at: Mapped[datetime] = mapped_column(default=utcnow)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    # Who acted when it is a body rather than a person ("Comité de pilotage du 3 mars").
    actor_label: Mapped[str | None] = mapped_column(String(200))
    status: Mapped[ContributionStatus | None] = mapped_column(enum_column(ContributionStatus))
    text: Mapped[str | None] = mapped_column(Text)
    link_url: Mapped[str | None] = mapped_column(String(500))
    link_label: Mapped[str | None] = mapped_column(String(300))
    corrects_id: Mapped[int | None] = mapped_column(ForeignKey("contribution_event.id", ondelete="SET NULL"))

    contribution: Mapped[Contribution] = relationship(back_populates="events")
    actor: Mapped[User | None] = relationship()
