"""Workshops (ateliers): sign-ups with capacity and waitlist, reminders, attendance, conclusions."""

from __future__ import annotations

import os

from flask import Blueprint, Flask
from flask_babel import lazy_gettext as _l

from participation.registry import ConseilSection, DashboardIndicator, HomeSection, NavItem, Registry

blueprint = Blueprint("workshops", __name__)


def init_app(app: Flask, registry: Registry) -> None:
    from participation.workshops import cli, indicators, policy, services, views  # noqa: F401 - routes
    from participation.workshops.labels import (
        access_need_label,
        attendance_label,
        format_hour,
        offers,
        seats_state,
        status_label,
        theme_label,
        time_range,
    )

    if "WORKSHOP_PURGE_DAYS" not in app.config and os.environ.get("WORKSHOP_PURGE_DAYS"):
        app.config["WORKSHOP_PURGE_DAYS"] = int(os.environ["WORKSHOP_PURGE_DAYS"])
    app.cli.add_command(cli.workshops_group)
    app.jinja_env.globals.update(
        workshop_theme_label=theme_label, access_need_label=access_need_label,
        registration_status_label=status_label, attendance_label=attendance_label,
        workshop_time_range=time_range, workshop_hour=format_hour, workshop_offers=offers,
        workshop_seats=seats_state,
    )
    registry.nav.append(NavItem("workshops.list_workshops", _l("Workshops"), 200))
    registry.back_office_nav.append(NavItem("workshops.animation_list", _l("Workshops I run"), 200,
                                            visible=policy.can_animate_workshops))
    registry.home_sections.append(HomeSection("workshops/_home_upcoming.html", _home_upcoming, 200))
    registry.conseil_sections.append(ConseilSection("workshops/_conseil_upcoming.html", _conseil_upcoming, 200))
    registry.user_data.append(("workshop_registrations", services.export_user_registrations))
    registry.on_account_deletion.append(services.forget_user)
    registry.contribution_participants[services.SOURCE_TYPE] = services.news_recipients
    registry.contribution_source_url[services.SOURCE_TYPE] = _source_url
    registry.participation_activity.append(indicators.attended_activity)
    registry.dashboard_indicators.append(DashboardIndicator("workshops", _l("Workshops"), indicators.workshop_tables,
                                                            300))


def _home_upcoming() -> dict:
    from participation.workshops.display import cards
    from participation.workshops.services import upcoming

    return {"upcoming_workshops": cards(upcoming(limit=3))}


def _conseil_upcoming(conseil) -> dict:
    from participation.workshops.display import cards
    from participation.workshops.services import upcoming

    return {"conseil_workshops": cards(upcoming(limit=5, conseil_id=conseil.id)), "workshops_conseil": conseil}


def _source_url(contribution) -> str:
    from flask import url_for

    return url_for("workshops.show_workshop", workshop_id=contribution.source_id)
