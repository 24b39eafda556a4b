"""Workshops (ateliers) of the conseils citoyens, the registrations to them, their waitlist and attendance."""

from __future__ import annotations

import enum
from datetime import datetime, timedelta

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from participation.accounts.models import User
from participation.db import Base, enum_column, utcnow
from participation.territory.models import QPV, Conseil

__all__ = ["AccessNeed", "Attendance", "RegistrationStatus", "Theme", "Workshop", "WorkshopRegistration",
           "WorkshopTimes"]


class Theme(enum.Enum):
    living_environment = "living_environment"
    urban_renewal = "urban_renewal"
    social_cohesion = "social_cohesion"
    employment = "employment"
    education = "education"
    youth = "youth"
    health = "health"
    safety = "safety"
    culture_sport = "culture_sport"
    contract = "contract"


class RegistrationStatus(enum.Enum):
    confirmed = "confirmed"
    waitlisted = "waitlisted"
    cancelled = "cancelled"


class Attendance(enum.Enum):
    present = "present"
    absent = "absent"


class AccessNeed(enum.Enum):
    wheelchair = "wheelchair"
    hearing = "hearing"
    sight = "sight"
    other = "other"


class WorkshopTimes:
    """The seat and date rules of a workshop, shared by the model and the rows of the lists (``display.py``).

    Needs ``cancelled_at``, ``capacity``, ``confirmed_seats``, ``starts_at``, ``ends_at`` and
    ``signup_close_minutes``.
    """

    @property
    def is_cancelled(self) -> bool:
        return self.cancelled_at is not None

    @property
    def remaining_seats(self) -> int:
        return max(self.capacity - self.confirmed_seats, 0)

    @property
    def signups_close_at(self) -> datetime:
        return self.starts_at - timedelta(minutes=self.signup_close_minutes)

    def has_started(self, now: datetime | None = None) -> bool:
        return (now or utcnow()) >= self.starts_at

    def is_over(self, now: datetime | None = None) -> bool:
        return (now or utcnow()) >= self.ends_at

    def signups_open(self, now: datetime | None = None) -> bool:
        return not self.is_cancelled and (now or utcnow()) < self.signups_close_at


class Workshop(WorkshopTimes, Base):
    """An atelier organised by a conseil citoyen, open to residents within a number of seats.

    ``confirmed_seats`` and ``waitlist_count`` are counters kept in the same transaction as the
    registrations they count, under a lock on this row (see services.lock_workshop).
    """

    __tablename__ = "workshop"
    __table_args__ = (
        CheckConstraint("capacity > 0", name="capacity_positive"),
        CheckConstraint("confirmed_seats >= 0 AND confirmed_seats <= capacity", name="no_overbooking"),
        CheckConstraint("waitlist_count >= 0", name="waitlist_count_positive"),
        CheckConstraint("ends_at > starts_at", name="ends_after_start"),
        CheckConstraint("signup_close_minutes >= 0", name="signup_close_positive"),
        Index("ix_workshop_conseil_starts", "conseil_id", "starts_at"),
        Index("ix_workshop_ends_at", "ends_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    conseil_id: Mapped[int] = mapped_column(ForeignKey("conseil.id", ondelete="CASCADE"))
    qpv_id: Mapped[int | None] = mapped_column(ForeignKey("qpv.id", ondelete="SET NULL"), index=True)
    theme: Mapped[Theme] = mapped_column(enum_column(Theme))
    title: Mapped[str] = mapped_column(String(160))
    description: Mapped[str] = mapped_column(Text, default="")
    description_html: Mapped[str] = mapped_column(Text, default="")
    starts_at: Mapped[datetime] = mapped_column(index=True)
    ends_at: Mapped[datetime]
    place: Mapped[str] = mapped_column(String(160))
    address: Mapped[str] = mapped_column(String(300))
    directions: Mapped[str] = mapped_column(Text, default="")
    accessibility_info: Mapped[str] = mapped_column(Text, default="")
    step_free_access: Mapped[bool] = mapped_column(default=False)
    offers_childcare: Mapped[bool] = mapped_column(default=False)
    offers_interpreting: Mapped[bool] = mapped_column(default=False)
    interpreting_languages: Mapped[str] = mapped_column(String(200), default="")
    offers_meal: Mapped[bool] = mapped_column(default=False)
    capacity: Mapped[int]
    # Sign-ups close this many minutes before the start.
    signup_close_minutes: Mapped[int] = mapped_column(default=120)
    confirmed_seats: Mapped[int] = mapped_column(default=0, server_default=text("0"))
    waitlist_count: Mapped[int] = mapped_column(default=0, server_default=text("0"))
    cancelled_at: Mapped[datetime | None]
    cancellation_reason: Mapped[str | None] = mapped_column(Text)
    # RFC 5545 SEQUENCE: raised when the date, the place or the status changes.
    sequence: Mapped[int] = mapped_column(default=0)
    conclusions: Mapped[str] = mapped_column(Text, default="")
    conclusions_html: Mapped[str] = mapped_column(Text, default="")
    conclusions_updated_at: Mapped[datetime | None]
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)

    conseil: Mapped[Conseil] = relationship()
    qpv: Mapped[QPV | None] = relationship()
    created_by: Mapped[User | None] = relationship()
    registrations: Mapped[list[WorkshopRegistration]] = relationship(
        back_populates="workshop", cascade="all, delete-orphan", passive_deletes=True,
        order_by="WorkshopRegistration.id",
    )

    def __repr__(self) -> str:
        return f"<Workshop {self.id} {self.title!r}>"


class WorkshopRegistration(Base):
    """One person's sign-up to a workshop, with the companions they bring and what they need.

    Guests leave a name and an e-mail or a phone number; residents with an account are linked by
    ``user_id``. Only the SHA-256 of the private management token is stored. After the purge delay
    the personal fields are emptied and ``anonymized_at`` set: the counts stay for reporting.
    """

    __tablename__ = "workshop_registration"
    __table_args__ = (
        CheckConstraint("adults >= 0 AND children >= 0", name="companions_positive"),
        CheckConstraint("seats = 1 + adults + children", name="seats_match_companions"),
        CheckConstraint("childcare_children >= 0 AND childcare_children <= children", name="childcare_range"),
        Index("ix_workshop_registration_queue", "workshop_id", "status", "id"),
        # A resident has at most one registration that is not cancelled per workshop.
        Index("uq_workshop_registration_active_user", "workshop_id", "user_id", unique=True,
              sqlite_where=text("status != 'cancelled'"), postgresql_where=text("status != 'cancelled'")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    workshop_id: Mapped[int] = mapped_column(ForeignKey("workshop.id", ondelete="CASCADE"))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"), index=True)
    name: Mapped[str | None] = mapped_column(String(80))
    email: Mapped[str | None] = mapped_column(String(320), index=True)
    phone: Mapped[str | None] = mapped_column(String(32))
    locale: Mapped[str] = mapped_column(String(8), default="fr")
    adults: Mapped[int] = mapped_column(default=0)
    children: Mapped[int] = mapped_column(default=0)
    seats: Mapped[int] = mapped_column(default=1)
    childcare_children: Mapped[int] = mapped_column(default=0)
    interpreting_language: Mapped[str | None] = mapped_column(String(60))
    access_need: Mapped[AccessNeed | None] = mapped_column(enum_column(AccessNeed))
    access_details: Mapped[str | None] = mapped_column(String(300))
    news_opt_in: Mapped[bool] = mapped_column(default=False)
    status: Mapped[RegistrationStatus] = mapped_column(enum_column(RegistrationStatus))
    attendance: Mapped[Attendance | None] = mapped_column(enum_column(Attendance))
    token_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    confirmed_at: Mapped[datetime | None]
    cancelled_at: Mapped[datetime | None]
    anonymized_at: Mapped[datetime | None]

    workshop: Mapped[Workshop] = relationship(back_populates="registrations")
    user: Mapped[User | None] = relationship()

    @property
    def is_active(self) -> bool:
        return self.status != RegistrationStatus.cancelled

    @property
    def contact_email(self) -> str | None:
        if self.user is not None:
            return self.user.email
        return self.email

    @property
    def contact_locale(self) -> str:
        return self.user.locale if self.user is not None else self.locale

    @property
    def shown_name(self) -> str:
        if self.user is not None:
            return self.user.display_name
        return self.name or ""

    def __repr__(self) -> str:
        return f"<WorkshopRegistration {self.id} {self.status.value}>"
