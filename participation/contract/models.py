"""Contributions of the co-construction and their public follow-up (DESIGN.md §4)."""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint, event
from sqlalchemy.orm import Mapped, mapped_column, object_session, relationship

from participation.accounts.models import User
from participation.db import Base, enum_column, utcnow
from participation.territory.models import Conseil

__all__ = [
    "Contribution", "ContributionKind", "ContributionStatus", "ContributionEvent", "EventKind",
    "Contract", "ContractNode", "NodeLevel", "Pillar", "ContributionLink",
    "ReportRound", "ConseilOpinion", "OpinionPosition", "ReportObservation",
]


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
    links: Mapped[list[ContributionLink]] = relationship(
        back_populates="contribution", cascade="all, delete-orphan", passive_deletes=True,
        order_by="ContributionLink.id",
    )


class ContributionEvent(Base):
    """One dated entry of a contribution's timeline. Append-only: corrections are new events."""

    __tablename__ = "contribution_event"
    # The dashboard reads the events of one kind over a period (who submitted, first answers).
    __table_args__ = (Index("ix_contribution_event_kind_occurred_at", "kind", "occurred_at"),)

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


class TimelineIsAppendOnly(RuntimeError):
    """Raised when code tries to change an event already written: corrections are new events."""


@event.listens_for(ContributionEvent, "before_update")
def _timeline_events_are_never_updated(mapper, connection, target: ContributionEvent) -> None:
    session = object_session(target)
    if session is None or session.is_modified(target, include_collections=False):
        raise TimelineIsAppendOnly(f"contribution event {target.id} cannot be changed; add a correction instead")


# ------------------------------------------------------------------------------------ the contract


class NodeLevel(enum.Enum):
    """The four levels of a contrat de ville, from the broadest to the most concrete."""

    enjeu = "enjeu"
    orientation = "orientation"
    objectif = "objectif"
    action = "action"


LEVELS = (NodeLevel.enjeu, NodeLevel.orientation, NodeLevel.objectif, NodeLevel.action)


class Pillar(enum.Enum):
    """The three piliers of the 2015–2023 contracts, kept as an optional tag."""

    cohesion_sociale = "cohesion_sociale"
    cadre_de_vie = "cadre_de_vie"
    developpement_economique = "developpement_economique"


class Contract(Base):
    """A contrat de ville (one per EPCI): its title, period and signatories; its tree is in ContractNode."""

    __tablename__ = "contract"
    __table_args__ = (CheckConstraint("ends_year >= starts_year", name="period_order"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(300))
    starts_year: Mapped[int]
    ends_year: Mapped[int]
    # One signatory a line ("Agglomération de Val-de-Lys", "Préfecture", …).
    signatories: Mapped[str] = mapped_column(Text, default="")
    description: Mapped[str] = mapped_column(Text, default="")
    description_html: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)

    nodes: Mapped[list[ContractNode]] = relationship(back_populates="contract", cascade="all, delete-orphan",
                                                     passive_deletes=True)

    @property
    def signatory_list(self) -> list[str]:
        return [line.strip() for line in self.signatories.splitlines() if line.strip()]


class ContractNode(Base):
    """An enjeu, orientation stratégique, objectif opérationnel or action of the contract.

    Removed nodes are soft-deleted (``deleted_at``): contributions linked to them keep their links
    and their timelines.
    """

    __tablename__ = "contract_node"
    __table_args__ = (
        UniqueConstraint("contract_id", "code"),
        CheckConstraint("(level = 'enjeu' AND parent_id IS NULL) OR (level != 'enjeu' AND parent_id IS NOT NULL)",
                        name="enjeu_is_root"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    contract_id: Mapped[int] = mapped_column(ForeignKey("contract.id", ondelete="CASCADE"), index=True)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("contract_node.id", ondelete="RESTRICT"), index=True)
    level: Mapped[NodeLevel] = mapped_column(enum_column(NodeLevel, 16))
    code: Mapped[str] = mapped_column(String(20))
    title: Mapped[str] = mapped_column(String(300))
    description: Mapped[str] = mapped_column(Text, default="")
    position: Mapped[int] = mapped_column(default=0)
    pillar: Mapped[Pillar | None] = mapped_column(enum_column(Pillar))
    # The three transversal priorities of the 2015–2023 contracts.
    youth: Mapped[bool] = mapped_column(default=False)
    gender_equality: Mapped[bool] = mapped_column(default=False)
    anti_discrimination: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    deleted_at: Mapped[datetime | None]

    contract: Mapped[Contract] = relationship(back_populates="nodes")
    parent: Mapped[ContractNode | None] = relationship(remote_side=[id])

    @property
    def label(self) -> str:
        return f"{self.code} – {self.title}"

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None


class ContributionLink(Base):
    """A contribution attached to a node of the contract (each change is also a timeline event)."""

    __tablename__ = "contribution_link"
    __table_args__ = (UniqueConstraint("contribution_id", "node_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    contribution_id: Mapped[int] = mapped_column(ForeignKey("contribution.id", ondelete="CASCADE"), index=True)
    node_id: Mapped[int] = mapped_column(ForeignKey("contract_node.id", ondelete="RESTRICT"), index=True)
    linked_at: Mapped[datetime] = mapped_column(default=utcnow)
    linked_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))

    contribution: Mapped[Contribution] = relationship(back_populates="links")
    node: Mapped[ContractNode] = relationship()


# ------------------------------------------------------------------------------------ annual report


class OpinionPosition(enum.Enum):
    favourable = "favourable"
    reserved = "reserved"
    unfavourable = "unfavourable"
    # Recorded by ``close_due_rounds`` when a conseil said nothing before the deadline.
    tacit = "tacit"


class ReportRound(Base):
    """A "rapport annuel politique de la ville" on which the conseils citoyens give their opinion."""

    __tablename__ = "report_round"

    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int] = mapped_column(unique=True)
    draft_text: Mapped[str] = mapped_column(Text, default="")
    draft_html: Mapped[str] = mapped_column(Text, default="")
    draft_url: Mapped[str | None] = mapped_column(String(500))
    opened_at: Mapped[datetime] = mapped_column(default=utcnow)
    deadline: Mapped[date]
    closed_at: Mapped[datetime | None]
    opened_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))

    opinions: Mapped[list[ConseilOpinion]] = relationship(back_populates="round", cascade="all, delete-orphan",
                                                          passive_deletes=True, order_by="ConseilOpinion.id")


class ConseilOpinion(Base):
    """The opinion of one conseil on a round: majority position and dissenting views."""

    __tablename__ = "conseil_opinion"
    __table_args__ = (UniqueConstraint("round_id", "conseil_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("report_round.id", ondelete="CASCADE"), index=True)
    conseil_id: Mapped[int] = mapped_column(ForeignKey("conseil.id", ondelete="CASCADE"), index=True)
    position: Mapped[OpinionPosition] = mapped_column(enum_column(OpinionPosition, 16))
    majority_text: Mapped[str] = mapped_column(Text, default="")
    majority_html: Mapped[str] = mapped_column(Text, default="")
    dissenting_views: Mapped[str] = mapped_column(Text, default="")
    dissenting_html: Mapped[str] = mapped_column(Text, default="")
    # The approved minutes the opinion comes from, when the minutes capability offers them.
    minutes_source_type: Mapped[str | None] = mapped_column(String(40))
    minutes_source_id: Mapped[int | None]
    minutes_label: Mapped[str | None] = mapped_column(String(300))
    minutes_url: Mapped[str | None] = mapped_column(String(500))
    recorded_at: Mapped[datetime] = mapped_column(default=utcnow)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))

    round: Mapped[ReportRound] = relationship(back_populates="opinions")
    conseil: Mapped[Conseil] = relationship()
    recorded_by: Mapped[User | None] = relationship()
    observations: Mapped[list[ReportObservation]] = relationship(
        back_populates="opinion", cascade="all, delete-orphan", passive_deletes=True,
        order_by="ReportObservation.position",
    )

    @property
    def by_silence(self) -> bool:
        return self.position == OpinionPosition.tacit


class ReportObservation(Base):
    """One observation of an opinion; it is a contribution, whose official answer is the follow-up given."""

    __tablename__ = "report_observation"

    id: Mapped[int] = mapped_column(primary_key=True)
    opinion_id: Mapped[int] = mapped_column(ForeignKey("conseil_opinion.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    text: Mapped[str] = mapped_column(Text)
    contribution_id: Mapped[int | None] = mapped_column(ForeignKey("contribution.id", ondelete="SET NULL"))

    opinion: Mapped[ConseilOpinion] = relationship(back_populates="observations")
    contribution: Mapped[Contribution | None] = relationship()

