"""The role matrix for moderation: the conseil's animators, the chef de projet everywhere, appeals elsewhere."""

from __future__ import annotations

import pytest

from participation.moderation import policy, services
from tests.proposals.test_policy import ROLES, matrix

EXPECTED = {
    "can_moderate": matrix("animator", "project_lead"),
    "can_moderate_other_conseil": matrix("other_animator", "project_lead"),
    "can_see_queue": matrix("animator", "other_animator", "project_lead"),
    "can_report": matrix("unverified", "member", "animator", "other_animator", "project_lead", "admin"),
    "can_appeal": matrix("habitant"),
    "can_review_appeal": matrix("project_lead"),
    "can_see_audit_log": matrix("project_lead"),
}


@pytest.fixture
def hidden_comment(roles, make_proposal, make_comment):
    proposal = make_proposal(roles.member, roles.conseil)
    comment = make_comment(proposal, roles.habitant, "Un commentaire déplacé")
    decision = services.hide(roles.animator, "proposal_comment", comment, "Propos déplacés")
    return comment, decision


def evaluate(name, user, roles, hidden_comment):
    comment, decision = hidden_comment
    if name == "can_moderate":
        return policy.can_moderate(user, roles.conseil)
    if name == "can_moderate_other_conseil":
        return policy.can_moderate(user, roles.other_conseil)
    if name in ("can_see_queue", "can_see_audit_log"):
        return getattr(policy, name)(user)
    if name == "can_report":
        return policy.can_report(user, comment.author)
    if name == "can_appeal":
        return policy.can_appeal(user, decision, comment.author)
    appeal = services.appeal_for("proposal_comment", comment.id, roles.habitant.id) or services.file_appeal(
        roles.habitant, decision, "Je ne visais personne.")
    return policy.can_review_appeal(user, appeal)


@pytest.mark.parametrize("name", EXPECTED)
def test_moderation_policies_per_role(roles, hidden_comment, name):
    got = {role: evaluate(name, user, roles, hidden_comment) for role, user in roles.all().items()}
    assert got == EXPECTED[name]
    assert set(got) == set(ROLES)


def test_another_animator_of_the_conseil_reviews_the_appeal_not_the_one_who_decided(roles, hidden_comment,
                                                                                  make_animator, make_user):
    comment, decision = hidden_comment
    colleague = make_animator(roles.conseil, make_user(name="Autre animatrice"))
    appeal = services.file_appeal(roles.habitant, decision, "Je ne visais personne.")
    assert policy.can_review_appeal(colleague, appeal)
    assert not policy.can_review_appeal(roles.animator, appeal)


def test_only_the_latest_hiding_can_be_appealed(roles, hidden_comment):
    comment, decision = hidden_comment
    services.restore(roles.project_lead, "proposal_comment", comment, "Finalement acceptable")
    assert not policy.can_appeal(roles.habitant, decision, comment.author)
