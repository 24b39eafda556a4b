"""Proposals of residents, their supports and comments, and each conseil's rules for them."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from participation.accounts.models import User
from participation.contract.models import Contribution
from participation.db import Base, enum_column, utcnow
from participation.territory.models import QPV, Conseil

__all__ = ["Phase", "Theme", "ProposalState", "ProposalSettings", "Proposal", "Support", "Comment"]


class Phase(enum.Enum):
    collecting = "collecting"  # new proposals and supports
    supporting = "supporting"  # supports only
    closed = "closed"  # neither


class Theme(enum.Enum):
    living_environment = "living_environment"
    safety = "safety"
    youth = "youth"
    education = "education"
    employment = "employment"
    health = "health"
    culture_sport = "culture_sport"
    solidarity = "solidarity"
    transport = "transport"
    nature = "nature"


class ProposalState(enum.Enum):
    pending = "pending"  # waits for approval (pre-moderation)
    published = "published"
    hidden = "hidden"  # by moderation
    withdrawn = "withdrawn"  # by its author


SUPPORT_PHASES = (Phase.collecting, Phase.supporting)  # the phases in which proposals may be supported


class ProposalSettings(Base):
    """A conseil's rules for proposals: phase, support threshold, supports per person, edit window."""

    __tablename__ = "proposal_settings"
    __table_args__ = (
        CheckConstraint("support_threshold >= 1", name="threshold_positive"),
        CheckConstraint("max_supports_per_person IS NULL OR max_supports_per_person >= 1", name="limit_positive"),
        CheckConstraint("edit_window_hours >= 0", name="edit_window_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    conseil_id: Mapped[int] = mapped_column(ForeignKey("conseil.id", ondelete="CASCADE"), unique=True)
    phase: Mapped[Phase] = mapped_column(enum_column(Phase), default=Phase.collecting)
    support_threshold: Mapped[int] = mapped_column(default=30)
    max_supports_per_person: Mapped[int | None]
    edit_window_hours: Mapped[int] = mapped_column(default=48)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)

    @property
    def accepts_proposals(self) -> bool:
        return self.phase == Phase.collecting

    @property
    def supports_open(self) -> bool:
        return self.phase in SUPPORT_PHASES


class Proposal(Base):
    """An initiative a resident proposes for their quartier; it is a contribution of the contract (§4)."""

    __tablename__ = "proposal"
    __table_args__ = (
        CheckConstraint("support_count >= 0", name="support_count_not_negative"),
        CheckConstraint("comment_count >= 0", name="comment_count_not_negative"),
        # Each order of the list reads one of these backwards and stops after the page (id breaks ties).
        Index("ix_proposal_state_created", "state", "created_at", "id"),
        Index("ix_proposal_state_supports", "state", "support_count", "id"),
        Index("ix_proposal_state_comments", "state", "comment_count", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    conseil_id: Mapped[int] = mapped_column(ForeignKey("conseil.id", ondelete="CASCADE"), index=True)
    qpv_id: Mapped[int | None] = mapped_column(ForeignKey("qpv.id", ondelete="SET NULL"), index=True)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"), index=True)
    # Assisted entry ("aller-vers"): an animator typed it for a resident met on the ground, with consent.
    entered_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    on_behalf_name: Mapped[str | None] = mapped_column(String(80))
    consent_recorded: Mapped[bool] = mapped_column(default=False)
    title: Mapped[str] = mapped_column(String(140))
    body: Mapped[str] = mapped_column(Text)
    body_html: Mapped[str] = mapped_column(Text)
    theme: Mapped[Theme] = mapped_column(enum_column(Theme))
    place: Mapped[str | None] = mapped_column(String(200))
    image_name: Mapped[str | None] = mapped_column(String(64), unique=True)
    image_alt: Mapped[str | None] = mapped_column(String(200))
    # Title and text lower-cased without accents: search and similar proposals on any database.
    search_text: Mapped[str] = mapped_column(Text, default="")
    state: Mapped[ProposalState] = mapped_column(enum_column(ProposalState), default=ProposalState.published)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    published_at: Mapped[datetime | None]
    withdrawn_at: Mapped[datetime | None]
    # Stored counters, changed by SQL-side increments in the transaction that adds or removes a row.
    support_count: Mapped[int] = mapped_column(default=0)
    comment_count: Mapped[int] = mapped_column(default=0)  # visible comments
    threshold_reached_at: Mapped[datetime | None]
    contribution_id: Mapped[int | None] = mapped_column(ForeignKey("contribution.id", ondelete="SET NULL"),
                                                        unique=True)

    conseil: Mapped[Conseil] = relationship()
    qpv: Mapped[QPV | None] = relationship()
    author: Mapped[User | None] = relationship(foreign_keys=[author_id])
    entered_by: Mapped[User | None] = relationship(foreign_keys=[entered_by_id])
    contribution: Mapped[Contribution | None] = relationship()

    @property
    def is_assisted(self) -> bool:
        return self.on_behalf_name is not None

    @property
    def is_visible(self) -> bool:
        """Public: published, or withdrawn after it was published."""
        return self.state == ProposalState.published or (
            self.state == ProposalState.withdrawn and self.published_at is not None)

    def __repr__(self) -> str:
        return f"<Proposal {self.id} {self.title!r}>"


class Support(Base):
    """One person's support of a proposal (one per person), or one gathered on the ground by an animator."""

    __tablename__ = "proposal_support"
    __table_args__ = (
        UniqueConstraint("proposal_id", "user_id"),
        # The supports gathered on the ground, counted on the proposal page.
        Index("ix_proposal_support_assisted", "proposal_id", postgresql_where=text("user_id IS NULL"),
              sqlite_where=text("user_id IS NULL")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    proposal_id: Mapped[int] = mapped_column(ForeignKey("proposal.id", ondelete="CASCADE"))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    entered_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    on_behalf_name: Mapped[str | None] = mapped_column(String(80))
    consent_recorded: Mapped[bool] = mapped_column(default=False)

    proposal: Mapped[Proposal] = relationship()
    user: Mapped[User | None] = relationship(foreign_keys=[user_id])


class Comment(Base):
    """A comment on a proposal, or a reply to one (one level of replies)."""

    __tablename__ = "proposal_comment"
    __table_args__ = (Index("ix_proposal_comment_thread", "proposal_id", "parent_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    proposal_id: Mapped[int] = mapped_column(ForeignKey("proposal.id", ondelete="CASCADE"))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("proposal_comment.id", ondelete="CASCADE"))
    author_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"), index=True)
    body: Mapped[str] = mapped_column(Text)
    body_html: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    hidden_at: Mapped[datetime | None]

    proposal: Mapped[Proposal] = relationship()
    parent: Mapped[Comment | None] = relationship(remote_side=[id])
    author: Mapped[User | None] = relationship()

    @property
    def is_hidden(self) -> bool:
        return self.hidden_at is not None


# The conseil's rules, readable from a proposal and eager-loaded on lists (None until a conseil saves its own).
Proposal.settings = relationship(
    ProposalSettings,
    primaryjoin="foreign(Proposal.conseil_id) == ProposalSettings.conseil_id",
    viewonly=True,
    uselist=False,
)
