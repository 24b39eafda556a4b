from __future__ import annotations

import pytest

from participation.extensions import db
from participation.moderation import services
from participation.moderation.models import ReportReason
from participation.proposals.models import ProposalState
from tests.proposals.test_browser import sign_in

pytestmark = pytest.mark.browser


def test_an_animator_works_through_a_full_queue_on_a_phone(page, a11y, roles, make_proposal, make_comment,
                                                           make_user, set_rules):
    set_rules(roles.conseil, pre_moderation=True, auto_hide_threshold=2)
    pending = make_proposal(roles.habitant, roles.conseil, title="Un potager sur le toit du parking")
    set_rules(roles.conseil, pre_moderation=False)
    published = make_proposal(roles.member, roles.conseil, title="Des jeux pour les petits")
    comment = make_comment(published, roles.habitant, "Publicité : achetez chez Garage Martin !")
    for reporter in (make_user(), make_user()):
        services.report(reporter, "proposal_comment", comment, ReportReason.spam, "C'est de la pub")
    appealed = make_comment(published, roles.habitant, "Un avis un peu vif")
    decision = services.hide(roles.project_lead, "proposal_comment", appealed, "Ton agressif")
    services.file_appeal(roles.habitant, decision, "Je ne voulais blesser personne.")
    db.session.commit()

    sign_in(page, a11y, roles.animator)
    page.get_by_role("link", name="Modération").click()
    a11y(page)
    for heading in ("1 recours à examiner", "1 proposition attend une validation", "1 contenu signalé"):
        assert page.get_by_role("heading", name=heading).is_visible()
    assert page.get_by_text("masqué jusqu'à examen").is_visible()

    page.get_by_role("link", name="Lire et décider : Un potager sur le toit du parking").click()
    a11y(page)
    page.get_by_role("button", name="Valider et publier").click()
    a11y(page)
    page.get_by_role("link", name="Lire et décider : Publicité : achetez chez Garag").click()
    a11y(page)
    page.fill("#reason", "Publicité interdite par la charte.")
    page.get_by_role("button", name="Laisser masqué").click()
    a11y(page)
    page.get_by_role("link", name="Examiner le recours").click()
    a11y(page)
    page.get_by_label("Rétablir le contenu (le recours est accepté)").check()
    page.fill("#reason", "Le ton est vif mais reste respectueux.")
    page.get_by_role("button", name="Décider du recours").click()
    a11y(page)
    assert page.get_by_text("Rien n'attend de décision. Merci !").is_visible()

    db.session.expire_all()
    assert pending.state == ProposalState.published and comment.is_hidden and not appealed.is_hidden
