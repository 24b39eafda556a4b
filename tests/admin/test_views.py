from __future__ import annotations

import io

import pytest

from participation.audit import AuditEntry
from participation.extensions import db
from participation.territory.models import QPV, AnimatorAssignment, Conseil, Membership

ADMIN_PAGES = ["/admin/", "/admin/conseils", "/admin/utilisateurs", "/admin/qpv"]


@pytest.mark.parametrize("role,expected", [("habitant", 403), ("member", 403), ("animator", 403),
                                           ("project_lead", 403), ("admin", 200)])
def test_only_admins_reach_the_admin_pages(roles, signed_in, role, expected):
    client = signed_in(roles.all()[role])
    for url in ADMIN_PAGES + [f"/admin/conseils/{roles.conseil.id}"]:
        assert client.get(url).status_code == expected, url


def test_visitors_are_sent_to_sign_in(client):
    response = client.get("/admin/")
    assert response.status_code == 302 and "/connexion" in response.location


def test_admin_creates_a_conseil_with_qpv(roles, signed_in, make_qpv):
    qpv = make_qpv(name="La Roseraie")
    client = signed_in(roles.admin)
    response = client.post("/admin/conseils", data={"name": "Conseil citoyen de la Roseraie", "qpv_ids": [qpv.id],
                                                    "habitants_drawn_by_lot": "y", "description": "**Bienvenue**"})
    assert response.status_code == 302
    conseil = db.session.query(Conseil).filter_by(name="Conseil citoyen de la Roseraie").one()
    assert [q.id for q in conseil.qpvs] == [qpv.id]
    assert db.session.query(AuditEntry).filter_by(action="conseil.created").count() == 1


def test_conseil_form_errors_keep_what_was_typed(roles, signed_in):
    response = signed_in(roles.admin).post("/admin/conseils", data={"name": "", "description": "Texte gardé",
                                                                    "contact_email": "pas-un-mail"})
    assert response.status_code == 200
    assert "Texte gardé" in response.text and 'id="name-error"' in response.text
    assert 'id="contact_email-error"' in response.text


def test_admin_adds_a_member_with_college_and_seat(roles, signed_in, make_user):
    person = make_user("habitante@example.org", name="Awa")
    client = signed_in(roles.admin)
    response = client.post(f"/admin/conseils/{roles.conseil.id}/membres", data={
        "member-email": "HABITANTE@example.org", "member-college": "habitants", "member-seat": "suppleant",
        "member-gender": "woman", "member-drawn_by_lot": "y", "member-listed_publicly": "y"})
    assert response.status_code == 302
    membership = db.session.query(Membership).filter_by(user_id=person.id).one()
    assert (membership.college.value, membership.seat.value, membership.drawn_by_lot) == ("habitants", "suppleant",
                                                                                         True)


def test_adding_an_unknown_person_or_twice_is_explained(roles, signed_in):
    client = signed_in(roles.admin)
    unknown = client.post(f"/admin/conseils/{roles.conseil.id}/membres", data={
        "member-email": "personne@example.org", "member-college": "habitants", "member-seat": "titulaire",
        "member-gender": ""})
    assert unknown.status_code == 422 and 'id="member-email-error"' in unknown.text
    assert 'value="personne@example.org"' in unknown.text
    twice = client.post(f"/admin/conseils/{roles.conseil.id}/membres", data={
        "member-email": roles.member.email, "member-college": "habitants", "member-seat": "titulaire",
        "member-gender": ""})
    assert twice.status_code == 422 and 'id="member-email-error"' in twice.text


def test_admin_ends_a_mandate_and_manages_animators(roles, signed_in):
    client = signed_in(roles.admin)
    membership = db.session.query(Membership).filter_by(user_id=roles.member.id).one()
    client.post(f"/admin/conseils/{roles.conseil.id}/membres/{membership.id}/fin")
    db.session.refresh(membership)
    assert membership.ended_on is not None
    client.post(f"/admin/conseils/{roles.conseil.id}/animateurs", data={"animator-email": roles.habitant.email})
    assignment = db.session.query(AnimatorAssignment).filter_by(user_id=roles.habitant.id).one()
    client.post(f"/admin/conseils/{roles.conseil.id}/animateurs/{assignment.id}/retirer")
    assert db.session.query(AnimatorAssignment).filter_by(user_id=roles.habitant.id).count() == 0


def test_admin_gives_roles_but_cannot_remove_their_own_admin_role(roles, signed_in):
    client = signed_in(roles.admin)
    client.post(f"/admin/utilisateurs/{roles.habitant.id}", data={"roles": ["project_lead"]})
    db.session.refresh(roles.habitant)
    assert roles.habitant.is_project_lead
    response = client.post(f"/admin/utilisateurs/{roles.admin.id}", data={"roles": []})
    assert response.status_code == 200 and 'id="roles-error"' in response.text
    db.session.refresh(roles.admin)
    assert roles.admin.is_admin


def test_user_search(roles, signed_in):
    page = signed_in(roles.admin).get("/admin/utilisateurs?q=cheffe").text
    assert "Cheffe de projet" in page and "Habitante" not in page


def test_qpv_import_page_imports_and_reports_line_numbers(roles, signed_in):
    client = signed_in(roles.admin)
    header = "code_qp;lib_qp;insee_reg;lib_reg;insee_dep;lib_dep;insee_com;lib_com;siren_epci;lib_epci\n"
    before = db.session.query(QPV).count()
    bad = header + "QN06001M;Bon;32;HdF;60;Oise;60175;Creil;200067759;CA\nmauvais;X;32;HdF;60;Oise;60175;Creil;1;CA\n"
    response = client.post("/admin/qpv", data={"file": (io.BytesIO(bad.encode()), "qpv.csv")},
                           content_type="multipart/form-data")
    assert response.status_code == 422
    assert "3" in response.text and db.session.query(QPV).count() == before
    good = header + "QN06001M;Bon;32;HdF;60;Oise;60175;Creil;200067759;CA\n"
    response = client.post("/admin/qpv", data={"file": (io.BytesIO(good.encode()), "qpv.csv")},
                           content_type="multipart/form-data")
    assert response.status_code == 302
    assert db.session.query(QPV).count() == before + 1


def test_qpv_import_without_a_file_is_a_form_error(roles, signed_in):
    response = signed_in(roles.admin).post("/admin/qpv", data={}, content_type="multipart/form-data")
    assert response.status_code == 200 and 'id="file-error"' in response.text
