"""Counters stay exact when many people support, withdraw and comment at the same time (PostgreSQL).

Real HTTP requests from threads against the live server (several app contexts, sessions and database
connections at once), each with the session cookie of its own user.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import func, select

from participation.contract.models import ContributionEvent, EventKind
from participation.extensions import db
from participation.proposals.models import Comment, Proposal, Support
from tests.conftest import on_postgres

pytestmark = pytest.mark.skipif(not on_postgres(), reason="needs TEST_DATABASE_URL (PostgreSQL)")


def session_cookie(app, user) -> str:
    serializer = app.session_interface.get_signing_serializer(app)
    return f"{app.config['SESSION_COOKIE_NAME']}={serializer.dumps({'_user_id': user.get_id(), '_fresh': True})}"


def post(url: str, cookie: str, data: dict | None = None) -> int:
    request = urllib.request.Request(url, data=urllib.parse.urlencode(data or {}).encode(), method="POST",
                                     headers={"Cookie": cookie, "Accept": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            body = response.read()
            if response.headers.get_content_type() == "application/json":
                json.loads(body)
            return response.status
    except urllib.error.HTTPError as error:
        error.read()
        error.close()
        return error.code


def test_concurrent_supports_and_withdrawals_keep_the_count_exact(app, live_server, roles, make_proposal,
                                                                  make_user, set_rules):
    set_rules(roles.conseil, support_threshold=25)
    proposal = make_proposal(roles.habitant, roles.conseil)
    stay = [make_user() for _ in range(30)]
    leave = [make_user() for _ in range(14)]
    db.session.commit()
    base = f"{live_server.url}/propositions/{proposal.id}/soutenir"
    cookies = {user.id: session_cookie(app, user) for user in stay + leave}

    def run(user_id: int, steps: list[str]) -> list[int]:
        return [post(base + ("/retirer" if step == "withdraw" else ""), cookies[user_id]) for step in steps]

    jobs = []
    with ThreadPoolExecutor(max_workers=12) as pool:
        for user in stay:
            # A double click on "support" racing with a support, a withdrawal and a support again.
            jobs.append(pool.submit(run, user.id, ["support", "withdraw", "support"]))
            jobs.append(pool.submit(run, user.id, ["support"]))
        for user in leave:
            jobs.append(pool.submit(run, user.id, ["support", "withdraw"]))
            jobs.append(pool.submit(run, user.id, ["support", "withdraw"]))
        statuses = [status for job in jobs for status in job.result()]
    assert set(statuses) <= {200, 409} and 409 in statuses, statuses

    db.session.expire_all()
    rows = db.session.scalar(select(func.count(Support.id)).where(Support.proposal_id == proposal.id))
    distinct = db.session.scalar(
        select(func.count(func.distinct(Support.user_id))).where(Support.proposal_id == proposal.id))
    stored = db.session.scalar(select(Proposal.support_count).where(Proposal.id == proposal.id))
    assert stored == rows == distinct == len(stay)
    supporters = set(db.session.scalars(select(Support.user_id).where(Support.proposal_id == proposal.id)))
    assert supporters == {user.id for user in stay}
    reached = db.session.scalar(select(func.count(ContributionEvent.id)).where(
        ContributionEvent.contribution_id == proposal.contribution_id,
        ContributionEvent.kind == EventKind.threshold_reached))
    assert reached == 1


def test_concurrent_comments_keep_the_comment_count_exact(app, live_server, roles, make_proposal, make_user):
    proposal = make_proposal(roles.habitant, roles.conseil)
    people = [make_user() for _ in range(12)]
    db.session.commit()
    url = f"{live_server.url}/propositions/{proposal.id}/commentaires"
    cookies = [session_cookie(app, user) for user in people]

    def comment(index: int) -> int:
        return post(url, cookies[index % len(cookies)], {"body": f"Commentaire {index}"})

    with ThreadPoolExecutor(max_workers=12) as pool:
        statuses = list(pool.map(comment, range(48)))
    assert all(status == 200 for status in statuses), statuses  # after the redirect to the proposal
    db.session.expire_all()
    rows = db.session.scalar(select(func.count(Comment.id)).where(Comment.proposal_id == proposal.id))
    assert db.session.scalar(select(Proposal.comment_count).where(Proposal.id == proposal.id)) == rows == 48
