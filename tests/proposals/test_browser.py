from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from participation.contract.models import ContributionStatus
from participation.extensions import db
from participation.moderation import services as moderation
from participation.moderation.models import ReportReason
from participation.proposals import services
from participation.proposals.models import Comment, Proposal
from tests.factories import PASSWORD
from tests.proposals.conftest import jpeg_with_gps

pytestmark = pytest.mark.browser


def sign_in(page, a11y, user) -> None:
    page.goto("/connexion")
    a11y(page)
    page.fill("#email", user.email)
    page.fill("#password", PASSWORD)
    page.click("form.stack button[type=submit]")
    a11y(page)


def sign_out(page, a11y) -> None:
    page.get_by_role("button", name="Se déconnecter").click()
    a11y(page)


def test_propose_support_comment_moderate_appeal_and_answer_on_a_phone(page, a11y, roles, make_proposal):
    make_proposal(roles.animator, roles.conseil, title="Réparer les jeux du square")
    db.session.commit()

    # A resident proposes, with a photo, and sees the preview first.
    sign_in(page, a11y, roles.habitant)
    page.get_by_role("link", name="Propositions", exact=True).click()
    a11y(page)
    page.get_by_role("link", name="Proposer une idée").first.click()
    a11y(page)
    page.fill("#title", "Des bancs le long du mail")
    page.fill("#body", "Pour **se reposer** entre le marché et l'arrêt de bus.")
    page.select_option("#where", f"{roles.conseil.id}:{roles.conseil.qpvs[0].id}")
    page.select_option("#theme", "living_environment")
    page.fill("#place", "Mail des Tilleuls")
    page.set_input_files("#photo", files=[{"name": "IMG_2044.jpg", "mimeType": "image/jpeg",
                                           "buffer": jpeg_with_gps((640, 480))}])
    page.fill("#photo_alt", "Le mail sans aucun banc")
    page.get_by_role("button", name="Voir l'aperçu avant de publier").click()
    a11y(page)
    assert page.get_by_role("heading", name="Aperçu de votre proposition").is_visible()
    assert page.locator(".preview img").evaluate("img => img.naturalWidth") == 640
    page.get_by_role("button", name="Publier ma proposition").click()
    a11y(page)
    assert page.get_by_role("heading", name="Des bancs le long du mail").is_visible()
    assert page.locator(".proposal-photo").evaluate("img => img.naturalWidth") == 640
    proposal = db.session.scalar(select(Proposal).where(Proposal.title == "Des bancs le long du mail"))
    assert proposal.image_name
    sign_out(page, a11y)

    # Another resident supports it from the list, without a reload, then comments.
    sign_in(page, a11y, roles.member)
    page.goto("/propositions?sort=recent")
    a11y(page)
    loads = len(page._participation_checks.loads)
    card = page.locator(f"#proposition-{proposal.id}")
    card.get_by_role("button", name=re.compile("^Soutenir")).click()
    card.get_by_text("1 soutien", exact=True).wait_for()
    assert card.get_by_role("status").inner_text() == "Votre soutien est enregistré. Merci !"
    assert card.get_by_role("button", name=re.compile("^Retirer mon soutien")).is_visible()
    assert len(page._participation_checks.loads) == loads
    a11y(page)
    card.get_by_role("link", name="Des bancs le long du mail", exact=True).click()
    a11y(page)
    page.fill("#body", "Les voisins du bâtiment C sont tous des voleurs, il faut des bancs surveillés")
    page.get_by_role("button", name="Publier mon commentaire").click()
    a11y(page)
    assert page.get_by_text("Votre commentaire est publié.").is_visible()
    sign_out(page, a11y)

    # The animator hides the comment, with a reason.
    sign_in(page, a11y, roles.animator)
    page.goto(f"/propositions/{proposal.id}")
    a11y(page)
    page.get_by_role("link", name="Modérer le commentaire de Membre").click()
    a11y(page)
    page.get_by_role("button", name="Masquer").click()
    a11y(page)
    assert page.locator("#reason-error").is_visible()
    page.fill("#reason", "Le commentaire accuse tout un bâtiment : merci de décrire le besoin sans viser personne.")
    page.get_by_role("button", name="Masquer").click()
    a11y(page)
    assert "/animation/moderation" in page.url
    sign_out(page, a11y)

    # Its author reads the reason and asks for a second review.
    sign_in(page, a11y, roles.member)
    page.goto(f"/propositions/{proposal.id}")
    a11y(page)
    assert page.get_by_text("sans viser personne").is_visible()
    page.get_by_role("link", name="Demander un second examen").click()
    a11y(page)
    page.fill("#text", "Je voulais dire que les bancs doivent être visibles depuis la rue.")
    page.get_by_role("button", name="Envoyer ma demande").click()
    a11y(page)
    assert page.get_by_text("Vous avez demandé un second examen").is_visible()
    sign_out(page, a11y)

    # The chef de projet reviews the appeal, answers the proposal and sets its status.
    sign_in(page, a11y, roles.project_lead)
    page.get_by_role("link", name="Modération").click()
    a11y(page)
    page.get_by_role("link", name="Examiner le recours").click()
    a11y(page)
    page.get_by_label("Le laisser masqué (la décision est maintenue)").check()
    page.fill("#reason", "Le commentaire reste masqué ; vous pouvez en écrire un nouveau sans viser de voisins.")
    page.get_by_role("button", name="Décider du recours").click()
    a11y(page)
    page.goto(f"/propositions/{proposal.id}")
    a11y(page)
    page.fill("#answer", "La Ville installera **cinq bancs** au printemps.")
    page.get_by_role("button", name="Publier la réponse").click()
    a11y(page)
    page.select_option("#status", "retained")
    page.get_by_role("button", name="Changer le statut").click()
    a11y(page)
    assert page.locator(".proposal-badges").get_by_text("Retenue").is_visible()
    assert page.locator("#reponse strong").inner_text() == "cinq bancs"
    page.get_by_role("link", name="Journal des actions").click()
    a11y(page)
    assert page.get_by_role("cell", name="Recours rejeté").is_visible()

    db.session.expire_all()
    assert proposal.contribution.status == ContributionStatus.retained and proposal.support_count == 1


PAYLOADS = [
    '<script>alert("script")</script>',
    '<img src=x onerror=alert("img")>',
    '"><svg onload=alert("svg")>',
    "[un lien](javascript:alert('md'))",
    '<a href="javascript:alert(\'a\')">clic</a>',
    '<b onmouseover=alert("hover")>survol</b>',
    '</textarea><script>alert("textarea")</script>',
    '<div <img src=x onerror=alert("malformed")>',
    '<iframe src="javascript:alert(\'iframe\')"></iframe>',
    "<<script>alert('double')//<</script>",
]


def test_a_reply_form_opens_under_its_thread_without_loading_the_page(page, a11y, roles, make_proposal,
                                                                       make_comment):
    proposal = make_proposal(roles.animator, roles.conseil, title="Un composteur au pied des tours")
    first = make_comment(proposal, roles.member, "Il en faut un par bâtiment")
    make_comment(proposal, roles.animator, "Le bailleur est d'accord")
    db.session.commit()
    sign_in(page, a11y, roles.habitant)
    page.goto(f"/propositions/{proposal.id}")
    a11y(page)
    loads = len(page._participation_checks.loads)
    thread = page.locator(f"#commentaire-{first.id}")
    thread.get_by_role("link", name="Répondre à Membre").click()
    reply = thread.get_by_label("Votre réponse à Membre")
    reply.wait_for()
    assert reply.evaluate("field => document.activeElement === field")
    assert len(page._participation_checks.loads) == loads and page.locator("form.reply-form").count() == 1
    a11y(page)
    reply.fill("Un seul suffit pour commencer")
    thread.get_by_role("button", name="Publier la réponse").click()
    a11y(page)
    assert page.get_by_text("Votre commentaire est publié.").is_visible()
    assert page.locator(f"#commentaire-{first.id} .replies").get_by_text("Un seul suffit pour commencer").is_visible()


def test_markup_from_users_never_runs_anywhere(page, a11y, roles, make_proposal, set_rules):
    hostile = " ".join(PAYLOADS)
    set_rules(roles.conseil, support_threshold=1)
    proposal = make_proposal(roles.habitant, roles.conseil, title=PAYLOADS[1][:60] + " bancs", body=hostile,
                             place=PAYLOADS[2])
    assisted = services.submit_proposal(roles.animator, services.ProposalData(
        title=PAYLOADS[0], body=hostile, theme=proposal.theme, conseil_id=roles.conseil.id),
        assisted=services.AssistedEntry(PAYLOADS[5][:80], True))
    services.support(proposal, roles.member)
    top = services.add_comment(proposal, roles.member, hostile)
    services.add_comment(proposal, roles.habitant, PAYLOADS[3], parent=top)
    moderation.report(roles.habitant, "proposal_comment", top, ReportReason.other, hostile)
    decision = moderation.hide(roles.animator, "proposal_comment", top, hostile)
    moderation.file_appeal(roles.member, decision, hostile)
    moderation.report(roles.member, "proposal", assisted, ReportReason.spam, PAYLOADS[7])
    services.set_status(proposal, ContributionStatus.not_retained, roles.project_lead, reason=hostile)
    services.answer_proposal(proposal, hostile, roles.project_lead)
    db.session.commit()
    comment_id = db.session.scalar(select(Comment.id).where(Comment.parent_id.is_not(None)))

    def check_clean() -> None:
        assert page.locator("a[href^='javascript'], iframe, [onerror], [onload], [onmouseover]").count() == 0
        assert all(src and src.startswith("/static/") for src in
                   page.locator("script").evaluate_all("nodes => nodes.map(n => n.getAttribute('src'))"))
        for bold in page.locator("b").all():
            bold.hover()

    visits = ["/", "/propositions", f"/propositions/{proposal.id}", f"/propositions/{assisted.id}",
              f"/suivi/{proposal.contribution_id}", f"/conseils/{roles.conseil.slug}"]
    sign_in(page, a11y, roles.member)
    for url in [*visits, f"/moderation/recours/{decision.id}", f"/propositions/commentaires/{comment_id}/signaler"]:
        page.goto(url)
        a11y(page)
        check_clean()
    sign_out(page, a11y)
    sign_in(page, a11y, roles.project_lead)
    for url in ["/animation/moderation", f"/animation/moderation/proposal_comment/{top.id}",
                f"/animation/moderation/proposal/{assisted.id}", "/pilotage/journal", f"/propositions/{proposal.id}"]:
        page.goto(url)
        a11y(page)
        check_clean()
    assert page.get_by_text('<script>alert("script")</script>').first.is_visible()


def test_pages_in_english_and_the_photo_size_is_checked_before_sending(page, a11y, roles, make_user):
    english = make_user(name="Sam", locale="en")
    db.session.commit()
    sign_in(page, a11y, english)
    page.goto("/propositions/nouvelle")
    a11y(page)
    assert page.get_by_role("heading", name="Propose an idea for my quartier").is_visible()
    loads = len(page._participation_checks.loads)
    limit = int(page.locator("form.proposal-form").get_attribute("data-photo-max-bytes"))
    page.set_input_files("#photo", files=[{"name": "huge.jpg", "mimeType": "image/jpeg",
                                           "buffer": b"\xff\xd8\xff" + b"0" * (limit + 10)}])
    assert page.get_by_role("alert").inner_text().startswith("This photo is too large")
    assert page.locator("#photo").input_value() == ""
    assert len(page._participation_checks.loads) == loads
    a11y(page)
    page.goto("/propositions")
    a11y(page)
    assert page.get_by_role("heading", name="Proposals of residents").is_visible()
