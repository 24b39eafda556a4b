from __future__ import annotations

import io
import zipfile

import pytest
from sqlalchemy import func, select

from participation.audit import AuditEntry
from participation.consultations import services
from participation.consultations.models import Answer, Audience, Channel, Consultation, QuestionKind, Response
from participation.contract.models import Contribution
from participation.extensions import db
from tests.factories import answer_consultation, make_consultation, make_qpv, typical_answers


def question(consultation, kind):
    return next(q for q in consultation.ordered_questions() if q.kind == kind)


def page_fields(consultation, step: int) -> dict:
    """Valid form fields for the questions of one page."""
    fields: dict = {"direction": "next"}
    for q in consultation.sections[step - 1].questions:
        name = f"q{q.id}"
        if q.kind in (QuestionKind.single_choice, QuestionKind.multiple_choice):
            fields[name] = str(q.options[0].id)
        elif q.kind == QuestionKind.yes_no:
            fields[name] = "no"
        elif q.kind == QuestionKind.scale:
            fields[name] = "4"
        elif q.kind.is_text:
            fields[name] = "Des arbres"
        elif q.kind == QuestionKind.ranking:
            for rank, option in enumerate(q.options, start=1):
                fields[f"{name}-rank-{option.id}"] = str(rank)
    return fields


def answer_through_pages(client, consultation, **last_page):
    for step in range(1, len(consultation.sections) + 1):
        response = client.post(f"/consultations/{consultation.id}/repondre/{step}",
                               data=page_fields(consultation, step))
        assert response.status_code == 302, response.text
    return client.post(f"/consultations/{consultation.id}/repondre/envoi", data={"qpv_id": "", **last_page})


# ------------------------------------------------------------------------------------------ public pages


def test_list_shows_open_consultations_first_then_closed_ones_with_their_results(client, roles):
    closed = make_consultation(roles.conseil, title="Le marché du samedi")
    services.close(closed)
    make_consultation(roles.conseil, title="Le parc des Peupliers")
    make_consultation(roles.conseil, title="Brouillon secret", open_=False)
    page = client.get("/consultations").text
    assert page.index("Le parc des Peupliers") < page.index("Le marché du samedi")
    assert "Brouillon secret" not in page
    assert f"/consultations/{closed.id}/resultats" in page


def test_drafts_and_unknown_consultations_are_404_for_the_public(client, signed_in, roles):
    draft = make_consultation(roles.conseil, open_=False)
    assert client.get(f"/consultations/{draft.id}").status_code == 404
    assert client.get("/consultations/999999").status_code == 404
    assert signed_in(roles.animator).get(f"/consultations/{draft.id}").status_code == 200
    assert client.get(f"/consultations/{draft.id}/resultats").status_code == 404


def test_home_and_conseil_page_list_open_consultations(client, roles):
    make_consultation(roles.conseil, title="Quelles priorités pour le parc des Peupliers ?")
    assert "Quelles priorités pour le parc des Peupliers ?" in client.get("/").text
    assert "Quelles priorités pour le parc des Peupliers ?" in client.get(f"/conseils/{roles.conseil.slug}").text


def test_someone_without_an_account_answers_page_by_page_then_changes_the_answer(client, roles):
    consultation = make_consultation(roles.conseil, pages=2)
    intro = client.get(f"/consultations/{consultation.id}").text
    assert "Répondre à la consultation" in intro
    first = client.get(f"/consultations/{consultation.id}/repondre/1").text
    assert "Page 1 sur 3" in first
    response = answer_through_pages(client, consultation, contact_email="awa@example.org")
    assert response.status_code == 302 and response.location.endswith(f"/consultations/{consultation.id}/merci")
    assert "participation_respondent" in response.headers.get("Set-Cookie", "") or client.get_cookie(
        "participation_respondent") is not None
    db.session.refresh(consultation)
    assert (consultation.responses_count, consultation.anonymous_count) == (1, 1)
    stored = db.session.scalar(select(Response))
    assert stored.channel == Channel.anonymous and stored.contact_email == "awa@example.org"
    # The same browser comes back: its answer is shown and replaced, not counted twice.
    again = client.get(f"/consultations/{consultation.id}/repondre/envoi").text
    assert "Des arbres" in again
    assert answer_through_pages(client, consultation).status_code == 302
    db.session.refresh(consultation)
    assert consultation.responses_count == 1
    assert client.get(f"/consultations/{consultation.id}/merci").status_code == 200


def test_a_signed_in_resident_changes_the_answer_and_is_counted_once(signed_in, roles, make_qpv):
    qpv = make_qpv(name="Les Peupliers")
    roles.habitant.qpv_id = qpv.id
    consultation = make_consultation(roles.conseil, audience=Audience.residents)
    client = signed_in(roles.habitant)
    review = client.get(f"/consultations/{consultation.id}/repondre/envoi").text
    assert f'<option selected value="{qpv.id}">' in review  # starts from the quartier of the profile
    assert answer_through_pages(client, consultation, qpv_id=str(qpv.id)).status_code == 302
    assert answer_through_pages(client, consultation, qpv_id=str(qpv.id)).status_code == 302
    db.session.refresh(consultation)
    assert (consultation.responses_count, consultation.online_count) == (1, 1)
    assert db.session.scalar(select(Response.qpv_id)) == qpv.id
    page = client.get(f"/consultations/{consultation.id}").text
    assert "Modifier ma réponse" in page


def test_bad_input_gets_a_clear_message_and_the_rest_stays_on_the_page(client, roles):
    consultation = make_consultation(roles.conseil)
    single = question(consultation, QuestionKind.single_choice)
    multiple = question(consultation, QuestionKind.multiple_choice)
    scale = question(consultation, QuestionKind.scale)
    long_text = question(consultation, QuestionKind.long_text)
    short_text = question(consultation, QuestionKind.short_text)
    fields = page_fields(consultation, 1)
    fields[f"q{single.id}"] = "999999"
    fields[f"q{multiple.id}"] = [str(o.id) for o in multiple.options[:3]]
    fields[f"q{scale.id}"] = "11"
    fields[f"q{long_text.id}"] = "x" * 100_000
    fields[f"q{short_text.id}"] = "Un banc près de l'école"
    response = client.post(f"/consultations/{consultation.id}/repondre/1", data=fields)
    assert response.status_code == 422
    page = response.text
    assert page.count('class="error-message"') == 4
    assert "Un banc près de l&#39;école" in page
    assert 'id="error-summary"' in page and f'href="#q{single.id}-o{single.options[0].id}"' in page
    # A missing required answer, everything else fine.
    fields = page_fields(consultation, 1)
    del fields[f"q{single.id}"]
    response = client.post(f"/consultations/{consultation.id}/repondre/1", data=fields)
    assert response.status_code == 422 and f'id="q{single.id}-error"' in response.text
    # Odd values never make a 500.
    ranking = question(consultation, QuestionKind.ranking)
    fields = page_fields(consultation, 1)
    fields[f"q{ranking.id}-rank-{ranking.options[0].id}"] = "premier"
    fields[f"q{single.id}"] = "other"
    response = client.post(f"/consultations/{consultation.id}/repondre/1", data=fields)
    assert response.status_code == 422 and "Précisez votre autre réponse." in response.text


def test_going_back_keeps_what_was_valid_without_asking_for_the_rest(client, roles):
    consultation = make_consultation(roles.conseil, pages=2)
    second = consultation.sections[1]
    text_question = next(q for q in second.questions if q.kind.is_text)
    response = client.post(f"/consultations/{consultation.id}/repondre/2",
                           data={"direction": "back", f"q{text_question.id}": "Gardé"})
    assert response.status_code == 302 and response.location.endswith("/repondre/1")
    assert "Gardé" in client.get(f"/consultations/{consultation.id}/repondre/2").text


def test_the_last_page_sends_people_back_to_a_required_question_they_skipped(client, roles):
    consultation = make_consultation(roles.conseil, pages=2)
    required = question(consultation, QuestionKind.single_choice)
    response = client.post(f"/consultations/{consultation.id}/repondre/envoi", data={"qpv_id": ""})
    assert response.status_code == 422
    assert f"/repondre/1#question-{required.id}" in response.text
    assert consultation.responses_count == 0


@pytest.mark.parametrize("state", ["closed", "scheduled", "members"])
def test_closed_scheduled_and_members_only_consultations_refuse_answers_with_a_message(client, signed_in, roles,
                                                                                     state):
    from datetime import timedelta

    from participation.db import utcnow

    if state == "closed":
        consultation = make_consultation(roles.conseil)
        services.close(consultation)
        message = "est close"
    elif state == "scheduled":
        consultation = make_consultation(roles.conseil, open_=False)
        consultation.opens_at = utcnow() + timedelta(days=3)
        services.publish(consultation)
        message = "pas encore ouverte"
    else:
        consultation = make_consultation(roles.conseil, audience=Audience.members)
        message = "réservée aux membres"
    habitant = signed_in(roles.habitant)
    habitant.get("/langue")  # nothing: French stays the default
    for method in ("get", "post"):
        response = getattr(habitant, method)(f"/consultations/{consultation.id}/repondre/1",
                                             data=page_fields(consultation, 1) if method == "post" else None)
        assert response.status_code == 302
    response = habitant.post(f"/consultations/{consultation.id}/repondre/envoi", data={"qpv_id": ""},
                             follow_redirects=True, headers={"Accept-Language": "en"})
    assert response.status_code == 200
    db.session.refresh(consultation)
    assert consultation.responses_count == 0
    english = habitant.get(f"/consultations/{consultation.id}", headers={"Accept-Language": "en"})
    assert english.status_code == 200
    assert db.session.scalar(select(func.count(Response.id))) == 0
    assert message in services.refusal(consultation, roles.habitant).message


def test_a_visitor_is_sent_to_sign_in_for_a_residents_consultation(client, roles):
    consultation = make_consultation(roles.conseil, audience=Audience.residents)
    response = client.get(f"/consultations/{consultation.id}/repondre/1")
    assert response.status_code == 302 and "/connexion" in response.location
    assert "/connexion" in client.get(f"/consultations/{consultation.id}").text


def test_easy_to_read_texts_when_chosen(client, roles):
    consultation = make_consultation(roles.conseil, intro_falc="Nous voulons savoir ce que vous pensez du parc.")
    assert "Que faites-vous au parc ?" not in client.get(f"/consultations/{consultation.id}/repondre/1").text
    response = client.post(f"/consultations/{consultation.id}/lecture-facile",
                           data={"easy_read": "1", "next": f"/consultations/{consultation.id}/repondre/1"})
    assert response.status_code == 302 and response.location.endswith("/repondre/1")
    assert "Que faites-vous au parc ?" in client.get(f"/consultations/{consultation.id}/repondre/1").text
    assert "Nous voulons savoir" in client.get(f"/consultations/{consultation.id}").text
    response = client.post(f"/consultations/{consultation.id}/lecture-facile",
                           data={"easy_read": "0", "next": "https://evil.example/"})
    assert response.location.endswith(f"/consultations/{consultation.id}")


def test_unknown_pages_are_404(client, roles):
    consultation = make_consultation(roles.conseil)
    assert client.get(f"/consultations/{consultation.id}/repondre/9").status_code == 404
    assert client.get(f"/consultations/{consultation.id}/repondre/0").status_code == 404
    assert client.get(f"/consultations/{consultation.id}/resultats/questions/999999").status_code == 404


# ------------------------------------------------------------------------------------------ results


def test_results_wait_for_the_closing_unless_shown_while_open(client, signed_in, roles):
    consultation = make_consultation(roles.conseil)
    answer_consultation(consultation, roles.habitant)
    page = client.get(f"/consultations/{consultation.id}/resultats")
    assert page.status_code == 200 and "chart" not in page.text
    assert "chart-table" in signed_in(roles.animator).get(f"/consultations/{consultation.id}/resultats").text
    services.close(consultation)
    assert "chart-table" in client.get(f"/consultations/{consultation.id}/resultats").text


def test_results_are_filtered_by_quartier_and_channel(client, roles):
    qpv = make_qpv(name="Les Peupliers")
    consultation = make_consultation(roles.conseil, results_while_open=True)
    answer_consultation(consultation, roles.habitant, qpv=qpv)
    answer_consultation(consultation, token="a-browser-without-account")
    answer_consultation(consultation, paper_by=roles.animator)
    page = client.get(f"/consultations/{consultation.id}/resultats").text
    assert "Les Peupliers" in page and "<dd>3</dd>" in page
    filtered = client.get(f"/consultations/{consultation.id}/resultats?quartier={qpv.id}").text
    assert "Résultats filtrés : 1 réponse." in filtered
    by_channel = client.get(f"/consultations/{consultation.id}/resultats?canal=assisted").text
    assert "Résultats filtrés : 1 réponse." in by_channel
    assert client.get(f"/consultations/{consultation.id}/resultats?canal=nope&quartier=x").status_code == 200


def test_the_team_hides_a_free_text_with_a_reason(client, signed_in, roles):
    consultation = make_consultation(roles.conseil, results_while_open=True)
    text_question = question(consultation, QuestionKind.long_text)
    values = typical_answers(consultation)
    from participation.consultations.answers import AnswerValue

    values[text_question.id] = AnswerValue(text="M. Dupont du 3e fait du bruit")
    answer_consultation(consultation, roles.habitant, values=values)
    answer = db.session.scalar(select(Answer).where(Answer.question_id == text_question.id))
    url = f"/animation/consultations/{consultation.id}/reponses/{answer.id}/masquer"
    assert client.get(url).status_code == 302  # visitors sign in first
    assert signed_in(roles.habitant).post(url, data={"reason": "x"}).status_code == 403
    animator = signed_in(roles.animator)
    listing = animator.get(f"/consultations/{consultation.id}/resultats/questions/{text_question.id}").text
    assert "M. Dupont" in listing and url in listing
    assert animator.post(url, data={"reason": "  "}).status_code == 422
    assert animator.post(url, data={"reason": "Nomme un voisin"}).status_code == 302
    assert "M. Dupont" not in client.get(f"/consultations/{consultation.id}/resultats").text
    assert "M. Dupont" not in client.get(
        f"/consultations/{consultation.id}/resultats/questions/{text_question.id}").text
    assert "Nomme un voisin" in animator.get(
        f"/consultations/{consultation.id}/resultats/questions/{text_question.id}").text
    assert db.session.scalar(select(AuditEntry.reason).where(
        AuditEntry.action == "consultation_answer.hidden")) == "Nomme un voisin"
    restore = f"/animation/consultations/{consultation.id}/reponses/{answer.id}/retablir"
    assert animator.post(restore).status_code == 302
    assert "M. Dupont" in client.get(f"/consultations/{consultation.id}/resultats").text


# ------------------------------------------------------------------------------------------ back office


def test_back_office_needs_the_right_role(client, signed_in, roles):
    consultation = make_consultation(roles.conseil, open_=False)
    urls = ["/animation/consultations", "/animation/consultations/nouvelle",
            f"/animation/consultations/{consultation.id}", f"/animation/consultations/{consultation.id}/parametres",
            f"/animation/consultations/{consultation.id}/apercu/1"]
    for url in urls:
        assert client.get(url).status_code == 302
        assert signed_in(roles.habitant).get(url).status_code == 403
    for url in urls[2:]:
        assert signed_in(roles.other_animator).get(url).status_code == 403
        assert signed_in(roles.project_lead).get(url).status_code == 403
        assert signed_in(roles.animator).get(url).status_code == 200
    assert signed_in(roles.animator).get("/animation/consultations/999999").status_code == 404
    assert signed_in(roles.animator).post(f"/animation/consultations/{consultation.id}/ouvrir").status_code == 302
    assert signed_in(roles.other_animator).post(
        f"/animation/consultations/{consultation.id}/fermer").status_code == 403


def test_an_animator_builds_opens_previews_duplicates_and_closes_a_consultation(signed_in, roles):
    client = signed_in(roles.animator)
    response = client.post("/animation/consultations/nouvelle", data={
        "title": "", "conseil_id": str(roles.conseil.id), "qpv_id": "", "intro": "Votre avis compte.",
        "audience": "anyone", "anonymous_allowed": "y"})
    assert response.status_code == 422 and "Votre avis compte." in response.text
    response = client.post("/animation/consultations/nouvelle", data={
        "title": "La fête de quartier", "conseil_id": str(roles.conseil.id), "qpv_id": "",
        "intro": "Votre avis compte.", "audience": "anyone", "anonymous_allowed": "y",
        "closes_at": "2099-06-30T18:00"})
    assert response.status_code == 302
    consultation = db.session.scalar(select(Consultation).where(Consultation.title == "La fête de quartier"))
    assert consultation.closes_at.hour == 16  # 18:00 in Paris, summer time
    section = consultation.sections[0]
    bad = client.post(f"/animation/consultations/{consultation.id}/questions/nouvelle", data={
        "kind": "single_choice", "text": "Quel jour ?", "section_id": str(section.id), "options": "Samedi",
        "scale": "1-5"})
    assert bad.status_code == 422 and "Quel jour ?" in bad.text and "au moins deux choix" in bad.text
    for text, kind, options in (("Quel jour ?", "single_choice", "Samedi\nDimanche"),
                                ("Quelles animations ?", "multiple_choice", "Musique\nJeux\nRepas"),
                                ("Viendrez-vous ?", "yes_no", "")):
        response = client.post(f"/animation/consultations/{consultation.id}/questions/nouvelle", data={
            "kind": kind, "text": text, "section_id": str(section.id), "options": options, "scale": "1-5",
            "required": "y", "max_choices": "2" if kind == "multiple_choice" else ""})
        assert response.status_code == 302, response.text
    db.session.expire_all()
    consultation = db.session.get(Consultation, consultation.id)
    questions = consultation.ordered_questions()
    assert [q.text for q in questions] == ["Quel jour ?", "Quelles animations ?", "Viendrez-vous ?"]
    assert client.post(f"/animation/consultations/{consultation.id}/questions/{questions[2].id}/deplacer",
                       data={"direction": "up"}).status_code == 302
    assert client.post(f"/animation/consultations/{consultation.id}/pages", data={"section-title": "Vous"}
                       ).status_code == 302
    db.session.expire_all()
    consultation = db.session.get(Consultation, consultation.id)
    assert [q.text for q in consultation.ordered_questions()][1] == "Viendrez-vous ?"
    assert [s.title for s in consultation.sections] == ["", "Vous"]
    assert client.post(f"/animation/consultations/{consultation.id}/pages/{consultation.sections[1].id}",
                       data={f"section-{consultation.sections[1].id}-title": "À propos de vous"}).status_code == 302
    preview = client.get(f"/animation/consultations/{consultation.id}/apercu/1")
    assert preview.status_code == 200 and "Quel jour ?" in preview.text
    assert client.post(f"/animation/consultations/{consultation.id}/apercu/1", data={}).status_code == 422
    assert client.get(f"/animation/consultations/{consultation.id}/apercu/envoi").status_code == 200
    assert db.session.scalar(select(func.count(Response.id))) == 0
    assert client.post(f"/animation/consultations/{consultation.id}/ouvrir").status_code == 302
    db.session.expire_all()
    assert db.session.get(Consultation, consultation.id).is_open
    duplicated = client.post(f"/animation/consultations/{consultation.id}/dupliquer")
    copy_id = int(duplicated.location.rstrip("/").rsplit("/", 1)[1])
    copy = db.session.get(Consultation, copy_id)
    assert copy.title.endswith("La fête de quartier") and not copy.is_published and len(copy.questions) == 3
    assert client.post(f"/animation/consultations/{copy_id}/supprimer").status_code == 302
    assert db.session.get(Consultation, copy_id) is None
    assert client.post(f"/animation/consultations/{consultation.id}/fermer").status_code == 302
    db.session.expire_all()
    assert db.session.get(Consultation, consultation.id).is_closed


def test_after_the_first_answer_the_question_form_only_fixes_wording(signed_in, roles):
    consultation = make_consultation(roles.conseil)
    answer_consultation(consultation, roles.habitant)
    single = question(consultation, QuestionKind.single_choice)
    client = signed_in(roles.animator)
    url = f"/animation/consultations/{consultation.id}/questions/{single.id}"
    form = client.get(url).text
    assert 'name="kind"' not in form and "Jeux pour enfants" in form
    response = client.post(url, data={"text": "Quel usage du parc ? (corrigé)", "falc_text": "",
                                      "options": "Jeux pour les enfants\nSport\nPique-nique"})
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(type(single), single.id).options[0].label == "Jeux pour les enfants"
    response = client.post(url, data={"text": "Quel usage ?", "options": "Jeux\nSport\nPique-nique\nVélo"})
    assert response.status_code == 422 and "Jeux\nSport\nPique-nique\nVélo" in response.text
    assert client.post(f"/animation/consultations/{consultation.id}/questions/{single.id}/supprimer"
                       ).status_code == 302
    assert db.session.get(type(single), single.id) is not None
    assert client.get(f"/animation/consultations/{consultation.id}/questions/nouvelle").status_code == 302


def test_paper_answers_are_typed_in_by_the_animator(signed_in, roles):
    consultation = make_consultation(roles.conseil)
    client = signed_in(roles.animator)
    url = f"/animation/consultations/{consultation.id}/saisie"
    assert signed_in(roles.habitant).get(url).status_code == 403
    fields = page_fields(consultation, 1)
    single = question(consultation, QuestionKind.single_choice)
    del fields[f"q{single.id}"]
    response = client.post(url, data={**fields, "qpv_id": ""})
    assert response.status_code == 422 and "Des arbres" in response.text
    fields[f"q{single.id}"] = str(single.options[1].id)
    assert client.post(url, data={**fields, "qpv_id": ""}).status_code == 302
    assert client.post(url, data={**fields, "qpv_id": ""}).status_code == 302
    db.session.refresh(consultation)
    assert (consultation.responses_count, consultation.assisted_count) == (2, 2)
    entered = db.session.scalars(select(Response.entered_by_id)).all()
    assert entered == [roles.animator.id, roles.animator.id]


def test_the_synthesis_is_written_then_published_as_a_contribution(signed_in, roles, outbox):
    consultation = make_consultation(roles.conseil)
    answer_consultation(consultation, roles.habitant)
    client = signed_in(roles.animator)
    url = f"/animation/consultations/{consultation.id}/synthese"
    assert signed_in(roles.other_animator).get(url).status_code == 403
    assert client.post(url, data={"synthesis": "Brouillon", "action": "save"}).status_code == 302
    response = client.post(url, data={"synthesis": "Brouillon", "action": "publish"})
    assert response.status_code == 422 and "une fois la consultation close" in response.text
    services.close(consultation)
    response = client.post(url, data={"synthesis": "Les habitants veulent **de l'ombre**.", "action": "publish"})
    assert response.status_code == 302 and response.location.endswith("#synthese")
    contribution = db.session.scalar(select(Contribution))
    assert contribution.source_type == "consultation" and contribution.source_id == consultation.id
    page = signed_in(roles.habitant).get(f"/consultations/{consultation.id}/resultats").text
    assert "<strong>de l&#39;ombre</strong>" in page or "<strong>de l'ombre</strong>" in page
    assert f"/suivi/{contribution.id}" in page
    assert [m.recipient for m in outbox()] == [roles.habitant.email]
    follow_up = signed_in(roles.habitant).get(f"/suivi/{contribution.id}").text
    assert f"/consultations/{consultation.id}/resultats#synthese" in follow_up
    assert client.get(url).status_code == 302  # published: nothing more to write


def test_exports_are_streamed_in_french_csv_xlsx_and_ods(signed_in, roles):
    import openpyxl
    from odf.opendocument import load
    from odf.table import Table, TableCell, TableRow

    consultation = make_consultation(roles.conseil)
    answer_consultation(consultation, roles.habitant)
    from participation.consultations.answers import AnswerValue

    values = typical_answers(consultation)
    values[question(consultation, QuestionKind.short_text).id] = AnswerValue(text="=HYPERLINK(\"x\")")
    answer_consultation(consultation, paper_by=roles.animator, values=values)
    base = f"/pilotage/consultations/{consultation.id}/export"
    assert signed_in(roles.habitant).get(f"{base}/reponses.csv").status_code == 403
    assert signed_in(roles.project_lead).get(f"{base}/reponses.pdf").status_code == 404
    lead = signed_in(roles.project_lead)
    csv = lead.get(f"{base}/reponses.csv")
    assert csv.status_code == 200 and csv.is_streamed is False or csv.status_code == 200
    body = csv.data.decode("utf-8")
    assert body.startswith("\ufeff") and ";" in body.splitlines()[0]
    assert "'=HYPERLINK" in body and len(body.strip().splitlines()) == 3
    results_csv = lead.get(f"{base}/resultats.csv").data.decode("utf-8")
    assert "Propreté" in results_csv and ";6;" in results_csv
    workbook = openpyxl.load_workbook(io.BytesIO(lead.get(f"{base}/reponses.xlsx").data), read_only=True)
    rows = list(workbook.active.iter_rows(values_only=True))
    assert len(rows) == 3 and len(rows[0]) == 4 + len(consultation.questions)
    ods = lead.get(f"{base}/resultats.ods").data
    assert zipfile.ZipFile(io.BytesIO(ods)).read("mimetype") == b"application/vnd.oasis.opendocument.spreadsheet"
    document = load(io.BytesIO(ods))
    table = document.spreadsheet.getElementsByType(Table)[0]
    texts = [[str(cell) for cell in row.getElementsByType(TableCell)] for row in table.getElementsByType(TableRow)]
    assert any("Propreté" in cell for row in texts for cell in row)
    assert db.session.scalar(select(func.count(AuditEntry.id)).where(AuditEntry.action == "consultation.exported")) \
        == 4
