"""The public pages of published minutes are kept until what they show changes."""

from __future__ import annotations

import html
from datetime import date

import pytest

from participation import page_cache
from participation.accounts.services import authenticate
from participation.extensions import db
from participation.minutes import services
from participation.minutes.models import ActionStatus
from participation.sqlcount import count_statements
from participation.territory.models import Seat
from tests.factories import PASSWORD


@pytest.fixture
def published(roles, make_meeting, make_member, record_presence, make_decision, publish_minutes):
    members = [make_member(roles.conseil, seat=Seat.titulaire) for _ in range(3)]
    members[0].user.display_name = "Fatou Camara"
    meeting = make_meeting(roles.conseil, roles.animator)
    record_presence(meeting, roles.animator, members, other=2)
    make_decision(meeting, roles.animator)
    services.add_action_item(meeting.minutes, services.ActionData("Réparer l'éclairage du square", "Mairie",
                                                                  date(2030, 6, 1)), roles.animator, date(2026, 1, 1))
    publish_minutes(meeting, roles.animator)
    db.session.commit()
    return meeting, members


def _text(response) -> str:
    assert response.status_code == 200
    return html.unescape(response.text)


def test_the_published_page_is_kept_and_shows_changes_at_once(client, roles, published):
    meeting, members = published
    url = f"/comptes-rendus/{meeting.id}"
    assert "Fatou Camara" in _text(client.get(url))
    with count_statements() as kept:
        _text(client.get(url))
    assert kept.count == 2  # the meeting (who may see it) and the version: the page itself is kept

    services.set_action_status(meeting.minutes.action_items[0], ActionStatus.done, roles.animator)
    db.session.commit()
    assert "Réparer l'éclairage du square – <strong>Réalisée</strong>" in " ".join(_text(client.get(url)).split())

    members[0].user.display_name = "Fatou C."
    db.session.commit()
    page = _text(client.get(url))
    assert "Fatou C." in page and "Fatou Camara" not in page


def test_a_sign_in_leaves_the_kept_pages(roles, published):
    db.session.commit()
    before = page_cache.current_version("minutes")
    assert authenticate(roles.member.email, PASSWORD) is roles.member  # stamps last_login_at
    db.session.commit()
    assert page_cache.current_version("minutes") == before


def test_the_list_is_kept_but_the_minutes_to_review_are_each_readers(client, signed_in, roles, published,
                                                                      make_meeting, make_decision):
    meeting, _members = published
    assert "Plénière du 3 mars 2026" in _text(client.get("/comptes-rendus"))
    with count_statements() as kept:
        _text(client.get("/comptes-rendus"))
    assert kept.count == 1

    waiting = make_meeting(roles.conseil, roles.animator, title="Bureau du 10 mars 2026")
    make_decision(waiting, roles.animator)
    services.send_to_review(waiting.minutes, roles.animator)
    db.session.commit()
    assert "Bureau du 10 mars 2026" in _text(signed_in(roles.member).get("/comptes-rendus"))  # to review
    assert "Bureau du 10 mars 2026" not in _text(client.get("/comptes-rendus"))  # not published
