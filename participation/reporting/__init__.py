"""Reporting: the dashboard of participation (/pilotage) and the exports (/pilotage/exports).

Capabilities add figures through ``registry.dashboard_indicators`` and the people who took part
through ``registry.participation_activity`` (see participation/registry.py).
"""

from functools import lru_cache

from flask import Blueprint, Flask
from flask_babel import lazy_gettext as _l
from jinja2 import pass_context

from participation.registry import NavItem, Registry

blueprint = Blueprint("reporting", __name__)


def init_app(app: Flask, registry: Registry) -> None:
    from participation.reporting import charts, policy, views  # noqa: F401 - routes

    app.jinja_env.filters["format_figure"] = format_figure
    app.jinja_env.globals.update(
        figure_cells=pass_context(lambda context, row: charts.table_cells(row, _context_locale(context))),
        chart_bars=pass_context(lambda context, table: charts.chart_bars(table, _context_locale(context))),
    )

    registry.back_office_nav.append(NavItem("reporting.dashboard", _l("Dashboard"), 590,
                                            visible=policy.can_see_dashboard))
    registry.back_office_nav.append(NavItem("reporting.list_exports", _l("Exports"), 630,
                                            visible=policy.can_see_dashboard))


@pass_context
def format_figure(context, value) -> str:
    """A figure as people read it in their language: "1 234", "12,5"; nothing known is a dash.

    The dashboard puts its language in the context (``figure_locale``): looking it up per figure costs
    more than formatting it.
    """
    return format_figure_in(value, _context_locale(context))


def format_figure_in(value, locale: str) -> str:
    if value is None:
        return "–"
    if isinstance(value, bool) or not isinstance(value, int | float):
        return str(value)
    return _formatted(value, type(value), locale)


def _context_locale(context) -> str:
    return context.get("figure_locale") or _locale()


def _locale() -> str:
    from flask_babel import get_locale

    return str(get_locale() or "fr")


@lru_cache(maxsize=4096)
def _formatted(value: int | float, kind: type, locale: str) -> str:
    """Babel's formatting, remembered: the dashboard prints hundreds of figures, most of them small and repeated.

    ``kind`` keeps 1 and 1.0 apart in the cache (they are equal keys for Python).
    """
    from babel.numbers import format_decimal

    return format_decimal(value, format="#,##0.#", locale=locale)
