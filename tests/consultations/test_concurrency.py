"""Answers sent at the same instant, through the real server, keep counters and tallies exact (PostgreSQL)."""

from __future__ import annotations

import http.client
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import urlencode

import pytest
from itsdangerous import URLSafeSerializer
from sqlalchemy import func, select

from participation.consultations import results, services
from participation.consultations.models import Channel, Response
from participation.extensions import db
from tests.conftest import on_postgres
from tests.factories import make_consultation, make_user, typical_answers

pytestmark = [
    pytest.mark.postgres_only,
    pytest.mark.skipif(not on_postgres(), reason="needs TEST_DATABASE_URL (PostgreSQL)"),
]


def session_cookie(app, user) -> str:
    serializer = app.session_interface.get_signing_serializer(app)
    value = serializer.dumps({"_user_id": user.get_id(), "_fresh": True})
    return f"{app.config.get('SESSION_COOKIE_NAME', 'session')}={value}"


def respondent_cookie(app, token: str) -> str:
    signed = URLSafeSerializer(app.config["SECRET_KEY"], salt="participation.respondent").dumps(token)
    return f"participation_respondent={signed}"


def post(server, path: str, cookie: str, fields: dict) -> int:
    connection = http.client.HTTPConnection("127.0.0.1", server.server.server_port, timeout=60)
    connection.request("POST", path, body=urlencode(fields, doseq=True), headers={
        "Cookie": cookie, "Content-Type": "application/x-www-form-urlencoded"})
    status = connection.getresponse().status
    connection.close()
    return status


def test_simultaneous_answers_are_counted_once_each(app, live_server, roles):
    consultation = make_consultation(roles.conseil)
    values = typical_answers(consultation)
    users = [make_user() for _ in range(10)]
    tokens = [f"concurrent-browser-token-{n:02d}" for n in range(8)]
    for user in users:
        services.save_draft(consultation, services.Respondent.online(user), values)
    for token in tokens:
        services.save_draft(consultation, services.Respondent.anonymous(token), values)
    db.session.commit()
    send = f"/consultations/{consultation.id}/repondre/envoi"
    paper_fields = {"qpv_id": ""}
    for question in consultation.ordered_questions():
        value = values[question.id]
        name = f"q{question.id}"
        if question.kind.value in ("single_choice", "multiple_choice"):
            paper_fields[name] = str(value.option_ids[0])
        elif question.kind.value == "yes_no":
            paper_fields[name] = "yes"
        elif question.kind.value == "scale":
            paper_fields[name] = str(value.value)
        elif question.kind.is_text:
            paper_fields[name] = value.text
        else:
            for rank, option_id in enumerate(value.option_ids, start=1):
                paper_fields[f"{name}-rank-{option_id}"] = str(rank)
    jobs = []
    for user in users:  # each resident sends twice at once: one response each, never two
        jobs += [(send, session_cookie(app, user), {"qpv_id": ""})] * 2
    for token in tokens:
        jobs += [(send, respondent_cookie(app, token), {"qpv_id": ""})] * 2
    jobs += [(f"/animation/consultations/{consultation.id}/saisie", session_cookie(app, roles.animator),
              paper_fields)] * 6
    with ThreadPoolExecutor(max_workers=8) as pool:
        statuses = list(pool.map(lambda job: post(live_server, *job), jobs))
    # A second send may find the draft already used (the answer is then asked again): never a 500.
    assert set(statuses) <= {302, 422}, statuses
    db.session.expire_all()
    db.session.refresh(consultation)
    counted = services.count_rows(consultation)
    assert counted == {Channel.online: 10, Channel.anonymous: 8, Channel.assisted: 6}
    assert (consultation.online_count, consultation.anonymous_count, consultation.assisted_count,
            consultation.responses_count) == (10, 8, 6, 24)
    assert results.stored_tallies(consultation) == results.recount_full(consultation)
    per_user = db.session.execute(
        select(Response.user_id, func.count()).where(Response.user_id.is_not(None)).group_by(Response.user_id))
    assert all(count == 1 for _, count in per_user)
