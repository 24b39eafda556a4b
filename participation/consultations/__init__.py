"""Consultations: questionnaires residents answer from a phone, public results and a synthesis for the contract."""

from flask import Blueprint, Flask
from flask_babel import lazy_gettext as _l

from participation.registry import ConseilSection, DashboardIndicator, HomeSection, NavItem, Registry

blueprint = Blueprint("consultations", __name__)


def init_app(app: Flask, registry: Registry) -> None:
    from participation.consultations import cli, indicators, labels, manage_views, policy, services, views  # noqa: F401

    app.cli.add_command(cli.consultations_group)
    app.jinja_env.globals.update(
        consultation_phase_label=labels.phase_label,
        consultation_audience_label=labels.audience_label,
        consultation_channel_label=labels.channel_label,
        question_kind_label=labels.kind_label,
        format_share=labels.format_share,
        format_number=labels.format_number,
    )
    registry.nav.append(NavItem("consultations.list_consultations", _l("Consultations"), 300))
    registry.back_office_nav.append(NavItem("consultations.manage_consultations", _l("Consultations"), 300,
                                            visible=policy.can_use_back_office))
    registry.home_sections.append(HomeSection("consultations/_home_open.html", _home_open, 300))
    registry.conseil_sections.append(ConseilSection("consultations/_conseil_section.html", _conseil_section, 300))
    registry.user_data.append(("consultation_responses", services.user_responses))
    registry.on_account_deletion.append(services.forget_user)
    registry.contribution_participants[services.SOURCE_TYPE] = services.contribution_participants
    registry.contribution_source_url[services.SOURCE_TYPE] = _source_url
    registry.participation_activity.append(indicators.answered_activity)
    registry.dashboard_indicators.append(DashboardIndicator("consultations", _l("Consultations"),
                                                            indicators.consultation_tables, 250))


def _home_open() -> dict:
    from participation.consultations.services import open_consultations

    return {"open_consultations": open_consultations(limit=5)}


def _conseil_section(conseil) -> dict:
    from participation.consultations.services import open_consultations, recently_closed

    return {"conseil_open_consultations": open_consultations(limit=10, conseil_id=conseil.id),
            "conseil_closed_consultations": recently_closed(conseil.id)}


def _source_url(contribution) -> str:
    from participation.urls import external_url

    return external_url("consultations.show_results", consultation_id=contribution.source_id) + "#synthese"
