from __future__ import annotations

import pytest

from participation.contract import policy
from participation.reporting import policy as reporting_policy

# role: (answer/link a contribution of the conseil, manage contributions, edit contract, open round,
#        record the conseil's opinion, see dashboard, export personal data)
EXPECTED = {
    "visitor": (False, False, False, False, False, False, False),
    "unverified": (False, False, False, False, False, False, False),
    "habitant": (False, False, False, False, False, False, False),
    "member": (False, False, False, False, False, False, False),
    "animator": (True, True, False, False, True, True, False),
    "other_animator": (False, True, False, False, False, True, False),
    "project_lead": (True, True, True, True, True, True, True),
    "admin": (False, False, False, False, False, False, False),
}


@pytest.mark.parametrize("role", EXPECTED)
def test_contract_and_reporting_policies_per_role(roles, role, make_contribution):
    user = roles.all()[role]
    contribution = make_contribution(roles.conseil)
    got = (
        policy.can_answer(user, contribution) and policy.can_link(user, contribution)
        and policy.can_record_event(user, contribution),
        policy.can_manage_contributions(user), policy.can_edit_contract(user), policy.can_open_round(user),
        policy.can_record_opinion(user, roles.conseil), reporting_policy.can_see_dashboard(user),
        reporting_policy.can_export_personal_data(user) and reporting_policy.can_export_annex(user),
    )
    assert got == EXPECTED[role]
