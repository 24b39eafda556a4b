"""Who may do what with consultations."""

from __future__ import annotations

from typing import Any

from participation.accounts.policy import is_project_lead
from participation.consultations.models import Consultation, Phase
from participation.territory.policy import animates_any, is_animator_of


def can_create(user: Any) -> bool:
    """Animators (for their conseils) and the chef de projet (territory-wide) build consultations."""
    return animates_any(user) or is_project_lead(user)


def can_use_back_office(user: Any) -> bool:
    return can_create(user)


def can_manage(user: Any, consultation: Consultation) -> bool:
    """Build, open, close, type in paper answers, write the synthesis: the animators of its conseil, or the
    chef de projet when it is territory-wide."""
    if consultation.conseil_id is None:
        return is_project_lead(user)
    return consultation.conseil is not None and is_animator_of(user, consultation.conseil)


def can_view(user: Any, consultation: Consultation) -> bool:
    """Published consultations are public; drafts are seen by those who run them."""
    return consultation.is_published or can_manage(user, consultation) or is_project_lead(user)


def can_answer(user: Any, consultation: Consultation) -> bool:
    from participation.consultations.services import refusal

    return refusal(consultation, user) is None


def can_see_results(user: Any, consultation: Consultation) -> bool:
    """Everyone once closed, or while open if so chosen; the team and the chef de projet at any time."""
    phase = consultation.phase()
    if phase == Phase.closed or (phase == Phase.open and consultation.results_while_open):
        return True
    return can_manage(user, consultation) or is_project_lead(user)


def can_moderate_answers(user: Any, consultation: Consultation) -> bool:
    """Hide (and show again) a free-text answer that identifies someone."""
    return can_manage(user, consultation) or is_project_lead(user)


def can_export(user: Any, consultation: Consultation) -> bool:
    """Aggregated results and raw answers as spreadsheets: the chef de projet, and the team that runs it."""
    return is_project_lead(user) or can_manage(user, consultation)


def can_enter_paper_answers(user: Any, consultation: Consultation) -> bool:
    from participation.consultations.services import can_take_paper_answers

    return can_manage(user, consultation) and can_take_paper_answers(consultation)


def can_write_synthesis(user: Any, consultation: Consultation) -> bool:
    return can_manage(user, consultation) and consultation.is_published
