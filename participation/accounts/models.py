"""Users and their platform-wide roles (per-conseil roles live in territory)."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import TYPE_CHECKING

from flask_login import UserMixin
from sqlalchemy import CheckConstraint, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from participation.db import Base, enum_column, utcnow

if TYPE_CHECKING:
    from participation.territory.models import QPV

__all__ = ["Gender", "PlatformRole", "RoleGrant", "User"]


class Gender(enum.Enum):
    woman = "woman"
    man = "man"
    other = "other"


class PlatformRole(enum.Enum):
    project_lead = "project_lead"  # chef de projet politique de la ville, territory-wide
    admin = "admin"


class User(UserMixin, Base):
    __tablename__ = "user_account"
    __table_args__ = (
        CheckConstraint("birth_year IS NULL OR birth_year BETWEEN 1900 AND 2100", name="birth_year_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # Stored lower-cased by the services, so uniqueness holds whatever the case; deleted accounts have none.
    email: Mapped[str | None] = mapped_column(String(320), unique=True)
    password_hash: Mapped[str | None] = mapped_column(String(255))
    display_name: Mapped[str] = mapped_column(String(80))
    locale: Mapped[str] = mapped_column(String(8), default="fr")
    qpv_id: Mapped[int | None] = mapped_column(ForeignKey("qpv.id", ondelete="SET NULL"))
    # Optional, given by the person for anonymous statistics (never shown on public pages).
    gender: Mapped[Gender | None] = mapped_column(enum_column(Gender, 16))
    birth_year: Mapped[int | None]
    notify_by_email: Mapped[bool] = mapped_column(default=True)
    email_verified_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_login_at: Mapped[datetime | None]
    deleted_at: Mapped[datetime | None]
    # Changes when the password changes: signs reset links and ends other sessions.
    session_token: Mapped[str] = mapped_column(String(64))

    qpv: Mapped[QPV | None] = relationship()
    role_grants: Mapped[list[RoleGrant]] = relationship(
        back_populates="user", cascade="all, delete-orphan", passive_deletes=True,
        foreign_keys="RoleGrant.user_id",
    )

    @property
    def is_active(self) -> bool:  # type: ignore[override]
        return self.deleted_at is None

    @property
    def is_verified(self) -> bool:
        return self.email_verified_at is not None

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None

    def get_id(self) -> str:
        return f"{self.id}:{self.session_token}"

    def has_role(self, role: PlatformRole) -> bool:
        return any(grant.role == role for grant in self.role_grants)

    @property
    def is_admin(self) -> bool:
        return self.has_role(PlatformRole.admin)

    @property
    def is_project_lead(self) -> bool:
        return self.has_role(PlatformRole.project_lead)

    def __repr__(self) -> str:
        return f"<User {self.id} {self.display_name!r}>"


class RoleGrant(Base):
    """A platform-wide role given to a user by an admin."""

    __tablename__ = "role_grant"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    role: Mapped[PlatformRole] = mapped_column(enum_column(PlatformRole))
    granted_at: Mapped[datetime] = mapped_column(default=utcnow)
    granted_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))

    user: Mapped[User] = relationship(back_populates="role_grants", foreign_keys=[user_id])

    __table_args__ = (
        Index("uq_role_grant_user_role", "user_id", "role", unique=True),
    )
