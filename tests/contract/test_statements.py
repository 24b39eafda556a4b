"""The public contract pages run the same number of SQL statements whatever the contract holds."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from participation.contract import annual_report, services, structure
from participation.contract.models import ContributionStatus, EventKind, OpinionPosition
from participation.extensions import db
from participation.sqlcount import count_statements

OPENED = datetime(2026, 2, 2, 9, tzinfo=UTC)


def statements(client, url: str) -> int:
    with count_statements() as counter:
        assert client.get(url).status_code == 200
    return counter.count


def grow(contract, roles, make_contribution, node_of, *, contributions: int) -> None:
    """More nodes, contributions linked to several of them with statuses, answers and longer timelines."""
    objective = node_of("2.1.1")
    actions = [structure.add_node(contract, structure.NodeData(title=f"Action ajoutée {i}", youth=i % 2 == 0),
                                  objective) for i in range(4)]
    targets = [*actions, node_of("1.1.1.a"), node_of("1.1.1.b"), objective, node_of("1")]
    statuses = [ContributionStatus.retained, ContributionStatus.not_retained, ContributionStatus.under_study]
    for i in range(contributions):
        contribution = make_contribution(roles.conseil if i % 2 else roles.other_conseil, title=f"Contribution {i}",
                                         author=roles.habitant if i % 3 else None)
        for node in (targets[i % len(targets)], targets[(i + 3) % len(targets)]):
            services.link_to_node(contribution, node, actor=roles.project_lead)
        services.change_status(contribution, statuses[i % 3], actor=roles.project_lead, reason="Parce que.")
        services.answer(contribution, f"Réponse {i}", actor=roles.project_lead)
    db.session.commit()


def test_contract_pages_statements_do_not_grow(client, roles, contract, make_contribution, node_of):
    first = make_contribution(roles.conseil, author=roles.habitant)
    services.link_to_node(first, node_of("1.1.1.a"), actor=roles.project_lead)
    db.session.commit()
    urls = ["/contrat", f"/suivi/{first.id}", f"/contrat/{node_of('1.1.1.a').id}", f"/contrat/{node_of('1').id}"]
    before = {url: statements(client, url) for url in urls}  # /contrat computed (its first request)
    assert before["/contrat"] <= 4 and before[f"/suivi/{first.id}"] <= 2
    assert statements(client, "/contrat") == 1  # then kept: only its version is read

    grow(contract, roles, make_contribution, node_of, contributions=30)
    for i in range(5):
        services.add_event(first, EventKind.discussed, actor=roles.project_lead, text=f"Réunion {i}")
    services.link_to_node(first, node_of("2.1.1"), actor=roles.project_lead)
    round_ = annual_report.open_round(2025, date(2026, 3, 20), actor=roles.project_lead, now=OPENED)
    for conseil in (roles.conseil, roles.other_conseil):
        annual_report.record_opinion(round_, conseil, annual_report.OpinionData(
            position=OpinionPosition.reserved, majority_text="Avis.", dissenting_views="Une minorité s'oppose.",
            observations="Publier le calendrier.\n\nAssocier les habitants."),
            actor=roles.project_lead, now=OPENED + timedelta(days=3))
    db.session.commit()
    assert {url: statements(client, url) for url in urls} == before  # /contrat computed again: it changed
    page = client.get("/contrat").text
    assert "Contribution 29" in page and "Publier le calendrier." in page
