"""The annual report round: opinions within the deadline, silence as favourable, follow-up of observations."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select

from participation.contract import annual_report, queries
from participation.contract.models import ConseilOpinion, ContributionKind, ContributionStatus, OpinionPosition
from participation.extensions import db

OPENED = datetime(2026, 2, 2, 9, 0, tzinfo=UTC)


@pytest.fixture
def round_(roles):
    return annual_report.open_round(2025, date(2026, 3, 20), actor=roles.project_lead, now=OPENED,
                                    draft_text="Projet de rapport 2025")


def _opinion(**changes) -> annual_report.OpinionData:
    data = dict(position=OpinionPosition.reserved, majority_text="Avis réservé sur l'éclairage.",
                dissenting_views="Deux membres voulaient un avis défavorable.",
                observations="Éclairer le passage des Tilleuls.\n\nPublier les diagnostics en marchant.")
    data.update(changes)
    return annual_report.OpinionData(**data)


def test_a_round_leaves_at_least_a_month_and_is_unique_per_year(roles, round_):
    with pytest.raises(annual_report.RoundExists):
        annual_report.open_round(2025, date(2026, 6, 1), actor=roles.project_lead, now=OPENED)
    with pytest.raises(annual_report.DeadlineTooSoon):
        annual_report.open_round(2026, date(2026, 2, 20), actor=roles.project_lead, now=OPENED)


def test_an_opinion_with_dissenting_views_and_observations_as_contributions(roles, round_):
    opinion = annual_report.record_opinion(round_, roles.conseil, _opinion(), actor=roles.animator,
                                           now=datetime(2026, 3, 5, tzinfo=UTC))
    assert opinion.dissenting_views.startswith("Deux membres")
    assert [o.text for o in opinion.observations] == ["Éclairer le passage des Tilleuls.",
                                                      "Publier les diagnostics en marchant."]
    contribution = opinion.observations[0].contribution
    assert contribution.kind == ContributionKind.minutes_opinion and contribution.conseil_id == roles.conseil.id
    with pytest.raises(annual_report.OpinionAlreadyRecorded):
        annual_report.record_opinion(round_, roles.conseil, _opinion(), actor=roles.animator,
                                     now=datetime(2026, 3, 6, tzinfo=UTC))


def test_opinions_are_refused_after_the_deadline_day(roles, round_):
    # The deadline day runs until midnight, Paris time (23:30 UTC on 20 March is 00:30 on the 21st in Paris).
    annual_report.record_opinion(round_, roles.conseil, _opinion(), actor=roles.animator,
                                 now=datetime(2026, 3, 20, 22, 30, tzinfo=UTC))
    with pytest.raises(annual_report.DeadlinePassed):
        annual_report.record_opinion(round_, roles.other_conseil, _opinion(), actor=roles.other_animator,
                                     now=datetime(2026, 3, 20, 23, 30, tzinfo=UTC))
    with pytest.raises(annual_report.OpinionIncomplete):
        annual_report.record_opinion(annual_report.open_round(2026, date(2027, 3, 1), actor=None, now=OPENED),
                                     roles.conseil, _opinion(majority_text=" "), actor=None, now=OPENED)


def test_silence_is_recorded_as_favourable_once(roles, round_):
    annual_report.record_opinion(round_, roles.conseil, _opinion(), actor=roles.animator,
                                 now=datetime(2026, 3, 5, tzinfo=UTC))
    assert annual_report.close_due_rounds(now=datetime(2026, 3, 20, 12, tzinfo=UTC)) == []
    closed = annual_report.close_due_rounds(now=datetime(2026, 3, 21, 6, tzinfo=UTC))
    assert [(r.year, silent) for r, silent in closed] == [(2025, 1)]
    assert annual_report.close_due_rounds(now=datetime(2026, 3, 22, tzinfo=UTC)) == []
    positions = {o.conseil_id: o.position for o in db.session.scalars(select(ConseilOpinion))}
    assert positions == {roles.conseil.id: OpinionPosition.reserved, roles.other_conseil.id: OpinionPosition.tacit}


def test_close_rounds_command_is_idempotent(app, roles):
    annual_report.open_round(2024, date(2025, 3, 1), actor=roles.project_lead,
                             now=datetime(2025, 1, 2, tzinfo=UTC))
    db.session.commit()
    runner = app.test_cli_runner()
    first = runner.invoke(args=["contract", "close-rounds"])
    assert first.exit_code == 0 and "2 opinion(s)" in first.output
    second = runner.invoke(args=["contract", "close-rounds"])
    assert second.exit_code == 0 and "No round to close" in second.output
    db.session.expire_all()
    assert db.session.query(ConseilOpinion).count() == 2


def test_follow_up_is_the_answer_of_the_observation_and_tells_the_animators(roles, round_, outbox):
    opinion = annual_report.record_opinion(round_, roles.conseil, _opinion(), actor=roles.animator,
                                           now=datetime(2026, 3, 5, tzinfo=UTC))
    observation = opinion.observations[0]
    annual_report.record_follow_up(observation, "Travaux en septembre.", actor=roles.project_lead,
                                   status=ContributionStatus.retained)
    contribution = observation.contribution
    assert contribution.status == ContributionStatus.retained and contribution.answer == "Travaux en septembre."
    assert {m.recipient for m in outbox()} == {roles.animator.email}


def test_the_contract_page_reads_rounds_latest_first_with_opinions_and_observations(roles, round_):
    later = annual_report.open_round(2026, date(2027, 3, 20), actor=roles.project_lead,
                                     now=datetime(2027, 2, 1, tzinfo=UTC))
    opinion = annual_report.record_opinion(round_, roles.conseil, _opinion(), actor=roles.animator,
                                           now=datetime(2026, 3, 5, tzinfo=UTC))
    annual_report.record_opinion(round_, roles.other_conseil, _opinion(observations="",
                                 position=OpinionPosition.favourable), actor=roles.project_lead,
                                 now=datetime(2026, 3, 6, tzinfo=UTC))
    db.session.commit()

    shown = queries.published_rounds()

    assert [(r.year, r.deadline) for r in shown] == [(2026, later.deadline), (2025, date(2026, 3, 20))]
    assert shown[0].opinions == []
    first, second = shown[1].opinions
    assert (first.conseil_name, first.position) == (roles.conseil.name, OpinionPosition.reserved)
    assert first.majority_html == opinion.majority_html and "Deux membres" in first.dissenting_html
    assert first.observations == [(o.contribution_id, o.contribution.title) for o in opinion.observations]
    assert len(first.observations) == 2
    assert (second.conseil_name, second.position, second.observations) == (
        roles.other_conseil.name, OpinionPosition.favourable, [])
