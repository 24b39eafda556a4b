"""The outbox: mails are rows written with the change, delivered to a real SMTP server with retries."""

from __future__ import annotations

import socket
from datetime import timedelta
from email.header import decode_header, make_header

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.handlers import Message

from participation.db import utcnow
from participation.extensions import db
from participation.mail import OutboxMessage, backoff, queue_mail, queue_mail_once, send_pending


class Inbox(Message):
    def __init__(self) -> None:
        super().__init__()
        self.messages = []

    def handle_message(self, message) -> None:
        self.messages.append(message)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def smtp_server(app):
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=_free_port())
    controller.start()
    app.config.update(MAIL_BACKEND="smtp", MAIL_SERVER="127.0.0.1", MAIL_PORT=controller.port)
    yield inbox
    controller.stop()


def _queue(to="awa@example.org"):
    return queue_mail(to, "contract/answered", locale="fr",
                      contribution=type("C", (), {"title": "Des bancs", "answer": "Oui."})(), url="https://x/suivi/1")


def test_rolled_back_changes_send_no_mail(app):
    _queue()
    db.session.rollback()
    assert db.session.query(OutboxMessage).count() == 0


def test_mail_is_rendered_in_the_recipients_language(app):
    french = _queue()
    english = queue_mail("en@example.org", "contract/answered", locale="en",
                         contribution=type("C", (), {"title": "Benches", "answer": "Yes."})(), url="https://x")
    assert "Des bancs" in french.subject and french.subject != english.subject
    assert english.subject.startswith("An answer")


def test_outbox_delivers_over_smtp(app, smtp_server):
    _queue()
    db.session.commit()
    report = send_pending()
    assert report.sent == 1
    [received] = smtp_server.messages
    subject = str(make_header(decode_header(received["Subject"])))
    assert received["To"] == "awa@example.org" and "Des bancs" in subject
    assert db.session.query(OutboxMessage).one().sent_at is not None
    assert send_pending().sent == 0


def test_smtp_down_keeps_the_mail_and_retries_with_backoff(app):
    app.config.update(MAIL_BACKEND="smtp", MAIL_SERVER="127.0.0.1", MAIL_PORT=_free_port(), MAIL_MAX_ATTEMPTS=3)
    message = _queue()
    db.session.commit()
    report = send_pending()
    assert report.retried == 1 and message.sent_at is None and message.attempts == 1
    assert message.last_error and message.next_attempt_at > utcnow()
    assert send_pending().retried == 0  # not due yet
    send_pending(now=utcnow() + timedelta(hours=1))
    report = send_pending(now=utcnow() + timedelta(hours=2))
    assert report.failed == 1 and message.failed


def test_mail_sent_once_the_server_is_back(app, smtp_server):
    port = app.config["MAIL_PORT"]
    app.config["MAIL_PORT"] = _free_port()
    _queue()
    db.session.commit()
    send_pending()
    app.config["MAIL_PORT"] = port
    assert send_pending(now=utcnow() + timedelta(minutes=5)).sent == 1
    assert len(smtp_server.messages) == 1


def test_backoff_grows_and_is_capped():
    assert backoff(1) == timedelta(minutes=1) and backoff(3) == timedelta(minutes=4)
    assert backoff(30) == timedelta(hours=6)


def test_queue_mail_once_is_idempotent(app):
    first = queue_mail_once("a@example.org", "contract/answered", dedup_key="k1",
                            contribution=type("C", (), {"title": "T", "answer": "A"})(), url="u")
    second = queue_mail_once("a@example.org", "contract/answered", dedup_key="k1",
                             contribution=type("C", (), {"title": "T", "answer": "A"})(), url="u")
    assert first is not None and second is None


def test_mail_can_be_queued_outside_any_request(app):
    # Scheduled jobs (reminders, round closing) render mails with no request around them.
    message = queue_mail("cron@example.org", "contract/answered", locale="fr",
                         contribution=type("C", (), {"title": "Des bancs", "answer": "Oui."})(), url="https://x")
    assert "Des bancs" in message.subject
