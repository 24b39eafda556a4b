"""Words shown for the states and kinds of consultations, and numbers in the reader's language."""

from __future__ import annotations

from functools import lru_cache

from babel.numbers import format_decimal, format_percent
from flask_babel import get_locale
from flask_babel import gettext as _

from participation.consultations.models import Audience, Channel, Phase, QuestionKind


def phase_label(phase: Phase) -> str:
    return {
        Phase.draft: _("Draft"),
        Phase.scheduled: _("Coming soon"),
        Phase.open: _("Open"),
        Phase.closed: _("Closed"),
    }[phase]


def audience_label(audience: Audience) -> str:
    return {
        Audience.anyone: _("Anyone"),
        Audience.residents: _("Signed-in residents"),
        Audience.members: _("Members of the conseil citoyen"),
    }[audience]


def channel_label(channel: Channel) -> str:
    return {
        Channel.online: _("Online, signed in"),
        Channel.assisted: _("On paper (typed in by the team)"),
        Channel.anonymous: _("Online, without an account"),
    }[channel]


def kind_label(kind: QuestionKind) -> str:
    return {
        QuestionKind.single_choice: _("Single choice"),
        QuestionKind.multiple_choice: _("Multiple choice"),
        QuestionKind.yes_no: _("Yes or no"),
        QuestionKind.scale: _("Scale"),
        QuestionKind.short_text: _("Short text"),
        QuestionKind.long_text: _("Long text"),
        QuestionKind.ranking: _("Ranking"),
    }[kind]


def _locale() -> str:
    locale = get_locale()
    return str(locale) if locale else "fr"


def format_share(share: float) -> str:
    """0.456 → "46 %" in French, "46%" in English (rounded to the unit, as people read charts)."""
    return _percent(round(share * 100), _locale())


@lru_cache(maxsize=512)
def _percent(value: int, locale: str) -> str:
    # Babel is exact but slow; a results page asks for the same few values again and again.
    return format_percent(value / 100, locale=locale)


def format_number(value: float | int | None, digits: int = 1) -> str:
    if value is None:
        return "–"
    return format_decimal(round(value, digits), format="#,##0." + "#" * digits, locale=_locale())
