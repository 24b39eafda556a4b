"""What the consultations add to the dashboard (/pilotage): who answered, and answers per channel and consultation.

Figures are counted with GROUP BY over the responses of the period (a response counts on the day it was
first sent); the people who took part are the accounts that answered online.
"""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from sqlalchemy import func, select

from participation.consultations import labels
from participation.consultations.models import Channel, Consultation, Response
from participation.exports import Column
from participation.extensions import db
from participation.registry import DashboardScope, IndicatorTable
from participation.territory.models import Conseil


def answered_activity():
    """Residents with an account who answered a consultation took part, on the day they first answered."""
    return (select(Response.user_id.label("user_id"), Consultation.conseil_id.label("conseil_id"),
                   Response.created_at.label("at"))
            .join(Consultation, Consultation.id == Response.consultation_id)
            .where(Response.channel == Channel.online, Response.user_id.is_not(None)))


def consultation_tables(scope: DashboardScope) -> list[IndicatorTable]:
    """Answers received in the period, per channel and per consultation."""
    # Counted over the narrow response rows first, then named: one statement.
    counts = (
        select(Response.consultation_id, Response.channel, func.count().label("answers"))
        .where(Response.created_at >= scope.start, Response.created_at < scope.end)
        .group_by(Response.consultation_id, Response.channel)
        .subquery("counts")
    )
    query = (
        select(Consultation.id, Consultation.title, Conseil.name, counts.c.channel, counts.c.answers)
        .join(counts, counts.c.consultation_id == Consultation.id)
        .outerjoin(Conseil, Conseil.id == Consultation.conseil_id)
    )
    if scope.conseil_ids is not None:
        query = query.where(Consultation.conseil_id.in_(scope.conseil_ids or {-1}))
    by_channel = dict.fromkeys(Channel, 0)
    per_consultation: dict[int, dict[str, Any]] = {}
    for consultation_id, title, conseil, channel, count in db.session.execute(query):
        by_channel[channel] += count
        entry = per_consultation.setdefault(consultation_id, {
            "title": title, "conseil": conseil or _("The whole territory"), **{c.value: 0 for c in Channel}})
        entry[channel.value] += count
    total = sum(by_channel.values())
    tables = [IndicatorTable(
        key="consultations-canaux", title=_("Consultations: answers per channel"),
        columns=[Column("channel", _("Channel")), Column("answers", _("Answers")),
                 Column("share", _("Share (%)"))],
        rows=[(labels.channel_label(channel), count, round(100 * count / total, 1) if total else None)
              for channel, count in by_channel.items()],
        chart_value=1,
    )]
    rows = sorted(
        ((entry["title"], entry["conseil"], sum(entry[c.value] for c in Channel), entry[Channel.online.value],
          entry[Channel.anonymous.value], entry[Channel.assisted.value]) for entry in per_consultation.values()),
        key=lambda row: (-row[2], row[0]),
    )
    tables.append(IndicatorTable(
        key="consultations-reponses", title=_("Answers per consultation"),
        columns=[Column("consultation", _("Consultation")), Column("for", _("For")),
                 Column("answers", _("Answers")), Column("online", _("Online, signed in")),
                 Column("anonymous", _("Online, without an account")),
                 Column("paper", _("On paper (typed in by the team)"))],
        rows=rows, chart_value=2,
    ))
    return tables
