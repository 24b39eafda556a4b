"""Words shown for the states and kinds of consultations, and numbers in the reader's language."""

from __future__ import annotations

from functools import lru_cache

from babel.numbers import format_decimal, format_percent
from flask_babel import get_locale, ngettext
from flask_babel import lazy_gettext as _l

from participation.consultations.models import Audience, Channel, Phase, QuestionKind
from participation.consultations.results import Results

# Lazy strings, translated one at a time when asked: a results page asks for a dozen of them.
_PHASES = {
    Phase.draft: _l("Draft"),
    Phase.scheduled: _l("Coming soon"),
    Phase.open: _l("Open"),
    Phase.closed: _l("Closed"),
}
_AUDIENCES = {
    Audience.anyone: _l("Anyone"),
    Audience.residents: _l("Signed-in residents"),
    Audience.members: _l("Members of the conseil citoyen"),
}
_CHANNELS = {
    Channel.online: _l("Online, signed in"),
    Channel.assisted: _l("On paper (typed in by the team)"),
    Channel.anonymous: _l("Online, without an account"),
}
_KINDS = {
    QuestionKind.single_choice: _l("Single choice"),
    QuestionKind.multiple_choice: _l("Multiple choice"),
    QuestionKind.yes_no: _l("Yes or no"),
    QuestionKind.scale: _l("Scale"),
    QuestionKind.short_text: _l("Short text"),
    QuestionKind.long_text: _l("Long text"),
    QuestionKind.ranking: _l("Ranking"),
}


def phase_label(phase: Phase) -> str:
    return str(_PHASES[phase])


def audience_label(audience: Audience) -> str:
    return str(_AUDIENCES[audience])


def channel_label(channel: Channel) -> str:
    return str(_CHANNELS[channel])


def kind_label(kind: QuestionKind) -> str:
    return str(_KINDS[kind])


def _locale() -> str:
    locale = get_locale()
    return str(locale) if locale else "fr"


def format_share(share: float, locale: str | None = None) -> str:
    """0.456 → "46 %" in French, "46%" in English (rounded to the unit, as people read charts)."""
    return _percent(round(share * 100), locale or _locale())


def describe_rows(results: Results) -> None:
    """The words of each chart row (share, ranking points), once per row for the chart and its table."""
    locale = _locale()
    for result in results.questions:
        ranking = result.kind == QuestionKind.ranking
        for row in result.rows:
            row.share_text = _percent(round(row.share * 100), locale)
            if ranking:
                row.points_text = ngettext("%(num)d point", "%(num)d points", row.score)


@lru_cache(maxsize=512)
def _percent(value: int, locale: str) -> str:
    # Babel is exact but slow; a results page asks for the same few values again and again.
    return format_percent(value / 100, locale=locale)


def format_number(value: float | int | None, digits: int = 1) -> str:
    if value is None:
        return "–"
    return format_decimal(round(value, digits), format="#,##0." + "#" * digits, locale=_locale())
