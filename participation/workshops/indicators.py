"""What the workshops add to the dashboard (/pilotage): people who came, and figures per period and conseil.

Every figure is counted from the registration rows, which keep their status, attendance and needs after
the purge of personal data: the figures of old periods stay right.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select

from participation.exports import Column
from participation.extensions import db
from participation.registry import DashboardScope, IndicatorTable
from participation.territory.models import Conseil
from participation.workshops.models import Attendance, RegistrationStatus, Workshop, WorkshopRegistration


def attended_activity():
    """Residents with an account who came to a workshop took part, on the day of the workshop."""
    return (select(WorkshopRegistration.user_id.label("user_id"), Workshop.conseil_id.label("conseil_id"),
                   Workshop.starts_at.label("at"))
            .join(Workshop, Workshop.id == WorkshopRegistration.workshop_id)
            .where(WorkshopRegistration.attendance == Attendance.present, WorkshopRegistration.user_id.is_not(None)))


def _share(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None


def workshop_tables(scope: DashboardScope) -> list[IndicatorTable]:
    """Workshops held in the period: registrations, presence and no-shows, and what people needed."""
    query = (select(Workshop.id, Workshop.conseil_id, Workshop.cancelled_at)
             .where(Workshop.starts_at >= scope.start, Workshop.starts_at < scope.end))
    if scope.conseil_ids is not None:
        query = query.where(Workshop.conseil_id.in_(scope.conseil_ids or {-1}))
    workshops = db.session.execute(query).all()
    held = {row.id: row.conseil_id for row in workshops if row.cancelled_at is None}
    cancelled = len(workshops) - len(held)
    per_conseil: dict[int, Counter[str]] = defaultdict(Counter)
    totals: Counter[str] = Counter()
    languages: Counter[str] = Counter()
    spelled: dict[str, str] = {}
    if held:
        rows = db.session.execute(
            select(WorkshopRegistration.workshop_id, WorkshopRegistration.seats, WorkshopRegistration.attendance,
                   WorkshopRegistration.childcare_children, WorkshopRegistration.interpreting_language,
                   WorkshopRegistration.access_need)
            .where(WorkshopRegistration.workshop_id.in_(list(held)),
                   WorkshopRegistration.status == RegistrationStatus.confirmed)
        )
        for row in rows:
            counts = per_conseil[held[row.workshop_id]]
            for counter in (counts, totals):
                counter["registrations"] += 1
                counter["expected"] += row.seats
                counter["childcare"] += row.childcare_children
                if row.attendance == Attendance.present:
                    counter["present"] += 1
                    counter["present_people"] += row.seats
                elif row.attendance == Attendance.absent:
                    counter["absent"] += 1
            if row.access_need is not None:
                totals["access"] += 1
            if row.interpreting_language:
                key = row.interpreting_language.casefold()
                spelled.setdefault(key, row.interpreting_language)
                languages[key] += 1
    for conseil_id in held.values():
        per_conseil[conseil_id]["workshops"] += 1
    recorded = totals["present"] + totals["absent"]
    tables = [IndicatorTable(
        key="ateliers-chiffres-cles", title=_("Workshops: key figures"),
        columns=[Column("figure", _("Figure")), Column("value", _("Value"))],
        rows=[
            (_("Workshops held"), len(held)),
            (_("Workshops cancelled"), cancelled),
            (_("Confirmed registrations"), totals["registrations"]),
            (_("People expected (companions included)"), totals["expected"]),
            (_("Registrations present"), totals["present"]),
            (_("People present (companions included)"), totals["present_people"]),
            (_("No-shows"), totals["absent"]),
            (_("Presence rate among recorded attendance (%)"), _share(totals["present"], recorded)),
            (_("Children looked after"), totals["childcare"]),
            (_("Registrations with an accessibility need"), totals["access"]),
            (_("Registrations asking for interpreting"), sum(languages.values())),
        ],
        chart_value=None,
    )]
    names: dict[int, str] = {}
    if per_conseil:
        names = dict(db.session.execute(
            select(Conseil.id, Conseil.name).where(Conseil.id.in_(list(per_conseil)))).all())
    conseil_rows: list[tuple[Any, ...]] = []
    for conseil_id, counts in sorted(per_conseil.items(), key=lambda item: names.get(item[0], "")):
        conseil_rows.append((names.get(conseil_id, ""), counts["workshops"], counts["registrations"],
                             counts["present"], counts["absent"],
                             _share(counts["present"], counts["present"] + counts["absent"])))
    tables.append(IndicatorTable(
        key="ateliers-par-conseil", title=_("Workshops per conseil citoyen"),
        columns=[Column("conseil", _("Conseil citoyen")), Column("workshops", _("Workshops held")),
                 Column("registrations", _("Confirmed registrations")), Column("present", _("Registrations present")),
                 Column("no_shows", _("No-shows")), Column("presence_rate", _("Presence rate (%)"))],
        rows=conseil_rows, chart_value=2,
    ))
    tables.append(IndicatorTable(
        key="ateliers-langues", title=_("Interpreting asked for, per language"),
        columns=[Column("language", _("Language")), Column("registrations", _("Registrations"))],
        rows=[(spelled[key], count) for key, count in sorted(languages.items(), key=lambda item: (-item[1], item[0]))],
        chart_value=1,
    ))
    return tables
