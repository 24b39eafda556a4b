from __future__ import annotations

from datetime import timedelta

import pytest

from participation.extensions import db
from participation.workshops import policy

# role: (sign up, in one tap, animate workshops, create in conseil, manage, export contacts, attendance, conclusions)
EXPECTED = {
    "visitor": (True, False, False, False, False, False, False, False),
    "unverified": (True, False, False, False, False, False, False, False),
    "habitant": (True, True, False, False, False, False, False, False),
    "member": (True, True, False, False, False, False, False, False),
    "animator": (True, True, True, True, True, True, True, True),
    "other_animator": (True, True, True, False, False, False, False, False),
    "project_lead": (True, True, False, False, False, False, False, False),
    "admin": (True, True, False, False, False, False, False, False),
}


@pytest.mark.parametrize("role", EXPECTED)
def test_workshop_policies_per_role(roles, make_workshop, role):
    user = roles.all()[role]
    workshop = make_workshop(roles.conseil, starts_in=timedelta(hours=3))
    started = make_workshop(roles.conseil, starts_in=timedelta(hours=-1))
    db.session.commit()
    assert (
        policy.can_sign_up(user, workshop), policy.signs_up_in_one_tap(user), policy.can_animate_workshops(user),
        policy.can_create_workshop(user, roles.conseil), policy.can_manage_workshop(user, workshop),
        policy.can_export_contacts(user, workshop), policy.can_take_attendance(user, workshop),
        policy.can_write_conclusions(user, started),
    ) == EXPECTED[role]


@pytest.mark.parametrize("role", EXPECTED)
def test_nobody_signs_up_once_closed_or_cancelled(roles, make_workshop, role):
    from participation.db import utcnow

    user = roles.all()[role]
    closing = make_workshop(roles.conseil, starts_in=timedelta(hours=1), signup_close_minutes=120)
    cancelled = make_workshop(roles.conseil, cancelled_at=utcnow(), cancellation_reason="Pluie")
    past = make_workshop(roles.conseil, starts_in=timedelta(days=-2))
    for workshop in (closing, cancelled, past):
        assert not policy.can_sign_up(user, workshop)
    assert not policy.can_take_attendance(user, cancelled)
    assert not policy.can_write_conclusions(user, cancelled)
    assert not policy.can_write_conclusions(user, closing)  # not started yet
