"""Who may do what with accounts and platform settings."""

from __future__ import annotations

from typing import Any


def is_signed_in(user: Any) -> bool:
    return bool(user is not None and user.is_authenticated)


def is_habitant(user: Any) -> bool:
    """A registered person whose e-mail address is verified."""
    return is_signed_in(user) and user.is_verified


def is_admin(user: Any) -> bool:
    return is_signed_in(user) and user.is_admin


def is_project_lead(user: Any) -> bool:
    return is_signed_in(user) and user.is_project_lead


def can_administer(user: Any) -> bool:
    """Settings, users and roles, QPV import."""
    return is_admin(user)
