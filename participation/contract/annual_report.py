"""The annual report round: the conseils citoyens give their opinion on the "rapport annuel".

The chef de projet opens a round for a year with a deadline (at least a month away, as the law asks);
each conseil records its opinion — majority position and dissenting views, with its observations —
before the deadline; ``close_due_rounds`` (``flask contract close-rounds``, run by cron) records the
silence of the others as a favourable opinion. Each observation is a contribution: the follow-up the
chef de projet gives it is its official answer and status, on its public timeline.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from participation.accounts.models import User
from participation.contract import services
from participation.contract.models import (
    ConseilOpinion,
    ContributionKind,
    ContributionStatus,
    OpinionPosition,
    ReportObservation,
    ReportRound,
)
from participation.db import utcnow
from participation.errors import DomainError
from participation.extensions import db
from participation.i18n import PARIS
from participation.registry import Recipient
from participation.sanitize import render_markdown
from participation.territory.models import AnimatorAssignment, Conseil

OBSERVATION_SOURCE = "report_observation"
MIN_CONSULTATION_DAYS = 30


class RoundExists(DomainError):
    pass


class DeadlineTooSoon(DomainError):
    pass


class DeadlinePassed(DomainError):
    pass


class OpinionAlreadyRecorded(DomainError):
    pass


class OpinionIncomplete(DomainError):
    pass


def deadline_end(round_: ReportRound) -> datetime:
    """The deadline runs to the end of its day, Paris time."""
    return datetime.combine(round_.deadline + timedelta(days=1), time(0, 0), tzinfo=PARIS)


def is_open(round_: ReportRound, now: datetime | None = None) -> bool:
    return round_.closed_at is None and (now or utcnow()) < deadline_end(round_)


def open_round(year: int, deadline: date, *, actor: User | None, draft_text: str = "",
               draft_url: str | None = None, now: datetime | None = None) -> ReportRound:
    """Open the round of a year; its deadline leaves the conseils at least a month."""
    now = now or utcnow()
    if db.session.scalar(select(ReportRound.id).where(ReportRound.year == year)) is not None:
        raise RoundExists(_("A round is already open for %(year)d.", year=year))
    if deadline < now.astimezone(PARIS).date() + timedelta(days=MIN_CONSULTATION_DAYS):
        raise DeadlineTooSoon(_("Leave the conseils at least %(days)d days to give their opinion.",
                                days=MIN_CONSULTATION_DAYS))
    round_ = ReportRound(year=year, deadline=deadline, draft_text=draft_text.strip(),
                         draft_html=render_markdown(draft_text), draft_url=(draft_url or "").strip() or None,
                         opened_at=now, opened_by_id=actor.id if actor is not None else None)
    db.session.add(round_)
    db.session.flush()
    return round_


def round_for_year(year: int) -> ReportRound | None:
    return db.session.scalar(select(ReportRound).where(ReportRound.year == year))


def rounds() -> list[ReportRound]:
    """Every round, latest first (the contract page reads them with their opinions: queries.published_rounds)."""
    return list(db.session.scalars(select(ReportRound).order_by(ReportRound.year.desc())))


def opinion_of(round_: ReportRound, conseil: Conseil) -> ConseilOpinion | None:
    return db.session.scalar(select(ConseilOpinion).where(ConseilOpinion.round_id == round_.id,
                                                          ConseilOpinion.conseil_id == conseil.id))


@dataclass
class OpinionData:
    position: OpinionPosition
    majority_text: str
    dissenting_views: str = ""
    observations: str = ""
    minutes_source_type: str | None = None
    minutes_source_id: int | None = None
    minutes_label: str | None = None
    minutes_url: str | None = None


def split_observations(text: str) -> list[str]:
    """Observations are separated by a blank line (or given one per line starting with a dash)."""
    blocks = [block.strip() for block in re.split(r"\n\s*\n", text or "") if block.strip()]
    out: list[str] = []
    for block in blocks:
        lines = block.splitlines()
        if len(lines) > 1 and all(line.lstrip().startswith(("-", "*", "•")) for line in lines):
            out.extend(line.lstrip()[1:].strip() for line in lines if line.lstrip()[1:].strip())
        else:
            out.append(block)
    return out


def _observation_title(text: str) -> str:
    first = " ".join(text.split())
    return first if len(first) <= 120 else first[:119].rstrip() + "…"


def record_opinion(round_: ReportRound, conseil: Conseil, data: OpinionData, *, actor: User | None,
                   now: datetime | None = None) -> ConseilOpinion:
    """Record a conseil's opinion once, before the deadline; each observation becomes a contribution."""
    if data.position == OpinionPosition.tacit:
        raise OpinionIncomplete(_("Choose the position of the majority."))
    if not is_open(round_, now):
        raise DeadlinePassed(_("The deadline for opinions has passed."))
    if opinion_of(round_, conseil) is not None:
        raise OpinionAlreadyRecorded(_("This conseil has already given its opinion."))
    if not data.majority_text.strip():
        raise OpinionIncomplete(_("State the opinion of the majority."))
    opinion = ConseilOpinion(
        round_id=round_.id, conseil_id=conseil.id, position=data.position,
        majority_text=data.majority_text.strip(), majority_html=render_markdown(data.majority_text),
        dissenting_views=data.dissenting_views.strip(), dissenting_html=render_markdown(data.dissenting_views),
        minutes_source_type=data.minutes_source_type, minutes_source_id=data.minutes_source_id,
        minutes_label=data.minutes_label, minutes_url=data.minutes_url,
        recorded_at=now or utcnow(), recorded_by_id=actor.id if actor is not None else None,
    )
    db.session.add(opinion)
    db.session.flush()
    for position, text in enumerate(split_observations(data.observations), start=1):
        observation = ReportObservation(opinion_id=opinion.id, position=position, text=text)
        db.session.add(observation)
        db.session.flush()
        contribution = services.create_contribution(
            ContributionKind.minutes_opinion, OBSERVATION_SOURCE, observation.id, _observation_title(text),
            conseil_id=conseil.id, actor=actor, actor_label=conseil.name, occurred_at=now, text=text,
        )
        observation.contribution_id = contribution.id
    db.session.flush()
    return opinion


def conseils_expected(round_: ReportRound) -> list[Conseil]:
    """The conseils asked for an opinion: those not archived."""
    return list(db.session.scalars(select(Conseil).where(Conseil.archived_at.is_(None)).order_by(Conseil.name)))


def close_due_rounds(now: datetime | None = None) -> list[tuple[ReportRound, int]]:
    """Close the rounds whose deadline has passed, recording silence as a favourable opinion (idempotent).

    Returns the rounds closed now, each with the number of opinions recorded for silence.
    """
    now = now or utcnow()
    closed = []
    for round_ in db.session.scalars(select(ReportRound).where(ReportRound.closed_at.is_(None))
                                     .order_by(ReportRound.year)):
        if now < deadline_end(round_):
            continue
        silent = 0
        for conseil in conseils_expected(round_):
            if opinion_of(round_, conseil) is not None:
                continue
            try:
                with db.session.begin_nested():
                    db.session.add(ConseilOpinion(
                        round_id=round_.id, conseil_id=conseil.id, position=OpinionPosition.tacit,
                        recorded_at=deadline_end(round_),
                    ))
                silent += 1
            except IntegrityError:
                # Another run recorded it at the same moment: the unique constraint keeps one.
                continue
        round_.closed_at = now
        db.session.flush()
        closed.append((round_, silent))
    return closed


def record_follow_up(observation: ReportObservation, text: str, *, actor: User | None,
                     status: ContributionStatus | None = None, reason: str | None = None) -> None:
    """The follow-up given to an observation is its official answer (and, optionally, its new status)."""
    contribution = observation.contribution
    if contribution is None:
        raise OpinionIncomplete(_("This observation cannot be followed up."))
    if status is not None and status != contribution.status:
        services.change_status(contribution, status, actor=actor, reason=reason or text)
    services.answer(contribution, text, actor=actor)


def observation_participants(contribution) -> list[Recipient]:
    """The animators of the conseil are told of the follow-up given to its observations."""
    if contribution.conseil_id is None:
        return []
    users = db.session.scalars(select(User).join(AnimatorAssignment, AnimatorAssignment.user_id == User.id)
                               .where(AnimatorAssignment.conseil_id == contribution.conseil_id))
    return services.recipients_from_users(users)


def observation_for(contribution) -> ReportObservation | None:
    return db.session.get(ReportObservation, contribution.source_id)
