"""Moderation: reports, hide and restore with a reason, appeals, and the audit log of the chef de projet."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Flask
from flask_babel import lazy_gettext as _l

from participation.registry import NavItem, Registry

blueprint = Blueprint("moderation", __name__)


def init_app(app: Flask, registry: Registry) -> None:
    from participation.moderation import policy, views  # noqa: F401 - routes

    app.jinja_env.globals.update(moderation_reason_label=views.reason_label,
                                 moderation_action_label=views.decision_label)
    registry.back_office_nav.append(NavItem("moderation.queue", _l("Moderation"), 200,
                                            visible=policy.can_see_queue))
    registry.back_office_nav.append(NavItem("moderation.audit_log", _l("Audit log"), 950,
                                            visible=policy.can_see_audit_log))
    registry.user_data.append(("moderation", _export_user_data))


def _export_user_data(user: Any) -> dict[str, Any]:
    from sqlalchemy import select

    from participation.extensions import db
    from participation.moderation.models import Appeal, Report

    reports = db.session.scalars(select(Report).where(Report.reporter_id == user.id).order_by(Report.id))
    appeals = db.session.scalars(select(Appeal).where(Appeal.author_id == user.id).order_by(Appeal.id))
    return {
        "reports": [{"content": r.target_type, "id": r.target_id, "reason": r.reason.value, "details": r.details,
                     "at": r.created_at.isoformat()} for r in reports],
        "appeals": [{"content": a.target_type, "id": a.target_id, "text": a.text, "status": a.status.value,
                     "at": a.created_at.isoformat()} for a in appeals],
    }
