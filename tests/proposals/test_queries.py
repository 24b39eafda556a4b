"""The number of SQL statements of a page does not grow with the number of rows it shows."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from participation.contract.models import ContributionStatus
from participation.extensions import db
from participation.moderation import services as moderation
from participation.proposals import services
from participation.proposals.models import Theme
from participation.sqlcount import count_statements
from tests.conftest import on_postgres


def get_counted(browser, url: str) -> int:
    db.session.commit()
    with count_statements() as counter:
        response = browser.get(url)
    assert response.status_code == 200
    return counter.count


def fill_list(roles, make_proposal, make_user, count: int) -> None:
    themes = list(Theme)
    for n in range(count):
        conseil = roles.conseil if n % 2 else roles.other_conseil
        author = make_user(name=f"Auteur {n}")
        proposal = make_proposal(author, conseil, theme=themes[n % len(themes)])
        if n % 3 == 0:
            services.support(proposal, roles.member)
        if n % 4 == 0:
            services.set_status(proposal, ContributionStatus.under_study, roles.project_lead)
        if n % 5 == 0:
            services.assisted_support(proposal, roles.animator if conseil == roles.conseil else roles.other_animator,
                                      services.AssistedEntry("Mme K.", True))


@pytest.mark.parametrize("who", ["visitor", "member", "animator"])
def test_the_list_runs_the_same_number_of_statements_for_3_or_20_proposals_shown(app, roles, make_proposal,
                                                                                  make_user, signed_in, who):
    browser = signed_in(getattr(roles, who)) if who != "visitor" else app.test_client()
    counts = {}
    fill_list(roles, make_proposal, make_user, 3)
    # The filters' options and the ids of the published proposals are read once, then kept until they change
    # (proposals/page_cache.py).
    browser.get("/propositions")
    for sort in ("random", "recent", "supports", "comments"):
        counts[("small", sort)] = get_counted(browser, f"/propositions?sort={sort}")
    fill_list(roles, make_proposal, make_user, 40)
    db.session.commit()
    browser.get("/propositions")
    for sort in ("random", "recent", "supports", "comments"):
        counts[("large", sort)] = get_counted(browser, f"/propositions?sort={sort}")
        assert counts[("large", sort)] == counts[("small", sort)], counts
    assert max(counts.values()) <= 12, counts


def fill_comments(proposal, roles, make_user, make_comment, count: int) -> None:
    for n in range(count):
        top = make_comment(proposal, make_user(name=f"Voisin {n}"), f"Commentaire {n}")
        if n % 3 == 0:
            make_comment(proposal, make_user(name=f"Réponse {n}"), "Une réponse", parent=top)
        if n % 7 == 0:
            moderation.hide(roles.animator, "proposal_comment", top, "Hors charte")


@pytest.mark.parametrize("who", ["visitor", "habitant", "member", "animator"])
def test_a_proposal_page_runs_the_same_number_of_statements_for_5_or_50_comments(app, roles, make_proposal,
                                                                                  make_user, make_comment,
                                                                                  signed_in, who):
    browser = signed_in(getattr(roles, who)) if who != "visitor" else app.test_client()
    proposal = make_proposal(roles.habitant, roles.conseil)
    services.support(proposal, roles.member)
    services.set_status(proposal, ContributionStatus.under_study, roles.animator)
    services.answer_proposal(proposal, "Nous étudions.", roles.project_lead)
    services.assisted_support(proposal, roles.animator, services.AssistedEntry("M. D.", True))
    fill_comments(proposal, roles, make_user, make_comment, 5)
    small = get_counted(browser, f"/propositions/{proposal.id}")
    fill_comments(proposal, roles, make_user, make_comment, 45)
    for _ in range(20):
        services.support(proposal, make_user())
    large = get_counted(browser, f"/propositions/{proposal.id}")
    assert large == small and large <= 16, (small, large)


@pytest.mark.skipif(not on_postgres(), reason="needs TEST_DATABASE_URL (PostgreSQL)")
def test_a_list_page_is_planned_once_on_a_connection(app, roles, make_proposal):
    """psycopg prepares a statement from its fifth run; PostgreSQL keeps a generic plan for it only when the
    LIMIT is written in (db.inline): the list of proposals stops being planned again at every view."""
    for _ in range(3):
        make_proposal(roles.habitant, roles.conseil)
    db.session.commit()
    for _ in range(15):
        services.list_proposals(services.Filters(sort="recent"), 0, 1)
    plans = db.session.execute(text(
        "SELECT generic_plans, custom_plans FROM pg_prepared_statements WHERE statement LIKE '%LIMIT 20 OFFSET 0%'"
    )).all()
    assert plans and all(generic > 0 for generic, _custom in plans), plans


@pytest.mark.parametrize("accept", ["text/html", "application/json"])
def test_a_support_is_one_insert_and_reads_nothing_again_after_its_commit(signed_in, roles, make_proposal, accept):
    proposal = make_proposal(roles.habitant, roles.conseil)
    browser = signed_in(roles.member)
    db.session.commit()
    with count_statements() as counter:
        response = browser.post(f"/propositions/{proposal.id}/soutenir", data={"next": "/propositions"},
                                headers={"Accept": accept})
    assert response.status_code in (200, 302)
    verbs = [statement.split()[0].upper() for statement in counter.statements]
    assert "SAVEPOINT" not in verbs and verbs.count("INSERT") == 1
    assert verbs[verbs.index("UPDATE") + 1:] == []  # the answer reads nothing of the proposal the commit expired
