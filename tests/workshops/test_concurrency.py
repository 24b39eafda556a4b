"""No overbooking under concurrent requests: sign-ups and cancellations fired at once at a live server.

On PostgreSQL (TEST_DATABASE_URL) 200 guests sign up at the same instant for 30 seats; on SQLite a
smaller run checks the same rules (SQLite serialises writers, the service takes the write lock first).
"""

from __future__ import annotations

import http.client
import threading
from urllib.parse import urlencode, urlsplit

from sqlalchemy import select

from participation.extensions import db
from participation.workshops import services
from participation.workshops.models import RegistrationStatus, WorkshopRegistration
from tests.conftest import on_postgres


def _post(server_url: str, path: str, fields: dict[str, str]) -> tuple[int, str]:
    parts = urlsplit(server_url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=120)
    try:
        connection.request("POST", path, body=urlencode(fields),
                           headers={"Content-Type": "application/x-www-form-urlencoded"})
        response = connection.getresponse()
        response.read()
        return response.status, response.getheader("Location") or ""
    finally:
        connection.close()


def _all_at_once(count: int, action) -> list:
    """Run ``action(i)`` in ``count`` threads released together; returns the results in index order."""
    barrier = threading.Barrier(count)
    results: list = [None] * count
    errors: list[BaseException] = []

    def run(i: int) -> None:
        try:
            barrier.wait(timeout=60)
            results[i] = action(i)
        except BaseException as error:  # noqa: BLE001 - reported by the test
            errors.append(error)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)
    assert not errors, errors[:3]
    return results


def _registrations(workshop) -> list[WorkshopRegistration]:
    db.session.expire_all()
    return list(db.session.scalars(select(WorkshopRegistration).where(
        WorkshopRegistration.workshop_id == workshop.id).order_by(WorkshopRegistration.id)))


def test_simultaneous_sign_ups_and_cancellations_never_overbook(live_server, make_workshop, outbox):
    people, capacity = (200, 30) if on_postgres() else (40, 10)
    workshop = make_workshop(capacity=capacity)
    db.session.commit()
    path = f"/ateliers/{workshop.id}/inscription"  # ORM objects stay in this thread

    def sign_up(i: int) -> tuple[int, str]:
        return _post(live_server.url, path,
                     {"name": f"Invité {i}", "email": f"invite{i}@example.org"})

    results = _all_at_once(people, sign_up)
    assert all(status == 302 and "/inscriptions/" in location for status, location in results), results[:5]
    tokens = {f"invite{i}@example.org": location.rsplit("/", 1)[1] for i, (_, location) in enumerate(results)}

    registrations = _registrations(workshop)
    assert len(registrations) == people
    waiting = people - capacity
    # First come, first served: the first `capacity` through the lock are confirmed, the rest wait in order.
    assert [r.status for r in registrations] == ([RegistrationStatus.confirmed] * capacity
                                                 + [RegistrationStatus.waitlisted] * waiting)
    assert [services.waitlist_position(r) for r in registrations[capacity:]] == list(range(1, waiting + 1))
    db.session.refresh(workshop)
    assert (workshop.confirmed_seats, workshop.waitlist_count) == (capacity, waiting)
    counts = services.counted(workshop)
    assert (counts.confirmed_seats, counts.waitlist_count) == (capacity, waiting)

    # Now a third of the confirmed people and a few waitlisted ones cancel at the same time. The waitlisted
    # leavers are further down the list than the seats freed, so the outcome does not depend on the order.
    confirmed_leaving = registrations[: capacity // 3]
    waitlisted_leaving = registrations[capacity + len(confirmed_leaving) + 1::5][:5]
    leaving = confirmed_leaving + waitlisted_leaving
    leaving_ids = {r.id for r in leaving}
    cancel_paths = [f"/inscriptions/{tokens[r.email]}/annuler" for r in leaving]

    def cancel(i: int) -> tuple[int, str]:
        return _post(live_server.url, cancel_paths[i], {})

    assert all(status == 302 for status, _ in _all_at_once(len(leaving), cancel))
    after = _registrations(workshop)
    still_waiting_before = [r.id for r in registrations[capacity:] if r.id not in leaving_ids]
    expected_promoted = set(still_waiting_before[: len(confirmed_leaving)])
    first_waiting = registrations[capacity].id
    promoted = {r.id for r in after if r.status == RegistrationStatus.confirmed and r.id >= first_waiting}
    assert promoted == expected_promoted
    assert sum(r.status == RegistrationStatus.cancelled for r in after) == len(leaving)
    db.session.refresh(workshop)
    remaining_waiting = waiting - len(waitlisted_leaving) - len(confirmed_leaving)
    assert (workshop.confirmed_seats, workshop.waitlist_count) == (capacity, remaining_waiting)
    counts = services.counted(workshop)
    assert (counts.confirmed_seats, counts.waitlist_count) == (capacity, remaining_waiting)
    promoted_mails = [m for m in outbox() if m.subject.startswith("Une place pour vous")]
    assert len(promoted_mails) == len(confirmed_leaving)
