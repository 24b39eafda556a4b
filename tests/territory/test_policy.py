from __future__ import annotations

import pytest

from participation.territory import policy

# role: (member of the conseil, animator of the conseil, can manage conseils, sees the full composition)
EXPECTED = {
    "visitor": (False, False, False, False),
    "unverified": (False, False, False, False),
    "habitant": (False, False, False, False),
    "member": (True, False, False, False),
    "animator": (False, True, False, True),
    "other_animator": (False, False, False, False),
    "project_lead": (False, False, False, True),
    "admin": (False, False, True, True),
}


@pytest.mark.parametrize("role", EXPECTED)
def test_territory_policies_per_role(roles, role):
    user = roles.all()[role]
    conseil = roles.conseil
    assert (
        policy.is_member_of(user, conseil), policy.is_animator_of(user, conseil),
        policy.can_manage_conseils(user), policy.can_see_composition(user, conseil),
    ) == EXPECTED[role]
