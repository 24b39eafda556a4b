from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from participation.audit import AuditEntry
from participation.db import inline
from participation.errors import DomainError
from participation.extensions import db
from participation.forms import choices
from participation.moderation import blueprint, policy, services
from participation.moderation.forms import AppealForm, AuditFilterForm, DecisionForm, ReviewForm
from participation.moderation.models import (
    Appeal,
    AppealStatus,
    DecisionAction,
    ModerationDecision,
    Report,
    ReportReason,
)
from participation.pagination import paginate
from participation.permissions import authorize
from participation.territory.models import Conseil
from participation.territory.services import list_conseils


def reason_label(reason: ReportReason) -> str:
    labels = {
        ReportReason.insult: _("Insults or harassment"),
        ReportReason.hate: _("Hatred or discrimination"),
        ReportReason.personal_data: _("Personal information about someone"),
        ReportReason.spam: _("Advertising or spam"),
        ReportReason.off_topic: _("Nothing to do with the quartier"),
        ReportReason.misinformation: _("False information"),
        ReportReason.other: _("Another reason"),
    }
    return labels[reason]


def decision_label(action: DecisionAction) -> str:
    labels = {
        DecisionAction.hidden: _("Hidden"),
        DecisionAction.restored: _("Restored or kept visible"),
        DecisionAction.approved: _("Approved and published"),
        DecisionAction.auto_hidden: _("Hidden automatically after reports"),
        DecisionAction.appeal_upheld: _("Kept hidden after a second review"),
        DecisionAction.appeal_granted: _("Restored after a second review"),
    }
    return labels[action]


AUDIT_ACTIONS = {
    "moderation.hidden": lambda: _("Content hidden"),
    "moderation.restored": lambda: _("Content restored or kept"),
    "moderation.approved": lambda: _("Content approved"),
    "moderation.auto_hidden": lambda: _("Content hidden automatically"),
    "moderation.appeal_filed": lambda: _("Appeal filed"),
    "moderation.appeal_upheld": lambda: _("Appeal rejected"),
    "moderation.appeal_granted": lambda: _("Appeal granted"),
    "proposal.status_changed": lambda: _("Status of a proposal changed"),
    "proposal.answered": lambda: _("Official answer published"),
    "proposal.assisted_entry": lambda: _("Proposal entered for a resident"),
    "proposal.assisted_support": lambda: _("Support entered for a resident"),
    "proposals.settings_changed": lambda: _("Proposal settings changed"),
}


def audit_action_label(action: str) -> str:
    label = AUDIT_ACTIONS.get(action)
    return label() if label is not None else action


def _load_item(target_type: str, target_id: int) -> tuple[services.Target, Any]:
    try:
        target = services.get_target(target_type)
    except services.UnknownTarget:
        abort(404)
    item = services.load_item(target_type, target_id)
    if item is None:
        abort(404)
    return target, item


def _conseil_of(target: services.Target, item: Any) -> Conseil | None:
    conseil_id = target.conseil_id(item)
    return db.session.get(Conseil, conseil_id) if conseil_id else None


@blueprint.route("/animation/moderation")
def queue():
    authorize(policy.can_see_queue(current_user))
    scope = services.moderated_conseil_ids(current_user)
    return render_template("moderation/queue.html", queue=services.queue(scope))


def _render_decide(target: services.Target, item: Any, conseil: Conseil | None, form: DecisionForm | None = None,
                   review_form: ReviewForm | None = None, status: int = 200):
    decisions = list(db.session.scalars(
        select(ModerationDecision).where(ModerationDecision.target_type == target.type,
                                         ModerationDecision.target_id == item.id)
        .options(joinedload(ModerationDecision.moderator)).order_by(ModerationDecision.id.desc())
    ))
    reports = list(db.session.scalars(
        select(Report).where(Report.target_type == target.type, Report.target_id == item.id)
        .order_by(Report.id.desc()).limit(inline(100))
    ))
    appeal = db.session.scalar(
        select(Appeal).where(Appeal.target_type == target.type, Appeal.target_id == item.id)
        .options(joinedload(Appeal.decision), joinedload(Appeal.author)).order_by(Appeal.id.desc())
    )
    return render_template(
        "moderation/decide.html", target=target, item=item, conseil=conseil, decisions=decisions,
        reports=reports, appeal=appeal, form=form or DecisionForm(formdata=None),
        review_form=review_form or ReviewForm(formdata=None), hidden=target.is_hidden(item),
        pending=target.is_pending(item),
    ), status


@blueprint.route("/animation/moderation/<target_type>/<int:target_id>", methods=["GET", "POST"])
def decide(target_type: str, target_id: int):
    target, item = _load_item(target_type, target_id)
    conseil = _conseil_of(target, item)
    authorize(policy.can_moderate(current_user, conseil))
    if request.method == "GET":
        return _render_decide(target, item, conseil)
    form = DecisionForm()
    action = request.form.get("action")
    if form.validate_on_submit() and action in ("hide", "restore"):
        try:
            if action == "hide":
                services.hide(current_user, target_type, item, form.reason.data)
            else:
                services.restore(current_user, target_type, item, form.reason.data)
        except DomainError as error:
            db.session.rollback()
            form.reason.errors = [error.message]
        else:
            db.session.commit()
            flash(_("Your decision is recorded and the author is told.") if action == "hide"
                  else _("Your decision is recorded."), "success")
            return redirect(url_for("moderation.queue"))
    return _render_decide(target, item, conseil, form=form, status=422)


@blueprint.route("/animation/moderation/recours/<int:appeal_id>", methods=["POST"])
def review_appeal(appeal_id: int):
    appeal = db.session.get(Appeal, appeal_id)
    if appeal is None:
        abort(404)
    target, item = _load_item(appeal.target_type, appeal.target_id)
    authorize(policy.can_review_appeal(current_user, appeal))
    form = ReviewForm()
    if form.validate_on_submit():
        try:
            services.review_appeal(current_user, appeal, grant=form.outcome.data == "grant",
                                   reason=form.reason.data)
        except DomainError as error:
            db.session.rollback()
            form.reason.errors = [error.message]
        else:
            db.session.commit()
            flash(_("The appeal is decided and the author is told."), "success")
            return redirect(url_for("moderation.queue"))
    return _render_decide(target, item, _conseil_of(target, item), review_form=form, status=422)


@blueprint.route("/moderation/recours/<int:decision_id>", methods=["GET", "POST"])
def appeal(decision_id: int):
    decision = db.session.get(ModerationDecision, decision_id)
    if decision is None:
        abort(404)
    target, item = _load_item(decision.target_type, decision.target_id)
    author = target.author(item)
    existing = services.appeal_for(decision.target_type, decision.target_id, current_user.id) \
        if current_user.is_authenticated else None
    if existing is None:
        authorize(policy.can_appeal(current_user, decision, author))
    form = AppealForm()
    if existing is None and form.validate_on_submit():
        try:
            services.file_appeal(current_user, decision, form.text.data)
        except DomainError as error:
            db.session.rollback()
            form.text.errors = [error.message]
        else:
            db.session.commit()
            flash(_("Your request is sent. Another person of the team will review the decision and tell you "
                    "by e-mail."), "success")
            return redirect(url_for("moderation.appeal", decision_id=decision.id))
    status = 422 if request.method == "POST" and existing is None else 200
    return render_template("moderation/appeal.html", decision=decision, target=target, item=item, form=form,
                           existing=existing, AppealStatus=AppealStatus), status


@blueprint.route("/pilotage/journal")
def audit_log():
    authorize(policy.can_see_audit_log(current_user))
    conseils = list_conseils()
    form = AuditFilterForm(request.args)
    form.conseil.choices = choices([("", _("All conseils"))] + [(str(c.id), c.name) for c in conseils])
    form.action.choices = choices([("", _("All actions"))] + [(key, label()) for key, label in AUDIT_ACTIONS.items()])
    query = select(AuditEntry).options(joinedload(AuditEntry.actor)).order_by(AuditEntry.at.desc(),
                                                                               AuditEntry.id.desc())
    if form.conseil.data and form.conseil.data.isdigit():
        query = query.where(AuditEntry.conseil_id == int(form.conseil.data))
    if form.action.data in AUDIT_ACTIONS:
        query = query.where(AuditEntry.action == form.action.data)
    page = paginate(query, request.args.get("page", 1, type=int), per_page=50)
    names = {conseil.id: conseil.name for conseil in conseils}
    return render_template("moderation/audit_log.html", page=page, form=form, conseil_names=names,
                           action_label=audit_action_label, targets=set(services.registered_types()),
                           status_text=_status_text)


def _status_text(value: str) -> str:
    from participation.contract.models import ContributionStatus
    from participation.contract.services import status_label

    try:
        return status_label(ContributionStatus(value))
    except ValueError:
        return value
