"""The dashboard runs the same number of SQL statements whatever the contract and the contributions hold."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from participation.accounts.models import Gender
from participation.contract import services, structure
from participation.contract.models import ContributionStatus
from participation.extensions import db
from participation.registry import get_registry
from participation.sqlcount import count_statements
from tests import factories

URLS = ["/pilotage?start=2025-01-01&end=2025-12-31", "/pilotage?start=2025-01-01&end=2025-12-31&conseil={conseil}",
        "/pilotage?start=2025-03-01&end=2025-09-30&qpv={qpv}"]


def test_dashboard_statements_do_not_grow(signed_in, roles, contract, make_contribution, node_of):
    lead = signed_in(roles.project_lead)
    urls = [url.format(conseil=roles.conseil.id, qpv=roles.conseil.qpv_links[0].qpv_id) for url in URLS]

    def statements() -> list[int]:
        counts = []
        for url in urls:
            with count_statements() as counter:
                assert lead.get(url).status_code == 200
            counts.append(counter.count)
        return counts

    db.session.commit()  # what the fixtures made (the commit raises the contract page's version: not counted)
    before = statements()
    # The dashboard's own figures, plus one statement per indicator block other capabilities register.
    assert before[0] <= 8 + len(get_registry().dashboard_indicators)
    objective = node_of("2.1.1")
    targets = [structure.add_node(contract, structure.NodeData(title=f"Action ajoutée {i}"), objective)
               for i in range(5)] + [node_of("1.1.1.a"), node_of("1.1.1.b"), objective]
    start = datetime(2025, 1, 6, 10, tzinfo=UTC)
    for i in range(40):
        author = factories.make_user(name=f"Personne {i}", gender=Gender.woman if i % 2 else Gender.man,
                                     birth_year=1950 + i)
        contribution = make_contribution(roles.conseil if i % 3 else roles.other_conseil, author=author,
                                         title=f"Contribution {i}", occurred_at=start + timedelta(days=7 * i))
        for node in (targets[i % len(targets)], targets[(i + 2) % len(targets)]):
            services.link_to_node(contribution, node, actor=roles.project_lead)
        if i % 2:
            services.change_status(contribution, ContributionStatus.retained, actor=roles.project_lead)
            services.answer(contribution, f"Réponse {i}", actor=roles.project_lead)
    db.session.commit()
    page = lead.get(urls[0]).text
    assert "Action ajoutée 4" in page
    assert statements() == before
