from __future__ import annotations

from sqlalchemy import func, select

from participation.contract.models import Contribution
from participation.extensions import db
from participation.minutes.models import ActionStatus, Meeting, Minutes, MinutesStatus, ReviewComment


def test_demo_fills_every_minutes_page_and_loads_twice_without_duplicates(app, client, signed_in):
    runner = app.test_cli_runner()
    assert runner.invoke(args=["demo", "load"]).exit_code == 0
    counts = db.session.scalar(select(func.count(Meeting.id)))
    assert runner.invoke(args=["demo", "load"]).exit_code == 0
    assert db.session.scalar(select(func.count(Meeting.id))) == counts == 3
    statuses = sorted(m.status.value for m in db.session.scalars(select(Minutes)))
    assert statuses == ["in_review", "published", "published"]
    assert db.session.scalar(select(func.count(ReviewComment.id))) == 2
    assert db.session.scalar(select(func.count(Contribution.id))) >= 1
    plenary = db.session.scalar(select(Meeting).where(Meeting.title == "Plénière du 3 mars 2026"))
    assert {a.status for a in plenary.minutes.action_items} == {ActionStatus.done, ActionStatus.in_progress}
    page = client.get(f"/comptes-rendus/{plenary.id}").text
    assert "Avis divergents" in page and "Mme R." not in page
    assert "Plénière du 3 mars 2026" in client.get("/comptes-rendus").text
    assert "Organiser la marche exploratoire" in client.get("/conseils/peupliers").text
    in_review = db.session.scalar(select(Minutes).where(Minutes.status == MinutesStatus.in_review))
    from participation.accounts.services import find_by_email

    review = signed_in(find_by_email("amina.benali@example.org")).get(
        f"/comptes-rendus/{in_review.meeting_id}/relecture")
    assert review.status_code == 200 and "Formulation proposée" in review.text
    assert signed_in(find_by_email("animatrice@example.org")).get("/animation/reunions").status_code == 200
