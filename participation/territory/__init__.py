"""Territory: the QPV reference and the conseils citoyens."""

from flask import Blueprint, Flask
from flask_babel import lazy_gettext as _l

from participation.registry import NavItem, Registry

blueprint = Blueprint("territory", __name__)


def init_app(app: Flask, registry: Registry) -> None:
    from participation.territory import cli, views  # noqa: F401 - routes

    app.cli.add_command(cli.qpv_group)
    registry.nav.append(NavItem("territory.list_conseils", _l("Conseils citoyens"), 100))
    registry.user_data.append(("memberships", _export_memberships))


def _export_memberships(user) -> list[dict]:
    from sqlalchemy import select

    from participation.extensions import db
    from participation.territory.models import Membership

    memberships = db.session.scalars(select(Membership).where(Membership.user_id == user.id))
    return [
        {
            "conseil": membership.conseil.name,
            "college": membership.college.value,
            "seat": membership.seat.value,
            "organisation": membership.organisation,
            "listed_publicly": membership.listed_publicly,
            "started_on": membership.started_on.isoformat(),
            "ended_on": membership.ended_on.isoformat() if membership.ended_on else None,
        }
        for membership in memberships
    ]
