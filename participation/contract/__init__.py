"""Back into the contract: contributions, their status and their public follow-up."""

from flask import Blueprint, Flask

from participation.registry import HomeSection, Registry

blueprint = Blueprint("contract", __name__)


def init_app(app: Flask, registry: Registry) -> None:
    from participation.contract import services, views  # noqa: F401 - routes

    app.jinja_env.globals.update(
        contribution_status_label=services.status_label,
        contribution_event_label=services.event_label,
        contribution_kind_label=services.kind_label,
    )
    registry.home_sections.append(HomeSection("contract/_home_answered.html", _recently_answered, 900))


def _recently_answered() -> dict:
    from sqlalchemy import select

    from participation.contract.models import Contribution
    from participation.extensions import db

    contributions = db.session.scalars(
        select(Contribution).where(Contribution.answered_at.is_not(None))
        .order_by(Contribution.answered_at.desc()).limit(5)
    ).all()
    return {"answered": contributions}
