"""Mail goes through an outbox table written in the same transaction as the change that causes it.

``queue_mail`` adds a row to the session (the caller's commit makes it real, or its rollback drops it).
``send_pending`` (``flask outbox send``, run by cron) delivers over SMTP with retries and exponential
backoff; in development the console backend prints the mail instead. Nothing is lost while SMTP is down.
"""

from __future__ import annotations

import smtplib
import ssl
import sys
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.message import EmailMessage
from email.utils import formatdate, make_msgid

from flask import current_app
from flask_babel import force_locale
from sqlalchemy import String, Text, or_, select
from sqlalchemy.orm import Mapped, mapped_column

from participation.db import Base, utcnow
from participation.extensions import db


class OutboxMessage(Base):
    __tablename__ = "outbox_message"

    id: Mapped[int] = mapped_column(primary_key=True)
    recipient: Mapped[str] = mapped_column(String(320))
    subject: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(index=True)
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_error: Mapped[str | None] = mapped_column(Text)
    failed: Mapped[bool] = mapped_column(default=False)
    # A key that makes a mail unique (e.g. "reminder:workshop:12:registration:40"); see queue_mail_once.
    dedup_key: Mapped[str | None] = mapped_column(String(200), unique=True)


def queue_mail(to: str, template: str, locale: str | None = None, dedup_key: str | None = None,
               **context: object) -> OutboxMessage:
    """Render ``templates/mail/<template>.txt`` in the recipient's language and add it to the outbox.

    The template's first line is the subject. The row is added to the current session, so it is sent
    only if the caller's transaction commits.
    """
    # Rendered by the Jinja environment, without the page context processors (forms of the layout, menus):
    # a mail uses none of them, and a sign-up renders its mail while it holds the workshop's row lock.
    with force_locale(locale or "fr"):
        rendered = current_app.jinja_env.get_template(f"mail/{template}.txt").render(**context).strip()
    subject, _, body = rendered.partition("\n")
    message = OutboxMessage(
        recipient=to, subject=subject.strip(), body=body.strip() + "\n", dedup_key=dedup_key
    )
    db.session.add(message)
    return message


def queue_mail_once(to: str, template: str, dedup_key: str, locale: str | None = None,
                    **context: object) -> OutboxMessage | None:
    """Queue a mail unless one with the same ``dedup_key`` exists already (idempotent jobs)."""
    exists = db.session.scalar(select(OutboxMessage.id).where(OutboxMessage.dedup_key == dedup_key))
    if exists is not None:
        return None
    return queue_mail(to, template, locale=locale, dedup_key=dedup_key, **context)


@dataclass
class SendReport:
    sent: int = 0
    retried: int = 0
    failed: int = 0


def _to_email(message: OutboxMessage, sender: str) -> EmailMessage:
    email = EmailMessage()
    email["From"] = sender
    email["To"] = message.recipient
    email["Subject"] = message.subject
    email["Date"] = formatdate(localtime=False)
    email["Message-ID"] = make_msgid(domain=sender.rpartition("@")[2] or "localhost")
    email.set_content(message.body)
    return email


def _deliver_smtp(emails: list[tuple[OutboxMessage, EmailMessage]]) -> dict[int, str]:
    """Send over one SMTP connection; returns the errors by outbox id (whole batch fails on connect)."""
    config = current_app.config
    errors: dict[int, str] = {}
    try:
        if config["MAIL_USE_SSL"]:
            smtp: smtplib.SMTP = smtplib.SMTP_SSL(
                config["MAIL_SERVER"], config["MAIL_PORT"], timeout=30, context=ssl.create_default_context()
            )
        else:
            smtp = smtplib.SMTP(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=30)
        with smtp:
            if config["MAIL_USE_TLS"]:
                smtp.starttls(context=ssl.create_default_context())
            if config["MAIL_USERNAME"]:
                smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"] or "")
            for message, email in emails:
                try:
                    smtp.send_message(email)
                except smtplib.SMTPException as error:
                    errors[message.id] = f"{type(error).__name__}: {error}"
    except (OSError, smtplib.SMTPException) as error:
        for message, _ in emails:
            errors.setdefault(message.id, f"{type(error).__name__}: {error}")
    return errors


def backoff(attempts: int) -> timedelta:
    """Wait 1, 2, 4, 8 … minutes between attempts, at most six hours."""
    return timedelta(minutes=min(2 ** max(attempts - 1, 0), 360))


def send_pending(limit: int = 500, now: datetime | None = None) -> SendReport:
    """Deliver the mails that are due; failures are retried later with backoff, then given up."""
    now = now or utcnow()
    config = current_app.config
    due = list(
        db.session.scalars(
            select(OutboxMessage)
            .where(OutboxMessage.sent_at.is_(None), OutboxMessage.failed.is_(False))
            .where(or_(OutboxMessage.next_attempt_at <= now, OutboxMessage.next_attempt_at.is_(None)))
            .order_by(OutboxMessage.id)
            .limit(limit)
            .with_for_update(skip_locked=True)
        )
    )
    report = SendReport()
    if not due:
        return report
    sender = config["MAIL_DEFAULT_SENDER"]
    emails = [(message, _to_email(message, sender)) for message in due]
    if config["MAIL_BACKEND"] == "console":
        for _, email in emails:
            sys.stdout.write(f"{'=' * 72}\n{email.as_string()}\n")
        errors: dict[int, str] = {}
    else:
        errors = _deliver_smtp(emails)
    for message in due:
        message.attempts += 1
        if message.id in errors:
            message.last_error = errors[message.id][:2000]
            if message.attempts >= config["MAIL_MAX_ATTEMPTS"]:
                message.failed = True
                report.failed += 1
            else:
                message.next_attempt_at = now + backoff(message.attempts)
                report.retried += 1
        else:
            message.sent_at = now
            message.last_error = None
            report.sent += 1
    db.session.commit()
    return report

