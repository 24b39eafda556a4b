"""Dashboard figures equal counts recomputed from the raw tables; groups under 10 people never shown."""

from __future__ import annotations

import statistics
from collections import Counter
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select

from participation.accounts.models import Gender, User
from participation.contract import services as contract_services
from participation.contract.models import (
    Contribution,
    ContributionEvent,
    ContributionKind,
    ContributionLink,
    ContributionStatus,
    EventKind,
)
from participation.extensions import db
from participation.i18n import paris_today
from participation.registry import DashboardIndicator, IndicatorTable, get_registry
from participation.reporting import services
from participation.territory.models import ConseilQPV
from tests import factories

FIRST, LAST = date(2025, 1, 1), date(2025, 12, 31)


@pytest.fixture
def dataset(roles, contract, node_of):
    """14 people (10 women), 30 contributions over 2024–2025 in two conseils, some answered and linked."""
    people = [factories.make_user(name=f"Personne {i}", gender=Gender.woman if i < 10 else Gender.man,
                                  birth_year=1950 + 3 * i, qpv_id=roles.conseil.qpv_links[0].qpv_id if i % 2 else None)
              for i in range(14)]
    kinds = list(ContributionKind)
    statuses = [ContributionStatus.retained, ContributionStatus.not_retained, ContributionStatus.under_study]
    nodes = [node_of("1.1.1.a"), node_of("1.1.1.b"), node_of("2.1.1")]
    for i in range(30):
        conseil = roles.conseil if i % 3 else roles.other_conseil
        when = datetime(2024, 11, 1, tzinfo=UTC) + timedelta(days=17 * i)
        author = people[i % 14] if i % 5 else None  # every fifth is entered by a body, without a person
        contribution = factories.make_contribution(conseil, title=f"Contribution {i}", author=author,
                                                   kind=kinds[i % len(kinds)], occurred_at=when)
        if i % 4 == 0:
            contract_services.link_to_node(contribution, nodes[i % 3], actor=roles.project_lead)
        if i % 2 == 0:
            status = statuses[i % 3]
            contract_services.change_status(contribution, status, actor=roles.project_lead, reason="Parce que.")
            contract_services.answer(contribution, f"Réponse {i}", actor=roles.project_lead)
    db.session.commit()
    return people


def _raw(scope):
    """The same figures, from the raw rows, without the service's queries."""
    start, end = scope.start, scope.end
    events = db.session.scalars(select(ContributionEvent)).all()
    contributions = {c.id: c for c in db.session.scalars(select(Contribution))}
    in_conseils = (lambda cid: True) if scope.conseil_ids is None else (lambda cid: cid in scope.conseil_ids)
    acts = [(e.actor_id, contributions[e.contribution_id].conseil_id, e.occurred_at) for e in events
            if e.kind == EventKind.submitted and e.actor_id is not None and e.actor_label is None]
    took_part = {u for u, c, at in acts if start <= at < end and in_conseils(c)}
    first_act = {}
    for u, _c, at in acts:
        first_act[u] = min(first_act.get(u, at), at)
    new = {u for u in took_part if start <= first_act[u] < end}
    received = [c for c in contributions.values() if start <= c.created_at < end and in_conseils(c.conseil_id)]
    first_answer = {}
    for e in events:
        if e.kind == EventKind.answered:
            first_answer[e.contribution_id] = min(first_answer.get(e.contribution_id, e.occurred_at), e.occurred_at)
    answered = [c for c in received if c.id in first_answer]
    delays = [(first_answer[c.id] - c.created_at).total_seconds() / 86400 for c in answered]
    return {
        "people": len(took_part), "new": len(new), "received": len(received), "answered": len(answered),
        "share": round(100 * len(answered) / len(received), 1) if received else None,
        "median": round(statistics.median(delays), 1) if delays else None,
        "kinds": Counter(c.kind for c in received), "statuses": Counter(c.status for c in received),
        "took_part": took_part, "received_rows": received, "first_answer": first_answer,
    }


def _table(tables, key):
    return next(t for t in tables if t.key == key)


def test_every_figure_equals_the_raw_count(app, dataset, roles, contract, node_of):
    with app.test_request_context():
        scope = services.make_scope(FIRST, LAST)
        tables = services.builtin_tables(scope)
        raw = _raw(scope)
        summary = dict(_table(tables, "synthese").rows)
        assert list(summary.values()) == [raw["people"], raw["new"], raw["received"], raw["answered"],
                                          raw["share"], raw["median"]]
        assert raw["people"] >= 10 and 0 < raw["new"] < raw["people"]  # the dataset exercises both
        assert dict(_table(tables, "par-type").rows) == {
            contract_services.kind_label(k): raw["kinds"].get(k, 0) for k in ContributionKind}
        assert dict(_table(tables, "par-statut").rows) == {
            contract_services.status_label(s): raw["statuses"].get(s, 0) for s in ContributionStatus}
        per_conseil = {row[0]: row[1:] for row in _table(tables, "par-conseil").rows}
        for conseil in (roles.conseil, roles.other_conseil):
            one = _raw(services.make_scope(FIRST, LAST, {conseil.id}))
            assert per_conseil[conseil.name] == (one["people"], one["new"], one["received"], one["answered"],
                                                 one["share"], one["median"])
        # Per QPV: residents who took part, and contributions of the conseils covering it.
        qpv_id = roles.conseil.qpv_links[0].qpv_id
        residents = {u.id for u in db.session.scalars(select(User).where(User.qpv_id == qpv_id))}
        covering = set(db.session.scalars(select(ConseilQPV.conseil_id).where(ConseilQPV.qpv_id == qpv_id)))
        qpv_row = next(r for r in _table(tables, "par-qpv").rows if r[0].endswith(f"({roles.conseil.qpvs[0].code})"))
        assert qpv_row[1] == len(raw["took_part"] & residents)
        assert qpv_row[2] == len([c for c in raw["received_rows"] if c.conseil_id in covering])
        # Per node: the node and every node above it.
        links = db.session.execute(select(ContributionLink.node_id, ContributionLink.contribution_id)).all()
        received_ids = {c.id for c in raw["received_rows"]}
        node_rows = {row[0].strip("\u2003"): row for row in _table(tables, "par-noeud").rows}
        for code, below in (("1", {"1.1.1.a", "1.1.1.b"}), ("1.1.1.a", {"1.1.1.a"}), ("2.1.1", {"2.1.1"})):
            ids = {node_of(c).id for c in below}
            linked = {cid for nid, cid in links if nid in ids and cid in received_ids}
            row = node_rows[node_of(code).label]
            assert row[2] == len(linked)
            assert row[3] == len([cid for cid in linked if cid in raw["first_answer"]])


def test_gender_and_age_show_only_groups_of_ten_or_more(app, dataset):
    with app.test_request_context():
        scope = services.make_scope(FIRST, LAST)
        raw = _raw(scope)
        tables = services.builtin_tables(scope)
        women = len([u for u in raw["took_part"] if db.session.get(User, u).gender == Gender.woman])
        genders = dict(_table(tables, "genre").rows)
        assert genders["Femmes"] == (women if women >= 10 else services.HIDDEN)
        assert genders["Hommes"] == services.HIDDEN and genders["Autre"] == services.HIDDEN
        for table in (_table(tables, "genre"), _table(tables, "age")):
            for _label, value in table.rows:
                assert value == services.HIDDEN or value >= services.MIN_GROUP


def test_no_breakdown_at_all_under_ten_people(app, dataset, roles):
    with app.test_request_context():
        scope = services.make_scope(FIRST, LAST, {roles.other_conseil.id})
        assert _raw(scope)["people"] < 10
        tables = services.builtin_tables(scope)
        assert _table(tables, "genre").rows == [] and _table(tables, "age").rows == []


def test_dashboard_page_never_prints_a_small_group(app, dataset, signed_in, roles):
    page = signed_in(roles.project_lead).get("/pilotage?start=2025-01-01&end=2025-12-31").text
    genre = page.split('id="table-genre"')[1].split("</table>")[0]
    assert "&lt; 10" in genre
    cells = [cell.split("<")[0] for cell in genre.split('class="number">')[1:]]
    assert all(int(cell.replace("\u202f", "").replace("\xa0", "")) >= 10 for cell in cells)


def test_registered_indicators_and_activity_are_used(app, dataset, signed_in, roles):
    registry = get_registry()

    def attendance(scope):
        return [IndicatorTable(key="ateliers", title="Présence aux ateliers",
                               columns=[services.Column("w", "Atelier"), services.Column("n", "Présents")],
                               rows=[("Atelier vélo", 12), ("Atelier cuisine", 7)])]

    registry.dashboard_indicators.append(DashboardIndicator("workshops", "Ateliers", attendance))
    newcomer = factories.make_user(name="Venue à un atelier")
    db.session.commit()
    registry.participation_activity.append(lambda: select(
        User.id.label("user_id"), ConseilQPV.conseil_id.label("conseil_id"), User.created_at.label("at"))
        .join(ConseilQPV, ConseilQPV.conseil_id == roles.conseil.id).where(User.id == newcomer.id))
    client = signed_in(roles.project_lead)
    today = paris_today().isoformat()
    page = client.get(f"/pilotage?start=2025-01-01&end={today}").text
    assert "Présence aux ateliers" in page and "Atelier vélo" in page
    with app.test_request_context():
        before = _raw(services.make_scope(FIRST, paris_today()))["people"]
        summary = dict(_table(services.builtin_tables(services.make_scope(FIRST, paris_today())), "synthese").rows)
    assert summary["Personnes qui ont participé"] == before + 1
    download = client.get(f"/pilotage/exports/indicateurs/ateliers.csv?start=2025-01-01&end={today}")
    assert download.status_code == 200 and "Atelier vélo;12" in download.data.decode("utf-8-sig")
