"""Proposals: residents propose initiatives for their quartier, neighbours support and comment them."""

from __future__ import annotations

from typing import Any

import click
from flask import Blueprint, Flask
from flask.cli import AppGroup, with_appcontext
from flask_babel import lazy_gettext as _l

from participation.registry import ConseilSection, HomeSection, NavItem, Registry

blueprint = Blueprint("proposals", __name__)
proposals_cli = AppGroup("proposals", help="Proposals of residents.")


def init_app(app: Flask, registry: Registry) -> None:
    from participation.proposals import policy, services, views  # noqa: F401 - routes
    from participation.proposals.forms import PHASE_LABELS, THEME_LABELS

    app.jinja_env.globals.update(proposal_theme_label=lambda theme: THEME_LABELS[theme],
                                 proposal_phase_label=lambda phase: PHASE_LABELS[phase],
                                 proposal_rules=services.rules, photo_limit_bytes=services.image_limit,
                                 proposal_awaits_examination=services.awaits_examination)
    app.cli.add_command(proposals_cli)
    registry.nav.append(NavItem("proposals.list_proposals", _l("Proposals"), 200))
    registry.back_office_nav.append(NavItem("proposals.list_settings", _l("Proposals: settings"), 210,
                                            visible=policy.can_configure_any))
    registry.back_office_nav.append(NavItem("proposals.assisted_proposal", _l("Assisted entry"), 220,
                                            visible=policy.can_enter_on_behalf_anywhere))
    registry.home_sections.append(HomeSection("proposals/_home_latest.html", _home_latest, 200))
    registry.conseil_sections.append(ConseilSection("proposals/_conseil_latest.html", _conseil_latest, 200))
    registry.user_data.append(("proposals", _export_user_data))
    registry.contribution_participants["proposal"] = services.participants
    registry.contribution_source_url["proposal"] = _source_url
    registry.participation_activity.extend([_supports_activity, _comments_activity])
    _register_moderation_targets()


def _source_url(contribution: Any) -> str:
    from participation.urls import external_url

    return external_url("proposals.show_proposal", proposal_id=contribution.source_id)


def _supports_activity() -> Any:
    """Supporting a proposal is taking part (the proposals themselves count as submitted contributions)."""
    from sqlalchemy import select

    from participation.proposals.models import Proposal, Support

    return (select(Support.user_id.label("user_id"), Proposal.conseil_id.label("conseil_id"),
                   Support.created_at.label("at"))
            .join(Proposal, Proposal.id == Support.proposal_id).where(Support.user_id.is_not(None)))


def _comments_activity() -> Any:
    from sqlalchemy import select

    from participation.proposals.models import Comment, Proposal

    return (select(Comment.author_id.label("user_id"), Proposal.conseil_id.label("conseil_id"),
                   Comment.created_at.label("at"))
            .join(Proposal, Proposal.id == Comment.proposal_id).where(Comment.author_id.is_not(None)))


def _register_moderation_targets() -> None:
    from participation.moderation.services import Target, register_target
    from participation.proposals import services
    from participation.proposals.models import ProposalState
    from participation.urls import external_url

    register_target(Target(
        type="proposal", label=_l("proposal"), load_many=services.load_proposals,
        conseil_id=lambda proposal: proposal.conseil_id, author=lambda proposal: proposal.author,
        is_hidden=lambda proposal: proposal.state == ProposalState.hidden,
        hide=services.hide_proposal, restore=services.publish, excerpt=lambda proposal: proposal.title,
        url=lambda proposal: external_url("proposals.show_proposal", proposal_id=proposal.id),
        is_pending=lambda proposal: proposal.state == ProposalState.pending,
        pending=services.pending_proposals,
    ))
    register_target(Target(
        type="proposal_comment", label=_l("comment"), load_many=services.load_comments,
        conseil_id=lambda comment: comment.proposal.conseil_id, author=lambda comment: comment.author,
        is_hidden=lambda comment: comment.is_hidden, hide=services.hide_comment, restore=services.restore_comment,
        excerpt=lambda comment: comment.body[:300],
        url=lambda comment: external_url("proposals.show_proposal", proposal_id=comment.proposal_id)
        + f"#commentaire-{comment.id}",
    ))


def _home_latest() -> dict[str, Any]:
    from sqlalchemy import select
    from sqlalchemy.orm import joinedload

    from participation.db import inline
    from participation.extensions import db
    from participation.proposals.models import Proposal, ProposalState

    proposals = db.session.scalars(
        select(Proposal).where(Proposal.state == ProposalState.published)
        .options(joinedload(Proposal.qpv), joinedload(Proposal.author))
        .order_by(Proposal.created_at.desc(), Proposal.id.desc()).limit(inline(3))
    ).all()
    return {"latest_proposals": proposals}


def _conseil_latest(conseil: Any) -> dict[str, Any]:
    from sqlalchemy import func, select
    from sqlalchemy.orm import joinedload

    from participation.db import inline
    from participation.extensions import db
    from participation.proposals.models import Proposal, ProposalState

    visible = (Proposal.conseil_id == conseil.id, Proposal.state == ProposalState.published)
    proposals = db.session.scalars(
        select(Proposal).where(*visible).options(joinedload(Proposal.qpv), joinedload(Proposal.author))
        .order_by(Proposal.created_at.desc(), Proposal.id.desc()).limit(inline(5))
    ).all()
    total = db.session.scalar(select(func.count(Proposal.id)).where(*visible)) or 0
    return {"conseil_proposals": proposals, "conseil_proposal_total": total}


def _export_user_data(user: Any) -> dict[str, Any]:
    from sqlalchemy import select

    from participation.extensions import db
    from participation.proposals.models import Comment, Proposal, Support

    proposals = db.session.scalars(select(Proposal).where(Proposal.author_id == user.id).order_by(Proposal.id))
    supports = db.session.execute(
        select(Support.created_at, Proposal.id, Proposal.title).join(Proposal, Proposal.id == Support.proposal_id)
        .where(Support.user_id == user.id).order_by(Support.id)
    )
    comments = db.session.scalars(select(Comment).where(Comment.author_id == user.id).order_by(Comment.id))
    return {
        "proposals": [
            {"id": p.id, "title": p.title, "text": p.body, "theme": p.theme.value, "place": p.place,
             "state": p.state.value, "created_at": p.created_at.isoformat(), "photo": bool(p.image_name)}
            for p in proposals
        ],
        "supports": [{"proposal": row.id, "title": row.title, "at": row.created_at.isoformat()}
                     for row in supports],
        "comments": [
            {"proposal": c.proposal_id, "text": c.body, "at": c.created_at.isoformat(), "hidden": c.is_hidden}
            for c in comments
        ],
    }


@proposals_cli.command("purge-photos")
@with_appcontext
def purge_photos() -> None:
    """Delete photos sent with a preview but never published (older than a day); run daily by cron."""
    from participation.proposals.services import purge_orphan_images

    click.echo(f"{purge_orphan_images()} photo(s) deleted.")
