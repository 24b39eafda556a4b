"""Read-only queries of the contract pages, written to stay a handful of statements whatever the size."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, select

from participation.contract.models import Contract, ContractNode, Contribution, ContributionLink, ContributionStatus
from participation.extensions import db

LATEST_PER_NODE = 3


@dataclass
class NodeSummary:
    counts: dict[ContributionStatus, int] = field(default_factory=dict)
    latest: list[Any] = field(default_factory=list)  # rows (id, title, status)

    @property
    def total(self) -> int:
        return sum(self.counts.values())


def status_counts_for_nodes(node_ids: list[int]) -> dict[int, dict[ContributionStatus, int]]:
    counts: dict[int, dict[ContributionStatus, int]] = defaultdict(dict)
    if not node_ids:
        return counts
    rows = db.session.execute(
        select(ContributionLink.node_id, Contribution.status, func.count())
        .join(Contribution, Contribution.id == ContributionLink.contribution_id)
        .where(ContributionLink.node_id.in_(node_ids))
        .group_by(ContributionLink.node_id, Contribution.status)
    )
    for node_id, status, count in rows:
        counts[node_id][status] = count
    return counts


def node_summaries(contract: Contract) -> dict[int, NodeSummary]:
    """Per live node: how many linked contributions in each status, and the latest few (3 statements)."""
    live = select(ContractNode.id).where(ContractNode.contract_id == contract.id,
                                         ContractNode.deleted_at.is_(None)).scalar_subquery()
    summaries: dict[int, NodeSummary] = defaultdict(NodeSummary)
    rows = db.session.execute(
        select(ContributionLink.node_id, Contribution.status, func.count())
        .join(Contribution, Contribution.id == ContributionLink.contribution_id)
        .where(ContributionLink.node_id.in_(live))
        .group_by(ContributionLink.node_id, Contribution.status)
    )
    for node_id, status, count in rows:
        summaries[node_id].counts[status] = count
    ranked = (
        select(ContributionLink.node_id.label("node_id"), Contribution.id.label("id"),
               Contribution.title.label("title"), Contribution.status.label("status"),
               func.row_number().over(partition_by=ContributionLink.node_id,
                                      order_by=(Contribution.created_at.desc(), Contribution.id.desc()))
               .label("rank"))
        .join(Contribution, Contribution.id == ContributionLink.contribution_id)
        .where(ContributionLink.node_id.in_(live))
        .subquery()
    )
    for row in db.session.execute(select(ranked.c.node_id, ranked.c.id, ranked.c.title, ranked.c.status)
                                  .where(ranked.c.rank <= LATEST_PER_NODE)
                                  .order_by(ranked.c.node_id, ranked.c.rank)):
        summaries[row.node_id].latest.append(row)
    return summaries
