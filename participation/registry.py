"""What capabilities contribute to shared pages and processes, without reaching into each other.

Each capability's ``init_app(app, registry)`` adds its navigation entries, home-page sections,
personal-data exporters and account-deletion steps here. The shared code (base layout, home page,
"my data" export, account deletion) reads the registry, so adding a capability never edits them.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from flask import Flask, current_app, render_template
from markupsafe import Markup


def _always(user: Any) -> bool:
    return True


@dataclass(frozen=True)
class NavItem:
    endpoint: str
    label: Any  # a lazy string
    order: int
    visible: Callable[[Any], bool] = _always


@dataclass(frozen=True)
class HomeSection:
    """A block of the home page: ``template`` is rendered with what ``context()`` returns."""

    template: str
    context: Callable[[], dict[str, Any]]
    order: int


@dataclass(frozen=True)
class Recipient:
    """Someone to tell by mail: an account, or a guest who left an address."""

    email: str
    locale: str = "fr"
    name: str = ""


@dataclass(frozen=True)
class ConseilSection:
    template: str
    context: Callable[[Any], dict[str, Any]]
    order: int


@dataclass(frozen=True)
class SourceDocument:
    """A document a capability offers others to cite, e.g. approved minutes for a conseil's opinion."""

    source_type: str
    source_id: int
    label: str
    url: str


@dataclass(frozen=True)
class DashboardScope:
    """What the dashboard shows: a period (UTC, ``start`` included, ``end`` excluded) and which conseils.

    ``conseil_ids`` is None for the whole territory; otherwise only these conseils (an animator's, or
    the conseils covering the chosen QPV). ``first_day``/``last_day`` are the dates the person chose.
    """

    start: datetime
    end: datetime
    first_day: date
    last_day: date
    conseil_ids: frozenset[int] | None = None
    qpv_id: int | None = None


@dataclass(frozen=True)
class IndicatorTable:
    """One figure of the dashboard: a table (shown, charted and downloadable in every format).

    ``columns`` are ``participation.exports.Column``; ``rows`` tuples in column order. The chart draws
    ``rows[i][chart_value]`` against ``rows[i][chart_label]`` (no chart when ``chart_value`` is None).
    Never put counts of people below 10 in a breakdown by gender or age: use ``reporting.small_groups``.
    """

    key: str
    title: Any
    columns: Sequence[Any]
    rows: Sequence[Sequence[Any]]
    chart_label: int = 0
    chart_value: int | None = 1
    note: Any = None


@dataclass(frozen=True)
class DashboardIndicator:
    """A block of figures a capability adds to ``/pilotage``: ``compute(scope)`` returns its tables."""

    key: str
    title: Any
    compute: Callable[[DashboardScope], list[IndicatorTable]]
    order: int = 500


@dataclass
class Registry:
    nav: list[NavItem] = field(default_factory=list)
    back_office_nav: list[NavItem] = field(default_factory=list)
    home_sections: list[HomeSection] = field(default_factory=list)
    # Blocks of a conseil's public page (upcoming workshops, open action items…): template + context(conseil)
    conseil_sections: list[ConseilSection] = field(default_factory=list)
    # (section name, callable(user) -> JSON-serialisable data) for the "download my data" export
    user_data: list[tuple[str, Callable[[Any], Any]]] = field(default_factory=list)
    # Per contribution source_type: who took part (to notify them), and where the source is shown.
    contribution_participants: dict[str, Callable[[Any], list[Recipient]]] = field(default_factory=dict)
    contribution_source_url: dict[str, Callable[[Any], str]] = field(default_factory=dict)
    # callables(user) run inside the deletion transaction, before the account itself is anonymized
    on_account_deletion: list[Callable[[Any], None]] = field(default_factory=list)
    # Who took part, for the dashboard: callables returning a SQLAlchemy select of three labelled
    # columns ``user_id``, ``conseil_id`` (may be NULL) and ``at`` (UTC), one row per act of participation
    # (a proposal, a support, an answer, a workshop attended…). The dashboard unions them all.
    participation_activity: list[Callable[[], Any]] = field(default_factory=list)
    # Extra figures of /pilotage (workshop attendance, consultation answers by channel…).
    dashboard_indicators: list[DashboardIndicator] = field(default_factory=list)
    # callables(conseil) -> list[SourceDocument]: approved minutes an opinion on the annual report may cite.
    approved_minutes: list[Callable[[Any], list[SourceDocument]]] = field(default_factory=list)

    def sorted_nav(self) -> list[NavItem]:
        return sorted(self.nav, key=lambda item: item.order)

    def sorted_back_office_nav(self) -> list[NavItem]:
        return sorted(self.back_office_nav, key=lambda item: item.order)

    def sorted_conseil_sections(self) -> list[ConseilSection]:
        return sorted(self.conseil_sections, key=lambda section: section.order)

    def sorted_dashboard_indicators(self) -> list[DashboardIndicator]:
        return sorted(self.dashboard_indicators, key=lambda indicator: indicator.order)

    def sorted_home_sections(self) -> list[HomeSection]:
        return sorted(self.home_sections, key=lambda section: section.order)


def install(app: Flask) -> Registry:
    registry = Registry()
    app.extensions["participation.registry"] = registry
    return registry


def get_registry() -> Registry:
    return current_app.extensions["participation.registry"]


def render_sections(sections: list[Any], *args: Any, **shared: Any) -> list[Markup]:
    """Render each section's template with ``shared`` and the variables its ``context(*args)`` returns."""
    # Autoescaped templates render these, so their output is safe HTML.
    return [Markup(render_template(section.template, **shared, **section.context(*args)))  # noqa: S704
            for section in sections]
