"""The commands run by cron, with CSRF on as in production (mail templates are rendered outside a request)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from participation.extensions import db


@pytest.fixture
def app_overrides():
    return {"WTF_CSRF_ENABLED": True}


def test_remind_runs_outside_a_request_with_csrf_on(app, make_workshop, sign_up_guest, outbox):
    workshop = make_workshop(starts_in=timedelta(hours=20))
    sign_up_guest(workshop, email="awa@example.org")
    db.session.commit()
    result = app.test_cli_runner().invoke(args=["workshops", "remind"])
    assert result.exit_code == 0, result.output
    reminder = outbox("awa@example.org")[-1]
    assert reminder.subject.startswith("Rappel") and "http://participation.test/ateliers/" in reminder.body


def test_demo_load_runs_with_csrf_on(app):
    result = app.test_cli_runner().invoke(args=["demo", "load"])
    assert result.exit_code == 0, result.output
