"""QPV reference, conseils citoyens, their collèges, members and animators."""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from participation.accounts.models import Gender, User
from participation.db import Base, enum_column, utcnow

__all__ = ["QPV", "QPVCommune", "Conseil", "ConseilQPV", "College", "Seat", "Membership", "AnimatorAssignment"]


class QPV(Base):
    """A quartier prioritaire, as listed by the State (ANCT)."""

    __tablename__ = "qpv"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(12), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    region_code: Mapped[str | None] = mapped_column(String(3))
    region_name: Mapped[str | None] = mapped_column(String(100))
    department_code: Mapped[str | None] = mapped_column(String(3))
    department_name: Mapped[str | None] = mapped_column(String(100))
    epci_siren: Mapped[str | None] = mapped_column(String(9))
    epci_name: Mapped[str | None] = mapped_column(String(200))
    imported_at: Mapped[datetime] = mapped_column(default=utcnow)

    communes: Mapped[list[QPVCommune]] = relationship(
        back_populates="qpv", cascade="all, delete-orphan", order_by="QPVCommune.position"
    )

    @property
    def commune_names(self) -> str:
        return ", ".join(commune.name for commune in self.communes)

    def __repr__(self) -> str:
        return f"<QPV {self.code}>"


class QPVCommune(Base):
    """One commune a QPV spans (a QPV may span several)."""

    __tablename__ = "qpv_commune"
    __table_args__ = (UniqueConstraint("qpv_id", "insee_code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    qpv_id: Mapped[int] = mapped_column(ForeignKey("qpv.id", ondelete="CASCADE"), index=True)
    insee_code: Mapped[str] = mapped_column(String(5))
    name: Mapped[str] = mapped_column(String(150))
    position: Mapped[int] = mapped_column(default=0)

    qpv: Mapped[QPV] = relationship(back_populates="communes")


class Conseil(Base):
    """The participatory body of one or more QPV, whatever its designation mode."""

    __tablename__ = "conseil"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    name: Mapped[str] = mapped_column(String(160))
    description: Mapped[str] = mapped_column(Text, default="")
    description_html: Mapped[str] = mapped_column(Text, default="")
    # Whether the habitants collège was drawn by lot (then women and men must be strictly equal).
    habitants_drawn_by_lot: Mapped[bool] = mapped_column(default=True)
    contact_email: Mapped[str | None] = mapped_column(String(320))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    archived_at: Mapped[datetime | None]

    qpv_links: Mapped[list[ConseilQPV]] = relationship(
        back_populates="conseil", cascade="all, delete-orphan"
    )
    memberships: Mapped[list[Membership]] = relationship(
        back_populates="conseil", cascade="all, delete-orphan"
    )
    animators: Mapped[list[AnimatorAssignment]] = relationship(
        back_populates="conseil", cascade="all, delete-orphan"
    )

    @property
    def qpvs(self) -> list[QPV]:
        return sorted((link.qpv for link in self.qpv_links), key=lambda qpv: qpv.code)

    def __repr__(self) -> str:
        return f"<Conseil {self.slug}>"


class ConseilQPV(Base):
    __tablename__ = "conseil_qpv"
    __table_args__ = (UniqueConstraint("conseil_id", "qpv_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    conseil_id: Mapped[int] = mapped_column(ForeignKey("conseil.id", ondelete="CASCADE"), index=True)
    qpv_id: Mapped[int] = mapped_column(ForeignKey("qpv.id", ondelete="RESTRICT"), index=True)

    conseil: Mapped[Conseil] = relationship(back_populates="qpv_links")
    qpv: Mapped[QPV] = relationship()


class College(enum.Enum):
    habitants = "habitants"
    acteurs_locaux = "acteurs_locaux"


class Seat(enum.Enum):
    titulaire = "titulaire"
    suppleant = "suppleant"


class Membership(Base):
    """A person's seat in a conseil. Ended memberships are kept (ended_on) for the record."""

    __tablename__ = "membership"

    id: Mapped[int] = mapped_column(primary_key=True)
    conseil_id: Mapped[int] = mapped_column(ForeignKey("conseil.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    college: Mapped[College] = mapped_column(enum_column(College))
    seat: Mapped[Seat] = mapped_column(enum_column(Seat))
    # As recorded for the draw by lot; used only for the parity warning.
    gender: Mapped[Gender | None] = mapped_column(enum_column(Gender, 16))
    drawn_by_lot: Mapped[bool] = mapped_column(default=False)
    organisation: Mapped[str | None] = mapped_column(String(160))
    listed_publicly: Mapped[bool] = mapped_column(default=False)
    started_on: Mapped[date]
    ended_on: Mapped[date | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    conseil: Mapped[Conseil] = relationship(back_populates="memberships")
    user: Mapped[User] = relationship()

    @property
    def is_current(self) -> bool:
        return self.ended_on is None


class AnimatorAssignment(Base):
    """A user who runs a conseil: moderates it and manages its workshops, consultations and minutes."""

    __tablename__ = "animator_assignment"
    __table_args__ = (UniqueConstraint("conseil_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    conseil_id: Mapped[int] = mapped_column(ForeignKey("conseil.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    conseil: Mapped[Conseil] = relationship(back_populates="animators")
    user: Mapped[User] = relationship()
