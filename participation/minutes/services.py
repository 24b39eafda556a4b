"""Meetings, attendance and quorum; minutes, their review, approval, publication and revisions.

Every change to the content of minutes goes through ``_save_revision``, which writes a complete,
rendered snapshot (``MinutesRevision.content``). Pages show snapshots, never the working rows, so a
revision shows again exactly what it showed when it was current. Once published, minutes are only
changed by a new revision that gives its reason (a correction), which becomes the public version.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import case, func, select, update
from sqlalchemy.orm import joinedload, selectinload, undefer
from sqlalchemy.orm.attributes import set_committed_value

from participation import audit
from participation.accounts.models import User
from participation.contract import services as contract
from participation.contract.models import Contribution, ContributionKind, EventKind
from participation.db import inline, utcnow
from participation.errors import DomainError
from participation.extensions import db
from participation.mail import queue_mail
from participation.minutes.models import (
    ActionItem,
    ActionStatus,
    AgendaItem,
    ApprovalMode,
    Attendance,
    AttendanceStatus,
    DecisionKind,
    Meeting,
    MeetingKind,
    Minutes,
    MinutesDecision,
    MinutesRevision,
    MinutesRule,
    MinutesStatus,
    NameChoice,
    PublicName,
    QuorumBasis,
    Redaction,
    ReviewComment,
)
from participation.pagination import Page, paginate
from participation.registry import Recipient
from participation.sanitize import render_markdown
from participation.territory.models import AnimatorAssignment, Conseil, Membership, Seat
from participation.territory.services import current_members
from participation.urls import external_url

SOURCE_TYPE = "minutes_decision"
DECISION_FIELDS = ("text", "majority", "dissent")
_TOKEN = "MINUTESREDACTED{number}X"  # noqa: S105 - a placeholder in rendered text, not a secret


class MinutesError(DomainError):
    """A rule refused the change; ``field`` names the form field the message belongs next to."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


class NotEditable(MinutesError):
    pass


class RevisionConflict(MinutesError):
    pass


class WrongStatus(MinutesError):
    pass


def clean_text(text: str | None) -> str:
    """Text from a form with the line ends browsers send normalised, and no surrounding blanks."""
    return (text or "").replace("\r\n", "\n").replace("\r", "\n").strip()


# ---------------------------------------------------------------- the conseil's rule and the quorum


@dataclass
class RuleData:
    quorum_basis: QuorumBasis
    quorum_percent: int
    review_days: int


def get_rule(conseil: Conseil) -> MinutesRule:
    """The conseil's rule, or the default one (half of the titulaires, ten days of review) if it has none."""
    rule = db.session.scalar(select(MinutesRule).where(MinutesRule.conseil_id == conseil.id))
    if rule is None:
        rule = MinutesRule(conseil_id=conseil.id, quorum_basis=QuorumBasis.titulaires, quorum_percent=50,
                           review_days=10)
    return rule


def save_rule(conseil: Conseil, data: RuleData, actor: User) -> MinutesRule:
    """Set how the conseil counts its quorum and how long members review minutes."""
    if not 1 <= data.quorum_percent <= 100:
        raise MinutesError(_("Give a percentage between 1 and 100."), "quorum_percent")
    if not 1 <= data.review_days <= 90:
        raise MinutesError(_("Give between 1 and 90 days."), "review_days")
    rule = get_rule(conseil)
    if rule.id is None:
        db.session.add(rule)
    rule.quorum_basis, rule.quorum_percent, rule.review_days = data.quorum_basis, data.quorum_percent, data.review_days
    rule.updated_at, rule.updated_by_id = utcnow(), actor.id
    audit.record(actor, "minutes.rule_changed", "conseil", conseil.id, conseil_id=conseil.id,
                 basis=data.quorum_basis.value, percent=data.quorum_percent, review_days=data.review_days)
    db.session.flush()
    return rule


@dataclass(frozen=True)
class Quorum:
    applies: bool
    basis: str
    percent: int
    counted: int
    present: int
    required: int

    @property
    def recorded(self) -> bool:
        return self.counted > 0

    @property
    def reached(self) -> bool:
        return self.applies and self.recorded and self.present >= self.required


def compute_quorum(rule: MinutesRule, kind: MeetingKind, rows: Iterable[tuple[Seat, AttendanceStatus]]) -> Quorum:
    """Plenary meetings need ``percent`` % of the counted members present, rounded up.

    On the titulaires basis, a suppléant who is present counts for a titulaire who is not.
    """
    rows = list(rows)
    applies = kind == MeetingKind.plenary
    if rule.quorum_basis == QuorumBasis.titulaires:
        titulaires = [status for seat, status in rows if seat == Seat.titulaire]
        present_titulaires = sum(status == AttendanceStatus.present for status in titulaires)
        present_suppleants = sum(seat == Seat.suppleant and status == AttendanceStatus.present for seat, status in rows)
        counted = len(titulaires)
        present = present_titulaires + min(present_suppleants, counted - present_titulaires)
    else:
        counted = len(rows)
        present = sum(status == AttendanceStatus.present for _seat, status in rows)
    required = max(1, math.ceil(counted * rule.quorum_percent / 100)) if counted else 0
    return Quorum(applies, rule.quorum_basis.value, rule.quorum_percent, counted, present, required)


def meeting_quorum(meeting: Meeting) -> Quorum:
    rows = db.session.execute(
        select(Membership.seat, Attendance.status)
        .join(Membership, Membership.id == Attendance.membership_id)
        .where(Attendance.meeting_id == meeting.id)
    ).all()
    return compute_quorum(get_rule(meeting.conseil), meeting.kind, [tuple(row) for row in rows])


def present_count(meeting: Meeting) -> int:
    return db.session.scalar(
        select(func.count(Attendance.id)).where(Attendance.meeting_id == meeting.id,
                                                Attendance.status == AttendanceStatus.present)
    ) or 0


# ---------------------------------------------------------------- names in minutes


def initials(name: str) -> str:
    """ "Amina Benali (Centre social)" → "A. B." """
    name = re.sub(r"\(.*?\)", " ", name)
    letters = [word[0].upper() for word in re.split(r"[\s\-]+", name) if word and word[0].isalpha()]
    return " ".join(f"{letter}." for letter in letters) or "…"


def public_name(user: User, membership: Membership, choice: PublicName | None) -> str:
    """As the person chose; by default their profile name if they are listed publicly, else their initials."""
    if user.is_deleted:
        return _("former participant")
    return _public_name(user.display_name, membership.listed_publicly, membership.organisation, choice)


def _public_name(display_name: str, listed_publicly: bool, organisation: str | None,
                 choice: PublicName | None) -> str:
    show = choice or (PublicName.name if listed_publicly else PublicName.initials)
    name = display_name if show == PublicName.name else initials(display_name)
    if organisation and "(" not in name:
        name = f"{name} ({organisation})"
    return name


def attendance_names(conseil_id: int, membership_ids: Iterable[int], public: bool) -> dict[int, str]:
    """Names of the people of an attendance list, for the public or for the conseil's team (one query).

    Every membership of an attendance list belongs to the meeting's conseil, so the query selects by
    conseil (one parameter, whatever the size of the list) and keeps the ones asked for.
    """
    wanted = set(membership_ids)
    if not wanted:
        return {}
    # Per-row lookups by primary key (correlated subqueries) rather than a join: with a few hundred members
    # PostgreSQL would otherwise hash-join the whole user table (a sequential scan of every account).
    def of_user(column):
        return select(column).where(User.id == Membership.user_id).scalar_subquery()

    rows = db.session.execute(
        select(Membership.id, Membership.listed_publicly, Membership.organisation, of_user(User.display_name),
               of_user(User.deleted_at),
               select(NameChoice.show).where(NameChoice.user_id == Membership.user_id).scalar_subquery())
        .where(Membership.conseil_id == conseil_id)
    ).all()
    names = {}
    for membership_id, listed, organisation, display_name, deleted_at, choice in rows:
        if membership_id not in wanted:
            continue
        if deleted_at is not None:
            names[membership_id] = _("former participant")
        elif public:
            names[membership_id] = _public_name(display_name, listed, organisation, choice)
        else:
            names[membership_id] = display_name
    return names


def name_choice(user: User) -> PublicName | None:
    return db.session.scalar(select(NameChoice.show).where(NameChoice.user_id == user.id))


def set_name_choice(user: User, show: PublicName) -> None:
    """Record how the person wants to be named in published minutes (applies to every minutes, at once)."""
    choice = db.session.get(NameChoice, user.id)
    if choice is None:
        choice = NameChoice(user_id=user.id, show=show)
        db.session.add(choice)
    choice.show, choice.updated_at = show, utcnow()
    db.session.flush()


# ---------------------------------------------------------------- the document and its revisions


def _public_html(source: str, html: str, passages: list[tuple[int, str]]) -> str:
    """The public rendering of a text: each redacted passage replaced by "[… n]"."""
    present = [(number, passage) for number, passage in passages if passage and passage in source]
    if not present:
        return html
    for number, passage in present:
        source = source.replace(passage, _TOKEN.format(number=number))
    rendered = render_markdown(source)
    for number, _passage in present:
        # Constant markup made of allowed tags, added after cleaning around our own token.
        rendered = rendered.replace(_TOKEN.format(number=number), f"<em>[… {number}]</em>")
    return rendered


def build_document(minutes: Minutes) -> dict[str, Any]:
    """The complete minutes as they stand, rendered, ready to be frozen into a revision."""
    meeting = minutes.meeting
    items = list(db.session.scalars(
        select(AgendaItem).where(AgendaItem.meeting_id == meeting.id).order_by(AgendaItem.position, AgendaItem.id)
    ))
    decisions = list(db.session.scalars(
        select(MinutesDecision).where(MinutesDecision.minutes_id == minutes.id)
        .order_by(MinutesDecision.position, MinutesDecision.id)
    ))
    actions = list(db.session.scalars(
        select(ActionItem).where(ActionItem.minutes_id == minutes.id).order_by(ActionItem.position, ActionItem.id)
    ))
    redactions = list(db.session.scalars(
        select(Redaction).where(Redaction.minutes_id == minutes.id).order_by(Redaction.id)
    ))
    attendance = db.session.execute(
        select(Attendance.membership_id, Attendance.status, Membership.seat, Membership.college)
        .join(Membership, Membership.id == Attendance.membership_id)
        .where(Attendance.meeting_id == meeting.id)
        .order_by(Membership.college, Membership.seat, Membership.id)
    ).all()
    quorum = compute_quorum(get_rule(meeting.conseil), meeting.kind, [(row.seat, row.status) for row in attendance])

    numbered = [(number, redaction) for number, redaction in enumerate(redactions, start=1)]
    by_target: dict[str, list[tuple[int, str]]] = {}
    for number, redaction in numbered:
        by_target.setdefault(redaction.target, []).append((number, redaction.passage))

    def rendered(target: str, source: str, html: str) -> dict[str, str]:
        return {"source": source, "html": html, "public_html": _public_html(source, html, by_target.get(target, []))}

    return {
        "format": 1,
        "meeting": {
            "id": meeting.id, "title": meeting.title, "kind": meeting.kind.value,
            "starts_at": meeting.starts_at.isoformat(), "place": meeting.place,
            "other_attendees": meeting.other_attendees, "workshop_id": meeting.workshop_id,
        },
        "attendance": [
            {"membership_id": row.membership_id, "status": row.status.value, "seat": row.seat.value,
             "college": row.college.value}
            for row in attendance
        ],
        "quorum": {"applies": quorum.applies, "basis": quorum.basis, "percent": quorum.percent,
                   "counted": quorum.counted, "present": quorum.present, "required": quorum.required,
                   "reached": quorum.reached},
        "sections": [
            {"key": item.key, "id": item.id, "number": number, "title": item.title,
             **rendered(item.key, item.notes, item.notes_html)}
            for number, item in enumerate(items, start=1)
        ],
        "decisions": [
            {
                "key": decision.key, "id": decision.id, "number": number, "kind": decision.kind.value,
                "section": decision.agenda_item.key if decision.agenda_item_id and decision.agenda_item else None,
                "text": rendered(f"{decision.key}:text", decision.text, decision.text_html),
                "majority": rendered(f"{decision.key}:majority", decision.majority_position,
                                     decision.majority_position_html),
                "dissent": rendered(f"{decision.key}:dissent", decision.dissenting_views,
                                    decision.dissenting_views_html),
                "unanimous": decision.unanimous,
                "votes": ({"for": decision.votes_for, "against": decision.votes_against or 0,
                           "abstentions": decision.abstentions or 0} if decision.has_votes else None),
            }
            for number, decision in enumerate(decisions, start=1)
        ],
        "actions": [
            {"id": action.id, "number": number, "what": action.what, "who": action.who,
             "due_on": action.due_on.isoformat() if action.due_on else None, "status": action.status.value}
            for number, action in enumerate(actions, start=1)
        ],
        "redactions": [
            {"number": number, "target": redaction.target, "reason": redaction.reason,
             "hidden": any(redaction.passage in text for text in _texts_of(redaction.target, items, decisions))}
            for number, redaction in numbered
        ],
    }


def _texts_of(target: str, items: list[AgendaItem], decisions: list[MinutesDecision]) -> list[str]:
    try:
        return [target_text(target, items, decisions)]
    except MinutesError:
        return []


def target_text(target: str, items: list[AgendaItem], decisions: list[MinutesDecision]) -> str:
    """The Markdown source a target names: "item-<id>" or "decision-<id>:text|majority|dissent"."""
    kind, _sep, rest = target.partition("-")
    ident, _sep, part = rest.partition(":")
    if kind == "item" and ident.isdigit() and not part:
        for item in items:
            if item.id == int(ident):
                return item.notes
    if kind == "decision" and ident.isdigit() and part in DECISION_FIELDS:
        for decision in decisions:
            if decision.id == int(ident):
                return {"text": decision.text, "majority": decision.majority_position,
                        "dissent": decision.dissenting_views}[part]
    raise MinutesError(_("Choose a part of these minutes."), "target")


def _check_editable(minutes: Minutes, reason: str | None) -> str | None:
    """Approved minutes wait for publication; published ones change only with a reason (a correction)."""
    reason = clean_text(reason) or None
    if minutes.status == MinutesStatus.approved:
        raise NotEditable(_("Approved minutes cannot be changed before they are published; publish them, then "
                            "correct them with a reason."))
    if minutes.status == MinutesStatus.published and not reason:
        raise NotEditable(_("These minutes are published: say why you correct them."), "reason")
    return reason


def _save_revision(minutes: Minutes, author: User | None, summary: str, reason: str | None = None,
                   base: int | None = None) -> MinutesRevision:
    """Freeze the minutes as they now stand into a new, numbered revision.

    The number is taken by an SQL increment, so two saves at the same time never share one; with
    ``base``, the save is refused if someone saved a revision since the author started editing.
    """
    db.session.flush()
    statement = update(Minutes).where(Minutes.id == minutes.id)
    if base is not None:
        statement = statement.where(Minutes.revision_count == base)
    number = db.session.execute(
        statement.values(revision_count=Minutes.revision_count + 1).returning(Minutes.revision_count)
        .execution_options(synchronize_session=False)
    ).scalar_one_or_none()
    if number is None:
        raise RevisionConflict(_("Someone saved these minutes while you were writing. Your text is kept below: "
                                 "compare it with the latest version, then save again."), "reason")
    set_committed_value(minutes, "revision_count", number)
    published = minutes.status == MinutesStatus.published
    now = utcnow()
    revision = MinutesRevision(
        minutes_id=minutes.id, number=number, created_at=now, author_id=author.id if author else None,
        summary=summary[:300], reason=reason, status=minutes.status, published=published,
        content=build_document(minutes),
    )
    db.session.add(revision)
    if published:
        minutes.published_number = number
        minutes.published_at = now
        audit.record(author, "minutes.corrected", "minutes", minutes.id, reason=reason,
                     conseil_id=minutes.conseil_id, revision=number)
    db.session.flush()
    return revision


def get_revision(minutes: Minutes, number: int) -> MinutesRevision | None:
    """One revision, with its content (one query)."""
    return db.session.scalar(
        select(MinutesRevision).options(undefer(MinutesRevision.content))
        .where(MinutesRevision.minutes_id == minutes.id, MinutesRevision.number == number)
    )


def current_revision(minutes: Minutes) -> MinutesRevision | None:
    return get_revision(minutes, minutes.revision_count)


def published_revision(minutes: Minutes) -> MinutesRevision | None:
    return get_revision(minutes, minutes.published_number) if minutes.published_number else None


def published_document(minutes: Minutes) -> tuple[dict[str, Any] | None, list[tuple[datetime, str | None]]]:
    """The content of the published revision, and (when, reason) of each correction since the publication,
    newest first, in one statement."""
    if not minutes.published_number:
        return None, []
    rows = db.session.execute(
        select(MinutesRevision.number, MinutesRevision.created_at, MinutesRevision.reason,
               case((MinutesRevision.number == minutes.published_number, MinutesRevision.content)).label("content"))
        .where(MinutesRevision.minutes_id == minutes.id, MinutesRevision.published.is_(True))
        .order_by(MinutesRevision.number.desc())
    ).all()
    content = next((row.content for row in rows if row.number == minutes.published_number), None)
    return content, [(row.created_at, row.reason) for row in rows[:-1]]


def list_revisions(minutes: Minutes, public: bool) -> list[MinutesRevision]:
    """Every revision for the conseil's team; only the published ones (and corrections) for the public."""
    query = (select(MinutesRevision).where(MinutesRevision.minutes_id == minutes.id)
             .options(selectinload(MinutesRevision.author)).order_by(MinutesRevision.number.desc()))
    if public:
        query = query.where(MinutesRevision.published.is_(True))
    return list(db.session.scalars(query))


# ---------------------------------------------------------------- meetings


@dataclass
class MeetingData:
    kind: MeetingKind
    title: str
    starts_at: datetime
    place: str = ""
    agenda: list[str] = field(default_factory=list)
    workshop_id: int | None = None


def parse_agenda(text: str | None) -> list[str]:
    """One agenda item per line; list markers and numbers typed at the start of a line are dropped."""
    lines = []
    for line in clean_text(text).split("\n"):
        line = re.sub(r"^\s*(?:[-*•]|\d+[.)])\s*", "", line).strip()
        if line:
            lines.append(line[:200])
    return lines


def _check_meeting(data: MeetingData) -> None:
    if not data.title.strip():
        raise MinutesError(_("This field is required."), "title")
    if data.starts_at.tzinfo is None:
        raise MinutesError(_("Give the date and time of the meeting."), "starts_at")
    if not data.agenda:
        raise MinutesError(_("Write at least one agenda item."), "agenda")
    if len(data.agenda) > 40:
        raise MinutesError(_("At most 40 agenda items."), "agenda")


def create_meeting(conseil: Conseil, data: MeetingData, actor: User) -> Meeting:
    """A meeting of the conseil with its agenda, and its minutes as a first draft revision."""
    _check_meeting(data)
    meeting = Meeting(conseil=conseil, kind=data.kind, title=data.title.strip(), starts_at=data.starts_at,
                      place=data.place.strip(), workshop_id=data.workshop_id, created_by_id=actor.id)
    meeting.agenda_items = [AgendaItem(position=position, title=title)
                            for position, title in enumerate(data.agenda, start=1)]
    db.session.add(meeting)
    db.session.flush()
    minutes = Minutes(meeting=meeting, conseil_id=conseil.id, status=MinutesStatus.draft)
    db.session.add(minutes)
    db.session.flush()
    _save_revision(minutes, actor, _("Meeting created"))
    return meeting


def update_meeting(meeting: Meeting, data: MeetingData, actor: User, reason: str | None = None) -> None:
    """Change the date, place, kind or agenda; an agenda item whose section has text cannot be removed.

    When the number of lines is unchanged, items are renamed in place; otherwise they are matched by title.
    """
    minutes = meeting.minutes
    reason = _check_editable(minutes, reason)
    _check_meeting(data)
    meeting.kind, meeting.title, meeting.starts_at = data.kind, data.title.strip(), data.starts_at
    meeting.place, meeting.workshop_id = data.place.strip(), data.workshop_id
    items = list(meeting.agenda_items)
    if len(items) == len(data.agenda):
        for position, (item, title) in enumerate(zip(items, data.agenda, strict=True), start=1):
            item.title, item.position = title, position
    else:
        by_title = {item.title.casefold(): item for item in items}
        kept = []
        for position, title in enumerate(data.agenda, start=1):
            item = by_title.pop(title.casefold(), None)
            if item is None:
                item = AgendaItem(title=title)
                meeting.agenda_items.append(item)
            item.position = position
            kept.append(item)
        for item in by_title.values():
            if item.notes.strip():
                raise MinutesError(_("“%(title)s” has text in the minutes: empty its section before removing it "
                                     "from the agenda.", title=item.title), "agenda")
            meeting.agenda_items.remove(item)
    _save_revision(minutes, actor, _("Meeting details and agenda"), reason)


def eligible_memberships(meeting: Meeting) -> list[Membership]:
    """Whose attendance is recorded: the current members, and anyone already recorded (even if gone since)."""
    members = {membership.id: membership for membership in current_members(meeting.conseil)}
    for attendance in meeting.attendances:
        members.setdefault(attendance.membership_id, attendance.membership)
    return sorted(members.values(), key=lambda m: (m.college.value, m.seat.value, m.id))


def attendance_of(meeting: Meeting) -> dict[int, AttendanceStatus]:
    return {attendance.membership_id: attendance.status for attendance in meeting.attendances}


def record_attendance(meeting: Meeting, statuses: dict[int, AttendanceStatus], other_attendees: int, actor: User,
                      reason: str | None = None) -> None:
    """Who was present, excused or absent, and how many others came; recorded votes must still fit."""
    minutes = meeting.minutes
    reason = _check_editable(minutes, reason)
    if other_attendees < 0:
        raise MinutesError(_("Give a number, 0 or more."), "other_attendees")
    allowed = {membership.id for membership in eligible_memberships(meeting)}
    existing = {attendance.membership_id: attendance for attendance in meeting.attendances}
    for membership_id, status in statuses.items():
        if membership_id not in allowed:
            continue
        attendance = existing.get(membership_id)
        if attendance is None:
            meeting.attendances.append(Attendance(membership_id=membership_id, status=status))
        elif attendance.status != status:
            attendance.status, attendance.recorded_at = status, utcnow()
    meeting.other_attendees = other_attendees
    db.session.flush()
    present = present_count(meeting)
    for number, decision in enumerate(minutes.decisions, start=1):
        total = _vote_total(decision.votes_for, decision.votes_against, decision.abstentions)
        if total is not None and total > present:
            raise MinutesError(_("Decision %(number)d records %(votes)d votes, but only %(present)d members would "
                                 "be present: correct the attendance or the vote.",
                                 number=number, votes=total, present=present), "attendance")
    _save_revision(minutes, actor, _("Attendance"), reason)


# ---------------------------------------------------------------- sections, decisions, action items


def save_sections(minutes: Minutes, texts: dict[int, str], actor: User, reason: str | None = None,
                  base: int | None = None) -> MinutesRevision | None:
    """Write the sections (one per agenda item, Markdown); nothing is saved when nothing changed."""
    reason = _check_editable(minutes, reason)
    changed = []
    for item in minutes.meeting.agenda_items:
        if item.id not in texts:
            continue
        text = clean_text(texts[item.id])
        if len(text) > 50_000:
            raise MinutesError(_("A section can hold at most 50,000 characters."), f"item_{item.id}")
        if text != item.notes:
            item.notes, item.notes_html = text, render_markdown(text)
            changed.append(item.title)
    if not changed:
        return None
    summary = _("Section: %(titles)s", titles=", ".join(changed))
    return _save_revision(minutes, actor, summary, reason, base=base)


@dataclass
class DecisionData:
    kind: DecisionKind
    text: str
    majority_position: str = ""
    dissenting_views: str = ""
    unanimous: bool = False
    agenda_item_id: int | None = None
    votes_for: int | None = None
    votes_against: int | None = None
    abstentions: int | None = None


def _vote_total(votes_for: int | None, against: int | None, abstentions: int | None) -> int | None:
    if votes_for is None and against is None and abstentions is None:
        return None
    return (votes_for or 0) + (against or 0) + (abstentions or 0)


def _check_decision(minutes: Minutes, data: DecisionData) -> None:
    """The text is needed, the dissenting views unless unanimous, and a vote cannot count more than were present."""
    if not clean_text(data.text):
        raise MinutesError(_("Write the decision or the opinion."), "text")
    if data.agenda_item_id is not None and data.agenda_item_id not in {i.id for i in minutes.meeting.agenda_items}:
        raise MinutesError(_("Choose an item of this meeting's agenda."), "agenda_item_id")
    total = _vote_total(data.votes_for, data.votes_against, data.abstentions)
    for name in ("votes_for", "votes_against", "abstentions"):
        if (getattr(data, name) or 0) < 0:
            raise MinutesError(_("Give a number, 0 or more."), name)
    if data.unanimous and ((data.votes_against or 0) > 0):
        raise MinutesError(_("Some members voted against: it is not unanimous. Record their views."), "unanimous")
    if not data.unanimous and not clean_text(data.dissenting_views):
        raise MinutesError(_("Record the dissenting views, or tick “unanimous” if there were none."),
                           "dissenting_views")
    if total is not None:
        present = present_count(minutes.meeting)
        if present == 0:
            raise MinutesError(_("Record the attendance first: a vote is checked against the members present."),
                               "votes_for")
        if total == 0:
            raise MinutesError(_("A vote needs at least one vote for, against or abstaining."), "votes_for")
        if total > present:
            raise MinutesError(_("%(votes)d votes are recorded but only %(present)d members were present.",
                                 votes=total, present=present), "votes_for")


def _fill_decision(decision: MinutesDecision, data: DecisionData) -> None:
    decision.kind = data.kind
    decision.agenda_item_id = data.agenda_item_id
    decision.text = clean_text(data.text)
    decision.text_html = render_markdown(decision.text)
    decision.majority_position = clean_text(data.majority_position)
    decision.majority_position_html = render_markdown(decision.majority_position)
    decision.unanimous = data.unanimous
    decision.dissenting_views = "" if data.unanimous else clean_text(data.dissenting_views)
    decision.dissenting_views_html = render_markdown(decision.dissenting_views)
    if _vote_total(data.votes_for, data.votes_against, data.abstentions) is None:
        decision.votes_for = decision.votes_against = decision.abstentions = None
    else:
        decision.votes_for = data.votes_for or 0
        decision.votes_against = data.votes_against or 0
        decision.abstentions = data.abstentions or 0


def add_decision(minutes: Minutes, data: DecisionData, actor: User, reason: str | None = None) -> MinutesDecision:
    """Record a decision or an opinion with its majority position and dissenting views."""
    reason = _check_editable(minutes, reason)
    _check_decision(minutes, data)
    decision = MinutesDecision(minutes_id=minutes.id, position=len(minutes.decisions) + 1)
    _fill_decision(decision, data)
    minutes.decisions.append(decision)
    _save_revision(minutes, actor, _("Decision added"), reason)
    return decision


def update_decision(decision: MinutesDecision, data: DecisionData, actor: User, reason: str | None = None) -> None:
    """Change a decision (after publication, a correction with a reason)."""
    minutes = decision.minutes
    reason = _check_editable(minutes, reason)
    _check_decision(minutes, data)
    _fill_decision(decision, data)
    _save_revision(minutes, actor, _("Decision changed"), reason)


def remove_decision(decision: MinutesDecision, actor: User) -> None:
    """Only a draft or minutes in review lose a decision (an approved one may be followed up in the contract)."""
    minutes = decision.minutes
    if minutes.status not in (MinutesStatus.draft, MinutesStatus.in_review):
        raise NotEditable(_("A decision of approved minutes cannot be removed; correct it instead."))
    for redaction in list(minutes.redactions):
        if redaction.target.startswith(f"{decision.key}:"):
            minutes.redactions.remove(redaction)
    minutes.decisions.remove(decision)
    _save_revision(minutes, actor, _("Decision removed"))


@dataclass
class ActionData:
    what: str
    who: str
    due_on: date | None = None
    status: ActionStatus = ActionStatus.planned


def _check_action(data: ActionData) -> None:
    if not clean_text(data.what):
        raise MinutesError(_("Say what is to be done."), "what")
    if not data.who.strip():
        raise MinutesError(_("Say who does it."), "who")


def add_action_item(minutes: Minutes, data: ActionData, actor: User, today: date,
                    reason: str | None = None) -> ActionItem:
    """A new action item: what, who and by when; its due date cannot be in the past."""
    reason = _check_editable(minutes, reason)
    _check_action(data)
    if data.due_on is not None and data.due_on < today:
        raise MinutesError(_("The due date of a new action item cannot be in the past."), "due_on")
    action = ActionItem(minutes_id=minutes.id, conseil_id=minutes.conseil_id, position=len(minutes.action_items) + 1,
                        what=clean_text(data.what), who=data.who.strip()[:200], due_on=data.due_on,
                        status=data.status)
    minutes.action_items.append(action)
    _save_revision(minutes, actor, _("Action item added"), reason)
    return action


def update_action_item(action: ActionItem, data: ActionData, actor: User, reason: str | None = None) -> None:
    """Change what an action item says (after publication, a correction with a reason)."""
    minutes = action.minutes
    reason = _check_editable(minutes, reason)
    _check_action(data)
    action.what, action.who, action.due_on = clean_text(data.what), data.who.strip()[:200], data.due_on
    _save_revision(minutes, actor, _("Action item changed"), reason)


def set_action_status(action: ActionItem, status: ActionStatus, actor: User) -> None:
    """Follow an action item up (to do, in progress, done, abandoned); the minutes themselves do not change."""
    if action.status == status:
        return
    action.status, action.status_changed_at, action.status_changed_by_id = status, utcnow(), actor.id
    audit.record(actor, "minutes.action_status", "action_item", action.id, conseil_id=action.conseil_id,
                 status=status.value)


def remove_action_item(action: ActionItem, actor: User) -> None:
    minutes = action.minutes
    if minutes.status not in (MinutesStatus.draft, MinutesStatus.in_review):
        raise NotEditable(_("An action item of approved minutes cannot be removed; mark it abandoned instead."))
    minutes.action_items.remove(action)
    _save_revision(minutes, actor, _("Action item removed"))


# ---------------------------------------------------------------- redaction


def redact(minutes: Minutes, target: str, passage: str, reason: str, actor: User) -> Redaction:
    """Hide a passage of one part from the public version; it needs a reason and must be in that part's text."""
    passage, reason = clean_text(passage), clean_text(reason)
    if not reason:
        raise MinutesError(_("Say why this passage is hidden from the public."), "reason")
    if not passage:
        raise MinutesError(_("Copy the passage to hide."), "passage")
    if minutes.status == MinutesStatus.approved:
        _check_editable(minutes, reason)
    text = target_text(target, list(minutes.meeting.agenda_items), list(minutes.decisions))
    if passage not in text:
        raise MinutesError(_("This passage is not in the text of the part you chose. Copy it exactly as written "
                             "in the minutes."), "passage")
    redaction = Redaction(minutes_id=minutes.id, target=target, passage=passage, reason=reason,
                          created_by_id=actor.id)
    minutes.redactions.append(redaction)
    audit.record(actor, "minutes.redacted", "minutes", minutes.id, reason=reason, conseil_id=minutes.conseil_id)
    _save_revision(minutes, actor, _("Passage hidden from the public version"), reason)
    return redaction


def lift_redaction(redaction: Redaction, actor: User, reason: str) -> None:
    """Show a hidden passage again; like any change to published minutes, it says why."""
    minutes = redaction.minutes
    reason = clean_text(reason)
    if not reason:
        raise MinutesError(_("Say why this passage is shown again."), "reason")
    if minutes.status == MinutesStatus.approved:
        _check_editable(minutes, reason)
    minutes.redactions.remove(redaction)
    audit.record(actor, "minutes.redaction_lifted", "minutes", minutes.id, reason=reason,
                 conseil_id=minutes.conseil_id)
    _save_revision(minutes, actor, _("Hidden passage shown again"), reason)


# ---------------------------------------------------------------- review, approval, publication


def review_url(minutes: Minutes) -> str:
    return external_url("minutes.review_minutes", meeting_id=minutes.meeting_id)


def public_url(minutes: Minutes) -> str:
    return external_url("minutes.show_minutes", meeting_id=minutes.meeting_id)


def member_users(conseil: Conseil) -> list[User]:
    return [m.user for m in current_members(conseil) if m.user.email and not m.user.is_deleted]


def send_to_review(minutes: Minutes, actor: User, now: datetime | None = None) -> int:
    """Open the review of a draft: every member is told by mail and may comment until the period ends."""
    if minutes.status != MinutesStatus.draft:
        raise WrongStatus(_("Only a draft can be sent for review."))
    now = now or utcnow()
    rule = get_rule(minutes.conseil)
    minutes.status = MinutesStatus.in_review
    minutes.review_started_at = now
    minutes.review_ends_at = now + timedelta(days=rule.review_days)
    url = review_url(minutes)
    sent = 0
    for user in member_users(minutes.conseil):
        queue_mail(user.email, "minutes/review_requested", locale=user.locale, user=user, minutes=minutes,
                   meeting=minutes.meeting, url=url)
        sent += 1
    audit.record(actor, "minutes.review_opened", "minutes", minutes.id, conseil_id=minutes.conseil_id,
                 revision=minutes.revision_count)
    return sent


def review_open(minutes: Minutes, now: datetime | None = None) -> bool:
    now = now or utcnow()
    return (minutes.status == MinutesStatus.in_review and minutes.review_ends_at is not None
            and now <= minutes.review_ends_at)


def comment_targets(minutes: Minutes) -> list[tuple[str, str]]:
    """What a comment can be about: each section, then each decision ("target", label)."""
    targets = [(item.key, _("Section %(number)d: %(title)s", number=number, title=item.title))
               for number, item in enumerate(minutes.meeting.agenda_items, start=1)]
    targets += [(decision.key, _("Decision %(number)d", number=number))
                for number, decision in enumerate(minutes.decisions, start=1)]
    return targets


def add_comment(minutes: Minutes, author: User, target: str, body: str, proposed_text: str | None = None,
                now: datetime | None = None) -> ReviewComment:
    """A remark on a section or decision of minutes in review, until the end of the review period."""
    if not review_open(minutes, now):
        raise WrongStatus(_("The review of these minutes is closed."))
    if target not in {key for key, _label in comment_targets(minutes)}:
        raise MinutesError(_("Choose a part of these minutes."), "target")
    body, proposed = clean_text(body), clean_text(proposed_text) or None
    if not body and not proposed:
        raise MinutesError(_("Write a comment or propose a wording."), "body")
    if len(body) > 5000 or (proposed and len(proposed) > 50_000):
        raise MinutesError(_("This text is too long."), "body")
    comment = ReviewComment(minutes_id=minutes.id, target=target, revision_number=minutes.revision_count,
                            author_id=author.id, body=body, body_html=render_markdown(body), proposed_text=proposed)
    db.session.add(comment)
    # Counted in SQL: two members commenting at once both count.
    db.session.execute(update(Minutes).where(Minutes.id == minutes.id)
                       .values(comment_count=Minutes.comment_count + 1)
                       .execution_options(synchronize_session=False))
    db.session.flush()
    url = review_url(minutes)
    for animator in _animators(minutes.conseil):
        if animator.id != author.id:
            queue_mail(animator.email, "minutes/comment_posted", locale=animator.locale, author=author,
                       minutes=minutes, meeting=minutes.meeting, comment=comment, url=url)
    return comment


def _animators(conseil: Conseil) -> list[User]:
    return [user for user in db.session.scalars(
        select(User).join(AnimatorAssignment, AnimatorAssignment.user_id == User.id)
        .where(AnimatorAssignment.conseil_id == conseil.id, User.deleted_at.is_(None), User.email.is_not(None))
    )]


def comments_of(minutes: Minutes) -> dict[str, list[ReviewComment]]:
    comments = db.session.scalars(
        select(ReviewComment).where(ReviewComment.minutes_id == minutes.id)
        .options(selectinload(ReviewComment.author)).order_by(ReviewComment.created_at, ReviewComment.id)
    )
    grouped: dict[str, list[ReviewComment]] = {}
    for comment in comments:
        grouped.setdefault(comment.target, []).append(comment)
    return grouped


def accept_wording(comment: ReviewComment, actor: User) -> MinutesRevision:
    """Put a member's proposed wording in place of the section or decision text; the revision says whose it was."""
    minutes = db.session.get(Minutes, comment.minutes_id)
    if not comment.proposed_text:
        raise MinutesError(_("This comment proposes no wording."))
    if comment.accepted_at is not None:
        raise MinutesError(_("This wording has already been accepted."))
    if minutes.status not in (MinutesStatus.draft, MinutesStatus.in_review):
        raise NotEditable(_("A wording can be accepted only while the minutes are in draft or in review."))
    text = comment.proposed_text
    kind, _sep, ident = comment.target.partition("-")
    if kind == "item":
        item = next((i for i in minutes.meeting.agenda_items if str(i.id) == ident), None)
        if item is None:
            raise MinutesError(_("This part of the minutes no longer exists."))
        item.notes, item.notes_html = text, render_markdown(text)
        place = item.title
    else:
        decision = next((d for d in minutes.decisions if str(d.id) == ident), None)
        if decision is None:
            raise MinutesError(_("This part of the minutes no longer exists."))
        decision.text, decision.text_html = text, render_markdown(text)
        place = _("Decision %(number)d", number=minutes.decisions.index(decision) + 1)
    author_name = comment.author.display_name if comment.author and not comment.author.is_deleted else _(
        "former participant")
    revision = _save_revision(minutes, actor, _("Wording proposed by %(name)s accepted (%(place)s)",
                                                name=author_name, place=place))
    comment.accepted_at, comment.accepted_by_id, comment.accepted_in_revision = utcnow(), actor.id, revision.number
    return revision


@dataclass
class ApprovalData:
    mode: ApprovalMode
    approval_meeting_id: int | None = None
    note: str = ""


def later_meetings(minutes: Minutes) -> list[Meeting]:
    """Meetings of the same conseil after this one, where the minutes may have been approved."""
    meeting = minutes.meeting
    return list(db.session.scalars(
        select(Meeting).where(Meeting.conseil_id == meeting.conseil_id, Meeting.starts_at > meeting.starts_at)
        .order_by(Meeting.starts_at).limit(inline(50))
    ))


def approve(minutes: Minutes, data: ApprovalData, actor: User, now: datetime | None = None) -> None:
    """Approve minutes in review, saying how; they need a decision, and silence counts only once the period is over."""
    now = now or utcnow()
    if minutes.status != MinutesStatus.in_review:
        raise WrongStatus(_("Only minutes in review can be approved."))
    if not minutes.decisions:
        raise MinutesError(_("Record at least one decision or opinion before approving the minutes."), "decisions")
    if data.mode == ApprovalMode.silence and minutes.review_ends_at and now < minutes.review_ends_at:
        raise MinutesError(_("The review period ends on %(date)s: approval by silence is possible only after it.",
                             date=_day(minutes.review_ends_at)), "mode")
    approval_meeting = None
    if data.mode == ApprovalMode.next_meeting:
        candidates = {meeting.id: meeting for meeting in later_meetings(minutes)}
        approval_meeting = candidates.get(data.approval_meeting_id or 0)
        if approval_meeting is None:
            raise MinutesError(_("Choose the meeting at which the minutes were approved."), "approval_meeting_id")
    minutes.status = MinutesStatus.approved
    minutes.approved_at, minutes.approved_by_id = now, actor.id
    minutes.approval_mode = data.mode
    minutes.approval_meeting_id = approval_meeting.id if approval_meeting else None
    minutes.approval_note = clean_text(data.note) or None
    audit.record(actor, "minutes.approved", "minutes", minutes.id, conseil_id=minutes.conseil_id,
                 mode=data.mode.value, revision=minutes.revision_count)


def _day(value: datetime) -> str:
    from participation.i18n import format_day

    return format_day(value)


def publish(minutes: Minutes, actor: User, now: datetime | None = None) -> None:
    """Make the approved revision the public version."""
    if minutes.status != MinutesStatus.approved:
        raise WrongStatus(_("Only approved minutes can be published."))
    now = now or utcnow()
    minutes.status = MinutesStatus.published
    minutes.published_number = minutes.revision_count
    minutes.first_published_at = minutes.first_published_at or now
    minutes.published_at = now
    db.session.execute(update(MinutesRevision)
                       .where(MinutesRevision.minutes_id == minutes.id,
                              MinutesRevision.number == minutes.revision_count)
                       .values(published=True).execution_options(synchronize_session=False))
    audit.record(actor, "minutes.published", "minutes", minutes.id, conseil_id=minutes.conseil_id,
                 revision=minutes.revision_count)


# ---------------------------------------------------------------- contributions to the contract


def contributions_of(minutes: Minutes, decision_ids: Iterable[int] | None = None) -> dict[int, Contribution]:
    """The contributions made from the decisions (by id) of these minutes."""
    ids = list(decision_ids) if decision_ids is not None else [decision.id for decision in minutes.decisions]
    if not ids:
        return {}
    return {c.source_id: c for c in db.session.scalars(
        select(Contribution).where(Contribution.source_type == SOURCE_TYPE, Contribution.source_id.in_(ids)))}


def _plain(text: str, limit: int) -> str:
    text = re.sub(r"[*_`>#\[\]]", "", text)
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def mark_as_contribution(decision: MinutesDecision, actor: User) -> Contribution:
    """Once the minutes are approved, a decision or opinion becomes a contribution to the contract, once."""
    minutes = decision.minutes
    if minutes.status not in (MinutesStatus.approved, MinutesStatus.published):
        raise WrongStatus(_("A decision can be followed up in the contract once the minutes are approved."))
    if contract.contribution_for(SOURCE_TYPE, decision.id) is not None:
        raise MinutesError(_("This decision is already followed up in the contract."))
    meeting = minutes.meeting
    opinion = decision.kind == DecisionKind.opinion
    kind = ContributionKind.minutes_opinion if opinion else ContributionKind.minutes_decision
    label = f"{meeting.title} – {meeting.conseil.name}"
    contribution = contract.create_contribution(
        kind, SOURCE_TYPE, decision.id, _plain(decision.text, 300), conseil_id=minutes.conseil_id,
        actor=actor, actor_label=meeting.conseil.name, occurred_at=meeting.starts_at, text=decision.text,
    )
    details = []
    if decision.majority_position:
        details.append(_("Majority position: %(text)s", text=decision.majority_position))
    if decision.unanimous:
        details.append(_("Unanimous: no dissenting view."))
    elif decision.dissenting_views:
        details.append(_("Dissenting views: %(text)s", text=decision.dissenting_views))
    if decision.has_votes:
        details.append(_("For: %(votes_for)d, against: %(votes_against)d, abstentions: %(abstentions)d",
                         votes_for=decision.votes_for, votes_against=decision.votes_against or 0,
                         abstentions=decision.abstentions or 0))
    contract.add_event(
        contribution, EventKind.opinion if opinion else EventKind.discussed,
        actor_label=label, occurred_at=meeting.starts_at, text="\n\n".join(details) or None,
        link_url=external_url("minutes.show_minutes", meeting_id=meeting.id, _anchor=decision.key),
        link_label=label,
    )
    audit.record(actor, "minutes.contribution", "minutes_decision", decision.id, conseil_id=minutes.conseil_id,
                 contribution=contribution.id)
    return contribution


def contribution_participants(contribution: Contribution) -> list[Recipient]:
    """Who took part in a decision: the members present at the meeting."""
    decision = db.session.get(MinutesDecision, contribution.source_id)
    if decision is None:
        return []
    users = db.session.scalars(
        select(User).join(Membership, Membership.user_id == User.id)
        .join(Attendance, Attendance.membership_id == Membership.id)
        .where(Attendance.meeting_id == decision.minutes.meeting_id, Attendance.status == AttendanceStatus.present)
    )
    return contract.recipients_from_users(users)


def contribution_source_url(contribution: Contribution) -> str:
    decision = db.session.get(MinutesDecision, contribution.source_id)
    if decision is None:
        return external_url("minutes.list_minutes")
    return external_url("minutes.show_minutes", meeting_id=decision.minutes.meeting_id, _anchor=decision.key)


# ---------------------------------------------------------------- lists


def list_published(conseil_id: int | None, year: int | None, page: int, per_page: int = 20) -> Page:
    """Published minutes, newest meeting first, optionally of one conseil and one year.

    Rows (id, title, kind, starts_at, conseil_name) with the total (``count(*) OVER ()``) in one statement;
    a page past the end counts apart and shows the last page, as ``paginate`` does.
    """
    query = (
        select(Meeting.id, Meeting.title, Meeting.kind, Meeting.starts_at, Conseil.name.label("conseil_name"))
        .join(Minutes, Minutes.meeting_id == Meeting.id).join(Conseil, Conseil.id == Meeting.conseil_id)
        .where(Minutes.status == MinutesStatus.published)
        .order_by(Meeting.starts_at.desc(), Meeting.id.desc())
    )
    if conseil_id:
        query = query.where(Meeting.conseil_id == conseil_id)
    if year:
        from participation.i18n import PARIS

        start = datetime(year, 1, 1, tzinfo=PARIS)
        query = query.where(Meeting.starts_at >= start, Meeting.starts_at < start.replace(year=year + 1))
    number = max(page, 1)
    rows = db.session.execute(query.add_columns(func.count().over().label("total"))
                              .limit(inline(per_page)).offset(inline((number - 1) * per_page))).all()
    if rows:
        return Page(items=rows, number=number, per_page=per_page, total=rows[0].total)
    if number == 1:
        return Page(items=[], number=1, per_page=per_page, total=0)
    return paginate(query, number, per_page, scalars=False)


def published_index() -> tuple[list[Any], list[int]]:
    """The conseils (rows: id, slug, name) that have published minutes, and the years of those minutes, newest
    first (one query)."""
    rows = db.session.execute(
        select(Conseil.id, Conseil.slug, Conseil.name, func.min(Meeting.starts_at), func.max(Meeting.starts_at))
        .join(Minutes, Minutes.conseil_id == Conseil.id)
        .join(Meeting, Meeting.id == Minutes.meeting_id)
        .where(Minutes.status == MinutesStatus.published, Conseil.archived_at.is_(None))
        .group_by(Conseil.id).order_by(Conseil.name)
    ).all()
    if not rows:
        return [], []
    from participation.i18n import PARIS

    first = min(row[3] for row in rows).astimezone(PARIS).year
    last = max(row[4] for row in rows).astimezone(PARIS).year
    return rows, list(range(last, first - 1, -1))


def in_review_for_member(user: User) -> list[Meeting]:
    """Minutes the person is asked to review (in review, in a conseil they sit in)."""
    conseils = select(Membership.conseil_id).where(Membership.user_id == user.id, Membership.ended_on.is_(None))
    return list(db.session.scalars(
        select(Meeting).join(Minutes, Minutes.meeting_id == Meeting.id)
        .where(Minutes.status == MinutesStatus.in_review, Minutes.conseil_id.in_(conseils))
        .options(selectinload(Meeting.conseil), selectinload(Meeting.minutes))
        .order_by(Meeting.starts_at.desc()).limit(inline(20))
    ))


def meetings_of(conseil_ids: Iterable[int], page: int, conseil_id: int | None = None) -> Page:
    """The meetings of the conseils an animator runs, newest first, with their minutes."""
    ids = list(conseil_ids)
    query = (
        select(Meeting).where(Meeting.conseil_id.in_(ids or [0]))
        .options(selectinload(Meeting.conseil), selectinload(Meeting.minutes))
        .order_by(Meeting.starts_at.desc(), Meeting.id.desc())
    )
    if conseil_id:
        query = query.where(Meeting.conseil_id == conseil_id)
    return paginate(query, page, 20)


def open_action_items(conseil: Conseil, limit: int = 20) -> list[tuple[ActionItem, Meeting]]:
    """Action items of the conseil's published minutes that are not done yet, soonest due first."""
    rows = db.session.execute(
        select(ActionItem, Meeting)
        .join(Minutes, Minutes.id == ActionItem.minutes_id)
        .join(Meeting, Meeting.id == Minutes.meeting_id)
        .where(ActionItem.conseil_id == conseil.id,
               ActionItem.status.in_([ActionStatus.planned, ActionStatus.in_progress]),
               Minutes.status == MinutesStatus.published)
        .order_by(ActionItem.due_on.is_(None), ActionItem.due_on, ActionItem.id)
        .limit(inline(limit))
    ).all()
    return [(row[0], row[1]) for row in rows]


def latest_published(conseil: Conseil, limit: int = 3) -> list[Meeting]:
    return list(db.session.scalars(
        select(Meeting).join(Minutes, Minutes.meeting_id == Meeting.id)
        .where(Meeting.conseil_id == conseil.id, Minutes.status == MinutesStatus.published)
        .order_by(Meeting.starts_at.desc()).limit(inline(limit))
    ))


# ---------------------------------------------------------------- personal data


def export_user_data(user: User) -> dict[str, Any]:
    comments = db.session.scalars(select(ReviewComment).where(ReviewComment.author_id == user.id)
                                  .order_by(ReviewComment.id))
    attendance = db.session.execute(
        select(Meeting.title, Meeting.starts_at, Attendance.status)
        .join(Attendance, Attendance.meeting_id == Meeting.id)
        .join(Membership, Membership.id == Attendance.membership_id)
        .where(Membership.user_id == user.id).order_by(Meeting.starts_at)
    ).all()
    choice = name_choice(user)
    return {
        "name_in_minutes": choice.value if choice else None,
        "attendance": [{"meeting": title, "starts_at": starts_at.isoformat(), "status": status.value}
                       for title, starts_at, status in attendance],
        "review_comments": [{"minutes_id": c.minutes_id, "target": c.target, "body": c.body,
                             "proposed_text": c.proposed_text, "created_at": c.created_at.isoformat()}
                            for c in comments],
    }


def forget_user(user: User) -> None:
    """On account deletion: the naming choice goes; comments stay, shown as a former participant's."""
    db.session.query(NameChoice).filter(NameChoice.user_id == user.id).delete()


def action_follow_up(minutes: Minutes) -> dict[int, tuple[ActionStatus, datetime | None]]:
    """Where each action item of the minutes stands today: id → (status, when it last changed)."""
    return {row.id: (row.status, row.status_changed_at) for row in db.session.execute(
        select(ActionItem.id, ActionItem.status, ActionItem.status_changed_at)
        .where(ActionItem.minutes_id == minutes.id)
    )}


def load_meeting(meeting_id: int) -> Meeting | None:
    """A meeting with its minutes and conseil (one query)."""
    return db.session.scalar(
        select(Meeting).where(Meeting.id == meeting_id)
        .options(joinedload(Meeting.minutes), joinedload(Meeting.conseil))
    )
