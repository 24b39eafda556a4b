"""Scheduled jobs of the workshops, run by cron: reminders the day before, purge of personal data."""

from __future__ import annotations

import click
from flask.cli import AppGroup, with_appcontext

from participation.extensions import db

workshops_group = AppGroup("workshops", help="Workshops: reminders and purge of personal data.")


@workshops_group.command("remind")
@with_appcontext
def remind() -> None:
    """Mail the reminder of tomorrow's workshops (run daily; running it twice sends nothing twice)."""
    from participation.workshops.services import send_reminders

    count = send_reminders()
    db.session.commit()
    click.echo(f"{count} reminder(s) queued.")


@workshops_group.command("purge")
@click.option("--days", type=int, default=None,
              help="Days after a workshop before its registrations are anonymised (default: WORKSHOP_PURGE_DAYS, "
                   "else PERSONAL_DATA_RETENTION_DAYS).")
@with_appcontext
def purge(days: int | None) -> None:
    """Erase the personal data of registrations to workshops that ended long enough ago; counts stay."""
    from participation.workshops.services import purge_days, purge_personal_data

    days = purge_days() if days is None else days
    count = purge_personal_data(days=days)
    db.session.commit()
    click.echo(f"{count} registration(s) anonymised (workshops ended more than {days} days ago).")
