"""Minutes: meetings of the conseils, attendance and quorum, reviewed minutes, decisions and action items."""

from flask import Blueprint, Flask
from flask_babel import lazy_gettext as _l

from participation.registry import ConseilSection, NavItem, Registry

blueprint = Blueprint("minutes", __name__)


def init_app(app: Flask, registry: Registry) -> None:
    from participation.minutes import policy, rendering, services, views  # noqa: F401 - routes
    from participation.minutes.labels import label

    app.jinja_env.globals.update(minutes_label=label, minutes_render=rendering)
    app.jinja_env.filters["iso_datetime"] = views.iso_datetime
    registry.nav.append(NavItem("minutes.list_minutes", _l("Minutes"), 400))
    registry.back_office_nav.append(NavItem("minutes.list_meetings", _l("Meetings and minutes"), 300,
                                            visible=policy.can_use_back_office))
    registry.conseil_sections.append(ConseilSection("minutes/_conseil_section.html", _conseil_section, 300))
    registry.user_data.append(("minutes", services.export_user_data))
    registry.on_account_deletion.append(services.forget_user)
    registry.contribution_participants[services.SOURCE_TYPE] = services.contribution_participants
    registry.contribution_source_url[services.SOURCE_TYPE] = services.contribution_source_url


def _conseil_section(conseil) -> dict:
    from participation.minutes import services

    return {"open_actions": services.open_action_items(conseil),
            "latest_minutes": services.latest_published(conseil)}
