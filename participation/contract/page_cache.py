"""The public contract page (/contrat), kept until what it shows changes (participation/page_cache.py).

The page shows the whole tree of the contract with, per node, its contributions by status and the latest few,
and the conseils' opinions on the annual reports: some 700 rows read and 80 KB written, for a page that
residents read far more often than the contract and its contributions change.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import TypeVar

from participation import page_cache
from participation.contract.models import (
    ConseilOpinion,
    Contract,
    ContractNode,
    Contribution,
    ContributionLink,
    ReportObservation,
    ReportRound,
)
from participation.territory.models import Conseil

T = TypeVar("T")
FAMILY = "contract"

for _model in (Contract, ContractNode, Contribution, ContributionLink, ReportRound, ConseilOpinion,
               ReportObservation, Conseil):
    page_cache.watch(FAMILY, _model)


def current_version() -> int:
    return page_cache.current_version(FAMILY)


def kept(key: Hashable, build: Callable[[], T]) -> T:
    return page_cache.kept(FAMILY, key, build)
