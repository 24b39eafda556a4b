"""``flask consultations …``: check the stored counters and tallies, forget unsent drafts."""

from __future__ import annotations

from datetime import timedelta

import click
from flask.cli import AppGroup, with_appcontext
from sqlalchemy import select

from participation.db import utcnow
from participation.extensions import db

consultations_group = AppGroup("consultations", help="Consultations: checks and clean-up.")


@consultations_group.command("check")
@click.option("--repair", is_flag=True, help="Rebuild the tallies and counters that differ from the answers.")
@with_appcontext
def check(repair: bool) -> None:
    """Compare the stored counters and tallies of every consultation with a recount of the raw answers."""
    from participation.consultations import results, services
    from participation.consultations.models import Channel, Consultation

    wrong = 0
    for consultation_id in db.session.scalars(select(Consultation.id).order_by(Consultation.id)):
        consultation = services.load(consultation_id)
        counted = services.count_rows(consultation)
        stored = {Channel.online: consultation.online_count, Channel.assisted: consultation.assisted_count,
                  Channel.anonymous: consultation.anonymous_count}
        tallies_ok = results.stored_tallies(consultation) == results.recount_full(consultation)
        counters_ok = counted == stored and consultation.responses_count == sum(counted.values())
        if tallies_ok and counters_ok:
            continue
        wrong += 1
        click.echo(f"consultation {consultation.id}: tallies {'ok' if tallies_ok else 'differ'}, "
                   f"counters {'ok' if counters_ok else 'differ'}")
        if repair:
            results.rebuild_tallies(consultation)
            consultation.online_count = counted[Channel.online]
            consultation.assisted_count = counted[Channel.assisted]
            consultation.anonymous_count = counted[Channel.anonymous]
            consultation.responses_count = sum(counted.values())
    if repair:
        db.session.commit()
    click.echo(f"{wrong} consultation(s) with differences{' repaired' if repair and wrong else ''}.")
    if wrong and not repair:
        raise SystemExit(1)


@consultations_group.command("purge-drafts")
@click.option("--days", default=30, show_default=True, help="Forget drafts untouched for this many days.")
@with_appcontext
def purge_drafts(days: int) -> None:
    """Forget answers that were started and never sent (run daily by cron)."""
    from participation.consultations.services import purge_drafts as purge

    count = purge(utcnow() - timedelta(days=days))
    db.session.commit()
    click.echo(f"{count} draft(s) forgotten.")
