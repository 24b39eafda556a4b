from __future__ import annotations

from datetime import timedelta

import pytest

from participation.db import utcnow
from participation.extensions import db
from participation.minutes import policy, services
from participation.minutes.models import ApprovalMode

ROLES = ("visitor", "unverified", "habitant", "member", "animator", "other_animator", "project_lead", "admin")


def _row(*allowed: str) -> dict[str, bool]:
    return {role: role in allowed for role in ROLES}


# predicate: who may, per status of the minutes (draft, in review, approved, published)
EXPECTED = {
    "can_see_internal": {status: _row("member", "animator", "project_lead") for status in
                         ("draft", "in_review", "approved", "published")},
    "can_read": {"draft": _row("member", "animator", "project_lead"),
                 "in_review": _row("member", "animator", "project_lead"),
                 "approved": _row("member", "animator", "project_lead"),
                 "published": _row(*ROLES)},
    "can_edit": {"draft": _row("animator"), "in_review": _row("animator"), "approved": _row(),
                 "published": _row("animator")},
    "can_comment": {"draft": _row(), "in_review": _row("member", "animator"), "approved": _row(),
                    "published": _row()},
    "can_send_to_review": {"draft": _row("animator"), "in_review": _row(), "approved": _row(), "published": _row()},
    "can_accept_wording": {"draft": _row("animator"), "in_review": _row("animator"), "approved": _row(),
                           "published": _row()},
    "can_approve": {"draft": _row(), "in_review": _row("animator"), "approved": _row(), "published": _row()},
    "can_publish": {"draft": _row(), "in_review": _row(), "approved": _row("animator"), "published": _row()},
    "can_redact": {"draft": _row("animator"), "in_review": _row("animator"), "approved": _row(),
                   "published": _row("animator")},
    "can_mark_contribution": {"draft": _row(), "in_review": _row(), "approved": _row("animator"),
                              "published": _row("animator")},
    "can_follow_up_actions": {status: _row("animator") for status in ("draft", "in_review", "approved", "published")},
    "can_choose_name": {status: _row("member") for status in ("draft", "in_review", "approved", "published")},
}


@pytest.fixture
def minutes_by_status(roles, make_meeting, make_decision):
    by_status = {}
    for status in ("draft", "in_review", "approved", "published"):
        meeting = make_meeting(roles.conseil, roles.animator, title=f"Réunion {status}")
        minutes = meeting.minutes
        if status != "draft":
            make_decision(meeting, roles.animator)
            services.send_to_review(minutes, roles.animator, now=utcnow() - timedelta(days=1))
            if status != "in_review":
                services.approve(minutes, services.ApprovalData(ApprovalMode.vote), roles.animator)
            if status == "published":
                services.publish(minutes, roles.animator)
        by_status[status] = minutes
    db.session.commit()
    return by_status


@pytest.mark.parametrize("role", ROLES)
def test_minutes_policies_per_role_and_status(roles, minutes_by_status, role):
    user = roles.all()[role]
    for predicate, expected in EXPECTED.items():
        check = getattr(policy, predicate)
        for status, minutes in minutes_by_status.items():
            assert check(user, minutes) == expected[status][role], (predicate, role, status)


@pytest.mark.parametrize("role", ROLES)
def test_meeting_management_is_for_the_conseil_s_animators(roles, role):
    user = roles.all()[role]
    assert policy.can_manage_meetings(user, roles.conseil) == (role == "animator")
    assert policy.can_manage_meetings(user, roles.other_conseil) == (role == "other_animator")
    assert policy.can_use_back_office(user) == (role in ("animator", "other_animator"))


def test_comments_close_with_the_review_period(roles, minutes_by_status):
    minutes = minutes_by_status["in_review"]
    minutes.review_ends_at = utcnow() - timedelta(minutes=1)
    assert not policy.can_comment(roles.member, minutes)
    assert not policy.can_comment(roles.animator, minutes)
