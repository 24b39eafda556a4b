"""Links to the contract and the append-only timeline."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from participation.contract import services, structure
from participation.contract.models import (
    ContributionEvent,
    ContributionLink,
    EventKind,
    TimelineIsAppendOnly,
)
from participation.db import utcnow
from participation.extensions import db


@pytest.fixture
def contribution(make_contribution, roles):
    return make_contribution(roles.conseil, author=roles.habitant)


def test_linking_and_unlinking_are_timeline_events(contribution, node_of, roles):
    action = node_of("1.1.1.b")
    services.link_to_node(contribution, action, actor=roles.animator)
    with pytest.raises(services.AlreadyLinked):
        services.link_to_node(contribution, action, actor=roles.animator)
    services.unlink_from_node(contribution, action, actor=roles.project_lead)
    with pytest.raises(services.NotLinked):
        services.unlink_from_node(contribution, action, actor=roles.project_lead)
    kinds = [(e.kind, e.link_label) for e in contribution.events]
    assert kinds == [(EventKind.submitted, None), (EventKind.linked, action.label), (EventKind.unlinked, action.label)]
    assert contribution.events[1].link_url == f"/contrat/{action.id}"


def test_a_node_deleted_later_keeps_the_history_of_its_contributions(contribution, node_of, roles, client):
    action = node_of("1.1.1.a")
    label = action.label
    services.link_to_node(contribution, action, actor=roles.project_lead)
    structure.delete_node(node_of("1.1"))
    action.title = "Renommé après coup"  # even a later edit does not rewrite what the timeline said
    db.session.flush()
    assert db.session.scalar(select(ContributionLink).where(ContributionLink.contribution_id == contribution.id))
    assert contribution.events[-1].link_label == label
    with pytest.raises(services.NodeRemoved):
        services.link_to_node(contribution, node_of("1.1.1.b"), actor=roles.project_lead)
    page = client.get(f"/suivi/{contribution.id}").text
    assert label.replace("–", "–") in page and "retiré du contrat" in page
    node_page = client.get(f"/contrat/{action.id}")
    assert node_page.status_code == 200 and contribution.title in node_page.text
    assert "Marches exploratoires" not in client.get("/contrat").text


def test_events_cannot_be_edited(contribution, roles):
    event = contribution.events[0]
    event.text = "Réécrit après coup"
    with pytest.raises(TimelineIsAppendOnly):
        db.session.flush()
    db.session.rollback()


def test_no_route_edits_or_deletes_events(app):
    rules = [rule for rule in app.url_map.iter_rules() if rule.endpoint.startswith("contract.")]
    for rule in rules:
        assert "DELETE" not in rule.methods and "PUT" not in rule.methods and "PATCH" not in rule.methods
    posting = {rule.endpoint for rule in rules if "POST" in rule.methods}
    # Each POST on a contribution's timeline adds; none takes an event id in its URL.
    assert not [r for r in rules if "event" in r.rule or "evenements/<" in r.rule]
    assert {"contract.add_event", "contract.add_correction"} <= posting
    assert not [name for name in dir(services) if name.startswith(("update_event", "delete_event", "edit_event"))]


def test_timeline_is_ordered_by_date_then_entry_and_backdated_events_do_not_reorder(contribution, roles):
    now = utcnow()
    same_time = now - timedelta(days=3)
    first = services.record_event(contribution, EventKind.discussed, actor=roles.animator, text="Comité A",
                                  occurred_at=same_time)
    second = services.record_event(contribution, EventKind.note, actor=roles.animator, text="Note B",
                                   occurred_at=same_time)
    earlier = services.record_event(contribution, EventKind.opinion, actor=roles.animator, text="Avis C",
                                    occurred_at=now - timedelta(days=10))
    db.session.expire(contribution, ["events"])
    ids = [e.id for e in contribution.events]
    assert ids.index(earlier.id) < ids.index(first.id) < ids.index(second.id)
    ordered = db.session.scalars(select(ContributionEvent.id).where(
        ContributionEvent.contribution_id == contribution.id)
        .order_by(ContributionEvent.occurred_at, ContributionEvent.id)).all()
    assert ordered == ids
    assert contribution.events[-1].kind == EventKind.submitted  # received now, after the backdated entries


def test_corrections_are_new_events_pointing_at_the_corrected_one(contribution, roles):
    event = services.record_event(contribution, EventKind.discussed, actor=roles.animator, text="Réunion du 3 mars",
                                  occurred_at=datetime(2025, 3, 3, 18, tzinfo=UTC))
    correction = services.correct_event(event, "C'était la réunion du 4 mars.", actor=roles.animator)
    assert correction.kind == EventKind.correction and correction.corrects_id == event.id
    assert event.text == "Réunion du 3 mars"
    with pytest.raises(services.TextRequired):
        services.correct_event(event, "  ", actor=roles.animator)


def test_manual_events_are_dated_in_the_past_and_not_empty(contribution, roles):
    with pytest.raises(services.EventInTheFuture):
        services.record_event(contribution, EventKind.note, actor=roles.animator, text="x",
                              occurred_at=utcnow() + timedelta(days=2))
    with pytest.raises(services.TextRequired):
        services.record_event(contribution, EventKind.note, actor=roles.animator, text=" ")
    with pytest.raises(ValueError):
        services.record_event(contribution, EventKind.status_changed, actor=roles.animator, text="x")
