from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from flask import current_app
from sqlalchemy import func, select

from participation.audit import AuditEntry
from participation.contract.models import Contribution, ContributionKind, EventKind
from participation.contract.services import participants
from participation.db import utcnow
from participation.extensions import db
from participation.i18n import PARIS
from participation.registry import get_registry
from participation.workshops import services
from participation.workshops.models import AccessNeed, Attendance, RegistrationStatus, WorkshopRegistration
from participation.workshops.services import RegistrationData


def assert_counters_exact(workshop):
    db.session.refresh(workshop)
    counts = services.counted(workshop)
    assert (workshop.confirmed_seats, workshop.waitlist_count) == (counts.confirmed_seats, counts.waitlist_count)


def statuses(workshop):
    return [r.status for r in db.session.scalars(
        select(WorkshopRegistration).where(WorkshopRegistration.workshop_id == workshop.id)
        .order_by(WorkshopRegistration.id))]


# ---------------------------------------------------------------- seats and waitlist


def test_sign_ups_are_confirmed_until_full_then_waitlisted_in_order(make_workshop, sign_up_guest, outbox):
    workshop = make_workshop(capacity=3)
    registrations = [sign_up_guest(workshop)[0] for _ in range(5)]
    assert [r.status for r in registrations] == [RegistrationStatus.confirmed] * 3 + [RegistrationStatus.waitlisted] * 2
    assert [services.waitlist_position(r) for r in registrations] == [None, None, None, 1, 2]
    assert (workshop.confirmed_seats, workshop.waitlist_count) == (3, 2)
    assert_counters_exact(workshop)
    mails = outbox()
    assert len(mails) == 5
    assert mails[0].subject.startswith("Inscription confirmée")
    assert "numéro 2 sur la liste d'attente" in mails[4].body


def test_companions_take_seats_and_a_group_too_large_waits_for_room(make_workshop, sign_up_guest):
    workshop = make_workshop(capacity=5)
    family, _ = sign_up_guest(workshop, adults=1, children=2, childcare_children=2)
    assert family.seats == 4 and family.status == RegistrationStatus.confirmed
    pair, _ = sign_up_guest(workshop, adults=1)
    assert pair.status == RegistrationStatus.waitlisted
    alone, _ = sign_up_guest(workshop)
    assert alone.status == RegistrationStatus.confirmed
    assert workshop.confirmed_seats == 5
    with pytest.raises(services.InvalidRegistration) as error:
        sign_up_guest(workshop, adults=5)
    assert error.value.field == "adults"
    assert_counters_exact(workshop)


def test_a_cancellation_promotes_the_first_waitlisted_that_fits(make_workshop, sign_up_guest, outbox):
    workshop = make_workshop(capacity=3)
    first, _ = sign_up_guest(workshop)
    sign_up_guest(workshop, adults=1)
    big_group, _ = sign_up_guest(workshop, adults=1)  # 2 seats: does not fit in 1 freed seat
    waiting, _ = sign_up_guest(workshop, email="suivante@example.org")
    last, _ = sign_up_guest(workshop)
    promoted = services.cancel_registration(first)
    assert promoted == [waiting]
    assert waiting.status == RegistrationStatus.confirmed and waiting.confirmed_at is not None
    assert big_group.status == last.status == RegistrationStatus.waitlisted
    assert services.waitlist_position(big_group) == 1 and services.waitlist_position(last) == 2
    assert outbox("suivante@example.org")[-1].subject.startswith("Une place pour vous")
    assert services.cancel_registration(first) == []  # twice is once
    assert_counters_exact(workshop)


def test_raising_the_capacity_promotes_in_order_and_lowering_below_taken_is_refused(roles, make_workshop,
                                                                                   sign_up_guest):
    workshop = make_workshop(roles.conseil, capacity=1)
    sign_up_guest(workshop)
    waiting = [sign_up_guest(workshop)[0] for _ in range(3)]
    data = services.WorkshopData(**{**_data_of(workshop), "capacity": 3})
    promoted = services.update_workshop(workshop, data, roles.animator)
    assert promoted == waiting[:2]
    assert waiting[2].status == RegistrationStatus.waitlisted
    with pytest.raises(services.InvalidWorkshop) as error:
        services.update_workshop(workshop, services.WorkshopData(**{**_data_of(workshop), "capacity": 2}),
                                 roles.animator)
    assert error.value.field == "capacity"
    assert_counters_exact(workshop)


def _data_of(workshop) -> dict:
    return dict(conseil_id=workshop.conseil_id, theme=workshop.theme, title=workshop.title,
                starts_at=workshop.starts_at, ends_at=workshop.ends_at, place=workshop.place,
                address=workshop.address, capacity=workshop.capacity)


def test_changing_companions_needs_free_seats_and_fewer_seats_promote(make_workshop, sign_up_guest):
    workshop = make_workshop(capacity=4)
    registration, _ = sign_up_guest(workshop, adults=1)
    sign_up_guest(workshop)
    waiting, _ = sign_up_guest(workshop, adults=1)
    with pytest.raises(services.NotEnoughSeats) as error:
        services.update_registration(registration, RegistrationData(adults=3))
    assert "1 place" in error.value.message
    services.update_registration(registration, RegistrationData(adults=2, interpreting_language="Arabe"))
    assert registration.seats == 3 and workshop.confirmed_seats == 4
    promoted = services.update_registration(registration, RegistrationData(adults=0))
    assert promoted == [waiting]
    assert_counters_exact(workshop)


def test_a_waitlisted_person_may_change_their_group(make_workshop, sign_up_guest):
    workshop = make_workshop(capacity=1)
    sign_up_guest(workshop)
    waiting, _ = sign_up_guest(workshop)
    services.update_registration(waiting, RegistrationData(children=0, adults=0, access_need=AccessNeed.wheelchair))
    assert waiting.status == RegistrationStatus.waitlisted and waiting.access_need == AccessNeed.wheelchair
    assert_counters_exact(workshop)


# ---------------------------------------------------------------- when sign-ups are refused


def test_sign_ups_close_at_the_workshop_deadline(make_workshop):
    workshop = make_workshop(starts_in=timedelta(hours=5), signup_close_minutes=360)
    with pytest.raises(services.SignupsClosed, match="closes|closes|Les inscriptions"):
        services.sign_up(workshop.id, RegistrationData(name="Awa", email="awa@example.org"))
    workshop.signup_close_minutes = 120
    result = services.sign_up(workshop.id, RegistrationData(name="Awa", email="awa@example.org"))
    assert result.registration.status == RegistrationStatus.confirmed


def test_no_sign_up_to_a_past_or_cancelled_workshop(roles, make_workshop):
    past = make_workshop(starts_in=timedelta(days=-1))
    with pytest.raises(services.SignupsClosed, match="déjà eu lieu"):
        services.sign_up(past.id, RegistrationData(name="Awa", email="awa@example.org"))
    future = make_workshop(roles.conseil)
    services.cancel_workshop(future, "Salle indisponible", roles.animator)
    with pytest.raises(services.SignupsClosed, match="annulé"):
        services.sign_up(future.id, RegistrationData(name="Awa", email="awa@example.org"))


@pytest.mark.parametrize(("data", "field"), [
    (RegistrationData(name="Awa"), "email"),
    (RegistrationData(name="   ", email="awa@example.org"), "name"),
    (RegistrationData(name="A" * 10_000, email="awa@example.org"), "name"),
    (RegistrationData(name="Awa", email="awa@example.org", adults=-1), "adults"),
    (RegistrationData(name="Awa", email="awa@example.org", children=-2), "children"),
    (RegistrationData(name="Awa", email="awa@example.org", children=1, childcare_children=2), "childcare_children"),
    (RegistrationData(name="Awa", phone="pas un numéro"), "phone"),
    (RegistrationData(name="Awa", email="pas-une-adresse"), "email"),
    (RegistrationData(name="Awa", email="awa@example.org", interpreting_language="x" * 61), "interpreting_language"),
])
def test_bad_guest_input_is_refused_with_the_field_named(make_workshop, data, field):
    workshop = make_workshop()
    with pytest.raises(services.InvalidRegistration) as error:
        services.sign_up(workshop.id, data)
    assert error.value.field == field and error.value.message
    db.session.rollback()


def test_a_guest_may_give_only_a_phone_number(make_workshop, outbox):
    workshop = make_workshop()
    result = services.sign_up(workshop.id, RegistrationData(name="Joseph", phone=" 06 12  34 56 78 "))
    assert result.registration.phone == "06 12 34 56 78" and result.registration.email is None
    assert outbox() == []


def test_a_resident_signs_up_once(roles, make_workshop):
    workshop = make_workshop()
    result = services.sign_up(workshop.id, RegistrationData(), user=roles.habitant)
    assert result.registration.user_id == roles.habitant.id and result.registration.name is None
    with pytest.raises(services.AlreadyRegistered):
        services.sign_up(workshop.id, RegistrationData(), user=roles.habitant)
    services.cancel_registration(result.registration)
    again = services.sign_up(workshop.id, RegistrationData(adults=1), user=roles.habitant)
    assert again.registration.status == RegistrationStatus.confirmed


def test_the_same_guest_address_twice_gets_a_new_link_instead(make_workshop, sign_up_guest, outbox):
    workshop = make_workshop()
    first, token = sign_up_guest(workshop, email="awa@example.org")
    result = services.sign_up(workshop.id, RegistrationData(name="Awa bis", email="AWA@example.org"))
    assert result.already_registered and result.token is None and result.registration.id == first.id
    assert services.registration_for_token(token) is None  # the old link no longer works
    assert outbox("awa@example.org")[-1].subject.startswith("Votre lien d'inscription")
    new_link = outbox("awa@example.org")[-1].body.split("/inscriptions/")[1].split()[0]
    assert services.registration_for_token(new_link).id == first.id
    assert db.session.scalar(select(func.count(WorkshopRegistration.id))) == 1


# ---------------------------------------------------------------- tokens


def test_tokens_are_long_random_distinct_and_only_their_hash_is_stored(make_workshop, sign_up_guest):
    workshop = make_workshop()
    pairs = [sign_up_guest(workshop) for _ in range(5)]
    tokens = [token for _, token in pairs]
    assert len(set(tokens)) == 5 and all(len(token) >= 43 for token in tokens)
    for registration, token in pairs:
        assert registration.token_hash == services.hash_token(token) and token not in registration.token_hash
        assert services.registration_for_token(token).id == registration.id
    stored = " ".join(db.session.scalars(select(WorkshopRegistration.token_hash)))
    assert not any(token in stored for token in tokens)
    assert services.registration_for_token(tokens[0][:-1] + ("A" if tokens[0][-1] != "A" else "B")) is None
    assert services.registration_for_token("") is None and services.registration_for_token("x" * 5000) is None


def test_resend_links_says_nothing_for_unknown_addresses(make_workshop, sign_up_guest, outbox):
    workshop = make_workshop()
    sign_up_guest(workshop, email="awa@example.org")
    assert services.resend_links(workshop, "inconnu@example.org") == 0
    assert services.resend_links(workshop, " Awa@Example.org ") == 1
    assert len(outbox("awa@example.org")) == 2


# ---------------------------------------------------------------- animators' changes


def test_cancelling_a_workshop_tells_everyone_and_lists_who_to_call(roles, make_workshop, sign_up_guest, outbox):
    workshop = make_workshop(roles.conseil, capacity=1)
    sign_up_guest(workshop, email="awa@example.org")
    phone_only, _ = sign_up_guest(workshop, name="Joseph", phone="0612345678")
    services.sign_up(workshop.id, RegistrationData(), user=roles.habitant)
    to_call = services.cancel_workshop(workshop, "La salle est inondée.", roles.animator)
    assert to_call == [phone_only]
    assert workshop.is_cancelled and workshop.sequence == 1
    for address in ("awa@example.org", roles.habitant.email):
        mail = outbox(address)[-1]
        assert mail.subject.startswith("Atelier annulé") and "La salle est inondée." in mail.body
    assert db.session.scalar(select(AuditEntry).where(AuditEntry.action == "workshop.cancelled")).actor_id == \
        roles.animator.id
    with pytest.raises(services.InvalidWorkshop):
        services.cancel_workshop(workshop, "encore", roles.animator)


def test_a_cancellation_needs_a_reason(roles, make_workshop):
    workshop = make_workshop(roles.conseil)
    with pytest.raises(services.InvalidWorkshop) as error:
        services.cancel_workshop(workshop, "  ", roles.animator)
    assert error.value.field == "reason" and not workshop.is_cancelled


def test_a_new_date_or_place_is_mailed_and_raises_the_calendar_sequence(roles, make_workshop, sign_up_guest, outbox):
    workshop = make_workshop(roles.conseil)
    sign_up_guest(workshop, email="awa@example.org")
    services.update_workshop(workshop, services.WorkshopData(**{**_data_of(workshop), "title": "Nouveau titre"}),
                             roles.animator)
    assert workshop.sequence == 0 and len(outbox("awa@example.org")) == 1
    moved = {**_data_of(workshop), "place": "Centre social Les Tilleuls"}
    services.update_workshop(workshop, services.WorkshopData(**moved), roles.animator)
    assert workshop.sequence == 1
    assert outbox("awa@example.org")[-1].subject.startswith("Atelier modifié")
    assert "Centre social Les Tilleuls" in outbox("awa@example.org")[-1].body


def test_create_workshop_checks_dates_and_quartier(roles, make_qpv):
    now = utcnow()
    data = dict(conseil_id=roles.conseil.id, theme=services.Theme.health, title="  Atelier  santé ",
                starts_at=now + timedelta(days=3), ends_at=now + timedelta(days=3, hours=2), place="Maison du projet",
                address="2 place des Tilleuls", capacity=20, qpv_id=roles.conseil.qpvs[0].id)
    workshop = services.create_workshop(services.WorkshopData(**data), roles.animator)
    assert workshop.title == "Atelier santé" and workshop.qpv_id == roles.conseil.qpvs[0].id
    for change, field in ((dict(ends_at=now + timedelta(days=2)), "end_time"),
                          (dict(starts_at=now - timedelta(days=1), ends_at=now), "day"),
                          (dict(qpv_id=make_qpv().id), "qpv_id"), (dict(capacity=0), "capacity")):
        with pytest.raises(services.InvalidWorkshop) as error:
            services.create_workshop(services.WorkshopData(**{**data, **change}), roles.animator)
        assert error.value.field == field


def test_paris_time_is_stored_as_utc():
    from datetime import date, time

    assert services.paris_time(date(2026, 3, 3), time(18, 30)) == datetime(2026, 3, 3, 17, 30, tzinfo=UTC)
    assert services.paris_time(date(2026, 7, 3), time(18, 30)) == datetime(2026, 7, 3, 16, 30, tzinfo=UTC)


# ---------------------------------------------------------------- needs, attendance


def test_need_totals_add_up_people_children_languages_and_access(make_workshop, sign_up_guest):
    workshop = make_workshop(capacity=20)
    sign_up_guest(workshop, adults=1, children=3, childcare_children=2, interpreting_language="Arabe")
    sign_up_guest(workshop, interpreting_language="arabe ", access_need=AccessNeed.wheelchair)
    sign_up_guest(workshop, interpreting_language="Tamoul", access_details="Je vois mal")
    sign_up_guest(workshop, adults=15)  # waitlisted
    registrations = services.registrations_of(workshop)
    totals = services.need_totals(registrations, RegistrationStatus.confirmed)
    assert (totals.registrations, totals.people, totals.adults, totals.children, totals.childcare_children) == \
        (3, 7, 1, 3, 2)
    assert totals.languages == [("Arabe", 2), ("Tamoul", 1)]
    assert totals.access_needs == [(AccessNeed.other, 1), (AccessNeed.wheelchair, 1)]
    assert services.need_totals(registrations, RegistrationStatus.waitlisted).people == 16


def test_attendance_opens_shortly_before_the_start_for_confirmed_people(make_workshop, sign_up_guest):
    workshop = make_workshop(starts_in=timedelta(hours=5), capacity=2)
    present, _ = sign_up_guest(workshop)
    absent, _ = sign_up_guest(workshop)
    waiting, _ = sign_up_guest(workshop)
    with pytest.raises(services.WorkshopError):
        services.record_attendance(workshop, {present.id: Attendance.present})
    later = utcnow() + timedelta(hours=3)
    changed = services.record_attendance(workshop, {present.id: Attendance.present, absent.id: Attendance.absent,
                                                    waiting.id: Attendance.present}, now=later)
    assert changed == 2 and waiting.attendance is None
    totals = services.attendance_totals(services.registrations_of(workshop))
    assert (totals.present, totals.absent, totals.not_recorded) == (1, 1, 0)


def test_no_show_counts_in_the_animators_list(roles, make_workshop, sign_up_guest):
    workshop = make_workshop(roles.conseil, starts_in=timedelta(hours=1))
    registrations = [sign_up_guest(workshop, now=utcnow() - timedelta(days=1))[0] for _ in range(3)]
    services.record_attendance(workshop, {registrations[0].id: Attendance.present,
                                          registrations[1].id: Attendance.absent,
                                          registrations[2].id: Attendance.absent})
    page = services.animated_workshops({roles.conseil.id}, past=True, now=utcnow() + timedelta(days=1))
    assert [(row.workshop.id, row.present, row.no_shows) for row in page.items] == [(workshop.id, 1, 2)]


# ---------------------------------------------------------------- scheduled jobs


def test_reminders_go_the_day_before_once_to_confirmed_people(make_workshop, sign_up_guest, outbox):
    now = datetime(2026, 3, 2, 8, 0, tzinfo=PARIS).astimezone(UTC)
    tomorrow = make_workshop(starts_in=datetime(2026, 3, 3, 18, 30, tzinfo=PARIS) - utcnow(), capacity=1)
    later = make_workshop(starts_in=datetime(2026, 3, 5, 18, 30, tzinfo=PARIS) - utcnow())
    confirmed, _ = sign_up_guest(tomorrow, email="awa@example.org", now=now - timedelta(days=3))
    sign_up_guest(tomorrow, email="attente@example.org", now=now - timedelta(days=3))
    sign_up_guest(later, email="plus-tard@example.org", now=now - timedelta(days=3))
    before = len(outbox())
    assert services.send_reminders(now) == 1
    db.session.commit()
    assert services.send_reminders(now + timedelta(hours=1)) == 0
    reminders = outbox()[before:]
    assert [m.recipient for m in reminders] == ["awa@example.org"]
    assert reminders[0].subject.startswith("Rappel") and "mardi 3 mars 2026, de 18 h 30 à 20 h 30" in reminders[0].body


def test_the_remind_command_is_idempotent(app, make_workshop, sign_up_guest, outbox):
    workshop = make_workshop(starts_in=timedelta(hours=20))
    sign_up_guest(workshop, email="awa@example.org")
    db.session.commit()
    runner = app.test_cli_runner()
    assert "1 reminder" in runner.invoke(args=["workshops", "remind"]).output
    assert "0 reminder" in runner.invoke(args=["workshops", "remind"]).output
    assert len([m for m in outbox("awa@example.org") if m.subject.startswith("Rappel")]) == 1


def test_purge_erases_people_but_keeps_the_counts(app, make_workshop, sign_up_guest, roles):
    workshop = make_workshop(starts_in=timedelta(hours=1), capacity=4)
    long_ago = utcnow() - timedelta(days=2)
    guest, token = sign_up_guest(workshop, email="awa@example.org", phone="0612345678", children=2,
                                 childcare_children=1, interpreting_language="Arabe", access_details="fauteuil",
                                 now=long_ago)
    resident = services.sign_up(workshop.id, RegistrationData(), user=roles.habitant, now=long_ago).registration
    waiting, _ = sign_up_guest(workshop, now=long_ago)
    services.record_attendance(workshop, {guest.id: Attendance.present, resident.id: Attendance.absent})
    recent = make_workshop(starts_in=timedelta(days=20))
    kept, _ = sign_up_guest(recent)
    app.config["WORKSHOP_PURGE_DAYS"] = 30
    assert services.purge_personal_data(now=utcnow() + timedelta(days=29)) == 0
    assert services.purge_personal_data(now=utcnow() + timedelta(days=31)) == 3
    for registration in (guest, resident, waiting):
        assert (registration.name, registration.email, registration.phone, registration.user_id,
                registration.token_hash, registration.access_details) == (None,) * 6
        assert registration.anonymized_at is not None
    assert services.registration_for_token(token) is None
    registrations = services.registrations_of(workshop)
    totals = services.need_totals(registrations, RegistrationStatus.confirmed)
    assert (totals.registrations, totals.people, totals.childcare_children, totals.languages) == \
        (2, 4, 1, [("Arabe", 1)])
    assert totals.access_needs == [(AccessNeed.other, 1)]
    attendance = services.attendance_totals(registrations)
    assert (attendance.present, attendance.absent) == (1, 1)
    assert kept.name is not None
    assert_counters_exact(workshop)


def test_purge_delay_defaults_to_the_personal_data_retention(app):
    app.config.pop("WORKSHOP_PURGE_DAYS", None)
    app.config["PERSONAL_DATA_RETENTION_DAYS"] = 45
    assert services.purge_days() == 45
    app.config["WORKSHOP_PURGE_DAYS"] = 10
    assert services.purge_days() == 10


def test_the_purge_command(app, make_workshop, sign_up_guest):
    workshop = make_workshop(starts_in=timedelta(days=-100))
    registration, _ = sign_up_guest(workshop, now=utcnow() - timedelta(days=110))
    db.session.commit()
    result = app.test_cli_runner().invoke(args=["workshops", "purge"])
    assert "1 registration(s) anonymised" in result.output and "90 days" in result.output
    db.session.refresh(registration)
    assert registration.name is None


# ---------------------------------------------------------------- accounts


def test_deleting_an_account_frees_future_seats_and_detaches_past_ones(roles, make_workshop, sign_up_guest):
    from participation.accounts.services import delete_account, export_user_data

    future = make_workshop(capacity=1)
    mine = services.sign_up(future.id, RegistrationData(), user=roles.habitant).registration
    waiting, _ = sign_up_guest(future)
    past = make_workshop(starts_in=timedelta(days=-1))
    old = services.sign_up(past.id, RegistrationData(children=1), user=roles.habitant,
                           now=utcnow() - timedelta(days=2)).registration
    exported = export_user_data(roles.habitant)["workshop_registrations"]
    assert [item["workshop"] for item in exported] == [future.title, past.title]
    delete_account(roles.habitant)
    assert mine.status == RegistrationStatus.cancelled and waiting.status == RegistrationStatus.confirmed
    assert mine.user_id is None and old.user_id is None and old.status == RegistrationStatus.confirmed
    assert old.seats == 2
    assert_counters_exact(future)


# ---------------------------------------------------------------- conclusions → contribution


def test_conclusions_become_a_contribution_whose_participants_asked_for_news(roles, make_workshop, sign_up_guest,
                                                                             outbox):
    workshop = make_workshop(roles.conseil, starts_in=timedelta(hours=1))
    earlier = utcnow() - timedelta(days=1)
    sign_up_guest(workshop, email="nouvelles@example.org", news_opt_in=True, now=earlier)
    sign_up_guest(workshop, email="discret@example.org", now=earlier)
    services.sign_up(workshop.id, RegistrationData(news_opt_in=True), user=roles.member, now=earlier)
    with pytest.raises(services.ConclusionsNotReady):
        services.save_conclusions(workshop, "Trop tôt", roles.animator)
    later = utcnow() + timedelta(hours=2)
    with pytest.raises(services.ConclusionsNotReady):
        services.publish_conclusions(workshop, roles.animator, now=later)
    services.save_conclusions(workshop, "Les habitants demandent **des bancs**.", roles.animator, now=later)
    assert "<strong>des bancs</strong>" in workshop.conclusions_html
    contribution = services.publish_conclusions(workshop, roles.animator, now=later)
    assert (contribution.kind, contribution.source_type, contribution.source_id, contribution.conseil_id) == \
        (ContributionKind.workshop_conclusion, "workshop", workshop.id, roles.conseil.id)
    assert services.publish_conclusions(workshop, roles.animator, now=later).id == contribution.id
    assert sorted(r.email for r in participants(contribution)) == sorted(["nouvelles@example.org",
                                                                          roles.member.email])
    with current_app.test_request_context():
        assert get_registry().contribution_source_url["workshop"](contribution) == f"/ateliers/{workshop.id}"
    services.save_conclusions(workshop, "Les habitants demandent des bancs et de l'ombre.", roles.animator, now=later)
    assert [event.kind for event in contribution.events] == [EventKind.submitted, EventKind.correction]
    assert db.session.scalar(select(func.count(Contribution.id))) == 1


def test_registration_for_token_loads_the_workshop(make_workshop, sign_up_guest):
    workshop = make_workshop()
    _, token = sign_up_guest(workshop)
    assert services.registration_for_token(token).workshop.id == workshop.id


def test_list_pages_carry_the_total_and_a_page_past_the_end_shows_the_last(roles, make_workshop):
    made = [make_workshop(roles.conseil, starts_in=timedelta(days=day)) for day in range(1, 6)]
    make_workshop(roles.conseil, starts_in=timedelta(days=-3))
    db.session.commit()
    first = services.list_workshops(False, services.Filters(), page=1, per_page=2)
    assert (first.total, first.pages, [row.id for row in first.items]) == (5, 3, [made[0].id, made[1].id])
    beyond = services.list_workshops(False, services.Filters(), page=9, per_page=2)
    assert (beyond.number, beyond.total, [row.id for row in beyond.items]) == (3, 5, [made[4].id])
    assert services.list_workshops(True, services.Filters(), page=1).total == 1
    nothing = services.list_workshops(False, services.Filters(conseil_id=roles.other_conseil.id), page=2)
    assert (nothing.number, nothing.total, nothing.items) == (1, 0, [])
