"""The options of the filters of /propositions, kept until the conseils, quartiers or contract change.

Every view of the list offers the conseils, their quartiers and the contract's objectives to filter by, and
names each card's quartier from them (participation/page_cache.py keeps them per process). They change when
the admin or the chef de projet edits the territory or the contract, a few times a year; the list is read on
every visit.
"""

from __future__ import annotations

from participation import page_cache
from participation.contract.models import Contract, ContractNode
from participation.proposals import services
from participation.territory.models import QPV, Conseil, ConseilQPV

FAMILY = "proposal_filters"

for _model in (Conseil, ConseilQPV, QPV, Contract, ContractNode):
    page_cache.watch(FAMILY, _model)


def filter_options() -> services.FilterOptions:
    """The options, shared by the requests of this process: read them, never change them."""
    return page_cache.kept(FAMILY, "options", services.filter_options)
