from __future__ import annotations

import pytest

from participation.consultations import policy, services
from participation.consultations.models import Audience
from participation.extensions import db
from tests.factories import make_consultation

# role: create, use the back office, manage the conseil's consultation, manage a territory-wide one,
#       export, moderate answers, see a draft
EXPECTED = {
    "visitor": (False, False, False, False, False, False, False),
    "unverified": (False, False, False, False, False, False, False),
    "habitant": (False, False, False, False, False, False, False),
    "member": (False, False, False, False, False, False, False),
    "animator": (True, True, True, False, True, True, True),
    "other_animator": (True, True, False, False, False, False, False),
    "project_lead": (True, True, False, True, True, True, True),
    "admin": (False, False, False, False, False, False, False),
}


@pytest.mark.parametrize("role", EXPECTED)
def test_back_office_policies_per_role(roles, role):
    user = roles.all()[role]
    of_conseil = make_consultation(roles.conseil, open_=False)
    territory_wide = make_consultation(None, open_=False)
    db.session.commit()
    assert (
        policy.can_create(user), policy.can_use_back_office(user), policy.can_manage(user, of_conseil),
        policy.can_manage(user, territory_wide), policy.can_export(user, of_conseil),
        policy.can_moderate_answers(user, of_conseil), policy.can_view(user, of_conseil),
    ) == EXPECTED[role]


# role: answer open-to-anyone (anonymous allowed), residents-only, members-only
ANSWER = {
    "visitor": (True, False, False),
    "unverified": (True, False, False),
    "habitant": (True, True, False),
    "member": (True, True, True),
    "animator": (True, True, False),
    "other_animator": (True, True, False),
    "project_lead": (True, True, False),
    "admin": (True, True, False),
}


@pytest.mark.parametrize("role", ANSWER)
def test_who_may_answer_per_role(roles, role):
    user = roles.all()[role]
    anyone = make_consultation(roles.conseil)
    residents = make_consultation(roles.conseil, audience=Audience.residents)
    members = make_consultation(roles.conseil, audience=Audience.members)
    db.session.commit()
    assert (policy.can_answer(user, anyone), policy.can_answer(user, residents),
            policy.can_answer(user, members)) == ANSWER[role]


@pytest.mark.parametrize("role", EXPECTED)
def test_results_are_public_once_closed_and_seen_by_the_team_before(roles, role):
    user = roles.all()[role]
    hidden_while_open = make_consultation(roles.conseil)
    shown_while_open = make_consultation(roles.conseil, results_while_open=True)
    closed = make_consultation(roles.conseil)
    services.close(closed)
    db.session.commit()
    team = role in ("animator", "project_lead")
    assert policy.can_see_results(user, hidden_while_open) is team
    assert policy.can_see_results(user, shown_while_open) is True
    assert policy.can_see_results(user, closed) is True


@pytest.mark.parametrize("role", EXPECTED)
def test_paper_answers_and_synthesis_are_for_the_team_of_the_conseil(roles, role):
    user = roles.all()[role]
    consultation = make_consultation(roles.conseil)
    draft = make_consultation(roles.conseil, open_=False)
    db.session.commit()
    assert policy.can_enter_paper_answers(user, consultation) is (role == "animator")
    assert policy.can_write_synthesis(user, consultation) is (role == "animator")
    assert policy.can_enter_paper_answers(user, draft) is False
    assert policy.can_write_synthesis(user, draft) is False
