"""Read-only queries of the contract pages, written to stay a handful of statements whatever the size.

They return plain rows (named tuples), not ORM objects: the pages show thousands of values, and
loading an object per contribution costs more than the query itself. Each round trip to the database
counts too (on a busy server every one waits for the database to be scheduled), so what a page shows
is read in as few statements as the shapes of the results allow; the statements are built once, at
import, because building a select() costs about as much as running it on results this small.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import Integer, String, and_, bindparam, cast, func, literal, null, select, type_coerce, union_all
from sqlalchemy.orm import aliased, joinedload

from participation.contract.models import (
    ConseilOpinion,
    Contract,
    ContractNode,
    Contribution,
    ContributionEvent,
    ContributionLink,
    ContributionStatus,
    OpinionPosition,
    ReportObservation,
    ReportRound,
)
from participation.extensions import db
from participation.territory.models import Conseil

LATEST_PER_NODE = 3
_STATUS_ORDER = {status.value: index for index, status in enumerate(ContributionStatus)}


@dataclass(slots=True)
class NodeSummary:
    """The contributions linked to one node. Statuses are their stored values ("retained"): the summaries of
    a whole contract are thousands of lookups, and hashing an enum member costs a Python call each."""

    counts: dict[str, int]  # status value: number of linked contributions
    latest: list[tuple[int, str, str]] = field(default_factory=list)  # (id, title, status value), latest first

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    def counts_text(self, status_labels: dict[str, str]) -> str:
        """"retained 4, received 2": the most frequent status first (statuses in their order on ties)."""
        ordered = sorted(self.counts.items(), key=lambda item: (-item[1], _STATUS_ORDER[item[0]]))
        return ", ".join(f"{status_labels[status].lower()} {count}" for status, count in ordered)


# ------------------------------------------------------------------------------------------ the tree

# The contract in force is the one that starts last (structure.current_contract).
_CURRENT_CONTRACT_ID = (select(Contract.id).order_by(Contract.starts_year.desc(), Contract.id.desc()).limit(1)
                        .scalar_subquery())
_TREE_COLUMNS = (ContractNode.id, ContractNode.parent_id, ContractNode.level, ContractNode.code, ContractNode.title,
                 ContractNode.description, ContractNode.pillar, ContractNode.youth, ContractNode.gender_equality,
                 ContractNode.anti_discrimination)
_LIVE_NODE = and_(ContractNode.contract_id == Contract.id, ContractNode.deleted_at.is_(None))
_CONTRACT_AND_NODES = (select(Contract, *_TREE_COLUMNS).outerjoin(ContractNode, _LIVE_NODE)
                       .where(Contract.id == _CURRENT_CONTRACT_ID).order_by(ContractNode.position, ContractNode.id))


@dataclass
class TreeItem:
    """A node of the contract as its pages show it: its row, and the items one level below."""

    node: Any  # row of ContractNode columns
    children: list[TreeItem] = field(default_factory=list)


def current_tree() -> tuple[Contract | None, list[TreeItem]]:
    """The contract in force and its live nodes as a tree of rows, siblings in their order (1 statement)."""
    contract, items = None, {}
    for row in db.session.execute(_CONTRACT_AND_NODES).all():
        contract = row[0]
        if row.id is not None:
            items[row.id] = TreeItem(row)
    roots: list[TreeItem] = []
    for item in items.values():
        if item.node.parent_id is None:
            roots.append(item)
        elif item.node.parent_id in items:
            items[item.node.parent_id].children.append(item)
    return contract, roots


def nodes_of_contract_of(node_id: int) -> list[ContractNode]:
    """Every node, removed ones too, of the contract that holds the node ``node_id`` (1 statement)."""
    holder = aliased(ContractNode)
    return list(db.session.scalars(select(ContractNode).where(
        ContractNode.contract_id == select(holder.contract_id).where(holder.id == node_id).scalar_subquery())))


def flatten(roots: list[TreeItem]) -> list[tuple[int, Any]]:
    """(depth, node row) in reading order."""
    out: list[tuple[int, Any]] = []

    def visit(items: list[TreeItem], depth: int) -> None:
        for item in items:
            out.append((depth, item.node))
            visit(item.children, depth + 1)

    visit(roots, 0)
    return out


# ------------------------------------------------------------------------------------------ node summaries

_LIVE_NODES = (select(ContractNode.id).where(ContractNode.contract_id == bindparam("contract_id"),
                                             ContractNode.deleted_at.is_(None)).scalar_subquery())
# The contributions linked to live nodes, read once (a CTE) for two uses, returned in one list ordered by node:
# rows of rank 0 are a node's count of contributions in one status (GROUP BY), rows of rank 1..3 its latest
# contributions. Counting with one window per status instead made the database sort the links once per status.
_LINKED = (
    select(ContributionLink.node_id.label("node_id"), Contribution.id.label("id"), Contribution.title.label("title"),
           type_coerce(Contribution.status, String).label("status"), Contribution.created_at.label("created_at"))
    .join(Contribution, Contribution.id == ContributionLink.contribution_id)
    .where(ContributionLink.node_id.in_(_LIVE_NODES))
    .cte("linked")
)
_COUNTS = (select(_LINKED.c.node_id, literal(0, Integer).label("rank"), cast(null(), Integer).label("id"),
                  cast(null(), String).label("title"), _LINKED.c.status, func.count().label("n"))
           .group_by(_LINKED.c.node_id, _LINKED.c.status))
_RANKED = select(_LINKED.c.node_id, func.row_number().over(
    partition_by=_LINKED.c.node_id, order_by=(_LINKED.c.created_at.desc(), _LINKED.c.id.desc())).label("rank"),
    _LINKED.c.id, _LINKED.c.title, _LINKED.c.status).subquery()
_LATEST = select(*_RANKED.c, cast(null(), Integer).label("n")).where(_RANKED.c.rank <= LATEST_PER_NODE)
_SUMMARIES = union_all(_COUNTS, _LATEST).order_by("node_id", "rank")


def node_summaries(contract: Contract) -> dict[int, NodeSummary]:
    """Per live node with links: how many linked contributions in each status, and the latest few (1 statement)."""
    summaries: dict[int, NodeSummary] = {}
    # .all(): one fetch of every row (iterating the result fetches them one by one, a third of this function's time).
    for node_id, rank, id_, title, status, n in db.session.execute(_SUMMARIES, {"contract_id": contract.id}).all():
        summary = summaries.get(node_id)
        if summary is None:
            summary = summaries[node_id] = NodeSummary({})
        if rank == 0:
            summary.counts[status] = n
        else:
            summary.latest.append((id_, title, status))
    return summaries


# ------------------------------------------------------------------------------------------ annual report rounds


@dataclass(slots=True)
class ShownOpinion:
    conseil_name: str
    position: OpinionPosition
    majority_html: str
    dissenting_html: str
    observations: list[tuple[int, str]] = field(default_factory=list)  # (contribution id, title) of each observation


@dataclass(slots=True)
class ShownRound:
    year: int
    deadline: date
    opinions: list[ShownOpinion] = field(default_factory=list)


# Every round with its opinions and their observations that became contributions, in one statement: a row per
# observation (or per opinion without any, or per round without opinion), small enough to repeat the opinion.
_ROUNDS = (
    select(ReportRound.id, ReportRound.year, ReportRound.deadline, ConseilOpinion.id, Conseil.name,
           ConseilOpinion.position, ConseilOpinion.majority_html, ConseilOpinion.dissenting_html,
           Contribution.id, Contribution.title)
    .outerjoin(ConseilOpinion, ConseilOpinion.round_id == ReportRound.id)
    .outerjoin(Conseil, Conseil.id == ConseilOpinion.conseil_id)
    .outerjoin(ReportObservation, ReportObservation.opinion_id == ConseilOpinion.id)
    .outerjoin(Contribution, Contribution.id == ReportObservation.contribution_id)
    .order_by(ReportRound.year.desc(), ConseilOpinion.id, ReportObservation.position, ReportObservation.id)
)


def published_rounds() -> list[ShownRound]:
    """The annual report rounds, latest first, with the conseils' opinions as the contract page shows them."""
    rounds: dict[int, ShownRound] = {}
    opinions: dict[int, ShownOpinion] = {}
    for (round_id, year, deadline, opinion_id, conseil_name, position, majority_html, dissenting_html,
         contribution_id, title) in db.session.execute(_ROUNDS):
        round_ = rounds.get(round_id)
        if round_ is None:
            round_ = rounds[round_id] = ShownRound(year, deadline)
        if opinion_id is None:
            continue
        opinion = opinions.get(opinion_id)
        if opinion is None:
            opinion = opinions[opinion_id] = ShownOpinion(conseil_name, position, majority_html, dissenting_html)
            round_.opinions.append(opinion)
        if contribution_id is not None:
            opinion.observations.append((contribution_id, title))
    return list(rounds.values())


# ------------------------------------------------------------------------------------------ follow-up page

_FOLLOW_UP = (select(Contribution).where(Contribution.id == bindparam("contribution_id"))
              .options(joinedload(Contribution.conseil), joinedload(Contribution.merged_into),
                       joinedload(Contribution.events).joinedload(ContributionEvent.actor),
                       joinedload(Contribution.links).joinedload(ContributionLink.node)))


def follow_up(contribution_id: int) -> Contribution | None:
    """A contribution with its conseil, timeline (and who acted) and the nodes it is linked to (1 statement)."""
    return db.session.scalars(_FOLLOW_UP, {"contribution_id": contribution_id}).unique().first()
