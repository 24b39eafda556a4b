"""Workshops: sign-ups within capacity, the waitlist, reminders, attendance, purge and conclusions.

Every change to the registrations of a workshop first locks the workshop row (``lock_workshop``),
then reads the counters, changes the registrations and the counters in the same transaction. Two
sign-ups to the same workshop therefore never see the same free seat, on PostgreSQL (row lock) as
on SQLite (one writer at a time).
"""

from __future__ import annotations

import functools
import hashlib
import re
import secrets
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from flask import current_app
from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import Integer, Select, bindparam, case, func, select, update
from sqlalchemy.orm import aliased, joinedload, selectinload
from sqlalchemy.orm.attributes import set_committed_value

from participation import audit
from participation.accounts.models import User
from participation.contract import services as contract
from participation.contract.models import Contribution, ContributionKind, EventKind
from participation.db import inline, inline_param, utcnow
from participation.errors import DomainError
from participation.extensions import db
from participation.i18n import PARIS
from participation.mail import queue_mail, queue_mail_once
from participation.pagination import Page, paginate
from participation.sanitize import render_markdown
from participation.territory.models import QPV, Conseil, ConseilQPV
from participation.urls import external_url
from participation.workshops.models import (
    AccessNeed,
    Attendance,
    RegistrationStatus,
    Theme,
    Workshop,
    WorkshopRegistration,
)

SOURCE_TYPE = "workshop"
MAX_COMPANIONS = 20
MAX_NAME = 80
MAX_CAPACITY = 2000
# Attendance can be taken from a little before the start (people arrive early).
ATTENDANCE_OPENS_BEFORE = timedelta(hours=3)
PHONE_PATTERN = re.compile(r"^\+?[0-9 .()\-]{6,30}$")


class WorkshopError(DomainError):
    pass


class SignupsClosed(WorkshopError):
    pass


class InvalidRegistration(WorkshopError):
    """A field of a registration is wrong; ``field`` names it for the form."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


class NotEnoughSeats(InvalidRegistration):
    def __init__(self, message: str) -> None:
        super().__init__(message, "adults")


class AlreadyRegistered(WorkshopError):
    pass


class RegistrationLocked(WorkshopError):
    pass


class InvalidWorkshop(WorkshopError):
    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


class ConclusionsNotReady(WorkshopError):
    pass


# ---------------------------------------------------------------- tokens


def new_token() -> str:
    """A private management link token: 256 random bits, URL-safe."""
    return secrets.token_urlsafe(32)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


def registration_for_token(token: str) -> WorkshopRegistration | None:
    """The registration whose management link carries this token (only its SHA-256 is stored)."""
    if not token or len(token) > 100:
        return None
    return db.session.scalar(
        select(WorkshopRegistration)
        .where(WorkshopRegistration.token_hash == hash_token(token))
        .options(joinedload(WorkshopRegistration.workshop))
    )


def manage_url(token: str) -> str:
    return external_url("workshops.manage_registration", token=token)


def workshop_url(workshop: Workshop) -> str:
    return external_url("workshops.show_workshop", workshop_id=workshop.id)


def calendar_url(workshop: Workshop) -> str:
    return external_url("workshops.workshop_calendar", workshop_id=workshop.id)


# ---------------------------------------------------------------- locking and counters


def _take_sqlite_write_lock(workshop_id: int) -> None:
    """SQLite takes its (database-wide) write lock at the first write of a transaction, not at a read."""
    if db.session.get_bind().dialect.name == "sqlite":
        db.session.execute(
            update(Workshop).where(Workshop.id == workshop_id).values(sequence=Workshop.sequence),
            execution_options={"synchronize_session": False},
        )


def lock_workshop(workshop_id: int) -> Workshop:
    """Load the workshop for a change of its registrations, holding a write lock until the commit.

    PostgreSQL: ``SELECT … FOR UPDATE`` on the row. SQLite takes its (database-wide) write lock at
    the first write of a transaction, not at a read, so a no-op UPDATE comes first.
    """
    _take_sqlite_write_lock(workshop_id)
    workshop = db.session.scalar(
        select(Workshop).where(Workshop.id == workshop_id).with_for_update()
        .execution_options(populate_existing=True)
    )
    if workshop is None:
        raise WorkshopError(_("This workshop does not exist."))
    return workshop


# What a sign-up decides on: read again under the lock (the rest of the row is read before it).
_SIGN_UP_STATE = ("capacity", "confirmed_seats", "waitlist_count", "cancelled_at", "starts_at", "ends_at",
                  "signup_close_minutes")
# The statements run while the workshop's row is locked, built once: the lock is held for as little as can be.
_WORKSHOPS = Workshop.__table__
_LOCK_COUNTERS = (select(*(_WORKSHOPS.c[name] for name in _SIGN_UP_STATE))
                  .where(_WORKSHOPS.c.id == bindparam("workshop_id")).with_for_update())
_ADD_TO_COUNTERS = (update(_WORKSHOPS).where(_WORKSHOPS.c.id == bindparam("workshop_id"))
                    .values(confirmed_seats=_WORKSHOPS.c.confirmed_seats + bindparam("seats"),
                            waitlist_count=_WORKSHOPS.c.waitlist_count + bindparam("waitlist")))
_ACTIVE = WorkshopRegistration.status != RegistrationStatus.cancelled
_REGISTERED_USER = select(WorkshopRegistration.id).where(
    WorkshopRegistration.workshop_id == bindparam("workshop_id"), WorkshopRegistration.user_id == bindparam("user_id"),
    _ACTIVE)
_REGISTERED_EMAIL = select(WorkshopRegistration.id).where(
    WorkshopRegistration.workshop_id == bindparam("workshop_id"), WorkshopRegistration.email == bindparam("email"),
    _ACTIVE)


def lock_counters(workshop: Workshop) -> None:
    """Lock the row of a workshop already loaded and reload what decides a seat, in one narrow SELECT."""
    _take_sqlite_write_lock(workshop.id)
    row = db.session.execute(_LOCK_COUNTERS, {"workshop_id": workshop.id}).one()
    for name, value in zip(_SIGN_UP_STATE, row, strict=True):
        set_committed_value(workshop, name, value)


def _add_to_counters(workshop: Workshop, seats: int = 0, waitlist: int = 0) -> None:
    """SQL-side increments (``SET n = n + k``), mirrored on the loaded object (call with the workshop locked)."""
    if not seats and not waitlist:
        return
    # Read before the UPDATE (an expired object would otherwise load the new value and add twice).
    confirmed, waiting = workshop.confirmed_seats, workshop.waitlist_count
    db.session.execute(_ADD_TO_COUNTERS, {"workshop_id": workshop.id, "seats": seats, "waitlist": waitlist})
    set_committed_value(workshop, "confirmed_seats", confirmed + seats)
    set_committed_value(workshop, "waitlist_count", waiting + waitlist)


@dataclass(frozen=True)
class Counts:
    confirmed_seats: int
    waitlist_count: int


def counted(workshop: Workshop) -> Counts:
    """The counters recomputed from the registration rows (to check the stored ones)."""
    row = db.session.execute(
        select(
            func.coalesce(func.sum(case((WorkshopRegistration.status == RegistrationStatus.confirmed,
                                         WorkshopRegistration.seats), else_=0)), 0),
            func.coalesce(func.sum(case((WorkshopRegistration.status == RegistrationStatus.waitlisted, 1),
                                        else_=0)), 0),
        ).where(WorkshopRegistration.workshop_id == workshop.id)
    ).one()
    return Counts(int(row[0]), int(row[1]))


def waitlist_position(registration: WorkshopRegistration) -> int | None:
    """1 for the first in line; None when the registration is not on the waitlist."""
    if registration.status != RegistrationStatus.waitlisted:
        return None
    ahead = db.session.scalar(
        select(func.count(WorkshopRegistration.id)).where(
            WorkshopRegistration.workshop_id == registration.workshop_id,
            WorkshopRegistration.status == RegistrationStatus.waitlisted,
            WorkshopRegistration.id < registration.id,
        )
    ) or 0
    return ahead + 1


# ---------------------------------------------------------------- sign-up


@dataclass
class RegistrationData:
    """What a person gives when signing up (guests: a name and an e-mail or a phone number)."""

    name: str = ""
    email: str | None = None
    phone: str | None = None
    adults: int = 0
    children: int = 0
    childcare_children: int = 0
    interpreting_language: str | None = None
    access_need: AccessNeed | None = None
    access_details: str | None = None
    news_opt_in: bool = False
    locale: str = "fr"


@dataclass
class SignUpResult:
    registration: WorkshopRegistration
    # The management link token; None when the address was already registered (a new link was mailed).
    token: str | None
    already_registered: bool = False


def check_signups_open(workshop: Workshop, now: datetime | None = None) -> None:
    """Refuse a sign-up to a cancelled or past workshop, or after the sign-up deadline."""
    now = now or utcnow()
    if workshop.is_cancelled:
        raise SignupsClosed(_("This workshop has been cancelled: sign-ups are closed."))
    if workshop.has_started(now):
        raise SignupsClosed(_("This workshop has already taken place: sign-ups are closed."))
    if not workshop.signups_open(now):
        raise SignupsClosed(_("Sign-ups for this workshop are closed."))


def _clean_needs(data: RegistrationData, capacity: int) -> None:
    for name, value in (("adults", data.adults), ("children", data.children),
                        ("childcare_children", data.childcare_children)):
        if value is None or value < 0:
            raise InvalidRegistration(_("Enter a number of 0 or more."), name)
        if value > MAX_COMPANIONS:
            raise InvalidRegistration(_("At most %(max)d.", max=MAX_COMPANIONS), name)
    if data.childcare_children > data.children:
        raise InvalidRegistration(
            _("Childcare can be asked for the children who come with you: at most %(count)d.",
              count=data.children), "childcare_children")
    if 1 + data.adults + data.children > capacity:
        raise InvalidRegistration(
            _("This workshop has %(capacity)d seats in all: your group is too large. Contact the team of the "
              "conseil citoyen.", capacity=capacity), "adults")
    language = (data.interpreting_language or "").strip()
    if len(language) > 60:
        raise InvalidRegistration(_("At most %(max)d characters.", max=60), "interpreting_language")
    data.interpreting_language = language or None
    details = (data.access_details or "").strip()
    if len(details) > 300:
        raise InvalidRegistration(_("At most %(max)d characters.", max=300), "access_details")
    data.access_details = details or None
    if data.access_details and data.access_need is None:
        data.access_need = AccessNeed.other


def normalize_phone(phone: str | None) -> str | None:
    phone = " ".join((phone or "").split())
    if not phone:
        return None
    digits = sum(character.isdigit() for character in phone)
    if not PHONE_PATTERN.match(phone) or not 6 <= digits <= 15:
        raise InvalidRegistration(_("Enter a phone number such as 06 12 34 56 78."), "phone")
    return phone


def _clean_guest(data: RegistrationData) -> None:
    data.name = " ".join((data.name or "").split())
    if not data.name:
        raise InvalidRegistration(_("Give your name."), "name")
    if len(data.name) > MAX_NAME:
        raise InvalidRegistration(_("At most %(max)d characters.", max=MAX_NAME), "name")
    data.email = (data.email or "").strip().lower() or None
    if data.email is not None and (len(data.email) > 320 or "@" not in data.email):
        raise InvalidRegistration(_("Enter a valid e-mail address."), "email")
    data.phone = normalize_phone(data.phone)
    if data.email is None and data.phone is None:
        raise InvalidRegistration(_("Give an e-mail address or a phone number, so that the team can reach "
                                    "you if the workshop changes."), "email")


def _apply_needs(registration: WorkshopRegistration, data: RegistrationData) -> None:
    registration.adults = data.adults
    registration.children = data.children
    registration.seats = 1 + data.adults + data.children
    registration.childcare_children = data.childcare_children
    registration.interpreting_language = data.interpreting_language
    registration.access_need = data.access_need
    registration.access_details = data.access_details
    registration.news_opt_in = data.news_opt_in


def sign_up(workshop_id: int, data: RegistrationData, *, user: User | None = None,
            now: datetime | None = None) -> SignUpResult:
    """Register a resident (``user``) or a guest: confirmed if the seats are free, else on the waitlist.

    A guest whose e-mail address is already registered gets a new management link by mail instead.
    """
    now = now or utcnow()
    # Everything that does not depend on the seats taken is done before the lock, so that concurrent
    # sign-ups to the same workshop wait for each other only for the seat decision and its writes.
    workshop = db.session.get(Workshop, workshop_id)
    if workshop is None:
        raise WorkshopError(_("This workshop does not exist."))
    check_signups_open(workshop, now)
    _clean_needs(data, workshop.capacity)
    if user is None:
        _clean_guest(data)
    token = new_token()
    registration = WorkshopRegistration(
        workshop_id=workshop.id, user_id=user.id if user is not None else None,
        name=None if user is not None else data.name, email=None if user is not None else data.email,
        phone=None if user is not None else data.phone,
        locale=user.locale if user is not None else data.locale, token_hash=hash_token(token), created_at=now,
    )
    _apply_needs(registration, data)
    links = _mail_links(workshop, manage=manage_url(token))

    # Under the lock: what may have changed since (cancellation, deadline, capacity, counters), then
    # the duplicates, the seat and the counters.
    lock_counters(workshop)
    check_signups_open(workshop, now)
    _clean_needs(data, workshop.capacity)
    if user is not None:
        if db.session.scalar(_REGISTERED_USER, {"workshop_id": workshop.id, "user_id": user.id}) is not None:
            raise AlreadyRegistered(_("You are already registered for this workshop."))
    elif data.email is not None:
        existing_id = db.session.scalar(_REGISTERED_EMAIL, {"workshop_id": workshop.id, "email": data.email})
        if existing_id is not None:
            existing = db.session.get_one(WorkshopRegistration, existing_id)
            send_new_link(existing)
            return SignUpResult(existing, None, already_registered=True)
    if registration.seats <= workshop.capacity - workshop.confirmed_seats:
        registration.status = RegistrationStatus.confirmed
        registration.confirmed_at = now
        _add_to_counters(workshop, seats=registration.seats)
    else:
        registration.status = RegistrationStatus.waitlisted
        _add_to_counters(workshop, waitlist=1)
    registration.workshop = workshop
    if user is not None:
        registration.user = user
    db.session.add(registration)
    db.session.flush()
    # Under the lock the newcomer is last in line: no need to count who is ahead.
    position = workshop.waitlist_count if registration.status == RegistrationStatus.waitlisted else None
    _tell(registration, "workshops/registered", links=links, position=position)
    return SignUpResult(registration, token)


def send_new_link(registration: WorkshopRegistration) -> str | None:
    """Replace the management token (the old link stops working) and mail the new link."""
    if registration.contact_email is None or registration.anonymized_at is not None:
        return None
    token = new_token()
    registration.token_hash = hash_token(token)
    _tell(registration, "workshops/new_link", manage=manage_url(token))
    return token


def resend_links(workshop: Workshop, email: str) -> int:
    """Mail a new management link to each active guest registration of this address (says nothing else)."""
    email = (email or "").strip().lower()
    if not email:
        return 0
    registrations = db.session.scalars(select(WorkshopRegistration).where(
        WorkshopRegistration.workshop_id == workshop.id, WorkshopRegistration.email == email,
        WorkshopRegistration.status != RegistrationStatus.cancelled))
    sent = 0
    for registration in registrations:
        if send_new_link(registration):
            sent += 1
    return sent


def _mail_links(workshop: Workshop, **links: str) -> dict[str, str]:
    return dict(workshop_url=workshop_url(workshop), calendar_url=calendar_url(workshop),
                list_url=external_url("workshops.list_workshops"), **links)


def _tell(registration: WorkshopRegistration, template: str, dedup_key: str | None = None,
          links: dict[str, str] | None = None, **context: Any) -> bool:
    """Queue a mail to the person registered, if they left an address (``links``: built beforehand)."""
    email = registration.contact_email
    if not email:
        return False
    workshop = registration.workshop
    arguments = dict(registration=registration, workshop=workshop, name=registration.shown_name,
                     **(links if links is not None else _mail_links(workshop)), **context)
    if dedup_key is not None:
        return queue_mail_once(email, template, dedup_key, locale=registration.contact_locale,
                               **arguments) is not None
    queue_mail(email, template, locale=registration.contact_locale, **arguments)
    return True


# ---------------------------------------------------------------- changes and cancellation by the person


def _locked_registration(registration: WorkshopRegistration) -> tuple[Workshop, WorkshopRegistration]:
    workshop = lock_workshop(registration.workshop_id)
    db.session.refresh(registration)
    return workshop, registration


def update_registration(registration: WorkshopRegistration, data: RegistrationData,
                        now: datetime | None = None) -> list[WorkshopRegistration]:
    """Change the companions and needs; more seats only if they are free, fewer seats promote others."""
    now = now or utcnow()
    workshop, registration = _locked_registration(registration)
    if registration.status == RegistrationStatus.cancelled:
        raise RegistrationLocked(_("This registration has been cancelled."))
    if workshop.is_cancelled or workshop.has_started(now):
        raise RegistrationLocked(_("This registration can no longer be changed."))
    _clean_needs(data, workshop.capacity)
    new_seats = 1 + data.adults + data.children
    difference = new_seats - registration.seats
    if registration.status == RegistrationStatus.confirmed and difference > 0:
        free = workshop.capacity - workshop.confirmed_seats
        if difference > free:
            raise NotEnoughSeats(_not_enough_seats(free))
    _apply_needs(registration, data)
    if registration.status == RegistrationStatus.confirmed and difference:
        _add_to_counters(workshop, seats=difference)
    return promote_from_waitlist(workshop, now)


def _not_enough_seats(free: int) -> str:
    if free <= 0:
        return _("No seat is left: you cannot add people to your registration.")
    return ngettext("Only %(num)d seat is left: you can add at most %(num)d person.",
                    "Only %(num)d seats are left: you can add at most %(num)d people.", free)


def cancel_registration(registration: WorkshopRegistration, now: datetime | None = None) -> list[WorkshopRegistration]:
    """Cancel a registration (twice is the same as once); the freed seats go to the waitlist."""
    now = now or utcnow()
    workshop, registration = _locked_registration(registration)
    if registration.status == RegistrationStatus.cancelled:
        return []
    if workshop.is_over(now):
        raise RegistrationLocked(_("This workshop is over: the registration can no longer be changed."))
    if registration.status == RegistrationStatus.confirmed:
        _add_to_counters(workshop, seats=-registration.seats)
    else:
        _add_to_counters(workshop, waitlist=-1)
    registration.status = RegistrationStatus.cancelled
    registration.cancelled_at = now
    _tell(registration, "workshops/registration_cancelled")
    return promote_from_waitlist(workshop, now)


def promote_from_waitlist(workshop: Workshop, now: datetime | None = None) -> list[WorkshopRegistration]:
    """Give the free seats to the first waitlisted registrations that fit, in order; each is told by mail.

    Call with the workshop locked. Nothing moves once the workshop has started or if it is cancelled.
    """
    now = now or utcnow()
    promoted: list[WorkshopRegistration] = []
    if workshop.is_cancelled or workshop.has_started(now):
        return promoted
    while workshop.waitlist_count > 0:
        free = workshop.capacity - workshop.confirmed_seats
        if free <= 0:
            break
        registration = db.session.scalar(
            select(WorkshopRegistration).where(
                WorkshopRegistration.workshop_id == workshop.id,
                WorkshopRegistration.status == RegistrationStatus.waitlisted,
                WorkshopRegistration.seats <= free,
            ).order_by(WorkshopRegistration.id).limit(1)
        )
        if registration is None:
            break
        registration.status = RegistrationStatus.confirmed
        registration.confirmed_at = now
        _add_to_counters(workshop, seats=registration.seats, waitlist=-1)
        db.session.flush()
        _tell(registration, "workshops/promoted")
        promoted.append(registration)
    return promoted


# ---------------------------------------------------------------- workshops (animators)


@dataclass
class WorkshopData:
    conseil_id: int
    theme: Theme
    title: str
    starts_at: datetime
    ends_at: datetime
    place: str
    address: str
    capacity: int
    qpv_id: int | None = None
    description: str = ""
    directions: str = ""
    accessibility_info: str = ""
    step_free_access: bool = False
    offers_childcare: bool = False
    offers_interpreting: bool = False
    interpreting_languages: str = ""
    offers_meal: bool = False
    signup_close_minutes: int = 120


def paris_time(day: date, at: time) -> datetime:
    """A local date and time in Europe/Paris, as UTC."""
    return datetime.combine(day, at, tzinfo=PARIS).astimezone(UTC)


def _check_workshop_data(data: WorkshopData) -> None:
    if data.ends_at <= data.starts_at:
        raise InvalidWorkshop(_("The end must come after the start."), "end_time")
    if not 1 <= data.capacity <= MAX_CAPACITY:
        raise InvalidWorkshop(_("Between %(min)d and %(max)d seats.", min=1, max=MAX_CAPACITY), "capacity")
    if data.signup_close_minutes < 0:
        raise InvalidWorkshop(_("Choose when sign-ups close."), "signup_close_minutes")
    if data.qpv_id is not None:
        linked = db.session.scalar(select(ConseilQPV.id).where(ConseilQPV.conseil_id == data.conseil_id,
                                                               ConseilQPV.qpv_id == data.qpv_id))
        if linked is None:
            raise InvalidWorkshop(_("Choose a quartier covered by the conseil citoyen."), "qpv_id")


def _apply_workshop(workshop: Workshop, data: WorkshopData) -> None:
    workshop.theme = data.theme
    workshop.qpv_id = data.qpv_id
    workshop.title = " ".join(data.title.split())
    workshop.description = data.description or ""
    workshop.description_html = render_markdown(data.description or "")
    workshop.starts_at = data.starts_at
    workshop.ends_at = data.ends_at
    workshop.place = data.place.strip()
    workshop.address = data.address.strip()
    workshop.directions = (data.directions or "").strip()
    workshop.accessibility_info = (data.accessibility_info or "").strip()
    workshop.step_free_access = data.step_free_access
    workshop.offers_childcare = data.offers_childcare
    workshop.offers_interpreting = data.offers_interpreting
    workshop.interpreting_languages = (data.interpreting_languages or "").strip() if data.offers_interpreting else ""
    workshop.offers_meal = data.offers_meal
    workshop.signup_close_minutes = data.signup_close_minutes


def create_workshop(data: WorkshopData, actor: User | None, now: datetime | None = None) -> Workshop:
    """Publish a new workshop of a conseil citoyen, starting in the future."""
    now = now or utcnow()
    _check_workshop_data(data)
    if data.starts_at <= now:
        raise InvalidWorkshop(_("Choose a date in the future."), "day")
    workshop = Workshop(conseil_id=data.conseil_id, capacity=data.capacity, confirmed_seats=0, waitlist_count=0,
                        created_by_id=actor.id if actor is not None else None, created_at=now, updated_at=now)
    _apply_workshop(workshop, data)
    db.session.add(workshop)
    db.session.flush()
    return workshop


def update_workshop(workshop: Workshop, data: WorkshopData, actor: User | None,
                    now: datetime | None = None) -> list[WorkshopRegistration]:
    """Change a workshop; raising the capacity promotes from the waitlist, a new date or place is mailed.

    The capacity cannot go below the seats already given.
    """
    now = now or utcnow()
    workshop = lock_workshop(workshop.id)
    data.conseil_id = workshop.conseil_id
    _check_workshop_data(data)
    if workshop.is_cancelled:
        raise InvalidWorkshop(_("A cancelled workshop cannot be changed."))
    moved = (data.starts_at != workshop.starts_at or data.ends_at != workshop.ends_at
             or data.place.strip() != workshop.place or data.address.strip() != workshop.address)
    if data.starts_at != workshop.starts_at and data.starts_at <= now:
        raise InvalidWorkshop(_("Choose a date in the future."), "day")
    if data.capacity < workshop.confirmed_seats:
        raise InvalidWorkshop(
            _("%(taken)d seats are already given: the capacity cannot be lower.", taken=workshop.confirmed_seats),
            "capacity")
    _apply_workshop(workshop, data)
    workshop.capacity = data.capacity
    workshop.updated_at = now
    if moved:
        workshop.sequence += 1
        for registration in active_registrations(workshop):
            _tell(registration, "workshops/workshop_changed")
    return promote_from_waitlist(workshop, now)


def active_registrations(workshop: Workshop) -> list[WorkshopRegistration]:
    return list(db.session.scalars(
        select(WorkshopRegistration)
        .where(WorkshopRegistration.workshop_id == workshop.id,
               WorkshopRegistration.status != RegistrationStatus.cancelled)
        .options(joinedload(WorkshopRegistration.user))
        .order_by(WorkshopRegistration.id)
    ))


def cancel_workshop(workshop: Workshop, reason: str, actor: User | None,
                    now: datetime | None = None) -> list[WorkshopRegistration]:
    """Cancel a workshop and tell everyone registered; returns those who left no e-mail (to call them)."""
    now = now or utcnow()
    workshop = lock_workshop(workshop.id)
    if workshop.is_cancelled:
        raise InvalidWorkshop(_("This workshop is already cancelled."))
    if workshop.is_over(now):
        raise InvalidWorkshop(_("This workshop is over: it can no longer be cancelled."))
    reason = (reason or "").strip()
    if not reason:
        raise InvalidWorkshop(_("Say why the workshop is cancelled: the people registered will read it."), "reason")
    workshop.cancelled_at = now
    workshop.cancellation_reason = reason
    workshop.sequence += 1
    workshop.updated_at = now
    to_call = []
    for registration in active_registrations(workshop):
        if not _tell(registration, "workshops/workshop_cancelled"):
            to_call.append(registration)
    audit.record(actor, "workshop.cancelled", SOURCE_TYPE, workshop.id, reason=reason,
                 conseil_id=workshop.conseil_id)
    return to_call


def duplicate_data(workshop: Workshop) -> dict[str, Any]:
    """The fields of a workshop to prefill a new one (the date is chosen again)."""
    return {
        "conseil_id": str(workshop.conseil_id), "qpv_id": str(workshop.qpv_id or ""), "theme": workshop.theme.value,
        "title": workshop.title, "description": workshop.description, "place": workshop.place,
        "address": workshop.address, "directions": workshop.directions,
        "accessibility_info": workshop.accessibility_info, "step_free_access": workshop.step_free_access,
        "offers_childcare": workshop.offers_childcare, "offers_interpreting": workshop.offers_interpreting,
        "interpreting_languages": workshop.interpreting_languages, "offers_meal": workshop.offers_meal,
        "capacity": workshop.capacity, "signup_close_minutes": str(workshop.signup_close_minutes),
        "start_time": workshop.starts_at.astimezone(PARIS).time().replace(second=0, microsecond=0),
        "end_time": workshop.ends_at.astimezone(PARIS).time().replace(second=0, microsecond=0),
    }


# ---------------------------------------------------------------- registrations list, needs, attendance


@dataclass
class NeedTotals:
    registrations: int = 0
    people: int = 0
    adults: int = 0
    children: int = 0
    childcare_children: int = 0
    languages: list[tuple[str, int]] = field(default_factory=list)
    access_needs: list[tuple[AccessNeed, int]] = field(default_factory=list)


def need_totals(registrations: list[WorkshopRegistration], status: RegistrationStatus) -> NeedTotals:
    """What the team must prepare for the registrations of one status: people, children, languages, access."""
    totals = NeedTotals()
    languages: Counter[str] = Counter()
    spelled: dict[str, str] = {}
    access: Counter[AccessNeed] = Counter()
    for registration in registrations:
        if registration.status != status:
            continue
        totals.registrations += 1
        totals.people += registration.seats
        totals.adults += registration.adults
        totals.children += registration.children
        totals.childcare_children += registration.childcare_children
        if registration.interpreting_language:
            key = registration.interpreting_language.casefold()
            spelled.setdefault(key, registration.interpreting_language)
            languages[key] += 1
        if registration.access_need is not None:
            access[registration.access_need] += 1
    totals.languages = sorted(((spelled[key], n) for key, n in languages.items()), key=lambda item: (-item[1], item[0]))
    totals.access_needs = sorted(access.items(), key=lambda item: (-item[1], item[0].value))
    return totals


@dataclass
class AttendanceTotals:
    present: int = 0
    present_people: int = 0
    absent: int = 0
    not_recorded: int = 0


def attendance_totals(registrations: list[WorkshopRegistration]) -> AttendanceTotals:
    """Presences and no-shows among the confirmed registrations."""
    totals = AttendanceTotals()
    for registration in registrations:
        if registration.status != RegistrationStatus.confirmed:
            continue
        if registration.attendance == Attendance.present:
            totals.present += 1
            totals.present_people += registration.seats
        elif registration.attendance == Attendance.absent:
            totals.absent += 1
        else:
            totals.not_recorded += 1
    return totals


def registrations_of(workshop: Workshop) -> list[WorkshopRegistration]:
    """Every registration, confirmed first then the waitlist in order, then the cancelled ones."""
    order = case((WorkshopRegistration.status == RegistrationStatus.confirmed, 0),
                 (WorkshopRegistration.status == RegistrationStatus.waitlisted, 1), else_=2)
    return list(db.session.scalars(
        select(WorkshopRegistration).where(WorkshopRegistration.workshop_id == workshop.id)
        .options(joinedload(WorkshopRegistration.user)).order_by(order, WorkshopRegistration.id)
    ))


def attendance_open(workshop: Workshop, now: datetime | None = None) -> bool:
    now = now or utcnow()
    return not workshop.is_cancelled and now >= workshop.starts_at - ATTENDANCE_OPENS_BEFORE


def record_attendance(workshop: Workshop, marks: dict[int, Attendance | None],
                      now: datetime | None = None) -> int:
    """Mark confirmed registrations present or absent, from a little before the start; returns how many changed."""
    if not attendance_open(workshop, now):
        raise WorkshopError(_("Attendance can be taken from three hours before the start of the workshop."))
    if not marks:
        return 0
    registrations = db.session.scalars(select(WorkshopRegistration).where(
        WorkshopRegistration.workshop_id == workshop.id, WorkshopRegistration.id.in_(list(marks)),
        WorkshopRegistration.status == RegistrationStatus.confirmed))
    changed = 0
    for registration in registrations:
        mark = marks[registration.id]
        if registration.attendance != mark:
            registration.attendance = mark
            changed += 1
    return changed


# ---------------------------------------------------------------- lists


def _upcoming_condition(now: datetime):
    return Workshop.ends_at > now


@dataclass
class Filters:
    conseil_id: int | None = None
    qpv_id: int | None = None
    theme: Theme | None = None


# What a card of the lists shows (``display.cards``): no description, no conclusions, no ORM objects.
CARD_COLUMNS = (
    Workshop.id, Workshop.title, Workshop.theme, Workshop.starts_at, Workshop.ends_at, Workshop.place,
    Workshop.accessibility_info, Workshop.step_free_access, Workshop.offers_childcare, Workshop.offers_interpreting,
    Workshop.interpreting_languages, Workshop.offers_meal, Workshop.capacity, Workshop.confirmed_seats,
    Workshop.signup_close_minutes, Workshop.cancelled_at, Conseil.name.label("conseil_name"),
    QPV.name.label("qpv_name"),
)


def _cards_query(*extra: Any) -> Select[Any]:
    return (select(*CARD_COLUMNS, *extra).join(Conseil, Conseil.id == Workshop.conseil_id)
            .outerjoin(QPV, QPV.id == Workshop.qpv_id))


def list_query(past: bool, filters: Filters, now: datetime | None = None, *extra: Any) -> Select[Any]:
    """Rows of ``CARD_COLUMNS`` (and ``extra``) of the upcoming or past workshops matching the filters."""
    return _list_select(past, now or utcnow(), filters.conseil_id, filters.qpv_id, filters.theme, *extra)


def _list_select(past: bool, now: Any, conseil_id: Any, qpv_id: Any, theme: Any, *extra: Any) -> Select[Any]:
    """``list_query`` with its values, or with parameters in their place (``_list_page``); None: no filter."""
    query = _cards_query(*extra)
    if past:
        query = query.where(Workshop.ends_at <= now).order_by(Workshop.starts_at.desc(), Workshop.id.desc())
    else:
        query = query.where(_upcoming_condition(now)).order_by(Workshop.starts_at, Workshop.id)
    if conseil_id is not None:
        query = query.where(Workshop.conseil_id == conseil_id)
    if qpv_id is not None:
        query = query.where(Workshop.qpv_id == qpv_id)
    if theme is not None:
        query = query.where(Workshop.theme == theme)
    return query


@functools.cache
def _list_page(past: bool, by_conseil: bool, by_qpv: bool, by_theme: bool) -> Select[Any]:
    """A page of the list with its total, for each tab and set of filters chosen: built once, with the moment,
    the filters' values, the page's size and offset as parameters (the last two written into the SQL, as
    db.inline does). Made again at each view, the statement and its cache key took 0.3 ms of CPU."""
    return _list_select(
        past, bindparam("now", type_=Workshop.ends_at.type),
        bindparam("conseil_id", type_=Integer) if by_conseil else None,
        bindparam("qpv_id", type_=Integer) if by_qpv else None,
        bindparam("theme", type_=Workshop.theme.type) if by_theme else None,
        func.count().over().label("total"),
    ).limit(inline_param("page_size")).offset(inline_param("page_offset"))


def list_workshops(past: bool, filters: Filters, page: int = 1, per_page: int = 10,
                   now: datetime | None = None) -> Page:
    """One page of the upcoming (soonest first) or past (latest first) workshops matching the filters.

    The total comes with the rows (``count(*) OVER ()``): one statement; a page past the end (no row to
    carry it) counts apart and shows the last page, as ``paginate`` does.
    """
    now = now or utcnow()
    number = max(page, 1)
    statement = _list_page(past, filters.conseil_id is not None, filters.qpv_id is not None, filters.theme is not None)
    rows = db.session.connection().execute(statement, {
        "now": now, "conseil_id": filters.conseil_id, "qpv_id": filters.qpv_id, "theme": filters.theme,
        "page_size": per_page, "page_offset": (number - 1) * per_page}).all()
    if rows:
        return Page(items=rows, number=number, per_page=per_page, total=rows[0].total)
    if number == 1:
        return Page(items=[], number=1, per_page=per_page, total=0)
    return paginate(list_query(past, filters, now), number, per_page, scalars=False)


def upcoming(limit: int = 3, conseil_id: int | None = None, now: datetime | None = None) -> list[Any]:
    """The next workshops that are not cancelled, soonest first (rows of ``CARD_COLUMNS``)."""
    now = now or utcnow()
    query = (_cards_query().where(_upcoming_condition(now), Workshop.cancelled_at.is_(None))
             .order_by(Workshop.starts_at, Workshop.id).limit(inline(limit)))
    if conseil_id is not None:
        query = query.where(Workshop.conseil_id == conseil_id)
    return list(db.session.execute(query))


@dataclass
class BackOfficeRow:
    workshop: Workshop
    no_shows: int
    present: int


def animated_workshops(conseil_ids: frozenset[int] | set[int], past: bool, page: int = 1,
                       now: datetime | None = None) -> Page:
    """Workshops of the conseils an animator runs, with their presence and no-show counts."""
    now = now or utcnow()
    attended = (
        select(WorkshopRegistration.workshop_id.label("workshop_id"),
               func.sum(case((WorkshopRegistration.attendance == Attendance.absent, 1), else_=0)).label("no_shows"),
               func.sum(case((WorkshopRegistration.attendance == Attendance.present, 1), else_=0)).label("present"))
        .where(WorkshopRegistration.status == RegistrationStatus.confirmed)
        .group_by(WorkshopRegistration.workshop_id).subquery()
    )
    query = (
        select(Workshop, func.coalesce(attended.c.no_shows, 0), func.coalesce(attended.c.present, 0))
        .outerjoin(attended, attended.c.workshop_id == Workshop.id)
        .where(Workshop.conseil_id.in_(list(conseil_ids)))
        .options(joinedload(Workshop.conseil))
    )
    if past:
        query = query.where(Workshop.ends_at <= now).order_by(Workshop.starts_at.desc(), Workshop.id.desc())
    else:
        query = query.where(Workshop.ends_at > now).order_by(Workshop.starts_at, Workshop.id)
    result = paginate(query, page, 20, scalars=False)
    result.items = [BackOfficeRow(row[0], int(row[1]), int(row[2])) for row in result.items]
    return result


def _registration_status_query() -> Select[Any]:
    ahead = aliased(WorkshopRegistration)
    position = (select(func.count(ahead.id) + 1).where(
        ahead.workshop_id == WorkshopRegistration.workshop_id, ahead.status == RegistrationStatus.waitlisted,
        ahead.id < WorkshopRegistration.id).scalar_subquery())
    return select(
        WorkshopRegistration.id, WorkshopRegistration.status,
        case((WorkshopRegistration.status == RegistrationStatus.waitlisted, position), else_=None).label("position"),
    ).where(
        WorkshopRegistration.workshop_id == bindparam("workshop_id"),
        WorkshopRegistration.user_id == bindparam("user_id"),
        WorkshopRegistration.status != RegistrationStatus.cancelled)


# Built once: with its alias and subquery, building it again at each page view cost more than running it.
_REGISTRATION_STATUS = _registration_status_query()


def registration_status_of_user(workshop: Workshop, user: Any) -> Any | None:
    """The user's registration that is not cancelled, as a row (id, status, waitlist position), in one statement."""
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    return db.session.execute(_REGISTRATION_STATUS, {"workshop_id": workshop.id, "user_id": user.id}).first()


def registration_of_user(workshop: Workshop, user: Any) -> WorkshopRegistration | None:
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    return db.session.scalar(select(WorkshopRegistration).where(
        WorkshopRegistration.workshop_id == workshop.id, WorkshopRegistration.user_id == user.id,
        WorkshopRegistration.status != RegistrationStatus.cancelled))


# ---------------------------------------------------------------- scheduled jobs


def send_reminders(now: datetime | None = None) -> int:
    """Remind the confirmed people of tomorrow's workshops (and today's still to come); once each."""
    now = now or utcnow()
    tomorrow = now.astimezone(PARIS).date() + timedelta(days=1)
    until = datetime.combine(tomorrow + timedelta(days=1), time(0, 0), tzinfo=PARIS).astimezone(UTC)
    registrations = db.session.scalars(
        select(WorkshopRegistration)
        .join(Workshop, Workshop.id == WorkshopRegistration.workshop_id)
        .where(Workshop.starts_at > now, Workshop.starts_at < until, Workshop.cancelled_at.is_(None),
               WorkshopRegistration.status == RegistrationStatus.confirmed)
        .options(joinedload(WorkshopRegistration.user), joinedload(WorkshopRegistration.workshop))
        .order_by(WorkshopRegistration.id)
    )
    sent = 0
    for registration in registrations:
        # A workshop moved to another date (new SEQUENCE) gets a new reminder.
        key = f"workshop-reminder:{registration.workshop_id}:{registration.workshop.sequence}:{registration.id}"
        if _tell(registration, "workshops/reminder", dedup_key=key):
            sent += 1
    return sent


def purge_days() -> int:
    config = current_app.config
    days = config.get("WORKSHOP_PURGE_DAYS")
    return int(days if days is not None else config["PERSONAL_DATA_RETENTION_DAYS"])


def _anonymize(registration: WorkshopRegistration, now: datetime) -> None:
    registration.user_id = None
    registration.name = None
    registration.email = None
    registration.phone = None
    registration.token_hash = None
    registration.access_details = None
    registration.news_opt_in = False
    registration.anonymized_at = now


def purge_personal_data(now: datetime | None = None, days: int | None = None) -> int:
    """Erase who registered to workshops that ended ``days`` ago; counts of people, presence and needs stay."""
    now = now or utcnow()
    days = purge_days() if days is None else days
    limit = now - timedelta(days=days)
    ended = select(Workshop.id).where(Workshop.ends_at <= limit)
    registrations = db.session.scalars(select(WorkshopRegistration).where(
        WorkshopRegistration.workshop_id.in_(ended), WorkshopRegistration.anonymized_at.is_(None)))
    count = 0
    for registration in registrations:
        _anonymize(registration, now)
        count += 1
    return count


def forget_user(user: User, now: datetime | None = None) -> None:
    """On account deletion: cancel the person's registrations still to come, detach the others from them."""
    now = now or utcnow()
    # Workshops are locked in id order, as any other multi-workshop change would, so that two never wait on each other.
    registrations = list(db.session.scalars(select(WorkshopRegistration).where(
        WorkshopRegistration.user_id == user.id).order_by(WorkshopRegistration.workshop_id)))
    for registration in registrations:
        workshop = registration.workshop
        if registration.is_active and not workshop.is_over(now):
            workshop, registration = _locked_registration(registration)
            if registration.status == RegistrationStatus.confirmed:
                _add_to_counters(workshop, seats=-registration.seats)
            else:
                _add_to_counters(workshop, waitlist=-1)
            registration.status = RegistrationStatus.cancelled
            registration.cancelled_at = now
            promote_from_waitlist(workshop, now)
        _anonymize(registration, now)


def export_user_registrations(user: User) -> list[dict[str, Any]]:
    registrations = db.session.scalars(select(WorkshopRegistration).where(
        WorkshopRegistration.user_id == user.id).options(joinedload(WorkshopRegistration.workshop))
        .order_by(WorkshopRegistration.id))
    return [
        {
            "workshop": registration.workshop.title,
            "starts_at": registration.workshop.starts_at.isoformat(),
            "status": registration.status.value,
            "adults": registration.adults,
            "children": registration.children,
            "childcare_children": registration.childcare_children,
            "interpreting_language": registration.interpreting_language,
            "access_need": registration.access_need.value if registration.access_need else None,
            "access_details": registration.access_details,
            "news_opt_in": registration.news_opt_in,
            "attendance": registration.attendance.value if registration.attendance else None,
            "registered_at": registration.created_at.isoformat(),
        }
        for registration in registrations
    ]


# ---------------------------------------------------------------- conclusions → contribution


def save_conclusions(workshop: Workshop, text: str, actor: User | None, now: datetime | None = None) -> None:
    """Write what came out of the workshop, once it has started; once published, a change is a timeline event."""
    now = now or utcnow()
    if workshop.is_cancelled or not workshop.has_started(now):
        raise ConclusionsNotReady(_("Conclusions can be written once the workshop has started."))
    text = (text or "").strip()
    if not text:
        raise InvalidWorkshop(_("Write the conclusions first."), "conclusions")
    if text == workshop.conclusions:
        return
    workshop.conclusions = text
    workshop.conclusions_html = render_markdown(text)
    workshop.conclusions_updated_at = now
    contribution = contract.contribution_for(SOURCE_TYPE, workshop.id)
    if contribution is not None:
        contract.add_event(contribution, EventKind.correction, actor=actor, text=text)


def publish_conclusions(workshop: Workshop, actor: User | None, now: datetime | None = None) -> Contribution:
    """Send the conclusions into the contrat de ville as a contribution, with its public follow-up."""
    now = now or utcnow()
    if workshop.is_cancelled or not workshop.has_started(now) or not workshop.conclusions:
        raise ConclusionsNotReady(_("Write the conclusions of the workshop before publishing them."))
    existing = contract.contribution_for(SOURCE_TYPE, workshop.id)
    if existing is not None:
        return existing
    return contract.create_contribution(
        ContributionKind.workshop_conclusion, SOURCE_TYPE, workshop.id, workshop.title,
        conseil_id=workshop.conseil_id, actor=actor, text=workshop.conclusions,
    )


def news_recipients(contribution: Contribution) -> list:
    """Who to tell about the follow-up of a workshop's conclusions: confirmed people who asked for news."""
    from participation.registry import Recipient

    registrations = db.session.scalars(
        select(WorkshopRegistration).where(
            WorkshopRegistration.workshop_id == contribution.source_id,
            WorkshopRegistration.status == RegistrationStatus.confirmed,
            WorkshopRegistration.news_opt_in.is_(True), WorkshopRegistration.anonymized_at.is_(None))
        .options(selectinload(WorkshopRegistration.user))
    )
    recipients = []
    for registration in registrations:
        user = registration.user
        if user is not None:
            if user.email and not user.is_deleted and user.notify_by_email:
                recipients.append(Recipient(email=user.email, locale=user.locale, name=user.display_name))
        elif registration.email:
            recipients.append(Recipient(email=registration.email, locale=registration.locale,
                                        name=registration.name or ""))
    return recipients


# ---------------------------------------------------------------- export rows


def export_rows(workshop: Workshop, with_contacts: bool) -> Iterator[list[Any]]:
    """The registrations as rows for a spreadsheet; e-mails and phones only when asked for."""
    from participation.workshops.labels import access_need_label, attendance_label, status_label

    header = [_("Name"), _("Status"), _("Position on the waitlist"), _("Adults with them"), _("Children with them"),
              _("People in all"), _("Childcare for"), _("Interpreting into"), _("Accessibility need"),
              _("Details"), _("Attendance"), _("Registered on")]
    if with_contacts:
        header[1:1] = [_("E-mail"), _("Phone")]
    yield header
    position = 0
    for registration in registrations_of(workshop):
        if registration.status == RegistrationStatus.waitlisted:
            position += 1
        row: list[Any] = [
            registration.shown_name or _("former participant"), status_label(registration.status),
            position if registration.status == RegistrationStatus.waitlisted else "",
            registration.adults, registration.children, registration.seats, registration.childcare_children,
            registration.interpreting_language or "",
            access_need_label(registration.access_need) if registration.access_need else "",
            registration.access_details or "",
            attendance_label(registration.attendance) if registration.attendance else "",
            registration.created_at.astimezone(PARIS).replace(tzinfo=None, microsecond=0),
        ]
        if with_contacts:
            row[1:1] = [registration.contact_email or "", registration.phone or ""]
        yield row
