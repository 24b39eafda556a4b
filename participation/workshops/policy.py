"""Who may do what with workshops: anyone signs up (guests too), the conseil's animators run them."""

from __future__ import annotations

from typing import Any

from participation.accounts.policy import is_habitant
from participation.territory.policy import animates_any, is_animator_of


def can_sign_up(user: Any, workshop: Any) -> bool:
    """Anyone, with or without an account, while sign-ups are open."""
    return workshop.signups_open()


def signs_up_in_one_tap(user: Any) -> bool:
    """Residents with a verified account sign up as themselves; others fill in the guest form."""
    return is_habitant(user)


def can_animate_workshops(user: Any) -> bool:
    """The back-office list of workshops: animators of at least one conseil."""
    return animates_any(user)


def can_create_workshop(user: Any, conseil: Any) -> bool:
    return is_animator_of(user, conseil)


def can_manage_workshop(user: Any, workshop: Any) -> bool:
    """Edit, cancel, see the registrations and their needs, take attendance: the conseil's animators."""
    return is_animator_of(user, workshop.conseil)


def can_export_contacts(user: Any, workshop: Any) -> bool:
    """E-mails and phone numbers in an export (logged): the conseil's animators."""
    return can_manage_workshop(user, workshop)


def can_take_attendance(user: Any, workshop: Any) -> bool:
    return can_manage_workshop(user, workshop) and not workshop.is_cancelled


def can_write_conclusions(user: Any, workshop: Any) -> bool:
    """Once the workshop has started and unless it was cancelled."""
    return can_manage_workshop(user, workshop) and not workshop.is_cancelled and workshop.has_started()
