"""The SQL statements of the workshop pages do not grow with the rows they show."""

from __future__ import annotations

from participation.extensions import db
from participation.sqlcount import count_statements


def _statements(client, url: str) -> int:
    client.get(url)  # warm caches (templates, roles of the user)
    with count_statements() as counter:
        response = client.get(url)
    assert response.status_code == 200
    return counter.count


def test_lists_and_sections_cost_the_same_for_2_or_20_workshops(client, roles, make_workshop):
    for _ in range(2):
        make_workshop(roles.conseil, qpv_id=roles.conseil.qpvs[0].id)
    db.session.commit()
    urls = ["/ateliers", "/", f"/conseils/{roles.conseil.slug}"]
    few = [_statements(client, url) for url in urls]
    for _ in range(18):
        make_workshop(roles.conseil, qpv_id=roles.conseil.qpvs[0].id)
    db.session.commit()
    assert [_statements(client, url) for url in urls] == few


def test_the_registrations_pages_cost_the_same_for_2_or_20_people(signed_in, roles, make_workshop, sign_up_guest):
    workshop = make_workshop(roles.conseil, capacity=15)
    from participation.workshops.services import RegistrationData, sign_up

    sign_up_guest(workshop)
    sign_up(workshop.id, RegistrationData(), user=roles.member)
    db.session.commit()
    client = signed_in(roles.animator)
    urls = [f"/animation/ateliers/{workshop.id}", f"/animation/ateliers/{workshop.id}/feuille-emargement",
            f"/animation/ateliers/{workshop.id}/presences", "/animation/ateliers", f"/ateliers/{workshop.id}"]
    few = [_statements(client, url) for url in urls]
    from tests.factories import make_user

    for i in range(18):
        if i % 2:
            sign_up_guest(workshop)
        else:
            sign_up(workshop.id, RegistrationData(), user=make_user())
    db.session.commit()
    assert [_statements(client, url) for url in urls] == few
