"""Territory: the QPV reference, conseils citoyens and who sits in them."""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import String, cast, func, select
from sqlalchemy.orm import contains_eager, selectinload

from participation.accounts.models import Gender, User
from participation.db import utcnow
from participation.errors import DomainError
from participation.extensions import db
from participation.sanitize import render_markdown
from participation.territory.models import (
    QPV,
    AnimatorAssignment,
    College,
    Conseil,
    ConseilQPV,
    Membership,
    QPVCommune,
    Seat,
)

# ---------------------------------------------------------------- roles of a user in conseils


@dataclass(frozen=True)
class ConseilRoles:
    animator_of: frozenset[int]
    member_of: frozenset[int]


def roles_of(user: Any) -> ConseilRoles:
    """The conseils a user animates and sits in; read once per request (cached on the user object)."""
    if user is None or not getattr(user, "is_authenticated", False):
        return ConseilRoles(frozenset(), frozenset())
    cached = user.__dict__.get("_conseil_roles")
    if cached is not None:
        return cached
    # Read by the session's user loader with the account (roles_columns); here for a user loaded otherwise.
    animates, sits = db.session.execute(select(*roles_columns()).where(User.id == user.id)).one()
    return remember_roles(user, animates, sits)


def roles_columns() -> tuple[Any, Any]:
    """The conseils a user animates and sits in, as two columns of the statement that loads the user.

    Each is the comma-separated list of the conseil ids (NULL for none), correlated to the user's row: the
    session's user loader reads them with the account, one statement for both (see ``remember_roles``).
    """
    animates = (select(func.aggregate_strings(cast(AnimatorAssignment.conseil_id, String), ","))
                .where(AnimatorAssignment.user_id == User.id).scalar_subquery())
    sits = (select(func.aggregate_strings(cast(Membership.conseil_id, String), ","))
            .where(Membership.user_id == User.id, Membership.ended_on.is_(None)).scalar_subquery())
    return animates, sits


def remember_roles(user: Any, animates: str | None, sits: str | None) -> ConseilRoles:
    """Keep for this request the roles read by ``roles_columns`` with the user."""
    roles = user.__dict__["_conseil_roles"] = ConseilRoles(
        frozenset(int(conseil_id) for conseil_id in animates.split(",")) if animates else frozenset(),
        frozenset(int(conseil_id) for conseil_id in sits.split(",")) if sits else frozenset(),
    )
    return roles


def forget_roles(user: Any) -> None:
    user.__dict__.pop("_conseil_roles", None)


# ---------------------------------------------------------------- conseils


def slugify(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")[:80] or "conseil"


def _unique_slug(name: str, exclude_id: int | None = None) -> str:
    base = slugify(name)
    slug, n = base, 2
    while True:
        query = select(Conseil.id).where(Conseil.slug == slug)
        if exclude_id is not None:
            query = query.where(Conseil.id != exclude_id)
        if db.session.scalar(query) is None:
            return slug
        slug, n = f"{base[:75]}-{n}", n + 1


@dataclass
class ConseilData:
    name: str
    description: str = ""
    habitants_drawn_by_lot: bool = True
    contact_email: str | None = None
    qpv_ids: list[int] = field(default_factory=list)


def create_conseil(data: ConseilData) -> Conseil:
    """Create a conseil citoyen covering the given QPV."""
    conseil = Conseil(name=data.name.strip(), slug=_unique_slug(data.name))
    db.session.add(conseil)
    update_conseil(conseil, data)
    db.session.flush()
    return conseil


def update_conseil(conseil: Conseil, data: ConseilData) -> None:
    """Change a conseil's description and the QPV it covers (its address stays the same)."""
    conseil.name = data.name.strip()
    conseil.description = data.description
    conseil.description_html = render_markdown(data.description)
    conseil.habitants_drawn_by_lot = data.habitants_drawn_by_lot
    conseil.contact_email = data.contact_email or None
    wanted = set(data.qpv_ids)
    for link in list(conseil.qpv_links):
        if link.qpv_id not in wanted:
            conseil.qpv_links.remove(link)
    present = {link.qpv_id for link in conseil.qpv_links}
    for qpv_id in sorted(wanted - present):
        qpv = db.session.get(QPV, qpv_id)
        if qpv is not None:
            conseil.qpv_links.append(ConseilQPV(qpv=qpv))


def list_conseils() -> list[Conseil]:
    return list(
        db.session.scalars(
            select(Conseil)
            .where(Conseil.archived_at.is_(None))
            .options(selectinload(Conseil.qpv_links).selectinload(ConseilQPV.qpv))
            .order_by(Conseil.name)
        )
    )


# The live conseils, each with the quartiers it covers (a row per pair; qpv columns NULL for a conseil without
# one), by conseil then quartier name: what the lists' filters offer. Built once, run as Core.
_LIVE_PLACES = (
    select(Conseil.id, Conseil.slug, Conseil.name, QPV.id.label("qpv_id"), QPV.code, QPV.name.label("qpv_name"))
    .outerjoin(ConseilQPV, ConseilQPV.conseil_id == Conseil.id).outerjoin(QPV, QPV.id == ConseilQPV.qpv_id)
    .where(Conseil.archived_at.is_(None)).order_by(Conseil.name, QPV.name)
)


def live_places() -> list[Any]:
    """Rows (id, slug, name, qpv_id, code, qpv_name) of the live conseils and their quartiers, in one statement."""
    return db.session.connection().execute(_LIVE_PLACES).all()


def get_conseil_by_slug(slug: str) -> Conseil | None:
    return db.session.scalar(select(Conseil).where(Conseil.slug == slug, Conseil.archived_at.is_(None)))


# ---------------------------------------------------------------- members and animators


@dataclass
class MemberData:
    user: User
    college: College
    seat: Seat
    gender: Gender | None = None
    drawn_by_lot: bool = False
    organisation: str | None = None
    listed_publicly: bool = False
    started_on: date | None = None


class AlreadyMember(DomainError):
    pass


def add_member(conseil: Conseil, data: MemberData) -> Membership:
    """Give a person a seat in a collège of the conseil (one current seat per person and conseil)."""
    existing = db.session.scalar(
        select(Membership.id).where(
            Membership.conseil_id == conseil.id, Membership.user_id == data.user.id, Membership.ended_on.is_(None)
        )
    )
    if existing is not None:
        raise AlreadyMember(_("This person is already a member of this conseil."))
    membership = Membership(
        conseil=conseil,
        user=data.user,
        college=data.college,
        seat=data.seat,
        gender=data.gender,
        drawn_by_lot=data.drawn_by_lot and data.college == College.habitants,
        organisation=(data.organisation or "").strip() or None,
        listed_publicly=data.listed_publicly,
        started_on=data.started_on or utcnow().date(),
    )
    db.session.add(membership)
    db.session.flush()
    forget_roles(data.user)
    return membership


def end_membership(membership: Membership, on: date | None = None) -> None:
    """End a seat; the membership is kept for the record."""
    membership.ended_on = on or utcnow().date()
    forget_roles(membership.user)


def current_members(conseil: Conseil) -> list[Membership]:
    """Current members with their accounts."""
    return list(db.session.scalars(
        select(Membership)
        .join(Membership.user)
        .where(Membership.conseil_id == conseil.id, Membership.ended_on.is_(None))
        .options(contains_eager(Membership.user))
        .order_by(Membership.college, Membership.seat, Membership.id)
    ))


@dataclass(frozen=True)
class MemberLine:
    """What a conseil's page shows of a member (only the columns it needs, read in one query)."""

    college: College
    seat: Seat
    name: str
    organisation: str | None
    listed_publicly: bool
    account_deleted: bool


def member_lines(conseil: Conseil, *, listed_only: bool) -> list[MemberLine]:
    """Current members for the conseil's page; ``listed_only`` keeps those who agreed to be listed."""
    query = (
        select(Membership.college, Membership.seat, User.display_name, Membership.organisation,
               Membership.listed_publicly, User.deleted_at.is_not(None))
        .join(User, User.id == Membership.user_id)
        .where(Membership.conseil_id == conseil.id, Membership.ended_on.is_(None))
        .order_by(Membership.college, Membership.seat, Membership.id)
    )
    if listed_only:
        query = query.where(Membership.listed_publicly.is_(True), User.deleted_at.is_(None))
    return [MemberLine(*row) for row in db.session.execute(query)]


def assign_animator(conseil: Conseil, user: User) -> AnimatorAssignment:
    """Make a user an animator of the conseil (idempotent)."""
    existing = db.session.scalar(
        select(AnimatorAssignment).where(
            AnimatorAssignment.conseil_id == conseil.id, AnimatorAssignment.user_id == user.id
        )
    )
    if existing is not None:
        return existing
    assignment = AnimatorAssignment(conseil=conseil, user=user)
    db.session.add(assignment)
    db.session.flush()
    forget_roles(user)
    return assignment


def remove_animator(assignment: AnimatorAssignment) -> None:
    forget_roles(assignment.user)
    db.session.delete(assignment)


def animators_of(conseil: Conseil) -> list[User]:
    return list(
        db.session.scalars(
            select(User)
            .join(AnimatorAssignment, AnimatorAssignment.user_id == User.id)
            .where(AnimatorAssignment.conseil_id == conseil.id, User.deleted_at.is_(None))
            .order_by(User.display_name)
        )
    )


@dataclass(frozen=True)
class Composition:
    habitants: int
    acteurs_locaux: int
    drawn_women: int
    drawn_men: int

    @property
    def total(self) -> int:
        return self.habitants + self.acteurs_locaux

    @property
    def habitants_under_half(self) -> bool:
        return self.total > 0 and self.habitants * 2 < self.total

    @property
    def drawn_unbalanced(self) -> bool:
        return self.drawn_women != self.drawn_men


def composition_of(conseil: Conseil) -> Composition:
    """The same counts as ``composition``, computed by the database."""
    rows = db.session.execute(
        select(Membership.college, Membership.drawn_by_lot, Membership.gender, func.count())
        .where(Membership.conseil_id == conseil.id, Membership.ended_on.is_(None))
        .group_by(Membership.college, Membership.drawn_by_lot, Membership.gender)
    ).all()
    habitants = sum(n for college, _, _, n in rows if college == College.habitants)
    acteurs = sum(n for college, _, _, n in rows if college != College.habitants)
    drawn = [(gender, n) for college, is_drawn, gender, n in rows if college == College.habitants and is_drawn]
    return Composition(habitants, acteurs, sum(n for g, n in drawn if g == Gender.woman),
                       sum(n for g, n in drawn if g == Gender.man))


def composition(members: Iterable[Membership]) -> Composition:
    """Counts of current members per collège, and of drawn habitants per gender."""
    habitants = acteurs = women = men = 0
    for membership in members:
        if membership.college == College.habitants:
            habitants += 1
            if membership.drawn_by_lot:
                women += membership.gender == Gender.woman
                men += membership.gender == Gender.man
        else:
            acteurs += 1
    return Composition(habitants, acteurs, women, men)


def composition_warnings(conseil: Conseil, counts: Composition) -> list[str]:
    """What the law expects and this composition does not meet (warnings, never blocks)."""
    warnings = []
    if counts.habitants_under_half:
        warnings.append(_("The habitants collège has fewer than half of the members (%(habitants)d of "
                          "%(total)d).", habitants=counts.habitants, total=counts.total))
    if conseil.habitants_drawn_by_lot and counts.drawn_unbalanced:
        warnings.append(_("The habitants drawn by lot are not strictly balanced between women and men "
                          "(%(women)d women, %(men)d men).", women=counts.drawn_women, men=counts.drawn_men))
    return warnings


# ---------------------------------------------------------------- QPV reference import

QPV_COLUMNS = ["code_qp", "lib_qp", "insee_reg", "lib_reg", "insee_dep", "lib_dep", "insee_com", "lib_com",
               "siren_epci", "lib_epci"]
QPV_CODE = re.compile(r"^(QN[0-9]{2}[0-9AB][0-9]{2}[A-Z]|QP[0-9]{6})$")
INSEE_COMMUNE = re.compile(r"^([0-9]{5}|2[AB][0-9]{3})$")
DEPARTMENT = re.compile(r"^([0-9]{2,3}|0?2[AB])$")
REGION = re.compile(r"^[0-9]{2}$")
SIREN = re.compile(r"^[0-9]{9}$")


@dataclass
class ImportReport:
    created: int = 0
    updated: int = 0
    errors: list[tuple[int, str]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


def _cell(value: str | None) -> str:
    """Unwrap spreadsheet-protected cells such as ="60057" and trim spaces."""
    value = (value or "").strip()
    if value.startswith('="') and value.endswith('"'):
        value = value[2:-1]
    return value.strip()


def _split(value: str) -> list[str]:
    return [_cell(part) for part in value.split(";") if _cell(part)]


def _decode(raw: bytes) -> str:
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    return raw.decode("latin-1")


def import_qpv_csv(raw: bytes) -> ImportReport:
    """Import or update QPV from the ANCT CSV; with any bad row nothing is changed.

    The file is ``;``-separated with the columns of ``QPV_COLUMNS``; INSEE codes may be written
    ``="60057"``, and a QPV spanning several communes lists them in one (quoted) cell, ``;``-separated.
    """
    report = ImportReport()
    reader = csv.reader(io.StringIO(_decode(raw), newline=""), delimiter=";")
    try:
        header = [_cell(name).lower() for name in next(reader)]
    except StopIteration:
        report.errors.append((1, _("The file is empty.")))
        return report
    missing = [name for name in QPV_COLUMNS if name not in header]
    if missing:
        report.errors.append((1, _("Missing columns: %(columns)s.", columns=", ".join(missing))))
        return report
    index = {name: header.index(name) for name in QPV_COLUMNS}
    rows: dict[str, dict[str, Any]] = {}
    for line_number, row in enumerate(reader, start=2):
        if not any(cell.strip() for cell in row):
            continue
        if len(row) != len(header):
            report.errors.append((line_number, _("Expected %(expected)d columns, found %(found)d (a cell with "
                                                 "several communes must be quoted).",
                                                 expected=len(header), found=len(row))))
            continue
        values = {name: _cell(row[position]) for name, position in index.items()}
        errors = _check_qpv_row(values)
        if values["code_qp"] in rows:
            errors.append(_("The QPV %(code)s appears twice.", code=values["code_qp"]))
        if errors:
            report.errors.extend((line_number, error) for error in errors)
            continue
        rows[values["code_qp"]] = values
    if not rows and not report.errors:
        report.errors.append((2, _("The file has no QPV.")))
    if report.errors:
        return report
    existing = {qpv.code: qpv for qpv in db.session.scalars(select(QPV).where(QPV.code.in_(rows)))}
    for code, values in rows.items():
        qpv = existing.get(code)
        if qpv is None:
            qpv = QPV(code=code)
            db.session.add(qpv)
            report.created += 1
        else:
            report.updated += 1
        _fill_qpv(qpv, values)
    db.session.flush()
    return report


def _check_qpv_row(values: dict[str, str]) -> list[str]:
    errors = []
    if not QPV_CODE.match(values["code_qp"]):
        errors.append(_("“%(code)s” is not a QPV code (expected e.g. QN07511M or QP075001).",
                        code=values["code_qp"][:20]))
    if not values["lib_qp"]:
        errors.append(_("The QPV has no name."))
    if values["insee_reg"] and not REGION.match(values["insee_reg"]):
        errors.append(_("“%(value)s” is not a region code.", value=values["insee_reg"][:20]))
    if values["insee_dep"] and not DEPARTMENT.match(values["insee_dep"]):
        errors.append(_("“%(value)s” is not a département code.", value=values["insee_dep"][:20]))
    codes, names = _split(values["insee_com"]), _split(values["lib_com"])
    if not codes:
        errors.append(_("The QPV has no commune."))
    for code in codes:
        if not INSEE_COMMUNE.match(code):
            errors.append(_("“%(value)s” is not an INSEE commune code.", value=code[:20]))
    if names and len(names) != len(codes):
        errors.append(_("%(codes)d commune codes but %(names)d commune names.", codes=len(codes), names=len(names)))
    if values["siren_epci"] and not SIREN.match(values["siren_epci"]):
        errors.append(_("“%(value)s” is not a SIREN number (9 digits).", value=values["siren_epci"][:20]))
    if len(values["lib_qp"]) > 200 or len(values["lib_epci"]) > 200:
        errors.append(_("A name is longer than 200 characters."))
    return errors


def _fill_qpv(qpv: QPV, values: dict[str, str]) -> None:
    qpv.name = values["lib_qp"]
    qpv.region_code = values["insee_reg"] or None
    qpv.region_name = values["lib_reg"][:100] or None
    qpv.department_code = values["insee_dep"] or None
    qpv.department_name = values["lib_dep"][:100] or None
    qpv.epci_siren = values["siren_epci"] or None
    qpv.epci_name = values["lib_epci"] or None
    qpv.imported_at = utcnow()
    codes, names = _split(values["insee_com"]), _split(values["lib_com"])
    names = names or codes
    wanted = {code: (position, name[:150]) for position, (code, name) in enumerate(zip(codes, names, strict=True))}
    for commune in list(qpv.communes):
        if commune.insee_code not in wanted:
            qpv.communes.remove(commune)
    present = {commune.insee_code: commune for commune in qpv.communes}
    for code, (position, name) in wanted.items():
        commune = present.get(code)
        if commune is None:
            qpv.communes.append(QPVCommune(insee_code=code, name=name, position=position))
        else:
            commune.name, commune.position = name, position


def list_qpvs() -> list[QPV]:
    return list(db.session.scalars(select(QPV).options(selectinload(QPV.communes)).order_by(QPV.code)))
