from __future__ import annotations

from participation.accounts.models import Gender
from participation.territory.models import College


def test_conseil_list_and_page_show_qpv_and_listed_members_only(client, make_conseil, make_member, make_user, make_qpv):
    conseil = make_conseil("Conseil des Peupliers", qpvs=[make_qpv(name="Les Peupliers")])
    make_member(conseil, make_user(name="Visible Awa"), listed_publicly=True)
    make_member(conseil, make_user(name="Discret Paul"), listed_publicly=False)
    assert "Conseil des Peupliers" in client.get("/conseils").text
    page = client.get(f"/conseils/{conseil.slug}").text
    assert "Les Peupliers" in page and "Visible Awa" in page and "Discret Paul" not in page


def test_unknown_conseil_is_404(client):
    assert client.get("/conseils/nulle-part").status_code == 404


def test_composition_warning_is_shown_to_the_team_not_to_visitors(client, signed_in, make_conseil, make_member,
                                                                   make_animator):
    conseil = make_conseil(drawn_by_lot=True)
    make_member(conseil, college=College.habitants, gender=Gender.woman, drawn_by_lot=True)
    animator = make_animator(conseil)
    assert "notice-warning" not in client.get(f"/conseils/{conseil.slug}").text
    assert "notice-warning" in signed_in(animator).get(f"/conseils/{conseil.slug}").text


def test_deleted_members_are_never_listed_by_name(client, make_conseil, make_member, make_user):
    from participation.accounts.services import delete_account

    conseil = make_conseil()
    user = make_user(name="Ancienne Awa")
    make_member(conseil, user, listed_publicly=True)
    delete_account(user)
    assert "Ancienne Awa" not in client.get(f"/conseils/{conseil.slug}").text


def test_conseil_page_statements_do_not_grow_with_members(client, make_conseil, make_member, make_user):
    from participation.sqlcount import count_statements

    conseil = make_conseil()
    make_member(conseil)

    def statements() -> int:
        with count_statements() as counter:
            assert client.get(f"/conseils/{conseil.slug}").status_code == 200
        return counter.count

    few = statements()
    for _ in range(15):
        make_member(conseil, listed_publicly=True)
    assert statements() == few
