from __future__ import annotations

import io
from datetime import UTC, date, datetime

import pytest

from participation.contract import annual_report
from participation.contract.models import ContractNode, ContributionStatus, EventKind
from participation.extensions import db

BACK_OFFICE = ["/pilotage/contrat", "/pilotage/contrat/import", "/pilotage/contributions", "/pilotage/rapport-annuel",
               "/pilotage", "/pilotage/exports"]


@pytest.mark.parametrize("url", BACK_OFFICE)
def test_back_office_sends_visitors_to_sign_in_and_refuses_residents(client, signed_in, roles, contract, url):
    response = client.get(url)
    assert response.status_code == 302 and "/connexion" in response.headers["Location"]
    assert signed_in(roles.member).get(url).status_code == 403
    assert signed_in(roles.project_lead).get(url).status_code == 200


def test_public_pages(client, contract, make_contribution, roles, node_of):
    contribution = make_contribution(roles.conseil, author=roles.habitant)
    from participation.contract import services

    services.link_to_node(contribution, node_of("1.1.1.b"), actor=roles.project_lead)
    page = client.get("/contrat")
    assert page.status_code == 200 and "Éclairage du passage des Tilleuls" in page.text
    assert contribution.title in page.text and "Reçue" in page.text
    assert client.get(f"/contrat/{node_of('1.1.1.b').id}").status_code == 200
    assert client.get("/contrat/99999").status_code == 404
    assert client.get("/pilotage/contributions/99999").status_code == 404


def test_contrat_without_contract(client, app):
    assert "pas encore été publié" in client.get("/contrat").text


def test_chef_de_projet_enters_the_contract_and_bad_input_is_kept(signed_in, roles):
    lead = signed_in(roles.project_lead)
    bad = lead.post("/pilotage/contrat", data={"title": "Mon contrat", "starts_year": "2030", "ends_year": "2024"})
    assert bad.status_code == 422 and 'value="Mon contrat"' in bad.text
    ok = lead.post("/pilotage/contrat", data={"title": "Mon contrat", "starts_year": "2024", "ends_year": "2030",
                                              "signatories": "Agglo\nÉtat"})
    assert ok.status_code == 302
    added = lead.post("/pilotage/contrat/noeuds", data={"node-title": "Tranquillité", "node-pillar": ""})
    assert added.status_code == 302
    enjeu = db.session.query(ContractNode).one()
    empty = lead.post("/pilotage/contrat/noeuds", data={"node-title": " ", "node-code": "X9",
                                                        "node-parent_id": str(enjeu.id)})
    assert empty.status_code == 422 and 'value="X9"' in empty.text
    assert lead.post("/pilotage/contrat/noeuds", data={"node-title": "Orientation",
                                                       "node-parent_id": "99999"}).status_code == 404
    edited = lead.post(f"/pilotage/contrat/noeuds/{enjeu.id}", data={"title": "Tranquillité publique", "code": "1",
                                                                    "pillar": "cadre_de_vie"})
    assert edited.status_code == 302
    assert lead.post(f"/pilotage/contrat/noeuds/{enjeu.id}/supprimer").status_code == 302
    assert lead.get(f"/pilotage/contrat/noeuds/{enjeu.id}").status_code == 404


def test_import_page_reports_lines(signed_in, roles, contract):
    lead = signed_in(roles.project_lead)
    data = b"niveau;code;parent;titre\nobjectif;9.1;;Sans parent\n"
    response = lead.post("/pilotage/contrat/import", data={"file": (io.BytesIO(data), "contrat.csv")},
                         content_type="multipart/form-data")
    assert response.status_code == 422 and "Ligne 2" in response.text
    good = "niveau;code;parent;titre\nenjeu;9;;Santé\n".encode()
    response = lead.post("/pilotage/contrat/import", data={"file": (io.BytesIO(good), "contrat.csv")},
                         content_type="multipart/form-data")
    assert response.status_code == 302
    for fmt in ("csv", "xlsx"):
        assert lead.get(f"/pilotage/contrat/modele.{fmt}").status_code == 200
    assert lead.get("/pilotage/contrat/modele.pdf").status_code == 404


def test_back_office_of_a_contribution(signed_in, roles, contract, make_contribution, node_of):
    contribution = make_contribution(roles.conseil, author=roles.habitant)
    other = make_contribution(roles.other_conseil)
    animator = signed_in(roles.animator)
    listing = animator.get("/pilotage/contributions")
    assert contribution.title in listing.text and f"n° {other.id}" not in listing.text
    assert animator.get(f"/pilotage/contributions/{other.id}").status_code == 403
    base = f"/pilotage/contributions/{contribution.id}"
    assert animator.get(base).status_code == 200
    node = node_of("1.1.1.a")
    assert animator.post(f"{base}/liens", data={"link-node_id": str(node.id)}).status_code == 302
    assert animator.post(f"{base}/liens", data={"link-node_id": "0"}).status_code == 422
    filtered = animator.get(f"/pilotage/contributions?node={node_of('1').id}")
    assert contribution.title in filtered.text
    assert contribution.title not in animator.get("/pilotage/contributions?node=none").text
    no_reason = animator.post(f"{base}/statut", data={"status-status": "not_retained", "status-reason": ""})
    assert no_reason.status_code == 422
    assert animator.post(f"{base}/statut", data={"status-status": "under_study"}).status_code == 302
    assert animator.post(f"{base}/statut", data={"status-status": "merged",
                                                 "status-merged_into": "99999"}).status_code == 422
    assert animator.post(f"{base}/reponse", data={"answer-answer": ""}).status_code == 422
    assert animator.post(f"{base}/reponse", data={"answer-answer": "Oui, au printemps."}).status_code == 302
    future = animator.post(f"{base}/evenements", data={
        "event-kind": "discussed", "event-occurred_on": "2099-01-01", "event-text": "Comité", "event-actor_label": ""})
    assert future.status_code == 422 and "Comité" in future.text
    ok = animator.post(f"{base}/evenements", data={
        "event-kind": "discussed", "event-occurred_on": "2025-03-03", "event-text": "Discuté au comité technique",
        "event-actor_label": "Comité technique du 3 mars"})
    assert ok.status_code == 302
    first_event = contribution.events[0]
    assert animator.post(f"{base}/corrections", data={"correction-event_id": str(first_event.id),
                                                      "correction-text": "Reçue le 2 mars."}).status_code == 302
    assert animator.post(f"{base}/corrections", data={"correction-event_id": "99999",
                                                      "correction-text": "x"}).status_code == 422
    assert animator.post(f"{base}/liens/{node.id}/retirer").status_code == 302
    db.session.expire_all()
    kinds = [e.kind for e in contribution.events]
    assert kinds.count(EventKind.linked) == 1 and EventKind.unlinked in kinds and EventKind.correction in kinds
    assert contribution.status == ContributionStatus.under_study and contribution.answer == "Oui, au printemps."


def test_annual_report_pages(signed_in, roles, app):
    lead, animator = signed_in(roles.project_lead), signed_in(roles.animator)
    too_soon = lead.post("/pilotage/rapport-annuel", data={"year": "2025", "deadline": date.today().isoformat()})
    assert too_soon.status_code == 422
    assert animator.post("/pilotage/rapport-annuel", data={"year": "2025", "deadline": "2099-01-01"}).status_code == 403
    assert lead.post("/pilotage/rapport-annuel", data={"year": "2025", "deadline": "2099-01-01"}).status_code == 302
    assert lead.post("/pilotage/rapport-annuel", data={"year": "2025", "deadline": "2099-01-01"}).status_code == 422
    url = f"/pilotage/rapport-annuel/2025/avis/{roles.conseil.id}"
    assert signed_in(roles.other_animator).get(url).status_code == 403
    assert animator.get(url).status_code == 200
    empty = animator.post(url, data={"position": "favourable", "majority_text": "", "dissenting_views": "Non"})
    assert empty.status_code == 422 and "Non" in empty.text
    assert animator.post(url, data={"position": "reserved", "majority_text": "Avis réservé",
                                    "dissenting_views": "Deux voix contre",
                                    "observations": "Première.\n\nSeconde."}).status_code == 302
    assert animator.get(url).status_code == 302  # already given
    page = lead.get("/pilotage/rapport-annuel/2025")
    assert "Deux voix contre" in page.text and "Seconde." in page.text
    observation = annual_report.opinion_of(annual_report.round_for_year(2025), roles.conseil).observations[0]
    assert lead.post(f"/pilotage/rapport-annuel/observations/{observation.id}/suite",
                     data={"suite-status": "retained", "suite-text": "C'est fait."}).status_code == 302
    assert animator.post(f"/pilotage/rapport-annuel/observations/{observation.id}/suite",
                         data={"suite-status": "retained", "suite-text": "x"}).status_code == 403
    assert lead.get("/pilotage/rapport-annuel/2031").status_code == 404
    db.session.expire_all()
    assert observation.contribution.answer == "C'est fait."
    annual_report.close_due_rounds(now=datetime(2099, 1, 3, tzinfo=UTC))
    db.session.commit()
    assert "Seconde." in lead.get("/pilotage/rapport-annuel/2025").text
