"""Who sees the dashboard and may download what."""

from __future__ import annotations

from typing import Any

from participation.accounts.policy import is_project_lead
from participation.territory.policy import animates_any, is_animator_of


def can_see_dashboard(user: Any) -> bool:
    """The chef de projet sees the whole territory; an animator sees the part of their conseils."""
    return is_project_lead(user) or animates_any(user)


def can_see_territory(user: Any) -> bool:
    return is_project_lead(user)


def can_see_conseil_figures(user: Any, conseil: Any) -> bool:
    return is_project_lead(user) or is_animator_of(user, conseil)


def can_export_personal_data(user: Any) -> bool:
    """Exports that hold personal data (names in timelines): the chef de projet only, and they are logged."""
    return is_project_lead(user)


def can_export_annex(user: Any) -> bool:
    """The annex of the annual report is the chef de projet's document."""
    return is_project_lead(user)
