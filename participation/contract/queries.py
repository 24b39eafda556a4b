"""Read-only queries of the contract pages, written to stay a handful of statements whatever the size.

They return plain rows (named tuples), not ORM objects: the pages show thousands of values, and
loading an object per contribution costs more than the query itself.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import bindparam, func, select

from participation.contract.models import Contract, ContractNode, Contribution, ContributionLink, ContributionStatus
from participation.extensions import db

LATEST_PER_NODE = 3
_STATUS_ORDER = {status: index for index, status in enumerate(ContributionStatus)}


@dataclass
class NodeSummary:
    counts: dict[ContributionStatus, int] = field(default_factory=dict)
    latest: list[Any] = field(default_factory=list)  # rows (node_id, id, title, status), latest first

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    def counts_text(self, status_labels: dict[ContributionStatus, str]) -> str:
        """"retained 4, received 2": the most frequent status first (statuses in their order on ties)."""
        ordered = sorted(self.counts.items(), key=lambda item: (-item[1], _STATUS_ORDER[item[0]]))
        return ", ".join(f"{status_labels[status].lower()} {count}" for status, count in ordered)


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


# The statements of the contract page are built once: building a select() costs about as much as
# running it on this small a result.
_LIVE_NODES = (select(ContractNode.id).where(ContractNode.contract_id == bindparam("contract_id"),
                                             ContractNode.deleted_at.is_(None)).scalar_subquery())
_COUNTS_BY_NODE = (
    select(ContributionLink.node_id, Contribution.status, func.count())
    .join(Contribution, Contribution.id == ContributionLink.contribution_id)
    .where(ContributionLink.node_id.in_(_LIVE_NODES))
    .group_by(ContributionLink.node_id, Contribution.status)
)
_RANKED = (
    select(ContributionLink.node_id.label("node_id"), Contribution.id.label("id"), Contribution.title.label("title"),
           Contribution.status.label("status"),
           func.row_number().over(partition_by=ContributionLink.node_id,
                                  order_by=(Contribution.created_at.desc(), Contribution.id.desc())).label("rank"))
    .join(Contribution, Contribution.id == ContributionLink.contribution_id)
    .where(ContributionLink.node_id.in_(_LIVE_NODES))
    .subquery()
)
_LATEST_BY_NODE = (select(_RANKED.c.node_id, _RANKED.c.id, _RANKED.c.title, _RANKED.c.status)
                   .where(_RANKED.c.rank <= LATEST_PER_NODE).order_by(_RANKED.c.node_id, _RANKED.c.rank))


def node_summaries(contract: Contract) -> dict[int, NodeSummary]:
    """Per live node: how many linked contributions in each status, and the latest few (2 statements)."""
    summaries: dict[int, NodeSummary] = defaultdict(NodeSummary)
    for node_id, status, count in db.session.execute(_COUNTS_BY_NODE, {"contract_id": contract.id}):
        summaries[node_id].counts[status] = count
    for row in db.session.execute(_LATEST_BY_NODE, {"contract_id": contract.id}):
        summaries[row.node_id].latest.append(row)
    return summaries


_TREE_COLUMNS = (ContractNode.id, ContractNode.parent_id, ContractNode.level, ContractNode.code, ContractNode.title,
                 ContractNode.description, ContractNode.pillar, ContractNode.youth, ContractNode.gender_equality,
                 ContractNode.anti_discrimination)
_PUBLIC_TREE = (select(*_TREE_COLUMNS).where(ContractNode.contract_id == bindparam("contract_id"),
                                             ContractNode.deleted_at.is_(None))
                .order_by(ContractNode.position, ContractNode.id))


@dataclass
class TreeItem:
    """A node of the contract as the public page shows it: its row, and the items one level below."""

    node: Any  # row of ContractNode columns
    children: list[TreeItem] = field(default_factory=list)


def public_tree(contract: Contract) -> list[TreeItem]:
    """The live nodes of the contract as a tree of rows (what /contrat shows), siblings in their order."""
    items = {row.id: TreeItem(row) for row in db.session.execute(_PUBLIC_TREE, {"contract_id": contract.id})}
    roots: list[TreeItem] = []
    for item in items.values():
        if item.node.parent_id is None:
            roots.append(item)
        elif item.node.parent_id in items:
            items[item.node.parent_id].children.append(item)
    return roots

