from __future__ import annotations

import pytest

from participation.accounts import policy

EXPECTED = {
    # role: (is_habitant, can_administer)
    "visitor": (False, False),
    "unverified": (False, False),
    "habitant": (True, False),
    "member": (True, False),
    "animator": (True, False),
    "other_animator": (True, False),
    "project_lead": (True, False),
    "admin": (True, True),
}


@pytest.mark.parametrize("role", EXPECTED)
def test_account_policies_per_role(roles, role):
    user = roles.all()[role]
    assert (policy.is_habitant(user), policy.can_administer(user)) == EXPECTED[role]
