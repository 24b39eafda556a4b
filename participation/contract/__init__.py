"""Back into the contract: the contrat de ville, contributions, their status and public follow-up.

Rules live in ``services`` (contributions, links, timelines), ``structure`` (the contract's tree and
its spreadsheet import) and ``annual_report`` (the yearly round of opinions); ``queries`` holds the
read-only queries of the pages.
"""

from flask import Blueprint, Flask
from flask_babel import lazy_gettext as _l

from participation.registry import HomeSection, NavItem, Registry

blueprint = Blueprint("contract", __name__)


def init_app(app: Flask, registry: Registry) -> None:
    from participation.contract import annual_report, cli, policy, services, views  # noqa: F401 - routes

    app.jinja_env.globals.update(
        contribution_status_label=services.status_label,
        contribution_event_label=services.event_label,
        contribution_kind_label=services.kind_label,
        node_level_label=services.level_label,
        pillar_label=services.pillar_label,
        opinion_position_label=services.position_label,
    )
    app.cli.add_command(cli.contract_group)
    registry.home_sections.append(HomeSection("contract/_home_answered.html", _recently_answered, 900))
    registry.nav.append(NavItem("contract.show_contract", _l("Contrat de ville"), 600))
    registry.back_office_nav.append(NavItem("contract.list_contributions", _l("Contributions"), 600,
                                            visible=policy.can_manage_contributions))
    registry.back_office_nav.append(NavItem("contract.edit_contract", _l("Contract structure"), 610,
                                            visible=policy.can_edit_contract))
    registry.back_office_nav.append(NavItem("contract.list_rounds", _l("Annual report"), 620,
                                            visible=policy.can_see_rounds))
    registry.contribution_participants[annual_report.OBSERVATION_SOURCE] = annual_report.observation_participants
    registry.contribution_source_url[annual_report.OBSERVATION_SOURCE] = _observation_url
    registry.participation_activity.append(_submitted_contributions)


def _observation_url(contribution) -> str:
    from flask import url_for

    from participation.contract.annual_report import observation_for

    observation = observation_for(contribution)
    if observation is None:
        return url_for("contract.show_contract")
    return url_for("contract.show_contract", _anchor=f"rapport-{observation.opinion.round.year}")


def _submitted_contributions():
    """People who submitted a contribution in their own name took part."""
    from sqlalchemy import select

    from participation.contract.models import Contribution, ContributionEvent, EventKind

    return (select(ContributionEvent.actor_id.label("user_id"), Contribution.conseil_id.label("conseil_id"),
                   ContributionEvent.occurred_at.label("at"))
            .join(Contribution, Contribution.id == ContributionEvent.contribution_id)
            .where(ContributionEvent.kind == EventKind.submitted, ContributionEvent.actor_id.is_not(None),
                   ContributionEvent.actor_label.is_(None)))


def _recently_answered() -> dict:
    from sqlalchemy import select

    from participation.contract.models import Contribution
    from participation.db import inline
    from participation.extensions import db

    contributions = db.session.scalars(
        select(Contribution).where(Contribution.answered_at.is_not(None))
        .order_by(Contribution.answered_at.desc()).limit(inline(5))
    ).all()
    return {"answered": contributions}
