"""What the workshops add to the dashboard: people who came took part; figures per period and conseil."""

from __future__ import annotations

from datetime import date, timedelta

from participation.db import utcnow
from participation.extensions import db
from participation.reporting import services as reporting
from participation.workshops import services
from participation.workshops.models import Attendance


def _table(tables, key):
    return next(table for table in tables if table.key == key)


def test_the_dashboard_counts_workshops_presence_needs_and_people_who_came(app, roles, make_workshop,
                                                                           sign_up_guest, signed_in):
    held = make_workshop(roles.conseil, starts_in=timedelta(days=-3), capacity=6)
    earlier = utcnow() - timedelta(days=10)
    came = services.sign_up(held.id, services.RegistrationData(adults=1), user=roles.member, now=earlier).registration
    stayed_home = services.sign_up(held.id, services.RegistrationData(), user=roles.habitant,
                                   now=earlier).registration
    guest, _ = sign_up_guest(held, children=2, childcare_children=2, interpreting_language="Arabe", now=earlier)
    sign_up_guest(held, adults=3, now=earlier)  # waitlisted: not counted
    services.record_attendance(held, {came.id: Attendance.present, stayed_home.id: Attendance.absent,
                                      guest.id: Attendance.present})
    make_workshop(roles.other_conseil, starts_in=timedelta(days=-2), cancelled_at=utcnow() - timedelta(days=5),
                  cancellation_reason="Pluie")
    make_workshop(roles.conseil, starts_in=timedelta(days=-400))  # outside the period
    db.session.commit()
    today = utcnow().date()
    scope = reporting.make_scope(today - timedelta(days=30), today)
    blocks = dict(reporting.all_tables(scope))
    tables = blocks["Ateliers"]
    figures = dict(_table(tables, "ateliers-chiffres-cles").rows)
    assert figures["Ateliers tenus"] == 1 and figures["Ateliers annulés"] == 1
    assert figures["Inscriptions confirmées"] == 3 and figures["Personnes attendues (accompagnants compris)"] == 6
    assert figures["Inscriptions présentes"] == 2 and figures["Absences"] == 1
    assert figures["Personnes présentes (accompagnants compris)"] == 5
    assert figures["Taux de présence parmi les présences relevées (%)"] == 66.7
    assert figures["Enfants gardés"] == 2 and figures["Inscriptions demandant une interprétation"] == 1
    assert _table(tables, "ateliers-par-conseil").rows == [(roles.conseil.name, 1, 3, 2, 1, 66.7)]
    assert _table(tables, "ateliers-langues").rows == [("Arabe", 1)]
    # The resident who came took part; the one who stayed home did not (guests have no account).
    assert reporting.people(scope).total == 1
    # An animator's dashboard is limited to their conseils.
    other = reporting.make_scope(today - timedelta(days=30), today, conseil_ids=[roles.other_conseil.id])
    other_figures = dict(_table(dict(reporting.all_tables(other))["Ateliers"], "ateliers-chiffres-cles").rows)
    assert other_figures["Ateliers tenus"] == 0 and other_figures["Ateliers annulés"] == 1
    # The figures survive the purge of personal data.
    services.purge_personal_data(now=utcnow() + timedelta(days=365))
    db.session.commit()
    assert dict(_table(dict(reporting.all_tables(scope))["Ateliers"], "ateliers-chiffres-cles").rows) == figures
    assert signed_in(roles.project_lead).get(
        f"/pilotage?du={(today - timedelta(days=30)).isoformat()}&au={today.isoformat()}").status_code == 200


def test_no_workshop_in_the_period_gives_empty_tables(app, roles):
    scope = reporting.make_scope(date(2020, 1, 1), date(2020, 12, 31))
    tables = dict(reporting.all_tables(scope))["Ateliers"]
    assert dict(_table(tables, "ateliers-chiffres-cles").rows)["Ateliers tenus"] == 0
    assert _table(tables, "ateliers-langues").rows == []
