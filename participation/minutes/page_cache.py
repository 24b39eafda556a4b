"""The public pages of published minutes, kept until what they show changes (participation/page_cache.py).

A published minutes document changes only through a new revision, and the list only when minutes are
published; both are read far more often. What they show beyond the revision is watched too: the names of the
people of the attendance list (as each chose to be named), where the action items stand, the follow-up of the
decisions in the contract, the conseils' names.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import TypeVar

from participation import page_cache
from participation.accounts.models import User
from participation.contract.models import Contribution
from participation.minutes.models import (
    ActionItem,
    Meeting,
    Minutes,
    MinutesDecision,
    MinutesRevision,
    MinutesRule,
    NameChoice,
    Redaction,
)
from participation.territory.models import Conseil, Membership

T = TypeVar("T")
FAMILY = "minutes"

for _model in (Meeting, Minutes, MinutesRevision, MinutesDecision, ActionItem, Redaction, NameChoice, MinutesRule,
               Membership, Conseil, Contribution):
    page_cache.watch(FAMILY, _model)
page_cache.watch(FAMILY, User, columns=("display_name", "deleted_at"))  # not the sign-in stamps


def kept(key: Hashable, build: Callable[[], T]) -> T:
    return page_cache.kept(FAMILY, key, build)
