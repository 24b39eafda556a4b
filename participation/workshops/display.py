"""Workshop cards of the lists, built from plain rows with their words translated once per list.

A list shows up to ten cards, each with a date range, a seats badge, a theme and what is offered: asking
flask-babel for each of these words on each card cost more than the rest of the card. Here the words are
looked up once, the date patterns compiled once, and the rules come from the model (``WorkshopTimes``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from participation.db import utcnow
from participation.i18n import PARIS, Translator
from participation.workshops.labels import THEME_LABELS, formatters
from participation.workshops.models import Theme, WorkshopTimes


@dataclass(eq=False)
class WorkshopCard(WorkshopTimes):
    """What a card shows (``services.CARD_COLUMNS``), with the rules of ``WorkshopTimes``."""

    id: int
    title: str
    theme: Theme
    starts_at: datetime
    ends_at: datetime
    place: str
    accessibility_info: str
    capacity: int
    confirmed_seats: int
    signup_close_minutes: int
    cancelled_at: datetime | None
    conseil_name: str
    qpv_name: str | None
    when: str = ""
    state: str = ""
    seats_words: str = ""
    theme_label: str = ""
    offers: tuple[str, ...] = ()


class CardWords:
    """The words of the cards in the reader's language, looked up once."""

    def __init__(self) -> None:
        tr = Translator()
        self.tr = tr
        (self.day, self.locale), (self.hour, _) = formatters()
        self.cancelled = tr.gettext("Cancelled")
        self.over = tr.gettext("Took place")
        self.closed = tr.gettext("Sign-ups closed")
        self.full = tr.gettext("Full: waitlist")
        self.step_free = tr.gettext("Step-free access")
        self.childcare = tr.gettext("Childcare")
        self.interpreting = tr.gettext("Interpreting")
        self.meal = tr.gettext("Meal or snack")
        self._themes: dict[Theme, str] = {}

    def theme(self, theme: Theme) -> str:
        if theme not in self._themes:
            self._themes[theme] = str(THEME_LABELS[theme])
        return self._themes[theme]

    def time_range(self, starts_at: datetime, ends_at: datetime) -> str:
        starts, ends = starts_at.astimezone(PARIS), ends_at.astimezone(PARIS)
        return self.tr.gettext("%(day)s, from %(start)s to %(end)s", day=self.day.apply(starts, self.locale),
                               start=self.hour.apply(starts, self.locale), end=self.hour.apply(ends, self.locale))

    def seats(self, card: WorkshopTimes, now: datetime) -> tuple[str, str]:
        """As ``labels.seats_state``."""
        if card.is_cancelled:
            return "cancelled", self.cancelled
        if card.is_over(now):
            return "over", self.over
        if not card.signups_open(now):
            return "closed", self.closed
        if card.remaining_seats > 0:
            return "open", self.tr.ngettext("%(num)d seat left", "%(num)d seats left", card.remaining_seats)
        return "full", self.full

    def offers(self, row: Any) -> tuple[str, ...]:
        """As ``labels.offers``."""
        items = []
        if row.step_free_access:
            items.append(self.step_free)
        if row.offers_childcare:
            items.append(self.childcare)
        if row.offers_interpreting:
            items.append(self.tr.gettext("Interpreting: %(languages)s", languages=row.interpreting_languages)
                         if row.interpreting_languages else self.interpreting)
        if row.offers_meal:
            items.append(self.meal)
        return tuple(items)


def cards(rows: list[Any], now: datetime | None = None) -> list[WorkshopCard]:
    """Cards from rows of ``services.CARD_COLUMNS``, in the same order."""
    if not rows:
        return []
    now = now or utcnow()
    words = CardWords()
    result = []
    for row in rows:
        card = WorkshopCard(
            id=row.id, title=row.title, theme=row.theme, starts_at=row.starts_at, ends_at=row.ends_at,
            place=row.place, accessibility_info=row.accessibility_info, capacity=row.capacity,
            confirmed_seats=row.confirmed_seats, signup_close_minutes=row.signup_close_minutes,
            cancelled_at=row.cancelled_at, conseil_name=row.conseil_name, qpv_name=row.qpv_name,
            when=words.time_range(row.starts_at, row.ends_at), theme_label=words.theme(row.theme),
            offers=words.offers(row),
        )
        card.state, card.seats_words = words.seats(card, now)
        result.append(card)
    return result
