"""Who may moderate: the animators of a conseil for its content, the chef de projet everywhere."""

from __future__ import annotations

from typing import Any

from participation.accounts.policy import is_project_lead, is_signed_in
from participation.territory.policy import animates_any, is_animator_of


def can_moderate(user: Any, conseil: Any) -> bool:
    """Hide, restore, approve the content of this conseil and change its moderation settings."""
    if is_project_lead(user):
        return True
    return conseil is not None and is_animator_of(user, conseil)


def can_see_queue(user: Any) -> bool:
    """The moderation queue: whoever moderates at least one conseil."""
    return is_project_lead(user) or animates_any(user)


def can_report(user: Any, author: Any) -> bool:
    """Anyone signed in may report content, except their own."""
    return is_signed_in(user) and (author is None or author.id != user.id)


def can_appeal(user: Any, decision: Any, author: Any) -> bool:
    """The author of hidden content may ask for a second review of the latest decision to hide it."""
    from participation.moderation.services import can_be_appealed

    return is_signed_in(user) and author is not None and author.id == user.id and can_be_appealed(decision)


def can_review_appeal(user: Any, appeal: Any) -> bool:
    """Another moderator than the one who decided: another animator of the conseil or the chef de projet."""
    if appeal.decision.moderator_id is not None and is_signed_in(user) and appeal.decision.moderator_id == user.id:
        return False
    if is_project_lead(user):
        return True
    return appeal.conseil_id is not None and is_signed_in(user) and _animates_id(user, appeal.conseil_id)


def can_see_audit_log(user: Any) -> bool:
    """Who did what, when and why: the chef de projet."""
    return is_project_lead(user)


def _animates_id(user: Any, conseil_id: int) -> bool:
    from participation.territory.services import roles_of

    return conseil_id in roles_of(user).animator_of
