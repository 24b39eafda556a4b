"""The filters of /propositions, kept until the conseils, quartiers or contract change.

Every view of the list offers the conseils, their quartiers and the contract's objectives to filter by, and
names each card's quartier from them (participation/page_cache.py keeps them per process). They change when
the admin or the chef de projet edits the territory or the contract, a few times a year; the list is read on
every visit. With them are kept their selects as HTML, per language and choice made (some 90 options written
out: a sixth of the page's time).
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from dataclasses import dataclass, field

from markupsafe import Markup

from participation import page_cache
from participation.contract.models import Contract, ContractNode
from participation.proposals import services
from participation.territory.models import QPV, Conseil, ConseilQPV

FAMILY = "proposal_filters"
MAX_SELECTS = 200  # rendered selects kept per version: languages × choices made (then they start again)

for _model in (Conseil, ConseilQPV, QPV, Contract, ContractNode):
    page_cache.watch(FAMILY, _model)


@dataclass
class KeptFilters:
    """The options of the filters, and their selects as rendered from these very options."""

    options: services.FilterOptions
    selects: dict[Hashable, Markup] = field(default_factory=dict)

    def selects_html(self, key: Hashable, render: Callable[[], Markup]) -> Markup:
        html = self.selects.get(key)
        if html is None:
            if len(self.selects) >= MAX_SELECTS:
                self.selects.clear()
            html = self.selects[key] = render()
        return html


def filters() -> KeptFilters:
    """The filters, shared by the requests of this process: read them, never change the options."""
    return page_cache.kept(FAMILY, "filters", lambda: KeptFilters(services.filter_options()))
