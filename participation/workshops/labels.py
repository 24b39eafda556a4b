"""Words shown for the workshop enums, in the reader's language."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from participation.db import utcnow
from participation.i18n import PARIS
from participation.workshops.models import AccessNeed, Attendance, RegistrationStatus, Theme

THEME_LABELS = {
    Theme.living_environment: _l("Living environment"),
    Theme.urban_renewal: _l("Urban renewal"),
    Theme.social_cohesion: _l("Social cohesion"),
    Theme.employment: _l("Employment and economic development"),
    Theme.education: _l("Education"),
    Theme.youth: _l("Youth"),
    Theme.health: _l("Health"),
    Theme.safety: _l("Public tranquillity"),
    Theme.culture_sport: _l("Culture and sport"),
    Theme.contract: _l("Contrat de ville and life of the conseil"),
}

ACCESS_NEED_LABELS = {
    AccessNeed.wheelchair: _l("Wheelchair or step-free access"),
    AccessNeed.hearing: _l("Hearing (sign language, induction loop)"),
    AccessNeed.sight: _l("Sight (large print, guidance)"),
    AccessNeed.other: _l("Other need"),
}


def theme_label(theme: Theme) -> str:
    return str(THEME_LABELS[theme])


def access_need_label(need: AccessNeed) -> str:
    return str(ACCESS_NEED_LABELS[need])


def status_label(status: RegistrationStatus) -> str:
    labels = {
        RegistrationStatus.confirmed: _("Confirmed"),
        RegistrationStatus.waitlisted: _("On the waitlist"),
        RegistrationStatus.cancelled: _("Cancelled"),
    }
    return labels[status]


def attendance_label(attendance: Attendance) -> str:
    labels = {Attendance.present: _("Present"), Attendance.absent: _("Absent")}
    return labels[attendance]


# Compiled once: lists show many dates, and babel would parse the pattern and the locale at every call.
_HOUR = {"fr": "H 'h' mm", "en": "h:mm a"}
_DAY = {"fr": "EEEE d MMMM y", "en": "EEEE d MMMM y"}
_COMPILED: dict[tuple[str, str], tuple[Any, Any]] = {}


def _formatter(kind: str) -> tuple[Any, Any]:
    from babel import Locale
    from babel.dates import parse_pattern
    from flask_babel import get_locale

    locale = get_locale()
    language = locale.language if locale and locale.language in _HOUR else "fr"
    key = (kind, language)
    if key not in _COMPILED:
        patterns = _HOUR if kind == "hour" else _DAY
        _COMPILED[key] = (parse_pattern(patterns[language]), Locale.parse(language))
    return _COMPILED[key]


def formatters() -> tuple[tuple[Any, Any], tuple[Any, Any]]:
    """((day pattern, locale), (hour pattern, locale)) of the reader's language, for a list of dates."""
    return _formatter("day"), _formatter("hour")


def format_hour(value: datetime) -> str:
    """A time of day in Europe/Paris: "18 h 30", "6:30 PM"."""
    pattern, locale = _formatter("hour")
    return pattern.apply(value.astimezone(PARIS), locale)


def time_range(workshop) -> str:
    """ "mardi 3 mars 2026, de 18 h 30 à 20 h 30" (the end on the same day as the start)."""
    day_pattern, locale = _formatter("day")
    return _("%(day)s, from %(start)s to %(end)s", day=day_pattern.apply(workshop.starts_at.astimezone(PARIS), locale),
             start=format_hour(workshop.starts_at), end=format_hour(workshop.ends_at))


def seats_state(workshop, now: datetime | None = None) -> tuple[str, str]:
    """(state, words) for the seats badge: cancelled, over, closed, open ("3 seats left") or full."""
    from flask_babel import ngettext

    now = now or utcnow()
    if workshop.is_cancelled:
        return "cancelled", _("Cancelled")
    if workshop.is_over(now):
        return "over", _("Took place")
    if not workshop.signups_open(now):
        return "closed", _("Sign-ups closed")
    if workshop.remaining_seats > 0:
        return "open", ngettext("%(num)d seat left", "%(num)d seats left", workshop.remaining_seats)
    return "full", _("Full: waitlist")


def offers(workshop) -> list[str]:
    """What the workshop offers, in words (shown as text: never by an icon or a colour alone)."""
    items = []
    if workshop.step_free_access:
        items.append(_("Step-free access"))
    if workshop.offers_childcare:
        items.append(_("Childcare"))
    if workshop.offers_interpreting:
        items.append(_("Interpreting: %(languages)s", languages=workshop.interpreting_languages)
                     if workshop.interpreting_languages else _("Interpreting"))
    if workshop.offers_meal:
        items.append(_("Meal or snack"))
    return items
