"""The dashboard's figures are kept a few minutes per scope and language, said so, and computed again on demand."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from participation.extensions import db
from participation.registry import IndicatorTable
from participation.reporting import services, snapshots
from participation.reporting.models import DashboardSnapshot
from participation.sqlcount import count_statements
from tests import factories

PERIOD = "start=2025-01-01&end=2025-12-31"
DASHBOARD = f"/pilotage?{PERIOD}"
KEY_FIGURES = f"/pilotage/exports/indicateurs/synthese.json?{PERIOD}"


@pytest.fixture
def app_overrides():
    return {"DASHBOARD_CACHE_SECONDS": 300}


def _received(client) -> int:
    rows = json.loads(client.get(KEY_FIGURES).data)
    return next(row["value"] for row in rows if row["figure"] == "Contributions reçues")


def _contribution(conseil, day: int) -> None:
    factories.make_contribution(conseil, title=f"Contribution {day}",
                                occurred_at=datetime(2025, 3, day, 10, tzinfo=UTC))


def test_figures_are_kept_said_so_and_computed_again_on_demand(signed_in, roles):
    _contribution(roles.conseil, 1)
    lead = signed_in(roles.project_lead)
    page = lead.get(DASHBOARD).text
    assert "Chiffres calculés le" in page and "Ils sont recalculés après 5 minutes." in page
    assert _received(lead) == 1

    _contribution(roles.conseil, 2)
    db.session.commit()
    assert _received(lead) == 1  # the kept figures: the download says what the page says

    refreshed = lead.post(f"/pilotage/recalculer?{PERIOD}")
    assert refreshed.status_code == 302 and refreshed.headers["Location"].endswith(DASHBOARD)
    assert "Les chiffres ont été recalculés." in lead.get(refreshed.headers["Location"]).text
    assert _received(lead) == 2

    _contribution(roles.conseil, 3)
    for snapshot in db.session.scalars(select(DashboardSnapshot)):
        snapshot.computed_at -= timedelta(seconds=301)
    db.session.commit()
    assert _received(lead) == 3  # expired: computed again, and the expired ones are dropped
    assert db.session.scalar(select(func.count()).select_from(DashboardSnapshot)) == 1


def test_each_scope_and_language_has_its_own_figures(signed_in, roles):
    _contribution(roles.conseil, 1)
    _contribution(roles.other_conseil, 2)
    lead = signed_in(roles.project_lead)
    assert _received(lead) == 2
    only_one = json.loads(lead.get(f"/pilotage/exports/indicateurs/synthese.json?{PERIOD}"
                                   f"&conseil={roles.conseil.id}").data)
    assert next(row["value"] for row in only_one if row["figure"] == "Contributions reçues") == 1
    assert "Chiffres clés" in lead.get(DASHBOARD).text
    roles.project_lead.locale = "en"
    db.session.commit()
    english = lead.get(DASHBOARD).text
    assert "Key figures" in english and "Figures computed on" in english and "Chiffres clés" not in english
    keys = db.session.scalars(select(DashboardSnapshot.key)).all()
    assert len(keys) == len(set(keys)) == 3  # the territory and one conseil in French, the territory in English


def test_kept_figures_cost_a_few_statements(signed_in, roles):
    lead = signed_in(roles.project_lead)
    with count_statements() as first:
        assert lead.get(DASHBOARD).status_code == 200
    with count_statements() as kept:
        assert lead.get(DASHBOARD).status_code == 200
    assert kept.count < first.count
    assert kept.count <= 8  # the user, their roles, the places of the filters, the kept figures


def test_who_may_compute_the_figures_again(client, signed_in, roles):
    assert client.post(f"/pilotage/recalculer?{PERIOD}").status_code in (302, 401)
    assert "/connexion" in client.post(f"/pilotage/recalculer?{PERIOD}").headers.get("Location", "/connexion")
    for user in (roles.habitant, roles.member):
        assert signed_in(user).post(f"/pilotage/recalculer?{PERIOD}").status_code == 403
    assert signed_in(roles.animator).post(f"/pilotage/recalculer?{PERIOD}").status_code == 302


def test_kept_tables_read_back_as_computed(app, roles):
    _contribution(roles.conseil, 1)
    db.session.commit()
    with app.test_request_context():
        scope = services.make_scope(datetime(2025, 1, 1).date(), datetime(2025, 12, 31).date())
        blocks = services.all_tables(scope)
        read_back = snapshots.from_payload(json.loads(json.dumps(snapshots.to_payload(blocks))))
    assert [title for title, _tables in read_back] == [str(title) for title, _tables in blocks]
    for (_title, computed), (_same, kept) in zip(blocks, read_back, strict=True):
        for table, copy in zip(computed, kept, strict=True):
            assert copy.key == table.key and copy.title == str(table.title)
            assert [(c.key, c.label) for c in copy.columns] == [(c.key, str(c.label)) for c in table.columns]
            assert copy.rows == [tuple(v if isinstance(v, int | float | type(None)) else str(v) for v in row)
                                 for row in table.rows]
            assert (copy.chart_label, copy.chart_value) == (table.chart_label, table.chart_value)


def test_a_figure_that_cannot_be_kept_is_refused_loudly():
    table = IndicatorTable(key="k", title="T", columns=[], rows=[(Decimal("1.5"),)])
    with pytest.raises(TypeError):
        snapshots.to_payload([("Bloc", [table])])
