"""Showing a revision: names of the attendance, sentences, plain lines for comparisons, and the PDF.

Everything here reads a revision's frozen ``content``; only the names of people are looked up at
display time, so that a person's choice (name or initials) and the deletion of their account apply
to every minutes, old ones included.
"""

from __future__ import annotations

import html as html_module
import re
from datetime import datetime
from typing import Any

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select

from participation.i18n import format_day, format_when
from participation.minutes import services
from participation.minutes.labels import label
from participation.minutes.models import (
    ActionStatus,
    ApprovalMode,
    AttendanceStatus,
    DecisionKind,
    MeetingKind,
    Minutes,
    MinutesRevision,
    MinutesStatus,
    PublicName,
)
from participation.pdf import PdfDocument
from participation.territory.models import Membership

STATUSES = (AttendanceStatus.present, AttendanceStatus.excused, AttendanceStatus.absent)
STEPS = (MinutesStatus.draft, MinutesStatus.in_review, MinutesStatus.approved, MinutesStatus.published)


def names_for(document: dict[str, Any], public: bool, conseil_id: int) -> dict[int, str]:
    """How each person of the revision's attendance is named for this reader (one query)."""
    return services.attendance_names(conseil_id, [row["membership_id"] for row in document["attendance"]], public)


def attendance_groups(document: dict[str, Any], names: dict[int, str]) -> list[tuple[str, list[str]]]:
    """(status, names) for present, excused and absent, in the order of the revision."""
    groups: dict[str, list[str]] = {status.value: [] for status in STATUSES}
    for row in document["attendance"]:
        groups[row["status"]].append(names.get(row["membership_id"], "?"))
    return list(groups.items())


def status_heading(status: str, count: int) -> str:
    # Only the heading asked for is translated (a page shows three of them).
    if status == "present":
        return _("Present (%(count)d)", count=count)
    if status == "excused":
        return _("Excused (%(count)d)", count=count)
    if status == "absent":
        return _("Absent (%(count)d)", count=count)
    raise KeyError(status)


def quorum_sentence(quorum: dict[str, Any]) -> str:
    if not quorum["applies"]:
        return _("No quorum is needed for this kind of meeting.")
    if not quorum["counted"]:
        return _("The attendance has not been recorded.")
    values = {"present": quorum["present"], "counted": quorum["counted"], "required": quorum["required"]}
    if quorum["reached"]:
        return _("Quorum reached: %(present)d present out of %(counted)d counted, %(required)d needed.", **values)
    return _("Quorum not reached: %(present)d present out of %(counted)d counted, %(required)d needed.", **values)


def vote_sentence(votes: dict[str, int] | None) -> str:
    if not votes:
        return ""
    return _("For: %(votes_for)d, against: %(votes_against)d, abstentions: %(abstentions)d",
             votes_for=votes["for"], votes_against=votes["against"], abstentions=votes["abstentions"])


def decision_heading(decision: dict[str, Any]) -> str:
    if decision["kind"] == DecisionKind.opinion.value:
        return _("Opinion %(number)d", number=decision["number"])
    return _("Decision %(number)d", number=decision["number"])


def approval_sentence(minutes: Minutes) -> str:
    if minutes.approved_at is None or minutes.approval_mode is None:
        return ""
    day = format_day(minutes.approved_at)
    if minutes.approval_mode == ApprovalMode.next_meeting and minutes.approval_meeting is not None:
        return _("Approved on %(date)s at the meeting “%(meeting)s”.", date=day,
                 meeting=minutes.approval_meeting.title)
    if minutes.approval_mode == ApprovalMode.vote:
        return _("Approved on %(date)s by a vote.", date=day)
    return _("Approved on %(date)s by silence at the end of the review period.", date=day)


def meeting_line(document: dict[str, Any]) -> str:
    meeting = document["meeting"]
    parts = [label(MeetingKind(meeting["kind"])), format_when(datetime.fromisoformat(meeting["starts_at"]))]
    if meeting["place"]:
        parts.append(meeting["place"])
    return " – ".join(parts)


def workshop_url(workshop_id: int | None) -> str | None:
    """The page of the linked workshop, when the workshops capability is installed."""
    if not workshop_id or "workshops.show_workshop" not in current_app.view_functions:
        return None
    from flask import url_for

    return url_for("workshops.show_workshop", workshop_id=workshop_id)


def action_status_label(value: str) -> str:
    return label(ActionStatus(value))


def due_label(value: str | None) -> str:
    return format_day(datetime.fromisoformat(value).date()) if value else _("no due date")


def _membership(user: Any, minutes: Minutes) -> Membership | None:
    return services.db.session.scalar(
        select(Membership).where(Membership.conseil_id == minutes.conseil_id, Membership.user_id == user.id,
                                 Membership.ended_on.is_(None))
    )


def my_public_name(user: Any, minutes: Minutes) -> str | None:
    membership = _membership(user, minutes)
    if membership is None:
        return None
    return services.public_name(user, membership, services.name_choice(user))


def effective_name_choice(user: Any, minutes: Minutes) -> PublicName | None:
    """The person's choice, or what applies without one (their name if listed publicly, else initials)."""
    membership = _membership(user, minutes)
    if membership is None:
        return None
    return services.name_choice(user) or (PublicName.name if membership.listed_publicly else PublicName.initials)


# ---------------------------------------------------------------- plain lines, for comparisons


def html_text(html: str) -> list[str]:
    """Cleaned HTML as plain lines: paragraphs and list items on their own lines."""
    text = re.sub(r"<br\s*/?>", "\n", html or "")
    text = re.sub(r"<li>", "\n- ", text)
    text = re.sub(r"</(p|li|ul|ol|blockquote)>", "\n", text)
    text = html_module.unescape(re.sub(r"<[^>]+>", "", text))
    return [line.strip() for line in text.split("\n") if line.strip()]


def document_lines(document: dict[str, Any], names: dict[int, str], public: bool) -> list[str]:
    """The revision as plain lines, in the reader's language: what a comparison compares."""
    key = "public_html" if public else "html"
    lines = [f"# {document['meeting']['title']}", meeting_line(document), "", f"## {_('Attendance')}"]
    for status, people in attendance_groups(document, names):
        lines.append(f"{status_heading(status, len(people))} : {', '.join(people) or '—'}")
    lines.append(_("Other people present: %(count)d", count=document["meeting"]["other_attendees"]))
    lines.append(quorum_sentence(document["quorum"]))
    by_section: dict[str | None, list[dict[str, Any]]] = {}
    for decision in document["decisions"]:
        by_section.setdefault(decision["section"], []).append(decision)

    def decision_lines(decision: dict[str, Any]) -> list[str]:
        out = ["", f"### {decision_heading(decision)}", *html_text(decision["text"][key])]
        if decision["votes"]:
            out.append(vote_sentence(decision["votes"]))
        if decision["majority"][key]:
            out += [_("Majority position:"), *html_text(decision["majority"][key])]
        if decision["unanimous"]:
            out.append(_("Unanimous: no dissenting view."))
        else:
            out += [_("Dissenting views:"), *html_text(decision["dissent"][key])]
        return out

    for section in document["sections"]:
        lines += ["", f"## {section['number']}. {section['title']}", *html_text(section[key])]
        for decision in by_section.get(section["key"], []):
            lines += decision_lines(decision)
    others = [d for d in document["decisions"] if d["section"] not in {s["key"] for s in document["sections"]}]
    if others:
        lines += ["", f"## {_('Other decisions')}"]
        for decision in others:
            lines += decision_lines(decision)
    if document["actions"]:
        lines += ["", f"## {_('Action items')}"]
        for action in document["actions"]:
            lines.append(f"- {action['what']} — {action['who']} — {due_label(action['due_on'])} — "
                         f"{action_status_label(action['status'])}")
    if document["redactions"]:
        lines += ["", f"## {_('Passages hidden from the public version')}"]
        lines += [f"[… {r['number']}] {r['reason']}" for r in document["redactions"]]
    return lines


# ---------------------------------------------------------------- PDF


def minutes_pdf(meeting: Any, minutes: Minutes, revision: MinutesRevision) -> bytes:
    """The published version as a PDF: the same content as the public page."""
    document = revision.content
    names = names_for(document, True, meeting.conseil_id)
    config = current_app.config
    pdf = PdfDocument(
        document["meeting"]["title"], subtitle=f"{meeting.conseil.name} – {meeting_line(document)}",
        platform=config["PLATFORM_NAME"], territory=config["TERRITORY_NAME"], author=meeting.conseil.name,
        page_label=_("Page %(page)d of %(pages)d"),
        generated_on=_("Minutes published on %(date)s", date=format_day(minutes.published_at)),
    )
    pdf.text(approval_sentence(minutes), "muted")
    if revision.reason:
        pdf.text(_("Corrected on %(date)s: %(reason)s", date=format_day(revision.created_at),
                   reason=revision.reason), "muted")
    pdf.heading(_("Attendance"))
    for status, people in attendance_groups(document, names):
        pdf.pairs([(status_heading(status, len(people)) + " :", ", ".join(people) or "—")])
    pdf.pairs([(_("Other people present:"), str(document["meeting"]["other_attendees"]))])
    pdf.text(quorum_sentence(document["quorum"]))
    pdf.heading(_("Agenda"))
    pdf.text("\n".join(f"{s['number']}. {s['title']}" for s in document["sections"]))

    by_section: dict[str | None, list[dict[str, Any]]] = {}
    for decision in document["decisions"]:
        by_section.setdefault(decision["section"], []).append(decision)

    def add_decision(decision: dict[str, Any]) -> None:
        pdf.heading(decision_heading(decision), 3)
        pdf.html(decision["text"]["public_html"])
        if decision["votes"]:
            pdf.text(vote_sentence(decision["votes"]))
        if decision["majority"]["public_html"]:
            pdf.text(_("Majority position:"), "h3")
            pdf.html(decision["majority"]["public_html"])
        if decision["unanimous"]:
            pdf.text(_("Unanimous: no dissenting view."))
        else:
            pdf.text(_("Dissenting views:"), "h3")
            pdf.html(decision["dissent"]["public_html"])

    for section in document["sections"]:
        pdf.heading(f"{section['number']}. {section['title']}")
        if section["public_html"]:
            pdf.html(section["public_html"])
        else:
            pdf.text(_("Nothing was written for this item."), "muted")
        for decision in by_section.get(section["key"], []):
            add_decision(decision)
    others = [d for d in document["decisions"] if d["section"] not in {s["key"] for s in document["sections"]}]
    if others:
        pdf.heading(_("Other decisions"))
        for decision in others:
            add_decision(decision)
    if document["actions"]:
        pdf.heading(_("Action items"))
        pdf.table([_("What"), _("Who"), _("Due date"), _("Status when published")],
                  [[a["what"], a["who"], due_label(a["due_on"]), action_status_label(a["status"])]
                   for a in document["actions"]], widths=[0.46, 0.22, 0.17, 0.15])
    if document["redactions"]:
        pdf.heading(_("Passages hidden from the public version"), 2)
        for redaction in document["redactions"]:
            pdf.text(f"[… {redaction['number']}] {redaction['reason']}", "muted")
    return pdf.render()
