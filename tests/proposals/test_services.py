from __future__ import annotations

import io
import math
import random
from datetime import timedelta

import pytest
from PIL import Image
from sqlalchemy import func, select

from participation.contract.models import ContributionStatus, EventKind
from participation.contract.services import ReasonRequired, follow_up_url
from participation.db import utcnow
from participation.extensions import db
from participation.moderation import services as moderation
from participation.proposals import services
from participation.proposals.models import Comment, Phase, Proposal, ProposalState, Support, Theme
from participation.sqlcount import count_statements
from tests.proposals.conftest import jpeg_with_gps, png_bytes


def stored_counts_match(proposal: Proposal) -> bool:
    db.session.expire(proposal)
    supports = db.session.scalar(select(func.count(Support.id)).where(Support.proposal_id == proposal.id))
    comments = db.session.scalar(select(func.count(Comment.id)).where(
        Comment.proposal_id == proposal.id, Comment.hidden_at.is_(None)))
    return proposal.support_count == supports and proposal.comment_count == comments


# ---------------------------------------------------------------- submitting


def test_a_published_proposal_is_a_contribution_with_a_submitted_event(roles, make_proposal):
    proposal = make_proposal(roles.habitant, roles.conseil, title="Des bancs au mail")
    assert proposal.state == ProposalState.published and proposal.published_at is not None
    contribution = proposal.contribution
    assert contribution.source_type == "proposal" and contribution.source_id == proposal.id
    assert contribution.title == "Des bancs au mail" and contribution.conseil_id == roles.conseil.id
    assert contribution.status == ContributionStatus.received
    assert [event.kind for event in contribution.events] == [EventKind.submitted]
    assert contribution.events[0].actor_id == roles.habitant.id


def test_pre_moderation_keeps_a_proposal_pending_until_approved(roles, make_proposal, set_rules, outbox):
    set_rules(roles.conseil, pre_moderation=True)
    proposal = make_proposal(roles.habitant, roles.conseil)
    assert proposal.state == ProposalState.pending and proposal.contribution is None
    assert not proposal.is_visible
    moderation.restore(roles.animator, "proposal", proposal, None)
    assert proposal.state == ProposalState.published and proposal.contribution is not None
    assert outbox(roles.habitant.email)[-1].subject.startswith("Publication de votre proposition")


def test_proposals_are_refused_outside_the_collecting_phase(roles, make_proposal, set_rules):
    for phase in (Phase.supporting, Phase.closed):
        set_rules(roles.conseil, phase=phase)
        with pytest.raises(services.ProposalsClosed):
            make_proposal(roles.habitant, roles.conseil)


def test_assisted_entry_needs_consent_and_shows_the_resident(roles):
    data = services.ProposalData(title="Des toilettes au marché", body="Le jeudi surtout.",
                                 theme=Theme.health, conseil_id=roles.conseil.id)
    with pytest.raises(services.ConsentRequired):
        services.submit_proposal(roles.animator, data, assisted=services.AssistedEntry("Mme K.", False))
    with pytest.raises(services.InvalidInput):
        services.submit_proposal(roles.animator, data, assisted=services.AssistedEntry("  ", True))
    proposal = services.submit_proposal(roles.animator, data, assisted=services.AssistedEntry("Mme K.", True))
    assert proposal.author_id is None and proposal.entered_by_id == roles.animator.id
    assert proposal.on_behalf_name == "Mme K." and proposal.consent_recorded and proposal.is_assisted
    assert "Mme K." in proposal.contribution.events[0].actor_label


def test_edit_only_in_the_window_and_before_the_first_support(roles, make_proposal, set_rules):
    set_rules(roles.conseil, edit_window_hours=2)
    proposal = make_proposal(roles.habitant, roles.conseil)
    data = services.ProposalData(title="Titre corrigé", body="Texte corrigé", theme=Theme.youth,
                                 conseil_id=roles.conseil.id)
    services.edit_proposal(proposal, data)
    assert proposal.title == "Titre corrigé" and proposal.contribution.title == "Titre corrigé"
    assert "texte corrige" in proposal.search_text
    proposal.created_at -= timedelta(hours=3)
    with pytest.raises(services.NotEditable):
        services.edit_proposal(proposal, data)
    proposal.created_at += timedelta(hours=3)
    services.support(proposal, roles.member)
    with pytest.raises(services.NotEditable):
        services.edit_proposal(proposal, data)


def test_withdrawing_keeps_it_visible_and_stops_supports(roles, make_proposal):
    proposal = make_proposal(roles.habitant, roles.conseil)
    services.withdraw_proposal(proposal, roles.habitant)
    assert proposal.state == ProposalState.withdrawn and proposal.is_visible
    assert proposal.contribution.events[-1].kind == EventKind.note
    with pytest.raises(services.SupportsClosed):
        services.support(proposal, roles.member)


# ---------------------------------------------------------------- supports


def test_one_support_per_person_and_the_counter_follows(roles, make_proposal):
    proposal = make_proposal(roles.habitant, roles.conseil)
    assert services.support(proposal, roles.member) == 1
    with pytest.raises(services.AlreadySupported):
        services.support(proposal, roles.member)
    assert services.support(proposal, roles.animator) == 2
    assert services.withdraw_support(proposal, roles.member) == 1
    with pytest.raises(services.NotSupported):
        services.withdraw_support(proposal, roles.member)
    assert stored_counts_match(proposal) and proposal.support_count == 1


def test_authors_do_not_support_their_own_proposal(roles, make_proposal):
    proposal = make_proposal(roles.habitant, roles.conseil)
    with pytest.raises(services.OwnProposal):
        services.support(proposal, roles.habitant)


def test_supports_follow_the_phase(roles, make_proposal, set_rules):
    proposal = make_proposal(roles.habitant, roles.conseil)
    set_rules(roles.conseil, phase=Phase.supporting)
    services.support(proposal, roles.member)
    set_rules(roles.conseil, phase=Phase.closed)
    db.session.expire(proposal)
    with pytest.raises(services.SupportsClosed):
        services.support(proposal, roles.animator)
    with pytest.raises(services.SupportsClosed):
        services.withdraw_support(proposal, roles.member)
    assert stored_counts_match(proposal)


def test_the_limit_of_supports_per_person_counts_within_the_conseil(roles, make_proposal, set_rules):
    set_rules(roles.conseil, max_supports_per_person=2)
    first, second, third = (make_proposal(roles.habitant, roles.conseil) for _ in range(3))
    elsewhere = make_proposal(roles.habitant, roles.other_conseil)
    services.support(first, roles.member)
    services.support(second, roles.member)
    services.support(elsewhere, roles.member)
    with pytest.raises(services.SupportLimitReached):
        services.support(third, roles.member)
    services.withdraw_support(first, roles.member)
    assert services.support(third, roles.member) == 1


def test_reaching_the_threshold_marks_it_once_and_tells_the_animators(roles, make_proposal, make_supports,
                                                                      set_rules, outbox):
    set_rules(roles.conseil, support_threshold=3)
    proposal = make_proposal(roles.habitant, roles.conseil)
    supporters = make_supports(proposal, 2)
    assert proposal.threshold_reached_at is None
    services.support(proposal, roles.member)
    assert proposal.threshold_reached_at is not None
    kinds = [event.kind for event in proposal.contribution.events]
    assert kinds.count(EventKind.threshold_reached) == 1
    mails = outbox(roles.animator.email)
    assert len(mails) == 1 and "À examiner" in mails[0].subject
    assert not outbox(roles.other_animator.email)
    services.withdraw_support(proposal, supporters[0])
    services.support(proposal, supporters[0])
    db.session.refresh(proposal.contribution)
    assert [event.kind for event in proposal.contribution.events].count(EventKind.threshold_reached) == 1
    assert len(outbox(roles.animator.email)) == 1


def test_assisted_supports_count_and_can_reach_the_threshold(roles, make_proposal, set_rules):
    set_rules(roles.conseil, support_threshold=1)
    proposal = make_proposal(roles.habitant, roles.conseil)
    assert services.assisted_support(proposal, roles.animator, services.AssistedEntry("M. D.", True)) == 1
    assert services.assisted_support(proposal, roles.animator, services.AssistedEntry("Mme D.", True)) == 2
    assert services.reader_facts(proposal, None).assisted_supports == 2
    assert proposal.threshold_reached_at is not None
    with pytest.raises(services.ConsentRequired):
        services.assisted_support(proposal, roles.animator, services.AssistedEntry("M. X", False))
    assert stored_counts_match(proposal)


# ---------------------------------------------------------------- comments


def test_comments_count_visible_ones_and_replies_stay_one_level_deep(roles, make_proposal, make_comment):
    proposal = make_proposal(roles.habitant, roles.conseil)
    top = make_comment(proposal, roles.member, "Bonne idée")
    reply = make_comment(proposal, roles.animator, "Merci", parent=top)
    nested = make_comment(proposal, roles.habitant, "Réponse à la réponse", parent=reply)
    assert reply.parent_id == top.id and nested.parent_id == top.id
    assert proposal.comment_count == 3
    assert services.hide_comment(reply) and not services.hide_comment(reply)
    assert proposal.comment_count == 2
    assert services.restore_comment(reply) and not services.restore_comment(reply)
    assert proposal.comment_count == 3 and stored_counts_match(proposal)
    with pytest.raises(services.InvalidInput):
        make_comment(proposal, roles.member, "   ")
    with pytest.raises(services.InvalidInput):
        make_comment(proposal, roles.member, "x" * (services.COMMENT_MAX + 1))


def test_comments_notify_the_author_and_the_replied_person_unless_they_opted_out(roles, make_proposal,
                                                                                 make_comment, outbox):
    proposal = make_proposal(roles.habitant, roles.conseil)
    top = make_comment(proposal, roles.member, "Je suis pour")
    assert outbox(roles.habitant.email)[-1].subject.startswith("Nouveau commentaire")
    make_comment(proposal, roles.animator, "Moi aussi", parent=top)
    assert outbox(roles.member.email)[-1].subject.startswith("Nouvelle réponse")
    assert len(outbox(roles.habitant.email)) == 2
    roles.habitant.notify_by_email = False
    make_comment(proposal, roles.project_lead, "Et moi")
    assert len(outbox(roles.habitant.email)) == 2
    make_comment(proposal, roles.habitant, "Merci à tous")
    assert len(outbox(roles.habitant.email)) == 2


def test_threads_page_top_level_comments_with_their_replies(roles, make_proposal, make_comment):
    proposal = make_proposal(roles.habitant, roles.conseil)
    tops = [make_comment(proposal, roles.member, f"Commentaire {n}") for n in range(5)]
    make_comment(proposal, roles.animator, "Réponse", parent=tops[4])
    page, threads = services.comment_threads(proposal, 2, per_page=2)
    assert page.total == 5 and [thread.comment.id for thread in threads] == [tops[2].id, tops[3].id]
    page, threads = services.comment_threads(proposal, 3, per_page=2)
    assert [len(thread.replies) for thread in threads] == [1]


def test_hidden_and_pending_proposals_cannot_be_commented(roles, make_proposal, make_comment, set_rules):
    set_rules(roles.conseil, pre_moderation=True)
    proposal = make_proposal(roles.habitant, roles.conseil)
    with pytest.raises(services.CommentsClosed):
        make_comment(proposal, roles.member)


# ---------------------------------------------------------------- status and answer


def test_status_changes_go_through_the_contract_and_reach_participants(roles, make_proposal, make_user, outbox):
    proposal = make_proposal(roles.habitant, roles.conseil)
    quiet = make_user(notify_by_email=False)
    services.support(proposal, roles.member)
    services.support(proposal, quiet)
    with pytest.raises(ReasonRequired):
        services.set_status(proposal, ContributionStatus.not_retained, roles.animator)
    services.set_status(proposal, ContributionStatus.not_retained, roles.animator, reason="Hors compétence")
    assert proposal.contribution.status == ContributionStatus.not_retained
    assert proposal.contribution.status_reason == "Hors compétence"
    recipients = {mail.recipient for mail in outbox() if mail.subject.startswith("Du nouveau")}
    assert recipients == {roles.habitant.email, roles.member.email}
    services.answer_proposal(proposal, "La Ville ne peut pas le faire.", roles.project_lead)
    assert proposal.contribution.answer_html.startswith("<p>")
    assert follow_up_url(proposal.contribution).endswith(f"/suivi/{proposal.contribution.id}")


def test_merging_needs_another_published_proposal(roles, make_proposal):
    first, second = make_proposal(roles.habitant, roles.conseil), make_proposal(roles.member, roles.conseil)
    services.set_status(second, ContributionStatus.merged, roles.animator, merged_into=first)
    assert second.contribution.merged_into_id == first.contribution.id


# ---------------------------------------------------------------- moderation hooks


def test_hiding_a_proposal_masks_its_title_in_the_contract_and_restoring_brings_it_back(roles, make_proposal):
    proposal = make_proposal(roles.habitant, roles.conseil, title="Un titre insultant")
    assert services.hide_proposal(proposal) and not services.hide_proposal(proposal)
    assert proposal.state == ProposalState.hidden and proposal.contribution.title == services.HIDDEN_TITLE
    assert services.publish(proposal)
    assert proposal.state == ProposalState.published and proposal.contribution.title == "Un titre insultant"


def test_participants_are_the_author_and_supporters_who_keep_notifications(roles, make_proposal, make_user):
    proposal = make_proposal(roles.habitant, roles.conseil)
    quiet = make_user(notify_by_email=False)
    services.support(proposal, roles.member)
    services.support(proposal, quiet)
    emails = {recipient.email for recipient in services.participants(proposal.contribution)}
    assert emails == {roles.habitant.email, roles.member.email}


# ---------------------------------------------------------------- photos


def test_photos_are_re_encoded_without_exif_or_gps(app):
    original = jpeg_with_gps()
    with Image.open(io.BytesIO(original)) as image:
        assert image.getexif().get_ifd(0x8825), "the test photo must carry a GPS position"
    name = services.store_image(original)
    stored = services.image_path(name).read_bytes()
    with Image.open(io.BytesIO(stored)) as image:
        assert image.format == "JPEG"
        assert not image.getexif() and not image.getexif().get_ifd(0x8825)
        assert "exif" not in image.info and image.size == (64, 48)
    assert b"PhoneMaker" not in stored and b"GPS" not in stored


def test_photos_keep_their_orientation_lose_transparency_and_are_scaled_down(app):
    name = services.store_image(png_bytes((3000, 1000)))
    with Image.open(services.image_path(name)) as image:
        assert image.mode == "RGB" and image.size == (1600, 533)


@pytest.mark.parametrize("data", [
    b"%PDF-1.4 not an image",
    b"<svg xmlns='http://www.w3.org/2000/svg' onload='alert(1)'/>",
    b"GIF89a" + b"\x00" * 20,
    b"",
])
def test_what_is_not_a_photo_is_refused_from_its_content(app, data):
    with pytest.raises(services.InvalidImage):
        services.store_image(data)


def test_photos_over_the_limit_or_with_too_many_pixels_are_refused(app):
    app.config["PROPOSAL_IMAGE_MAX_BYTES"] = 1000
    with pytest.raises(services.InvalidImage):
        services.store_image(jpeg_with_gps((400, 400)))
    app.config["PROPOSAL_IMAGE_MAX_BYTES"] = None
    huge = io.BytesIO()
    Image.new("1", (8000, 6000)).save(huge, "PNG")
    with pytest.raises(services.InvalidImage):
        services.store_image(huge.getvalue())


def test_orphan_photos_of_abandoned_previews_are_purged(roles, make_proposal):
    kept = services.store_image(jpeg_with_gps())
    abandoned = services.store_image(jpeg_with_gps())
    make_proposal(roles.habitant, roles.conseil, image_name=kept)
    assert services.purge_orphan_images(older_than=timedelta(0)) >= 1
    assert services.image_path(kept).exists() and not services.image_path(abandoned).exists()


def test_photo_names_cannot_reach_outside_the_upload_folder(app):
    for name in ("../secret.jpg", "a/b.jpg", "x" * 24 + ".png", ""):
        assert services.image_path(name) is None


# ---------------------------------------------------------------- lists and search


def test_the_random_order_is_stable_per_seed_and_pages_cover_every_proposal(roles, make_proposal):
    ids = {make_proposal(roles.habitant, roles.conseil).id for _ in range(25)}
    filters = services.Filters()

    def order(seed):
        seen = []
        for number in (1, 2, 3):
            seen += [p.id for p in services.list_proposals(filters, seed, number, per_page=10).items]
        return seen

    first = order(12345)
    assert sorted(first) == sorted(ids) and len(set(first)) == 25
    assert order(12345) == first
    assert order(987654321) != first
    for seed in (1, 2, 12345, services.new_seed()):
        shuffled = order(seed)
        assert shuffled != sorted(shuffled) and shuffled != sorted(shuffled, reverse=True)


def test_the_shuffle_modulus_is_a_prime_above_every_id_that_lasts_until_the_ids_double():
    for largest in (0, 5, 1023, 1024, 9_999, 70_000):
        modulus = services.shuffle_modulus(largest)
        assert largest < modulus <= 2 * max(largest, 1024) + 100
        assert all(modulus % divisor for divisor in range(2, math.isqrt(modulus) + 1))
    assert services.shuffle_modulus(0) == services.shuffle_modulus(1023) == 1031
    assert services.shuffle_modulus(1024) == services.shuffle_modulus(2047) < services.shuffle_modulus(2048)


@pytest.mark.parametrize("seed", [1, 2, 16, 12345, 2**31 - 2])
def test_a_shuffle_reads_pages_in_the_order_of_its_positions(seed):
    """Reading the ids from the positions (the whole list) gives the order the database sorts by (a filtered
    list): the same visitor sees a filtered list in the order of the whole one."""
    modulus = services.shuffle_modulus(3000)
    shuffle = services.Shuffle.from_seed(seed, modulus)
    step = pow(shuffle.a, -1, modulus)
    assert modulus // 16 <= min(shuffle.a, step) and max(shuffle.a, step) < modulus - modulus // 16
    ids = set(random.Random(seed).sample(range(1, 3001), 500))
    ordered = sorted(ids, key=lambda proposal_id: (proposal_id * shuffle.a + shuffle.b) % modulus)
    assert len({(proposal_id * shuffle.a + shuffle.b) % modulus for proposal_id in range(modulus)}) == modulus
    for skip, count in ((0, 20), (20, 20), (480, 20), (490, 20), (500, 20)):
        assert shuffle.page(ids, skip, count) == ordered[skip:skip + count]
    assert services.Shuffle.from_seed(seed, modulus) == shuffle


def test_a_filtered_list_keeps_the_visitor_s_random_order(roles, make_proposal):
    ids = [make_proposal(roles.habitant, roles.conseil if n % 3 else roles.other_conseil).id for n in range(30)]
    for seed in (7, 4242):
        whole = [p.id for p in services.list_proposals(services.Filters(), seed, 1, per_page=30).items]
        in_conseil = services.list_proposals(services.Filters(conseil_id=roles.conseil.id), seed, 1, per_page=30)
        assert sorted(whole) == sorted(ids)
        assert [p.id for p in in_conseil.items] == [i for i in whole if i in {p.id for p in in_conseil.items}]
        assert in_conseil.total == 20


def test_what_a_proposal_page_says_of_its_reader_is_read_in_one_statement(roles, make_proposal, make_comment):
    proposal = make_proposal(roles.habitant, roles.conseil)
    assert services.reader_facts(proposal, roles.visitor) == services.ReaderFacts(False, False, 0)
    services.support(proposal, roles.member)
    services.assisted_support(proposal, roles.animator, services.AssistedEntry("Mme K.", True))
    make_comment(proposal, roles.animator, "Merci")
    db.session.commit()  # the mails of the comment are written before counting
    readers = {role: getattr(roles, role) for role in ("visitor", "member", "animator")}
    assert proposal.support_count == 2 and roles.member.id and roles.animator.id  # loaded before counting
    with count_statements() as counter:
        facts = {role: services.reader_facts(proposal, reader) for role, reader in readers.items()}
    assert counter.count == 3, counter.statements
    assert facts == {"visitor": services.ReaderFacts(False, False, 1), "member": services.ReaderFacts(True, False, 1),
                     "animator": services.ReaderFacts(False, True, 1)}


def test_sorts_filters_and_accent_insensitive_search(roles, make_proposal, make_comment):
    lamp = make_proposal(roles.habitant, roles.conseil, title="Éclairage du passage Camus",
                         theme=Theme.safety)
    bench = make_proposal(roles.habitant, roles.conseil, title="Des bancs", body="Pour les anciens")
    elsewhere = make_proposal(roles.habitant, roles.other_conseil, title="Un jardin partagé", theme=Theme.nature)
    services.support(bench, roles.member)
    make_comment(elsewhere, roles.member)
    make_comment(elsewhere, roles.animator)

    def ids(**kwargs):
        return [p.id for p in services.list_proposals(services.Filters(**kwargs), 1, 1).items]

    assert ids(sort="supports")[0] == bench.id
    assert ids(sort="comments")[0] == elsewhere.id
    assert ids(sort="recent")[0] == elsewhere.id
    assert ids(q="eclairage CAMUS") == [lamp.id]
    assert ids(q="anciens") == [bench.id]
    assert ids(q="100%_") == []
    assert set(ids(conseil_id=roles.conseil.id)) == {lamp.id, bench.id}
    assert ids(theme=Theme.nature) == [elsewhere.id]
    services.set_status(lamp, ContributionStatus.retained, roles.animator)
    assert ids(status="retained") == [lamp.id]


def test_hidden_pending_and_withdrawn_proposals_are_not_listed(roles, make_proposal, set_rules):
    shown = make_proposal(roles.habitant, roles.conseil)
    services.hide_proposal(make_proposal(roles.habitant, roles.conseil))
    services.withdraw_proposal(make_proposal(roles.habitant, roles.conseil), roles.habitant)
    set_rules(roles.conseil, pre_moderation=True)
    make_proposal(roles.habitant, roles.conseil)
    assert [p.id for p in services.list_proposals(services.Filters(), 1, 1).items] == [shown.id]
    # The whole list is counted from the published ids (services.published_proposals): each order, same total.
    for sort in services.SORTS:
        for number in (1, 7):
            page = services.list_proposals(services.Filters(sort=sort), 1, number)
            assert ([p.id for p in page.items], page.total, page.number) == ([shown.id], 1, 1)
        assert services.list_proposals(services.Filters(sort=sort, conseil_id=roles.conseil.id), 1, 1).total == 1


def test_a_page_past_the_last_shows_the_last_and_the_supporter_s_supports(roles, make_proposal):
    proposals = [make_proposal(roles.habitant, roles.conseil) for _ in range(5)]
    services.support(proposals[0], roles.member)
    for sort in services.SORTS:
        page = services.list_proposals(services.Filters(sort=sort), 3, 10**12, per_page=2, supporter=roles.member)
        assert (page.number, page.total, len(page.items)) == (3, 5, 1)
        everything = services.list_proposals(services.Filters(sort=sort), 3, 1, per_page=5, supporter=roles.member)
        assert everything.supported == {proposals[0].id}


def test_proposals_to_examine_are_those_past_the_threshold_and_not_yet_decided(roles, make_proposal, set_rules):
    set_rules(roles.conseil, support_threshold=1)
    examined, waiting = make_proposal(roles.habitant, roles.conseil), make_proposal(roles.habitant, roles.conseil)
    make_proposal(roles.habitant, roles.conseil)
    services.support(examined, roles.member)
    services.support(waiting, roles.member)
    services.set_status(examined, ContributionStatus.retained, roles.animator)
    found = services.list_proposals(services.Filters(status=services.TO_EXAMINE), 1, 1).items
    assert [p.id for p in found] == [waiting.id]


def test_similar_proposals_share_words_in_the_same_conseil(roles, make_proposal):
    benches = make_proposal(roles.habitant, roles.conseil, title="Des bancs le long du mail des Tilleuls")
    make_proposal(roles.habitant, roles.conseil, title="Aide aux devoirs le samedi")
    make_proposal(roles.habitant, roles.other_conseil, title="Des bancs à la gare")
    hidden = make_proposal(roles.habitant, roles.conseil, title="Bancs du mail, encore")
    services.hide_proposal(hidden)
    found = services.similar_proposals(roles.conseil.id, "Installer des BANCS sur le Mail", "")
    assert [p.id for p in found] == [benches.id]
    assert services.similar_proposals(roles.conseil.id, "Le la les", "") == []


def test_keywords_drop_short_and_common_words():
    assert services.keywords("Des bancs pour les anciens du quartier, avec des arbres") == \
        ["banc", "ancien", "arbre"]


def test_supports_and_comments_count_as_participation_in_the_dashboard(roles, make_proposal, make_comment):
    from participation.proposals import _comments_activity, _supports_activity
    from participation.registry import get_registry

    assert {_supports_activity, _comments_activity} <= set(get_registry().participation_activity)
    proposal = make_proposal(roles.habitant, roles.conseil)
    services.support(proposal, roles.member)
    services.assisted_support(proposal, roles.animator, services.AssistedEntry("Mme K.", True))
    make_comment(proposal, roles.animator)
    supports = db.session.execute(_supports_activity()).all()
    comments = db.session.execute(_comments_activity()).all()
    assert [(row.user_id, row.conseil_id) for row in supports] == [(roles.member.id, roles.conseil.id)]
    assert [(row.user_id, row.conseil_id) for row in comments] == [(roles.animator.id, roles.conseil.id)]


def test_a_card_names_the_quartier_or_the_conseil_even_when_the_filters_no_longer_offer_it(roles, make_proposal):
    in_quartier = make_proposal(roles.habitant, roles.conseil)
    assert in_quartier.qpv_id is not None
    options = services.filter_options()
    assert options.place_name(in_quartier) == in_quartier.qpv.name
    in_quartier.qpv_id = None
    db.session.flush()
    db.session.expire(in_quartier, ["qpv"])
    assert options.place_name(in_quartier) == roles.conseil.name
    roles.conseil.archived_at = utcnow()
    db.session.flush()
    archived = services.filter_options()
    assert roles.conseil.slug not in archived.conseils
    assert archived.place_name(in_quartier) == roles.conseil.name


def test_a_proposal_awaits_examination_from_its_threshold_until_the_conseil_decides():
    reached = utcnow()
    assert services.awaits_examination(reached, ContributionStatus.received)
    assert services.awaits_examination(reached, ContributionStatus.under_study)
    assert not services.awaits_examination(None, ContributionStatus.received)  # threshold not reached
    for decided in set(ContributionStatus) - {ContributionStatus.received, ContributionStatus.under_study}:
        assert not services.awaits_examination(reached, decided)
    assert not services.awaits_examination(reached, None)  # not published yet: no contribution
