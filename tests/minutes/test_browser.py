from __future__ import annotations

import subprocess
from datetime import date, timedelta
from pathlib import Path

import pytest

from participation.extensions import db
from participation.territory.models import Seat
from tests.factories import PASSWORD, make_member, make_user

pytestmark = pytest.mark.browser


def _sign_in(page, a11y, email: str) -> None:
    page.goto("/connexion")
    a11y(page)
    page.fill("#email", email)
    page.fill("#password", PASSWORD)
    page.click("form.stack button[type=submit]")
    a11y(page)


def _sign_out(page, a11y) -> None:
    page.get_by_role("button", name="Se déconnecter").click()
    a11y(page)


def test_minutes_from_attendance_to_review_approval_publication_and_pdf(page, a11y, roles):
    conseil = roles.conseil
    make_member(conseil, make_user(name="Fatou Diallo"), seat=Seat.titulaire)
    make_member(conseil, make_user(name="Marc Lefebvre"), seat=Seat.suppleant)
    db.session.commit()

    # The animator creates the meeting, records the attendance and drafts the minutes.
    _sign_in(page, a11y, roles.animator.email)
    page.get_by_role("link", name="Réunions et comptes rendus").click()
    a11y(page)
    page.get_by_role("link", name="Nouvelle réunion").click()
    a11y(page)
    page.select_option("#conseil_id", str(conseil.id))
    page.fill("#title", "Plénière du 3 mars 2026")
    page.fill("#starts_at", "2026-03-03T18:30")
    page.fill("#place", "Maison du projet")
    page.fill("#agenda", "Budget participatif 2026\nQuestions diverses")
    page.get_by_role("button", name="Créer la réunion").click()
    a11y(page)
    page.get_by_role("link", name="Saisir les présences").click()
    a11y(page)
    for name in ("Membre", "Fatou Diallo"):
        page.get_by_role("group", name=name).get_by_label("Présent").check()
    page.get_by_role("group", name="Marc Lefebvre").get_by_label("Excusé").check()
    page.fill("#other_attendees", "4")
    page.get_by_role("button", name="Enregistrer les présences").click()
    a11y(page)
    assert page.get_by_text("Quorum atteint").first.is_visible()

    page.get_by_role("link", name="Rédiger le compte rendu").first.click()
    a11y(page)
    page.get_by_label("1. Budget participatif 2026").fill("Le service présente les projets. Débat sur les bancs.")
    page.get_by_role("button", name="Enregistrer le compte rendu").click()
    a11y(page)

    page.get_by_role("link", name="Enregistrer une décision ou un avis").click()
    a11y(page)
    page.get_by_label("Avis", exact=True).check()
    page.select_option("#agenda_item_id", label="1. Budget participatif 2026")
    page.fill("#text", "Le conseil demande trois bancs au square des Tilleuls.")
    page.fill("#majority_position", "Les familles manquent de lieux où s'asseoir.")
    page.fill("#dissenting_views", "Un membre préfère des jeux pour enfants.")
    page.fill("#votes_for", "5")  # only 2 members are present: refused, next to the field
    page.fill("#votes_against", "1")
    page.get_by_role("button", name="Enregistrer la décision").click()
    a11y(page)
    assert page.locator("#votes_for-error").is_visible()
    assert page.input_value("#text") == "Le conseil demande trois bancs au square des Tilleuls."
    page.fill("#votes_for", "1")
    page.get_by_role("button", name="Enregistrer la décision").click()
    a11y(page)

    page.get_by_role("link", name="Ajouter une action").click()
    a11y(page)
    page.fill("#what", "Demander un devis pour les bancs")
    page.fill("#who", "Service des espaces verts")
    page.fill("#due_on", (date.today() + timedelta(days=30)).isoformat())
    page.get_by_role("button", name="Enregistrer l'action").click()
    a11y(page)
    page.get_by_role("button", name="Envoyer en relecture aux membres").click()
    a11y(page)
    _sign_out(page, a11y)

    # A member comments and proposes a wording.
    _sign_in(page, a11y, roles.member.email)
    page.goto("/comptes-rendus")
    a11y(page)
    page.get_by_role("link", name="Plénière du 3 mars 2026").click()
    a11y(page)
    page.get_by_role("link", name="Commenter Section 1 : Budget participatif 2026").click()
    a11y(page)
    page.fill("#body", "Il manque le montant de l'enveloppe.")
    page.fill("#proposed_text", "Le service présente les projets (enveloppe de 40 000 €). Débat sur les bancs.")
    page.get_by_role("button", name="Envoyer mon commentaire").click()
    a11y(page)
    assert page.get_by_text("Il manque le montant de l'enveloppe.").is_visible()
    _sign_out(page, a11y)

    # The animator accepts the wording, approves and publishes.
    _sign_in(page, a11y, roles.animator.email)
    page.get_by_role("link", name="Réunions et comptes rendus").click()
    a11y(page)
    page.get_by_role("link", name="Plénière du 3 mars 2026").click()
    a11y(page)
    page.get_by_role("button", name="Accepter cette formulation").click()
    a11y(page)
    assert page.get_by_text("Acceptée dans la version").first.is_visible()
    page.get_by_role("link", name="Approuver le compte rendu").click()
    a11y(page)
    page.get_by_label("Par un vote").check()
    page.fill("#note", "Approuvé à l'unanimité des présents.")
    page.get_by_role("button", name="Approuver le compte rendu").click()
    a11y(page)
    page.get_by_role("button", name="Publier le compte rendu").click()
    a11y(page)
    _sign_out(page, a11y)

    # The public page shows the decision with its dissenting view and the action item; the PDF has them too.
    page.goto("/comptes-rendus")
    a11y(page)
    page.get_by_role("link", name="Plénière du 3 mars 2026").click()
    a11y(page)
    decision = page.locator(".decision")
    assert "Le conseil demande trois bancs au square des Tilleuls." in decision.inner_text()
    assert "Un membre préfère des jeux pour enfants." in decision.inner_text()
    assert "(enveloppe de 40 000 €)" in page.locator("main").inner_text()
    assert "Demander un devis pour les bancs" in page.locator(".action-list").inner_text()
    assert "Il manque le montant" not in page.content()
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Télécharger en PDF").click()
    pdf = Path(download_info.value.path())
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, check=True).stdout.decode()
    flat = " ".join(text.split())
    assert "Le conseil demande trois bancs au square des Tilleuls." in flat
    assert "Un membre préfère des jeux pour enfants." in flat

    # The conseil's page lists the action item until it is done.
    page.goto(f"/conseils/{conseil.slug}")
    a11y(page)
    assert page.get_by_text("Demander un devis pour les bancs").is_visible()


def test_versions_and_comparison_pages_pass_axe_in_english(page, a11y, roles, make_meeting, make_decision,
                                                           publish_minutes):
    from participation.minutes import services

    meeting = make_meeting(roles.conseil, roles.animator)
    make_decision(meeting, roles.animator)
    publish_minutes(meeting, roles.animator)
    item = meeting.agenda_items[0]
    services.save_sections(meeting.minutes, {item.id: "Texte corrigé après publication."}, roles.animator,
                           reason="Oubli")
    db.session.commit()
    page.goto(f"/comptes-rendus/{meeting.id}")
    a11y(page)
    page.select_option("#language-select", "en")
    page.click("form.language-switch button")
    a11y(page)
    page.get_by_role("link", name="Versions and changes").click()
    a11y(page)
    page.get_by_role("button", name="Compare").click()
    a11y(page)
    assert page.locator("ins.diff-added").first.is_visible()
