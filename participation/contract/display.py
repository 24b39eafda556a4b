"""What the public contract page (/contrat) shows, prepared in one pass.

The page shows every node of the contract with its figures and its latest contributions: thousands of
values. They are prepared here as plain strings (labels translated once per request, links appended to
a URL prefix), so that the template is a plain loop: one ``gettext``, ``url_for`` or macro call per row
is what made the page several times slower than its queries.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import NamedTuple

from flask import url_for

from participation.contract import queries, services
from participation.contract.models import Contract
from participation.i18n import Translator


def url_prefix(endpoint: str, key: str) -> str:
    """The URL of ``endpoint`` up to its trailing number ``key``, to append ids to."""
    sentinel = "9182736450"
    url = url_for(endpoint, **{key: int(sentinel)})
    if not url.endswith(sentinel):
        raise ValueError(f"the URL of {endpoint} does not end with its {key}")
    return url[: -len(sentinel)]


class ShownContribution(NamedTuple):
    url: str
    title: str
    status: str  # the status value, for the badge's class
    status_label: str


@dataclass(slots=True)
class ShownNode:
    """A node of the contract with everything the page prints about it."""

    id: int
    code: str
    title: str
    description: str
    level_label: str
    url: str
    tags: list[str]
    heading: str | None = None  # "12 contributions", None when nothing is linked to the node
    counts: str = ""  # "received 5, retained 3"
    latest: list[ShownContribution] = field(default_factory=list)
    more: str | None = None  # the link to the node page when it holds more than the latest few
    children: list[ShownNode] = field(default_factory=list)


def contract_page() -> tuple[Contract | None, list[ShownNode]]:
    """The contract in force and its live tree with, per node, its contributions by status and the latest few."""
    contract, roots = queries.current_tree()
    if contract is None:
        return None, []
    labels = services.label_maps()
    levels, pillars = labels["level"], labels["pillar"]
    statuses = {status.value: label for status, label in labels["status"].items()}
    tr = Translator()
    youth, equality, discrimination = (tr.gettext("Jeunesse"), tr.gettext("Égalité femmes-hommes"),
                                       tr.gettext("Lutte contre les discriminations"))
    follow_up, node_page = url_prefix("contract.follow_up", "contribution_id"), url_prefix("contract.show_node",
                                                                                          "node_id")
    summaries = queries.node_summaries(contract)

    def shown(item: queries.TreeItem) -> ShownNode:
        node = item.node
        tags = [pillars[node.pillar]] if node.pillar else []
        if node.youth:
            tags.append(youth)
        if node.gender_equality:
            tags.append(equality)
        if node.anti_discrimination:
            tags.append(discrimination)
        out = ShownNode(id=node.id, code=node.code, title=node.title, description=node.description,
                        level_label=levels[node.level], url=f"{node_page}{node.id}", tags=tags,
                        children=[shown(child) for child in item.children])
        summary = summaries.get(node.id)
        total = summary.total if summary is not None else 0
        if total:
            out.heading = tr.ngettext("%(num)d contribution", "%(num)d contributions", total)
            out.counts = summary.counts_text(statuses)
            out.latest = [ShownContribution(f"{follow_up}{id_}", title, status, statuses[status])
                          for id_, title, status in summary.latest]
            if total > len(out.latest):
                out.more = tr.gettext("See the %(num)d contributions linked to %(code)s", num=total, code=node.code)
        return out

    return contract, [shown(root) for root in roots]
