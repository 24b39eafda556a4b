"""Who may act on contributions, the contract and the annual report round."""

from __future__ import annotations

from typing import Any

from participation.accounts.policy import is_project_lead
from participation.territory.policy import animates_any, is_animator_of


def can_answer(user: Any, contribution: Any) -> bool:
    """The official answer and status: the chef de projet, or an animator of the conseil it came from."""
    if is_project_lead(user):
        return True
    return contribution.conseil is not None and is_animator_of(user, contribution.conseil)


def can_link(user: Any, contribution: Any) -> bool:
    """Link a contribution to the contract: the chef de projet, or an animator of its conseil."""
    return can_answer(user, contribution)


def can_record_event(user: Any, contribution: Any) -> bool:
    """Add a dated event or a correction to the timeline: the same people who answer."""
    return can_answer(user, contribution)


def can_manage_contributions(user: Any) -> bool:
    """The back-office list of contributions: the chef de projet and animators (theirs only)."""
    return is_project_lead(user) or animates_any(user)


def can_see_all_contributions(user: Any) -> bool:
    return is_project_lead(user)


def can_edit_contract(user: Any) -> bool:
    """Enter the contrat de ville and its tree, by form or import: the chef de projet."""
    return is_project_lead(user)


def can_open_round(user: Any) -> bool:
    """Open an annual report round and record the follow-up of observations: the chef de projet."""
    return is_project_lead(user)


def can_follow_up(user: Any) -> bool:
    return is_project_lead(user)


def can_see_rounds(user: Any) -> bool:
    return is_project_lead(user) or animates_any(user)


def can_record_opinion(user: Any, conseil: Any) -> bool:
    """Record a conseil's opinion on the annual report: its animators, or the chef de projet for it."""
    return is_project_lead(user) or is_animator_of(user, conseil)
