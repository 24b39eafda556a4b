"""Who may act on contributions and the contract."""

from __future__ import annotations

from typing import Any

from participation.accounts.policy import is_project_lead
from participation.territory.policy import is_animator_of


def can_answer(user: Any, contribution: Any) -> bool:
    """The official answer and status: the chef de projet, or an animator of the conseil it came from."""
    if is_project_lead(user):
        return True
    return contribution.conseil is not None and is_animator_of(user, contribution.conseil)
