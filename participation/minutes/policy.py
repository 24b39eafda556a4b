"""Who may see, review, edit, approve and publish the minutes of a conseil's meetings.

Drafts and review comments stay inside the conseil: its members, its animators and the chef de
projet. Only the conseil's animators write, approve and publish; published minutes are never edited
in place (a correction is a new revision with a reason, which the services enforce).
"""

from __future__ import annotations

from typing import Any

from participation.accounts.policy import is_project_lead
from participation.minutes.models import Minutes, MinutesStatus
from participation.territory.policy import animates_any, is_animator_of, is_member_of


def can_use_back_office(user: Any) -> bool:
    """The meetings pages under /animation: anyone who animates a conseil."""
    return animates_any(user)


def can_manage_meetings(user: Any, conseil: Any) -> bool:
    """Create meetings, record attendance, write and approve minutes, set the quorum rule: its animators."""
    return is_animator_of(user, conseil)


def can_see_internal(user: Any, minutes: Minutes) -> bool:
    """Drafts, every revision and the review comments: members and animators of the conseil, the chef de projet."""
    return is_member_of(user, minutes.conseil) or is_animator_of(user, minutes.conseil) or is_project_lead(user)


def can_read(user: Any, minutes: Minutes) -> bool:
    """The public version: everyone once published, else only those who see the internal version."""
    return minutes.status == MinutesStatus.published or can_see_internal(user, minutes)


def can_edit(user: Any, minutes: Minutes) -> bool:
    """Write the minutes: animators, while draft or in review, or to correct them once published (with a reason)."""
    return is_animator_of(user, minutes.conseil) and minutes.status != MinutesStatus.approved


def can_comment(user: Any, minutes: Minutes) -> bool:
    """Comment or propose a wording: members and animators of the conseil, while the minutes are in review."""
    from participation.minutes.services import review_open

    if not (is_member_of(user, minutes.conseil) or is_animator_of(user, minutes.conseil)):
        return False
    return review_open(minutes)


def can_send_to_review(user: Any, minutes: Minutes) -> bool:
    return is_animator_of(user, minutes.conseil) and minutes.status == MinutesStatus.draft


def can_accept_wording(user: Any, minutes: Minutes) -> bool:
    return is_animator_of(user, minutes.conseil) and minutes.status in (MinutesStatus.draft, MinutesStatus.in_review)


def can_approve(user: Any, minutes: Minutes) -> bool:
    return is_animator_of(user, minutes.conseil) and minutes.status == MinutesStatus.in_review


def can_publish(user: Any, minutes: Minutes) -> bool:
    return is_animator_of(user, minutes.conseil) and minutes.status == MinutesStatus.approved


def can_redact(user: Any, minutes: Minutes) -> bool:
    return is_animator_of(user, minutes.conseil) and minutes.status != MinutesStatus.approved


def can_follow_up_actions(user: Any, minutes: Minutes) -> bool:
    """Update the status of action items (a follow-up, not an edit of the minutes): the animators."""
    return is_animator_of(user, minutes.conseil)


def can_mark_contribution(user: Any, minutes: Minutes) -> bool:
    """Send a decision or opinion to the contract's follow-up: animators, once the minutes are approved."""
    return is_animator_of(user, minutes.conseil) and minutes.status in (MinutesStatus.approved,
                                                                        MinutesStatus.published)


def can_choose_name(user: Any, minutes: Minutes) -> bool:
    """How one is named in published minutes: the members of the conseil."""
    return is_member_of(user, minutes.conseil)
