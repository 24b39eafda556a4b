from __future__ import annotations

import re

from sqlalchemy import select

from participation.audit import AuditEntry
from participation.extensions import db
from participation.moderation import services
from participation.moderation.models import Appeal, AppealStatus, ReportReason


def test_the_queue_is_for_moderators_and_shows_reports_with_reasons(client, signed_in, roles, make_proposal,
                                                                     make_comment):
    proposal = make_proposal(roles.habitant, roles.conseil)
    comment = make_comment(proposal, roles.member, "Un commentaire signalé")
    services.report(roles.habitant, "proposal_comment", comment, ReportReason.insult, "Il m'insulte")
    assert client.get("/animation/moderation").status_code == 302
    assert signed_in(roles.member).get("/animation/moderation").status_code == 403
    assert signed_in(roles.admin).get("/animation/moderation").status_code == 403
    page = signed_in(roles.animator).get("/animation/moderation").text
    assert "Un commentaire signalé" in page and "Insultes ou harcèlement (1)" in page and "Il m&#39;insulte" in page
    assert "Un commentaire signalé" not in signed_in(roles.other_animator).get("/animation/moderation").text
    assert "Un commentaire signalé" in signed_in(roles.project_lead).get("/animation/moderation").text


def test_hide_needs_a_reason_and_other_conseils_cannot_decide(signed_in, roles, make_proposal, make_comment,
                                                              outbox):
    proposal = make_proposal(roles.member, roles.conseil)
    comment = make_comment(proposal, roles.habitant, "Texte à masquer")
    url = f"/animation/moderation/proposal_comment/{comment.id}"
    assert signed_in(roles.other_animator).get(url).status_code == 403
    assert signed_in(roles.other_animator).post(url, data={"action": "hide", "reason": "x"}).status_code == 403
    browser = signed_in(roles.animator)
    assert browser.get(url).status_code == 200
    refused = browser.post(url, data={"action": "hide", "reason": "  "})
    assert refused.status_code == 422 and "Indiquez le motif" in refused.text and not comment.is_hidden
    assert browser.post(url, data={"action": "erase", "reason": "x"}).status_code == 422
    assert browser.post(url, data={"action": "hide", "reason": "Propos injurieux"}).status_code == 302
    assert comment.is_hidden and "Propos injurieux" in outbox(roles.habitant.email)[-1].body
    page = signed_in(roles.habitant).get(f"/propositions/{proposal.id}").text
    assert "Texte à masquer" in page and "Propos injurieux" in page and "Demander un second examen" in page
    other = signed_in(roles.project_lead).get(f"/propositions/{proposal.id}").text
    assert "Texte à masquer" in other
    public = signed_in(roles.unverified).get(f"/propositions/{proposal.id}").text
    assert "Texte à masquer" not in public and "a été masqué par l'équipe" in public


def test_unknown_items_are_404(signed_in, roles):
    browser = signed_in(roles.project_lead)
    assert browser.get("/animation/moderation/proposal/999").status_code == 404
    assert browser.get("/animation/moderation/nothing/1").status_code == 404
    assert browser.post("/animation/moderation/recours/999").status_code == 404
    assert browser.get("/moderation/recours/999").status_code == 404


def test_the_author_appeals_once_and_another_moderator_decides(signed_in, client, roles, make_proposal,
                                                                make_comment, outbox):
    proposal = make_proposal(roles.member, roles.conseil)
    comment = make_comment(proposal, roles.habitant, "Mon avis")
    decision = services.hide(roles.animator, "proposal_comment", comment, "Hors sujet")
    url = f"/moderation/recours/{decision.id}"
    assert client.get(url).status_code == 302
    assert signed_in(roles.member).get(url).status_code == 403
    author = signed_in(roles.habitant)
    assert author.get(url).status_code == 200
    assert author.post(url, data={"text": ""}).status_code == 422
    response = author.post(url, data={"text": "C'était bien le sujet : les bancs."})
    assert response.status_code == 302
    assert "Vous avez demandé un second examen" in author.get(url).text
    assert author.post(url, data={"text": "Encore"}).status_code == 200
    appeal = db.session.scalar(select(Appeal))
    queue_page = signed_in(roles.project_lead).get("/animation/moderation").text
    assert f'id="recours-{appeal.id}"' in queue_page and "les bancs" in queue_page
    review = f"/animation/moderation/recours/{appeal.id}"
    assert signed_in(roles.animator).post(review, data={"outcome": "grant", "reason": "x"}).status_code == 403
    lead = signed_in(roles.project_lead)
    assert lead.post(review, data={"outcome": "grant", "reason": ""}).status_code == 422
    assert lead.post(review, data={"outcome": "grant", "reason": "Le commentaire parle des bancs"}).status_code == 302
    assert appeal.status == AppealStatus.granted and not comment.is_hidden
    assert "Le commentaire parle des bancs" in author.get(url).text
    assert "de nouveau visible" in outbox(roles.habitant.email)[-1].body


def test_pending_proposals_are_approved_from_the_queue(signed_in, roles, make_proposal, set_rules):
    set_rules(roles.conseil, pre_moderation=True)
    proposal = make_proposal(roles.habitant, roles.conseil, title="En attente de lecture")
    browser = signed_in(roles.animator)
    assert "En attente de lecture" in browser.get("/animation/moderation").text
    response = browser.post(f"/animation/moderation/proposal/{proposal.id}", data={"action": "restore"})
    assert response.status_code == 302 and proposal.is_visible and proposal.contribution is not None


def test_the_audit_log_is_for_the_chef_de_projet(signed_in, roles, make_proposal):
    proposal = make_proposal(roles.habitant, roles.conseil)
    services.hide(roles.animator, "proposal", proposal, "Hors charte")
    assert signed_in(roles.animator).get("/pilotage/journal").status_code == 403
    assert signed_in(roles.admin).get("/pilotage/journal").status_code == 403
    lead = signed_in(roles.project_lead)
    page = lead.get("/pilotage/journal").text
    assert "Contenu masqué" in page and "Hors charte" in page and "Animatrice" in page
    assert f"/animation/moderation/proposal/{proposal.id}" in page
    filtered = lead.get(f"/pilotage/journal?conseil={roles.other_conseil.id}").text
    assert "Hors charte" not in filtered
    assert "Hors charte" in lead.get("/pilotage/journal?action=moderation.hidden&conseil=abc&page=x").text
    entry = db.session.scalar(select(AuditEntry))
    assert entry.action == "moderation.hidden"


def test_back_office_links_appear_for_the_team_only(signed_in, roles):
    page = signed_in(roles.animator).get("/").text
    assert re.search(r'href="/animation/moderation"', page) and "/pilotage/journal" not in page
    assert "/pilotage/journal" in signed_in(roles.project_lead).get("/").text
    assert "/animation/moderation" not in signed_in(roles.member).get("/").text
