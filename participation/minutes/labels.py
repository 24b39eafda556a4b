"""Words for the states of meetings and minutes, in the reader's language (pages, mails, PDF, diffs)."""

from __future__ import annotations

import enum
from collections.abc import Callable
from datetime import datetime

from flask_babel import lazy_gettext as _

from participation.minutes.models import (
    ActionStatus,
    ApprovalMode,
    AttendanceStatus,
    DecisionKind,
    MeetingKind,
    MinutesStatus,
    PublicName,
    QuorumBasis,
)

_LABELS = {
    MeetingKind.plenary: _("Plenary meeting"),
    MeetingKind.bureau: _("Bureau"),
    MeetingKind.workshop: _("Workshop"),
    MeetingKind.steering_committee: _("Comité de pilotage"),
    MeetingKind.technical_committee: _("Comité technique"),
    AttendanceStatus.present: _("Present"),
    AttendanceStatus.excused: _("Excused"),
    AttendanceStatus.absent: _("Absent"),
    QuorumBasis.titulaires: _("the titulaires (a suppléant present counts for an absent titulaire)"),
    QuorumBasis.all_members: _("all members, titulaires and suppléants"),
    MinutesStatus.draft: _("Draft"),
    MinutesStatus.in_review: _("In review"),
    MinutesStatus.approved: _("Approved, not yet published"),
    MinutesStatus.published: _("Published"),
    ApprovalMode.next_meeting: _("At a following meeting"),
    ApprovalMode.vote: _("By a vote"),
    ApprovalMode.silence: _("By silence at the end of the review period"),
    DecisionKind.decision: _("Decision"),
    DecisionKind.opinion: _("Opinion"),
    ActionStatus.planned: _("To do"),
    ActionStatus.in_progress: _("In progress"),
    ActionStatus.done: _("Done"),
    ActionStatus.abandoned: _("Abandoned"),
    PublicName.name: _("My name as in my profile"),
    PublicName.initials: _("My initials only"),
}


def label(value: enum.Enum | None) -> str:
    """The label of one of this capability's enum values ("" for None), translated now."""
    if value is None:
        return ""
    return str(_LABELS[value])


def label_once() -> Callable[[enum.Enum | None], str]:
    """``label`` for a list: each value translated once per call of the list."""
    cache: dict[enum.Enum | None, str] = {}

    def cached(value: enum.Enum | None) -> str:
        if value not in cache:
            cache[value] = label(value)
        return cache[value]

    return cached


def when_formatter() -> Callable[[datetime], str]:
    """``i18n.format_when`` for the many dates of a list: the pattern and the locale are looked up once."""
    from babel import Locale
    from babel.dates import parse_pattern

    from participation.i18n import _WHEN, PARIS, _locale_name

    language = _locale_name()
    pattern, locale = parse_pattern(_WHEN.get(language, _WHEN["fr"])), Locale.parse(language)
    return lambda value: pattern.apply(value.astimezone(PARIS), locale)
