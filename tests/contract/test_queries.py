"""The read-only queries of the public contract page."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from participation.contract import queries, services, structure
from participation.contract.models import ContributionStatus

START = datetime(2026, 1, 5, 9, tzinfo=UTC)


def test_node_summaries_count_each_status_and_keep_the_latest_three(roles, contract, make_contribution, node_of):
    action, objective, removed = node_of("1.1.1.a"), node_of("2.1.1"), node_of("1.1.1.b")
    statuses = [ContributionStatus.retained, ContributionStatus.retained, ContributionStatus.not_retained,
                ContributionStatus.received, ContributionStatus.retained]
    made = []
    for i, status in enumerate(statuses):
        contribution = make_contribution(roles.conseil, title=f"Contribution {i}",
                                         occurred_at=START + timedelta(days=i))
        services.link_to_node(contribution, action, actor=roles.project_lead)
        if status != ContributionStatus.received:
            services.change_status(contribution, status, actor=roles.project_lead, reason="Parce que.")
        made.append(contribution)
    services.link_to_node(made[0], objective, actor=roles.project_lead)
    services.link_to_node(made[1], removed, actor=roles.project_lead)
    structure.delete_node(removed)

    summaries = queries.node_summaries(contract)

    assert set(summaries) == {action.id, objective.id}
    assert summaries[action.id].counts == {"retained": 3, "not_retained": 1, "received": 1}
    assert summaries[action.id].total == 5
    assert summaries[action.id].latest == [(c.id, c.title, s.value) for c, s in
                                           zip(made[:1:-1], statuses[:1:-1], strict=True)]
    assert summaries[objective.id].counts == {"retained": 1}
    assert summaries[objective.id].latest == [(made[0].id, "Contribution 0", "retained")]
    labels = {status.value: status.value.replace("_", " ").capitalize() for status in ContributionStatus}
    # The most frequent first, ties in the order of the statuses.
    assert summaries[action.id].counts_text(labels) == "retained 3, received 1, not retained 1"
