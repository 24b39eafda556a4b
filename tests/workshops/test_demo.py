from __future__ import annotations

from sqlalchemy import func, select

from participation.contract.models import Contribution
from participation.extensions import db
from participation.mail import OutboxMessage
from participation.workshops import services
from participation.workshops.models import Attendance, Workshop, WorkshopRegistration


def test_demo_workshops_load_once_with_a_waitlist_a_past_one_and_conclusions(app, client):
    runner = app.test_cli_runner()
    assert runner.invoke(args=["demo", "load"]).exit_code == 0
    counts = (db.session.scalar(select(func.count(Workshop.id))),
              db.session.scalar(select(func.count(WorkshopRegistration.id))))
    assert runner.invoke(args=["demo", "load"]).exit_code == 0
    assert (db.session.scalar(select(func.count(Workshop.id))),
            db.session.scalar(select(func.count(WorkshopRegistration.id)))) == counts
    workshops = {w.title: w for w in db.session.scalars(select(Workshop))}
    assert len({w.conseil_id for w in workshops.values()}) == 2
    full = workshops["Atelier cadre de vie : les aires de jeux"]
    assert full.remaining_seats == 0 and full.waitlist_count >= 2 and full.offers_childcare
    past = workshops["Atelier jardins partagés du Moulin"]
    assert past.is_over()
    assert {r.attendance for r in past.registrations} == {Attendance.present, Attendance.absent}
    assert db.session.scalar(select(Contribution).where(Contribution.source_type == "workshop")).source_id == past.id
    assert any(w.is_cancelled for w in workshops.values())
    assert any(w.offers_interpreting and w.interpreting_languages for w in workshops.values())
    for workshop in workshops.values():
        counted = services.counted(workshop)
        assert (workshop.confirmed_seats, workshop.waitlist_count) == (counted.confirmed_seats, counted.waitlist_count)
    titles = set(workshops)
    assert not [m for m in db.session.scalars(select(OutboxMessage)) if any(t in m.subject for t in titles)]
    for url in ["/ateliers", "/ateliers?periode=passes", f"/ateliers/{full.id}", f"/ateliers/{past.id}", "/"]:
        assert client.get(url).status_code == 200
