from __future__ import annotations

import pytest

from participation.contract import services
from participation.contract.models import ContributionEvent, ContributionKind, ContributionStatus, EventKind
from participation.extensions import db
from participation.registry import Recipient, get_registry


@pytest.fixture
def contribution(app, make_conseil):
    return services.create_contribution(ContributionKind.proposal, "test", 1, "Des bancs au square",
                                        conseil_id=make_conseil().id)


def test_a_new_contribution_is_received_with_a_submitted_event(contribution):
    assert contribution.status == ContributionStatus.received
    assert [e.kind for e in contribution.events] == [EventKind.submitted]


def test_not_retained_needs_a_reason(contribution, make_user):
    with pytest.raises(services.ReasonRequired):
        services.change_status(contribution, ContributionStatus.not_retained, actor=make_user(), reason="  ")
    assert contribution.status == ContributionStatus.received


def test_merged_needs_another_contribution(contribution, make_user):
    with pytest.raises(services.MergeTargetRequired):
        services.change_status(contribution, ContributionStatus.merged, actor=make_user())
    other = services.create_contribution(ContributionKind.proposal, "test", 2, "Autre", conseil_id=None)
    services.change_status(contribution, ContributionStatus.merged, actor=make_user(), merged_into=other)
    assert contribution.merged_into_id == other.id


def test_status_changes_are_appended_and_participants_told(app, contribution, make_user, outbox):
    author = make_user("auteur@example.org")
    quiet = make_user("discret@example.org", notify_by_email=False)
    get_registry().contribution_participants["test"] = lambda c: services.recipients_from_users([author, quiet]) + [
        Recipient(email="invite@example.org", locale="en")]
    lead = make_user()
    services.change_status(contribution, ContributionStatus.retained, actor=lead)
    services.answer(contribution, "Les bancs seront posés au printemps.", actor=lead)
    db.session.flush()
    kinds = [e.kind for e in db.session.query(ContributionEvent).order_by(ContributionEvent.id)]
    assert kinds == [EventKind.submitted, EventKind.status_changed, EventKind.answered]
    recipients = sorted(m.recipient for m in outbox())
    assert recipients == ["auteur@example.org", "auteur@example.org", "invite@example.org", "invite@example.org"]


def test_answer_is_cleaned_markdown(contribution, make_user):
    services.answer(contribution, "**Oui** <script>alert(1)</script>", actor=make_user())
    assert "<strong>Oui</strong>" in contribution.answer_html and "<script>" not in contribution.answer_html


def test_follow_up_page_shows_the_timeline(client, contribution, make_user):
    services.change_status(contribution, ContributionStatus.under_study, actor=make_user(name="Claire"))
    page = client.get(f"/suivi/{contribution.id}").text
    assert "Des bancs au square" in page and "Claire" in page and "timeline-event" in page
    assert client.get("/suivi/999999").status_code == 404


def test_home_page_lists_what_was_answered_lately(client, contribution, make_user):
    services.answer(contribution, "Les bancs seront posés en avril.", actor=make_user())
    assert "Des bancs au square" in client.get("/").text
