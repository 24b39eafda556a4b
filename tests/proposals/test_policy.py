"""The role matrix of DESIGN.md §2 for every proposal predicate (the author is the habitant)."""

from __future__ import annotations

import pytest

from participation.extensions import db
from participation.proposals import policy, services
from participation.proposals.models import Phase, ProposalState

ROLES = ["visitor", "unverified", "habitant", "member", "animator", "other_animator", "project_lead", "admin"]


def matrix(*allowed: str) -> dict[str, bool]:
    return {role: role in allowed for role in ROLES}


VERIFIED = ("habitant", "member", "animator", "other_animator", "project_lead", "admin")
TEAM = ("animator", "project_lead")

EXPECTED = {
    "can_take_part": matrix(*VERIFIED),
    "can_propose": matrix(*VERIFIED),
    "can_view": matrix(*ROLES),
    "can_view_hidden": matrix("habitant", *TEAM),
    "can_edit": matrix("habitant"),
    "can_withdraw": matrix("habitant"),
    "can_support": matrix("member", "animator", "other_animator", "project_lead", "admin"),
    "can_support_when_closed": matrix(),
    "can_withdraw_support": matrix(*VERIFIED),
    "is_invited_to_sign_in_to_support": matrix("visitor"),
    "is_invited_to_sign_in_to_support_when_closed": matrix(),
    "can_comment": matrix(*VERIFIED),
    "can_report": matrix("unverified", "member", "animator", "other_animator", "project_lead", "admin"),
    "can_moderate_proposal": matrix(*TEAM),
    "can_set_status": matrix(*TEAM),
    "can_enter_on_behalf": matrix("animator"),
    "can_enter_on_behalf_anywhere": matrix("animator", "other_animator"),
    "can_record_assisted_support": matrix("animator"),
    "can_record_assisted_support_when_closed": matrix(),
    "can_record_assisted_support_when_withdrawn": matrix(),
    "can_configure": matrix(*TEAM),
    "can_configure_any": matrix("animator", "other_animator", "project_lead"),
}


@pytest.fixture
def proposal(roles, make_proposal):
    return make_proposal(roles.habitant, roles.conseil)


def evaluate(name, user, proposal, roles, set_rules):
    if name == "can_view_hidden":
        services.hide_proposal(proposal)
        return policy.can_view(user, proposal)
    if name == "can_support_when_closed":
        set_rules(roles.conseil, phase=Phase.closed)
        db.session.expire(proposal)
        return policy.can_support(user, proposal)
    if name == "is_invited_to_sign_in_to_support_when_closed":
        set_rules(roles.conseil, phase=Phase.closed)
        db.session.expire(proposal)
        return policy.is_invited_to_sign_in_to_support(user, proposal)
    if name == "can_record_assisted_support_when_closed":
        set_rules(roles.conseil, phase=Phase.closed)
        db.session.expire(proposal)
        return policy.can_record_assisted_support(user, proposal)
    if name == "can_record_assisted_support_when_withdrawn":
        if proposal.state == ProposalState.published:  # once, for the first role asked
            services.withdraw_proposal(proposal, roles.habitant)
        return policy.can_record_assisted_support(user, proposal)
    if name in ("can_take_part", "can_propose", "can_enter_on_behalf_anywhere", "can_configure_any"):
        return getattr(policy, name)(user)
    if name in ("can_enter_on_behalf", "can_configure"):
        return getattr(policy, name)(user, roles.conseil)
    if name == "can_report":
        return policy.can_report(user, proposal.author)
    return getattr(policy, name)(user, proposal)


@pytest.mark.parametrize("name", EXPECTED)
def test_proposal_policies_per_role(roles, proposal, set_rules, name):
    got = {role: evaluate(name, user, proposal, roles, set_rules) for role, user in roles.all().items()}
    assert got == EXPECTED[name]


def test_the_author_may_no_longer_edit_after_the_first_support(roles, proposal):
    assert policy.can_edit(roles.habitant, proposal)
    services.support(proposal, roles.member)
    assert not policy.can_edit(roles.habitant, proposal)
    assert policy.can_withdraw(roles.habitant, proposal)


def test_who_shares_the_kept_view_of_the_comments(roles, proposal, make_comment):
    # Visitors see the public copy; signed-in readers who neither moderate nor commented share one, with reply
    # forms if they may comment; the team and the authors of a comment get theirs built for them.
    make_comment(proposal, roles.member, "Un avis")
    got = {role: policy.comments_audience(user, proposal) for role, user in roles.all().items()}
    assert got == {"visitor": "public", "unverified": "reader", "habitant": "may_reply", "member": None,
                   "animator": None, "other_animator": "may_reply", "project_lead": None, "admin": "may_reply"}
    # Whether the reader commented, when the page already read it, counts as if read by the rule itself.
    assert policy.comments_audience(roles.habitant, proposal, commented=True) is None
    assert policy.comments_audience(roles.member, proposal, commented=False) == "may_reply"
