from __future__ import annotations

from datetime import date, timedelta

import pytest

from participation.contract.models import ContributionKind
from participation.extensions import db
from tests import factories
from tests.factories import PASSWORD

pytestmark = pytest.mark.browser

TREE = (
    "niveau;code;parent;titre\n"
    "orientation;1.1;1;Des espaces publics sûrs\n"
    "objectif;1.1.1;1.1;Éclairer les cheminements\n"
    "action;1.1.1.a;1.1.1;Éclairage du passage des Tilleuls\n"
)


def _sign_in(page, a11y, email):
    page.goto("/connexion")
    a11y(page)
    page.fill("#email", email)
    page.fill("#password", PASSWORD)
    page.click("form.stack button[type=submit]")
    a11y(page)


def _sign_out(page, a11y):
    page.get_by_role("button", name="Se déconnecter").click()
    a11y(page)


def test_from_the_contract_to_the_annex(page, a11y, roles, tmp_path):
    author = factories.make_user("samia@example.org", name="Samia R.")
    proposal = factories.make_contribution(roles.conseil, title="Éclairer le passage des Tilleuls le soir",
                                           author=author, kind=ContributionKind.proposal, source_type="proposal")
    synthesis = factories.make_contribution(roles.conseil, title="Synthèse : se sentir en sécurité le soir",
                                            kind=ContributionKind.consultation_synthesis,
                                            source_type="consultation")
    db.session.commit()

    # The chef de projet enters the contract: its header, an enjeu by form, the rest by import.
    _sign_in(page, a11y, roles.project_lead.email)
    page.get_by_role("link", name="Structure du contrat").first.click()
    a11y(page)
    page.fill("#title", "Contrat de ville 2024–2030")
    page.fill("#starts_year", "2024")
    page.fill("#ends_year", "2030")
    page.fill("#signatories", "Agglomération de Val-de-Lys\nPréfecture")
    page.get_by_role("button", name="Enregistrer le contrat").click()
    a11y(page)
    page.fill("#node-code", "1")
    page.fill("#node-title", "Tranquillité et cadre de vie")
    page.get_by_role("button", name="Ajouter", exact=True).click()
    a11y(page)
    page.get_by_role("link", name="Importer l'arborescence depuis un tableur (CSV ou XLSX)").click()
    a11y(page)
    page.set_input_files("#file", files=[{"name": "contrat.csv", "mimeType": "text/csv",
                                          "buffer": TREE.encode("utf-8")}])
    page.get_by_role("button", name="Importer").click()
    a11y(page)
    assert page.get_by_text("Import terminé : 3 ajoutés").is_visible()

    # It links the proposal and the consultation's synthesis, and answers the proposal.
    for contribution in (synthesis, proposal):
        page.goto(f"/pilotage/contributions/{contribution.id}")
        a11y(page)
        page.select_option("#link-node_id", label="\u2003\u2003\u20031.1.1.a – Éclairage du passage des Tilleuls")
        page.get_by_role("button", name="Rattacher").click()
        a11y(page)
    page.select_option("#status-status", "retained")
    page.get_by_role("button", name="Changer le statut").click()
    a11y(page)
    page.fill("#answer-answer", "Les travaux d'éclairage commencent en **mars**.")
    page.get_by_role("button", name="Publier la réponse").click()
    a11y(page)
    page.goto("/contrat")
    a11y(page)
    assert page.get_by_role("link", name="Éclairer le passage des Tilleuls le soir").is_visible()
    _sign_out(page, a11y)

    # Its author sees what became of it.
    _sign_in(page, a11y, author.email)
    page.goto(f"/suivi/{proposal.id}")
    a11y(page)
    assert page.locator(".answer").get_by_text("Les travaux d'éclairage commencent en").is_visible()
    assert page.locator(".timeline-event").count() == 4  # submitted, linked, status, answer
    _sign_out(page, a11y)

    # The annual report round, with the opinion of one conseil, then the annex.
    _sign_in(page, a11y, roles.project_lead.email)
    page.goto("/pilotage/rapport-annuel")
    a11y(page)
    page.fill("#year", "2025")
    page.fill("#deadline", (date.today() + timedelta(days=40)).isoformat())
    page.get_by_role("button", name="Ouvrir la consultation").click()
    a11y(page)
    page.get_by_role("link", name=f"Enregistrer l'avis de {roles.conseil.name}").click()
    a11y(page)
    page.select_option("#position", "reserved")
    page.fill("#majority_text", "Avis favorable avec une réserve sur l'éclairage.")
    page.fill("#dissenting_views", "Deux membres demandent un avis défavorable.")
    page.fill("#observations", "Éclairer le passage avant l'hiver.")
    page.get_by_role("button", name="Enregistrer l'avis").click()
    a11y(page)
    assert page.get_by_text("Deux membres demandent un avis défavorable.").is_visible()
    with page.expect_download() as download_info:
        page.get_by_role("link", name="PDF").click()
    download = download_info.value
    path = tmp_path / download.suggested_filename
    download.save_as(path)
    assert path.name == "annexe-rapport-annuel-2025.pdf" and path.read_bytes().startswith(b"%PDF")


def test_dashboard_and_back_office_pages_are_accessible_in_both_languages(page, a11y, roles):
    contract = factories.make_contract()
    people = [factories.make_user(name=f"Habitante {i}", gender=factories.Gender.woman, birth_year=1980 + i)
              for i in range(11)]
    for i, person in enumerate(people):
        contribution = factories.make_contribution(roles.conseil, title=f"Idée {i}", author=person)
        if i % 3 == 0:
            from participation.contract import services

            services.link_to_node(contribution, factories.node(contract, "1.1.1.a"), actor=roles.project_lead)
            services.answer(contribution, "Réponse", actor=roles.project_lead)
    db.session.commit()
    _sign_in(page, a11y, roles.project_lead.email)
    urls = ["/pilotage", "/pilotage/exports", "/pilotage/contributions", "/pilotage/contrat", "/contrat",
            f"/contrat/{factories.node(contract, '1.1.1.a').id}", "/pilotage/rapport-annuel"]
    for url in urls:
        page.goto(url)
        a11y(page)
    assert page.locator("svg.chart").count() == 0  # the round list has no chart
    page.goto("/pilotage")
    a11y(page)
    assert page.locator("svg.chart").count() >= 3
    page.select_option("#language-select", "en")
    page.get_by_role("button", name="Changer").click()
    a11y(page)
    assert page.get_by_role("heading", name="Dashboard of participation").is_visible()
    for url in urls[1:]:
        page.goto(url)
        a11y(page)
