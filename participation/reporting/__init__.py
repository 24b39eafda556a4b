"""Reporting: the dashboard of participation (/pilotage) and the exports (/pilotage/exports).

Capabilities add figures through ``registry.dashboard_indicators`` and the people who took part
through ``registry.participation_activity`` (see participation/registry.py).
"""

from flask import Blueprint, Flask
from flask_babel import lazy_gettext as _l

from participation.registry import NavItem, Registry

blueprint = Blueprint("reporting", __name__)


def init_app(app: Flask, registry: Registry) -> None:
    from participation.reporting import policy, views  # noqa: F401 - routes

    app.jinja_env.filters["format_figure"] = format_figure

    registry.back_office_nav.append(NavItem("reporting.dashboard", _l("Dashboard"), 590,
                                            visible=policy.can_see_dashboard))
    registry.back_office_nav.append(NavItem("reporting.list_exports", _l("Exports"), 630,
                                            visible=policy.can_see_dashboard))


def format_figure(value) -> str:
    """A figure as people read it in their language: "1 234", "12,5"; nothing known is a dash."""
    from babel.numbers import format_decimal
    from flask_babel import get_locale

    if value is None:
        return "–"
    if isinstance(value, bool) or not isinstance(value, int | float):
        return str(value)
    locale = str(get_locale() or "fr")
    return format_decimal(value, format="#,##0.#", locale=locale)
