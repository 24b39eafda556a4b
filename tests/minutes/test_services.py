from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import func, select

from participation.accounts.services import delete_account
from participation.contract.models import ContributionKind, EventKind
from participation.db import utcnow
from participation.extensions import db
from participation.minutes import diff, rendering, services
from participation.minutes.models import (
    ActionStatus,
    ApprovalMode,
    AttendanceStatus,
    DecisionKind,
    MeetingKind,
    MinutesRevision,
    MinutesStatus,
    PublicName,
    QuorumBasis,
    ReviewComment,
)
from participation.territory.models import Seat
from tests.factories import outbox


@pytest.fixture
def team(roles, make_member):
    """The roles' conseil with five members (three titulaires, two suppléants) and a meeting."""
    from tests.factories import make_meeting

    conseil = roles.conseil
    members = [roles.conseil.memberships[0]]  # the roles' member, titulaire
    members += [make_member(conseil, seat=Seat.titulaire) for _ in range(2)]
    members += [make_member(conseil, seat=Seat.suppleant) for _ in range(2)]
    meeting = make_meeting(conseil, roles.animator)
    db.session.commit()
    return conseil, members, meeting


# ---------------------------------------------------------------- quorum


def _rule(basis=QuorumBasis.titulaires, percent=50):
    from participation.minutes.models import MinutesRule

    return MinutesRule(quorum_basis=basis, quorum_percent=percent, review_days=10)


def test_quorum_counts_a_present_suppleant_for_an_absent_titulaire():
    present, absent = AttendanceStatus.present, AttendanceStatus.absent
    rows = [(Seat.titulaire, present), (Seat.titulaire, absent), (Seat.titulaire, absent),
            (Seat.suppleant, present), (Seat.suppleant, present), (Seat.suppleant, present)]
    quorum = services.compute_quorum(_rule(), MeetingKind.plenary, rows)
    # 3 titulaires counted, 2 needed; 1 titulaire + at most 2 replacing suppléants.
    assert (quorum.counted, quorum.required, quorum.present, quorum.reached) == (3, 2, 3, True)
    alone = services.compute_quorum(_rule(), MeetingKind.plenary, rows[:3])
    assert (alone.present, alone.reached) == (1, False)


def test_quorum_on_all_members_rounds_up_and_applies_to_plenary_meetings_only():
    rows = [(Seat.titulaire, AttendanceStatus.present)] * 7 + [(Seat.suppleant, AttendanceStatus.absent)] * 8
    quorum = services.compute_quorum(_rule(QuorumBasis.all_members, 50), MeetingKind.plenary, rows)
    assert (quorum.counted, quorum.required, quorum.reached) == (15, 8, False)
    assert services.compute_quorum(_rule(QuorumBasis.all_members, 40), MeetingKind.plenary, rows).reached
    bureau = services.compute_quorum(_rule(), MeetingKind.bureau, rows)
    assert not bureau.applies and not bureau.reached
    assert not services.compute_quorum(_rule(), MeetingKind.plenary, []).recorded


def test_the_conseil_rule_is_saved_and_checked(roles):
    rule = services.save_rule(roles.conseil, services.RuleData(QuorumBasis.all_members, 34, 15), roles.animator)
    assert services.get_rule(roles.conseil).id == rule.id and rule.review_days == 15
    with pytest.raises(services.MinutesError) as error:
        services.save_rule(roles.conseil, services.RuleData(QuorumBasis.all_members, 0, 15), roles.animator)
    assert error.value.field == "quorum_percent"


# ---------------------------------------------------------------- meetings and attendance


def test_a_new_meeting_has_draft_minutes_with_a_first_revision(team):
    _conseil, _members, meeting = team
    minutes = meeting.minutes
    assert minutes.status == MinutesStatus.draft and minutes.revision_count == 1
    content = services.current_revision(minutes).content
    assert [s["title"] for s in content["sections"]] == ["Budget participatif", "Questions diverses"]


def test_attendance_is_recorded_with_other_attendees_and_quorum(team, roles, record_presence):
    _conseil, members, meeting = team
    record_presence(meeting, roles.animator, members[:2], excused=(members[2],), other=4)
    content = services.current_revision(meeting.minutes).content
    statuses = {row["membership_id"]: row["status"] for row in content["attendance"]}
    assert statuses[members[0].id] == "present" and statuses[members[2].id] == "excused"
    assert statuses[members[4].id] == "absent"
    assert content["meeting"]["other_attendees"] == 4
    assert content["quorum"]["reached"] is True  # 2 of 3 titulaires, 2 needed
    with pytest.raises(services.MinutesError) as error:
        services.record_attendance(meeting, {}, -1, roles.animator)
    assert error.value.field == "other_attendees"


def test_agenda_changes_keep_sections_and_refuse_to_drop_written_ones(team, roles):
    _conseil, _members, meeting = team
    first = meeting.agenda_items[0]
    services.save_sections(meeting.minutes, {first.id: "Le budget est présenté."}, roles.animator)
    data = services.MeetingData(kind=MeetingKind.plenary, title="Plénière", starts_at=meeting.starts_at,
                                agenda=["Budget participatif 2026", "Questions diverses"])
    services.update_meeting(meeting, data, roles.animator)
    assert first.title == "Budget participatif 2026" and first.notes == "Le budget est présenté."
    data.agenda = ["Questions diverses"]
    with pytest.raises(services.MinutesError) as error:
        services.update_meeting(meeting, data, roles.animator)
    assert error.value.field == "agenda"
    assert services.parse_agenda("1. Accueil\r\n- Budget\n\n  • Divers ") == ["Accueil", "Budget", "Divers"]


# ---------------------------------------------------------------- decisions and action items


def test_decisions_need_their_dissenting_views_unless_unanimous(team, roles, make_decision):
    _conseil, _members, meeting = team
    with pytest.raises(services.MinutesError) as error:
        make_decision(meeting, roles.animator, dissenting_views="  ")
    assert error.value.field == "dissenting_views"
    decision = make_decision(meeting, roles.animator, dissenting_views="", unanimous=True)
    assert decision.unanimous and decision.dissenting_views == ""
    with pytest.raises(services.MinutesError) as error:
        make_decision(meeting, roles.animator, text=" ")
    assert error.value.field == "text"


def test_a_vote_cannot_count_more_members_than_were_present(team, roles, make_decision, record_presence):
    _conseil, members, meeting = team
    with pytest.raises(services.MinutesError) as error:
        make_decision(meeting, roles.animator, votes_for=2)
    assert error.value.field == "votes_for" and "présences" in error.value.message
    record_presence(meeting, roles.animator, members[:3])
    with pytest.raises(services.MinutesError) as error:
        make_decision(meeting, roles.animator, votes_for=2, votes_against=1, abstentions=1)
    assert error.value.field == "votes_for" and "4" in error.value.message and "3" in error.value.message
    with pytest.raises(services.MinutesError) as error:
        make_decision(meeting, roles.animator, votes_for=2, votes_against=1, unanimous=True)
    assert error.value.field == "unanimous"
    decision = make_decision(meeting, roles.animator, votes_for=2, votes_against=1)
    assert (decision.votes_for, decision.votes_against, decision.abstentions) == (2, 1, 0)
    # Lowering the attendance below a recorded vote is refused too.
    with pytest.raises(services.MinutesError) as error:
        record_presence(meeting, roles.animator, members[:2])
    assert error.value.field == "attendance"


def test_a_new_action_item_cannot_be_due_in_the_past_but_an_old_one_can_be_late(team, roles):
    _conseil, _members, meeting = team
    today = date(2026, 3, 4)
    with pytest.raises(services.MinutesError) as error:
        services.add_action_item(meeting.minutes, services.ActionData("Relancer la mairie", "Karim",
                                                                      date(2026, 3, 1)), roles.animator, today)
    assert error.value.field == "due_on"
    action = services.add_action_item(meeting.minutes, services.ActionData("Relancer la mairie", "Karim",
                                                                           date(2026, 3, 20)), roles.animator, today)
    services.update_action_item(action, services.ActionData("Relancer la mairie", "Karim", date(2026, 3, 2)),
                                roles.animator)
    assert action.due_on == date(2026, 3, 2)
    revisions = meeting.minutes.revision_count
    services.set_action_status(action, ActionStatus.in_progress, roles.animator)
    assert action.status == ActionStatus.in_progress and meeting.minutes.revision_count == revisions


# ---------------------------------------------------------------- redaction


def test_a_redaction_needs_a_reason_and_a_passage_of_the_text(team, roles):
    _conseil, _members, meeting = team
    item = meeting.agenda_items[0]
    services.save_sections(meeting.minutes, {item.id: "Le voisin du 12 **fait du bruit** la nuit. Suite au vote."},
                           roles.animator)
    with pytest.raises(services.MinutesError) as error:
        services.redact(meeting.minutes, item.key, "Le voisin du 12", " ", roles.animator)
    assert error.value.field == "reason"
    with pytest.raises(services.MinutesError) as error:
        services.redact(meeting.minutes, item.key, "absent du texte", "Vie privée", roles.animator)
    assert error.value.field == "passage"
    services.redact(meeting.minutes, item.key, "Le voisin du 12 **fait du bruit** la nuit.", "Vie privée",
                    roles.animator)
    section = services.current_revision(meeting.minutes).content["sections"][0]
    assert "voisin" in section["html"] and "voisin" not in section["public_html"]
    assert "<em>[… 1]</em>" in section["public_html"] and "Suite au vote." in section["public_html"]
    assert services.current_revision(meeting.minutes).content["redactions"][0]["reason"] == "Vie privée"


# ---------------------------------------------------------------- review, approval, publication


def test_review_tells_the_members_and_closes_at_the_end_of_the_period(team, roles):
    _conseil, members, meeting = team
    minutes = meeting.minutes
    sent = services.send_to_review(minutes, roles.animator)
    assert sent == len(members) and minutes.status == MinutesStatus.in_review
    mail = outbox(roles.member.email)[-1]
    assert meeting.title in mail.subject and f"/comptes-rendus/{meeting.id}/relecture" in mail.body
    assert minutes.review_ends_at - minutes.review_started_at == timedelta(days=10)
    comment = services.add_comment(minutes, roles.member, meeting.agenda_items[0].key, "Il manque le montant.")
    assert comment.revision_number == minutes.revision_count
    assert meeting.title in outbox(roles.animator.email)[-1].subject
    with pytest.raises(services.WrongStatus):
        services.add_comment(minutes, roles.member, meeting.agenda_items[0].key, "Trop tard",
                             now=minutes.review_ends_at + timedelta(minutes=1))
    with pytest.raises(services.MinutesError) as error:
        services.add_comment(minutes, roles.member, "item-999999", "Où ?")
    assert error.value.field == "target"
    with pytest.raises(services.MinutesError) as error:
        services.add_comment(minutes, roles.member, meeting.agenda_items[0].key, " ", " ")
    assert error.value.field == "body"


def test_an_accepted_wording_replaces_the_text_in_a_new_revision(team, roles, make_decision):
    _conseil, _members, meeting = team
    minutes = meeting.minutes
    decision = make_decision(meeting, roles.animator)
    services.send_to_review(minutes, roles.animator)
    on_section = services.add_comment(minutes, roles.member, meeting.agenda_items[0].key, "Plus précis :",
                                      "Le budget participatif 2026 est de **50 000 €**.")
    on_decision = services.add_comment(minutes, roles.member, decision.key, "", "Le conseil demande trois bancs.")
    before = minutes.revision_count
    revision = services.accept_wording(on_section, roles.animator)
    assert revision.number == before + 1 and "Membre" in revision.summary
    assert "<strong>50 000 €</strong>" in revision.content["sections"][0]["html"]
    assert on_section.accepted_in_revision == revision.number
    with pytest.raises(services.MinutesError):
        services.accept_wording(on_section, roles.animator)
    services.accept_wording(on_decision, roles.animator)
    assert decision.text == "Le conseil demande trois bancs."


def test_approval_needs_a_decision_and_says_how(team, roles, make_decision, make_meeting):
    _conseil, _members, meeting = team
    minutes = meeting.minutes
    with pytest.raises(services.WrongStatus):
        services.approve(minutes, services.ApprovalData(ApprovalMode.vote), roles.animator)
    services.send_to_review(minutes, roles.animator)
    with pytest.raises(services.MinutesError) as error:
        services.approve(minutes, services.ApprovalData(ApprovalMode.vote), roles.animator)
    assert error.value.field == "decisions"
    make_decision(meeting, roles.animator)
    with pytest.raises(services.MinutesError) as error:
        services.approve(minutes, services.ApprovalData(ApprovalMode.silence), roles.animator)
    assert error.value.field == "mode"
    with pytest.raises(services.MinutesError) as error:
        services.approve(minutes, services.ApprovalData(ApprovalMode.next_meeting), roles.animator)
    assert error.value.field == "approval_meeting_id"
    later = make_meeting(roles.conseil, roles.animator, title="Plénière d'avril",
                         starts_at=meeting.starts_at + timedelta(days=35))
    services.approve(minutes, services.ApprovalData(ApprovalMode.next_meeting, later.id), roles.animator)
    assert minutes.status == MinutesStatus.approved and minutes.approval_meeting_id == later.id
    assert "Plénière d'avril" in rendering.approval_sentence(minutes)
    # Approved minutes are locked until published.
    with pytest.raises(services.NotEditable):
        services.save_sections(minutes, {meeting.agenda_items[0].id: "Changé"}, roles.animator)


def test_silence_approves_once_the_review_period_is_over(team, roles, make_decision):
    _conseil, _members, meeting = team
    minutes = meeting.minutes
    make_decision(meeting, roles.animator)
    services.send_to_review(minutes, roles.animator, now=utcnow() - timedelta(days=11))
    services.approve(minutes, services.ApprovalData(ApprovalMode.silence), roles.animator)
    assert minutes.approval_mode == ApprovalMode.silence


def test_published_minutes_change_only_through_a_correction_with_a_reason(team, roles, make_decision,
                                                                         publish_minutes):
    _conseil, _members, meeting = team
    minutes = meeting.minutes
    make_decision(meeting, roles.animator)
    publish_minutes(meeting, roles.animator)
    first_public = minutes.published_number
    assert minutes.status == MinutesStatus.published and services.published_revision(minutes).published
    item = meeting.agenda_items[0]
    with pytest.raises(services.NotEditable) as error:
        services.save_sections(minutes, {item.id: "Correction"}, roles.animator)
    assert error.value.field == "reason"
    revision = services.save_sections(minutes, {item.id: "Correction"}, roles.animator, reason="Coquille")
    assert revision.published and minutes.published_number == revision.number > first_public
    assert revision.reason == "Coquille"
    public = services.list_revisions(minutes, public=True)
    assert [r.number for r in public] == [revision.number, first_public]
    # The published revision itself never changed.
    old = services.get_revision(minutes, first_public)
    assert old.content["sections"][0]["html"] == ""
    with pytest.raises(services.NotEditable):
        services.remove_decision(minutes.decisions[0], roles.animator)


def test_every_revision_keeps_exactly_what_it_showed(team, roles, record_presence, make_decision):
    _conseil, members, meeting = team
    minutes = meeting.minutes
    snapshots = {minutes.revision_count: services.build_document(minutes)}
    item = meeting.agenda_items[0]
    steps = [
        lambda: record_presence(meeting, roles.animator, members[:3], other=2),
        lambda: services.save_sections(minutes, {item.id: "Première version."}, roles.animator),
        lambda: make_decision(meeting, roles.animator),
        lambda: services.save_sections(minutes, {item.id: "Deuxième *version*."}, roles.animator),
        lambda: services.add_action_item(minutes, services.ActionData("Écrire au bailleur", "Amina",
                                                                      date(2030, 1, 1)), roles.animator,
                                         date(2026, 1, 1)),
        lambda: services.redact(minutes, item.key, "Deuxième", "Test", roles.animator),
    ]
    for step in steps:
        step()
        db.session.commit()
        snapshots[minutes.revision_count] = services.build_document(minutes)
    db.session.expire_all()
    stored = {r.number: r.content for r in db.session.scalars(
        select(MinutesRevision).where(MinutesRevision.minutes_id == minutes.id))}
    assert stored == snapshots
    assert len(stored) == 7 and stored[3]["sections"][0]["html"].strip() == "<p>Première version.</p>"


def test_a_save_based_on_an_old_revision_is_refused(team, roles):
    _conseil, _members, meeting = team
    minutes = meeting.minutes
    item = meeting.agenda_items[0]
    base = minutes.revision_count
    services.save_sections(minutes, {item.id: "Texte de Nadia"}, roles.animator, base=base)
    with pytest.raises(services.RevisionConflict):
        services.save_sections(minutes, {item.id: "Texte de Paul"}, roles.animator, base=base)


# ---------------------------------------------------------------- contributions to the contract


def test_a_decision_becomes_a_contribution_once_approved(team, roles, make_decision, record_presence,
                                                         publish_minutes):
    _conseil, members, meeting = team
    record_presence(meeting, roles.animator, members[:2])
    decision = make_decision(meeting, roles.animator, votes_for=1, votes_against=1)
    with pytest.raises(services.WrongStatus):
        services.mark_as_contribution(decision, roles.animator)
    publish_minutes(meeting, roles.animator)
    contribution = services.mark_as_contribution(decision, roles.animator)
    assert contribution.kind == ContributionKind.minutes_opinion and contribution.source_type == "minutes_decision"
    assert contribution.conseil_id == roles.conseil.id and contribution.title.startswith("Le conseil demande")
    kinds = [event.kind for event in contribution.events]
    assert kinds == [EventKind.submitted, EventKind.opinion]
    assert "Deux membres craignent" in contribution.events[1].text
    assert f"/comptes-rendus/{meeting.id}#{decision.key}" in contribution.events[1].link_url
    with pytest.raises(services.MinutesError):
        services.mark_as_contribution(decision, roles.animator)
    from participation.contract.services import participants, source_url

    assert {r.email for r in participants(contribution)} == {m.user.email for m in members[:2]}
    assert source_url(contribution).endswith(f"/comptes-rendus/{meeting.id}#{decision.key}")


# ---------------------------------------------------------------- names, lists, data


def test_names_follow_each_person_s_choice_and_deletion(team, roles, record_presence):
    _conseil, members, meeting = team
    listed = members[1]
    listed.user.display_name = "Amina Benali"
    members[2].listed_publicly = False
    members[2].user.display_name = "Joseph Mendy"
    record_presence(meeting, roles.animator, members[:3])
    document = services.current_revision(meeting.minutes).content
    public = rendering.names_for(document, True, meeting.conseil_id)
    assert public[listed.id] == "Amina Benali" and public[members[2].id] == "J. M."
    services.set_name_choice(listed.user, PublicName.initials)
    assert rendering.names_for(document, True, meeting.conseil_id)[listed.id] == "A. B."
    assert rendering.names_for(document, False, meeting.conseil_id)[listed.id] == "Amina Benali"
    delete_account(members[2].user)
    assert rendering.names_for(document, True, meeting.conseil_id)[members[2].id] == "ancien participant"
    assert services.initials("Mireille Petit (Centre social)") == "M. P."
    assert services.initials("Jean-Luc B.") == "J. L. B."


def test_open_action_items_come_from_published_minutes_until_done(team, roles, make_decision, publish_minutes):
    _conseil, _members, meeting = team
    minutes = meeting.minutes
    make_decision(meeting, roles.animator)
    today = date(2026, 1, 1)
    first = services.add_action_item(minutes, services.ActionData("Réparer l'éclairage", "Mairie",
                                                                  date(2026, 6, 1)), roles.animator, today)
    second = services.add_action_item(minutes, services.ActionData("Écrire au bailleur", "Amina"), roles.animator,
                                      today)
    assert services.open_action_items(roles.conseil) == []
    publish_minutes(meeting, roles.animator)
    assert [a.id for a, _m in services.open_action_items(roles.conseil)] == [first.id, second.id]
    services.set_action_status(first, ActionStatus.done, roles.animator)
    assert [a.id for a, _m in services.open_action_items(roles.conseil)] == [second.id]


def test_the_comment_counter_equals_the_comments(team, roles):
    _conseil, _members, meeting = team
    minutes = meeting.minutes
    services.send_to_review(minutes, roles.animator)
    for n in range(3):
        services.add_comment(minutes, roles.member, meeting.agenda_items[0].key, f"Remarque {n}")
    db.session.commit()
    db.session.refresh(minutes)
    counted = db.session.scalar(select(func.count(ReviewComment.id)).where(ReviewComment.minutes_id == minutes.id))
    assert minutes.comment_count == counted == 3


def test_published_list_filters_by_conseil_and_year(roles, make_meeting, make_decision, publish_minutes):
    dates = [datetime(2025, 11, 4, 18, tzinfo=UTC), datetime(2026, 3, 3, 18, tzinfo=UTC)]
    meetings = [make_meeting(roles.conseil, roles.animator, title=f"Plénière {d:%Y}", starts_at=d) for d in dates]
    other = make_meeting(roles.other_conseil, roles.other_animator, title="Ailleurs")
    for meeting, animator in ((meetings[0], roles.animator), (meetings[1], roles.animator),
                              (other, roles.other_animator)):
        make_decision(meeting, animator)
        publish_minutes(meeting, animator)
    make_meeting(roles.conseil, roles.animator, title="Brouillon")
    # "Ailleurs" met at 17:30 on the same day as "Plénière 2026" (18:00).
    assert [m.title for m in services.list_published(None, None, 1).items] == ["Plénière 2026", "Ailleurs",
                                                                               "Plénière 2025"]
    assert [m.title for m in services.list_published(roles.conseil.id, 2025, 1).items] == ["Plénière 2025"]
    assert services.published_index()[1] == [2026, 2025]
    # The total comes with the rows; a page past the end shows the last one.
    second = services.list_published(None, None, 2, per_page=2)
    assert (second.number, second.total, [m.title for m in second.items]) == (2, 3, ["Plénière 2025"])
    beyond = services.list_published(None, None, 7, per_page=2)
    assert (beyond.number, beyond.total, [m.title for m in beyond.items]) == (2, 3, ["Plénière 2025"])


def test_personal_data_export_and_account_deletion(team, roles, record_presence):
    _conseil, members, meeting = team
    record_presence(meeting, roles.animator, members[:1])
    services.send_to_review(meeting.minutes, roles.animator)
    services.add_comment(meeting.minutes, roles.member, meeting.agenda_items[0].key, "Mon avis")
    services.set_name_choice(roles.member, PublicName.initials)
    data = services.export_user_data(roles.member)
    assert data["name_in_minutes"] == "initials" and data["review_comments"][0]["body"] == "Mon avis"
    assert data["attendance"][0]["status"] == "present"
    delete_account(roles.member)
    assert services.name_choice(roles.member) is None
    assert db.session.scalar(select(func.count(ReviewComment.id))) == 1


# ---------------------------------------------------------------- comparing revisions


def test_the_comparison_shows_changed_words_and_skips_unchanged_lines():
    old = ["# Titre", "a", "b", "c", "d", "e", "Le conseil demande deux bancs.", "f"]
    new = ["# Titre", "a", "b", "c", "d", "e", "Le conseil demande trois bancs.", "f", "Ajout"]
    blocks = diff.compare(old, new)
    assert blocks[0].skipped == 4
    changed = [line for block in blocks for line in block.lines if line.kind == "changed"][0]
    assert ("removed", "deux") in changed.pieces and ("added", "trois") in changed.pieces
    assert [line.text for block in blocks for line in block.lines if line.kind == "added"] == ["Ajout"]
    assert diff.compare(old, old) == []


def test_document_lines_follow_the_public_rendering(team, roles, make_decision):
    _conseil, _members, meeting = team
    item = meeting.agenda_items[0]
    services.save_sections(meeting.minutes, {item.id: "- un\n- deux secret"}, roles.animator)
    services.redact(meeting.minutes, item.key, "secret", "Vie privée", roles.animator)
    make_decision(meeting, roles.animator, kind=DecisionKind.decision)
    document = services.current_revision(meeting.minutes).content
    public = rendering.document_lines(document, {}, public=True)
    internal = rendering.document_lines(document, {}, public=False)
    assert "- deux [… 1]" in public and "- deux secret" in internal
    assert any("Deux membres craignent" in line for line in public)
