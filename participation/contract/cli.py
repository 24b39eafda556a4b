"""``flask contract close-rounds``: run by cron (daily), records silence as a favourable opinion."""

from __future__ import annotations

import click
from flask.cli import AppGroup, with_appcontext

from participation.extensions import db

contract_group = AppGroup("contract", help="The contrat de ville and its annual report.")


@contract_group.command("close-rounds")
@with_appcontext
def close_rounds() -> None:
    """Close the annual report rounds whose deadline has passed (idempotent: run it as often as you like)."""
    from participation.contract.annual_report import close_due_rounds

    closed = close_due_rounds()
    db.session.commit()
    if not closed:
        click.echo("No round to close.")
    for round_, silent in closed:
        click.echo(f"Round {round_.year} closed: {silent} opinion(s) recorded as favourable for silence.")
