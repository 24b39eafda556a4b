"""The options of the filters of /propositions are kept until the territory or the contract changes."""

from __future__ import annotations

import html
import re

from sqlalchemy import func, update

from participation.contract import structure
from participation.contract.models import ContributionStatus
from participation.extensions import db
from participation.proposals import page_cache, services, views
from participation.sqlcount import count_statements
from participation.territory.models import Conseil
from tests import factories


def _list(client, query: str = "") -> str:
    db.session.commit()
    response = client.get(f"/propositions{query}")
    assert response.status_code == 200
    return html.unescape(response.text)


def test_the_options_are_read_once_then_kept(client, roles):
    with count_statements() as cold:
        _list(client)
    with count_statements() as first:
        _list(client, "?sort=recent")
    with count_statements() as again:
        _list(client, "?sort=recent")
    assert again.count == first.count
    assert first.count < cold.count  # the options were read by the first view only
    with count_statements() as counter:
        page_cache.filters(page_cache.list_versions().filters)
    assert counter.count == 1  # the versions only


def test_a_new_conseil_quartier_or_objective_is_offered_at_once(client, roles, make_proposal):
    make_proposal(roles.habitant, roles.conseil)
    contract = factories.make_contract()
    page = _list(client)
    assert "Conseil citoyen des Tilleuls" not in page and "Éclairer les cheminements" in page

    quartier = factories.make_qpv(code="QN0000999", name="Les Tilleuls")
    factories.make_conseil("Conseil citoyen des Tilleuls", qpvs=[quartier])
    structure.update_node(factories.node(contract, "1.1.1"), structure.NodeData(title="Éclairer les passages"))
    page = _list(client)
    assert "Conseil citoyen des Tilleuls" in page and "Les Tilleuls" in page
    assert "Éclairer les passages" in page and "Éclairer les cheminements" not in page


def test_an_archived_conseil_is_no_longer_offered(client, roles, make_proposal):
    make_proposal(roles.habitant, roles.conseil)
    other = db.session.get(Conseil, roles.other_conseil.id)
    assert other.name in _list(client)
    db.session.execute(update(Conseil).where(Conseil.id == other.id).values(archived_at=func.now()))
    assert other.name not in _list(client)  # a statement run through the session counts too


def test_a_support_does_not_touch_the_options(client, roles, make_proposal):
    proposal = make_proposal(roles.habitant, roles.conseil)
    _list(client)
    before = page_cache.list_versions()
    services.support(proposal, roles.member)
    db.session.commit()
    assert page_cache.list_versions() == before  # options, published ids and cards all still kept
    with count_statements() as counter:
        page_cache.filters(before.filters)
    assert counter.count == 0


def _without_tokens(page: str) -> str:
    return re.sub(r'name="csrf_token"( type="hidden")? value="[^"]+"', 'name="csrf_token"', page)


def test_the_selects_are_kept_per_language_and_choice_made(client, roles, make_proposal, monkeypatch):
    make_proposal(roles.habitant, roles.conseil)
    conseil = db.session.get(Conseil, roles.conseil.id)
    french = _list(client)
    assert 'value="supports" selected' not in french and "Les plus soutenues d'abord" in french
    chosen = _list(client, f"?sort=supports&conseil={conseil.slug}")
    assert 'value="supports" selected' in chosen and f'value="{conseil.slug}" selected' in chosen
    assert 'value="supports" selected' not in _list(client)  # the first choice is still kept as it was
    english = html.unescape(client.get("/propositions?sort=supports", headers={"Accept-Language": "en"}).text)
    assert "Most supported first" in english and 'value="supports" selected' in english
    rendered = []
    original = views._filter_choices
    monkeypatch.setattr(views, "_filter_choices", lambda options: rendered.append(1) or original(options))
    # The same page but for the forms' token, signed with the second it was made in.
    assert _without_tokens(_list(client, f"?sort=supports&conseil={conseil.slug}")) == _without_tokens(chosen)
    assert rendered == []  # kept
    _list(client, f"?sort=comments&conseil={conseil.slug}")
    assert rendered == [1]  # another choice: rendered once


# ------------------------------------------------------------------------------------------ public comments


def _page(client, proposal, query: str = "", language: str = "fr") -> str:
    db.session.commit()
    response = client.get(f"/propositions/{proposal.id}{query}", headers={"Accept-Language": language})
    assert response.status_code == 200
    return html.unescape(response.text)


def test_the_comments_shown_to_the_public_are_kept_and_signed_in_readers_get_their_own(
        client, signed_in, roles, make_proposal, make_comment):
    proposal = make_proposal(roles.habitant, roles.conseil)
    for n in range(3):
        make_comment(proposal, text=f"Avis numéro {n}")
    with count_statements() as first:
        assert "Avis numéro 2" in _page(client, proposal)
    with count_statements() as again:
        page = _page(client, proposal)
    assert again.count < first.count and "Avis numéro 0" in page
    assert "Signaler" not in page and "repondre=" not in page  # nothing a visitor cannot use
    reader = signed_in(roles.member)
    mine = _page(reader, proposal)
    assert "Avis numéro 0" in mine and "Signaler" in mine and "repondre=" in mine
    assert "Signaler" not in _page(client, proposal)  # the public page kept as it was


def test_new_hidden_and_restored_comments_show_to_the_public_at_once(client, roles, make_proposal, make_comment):
    from participation.moderation import services as moderation

    proposal = make_proposal(roles.habitant, roles.conseil)
    first = make_comment(proposal, roles.member, "Premier avis")
    assert "Premier avis" in _page(client, proposal)
    reply = make_comment(proposal, roles.habitant, "Une réponse", parent=first)
    assert "Une réponse" in _page(client, proposal)
    moderation.hide(roles.animator, "proposal_comment", reply, "Propos injurieux")
    page = _page(client, proposal)
    assert "Une réponse" not in page and "Ce commentaire a été masqué" in page
    moderation.restore(roles.animator, "proposal_comment", db.session.get(type(reply), reply.id), "Erreur")
    assert "Une réponse" in _page(client, proposal)


def test_an_authors_new_name_or_deleted_account_shows_at_once(client, roles, make_proposal, make_comment, make_user):
    from participation.accounts.services import delete_account

    proposal = make_proposal(roles.habitant, roles.conseil)
    author = make_user(display_name="Awa D.")
    make_comment(proposal, author, "Un avis signé")
    assert "Awa D." in _page(client, proposal)
    author.display_name = "Awa Diallo"
    assert "Awa Diallo" in _page(client, proposal) and "Awa D.<" not in _page(client, proposal)
    delete_account(author)
    page = _page(client, proposal)
    assert "Awa Diallo" not in page and "ancien participant" in page


def test_the_public_comments_are_kept_per_language_and_page(client, roles, make_proposal, make_comment):
    proposal = make_proposal(roles.habitant, roles.conseil)
    author = roles.member
    comments = [make_comment(proposal, author, f"Fil {n:02d}") for n in range(51)]  # 50 threads a page
    services.hide_comment(comments[1])  # its notice is in the reader's language, inside the kept HTML
    first = _page(client, proposal)
    second = _page(client, proposal, "?page=2")
    assert "Fil 00" in first and "Fil 50" not in first
    assert "Fil 50" in second and "Fil 00" not in second and "Page 2 sur 2" in second
    english = _page(client, proposal, language="en")
    assert "Fil 00" in english and "Page 1 of 2" in english
    assert "This comment was hidden" in english and "Ce commentaire a été masqué" not in english
    assert "Page 1 sur 2" in _page(client, proposal) and "Ce commentaire a été masqué" in first


def _reply_tokens(page: str) -> set[str]:
    return set(re.findall(r'name="csrf_token" value="([^"]+)">\s*<input type="hidden" name="parent_id"', page))


def test_signed_in_readers_who_wrote_nothing_share_a_kept_copy_with_their_own_token(
        signed_in, roles, make_proposal, make_comment, make_user):
    proposal = make_proposal(roles.habitant, roles.conseil)
    first = make_comment(proposal, roles.member, "Premier avis")
    second = make_comment(proposal, roles.animator, "Un autre")
    readers = [signed_in(make_user(name=f"Lectrice {n}")) for n in range(2)]
    with count_statements() as building:
        pages = [_page(readers[0], proposal)]
    with count_statements() as kept:
        pages.append(_page(readers[1], proposal))
    assert kept.count < building.count
    for page in pages:
        assert page.count(f"/propositions/commentaires/{first.id}/signaler") == 1
        assert page.count(f"/propositions/commentaires/{second.id}/signaler") == 1
        # A link to reply under each thread, and the one reply form (for proposals.js) with the reader's token.
        assert page.count(f"?repondre={first.id}#repondre-{first.id}") == 1 and page.count("data-reply-to=") == 2
        assert page.count('name="parent_id"') == 1 and len(_reply_tokens(page)) == 1
        assert "Modérer" not in page
    assert _reply_tokens(pages[0]) != _reply_tokens(pages[1])  # each reader's own token
    unverified = _page(signed_in(roles.unverified), proposal)  # may not reply: the copy without links to reply
    assert "repondre=" not in unverified and 'name="parent_id"' not in unverified
    assert f"/propositions/commentaires/{first.id}/signaler" in unverified


def test_authors_and_moderators_get_the_comments_built_for_them(signed_in, roles, make_proposal, make_comment,
                                                                 make_user):
    from participation.moderation import services as moderation

    proposal = make_proposal(roles.habitant, roles.conseil)
    author = make_user(name="Autrice")
    own = make_comment(proposal, author, "Mon avis")
    theirs = make_comment(proposal, roles.member, "Un avis")
    reader, writer = signed_in(make_user(name="Lecteur")), signed_in(author)
    assert f"/propositions/commentaires/{own.id}/signaler" in _page(reader, proposal)  # the kept copy
    assert f"/propositions/commentaires/{own.id}/signaler" not in _page(writer, proposal)  # not their own
    moderation.hide(roles.animator, "proposal_comment", own, "Hors sujet")
    mine = _page(writer, proposal)
    assert "Mon avis" in mine and "Masqué par l'équipe du conseil citoyen." in mine and "Hors sujet" in mine
    other = _page(reader, proposal)
    assert "Mon avis" not in other and "Ce commentaire a été masqué" in other
    moderate = f"/animation/moderation/proposal_comment/{theirs.id}"
    assert moderate in _page(signed_in(roles.animator), proposal) and moderate not in _page(reader, proposal)


def test_the_published_ids_are_kept_through_supports_and_change_with_a_state(client, roles, make_proposal,
                                                                             set_rules):
    shown = make_proposal(roles.habitant, roles.conseil, title="Des bancs au square")
    page = _list(client)
    assert "Des bancs au square" in page and "1 proposition" in page
    version = page_cache.page_cache.current_version(page_cache.PUBLISHED_FAMILY)
    services.support(shown, roles.member)
    services.add_comment(shown, roles.member, "Bonne idée")
    db.session.commit()
    assert page_cache.page_cache.current_version(page_cache.PUBLISHED_FAMILY) == version

    set_rules(roles.conseil, pre_moderation=True)
    waiting = make_proposal(roles.habitant, roles.conseil, title="Un composteur")
    assert "Un composteur" not in _list(client)
    services.publish(waiting, roles.animator)
    assert "Un composteur" in _list(client)
    services.hide_proposal(shown)
    page = _list(client)
    assert "Des bancs au square" not in page and "Un composteur" in page
    services.withdraw_proposal(waiting, roles.habitant)
    assert "Un composteur" not in _list(client)


def test_a_card_still_names_the_place_of_a_conseil_no_longer_offered(client, roles, make_proposal):
    """The cards name their quartier or conseil from the filters' options, and read it when it is not offered."""
    quartier = factories.make_qpv(code="QN0000998", name="Les Glycines")
    conseil = factories.make_conseil("Conseil citoyen des Glycines", qpvs=[quartier])
    make_proposal(roles.habitant, conseil, title="Un banc aux Glycines")
    without_quartier = factories.make_conseil("Conseil citoyen du Centre", qpvs=[])
    make_proposal(roles.habitant, without_quartier, title="Un marché le soir")
    db.session.execute(update(Conseil).where(Conseil.id.in_([conseil.id, without_quartier.id]))
                       .values(archived_at=func.now()))
    page = _list(client)
    assert "Un banc aux Glycines" in page and "Un marché le soir" in page
    assert '<option value="QN0000998"' not in page  # no longer offered to filter by
    assert "<li>Les Glycines</li>" in page and "<li>Conseil citoyen du Centre</li>" in page


# ------------------------------------------------------------------------------------------ cards of the list


def _counting_cards(monkeypatch) -> list[int]:
    """The ids of the cards whose summary is rendered (not taken from what is kept)."""
    built: list[int] = []
    original = page_cache.card

    def card(version, proposal_id, language, build):
        return original(version, proposal_id, language, lambda: built.append(proposal_id) or build())

    monkeypatch.setattr(page_cache, "card", card)
    return built


def test_a_cards_summary_is_kept_for_every_reader_and_its_counts_are_not(client, signed_in, roles, make_proposal,
                                                                         make_comment, monkeypatch):
    proposal = make_proposal(roles.habitant, roles.conseil, title="Des bancs au square")
    built = _counting_cards(monkeypatch)
    page = _list(client)
    assert "Des bancs au square" in page and "Proposée par Habitante" in page and "0 soutien" in page
    assert "Se connecter pour la soutenir" in page
    services.support(proposal, roles.member)
    make_comment(proposal, roles.member, "Bonne idée")
    page = _list(client)
    assert "1 soutien" in page and "1 commentaire" in page  # the counts are the list's own
    member = _list(signed_in(roles.member), "?sort=recent")
    assert "Retirer mon soutien" in member and "Des bancs au square" in member  # the reader's own button
    assert built == [proposal.id]  # rendered once for the three views


def test_a_change_of_what_a_card_shows_shows_at_once(client, roles, make_proposal, set_rules):
    from participation.territory.models import QPV

    set_rules(roles.conseil, support_threshold=1)
    proposal = make_proposal(roles.habitant, roles.conseil, title="Des bancs au marché")
    assert "Des bancs au marché" in _list(client)
    services.edit_proposal(proposal, services.ProposalData(
        title="Des bancs place du marché", body="Trois bancs.", theme=proposal.theme,
        conseil_id=proposal.conseil_id, qpv_id=proposal.qpv_id, place=""))
    page = _list(client)
    assert "Des bancs place du marché" in page and "Des bancs au marché" not in page
    assert "status-to-examine" not in _list(client)
    services.support(proposal, roles.member)  # the threshold: its badge
    assert '<span class="status status-to-examine">À examiner par le conseil</span>' in _list(client)
    services.set_status(proposal, ContributionStatus.retained, roles.animator)
    assert '<span class="status status-retained">Retenue</span>' in _list(client)
    roles.habitant.display_name = "Nadia B."
    assert "Proposée par Nadia B." in _list(client)
    db.session.get(QPV, proposal.qpv_id).name = "Les Peupliers-Nord"
    assert "<li>Les Peupliers-Nord</li>" in _list(client)
    centre = factories.make_conseil("Conseil citoyen du Centre", qpvs=[])  # a card without quartier
    make_proposal(roles.habitant, centre, title="Un marché le soir")
    assert "<li>Conseil citoyen du Centre</li>" in _list(client)
    db.session.get(Conseil, centre.id).name = "Conseil citoyen du Centre-Ville"
    assert "<li>Conseil citoyen du Centre-Ville</li>" in _list(client)


def test_a_cards_summary_is_kept_per_language(client, roles, make_proposal, monkeypatch):
    proposal = make_proposal(roles.habitant, roles.conseil)
    built = _counting_cards(monkeypatch)
    assert "Proposée par Habitante" in _list(client)
    english = html.unescape(client.get("/propositions", headers={"Accept-Language": "en"}).text)
    assert "Proposed by Habitante" in english and "Proposée par" not in english
    assert "Proposée par Habitante" in _list(client)
    assert built == [proposal.id, proposal.id]


def test_a_view_of_the_list_reads_what_it_keeps_in_one_statement(client, signed_in, roles, make_proposal):
    for n in range(3):
        make_proposal(roles.habitant, roles.conseil, title=f"Idée {n}")
    _list(client)
    with count_statements() as counter:
        _list(client)
    # The versions of the filters, the published ids and the cards; then the page's cards.
    assert counter.count == 2, counter.statements
    assert "page_version" in counter.statements[0]


# ------------------------------------------------------------------------------------------ article and follow-up


def _counting_articles(monkeypatch) -> list[int]:
    built: list[int] = []
    original = views._kept_article
    monkeypatch.setattr(views, "_kept_article", lambda proposal: built.append(proposal.id) or original(proposal))
    return built


def test_the_article_and_its_follow_up_are_kept_for_every_reader(client, signed_in, roles, make_proposal,
                                                                 monkeypatch):
    proposal = make_proposal(roles.habitant, roles.conseil, title="Des bancs au marché", place="Square Jean-Moulin")
    services.set_status(proposal, ContributionStatus.under_study, roles.animator)
    built = _counting_articles(monkeypatch)
    visitor = _page(client, proposal)
    with count_statements() as kept:
        member = _page(signed_in(roles.member), proposal)
    author = _page(signed_in(roles.habitant), proposal)
    assert built == [proposal.id]  # rendered once, for the three readers
    for page in (visitor, member, author):
        assert "<h1 id=\"proposal-title\">Des bancs au marché</h1>" in page and "Cadre de vie" in page
        assert "Proposée par Habitante" in page and "</strong> Square Jean-Moulin" in page
        assert "À l'étude" in page and "Ce qu'elle est devenue" in page
    assert not any("contribution_event" in statement for statement in kept.statements)  # not read again
    # What is the reader's own is not kept: the support button, the links to edit or withdraw.
    assert "Soutenir" in member and "Retirer ma proposition" not in member
    assert "Retirer ma proposition" in author and "Soutenir</span>" not in author
    assert "Se connecter pour la soutenir" in visitor and "Retirer ma proposition" not in visitor


def test_a_change_of_what_the_article_shows_shows_at_once(client, roles, make_proposal):
    from participation.territory.models import QPV

    proposal = make_proposal(roles.habitant, roles.conseil, title="Des bancs au marché")
    assert "Des bancs au marché" in _page(client, proposal)
    services.edit_proposal(proposal, services.ProposalData(
        title="Des bancs place du marché", body="Trois bancs à l'ombre.", theme=proposal.theme,
        conseil_id=proposal.conseil_id, qpv_id=proposal.qpv_id, place="Place du marché"))
    page = _page(client, proposal)
    assert "Des bancs place du marché" in page and "Trois bancs à l'ombre." in page
    assert "Des bancs au marché" not in page
    services.set_status(proposal, ContributionStatus.retained, roles.animator)
    assert "Retenue" in _page(client, proposal)
    services.answer_proposal(proposal, "La ville installera trois bancs au printemps.", roles.project_lead)
    page = _page(client, proposal)
    assert "Réponse officielle" in page and "La ville installera trois bancs au printemps." in page
    roles.habitant.display_name = "Nadia B."
    assert "Proposée par Nadia B." in _page(client, proposal)
    db.session.get(Conseil, roles.conseil.id).name = "Conseil citoyen des Peupliers-Nord"
    db.session.get(QPV, proposal.qpv_id).name = "Les Peupliers-Nord"
    page = _page(client, proposal)
    assert "Conseil citoyen des Peupliers-Nord – Les Peupliers-Nord" in page


def test_a_support_leaves_the_kept_article_until_the_threshold(client, roles, make_proposal, set_rules,
                                                               monkeypatch):
    set_rules(roles.conseil, support_threshold=2)
    proposal = make_proposal(roles.habitant, roles.conseil)
    built = _counting_articles(monkeypatch)
    _page(client, proposal)
    services.support(proposal, roles.member)
    page = _page(client, proposal)
    assert "1 soutien" in page and "À examiner par le conseil" not in page  # the count is the page's own
    assert built == [proposal.id]
    services.support(proposal, roles.animator)  # the threshold: the article's badge changes
    page = _page(client, proposal)
    assert "2 soutiens" in page and "À examiner par le conseil" in page
    assert built == [proposal.id, proposal.id]


def test_a_hidden_or_withdrawn_proposal_shows_it_at_once(signed_in, roles, make_proposal):
    from participation.moderation import services as moderation

    proposal = make_proposal(roles.habitant, roles.conseil)
    author = signed_in(roles.habitant)
    assert "Masquée par la modération" not in _page(author, proposal)
    moderation.hide(roles.animator, "proposal", proposal, "Propos injurieux")
    assert "Masquée par la modération" in _page(author, proposal)
    moderation.restore(roles.animator, "proposal", db.session.get(type(proposal), proposal.id), "Erreur")
    assert "Masquée par la modération" not in _page(author, proposal)
    services.withdraw_proposal(db.session.get(type(proposal), proposal.id), roles.habitant)
    assert "Retirée par son auteur" in _page(author, proposal)


def test_the_article_is_kept_per_language(client, roles, make_proposal):
    proposal = make_proposal(roles.habitant, roles.conseil)
    services.set_status(proposal, ContributionStatus.under_study, roles.animator)
    assert "Cadre de vie" in _page(client, proposal) and "À l'étude" in _page(client, proposal)
    english = _page(client, proposal, language="en")
    assert "Living environment" in english and "Under study" in english and "Proposed by Habitante" in english
    assert "Cadre de vie" not in english


def test_the_article_is_rendered_from_what_the_database_holds_now(app, roles, make_proposal):
    """The page reads its proposal before the kept parts' version: when they are rendered again, the proposal is
    read again, so that they are never older than the version they are kept for."""
    proposal = make_proposal(roles.habitant, roles.conseil, title="Avant")
    db.session.commit()
    loaded = services.load_proposal(proposal.id)
    db.session.execute(update(type(proposal)).where(type(proposal).id == proposal.id).values(title="Après"),
                       execution_options={"synchronize_session": False})
    assert loaded.title == "Avant"
    with count_statements() as counter:
        services.load_shown_parts(loaded)
        assert loaded.title == "Après"
        # Read with it, not once more: what the page and its kept parts read.
        assert services.rules(loaded).support_threshold and loaded.author.display_name and loaded.conseil.name
        assert loaded.qpv.name and loaded.contribution.merged_into is None
        assert [event.actor for event in loaded.contribution.events]
    assert counter.count == 1
