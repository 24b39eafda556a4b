"""Commands for operators and cron: demo data, users, the mail outbox."""

from __future__ import annotations

import sys

import click
from flask import Flask
from flask.cli import AppGroup, with_appcontext

from participation.extensions import db


def init_app(app: Flask) -> None:
    app.cli.add_command(demo_group)
    app.cli.add_command(users_group)
    app.cli.add_command(outbox_group)


demo_group = AppGroup("demo", help="Demonstration data.")
users_group = AppGroup("users", help="User accounts.")
outbox_group = AppGroup("outbox", help="The outgoing mail queue.")


@demo_group.command("load")
@with_appcontext
def demo_load() -> None:
    """Load the demo territory (idempotent: running it again adds nothing twice)."""
    from participation.demo import DEMO_PASSWORD, load_demo

    context = load_demo()
    click.echo(f"Demo data loaded. Accounts (password for all: {DEMO_PASSWORD}):")
    for role, email, name in context.accounts:
        click.echo(f"  {role:<16} {email:<40} {name}")


@users_group.command("create")
@click.option("--email", required=True)
@click.option("--name", "display_name", required=True)
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True)
@click.option("--role", "roles", multiple=True, type=click.Choice(["admin", "project_lead"]))
@with_appcontext
def users_create(email: str, display_name: str, password: str, roles: tuple[str, ...]) -> None:
    """Create a verified account, e.g. the first administrator."""
    from participation.accounts.models import PlatformRole
    from participation.accounts.services import MIN_PASSWORD_LENGTH, create_user
    from participation.errors import DomainError

    if len(password) < MIN_PASSWORD_LENGTH:
        click.echo(f"The password needs at least {MIN_PASSWORD_LENGTH} characters.", err=True)
        sys.exit(1)
    try:
        user = create_user(email, password, display_name, roles=tuple(PlatformRole(r) for r in roles))
    except DomainError:
        click.echo(f"An account already uses {email}.", err=True)
        sys.exit(1)
    db.session.commit()
    click.echo(f"Account {user.id} created for {user.email}.")


@outbox_group.command("send")
@click.option("--limit", default=500, show_default=True, help="At most this many mails in one run.")
@with_appcontext
def outbox_send(limit: int) -> None:
    """Send the mails that are due (run by cron every minute)."""
    from participation.mail import send_pending

    report = send_pending(limit=limit)
    click.echo(f"{report.sent} sent, {report.retried} to retry, {report.failed} given up.")
