"""The results page of a consultation, kept until what it shows changes (participation/page_cache.py).

Its tallies sum the answers of every response (tens of thousands for a large consultation), for a page read
far more often than answers arrive, and never changing once the consultation is closed. Any answer, change of
the questionnaire, synthesis or follow-up raises the version; the phase (open, closed…), which changes with
time, is part of what a kept page is kept for.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import TypeVar

from participation import page_cache
from participation.consultations.models import (
    Answer,
    Consultation,
    Question,
    QuestionOption,
    Response,
    ResultTally,
    Section,
)
from participation.contract.models import Contribution
from participation.territory.models import QPV, Conseil

T = TypeVar("T")
FAMILY = "consultations"

for _model in (Consultation, Section, Question, QuestionOption, Response, Answer, ResultTally, Contribution, QPV,
               Conseil):
    page_cache.watch(FAMILY, _model)


def kept(key: Hashable, build: Callable[[], T]) -> T:
    return page_cache.kept(FAMILY, key, build)
