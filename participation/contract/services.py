"""Contributions and their append-only timelines (DESIGN.md §4).

Every capability that produces something deserving an answer calls ``create_contribution`` with its
own row as the source; statuses change only through ``change_status``, which adds a timeline event
and tells the people who took part.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta

from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from participation.accounts.models import User
from participation.contract.models import (
    ContractNode,
    Contribution,
    ContributionEvent,
    ContributionKind,
    ContributionLink,
    ContributionStatus,
    EventKind,
    NodeLevel,
    OpinionPosition,
    Pillar,
)
from participation.db import utcnow
from participation.errors import DomainError
from participation.extensions import db
from participation.mail import queue_mail
from participation.registry import Recipient, get_registry
from participation.sanitize import render_markdown
from participation.urls import external_url


class ReasonRequired(DomainError):
    pass


class MergeTargetRequired(DomainError):
    pass


class AlreadyLinked(DomainError):
    pass


class NotLinked(DomainError):
    pass


class NodeRemoved(DomainError):
    pass


class EventInTheFuture(DomainError):
    pass


class TextRequired(DomainError):
    pass


# Kinds of event that people add by hand from the back office; the others are written by the services.
MANUAL_EVENT_KINDS = (EventKind.discussed, EventKind.opinion, EventKind.implemented, EventKind.note)


def create_contribution(kind: ContributionKind, source_type: str, source_id: int, title: str, *,
                        conseil_id: int | None, actor: User | None = None, actor_label: str | None = None,
                        occurred_at: datetime | None = None, text: str | None = None) -> Contribution:
    """Record a new contribution, received, with its first timeline event ("submitted")."""
    contribution = Contribution(
        kind=kind, source_type=source_type, source_id=source_id, title=title[:300], conseil_id=conseil_id,
        status=ContributionStatus.received,
    )
    db.session.add(contribution)
    db.session.flush()
    add_event(contribution, EventKind.submitted, actor=actor, actor_label=actor_label,
              occurred_at=occurred_at, text=text, status=ContributionStatus.received)
    return contribution


def contribution_for(source_type: str, source_id: int) -> Contribution | None:
    return db.session.scalar(
        select(Contribution).where(Contribution.source_type == source_type, Contribution.source_id == source_id)
    )


def add_event(contribution: Contribution, kind: EventKind, *, actor: User | None = None,
              actor_label: str | None = None, occurred_at: datetime | None = None, text: str | None = None,
              status: ContributionStatus | None = None, link_url: str | None = None,
              link_label: str | None = None, corrects: ContributionEvent | None = None) -> ContributionEvent:
    """Append an event to the timeline; events are never edited, a correction is a new event."""
    now = utcnow()
    event = ContributionEvent(
        contribution_id=contribution.id, kind=kind, occurred_at=occurred_at or now, recorded_at=now,
        actor_id=actor.id if actor is not None else None, actor_label=actor_label, text=text, status=status,
        link_url=link_url, link_label=link_label, corrects_id=corrects.id if corrects is not None else None,
    )
    db.session.add(event)
    contribution.updated_at = now
    db.session.flush()
    return event


def change_status(contribution: Contribution, status: ContributionStatus, *, actor: User | None,
                  reason: str | None = None, merged_into: Contribution | None = None,
                  actor_label: str | None = None) -> ContributionEvent:
    """Set the public status; "not retained" needs a reason and "merged" the contribution it joins.

    The change is a timeline event, and everyone who took part is told by mail.
    """
    reason = (reason or "").strip() or None
    if status == ContributionStatus.not_retained and not reason:
        raise ReasonRequired(_("Give the reason why it is not retained."))
    if status == ContributionStatus.merged:
        if merged_into is None or merged_into.id == contribution.id:
            raise MergeTargetRequired(_("Choose the contribution it is merged into."))
        contribution.merged_into_id = merged_into.id
    else:
        contribution.merged_into_id = None
    contribution.status = status
    contribution.status_reason = reason
    event = add_event(contribution, EventKind.status_changed, actor=actor, actor_label=actor_label,
                      status=status, text=reason)
    notify_participants(contribution, "contract/status_changed", exclude=actor)
    return event


def answer(contribution: Contribution, text: str, *, actor: User | None, actor_label: str | None = None) -> None:
    """Publish (or replace) the official answer; the timeline keeps every version."""
    text = text.strip()
    if not text:
        raise ReasonRequired(_("The answer cannot be empty."))
    contribution.answer = text
    contribution.answer_html = render_markdown(text)
    contribution.answered_at = utcnow()
    add_event(contribution, EventKind.answered, actor=actor, actor_label=actor_label, text=text)
    notify_participants(contribution, "contract/answered", exclude=actor)


def participants(contribution: Contribution) -> list[Recipient]:
    finder = get_registry().contribution_participants.get(contribution.source_type)
    return finder(contribution) if finder is not None else []


def notify_participants(contribution: Contribution, template: str, exclude: User | None = None) -> int:
    """Queue one mail per distinct participant address (they chose to be told)."""
    seen: set[str] = set()
    if exclude is not None and exclude.email:
        seen.add(exclude.email)
    for recipient in participants(contribution):
        if not recipient.email or recipient.email in seen:
            continue
        seen.add(recipient.email)
        queue_mail(recipient.email, template, locale=recipient.locale, contribution=contribution,
                   recipient=recipient, url=follow_up_url(contribution))
    return len(seen)


def follow_up_url(contribution: Contribution) -> str:
    return external_url("contract.follow_up", contribution_id=contribution.id)


def source_url(contribution: Contribution) -> str | None:
    finder = get_registry().contribution_source_url.get(contribution.source_type)
    return finder(contribution) if finder is not None else None


def recipients_from_users(users: Iterable[User]) -> list[Recipient]:
    """Participants who kept notifications on and still have an account."""
    return [
        Recipient(email=user.email, locale=user.locale, name=user.display_name)
        for user in users
        if user.email and not user.is_deleted and user.notify_by_email
    ]



def record_event(contribution: Contribution, kind: EventKind, *, actor: User | None, text: str,
                 occurred_at: datetime | None = None, actor_label: str | None = None,
                 link_url: str | None = None, link_label: str | None = None) -> ContributionEvent:
    """Add a dated event by hand (discussed at meeting X, answer of the comité de pilotage…), never in the future."""
    text = (text or "").strip()
    if kind not in MANUAL_EVENT_KINDS:
        raise ValueError(f"{kind} events are written by the services")
    if not text:
        raise TextRequired(_("Say what happened."))
    if occurred_at is not None and occurred_at > utcnow() + timedelta(minutes=5):
        raise EventInTheFuture(_("The date cannot be in the future."))
    return add_event(contribution, kind, actor=actor, actor_label=(actor_label or "").strip() or None,
                     occurred_at=occurred_at, text=text, link_url=link_url or None,
                     link_label=(link_label or "").strip() or None)


def correct_event(event: ContributionEvent, text: str, *, actor: User | None) -> ContributionEvent:
    """Correct an entry of the timeline by appending a correction that points at it (the entry stays)."""
    text = (text or "").strip()
    if not text:
        raise TextRequired(_("Say what the correction is."))
    return add_event(event.contribution, EventKind.correction, actor=actor, text=text, corrects=event)


def node_url(node: ContractNode) -> str:
    """The path of the node's public page (stored in timelines, so relative to the site)."""
    from flask import current_app, has_request_context, url_for

    if has_request_context():
        return url_for("contract.show_node", node_id=node.id)
    with current_app.test_request_context():
        return url_for("contract.show_node", node_id=node.id)


def link_to_node(contribution: Contribution, node: ContractNode, *, actor: User | None) -> ContributionLink:
    """Attach a contribution to a node of the contract; the timeline says so, with the node's label of the day."""
    if node.is_deleted:
        raise NodeRemoved(_("This part of the contract has been removed."))
    exists = db.session.scalar(select(ContributionLink.id).where(
        ContributionLink.contribution_id == contribution.id, ContributionLink.node_id == node.id))
    if exists is not None:
        raise AlreadyLinked(_("The contribution is already linked to this part of the contract."))
    link = ContributionLink(contribution_id=contribution.id, node_id=node.id,
                            linked_by_id=actor.id if actor is not None else None)
    db.session.add(link)
    add_event(contribution, EventKind.linked, actor=actor, link_url=node_url(node), link_label=node.label)
    return link


def unlink_from_node(contribution: Contribution, node: ContractNode, *, actor: User | None) -> None:
    """Detach a contribution from a node; the timeline keeps both the link and its removal."""
    link = db.session.scalar(select(ContributionLink).where(
        ContributionLink.contribution_id == contribution.id, ContributionLink.node_id == node.id))
    if link is None:
        raise NotLinked(_("The contribution is not linked to this part of the contract."))
    db.session.delete(link)
    add_event(contribution, EventKind.unlinked, actor=actor, link_label=node.label)


def linked_nodes(contribution: Contribution) -> list[ContractNode]:
    return list(db.session.scalars(
        select(ContractNode).join(ContributionLink, ContributionLink.node_id == ContractNode.id)
        .where(ContributionLink.contribution_id == contribution.id).order_by(ContributionLink.id)
    ))


_STATUS_LABELS = {
    ContributionStatus.received: _l("Received"),
    ContributionStatus.under_study: _l("Under study"),
    ContributionStatus.retained: _l("Retained"),
    ContributionStatus.partly_retained: _l("Partly retained"),
    ContributionStatus.not_retained: _l("Not retained"),
    ContributionStatus.merged: _l("Merged into another"),
    ContributionStatus.implemented: _l("Implemented"),
}


_EVENT_LABELS = {
    EventKind.submitted: _l("Submitted"),
    EventKind.threshold_reached: _l("Reached its support threshold"),
    EventKind.discussed: _l("Discussed at a meeting"),
    EventKind.opinion: _l("Opinion of the conseil citoyen"),
    EventKind.status_changed: _l("Status changed"),
    EventKind.answered: _l("Official answer"),
    EventKind.linked: _l("Linked to the contrat de ville"),
    EventKind.unlinked: _l("Link to the contrat de ville removed"),
    EventKind.implemented: _l("Implemented"),
    EventKind.correction: _l("Correction"),
    EventKind.note: _l("Note"),
}


_KIND_LABELS = {
    ContributionKind.proposal: _l("Proposal of residents"),
    ContributionKind.consultation_synthesis: _l("Synthesis of a consultation"),
    ContributionKind.minutes_decision: _l("Decision of the conseil citoyen"),
    ContributionKind.minutes_opinion: _l("Opinion of the conseil citoyen"),
    ContributionKind.workshop_conclusion: _l("Conclusions of a workshop"),
}


_LEVEL_LABELS = {
    NodeLevel.enjeu: _l("Enjeu"),
    NodeLevel.orientation: _l("Orientation stratégique"),
    NodeLevel.objectif: _l("Objectif opérationnel"),
    NodeLevel.action: _l("Action"),
}


_PILLAR_LABELS = {
    Pillar.cohesion_sociale: _l("Cohésion sociale"),
    Pillar.cadre_de_vie: _l("Cadre de vie et renouvellement urbain"),
    Pillar.developpement_economique: _l("Développement économique et emploi"),
}


_POSITION_LABELS = {
    OpinionPosition.favourable: _l("Favourable"),
    OpinionPosition.reserved: _l("Favourable with reservations"),
    OpinionPosition.unfavourable: _l("Unfavourable"),
    OpinionPosition.tacit: _l("Favourable (no opinion given before the deadline)"),
}


# Labels are looked up thousands of times on big pages: each table is translated once per language,
# and pages that show many of them take the tables once (``label_maps()``) instead of one call a row.
_LABEL_TABLES = {
    "status": _STATUS_LABELS, "event": _EVENT_LABELS, "kind": _KIND_LABELS, "level": _LEVEL_LABELS,
    "pillar": _PILLAR_LABELS, "position": _POSITION_LABELS,
}
_label_maps: dict[str, dict[str, dict]] = {}


def label_maps() -> dict[str, dict]:
    """Every label of the capability in the current language: ``{"status": {ContributionStatus: str}, ...}``."""
    locale = str(get_locale() or "fr")
    maps = _label_maps.get(locale)
    if maps is None:
        maps = _label_maps[locale] = {name: {key: str(label) for key, label in table.items()}
                                      for name, table in _LABEL_TABLES.items()}
    return maps


def status_label(status) -> str:
    return label_maps()["status"][status]


def event_label(kind) -> str:
    return label_maps()["event"][kind]


def kind_label(kind) -> str:
    return label_maps()["kind"][kind]


def level_label(level) -> str:
    return label_maps()["level"][level]


def pillar_label(pillar) -> str:
    return label_maps()["pillar"][pillar]


def position_label(position) -> str:
    return label_maps()["position"][position]
