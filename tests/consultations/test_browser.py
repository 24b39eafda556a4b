from __future__ import annotations

import io
import re
from pathlib import Path

import openpyxl
import pytest
from odf.opendocument import load
from odf.table import Table, TableCell, TableRow

from participation.consultations.models import Consultation
from participation.extensions import db
from tests.factories import PASSWORD, make_user, outbox

pytestmark = pytest.mark.browser


def sign_in(page, a11y, email):
    page.goto("/connexion")
    a11y(page)
    page.fill("#email", email)
    page.fill("#password", PASSWORD)
    page.click("form.stack button[type=submit]")
    a11y(page)


def sign_out(page, a11y):
    page.get_by_role("button", name="Se déconnecter").click()
    a11y(page)


def add_question(page, a11y, page_number, kind, text, options="", **extra):
    page.get_by_role("link", name=f"Ajouter une question à la page {page_number}").click()
    a11y(page)
    page.select_option("#kind", kind)
    page.fill("#text", text)
    if options:
        page.fill("#options", options)
    if extra.get("required"):
        page.check("#required")
    if extra.get("allow_other"):
        page.check("#allow_other")
    if extra.get("max_choices"):
        page.fill("#max_choices", str(extra["max_choices"]))
    if extra.get("falc"):
        page.fill("#falc_text", extra["falc"])
    for field in ("scale_min_label", "scale_max_label"):
        if extra.get(field):
            page.fill(f"#{field}", extra[field])
    page.get_by_role("button", name="Ajouter la question").click()
    a11y(page)
    assert page.get_by_text("La question a été ajoutée.").is_visible()


def answer(page, a11y, usage, activities, rank_first, satisfaction, word, email=None):
    page.goto("/consultations")
    a11y(page)
    page.get_by_role("link", name="La fête des Peupliers").first.click()
    a11y(page)
    page.get_by_role("link", name=re.compile("Répondre à la consultation|Modifier ma réponse")).click()
    a11y(page)
    assert page.get_by_text("Page 1 sur 3").is_visible()
    # First a mistake: the required question is left out; what was ticked stays ticked.
    for activity in activities:
        page.get_by_label(activity).check()
    page.get_by_role("button", name="Page suivante").click()
    a11y(page)
    assert page.locator("#error-summary").is_visible()
    assert all(page.get_by_label(activity).is_checked() for activity in activities)
    page.get_by_label(usage).check()
    page.get_by_role("button", name="Page suivante").click()
    a11y(page)
    assert page.get_by_text("Page 2 sur 3").is_visible()
    page.get_by_label("Non", exact=True).check()
    page.get_by_label(str(satisfaction), exact=True).check()
    page.get_by_label(rank_first).select_option("1")
    page.fill("input[type=text]", word)
    page.get_by_role("button", name="Vérifier mes réponses").click()
    a11y(page)
    assert page.get_by_text(word).is_visible()
    if email:
        page.fill("#contact_email", email)
    page.get_by_role("button", name="Envoyer mes réponses").click()
    a11y(page)
    assert page.get_by_role("heading", name="Merci pour votre réponse").is_visible()


def test_a_consultation_from_building_to_synthesis_and_export(page, a11y, roles, app):
    residents = [make_user("awa@example.org", name="Awa"), make_user("bruno@example.org", name="Bruno")]
    db.session.commit()

    # The animator builds a 6-question consultation on two pages.
    sign_in(page, a11y, roles.animator.email)
    page.locator(".back-office-nav").get_by_role("link", name="Consultations").click()
    a11y(page)
    page.get_by_role("link", name="Nouvelle consultation").click()
    a11y(page)
    page.fill("#title", "La fête des Peupliers")
    page.select_option("#conseil_id", str(roles.conseil.id))
    page.fill("#intro", "Le conseil citoyen prépare la **fête de quartier** de juin.")
    page.fill("#intro_falc", "Nous préparons la fête du quartier.")
    page.check("#audience-0")
    page.check("#anonymous_allowed")
    page.get_by_role("button", name="Créer la consultation").click()
    a11y(page)
    add_question(page, a11y, 1, "single_choice", "Viendrez-vous à la fête ?", "Oui, en famille\nOui, seul·e\nPeut-être",
                 required=True, falc="Vous venez à la fête ?")
    add_question(page, a11y, 1, "multiple_choice", "Quelles activités aimeriez-vous ?",
                 "Concert\nRepas partagé\nJeux pour enfants\nTournoi de foot", max_choices=2, allow_other=True)
    page.fill("#section-title", "Organisation")
    page.get_by_role("button", name="Ajouter la page").click()
    a11y(page)
    add_question(page, a11y, 2, "yes_no", "Faut-il fermer la rue aux voitures ?")
    add_question(page, a11y, 2, "scale", "La fête de l'an dernier vous a-t-elle plu ?",
                 scale_min_label="Pas du tout", scale_max_label="Beaucoup")
    add_question(page, a11y, 2, "ranking", "Classez les lieux possibles", "Place des Tilleuls\nParc\nGymnase")
    add_question(page, a11y, 2, "short_text", "En un mot, la fête idéale ?")
    page.get_by_role("link", name="Aperçu tel que les habitants le voient").click()
    a11y(page)
    assert page.get_by_text("C'est exactement ce que voient les habitants").is_visible()
    page.get_by_role("link", name="Retour au questionnaire").click()
    a11y(page)
    page.get_by_role("button", name="Ouvrir la consultation").click()
    a11y(page)
    assert page.get_by_text("La consultation est ouverte.").is_visible()
    sign_out(page, a11y)

    # Two residents and one visitor without an account answer from their phones.
    sign_in(page, a11y, residents[0].email)
    answer(page, a11y, "Oui, en famille", ["Concert", "Repas partagé"], "Parc", 4, "Danser")
    sign_out(page, a11y)
    sign_in(page, a11y, residents[1].email)
    answer(page, a11y, "Peut-être", ["Jeux pour enfants"], "Gymnase", 2, "Calme")
    sign_out(page, a11y)
    answer(page, a11y, "Oui, seul·e", ["Tournoi de foot"], "Parc", 3, "Musique", email="visiteur@example.org")
    consultation = db.session.query(Consultation).one()
    db.session.refresh(consultation)
    assert (consultation.responses_count, consultation.online_count, consultation.anonymous_count) == (3, 2, 1)

    # The animator reads the results, closes the consultation and publishes the synthesis.
    sign_in(page, a11y, roles.animator.email)
    page.goto(f"/animation/consultations/{consultation.id}")
    a11y(page)
    page.get_by_role("link", name="Résultats").click()
    a11y(page)
    assert page.get_by_role("heading", name=re.compile("Viendrez-vous à la fête")).is_visible()
    assert page.locator(".chart-table").first.is_visible()
    page.select_option("#filter-canal", "anonymous")
    page.get_by_role("button", name="Filtrer les résultats").click()
    a11y(page)
    assert page.get_by_text("Résultats filtrés : 1 réponse.").is_visible()
    page.goto(f"/animation/consultations/{consultation.id}")
    a11y(page)
    page.get_by_role("button", name="Clore la consultation maintenant").click()
    a11y(page)
    page.get_by_role("link", name="Synthèse").click()
    a11y(page)
    page.fill("#synthesis", "Trois réponses : la fête aura lieu **au parc**, avec un concert.")
    page.get_by_role("button", name="Publier la synthèse").click()
    a11y(page)
    assert page.locator("#synthese").get_by_text("au parc").is_visible()
    assert sorted(m.recipient for m in outbox()) == ["awa@example.org", "bruno@example.org",
                                                     "visiteur@example.org"]

    # The raw answers are downloaded and opened.
    with page.expect_download() as xlsx_download:
        page.get_by_role("link", name="Excel (XLSX) – réponses brutes").click()
    workbook = openpyxl.load_workbook(io.BytesIO(Path(xlsx_download.value.path()).read_bytes()), read_only=True)
    rows = list(workbook.active.iter_rows(values_only=True))
    assert len(rows) == 4 and len(rows[0]) == 4 + 6
    assert {row[-1] for row in rows[1:]} == {"Danser", "Calme", "Musique"}
    with page.expect_download() as ods_download:
        page.get_by_role("link", name="LibreOffice (ODS) – réponses brutes").click()
    document = load(io.BytesIO(Path(ods_download.value.path()).read_bytes()))
    table = document.spreadsheet.getElementsByType(Table)[0]
    cells = [[str(cell) for cell in row.getElementsByType(TableCell)] for row in table.getElementsByType(TableRow)]
    assert len(cells) == 4 and any("Oui, en famille" in cell for cell in cells[1])
    page.goto(f"/consultations/{consultation.id}/resultats")
    a11y(page)


def test_the_easy_to_read_version_and_results_in_english(page, a11y, roles, app):
    from tests.factories import answer_consultation, make_consultation

    consultation = make_consultation(roles.conseil, title="Le parc", intro_falc="Le parc va changer.",
                                     results_while_open=True)
    answer_consultation(consultation, roles.habitant)
    db.session.commit()
    page.goto(f"/consultations/{consultation.id}")
    a11y(page)
    page.get_by_role("button", name="Facile à lire : afficher les textes simplifiés").click()
    a11y(page)
    assert page.get_by_text("Le parc va changer.").is_visible()
    page.get_by_role("link", name="Répondre à la consultation").click()
    a11y(page)
    assert page.get_by_text("Que faites-vous au parc ?").is_visible()
    page.select_option("#language-select", "en")
    page.click("form.language-switch button")
    a11y(page)
    page.goto(f"/consultations/{consultation.id}/resultats")
    a11y(page)
    assert page.get_by_role("heading", name="Who answered").is_visible()
