from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from participation.audit import AuditEntry
from participation.extensions import db
from participation.moderation import services
from participation.moderation.models import AppealStatus, DecisionAction, ReportReason
from participation.proposals.models import ProposalState


def actions() -> list[str]:
    return list(db.session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)))


def test_one_report_per_person_and_never_on_ones_own_content(roles, make_proposal):
    proposal = make_proposal(roles.habitant, roles.conseil)
    report = services.report(roles.member, "proposal", proposal, ReportReason.spam, "  Pub pour un garage  ")
    assert report.details == "Pub pour un garage" and report.conseil_id == roles.conseil.id
    with pytest.raises(services.AlreadyReported):
        services.report(roles.member, "proposal", proposal, ReportReason.insult, None)
    with pytest.raises(services.CannotReportOwn):
        services.report(roles.habitant, "proposal", proposal, ReportReason.spam, None)
    assert services.open_report_count("proposal", proposal.id) == 1


def test_content_reported_by_n_distinct_people_is_hidden_until_reviewed(roles, make_proposal, make_comment,
                                                                        make_user, set_rules):
    set_rules(roles.conseil, auto_hide_threshold=2)
    proposal = make_proposal(roles.habitant, roles.conseil)
    comment = make_comment(proposal, roles.member, "Un commentaire limite")
    services.report(roles.habitant, "proposal_comment", comment, ReportReason.insult, None)
    assert not comment.is_hidden and proposal.comment_count == 1
    services.report(make_user(), "proposal_comment", comment, ReportReason.hate, None)
    assert comment.is_hidden and proposal.comment_count == 0
    decision = services.last_decisions("proposal_comment", [comment.id])[comment.id]
    assert decision.action == DecisionAction.auto_hidden and decision.moderator_id is None
    assert actions() == ["moderation.auto_hidden"]
    services.report(make_user(), "proposal_comment", comment, ReportReason.hate, None)
    assert actions() == ["moderation.auto_hidden"]
    queue = services.queue([roles.conseil.id])
    assert [entry.item.id for entry in queue.reported] == [comment.id] and queue.reported[0].report_count == 3


def test_hiding_needs_a_reason_tells_the_author_and_resolves_the_reports(roles, make_proposal, make_comment,
                                                                          outbox):
    proposal = make_proposal(roles.member, roles.conseil)
    comment = make_comment(proposal, roles.habitant, "Les gens du 3e sont des voleurs")
    services.report(roles.member, "proposal_comment", comment, ReportReason.insult, "Ça vise une famille")
    with pytest.raises(services.ReasonRequired):
        services.hide(roles.animator, "proposal_comment", comment, "   ")
    decision = services.hide(roles.animator, "proposal_comment", comment, "Vise une famille du quartier")
    assert comment.is_hidden and decision.action == DecisionAction.hidden
    assert services.open_report_count("proposal_comment", comment.id) == 0
    mail = outbox(roles.habitant.email)[-1]
    assert "Vise une famille du quartier" in mail.body and "Les gens du 3e" in mail.body
    assert re.search(rf"/moderation/recours/{decision.id}\b", mail.body)
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "moderation.hidden"))
    assert entry.actor_id == roles.animator.id and entry.reason == "Vise une famille du quartier"
    assert entry.conseil_id == roles.conseil.id and entry.target_type == "proposal_comment"
    assert services.queue([roles.conseil.id]).empty


def test_keeping_reported_content_visible_dismisses_the_reports_without_mail(roles, make_proposal, outbox):
    proposal = make_proposal(roles.habitant, roles.conseil)
    services.report(roles.member, "proposal", proposal, ReportReason.off_topic, None)
    sent = len(outbox(roles.habitant.email))
    with pytest.raises(services.ReasonRequired):
        services.restore(roles.animator, "proposal", proposal, "")
    decision = services.restore(roles.animator, "proposal", proposal, "Le sujet concerne bien le quartier")
    assert decision.action == DecisionAction.restored and proposal.state == ProposalState.published
    assert len(outbox(roles.habitant.email)) == sent and services.queue(None).empty


def test_pending_proposals_wait_in_the_queue_of_their_conseil_only(roles, make_proposal, set_rules):
    set_rules(roles.conseil, pre_moderation=True)
    pending = make_proposal(roles.habitant, roles.conseil)
    make_proposal(roles.habitant, roles.other_conseil)
    assert [item.id for _target, item in services.queue([roles.conseil.id]).pending] == [pending.id]
    assert services.queue([roles.other_conseil.id]).pending == []
    assert [item.id for _target, item in services.queue(None).pending] == [pending.id]
    services.restore(roles.animator, "proposal", pending, None)
    assert services.queue(None).pending == [] and actions() == ["moderation.approved"]


def test_refusing_a_pending_proposal_keeps_it_off_public_pages(roles, make_proposal, set_rules, outbox):
    set_rules(roles.conseil, pre_moderation=True)
    proposal = make_proposal(roles.habitant, roles.conseil)
    services.hide(roles.animator, "proposal", proposal, "Doublon de la proposition des bancs")
    assert proposal.state == ProposalState.hidden and proposal.contribution is None
    assert "Doublon" in outbox(roles.habitant.email)[-1].body


def test_an_appeal_is_asked_once_goes_to_others_and_its_outcome_is_told(roles, make_proposal, make_comment,
                                                                         make_animator, make_user, outbox):
    colleague = make_animator(roles.conseil, make_user(name="Collègue"))
    proposal = make_proposal(roles.member, roles.conseil)
    comment = make_comment(proposal, roles.habitant, "Un avis tranché")
    decision = services.hide(roles.animator, "proposal_comment", comment, "Ton agressif")
    with pytest.raises(services.ReasonRequired):
        services.file_appeal(roles.habitant, decision, "  ")
    appeal = services.file_appeal(roles.habitant, decision, "Je donnais seulement mon avis.")
    with pytest.raises(services.AppealNotAllowed):
        services.file_appeal(roles.habitant, decision, "Encore")
    reviewers = {user.id for user in services.appeal_reviewers(decision)}
    assert reviewers == {colleague.id, roles.project_lead.id}
    assert outbox(colleague.email)[-1].subject == "Un recours à examiner"
    assert not outbox(roles.animator.email)
    assert [a.id for a, _t, _i in services.queue([roles.conseil.id]).appeals] == [appeal.id]
    with pytest.raises(services.ReasonRequired):
        services.review_appeal(roles.project_lead, appeal, grant=True, reason="")
    services.review_appeal(roles.project_lead, appeal, grant=True, reason="Le ton est vif mais respectueux")
    assert appeal.status == AppealStatus.granted and not comment.is_hidden and proposal.comment_count == 1
    assert "de nouveau visible" in outbox(roles.habitant.email)[-1].body
    with pytest.raises(services.AppealAlreadyReviewed):
        services.review_appeal(roles.project_lead, appeal, grant=False, reason="Non")
    assert actions() == ["moderation.hidden", "moderation.appeal_filed", "moderation.appeal_granted"]


def test_an_upheld_appeal_keeps_the_content_hidden(roles, make_proposal, make_comment, outbox):
    proposal = make_proposal(roles.member, roles.conseil)
    comment = make_comment(proposal, roles.habitant, "Texte")
    decision = services.hide(roles.animator, "proposal_comment", comment, "Hors sujet")
    appeal = services.file_appeal(roles.habitant, decision, "Pas d'accord")
    services.review_appeal(roles.project_lead, appeal, grant=False, reason="C'est bien hors sujet")
    assert comment.is_hidden and appeal.status == AppealStatus.upheld
    assert "reste masqué" in outbox(roles.habitant.email)[-1].body


def test_the_queue_of_an_animator_holds_only_their_conseils(roles, make_proposal):
    here = make_proposal(roles.habitant, roles.conseil)
    there = make_proposal(roles.habitant, roles.other_conseil)
    for item in (here, there):
        services.report(roles.member, "proposal", item, ReportReason.spam, None)
    assert services.moderated_conseil_ids(roles.animator) == [roles.conseil.id]
    assert services.moderated_conseil_ids(roles.project_lead) is None
    assert [e.item.id for e in services.queue(services.moderated_conseil_ids(roles.animator)).reported] == [here.id]
    assert {e.item.id for e in services.queue(None).reported} == {here.id, there.id}


def test_moderation_settings_default_to_post_moderation(roles):
    settings = services.settings_for(roles.conseil.id)
    assert settings.pre_moderation is False and settings.auto_hide_threshold == 3 and settings.id is None
    services.save_settings(roles.conseil.id, pre_moderation=True, auto_hide_threshold=0)
    assert services.settings_for(roles.conseil.id).auto_hide_threshold == 1


def test_unknown_content_types_are_refused(app):
    with pytest.raises(services.UnknownTarget):
        services.get_target("nothing")
    assert services.load_item("nothing", 1) is None
