"""The .ics file of a workshop: valid RFC 5545, read by a real parser, right times in Europe/Paris."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import icalendar

from participation.extensions import db
from participation.i18n import PARIS
from participation.workshops.calendar import escape_text, fold


def _workshop_at(make_workshop, local_start: datetime, **fields):
    from participation.db import utcnow

    return make_workshop(starts_in=local_start.astimezone(UTC) - utcnow(), **fields)


def test_the_ics_parses_with_the_right_paris_times_in_winter_and_summer(client, make_workshop):
    winter = _workshop_at(make_workshop, datetime(2030, 3, 5, 18, 30, tzinfo=PARIS), hours=2,
                          title="Réunion publique contrat de ville")
    summer = _workshop_at(make_workshop, datetime(2030, 7, 2, 9, 0, tzinfo=PARIS), hours=1.5)
    db.session.commit()
    for workshop, start, end, offset in ((winter, (18, 30), (20, 30), timedelta(hours=1)),
                                         (summer, (9, 0), (10, 30), timedelta(hours=2))):
        response = client.get(f"/ateliers/{workshop.id}.ics")
        assert response.status_code == 200
        assert response.mimetype == "text/calendar"
        assert "attachment" in response.headers["Content-Disposition"]
        calendar = icalendar.Calendar.from_ical(response.data)
        events = list(calendar.walk("VEVENT"))
        assert len(events) == 1
        event = events[0]
        starts, ends = event.decoded("DTSTART"), event.decoded("DTEND")
        assert (starts.hour, starts.minute) == start and (ends.hour, ends.minute) == end
        assert starts.utcoffset() == offset
        assert starts.astimezone(UTC) == workshop.starts_at and ends.astimezone(UTC) == workshop.ends_at
        assert str(event["SUMMARY"]) == workshop.title
        assert str(event["UID"]).startswith(f"workshop-{workshop.id}@")
        assert event.decoded("DTSTAMP").tzinfo is not None
        assert [str(tz["TZID"]) for tz in calendar.walk("VTIMEZONE")] == ["Europe/Paris"]
        assert str(event["STATUS"]) == "CONFIRMED"


def test_the_ics_has_crlf_lines_folded_at_75_octets_and_escaped_text(client, make_workshop):
    description = ("Rendez-vous devant l'école.\nPrévoir de bonnes chaussures, merci ; à bientôt. "
                   + "Les aménagements évoqués : bancs, éclairage, jeux d'enfants. " * 4)
    workshop = make_workshop(title="Atelier diagnostic en marchant aux Peupliers ; venez nombreux, avec vos idées !",
                             description=description, address="12, rue des Écoles – bâtiment C")
    db.session.commit()
    body = client.get(f"/ateliers/{workshop.id}.ics").data
    assert body.endswith(b"\r\n")
    lines = body.split(b"\r\n")[:-1]
    assert all(b"\n" not in line and b"\r" not in line for line in lines)
    assert all(len(line) <= 75 for line in lines)
    assert any(line.startswith(b" ") for line in lines)  # folded continuation lines
    for line in lines:  # never cut inside a UTF-8 character
        line.decode("utf-8")
    event = next(iter(icalendar.Calendar.from_ical(body).walk("VEVENT")))
    assert str(event["SUMMARY"]) == workshop.title
    assert str(event["LOCATION"]) == "Maison du projet, 12, rue des Écoles – bâtiment C"
    assert str(event["DESCRIPTION"]).startswith("Rendez-vous devant l'école.\nPrévoir de bonnes chaussures, merci ;")


def test_a_cancelled_workshop_says_so_with_a_higher_sequence(client, roles, make_workshop):
    from participation.workshops.services import cancel_workshop

    workshop = make_workshop(roles.conseil)
    cancel_workshop(workshop, "Salle indisponible", roles.animator)
    db.session.commit()
    event = next(iter(icalendar.Calendar.from_ical(client.get(f"/ateliers/{workshop.id}.ics").data).walk("VEVENT")))
    assert str(event["STATUS"]) == "CANCELLED" and int(event["SEQUENCE"]) == 1


def test_unknown_workshop_calendar_is_404(client):
    assert client.get("/ateliers/999.ics").status_code == 404


def test_escaping_and_folding_rules():
    assert escape_text("a\\b;c,d\ne\r\nf") == "a\\\\b\\;c\\,d\\ne\\nf"
    folded = fold("DESCRIPTION:" + "é" * 80)
    parts = folded.split("\r\n")
    assert all(len(part.encode()) <= 75 for part in parts)
    assert "".join(part[1:] if i else part for i, part in enumerate(parts)) == "DESCRIPTION:" + "é" * 80
