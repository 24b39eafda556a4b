from __future__ import annotations

import re
import shutil
import subprocess
import threading
from datetime import UTC, date, datetime, timedelta

import pytest
from flask.testing import FlaskClient
from sqlalchemy import func, select

from participation.contract.models import Contribution
from participation.db import utcnow
from participation.extensions import db
from participation.minutes import services
from participation.minutes.models import (
    ActionStatus,
    MinutesRevision,
    MinutesStatus,
    ReviewComment,
)
from participation.territory.models import Seat
from tests.conftest import on_postgres

ARTICLE = re.compile(r'<article class="minutes-document".*?</article>', re.S)


@pytest.fixture
def meeting(roles, make_meeting, make_member):
    for _ in range(3):
        make_member(roles.conseil, seat=Seat.titulaire)
    meeting = make_meeting(roles.conseil, roles.animator)
    db.session.commit()
    return meeting


def _published(meeting, roles, record_presence, make_decision, publish_minutes, **decision):
    record_presence(meeting, roles.animator, list(roles.conseil.memberships)[:3], other=5)
    make_decision(meeting, roles.animator, **decision)
    services.add_action_item(meeting.minutes, services.ActionData("Réparer l'éclairage du square", "Mairie",
                                                                  date(2030, 6, 1)), roles.animator, date(2026, 1, 1))
    publish_minutes(meeting, roles.animator)
    db.session.commit()


# ---------------------------------------------------------------- who sees what


def test_drafts_are_not_public(client, meeting):
    assert client.get(f"/comptes-rendus/{meeting.id}").status_code == 404
    assert client.get(f"/comptes-rendus/{meeting.id}.pdf").status_code == 404
    assert "Plénière du 3 mars 2026" not in client.get("/comptes-rendus").text


@pytest.mark.parametrize("role, expected", [
    ("visitor", 302), ("unverified", 403), ("habitant", 403), ("member", 200), ("animator", 200),
    ("other_animator", 403), ("project_lead", 200), ("admin", 403),
])
def test_only_the_conseil_sees_the_draft_and_its_comments(app, signed_in, roles, meeting, role, expected):
    services.send_to_review(meeting.minutes, roles.animator)
    services.add_comment(meeting.minutes, roles.member, meeting.agenda_items[0].key, "Remarque interne")
    db.session.commit()
    user = roles.all()[role]
    client = signed_in(user) if user else app.test_client()
    response = client.get(f"/comptes-rendus/{meeting.id}/relecture")
    assert response.status_code == expected
    if expected == 302:
        assert "/connexion" in response.headers["Location"]
    if expected == 200:
        assert "Remarque interne" in response.text
    versions = client.get(f"/comptes-rendus/{meeting.id}/versions")
    assert versions.status_code == expected
    public = client.get(f"/comptes-rendus/{meeting.id}")
    assert public.status_code == (302 if expected == 200 else 404)


@pytest.mark.parametrize("role, expected", [
    ("visitor", 302), ("habitant", 403), ("member", 403), ("other_animator", 403), ("project_lead", 403),
    ("admin", 403), ("animator", 200),
])
def test_only_its_animators_manage_the_meeting(app, signed_in, roles, meeting, role, expected):
    user = roles.all()[role]
    client = signed_in(user) if user else app.test_client()
    for path in ("", "/modifier", "/presences", "/compte-rendu", "/decisions/nouvelle", "/actions/nouvelle",
                 "/masquer"):
        assert client.get(f"/animation/reunions/{meeting.id}{path}").status_code == expected, path
    posted = client.post(f"/animation/reunions/{meeting.id}/compte-rendu",
                         data={f"item_{meeting.agenda_items[0].id}": "Intrus"})
    assert posted.status_code in ((302,) if expected == 302 else (403,) if expected == 403 else (302,))
    if expected != 200:
        assert meeting.agenda_items[0].notes == ""


def test_unknown_meetings_are_404(signed_in, roles):
    client = signed_in(roles.animator)
    for path in ("/comptes-rendus/999", "/comptes-rendus/999.pdf", "/animation/reunions/999",
                 "/animation/reunions/999/presences", "/comptes-rendus/999/versions/1"):
        assert client.get(path).status_code == 404, path


def test_back_office_list_and_rule(signed_in, roles, meeting):
    client = signed_in(roles.animator)
    page = client.get("/animation/reunions")
    assert page.status_code == 200 and "Plénière du 3 mars 2026" in page.text
    assert "Conseil de la Roseraie" not in page.text
    assert signed_in(roles.habitant).get("/animation/reunions").status_code == 403
    response = client.post(f"/animation/reunions/reglement/{roles.conseil.slug}",
                           data={"quorum_basis": "all_members", "quorum_percent": "0", "review_days": "12"})
    assert response.status_code == 422 and 'id="quorum_percent-error"' in response.text
    response = client.post(f"/animation/reunions/reglement/{roles.conseil.slug}",
                           data={"quorum_basis": "all_members", "quorum_percent": "34", "review_days": "12"})
    assert response.status_code == 302 and services.get_rule(roles.conseil).quorum_percent == 34
    assert signed_in(roles.other_animator).get(
        f"/animation/reunions/reglement/{roles.conseil.slug}").status_code == 403


# ---------------------------------------------------------------- creating and writing


def test_creating_a_meeting_keeps_what_was_typed_when_something_is_missing(signed_in, roles):
    client = signed_in(roles.animator)
    assert client.get(f"/animation/reunions/nouvelle?conseil={roles.conseil.slug}").status_code == 200
    data = {"conseil_id": roles.conseil.id, "kind": "plenary", "title": "Plénière de printemps",
            "starts_at": "2026-04-07T18:30", "place": "Centre social", "agenda": "  \n "}
    response = client.post("/animation/reunions/nouvelle", data=data)
    assert response.status_code == 422
    assert 'value="Plénière de printemps"' in response.text and 'id="agenda-error"' in response.text
    data["agenda"] = "Accueil\nBudget participatif\nQuestions diverses"
    response = client.post("/animation/reunions/nouvelle", data=data)
    assert response.status_code == 302
    meeting = services.db.session.scalar(select(services.Meeting).where(services.Meeting.title == data["title"]))
    assert [item.title for item in meeting.agenda_items] == ["Accueil", "Budget participatif", "Questions diverses"]
    assert meeting.starts_at == datetime(2026, 4, 7, 16, 30, tzinfo=UTC)  # 18:30 in Paris, summer time
    # An animator cannot create a meeting for a conseil they do not run.
    data["conseil_id"] = roles.other_conseil.id
    assert client.post("/animation/reunions/nouvelle", data=data).status_code == 422


def test_attendance_sections_and_quorum_through_the_pages(signed_in, roles, meeting):
    client = signed_in(roles.animator)
    memberships = services.eligible_memberships(meeting)
    data = {f"member_{m.id}": "present" for m in memberships[:3]}
    data.update({f"member_{m.id}": "excused" for m in memberships[3:]})
    data["other_attendees"] = "abc"
    response = client.post(f"/animation/reunions/{meeting.id}/presences", data=data)
    assert response.status_code == 422 and 'id="other_attendees-error"' in response.text
    data["other_attendees"] = "6"
    assert client.post(f"/animation/reunions/{meeting.id}/presences", data=data).status_code == 302
    page = client.get(f"/animation/reunions/{meeting.id}")
    assert "Quorum atteint" in page.text or "Quorum reached" in page.text
    item = meeting.agenda_items[0]
    form = client.get(f"/animation/reunions/{meeting.id}/compte-rendu").text
    base = re.search(r'name="base" type="hidden" value="(\d+)"', form) or re.search(
        r'id="base" name="base" type="hidden" value="(\d+)"', form)
    base_value = base.group(1) if base else str(meeting.minutes.revision_count)
    response = client.post(f"/animation/reunions/{meeting.id}/compte-rendu",
                           data={"base": base_value, f"item_{item.id}": "Le budget est de **50 000 €**."})
    assert response.status_code == 302
    assert "<strong>50 000 €</strong>" in client.get(f"/comptes-rendus/{meeting.id}/relecture").text
    # Someone else saved meanwhile: the stale form is refused and keeps the text.
    response = client.post(f"/animation/reunions/{meeting.id}/compte-rendu",
                           data={"base": base_value, f"item_{item.id}": "Mon texte à moi"})
    assert response.status_code == 422 and "Mon texte à moi" in response.text


def test_a_vote_that_does_not_match_the_attendance_is_explained_next_to_the_field(signed_in, roles, meeting,
                                                                                 record_presence):
    record_presence(meeting, roles.animator, list(roles.conseil.memberships)[:2])
    db.session.commit()
    client = signed_in(roles.animator)
    data = {"kind": "decision", "agenda_item_id": "", "text": "Le conseil demande des bancs.",
            "dissenting_views": "Un membre s'y oppose.", "votes_for": "3", "votes_against": "1"}
    response = client.post(f"/animation/reunions/{meeting.id}/decisions/nouvelle", data=data)
    assert response.status_code == 422
    assert 'id="votes_for-error"' in response.text and "Le conseil demande des bancs." in response.text
    data["votes_for"] = "zéro"
    response = client.post(f"/animation/reunions/{meeting.id}/decisions/nouvelle", data=data)
    assert response.status_code == 422 and 'id="votes_for-error"' in response.text
    data.update(votes_for="1", dissenting_views="")
    response = client.post(f"/animation/reunions/{meeting.id}/decisions/nouvelle", data=data)
    assert response.status_code == 422 and 'id="dissenting_views-error"' in response.text
    data["dissenting_views"] = "Un membre s'y oppose."
    assert client.post(f"/animation/reunions/{meeting.id}/decisions/nouvelle", data=data).status_code == 302
    decision = meeting.minutes.decisions[0]
    assert (decision.votes_for, decision.votes_against) == (1, 1)
    assert client.get(f"/animation/reunions/{meeting.id}/decisions/{decision.id}").status_code == 200


def test_a_new_action_item_due_in_the_past_is_refused_with_what_was_typed(signed_in, roles, meeting):
    client = signed_in(roles.animator)
    data = {"what": "Relancer le bailleur", "who": "Karim", "due_on": "2020-01-01", "status": "planned"}
    response = client.post(f"/animation/reunions/{meeting.id}/actions/nouvelle", data=data)
    assert response.status_code == 422
    assert 'id="due_on-error"' in response.text and "Relancer le bailleur" in response.text
    data["due_on"] = (date.today() + timedelta(days=30)).isoformat()
    assert client.post(f"/animation/reunions/{meeting.id}/actions/nouvelle", data=data).status_code == 302
    action = meeting.minutes.action_items[0]
    response = client.post(f"/animation/reunions/{meeting.id}/actions/{action.id}/statut",
                           data={f"a{action.id}-status": "in_progress"})
    assert response.status_code == 302 and action.status == ActionStatus.in_progress
    client.post(f"/animation/reunions/{meeting.id}/actions/{action.id}/statut", data={f"a{action.id}-status": "x"})
    assert action.status == ActionStatus.in_progress


def test_a_redaction_without_reason_is_refused_with_what_was_typed(signed_in, roles, meeting):
    item = meeting.agenda_items[0]
    services.save_sections(meeting.minutes, {item.id: "M. Dupont, du 12, a des dettes de loyer."}, roles.animator)
    db.session.commit()
    client = signed_in(roles.animator)
    data = {"target": item.key, "passage": "M. Dupont, du 12, a des dettes de loyer.", "reason": "  "}
    response = client.post(f"/animation/reunions/{meeting.id}/masquer", data=data)
    assert response.status_code == 422
    assert 'id="reason-error"' in response.text and "M. Dupont, du 12" in response.text
    data["passage"] = "pas dans le texte"
    data["reason"] = "Vie privée"
    response = client.post(f"/animation/reunions/{meeting.id}/masquer", data=data)
    assert response.status_code == 422 and 'id="passage-error"' in response.text
    data["passage"] = "M. Dupont, du 12, a des dettes de loyer."
    assert client.post(f"/animation/reunions/{meeting.id}/masquer", data=data).status_code == 302
    redaction = meeting.minutes.redactions[0]
    assert client.post(f"/animation/reunions/{meeting.id}/masquer/{redaction.id}/lever",
                       data={f"r{redaction.id}-reason": ""}).status_code == 302
    assert len(meeting.minutes.redactions) == 1
    client.post(f"/animation/reunions/{meeting.id}/masquer/{redaction.id}/lever",
                data={f"r{redaction.id}-reason": "Erreur"})
    assert meeting.minutes.redactions == []


def test_approving_without_a_decision_says_so_and_keeps_the_note(signed_in, roles, meeting):
    services.send_to_review(meeting.minutes, roles.animator)
    db.session.commit()
    client = signed_in(roles.animator)
    assert client.get(f"/animation/reunions/{meeting.id}/approbation").status_code == 200
    response = client.post(f"/animation/reunions/{meeting.id}/approbation",
                           data={"mode": "vote", "approval_meeting_id": "", "note": "Unanimité moins une voix"})
    assert response.status_code == 422
    assert 'href="#decisions-recorded"' in response.text and "Unanimité moins une voix" in response.text
    response = client.post(f"/animation/reunions/{meeting.id}/approbation", data={"approval_meeting_id": ""})
    assert response.status_code == 422 and 'id="mode-error"' in response.text
    assert meeting.minutes.status == MinutesStatus.in_review


# ---------------------------------------------------------------- review, publication, corrections


def test_the_whole_workflow_through_the_pages(signed_in, roles, meeting, record_presence, make_decision, outbox):
    record_presence(meeting, roles.animator, list(roles.conseil.memberships)[:3])
    make_decision(meeting, roles.animator, text="Le conseil demande **trois bancs**.")
    db.session.commit()
    animator, member = signed_in(roles.animator), signed_in(roles.member)
    assert member.post(f"/animation/reunions/{meeting.id}/relecture").status_code == 403
    assert animator.post(f"/animation/reunions/{meeting.id}/relecture").status_code == 302
    assert outbox(roles.member.email)[-1].subject
    item = meeting.agenda_items[0]
    empty = member.post(f"/comptes-rendus/{meeting.id}/relecture", data={"target": item.key, "body": " "})
    assert empty.status_code == 422 and 'id="body-error"' in empty.text
    response = member.post(f"/comptes-rendus/{meeting.id}/relecture", data={
        "target": item.key, "body": "Il manque le montant.", "proposed_text": "Budget de 50 000 € voté."})
    assert response.status_code == 302
    assert signed_in(roles.habitant).post(f"/comptes-rendus/{meeting.id}/relecture", data={
        "target": item.key, "body": "Intrus"}).status_code == 403
    comment = db.session.scalar(select(ReviewComment))
    assert animator.post(f"/animation/reunions/{meeting.id}/propositions/{comment.id}/accepter").status_code == 302
    assert item.notes == "Budget de 50 000 € voté."
    meeting.minutes.review_ends_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    assert animator.post(f"/animation/reunions/{meeting.id}/approbation",
                         data={"mode": "silence", "approval_meeting_id": ""}).status_code == 302
    assert animator.post(f"/animation/reunions/{meeting.id}/publication").status_code == 302
    page = signed_in(roles.habitant).get(f"/comptes-rendus/{meeting.id}")
    assert page.status_code == 200
    assert "<strong>trois bancs</strong>" in page.text and "Deux membres craignent" in page.text
    assert "Il manque le montant." not in page.text  # review comments stay internal


def test_published_minutes_show_decisions_dissent_actions_and_a_pdf(client, roles, meeting, record_presence,
                                                                   make_decision, publish_minutes):
    _published(meeting, roles, record_presence, make_decision, publish_minutes,
               text="Le conseil demande l'installation de bancs au square des Tilleuls.")
    listing = client.get(f"/comptes-rendus?conseil={roles.conseil.slug}&annee=2026")
    assert "Plénière du 3 mars 2026" in listing.text
    page = client.get(f"/comptes-rendus/{meeting.id}")
    assert page.status_code == 200
    for text in ("bancs au square des Tilleuls", "Deux membres craignent", "Réparer l'éclairage du square",
                 "css/print.css", 'media="print"'):
        assert text.replace("'", "&#39;") in page.text or text in page.text, text
    pdf = client.get(f"/comptes-rendus/{meeting.id}.pdf")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    assert pdf.headers["Content-Disposition"].startswith("attachment;")
    assert pdf.data.startswith(b"%PDF")
    assert shutil.which("pdftotext"), "pdftotext (Debian poppler-utils) is needed"
    text = subprocess.run(["pdftotext", "-layout", "-", "-"], input=pdf.data, capture_output=True,
                          check=True).stdout.decode()
    flat = " ".join(text.split())
    assert "bancs au square des Tilleuls" in flat and "Deux membres craignent" in flat
    assert "Plénière du 3 mars 2026" in flat and "Réparer l'éclairage du square" in flat


def test_a_correction_needs_a_reason_and_every_revision_shows_what_it_showed(client, signed_in, roles, meeting,
                                                                            record_presence, make_decision,
                                                                            publish_minutes):
    _published(meeting, roles, record_presence, make_decision, publish_minutes)
    first_number = meeting.minutes.published_number
    shown_then = ARTICLE.search(client.get(f"/comptes-rendus/{meeting.id}").text).group(0)
    internal_then = ARTICLE.search(signed_in(roles.member).get(
        f"/comptes-rendus/{meeting.id}/versions/{first_number}").text).group(0)
    animator = signed_in(roles.animator)
    item = meeting.agenda_items[0]
    data = {"base": str(meeting.minutes.revision_count), f"item_{item.id}": "Texte corrigé.", "reason": ""}
    response = animator.post(f"/animation/reunions/{meeting.id}/compte-rendu", data=data)
    assert response.status_code == 422 and 'id="reason-error"' in response.text and "Texte corrigé." in response.text
    data["reason"] = "Oubli du compte rendu du point 1"
    assert animator.post(f"/animation/reunions/{meeting.id}/compte-rendu", data=data).status_code == 302
    page = client.get(f"/comptes-rendus/{meeting.id}").text
    assert "Texte corrigé." in page and "Oubli du compte rendu du point 1" in page
    # The earlier public version is still shown exactly as it was, to the public and to the conseil.
    again = client.get(f"/comptes-rendus/{meeting.id}/versions/{first_number}")
    assert ARTICLE.search(again.text).group(0) == shown_then
    internal_again = signed_in(roles.member).get(f"/comptes-rendus/{meeting.id}/versions/{first_number}")
    assert ARTICLE.search(internal_again.text).group(0) == internal_then
    # The public sees published revisions only; drafts before publication stay internal.
    assert client.get(f"/comptes-rendus/{meeting.id}/versions/1").status_code == 404
    assert signed_in(roles.member).get(f"/comptes-rendus/{meeting.id}/versions/1").status_code == 200
    compare = client.get(f"/comptes-rendus/{meeting.id}/comparer?de={first_number}&a={meeting.minutes.revision_count}")
    assert compare.status_code == 200 and "<ins" in compare.text and "Texte corrigé." in compare.text
    assert client.get(f"/comptes-rendus/{meeting.id}/comparer?de=1&a=2").status_code == 404
    versions = client.get(f"/comptes-rendus/{meeting.id}/versions").text
    assert "Oubli du compte rendu du point 1" in versions


def test_hidden_passages_are_not_in_the_public_page_nor_the_pdf(client, signed_in, roles, meeting, record_presence,
                                                                make_decision, publish_minutes):
    item = meeting.agenda_items[0]
    services.save_sections(meeting.minutes, {item.id: "Débat vif. M. Dupont doit trois mois de loyer. Fin."},
                           roles.animator)
    services.redact(meeting.minutes, item.key, "M. Dupont doit trois mois de loyer.", "Vie privée", roles.animator)
    _published(meeting, roles, record_presence, make_decision, publish_minutes)
    page = client.get(f"/comptes-rendus/{meeting.id}").text
    assert "Dupont" not in page and "[… 1]" in page and "Vie privée" in page
    pdf = client.get(f"/comptes-rendus/{meeting.id}.pdf").data
    text = subprocess.run(["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True).stdout.decode()
    assert "Dupont" not in text and "Vie privée" in text
    assert "Dupont" in signed_in(roles.member).get(
        f"/comptes-rendus/{meeting.id}/versions/{meeting.minutes.published_number}").text


def test_action_items_appear_on_the_conseil_page_until_done(client, roles, meeting, record_presence, make_decision,
                                                            publish_minutes):
    _published(meeting, roles, record_presence, make_decision, publish_minutes)
    assert "Réparer l&#39;éclairage du square" in client.get(f"/conseils/{roles.conseil.slug}").text
    services.set_action_status(meeting.minutes.action_items[0], ActionStatus.done, roles.animator)
    db.session.commit()
    assert "Réparer l&#39;éclairage du square" not in client.get(f"/conseils/{roles.conseil.slug}").text


def test_a_decision_is_sent_to_the_contract_follow_up(client, signed_in, roles, meeting, record_presence,
                                                      make_decision, publish_minutes):
    _published(meeting, roles, record_presence, make_decision, publish_minutes)
    decision = meeting.minutes.decisions[0]
    assert signed_in(roles.member).post(
        f"/animation/reunions/{meeting.id}/decisions/{decision.id}/contribution").status_code == 403
    response = signed_in(roles.animator).post(f"/animation/reunions/{meeting.id}/decisions/{decision.id}/contribution")
    assert response.status_code == 302
    contribution = db.session.scalar(select(Contribution))
    follow_up = client.get(f"/suivi/{contribution.id}").text
    assert "Deux membres craignent" in follow_up and f"/comptes-rendus/{meeting.id}" in follow_up
    assert f"/suivi/{contribution.id}" in client.get(f"/comptes-rendus/{meeting.id}").text


def test_members_choose_how_they_are_named(client, signed_in, roles, meeting, record_presence, make_decision,
                                           publish_minutes):
    roles.member.display_name = "Membre Fidèle"
    _published(meeting, roles, record_presence, make_decision, publish_minutes)
    assert "Membre Fidèle" in client.get(f"/comptes-rendus/{meeting.id}").text
    member = signed_in(roles.member)
    assert "Membre Fidèle" in member.get(f"/comptes-rendus/{meeting.id}/relecture").text
    assert member.post(f"/comptes-rendus/{meeting.id}/mon-nom", data={"show": "initials"}).status_code == 302
    page = client.get(f"/comptes-rendus/{meeting.id}").text
    assert "Membre Fidèle" not in page and "M. F." in page
    assert signed_in(roles.habitant).post(f"/comptes-rendus/{meeting.id}/mon-nom",
                                          data={"show": "name"}).status_code == 403


def test_pages_in_english(client, roles, meeting, record_presence, make_decision, publish_minutes):
    _published(meeting, roles, record_presence, make_decision, publish_minutes)
    page = client.get(f"/comptes-rendus/{meeting.id}", headers={"Accept-Language": "en"}).text
    assert "Dissenting views" in page and "Download as PDF" in page
    french = client.get(f"/comptes-rendus/{meeting.id}", headers={"Accept-Language": "fr"}).text
    assert "Avis divergents" in french and "Télécharger en PDF" in french


# ---------------------------------------------------------------- counters under concurrency


@pytest.mark.skipif(not on_postgres(), reason="needs PostgreSQL (TEST_DATABASE_URL)")
def test_comment_counter_and_revision_numbers_stay_exact_under_concurrent_requests(app, roles, meeting, make_member):
    members = [make_member(roles.conseil).user for _ in range(6)]
    second_animator = factories_make_animator(roles)
    services.send_to_review(meeting.minutes, roles.animator)
    db.session.commit()
    item_id, key, meeting_id = meeting.agenda_items[0].id, meeting.agenda_items[0].key, meeting.id
    session_ids = [user.get_id() for user in members]
    animator_ids = [roles.animator.get_id(), second_animator.get_id()]
    start = threading.Barrier(len(members) + 2)
    statuses: list[int] = []

    def client_for(session_id: str) -> FlaskClient:
        client = FlaskClient(app, app.response_class)
        with client.session_transaction() as session:
            session["_user_id"], session["_fresh"] = session_id, True
        return client

    def comment(session_id: str) -> None:
        client = client_for(session_id)
        start.wait()
        statuses.append(client.post(f"/comptes-rendus/{meeting_id}/relecture",
                                    data={"target": key, "body": f"Avis {session_id}"}).status_code)

    def save(session_id: str, text: str) -> None:
        client = client_for(session_id)
        start.wait()
        statuses.append(client.post(f"/animation/reunions/{meeting_id}/compte-rendu",
                                    data={f"item_{item_id}": text}).status_code)

    threads = [threading.Thread(target=comment, args=(session_id,)) for session_id in session_ids]
    threads += [threading.Thread(target=save, args=(animator_ids[0], "Version A")),
                threading.Thread(target=save, args=(animator_ids[1], "Version B"))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert statuses.count(302) == len(members) + 2, statuses
    db.session.expire_all()
    minutes = meeting.minutes
    counted = db.session.scalar(select(func.count(ReviewComment.id)).where(ReviewComment.minutes_id == minutes.id))
    assert minutes.comment_count == counted == len(members)
    numbers = list(db.session.scalars(select(MinutesRevision.number).where(MinutesRevision.minutes_id == minutes.id)
                                      .order_by(MinutesRevision.number)))
    assert numbers == list(range(1, minutes.revision_count + 1))


def factories_make_animator(roles):
    from tests.factories import make_animator, make_user

    user = make_user(name="Second animateur")
    make_animator(roles.conseil, user)
    db.session.commit()
    return user


def test_statements_do_not_grow_with_the_rows_shown(app, client, roles, make_meeting, make_member, make_decision,
                                                    record_presence, publish_minutes):
    from participation.sqlcount import count_statements

    def publish_one(members: int, decisions: int, title: str):
        for _ in range(members):
            make_member(roles.conseil)
        meeting = make_meeting(roles.conseil, roles.animator, title=title)
        record_presence(meeting, roles.animator, list(roles.conseil.memberships))
        for _ in range(decisions):
            make_decision(meeting, roles.animator)
            services.add_action_item(meeting.minutes, services.ActionData("Agir", "Mairie", date(2030, 1, 1)),
                                     roles.animator, date(2026, 1, 1))
        publish_minutes(meeting, roles.animator)
        db.session.commit()
        return meeting

    small = publish_one(1, 1, "Petite")

    def statements(path: str) -> int:
        client.get(path)
        with count_statements() as counter:
            assert client.get(path).status_code == 200
        return counter.count

    list_small, page_small = statements("/comptes-rendus"), statements(f"/comptes-rendus/{small.id}")
    big = publish_one(12, 6, "Grande")
    for n in range(4):
        publish_one(0, 1, f"Autre {n}")
    assert statements("/comptes-rendus") == list_small
    assert statements(f"/comptes-rendus/{big.id}") == page_small


def test_a_linked_workshop_is_linked_once_the_workshops_pages_exist(app, client, roles, make_meeting, make_decision,
                                                                    publish_minutes):
    if "workshops.show_workshop" not in app.view_functions:  # the workshops capability may be installed
        app.add_url_rule("/ateliers/<int:workshop_id>", endpoint="workshops.show_workshop",
                         view_func=lambda workshop_id: f"atelier {workshop_id}")
    meeting = make_meeting(roles.conseil, roles.animator, kind=services.MeetingKind.workshop)
    data = services.MeetingData(kind=meeting.kind, title=meeting.title, starts_at=meeting.starts_at,
                                agenda=[item.title for item in meeting.agenda_items], workshop_id=42)
    services.update_meeting(meeting, data, roles.animator)
    make_decision(meeting, roles.animator)
    publish_minutes(meeting, roles.animator)
    db.session.commit()
    assert 'href="/ateliers/42"' in client.get(f"/comptes-rendus/{meeting.id}").text
