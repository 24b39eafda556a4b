"""Meetings of a conseil, their attendance, and their minutes with review, revisions and decisions.

The rows of ``agenda_item`` (one section of the minutes each), ``minutes_decision`` and
``action_item`` are the working copy an animator edits. Every change also writes a
``minutes_revision``: a complete, rendered snapshot of the document, never changed afterwards. The
pages show a snapshot, so what any revision showed can be shown again exactly.
"""

from __future__ import annotations

import enum
from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, CheckConstraint, Date, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, deferred, mapped_column, relationship

from participation.accounts.models import User
from participation.db import Base, enum_column, utcnow
from participation.territory.models import Conseil, Membership

__all__ = [
    "ActionItem", "ActionStatus", "AgendaItem", "ApprovalMode", "Attendance", "AttendanceStatus", "DecisionKind",
    "Meeting", "MeetingKind", "Minutes", "MinutesDecision", "MinutesRevision", "MinutesRule", "MinutesStatus",
    "NameChoice", "PublicName", "QuorumBasis", "Redaction", "ReviewComment",
]


class MeetingKind(enum.Enum):
    plenary = "plenary"
    bureau = "bureau"
    workshop = "workshop"
    steering_committee = "steering_committee"  # comité de pilotage of the contrat de ville
    technical_committee = "technical_committee"  # comité technique


class AttendanceStatus(enum.Enum):
    present = "present"
    excused = "excused"
    absent = "absent"


class QuorumBasis(enum.Enum):
    titulaires = "titulaires"
    all_members = "all_members"


class MinutesStatus(enum.Enum):
    draft = "draft"
    in_review = "in_review"
    approved = "approved"
    published = "published"


class ApprovalMode(enum.Enum):
    next_meeting = "next_meeting"
    vote = "vote"
    silence = "silence"


class DecisionKind(enum.Enum):
    decision = "decision"
    opinion = "opinion"  # an avis of the conseil


class ActionStatus(enum.Enum):
    planned = "planned"
    in_progress = "in_progress"
    done = "done"
    abandoned = "abandoned"


class PublicName(enum.Enum):
    name = "name"
    initials = "initials"


class MinutesRule(Base):
    """How a conseil runs its meetings: its quorum and how long members have to review minutes."""

    __tablename__ = "minutes_rule"
    __table_args__ = (
        CheckConstraint("quorum_percent BETWEEN 1 AND 100", name="quorum_percent_range"),
        CheckConstraint("review_days BETWEEN 1 AND 90", name="review_days_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    conseil_id: Mapped[int] = mapped_column(ForeignKey("conseil.id", ondelete="CASCADE"), unique=True)
    quorum_basis: Mapped[QuorumBasis] = mapped_column(enum_column(QuorumBasis), default=QuorumBasis.titulaires)
    # Quorum reached when at least this share of the counted members is present (rounded up).
    quorum_percent: Mapped[int] = mapped_column(default=50)
    review_days: Mapped[int] = mapped_column(default=10)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))


class Meeting(Base):
    __tablename__ = "meeting"
    __table_args__ = (
        CheckConstraint("other_attendees >= 0", name="other_attendees_positive"),
        Index("ix_meeting_conseil_starts", "conseil_id", "starts_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    conseil_id: Mapped[int] = mapped_column(ForeignKey("conseil.id", ondelete="CASCADE"))
    kind: Mapped[MeetingKind] = mapped_column(enum_column(MeetingKind))
    title: Mapped[str] = mapped_column(String(200))
    starts_at: Mapped[datetime]
    place: Mapped[str] = mapped_column(String(200), default="")
    # A workshop of the platform this meeting was (no foreign key: workshops are another capability).
    workshop_id: Mapped[int | None]
    # People present who are not members (residents, partners, staff): counted, never named.
    other_attendees: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))

    conseil: Mapped[Conseil] = relationship()
    agenda_items: Mapped[list[AgendaItem]] = relationship(
        back_populates="meeting", order_by="(AgendaItem.position, AgendaItem.id)", cascade="all, delete-orphan",
        passive_deletes=True,
    )
    attendances: Mapped[list[Attendance]] = relationship(
        back_populates="meeting", cascade="all, delete-orphan", passive_deletes=True,
    )
    minutes: Mapped[Minutes] = relationship(
        back_populates="meeting", uselist=False, passive_deletes=True, foreign_keys="Minutes.meeting_id"
    )


class AgendaItem(Base):
    """A point of the agenda, and the section of the minutes that reports on it (Markdown)."""

    __tablename__ = "agenda_item"

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meeting.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    title: Mapped[str] = mapped_column(String(200))
    notes: Mapped[str] = mapped_column(Text, default="")
    notes_html: Mapped[str] = mapped_column(Text, default="")

    meeting: Mapped[Meeting] = relationship(back_populates="agenda_items")

    @property
    def key(self) -> str:
        return f"item-{self.id}"


class Attendance(Base):
    __tablename__ = "attendance"
    __table_args__ = (UniqueConstraint("meeting_id", "membership_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meeting.id", ondelete="CASCADE"))
    membership_id: Mapped[int] = mapped_column(ForeignKey("membership.id", ondelete="CASCADE"), index=True)
    status: Mapped[AttendanceStatus] = mapped_column(enum_column(AttendanceStatus))
    recorded_at: Mapped[datetime] = mapped_column(default=utcnow)

    meeting: Mapped[Meeting] = relationship(back_populates="attendances")
    membership: Mapped[Membership] = relationship()


class Minutes(Base):
    """The written trace of a meeting and where it is in its workflow (draft → review → approved → published)."""

    __tablename__ = "minutes"
    __table_args__ = (
        CheckConstraint("comment_count >= 0", name="comment_count_positive"),
        CheckConstraint("status != 'published' OR published_number IS NOT NULL", name="published_has_revision"),
        CheckConstraint("status NOT IN ('approved', 'published') OR approval_mode IS NOT NULL",
                        name="approved_says_how"),
        Index("ix_minutes_status_conseil", "status", "conseil_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meeting.id", ondelete="CASCADE"), unique=True)
    conseil_id: Mapped[int] = mapped_column(ForeignKey("conseil.id", ondelete="CASCADE"), index=True)
    status: Mapped[MinutesStatus] = mapped_column(enum_column(MinutesStatus), default=MinutesStatus.draft)
    # Number of the latest revision; incremented in SQL so that two saves never get the same number.
    revision_count: Mapped[int] = mapped_column(default=0)
    published_number: Mapped[int | None]
    comment_count: Mapped[int] = mapped_column(default=0)
    review_started_at: Mapped[datetime | None]
    review_ends_at: Mapped[datetime | None]
    approved_at: Mapped[datetime | None]
    approved_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    approval_mode: Mapped[ApprovalMode | None] = mapped_column(enum_column(ApprovalMode))
    approval_meeting_id: Mapped[int | None] = mapped_column(ForeignKey("meeting.id", ondelete="SET NULL"))
    approval_note: Mapped[str | None] = mapped_column(Text)
    first_published_at: Mapped[datetime | None]
    published_at: Mapped[datetime | None]

    meeting: Mapped[Meeting] = relationship(back_populates="minutes", foreign_keys=[meeting_id])
    conseil: Mapped[Conseil] = relationship()
    approved_by: Mapped[User | None] = relationship()
    approval_meeting: Mapped[Meeting | None] = relationship(foreign_keys=[approval_meeting_id])
    decisions: Mapped[list[MinutesDecision]] = relationship(
        back_populates="minutes", order_by="(MinutesDecision.position, MinutesDecision.id)",
        cascade="all, delete-orphan", passive_deletes=True,
    )
    action_items: Mapped[list[ActionItem]] = relationship(
        back_populates="minutes", order_by="(ActionItem.position, ActionItem.id)", cascade="all, delete-orphan",
        passive_deletes=True,
    )
    redactions: Mapped[list[Redaction]] = relationship(
        back_populates="minutes", order_by="Redaction.id", cascade="all, delete-orphan", passive_deletes=True,
    )


class MinutesRevision(Base):
    """One saved state of the minutes, complete and rendered; never changed after it is written."""

    __tablename__ = "minutes_revision"
    __table_args__ = (UniqueConstraint("minutes_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    minutes_id: Mapped[int] = mapped_column(ForeignKey("minutes.id", ondelete="CASCADE"))
    number: Mapped[int]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    # What changed, written by the platform ("attendance", "section …"); the reason is the author's.
    summary: Mapped[str] = mapped_column(String(300))
    reason: Mapped[str | None] = mapped_column(Text)
    status: Mapped[MinutesStatus] = mapped_column(enum_column(MinutesStatus))
    # Whether this revision was (or became) the public version: publication, or a correction after it.
    published: Mapped[bool] = mapped_column(default=False)
    content: Mapped[dict[str, Any]] = deferred(mapped_column(JSON))

    author: Mapped[User | None] = relationship()


class MinutesDecision(Base):
    """A decision or an opinion (avis): the majority position and the dissenting views, with the vote if any."""

    __tablename__ = "minutes_decision"
    __table_args__ = (
        CheckConstraint("votes_for IS NULL OR votes_for >= 0", name="votes_for_positive"),
        CheckConstraint("votes_against IS NULL OR votes_against >= 0", name="votes_against_positive"),
        CheckConstraint("abstentions IS NULL OR abstentions >= 0", name="abstentions_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    minutes_id: Mapped[int] = mapped_column(ForeignKey("minutes.id", ondelete="CASCADE"), index=True)
    agenda_item_id: Mapped[int | None] = mapped_column(ForeignKey("agenda_item.id", ondelete="SET NULL"))
    position: Mapped[int] = mapped_column(default=0)
    kind: Mapped[DecisionKind] = mapped_column(enum_column(DecisionKind))
    text: Mapped[str] = mapped_column(Text)
    text_html: Mapped[str] = mapped_column(Text)
    majority_position: Mapped[str] = mapped_column(Text, default="")
    majority_position_html: Mapped[str] = mapped_column(Text, default="")
    dissenting_views: Mapped[str] = mapped_column(Text, default="")
    dissenting_views_html: Mapped[str] = mapped_column(Text, default="")
    # Recorded explicitly, so that an empty "dissenting views" is never an omission.
    unanimous: Mapped[bool] = mapped_column(default=False)
    votes_for: Mapped[int | None]
    votes_against: Mapped[int | None]
    abstentions: Mapped[int | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    minutes: Mapped[Minutes] = relationship(back_populates="decisions")
    agenda_item: Mapped[AgendaItem | None] = relationship()

    @property
    def key(self) -> str:
        return f"decision-{self.id}"

    @property
    def has_votes(self) -> bool:
        return self.votes_for is not None


class ActionItem(Base):
    """Something to do after the meeting: what, who, by when; its status is followed up later."""

    __tablename__ = "action_item"
    __table_args__ = (Index("ix_action_item_conseil_status", "conseil_id", "status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    minutes_id: Mapped[int] = mapped_column(ForeignKey("minutes.id", ondelete="CASCADE"), index=True)
    conseil_id: Mapped[int] = mapped_column(ForeignKey("conseil.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(default=0)
    what: Mapped[str] = mapped_column(Text)
    who: Mapped[str] = mapped_column(String(200))
    due_on: Mapped[date | None] = mapped_column(Date)
    status: Mapped[ActionStatus] = mapped_column(enum_column(ActionStatus), default=ActionStatus.planned)
    status_changed_at: Mapped[datetime | None]
    status_changed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    minutes: Mapped[Minutes] = relationship(back_populates="action_items")

    @property
    def is_open(self) -> bool:
        return self.status in (ActionStatus.planned, ActionStatus.in_progress)


class ReviewComment(Base):
    """A member's remark on one section (or decision) of minutes in review, possibly with a new wording."""

    __tablename__ = "review_comment"
    __table_args__ = (Index("ix_review_comment_minutes", "minutes_id", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    minutes_id: Mapped[int] = mapped_column(ForeignKey("minutes.id", ondelete="CASCADE"))
    # "item-<id>" for a section, "decision-<id>" for a decision.
    target: Mapped[str] = mapped_column(String(40))
    revision_number: Mapped[int]
    author_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    body: Mapped[str] = mapped_column(Text, default="")
    body_html: Mapped[str] = mapped_column(Text, default="")
    proposed_text: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    accepted_at: Mapped[datetime | None]
    accepted_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    accepted_in_revision: Mapped[int | None]

    author: Mapped[User | None] = relationship(foreign_keys=[author_id])


class Redaction(Base):
    """A passage hidden from the public version of the minutes, with the reason why."""

    __tablename__ = "redaction"

    id: Mapped[int] = mapped_column(primary_key=True)
    minutes_id: Mapped[int] = mapped_column(ForeignKey("minutes.id", ondelete="CASCADE"), index=True)
    # "item-<id>", or "decision-<id>:text|majority|dissent".
    target: Mapped[str] = mapped_column(String(60))
    passage: Mapped[str] = mapped_column(Text)
    reason: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))

    minutes: Mapped[Minutes] = relationship(back_populates="redactions")


class NameChoice(Base):
    """How a person wants to be named in published minutes: the name of their profile, or initials."""

    __tablename__ = "minutes_name_choice"

    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), primary_key=True)
    show: Mapped[PublicName] = mapped_column(enum_column(PublicName, 16))
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
