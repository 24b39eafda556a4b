"""Moderation: reports, hide and restore with a reason, appeals, per-conseil settings.

Moderation does not own the content it moderates. Each capability registers a ``Target`` for every
kind of content it owns (how to load it, hide it, restore it, who wrote it); decisions and reports
point at the content by ``target_type`` and ``target_id``. Every decision is kept, goes to the audit
log and, when it changes what the author sees, is told to the author by mail.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError

from participation import audit
from participation.accounts.models import PlatformRole, RoleGrant, User
from participation.db import inline, utcnow
from participation.errors import DomainError
from participation.extensions import db
from participation.mail import queue_mail
from participation.moderation.models import (
    Appeal,
    AppealStatus,
    DecisionAction,
    ModerationDecision,
    ModerationSettings,
    Report,
    ReportReason,
)
from participation.territory.models import AnimatorAssignment
from participation.urls import external_url

REASON_MAX = 2000


class ReasonRequired(DomainError):
    pass


class AlreadyReported(DomainError):
    pass


class CannotReportOwn(DomainError):
    pass


class AppealNotAllowed(DomainError):
    pass


class AppealAlreadyReviewed(DomainError):
    pass


class UnknownTarget(DomainError):
    pass


# ---------------------------------------------------------------- what can be moderated


@dataclass(frozen=True)
class Target:
    """How moderation reaches one kind of content owned by another capability."""

    type: str
    label: Any  # lazy string: "Proposal", "Comment"
    load_many: Callable[[Collection[int]], dict[int, Any]]
    conseil_id: Callable[[Any], int | None]
    author: Callable[[Any], User | None]
    is_hidden: Callable[[Any], bool]
    hide: Callable[[Any], bool]  # returns whether it changed (False if it was hidden already)
    restore: Callable[[Any], bool]  # makes it visible (publishes it if it was pending)
    excerpt: Callable[[Any], str]
    url: Callable[[Any], str]
    is_pending: Callable[[Any], bool] = lambda item: False
    # Items waiting for approval in these conseils (None: everywhere), oldest first.
    pending: Callable[[Collection[int] | None, int], list[Any]] | None = None


_targets: dict[str, Target] = {}


def register_target(target: Target) -> None:
    _targets[target.type] = target


def registered_types() -> list[str]:
    return list(_targets)


def get_target(target_type: str) -> Target:
    try:
        return _targets[target_type]
    except KeyError:
        raise UnknownTarget(target_type) from None


def load_item(target_type: str, target_id: int) -> Any | None:
    """The content ``target_id`` of that type, or None (unknown type or id)."""
    target = _targets.get(target_type)
    if target is None:
        return None
    return target.load_many([target_id]).get(target_id)


# ---------------------------------------------------------------- settings


def settings_for(conseil_id: int) -> ModerationSettings:
    """The conseil's moderation settings; the defaults (post-moderation, 3 reports) when never saved."""
    settings = db.session.scalar(select(ModerationSettings).where(ModerationSettings.conseil_id == conseil_id))
    return settings or ModerationSettings(conseil_id=conseil_id, pre_moderation=False, auto_hide_threshold=3)


def save_settings(conseil_id: int, *, pre_moderation: bool, auto_hide_threshold: int) -> ModerationSettings:
    """Choose pre- or post-moderation and how many distinct reports hide content until reviewed."""
    settings = settings_for(conseil_id)
    settings.pre_moderation = pre_moderation
    settings.auto_hide_threshold = max(1, auto_hide_threshold)
    settings.updated_at = utcnow()
    db.session.add(settings)
    db.session.flush()
    return settings


# ---------------------------------------------------------------- reports


def report(reporter: User, target_type: str, item: Any, reason: ReportReason, details: str | None) -> Report:
    """Record one person's report; content reported by N distinct people is hidden until reviewed."""
    target = get_target(target_type)
    author = target.author(item)
    if author is not None and author.id == reporter.id:
        raise CannotReportOwn(_("You cannot report what you wrote yourself."))
    conseil_id = target.conseil_id(item)
    entry = Report(target_type=target_type, target_id=item.id, conseil_id=conseil_id, reporter_id=reporter.id,
                   reason=reason, details=(details or "").strip()[:REASON_MAX] or None)
    try:
        with db.session.begin_nested():
            db.session.add(entry)
    except IntegrityError:
        raise AlreadyReported(_("You have already reported this. The team of the conseil will look at it.")) \
            from None
    open_reports = db.session.scalar(
        select(func.count(func.distinct(Report.reporter_id))).where(
            Report.target_type == target_type, Report.target_id == item.id, Report.resolved_at.is_(None))
    ) or 0
    threshold = settings_for(conseil_id).auto_hide_threshold if conseil_id else 3
    if open_reports >= threshold and not target.is_hidden(item) and target.hide(item):
        decision = _decide(None, target, item, DecisionAction.auto_hidden,
                           _("Reported by %(count)d people: hidden until a moderator reviews it.",
                             count=open_reports))
        audit.record(None, "moderation.auto_hidden", target_type, item.id, reason=decision.reason,
                     conseil_id=conseil_id, reports=open_reports)
    return entry


def open_report_count(target_type: str, target_id: int) -> int:
    return db.session.scalar(
        select(func.count(Report.id)).where(Report.target_type == target_type, Report.target_id == target_id,
                                            Report.resolved_at.is_(None))
    ) or 0


# ---------------------------------------------------------------- decisions


def _clean_reason(reason: str | None, required: bool = True) -> str | None:
    reason = (reason or "").strip()[:REASON_MAX]
    if required and not reason:
        raise ReasonRequired(_("Give the reason: the author will receive it."))
    return reason or None


def _decide(moderator: User | None, target: Target, item: Any, action: DecisionAction,
            reason: str | None) -> ModerationDecision:
    decision = ModerationDecision(target_type=target.type, target_id=item.id, conseil_id=target.conseil_id(item),
                                  action=action, reason=reason,
                                  moderator_id=moderator.id if moderator is not None else None)
    db.session.add(decision)
    db.session.flush()
    return decision


def _resolve_reports(target_type: str, target_id: int, decision: ModerationDecision) -> None:
    db.session.execute(
        update(Report)
        .where(Report.target_type == target_type, Report.target_id == target_id, Report.resolved_at.is_(None))
        .values(resolved_at=utcnow(), resolved_by_id=decision.id)
    )


def _tell_author(target: Target, item: Any, template: str, decision: ModerationDecision, **context: Any) -> None:
    author = target.author(item)
    if author is None or author.is_deleted or not author.email:
        return
    # Moderation mail is about the person's own content: it is sent even when notifications are off.
    queue_mail(author.email, template, locale=author.locale, decision=decision, excerpt=target.excerpt(item),
               kind=target.label, url=target.url(item), **context)


def hide(moderator: User, target_type: str, item: Any, reason: str | None) -> ModerationDecision:
    """Hide the content (or confirm it stays hidden) with a reason the author receives with a way to appeal."""
    target = get_target(target_type)
    reason = _clean_reason(reason)
    target.hide(item)
    decision = _decide(moderator, target, item, DecisionAction.hidden, reason)
    _resolve_reports(target_type, item.id, decision)
    audit.record(moderator, "moderation.hidden", target_type, item.id, reason=reason,
                 conseil_id=target.conseil_id(item))
    _tell_author(target, item, "moderation/hidden", decision,
                 appeal_url=external_url("moderation.appeal", decision_id=decision.id))
    return decision


def restore(moderator: User, target_type: str, item: Any, reason: str | None) -> ModerationDecision:
    """Make the content visible again, publish it if it waited for approval, or keep it and dismiss the reports.

    The reason is mandatory, except to approve content that waited for approval (pre-moderation).
    """
    target = get_target(target_type)
    pending = target.is_pending(item)
    reason = _clean_reason(reason, required=not pending)
    changed = target.restore(item)
    action = DecisionAction.approved if pending else DecisionAction.restored
    decision = _decide(moderator, target, item, action, reason)
    _resolve_reports(target_type, item.id, decision)
    audit.record(moderator, f"moderation.{action.value}", target_type, item.id, reason=reason,
                 conseil_id=target.conseil_id(item))
    if changed:
        _tell_author(target, item, "moderation/approved" if pending else "moderation/restored", decision)
    return decision


def last_decisions(target_type: str, target_ids: Collection[int]) -> dict[int, ModerationDecision]:
    """The latest decision on each item (one query)."""
    if not target_ids:
        return {}
    latest = (
        select(func.max(ModerationDecision.id))
        .where(ModerationDecision.target_type == target_type, ModerationDecision.target_id.in_(target_ids))
        .group_by(ModerationDecision.target_id)
    )
    decisions = db.session.scalars(select(ModerationDecision).where(ModerationDecision.id.in_(latest)))
    return {decision.target_id: decision for decision in decisions}


# ---------------------------------------------------------------- appeals


def appeal_for(target_type: str, target_id: int, author_id: int) -> Appeal | None:
    return db.session.scalar(select(Appeal).where(Appeal.target_type == target_type, Appeal.target_id == target_id,
                                                  Appeal.author_id == author_id))


def can_be_appealed(decision: ModerationDecision) -> bool:
    """Only the latest decision to hide an item, made by a person, can be appealed."""
    if decision.action != DecisionAction.hidden:
        return False
    latest = last_decisions(decision.target_type, [decision.target_id]).get(decision.target_id)
    return latest is not None and latest.id == decision.id


def file_appeal(author: User, decision: ModerationDecision, text: str) -> Appeal:
    """The author asks once for a second review, by another animator or the chef de projet."""
    text = (text or "").strip()[:REASON_MAX]
    if not text:
        raise ReasonRequired(_("Explain why the decision should be reviewed."))
    if not can_be_appealed(decision):
        raise AppealNotAllowed(_("This decision can no longer be appealed."))
    if appeal_for(decision.target_type, decision.target_id, author.id) is not None:
        raise AppealNotAllowed(_("You have already asked for a second review of this content."))
    appeal = Appeal(decision_id=decision.id, target_type=decision.target_type, target_id=decision.target_id,
                    conseil_id=decision.conseil_id, author_id=author.id, text=text)
    try:
        with db.session.begin_nested():
            db.session.add(appeal)
    except IntegrityError:
        raise AppealNotAllowed(_("You have already asked for a second review of this content.")) from None
    audit.record(author, "moderation.appeal_filed", decision.target_type, decision.target_id, reason=text,
                 conseil_id=decision.conseil_id, decision=decision.id)
    target = get_target(decision.target_type)
    item = load_item(decision.target_type, decision.target_id)
    url = external_url("moderation.queue") + f"#recours-{appeal.id}"
    for reviewer in appeal_reviewers(decision):
        queue_mail(reviewer.email, "moderation/appeal_filed", locale=reviewer.locale, appeal=appeal,
                   excerpt=target.excerpt(item) if item is not None else "", kind=target.label, url=url)
    return appeal


def appeal_reviewers(decision: ModerationDecision) -> list[User]:
    """Who may review an appeal: the conseil's other animators and the chefs de projet, not the decider."""
    animators = select(AnimatorAssignment.user_id).where(AnimatorAssignment.conseil_id == decision.conseil_id)
    leads = select(RoleGrant.user_id).where(RoleGrant.role == PlatformRole.project_lead)
    query = select(User).where(User.deleted_at.is_(None), User.email.is_not(None),
                               User.id.in_(animators.union(leads)))
    if decision.moderator_id is not None:
        query = query.where(User.id != decision.moderator_id)
    return list(db.session.scalars(query.order_by(User.id)))


def review_appeal(reviewer: User, appeal: Appeal, *, grant: bool, reason: str | None) -> ModerationDecision:
    """Decide an appeal: restore the content (granted) or keep it hidden (upheld); the author is told why."""
    if appeal.status != AppealStatus.open:
        raise AppealAlreadyReviewed(_("This appeal has already been reviewed."))
    reason = _clean_reason(reason)
    target = get_target(appeal.target_type)
    item = load_item(appeal.target_type, appeal.target_id)
    if item is None:
        raise UnknownTarget(appeal.target_type)
    if grant:
        target.restore(item)
    else:
        target.hide(item)
    action = DecisionAction.appeal_granted if grant else DecisionAction.appeal_upheld
    decision = _decide(reviewer, target, item, action, reason)
    _resolve_reports(appeal.target_type, appeal.target_id, decision)
    appeal.status = AppealStatus.granted if grant else AppealStatus.upheld
    appeal.reviewed_by_id = reviewer.id
    appeal.reviewed_at = utcnow()
    appeal.review_reason = reason
    audit.record(reviewer, f"moderation.{action.value}", appeal.target_type, appeal.target_id, reason=reason,
                 conseil_id=appeal.conseil_id, appeal=appeal.id)
    _tell_author(target, item, "moderation/appeal_decided", decision, granted=grant)
    return decision


# ---------------------------------------------------------------- the queue


@dataclass
class ReportedItem:
    target: Target
    item: Any
    report_count: int
    reasons: list[tuple[ReportReason, int]]
    details: list[str]
    last_decision: ModerationDecision | None


@dataclass
class Queue:
    pending: list[tuple[Target, Any]] = field(default_factory=list)
    reported: list[ReportedItem] = field(default_factory=list)
    reported_total: int = 0
    appeals: list[tuple[Appeal, Target, Any]] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not (self.pending or self.reported or self.appeals)


def queue(conseil_ids: Collection[int] | None, *, limit: int = 50) -> Queue:
    """What waits for a moderator of these conseils (None: every conseil), in a constant number of queries."""
    result = Queue()
    for target in _targets.values():
        if target.pending is not None:
            result.pending.extend((target, item) for item in target.pending(conseil_ids, limit))

    scope = [] if conseil_ids is None else [Report.conseil_id.in_(conseil_ids)]
    grouped = db.session.execute(
        select(Report.target_type, Report.target_id, func.count(Report.id).label("n"),
               func.min(Report.created_at).label("first"))
        .where(Report.resolved_at.is_(None), *scope)
        .group_by(Report.target_type, Report.target_id)
        .order_by(func.count(Report.id).desc(), func.min(Report.created_at))
        .limit(inline(limit))
    ).all()
    result.reported_total = db.session.scalar(
        select(func.count()).select_from(
            select(Report.target_type, Report.target_id).where(Report.resolved_at.is_(None), *scope)
            .group_by(Report.target_type, Report.target_id).subquery())
    ) or 0
    ids_by_type: dict[str, list[int]] = defaultdict(list)
    for row in grouped:
        ids_by_type[row.target_type].append(row.target_id)
    items = {t: _targets[t].load_many(ids) for t, ids in ids_by_type.items() if t in _targets}
    decisions = {t: last_decisions(t, ids) for t, ids in ids_by_type.items()}
    reports_by_item: dict[tuple[str, int], list[Report]] = defaultdict(list)
    for target_type, ids in ids_by_type.items():
        for entry in db.session.scalars(
            select(Report).where(Report.target_type == target_type, Report.target_id.in_(ids),
                                 Report.resolved_at.is_(None)).order_by(Report.id)
        ):
            reports_by_item[(target_type, entry.target_id)].append(entry)
    for row in grouped:
        item = items.get(row.target_type, {}).get(row.target_id)
        if item is None:
            continue
        reports = reports_by_item[(row.target_type, row.target_id)]
        reasons = Counter(entry.reason for entry in reports).most_common()
        result.reported.append(ReportedItem(
            target=_targets[row.target_type], item=item, report_count=row.n, reasons=reasons,
            details=[entry.details for entry in reports if entry.details][:5],
            last_decision=decisions[row.target_type].get(row.target_id),
        ))

    appeal_scope = [] if conseil_ids is None else [Appeal.conseil_id.in_(conseil_ids)]
    appeals = list(db.session.scalars(
        select(Appeal).where(Appeal.status == AppealStatus.open, *appeal_scope).order_by(Appeal.id).limit(inline(limit))
    ))
    appeal_ids: dict[str, list[int]] = defaultdict(list)
    for appeal in appeals:
        appeal_ids[appeal.target_type].append(appeal.target_id)
    appeal_items = {t: _targets[t].load_many(ids) for t, ids in appeal_ids.items() if t in _targets}
    for appeal in appeals:
        item = appeal_items.get(appeal.target_type, {}).get(appeal.target_id)
        if item is not None:
            result.appeals.append((appeal, _targets[appeal.target_type], item))
    return result


def moderated_conseil_ids(user: User) -> list[int] | None:
    """The conseils whose content this person moderates; None means all of them (chef de projet)."""
    from participation.accounts.policy import is_project_lead
    from participation.territory.services import roles_of

    if is_project_lead(user):
        return None
    return sorted(roles_of(user).animator_of)
