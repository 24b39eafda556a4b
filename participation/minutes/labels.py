"""Words for the states of meetings and minutes, in the reader's language (pages, mails, PDF, diffs)."""

from __future__ import annotations

import enum

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
