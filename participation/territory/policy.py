"""Who may do what with conseils citoyens and their members."""

from __future__ import annotations

from typing import Any

from participation.accounts.policy import is_admin, is_habitant, is_project_lead, is_signed_in
from participation.territory.services import roles_of

__all__ = ["is_member_of", "is_animator_of", "animates_any", "can_manage_conseils", "can_see_composition",
           "is_habitant", "is_project_lead"]


def is_member_of(user: Any, conseil: Any) -> bool:
    return is_signed_in(user) and conseil.id in roles_of(user).member_of


def is_animator_of(user: Any, conseil: Any) -> bool:
    return is_signed_in(user) and conseil.id in roles_of(user).animator_of


def animates_any(user: Any) -> bool:
    return is_signed_in(user) and bool(roles_of(user).animator_of)


def can_manage_conseils(user: Any) -> bool:
    """Create conseils, attach QPV, add members and animators: the admin."""
    return is_admin(user)


def can_see_composition(user: Any, conseil: Any) -> bool:
    """All current members and the composition warnings: the conseil's team and the territory's staff."""
    return is_admin(user) or is_project_lead(user) or is_animator_of(user, conseil)
