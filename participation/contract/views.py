from __future__ import annotations

from datetime import datetime, time

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user
from markupsafe import Markup
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload, selectinload

from participation import audit
from participation.accounts.forms import EmptyForm
from participation.contract import (
    annual_report,
    blueprint,
    display,
    page_cache,
    policy,
    queries,
    services,
    structure,
)
from participation.contract.forms import (
    AnswerForm,
    ContractForm,
    ContributionFilterForm,
    CorrectionForm,
    EventForm,
    FollowUpForm,
    ImportForm,
    LinkForm,
    NodeForm,
    OpinionForm,
    RoundForm,
    StatusForm,
)
from participation.contract.models import (
    ContractNode,
    Contribution,
    ContributionEvent,
    ContributionKind,
    ContributionLink,
    ContributionStatus,
    EventKind,
    OpinionPosition,
    Pillar,
    ReportObservation,
)
from participation.errors import DomainError
from participation.exports import Column, stream_export
from participation.extensions import db
from participation.forms import choices
from participation.i18n import PARIS
from participation.pagination import paginate
from participation.permissions import authorize
from participation.registry import get_registry
from participation.territory.models import Conseil
from participation.territory.services import roles_of

# ------------------------------------------------------------------------------------------ public


@blueprint.route("/contrat")
def show_contract():
    title, content = page_cache.kept((str(get_locale()), request.script_root), _contract_content)
    return render_template("contract/show_contract.html", title=title, content=content)


def _contract_content() -> tuple[str | None, Markup]:
    """The page's title and content (the same for everyone who reads it in this language)."""
    contract, roots = display.contract_page()
    rounds = queries.published_rounds() if contract is not None else []
    content = render_template("contract/_contract.html", contract=contract, roots=roots, rounds=rounds)
    return (contract.title if contract is not None else None), Markup(content)  # noqa: S704 - our template


@blueprint.route("/contrat/<int:node_id>")
def show_node(node_id: int):
    nodes = {n.id: n for n in queries.nodes_of_contract_of(node_id)}
    node = nodes.get(node_id)
    if node is None:
        abort(404)
    ancestors = []
    parent_id = node.parent_id
    while parent_id is not None and parent_id in nodes:
        ancestors.insert(0, nodes[parent_id])
        parent_id = nodes[parent_id].parent_id
    children = sorted((n for n in nodes.values() if n.parent_id == node.id and n.deleted_at is None),
                      key=lambda n: (n.position, n.id))
    query = (select(Contribution).join(ContributionLink, ContributionLink.contribution_id == Contribution.id)
             .where(ContributionLink.node_id == node.id).options(joinedload(Contribution.conseil))
             .order_by(Contribution.created_at.desc(), Contribution.id.desc()))
    page = paginate(query, request.args.get("page", 1, type=int), per_page=20)
    return render_template("contract/show_node.html", node=node, ancestors=ancestors, children=children, page=page)


@blueprint.route("/suivi/<int:contribution_id>")
def follow_up(contribution_id: int):
    contribution = queries.follow_up(contribution_id)
    if contribution is None:
        abort(404)
    return render_template("contract/follow_up.html", contribution=contribution,
                           source_url=services.source_url(contribution),
                           nodes=[link.node for link in contribution.links])


# ------------------------------------------------------------------------------------------ contract (back office)


def _contract_or_404():
    contract = structure.current_contract()
    if contract is None:
        abort(404)
    return contract


def _parent_choices(contract, blank_label: str):
    pairs = [("", blank_label)]
    for depth, node in structure.flat_tree(contract):
        if structure.child_level(node.level) is not None:
            pairs.append((str(node.id), "\u2003" * depth + node.label))
    return choices(pairs)


def _node_data(form: NodeForm) -> structure.NodeData:
    return structure.NodeData(
        title=form.title.data, code=form.code.data, description=form.description.data or "",
        pillar=Pillar(form.pillar.data) if form.pillar.data else None, youth=form.youth.data,
        gender_equality=form.gender_equality.data, anti_discrimination=form.anti_discrimination.data,
    )


def _render_edit_contract(contract, form=None, node_form=None, status=200):
    if form is None:
        form = ContractForm(obj=contract) if contract is not None else ContractForm(formdata=None)
    if node_form is None and contract is not None:
        node_form = NodeForm(formdata=None, prefix="node")
    if node_form is not None:
        node_form.parent_id.choices = _parent_choices(contract, _("— A new enjeu —"))
    return render_template("contract/edit_contract.html", contract=contract, form=form, node_form=node_form,
                           rows=structure.flat_tree(contract) if contract is not None else []), status


@blueprint.route("/pilotage/contrat", methods=["GET", "POST"])
def edit_contract():
    authorize(policy.can_edit_contract(current_user))
    contract = structure.current_contract()
    if request.method == "GET":
        return _render_edit_contract(contract)
    form = ContractForm()
    if form.validate_on_submit():
        try:
            contract = structure.save_contract(structure.ContractData(
                title=form.title.data, starts_year=form.starts_year.data, ends_year=form.ends_year.data,
                signatories=form.signatories.data or "", description=form.description.data or ""), contract)
        except DomainError as error:
            form.ends_year.errors.append(error.message)
        else:
            audit.record(current_user, "contract.saved", "contract", contract.id)
            db.session.commit()
            flash(_("The contrat de ville has been saved."), "success")
            return redirect(url_for("contract.edit_contract"))
    return _render_edit_contract(contract, form=form, status=422)


@blueprint.route("/pilotage/contrat/noeuds", methods=["POST"])
def add_node():
    authorize(policy.can_edit_contract(current_user))
    contract = _contract_or_404()
    form = NodeForm(prefix="node")
    form.parent_id.choices = _parent_choices(contract, "")
    if form.validate_on_submit():
        parent = None
        if form.parent_id.data:
            parent = db.session.get(ContractNode, int(form.parent_id.data)) if form.parent_id.data.isdigit() else None
            if parent is None:
                abort(404)
        try:
            node = structure.add_node(contract, _node_data(form), parent)
        except DomainError as error:
            form.code.errors.append(error.message)
        else:
            audit.record(current_user, "contract.node_added", "contract_node", node.id)
            db.session.commit()
            flash(_("“%(title)s” has been added to the contract.", title=node.title), "success")
            return redirect(url_for("contract.edit_contract") + f"#noeud-{node.id}")
    return _render_edit_contract(contract, node_form=form, status=422)


def _node_or_404(node_id: int) -> ContractNode:
    node = db.session.get(ContractNode, node_id)
    if node is None or node.is_deleted:
        abort(404)
    return node


@blueprint.route("/pilotage/contrat/noeuds/<int:node_id>", methods=["GET", "POST"])
def edit_node(node_id: int):
    authorize(policy.can_edit_contract(current_user))
    node = _node_or_404(node_id)
    if request.method == "GET":
        form = NodeForm(obj=node, data={"pillar": node.pillar.value if node.pillar else ""})
    else:
        form = NodeForm()
    form.parent_id.choices = []
    if form.validate_on_submit():
        try:
            structure.update_node(node, _node_data(form))
        except DomainError as error:
            form.code.errors.append(error.message)
        else:
            audit.record(current_user, "contract.node_updated", "contract_node", node.id)
            db.session.commit()
            flash(_("“%(title)s” has been saved.", title=node.title), "success")
            return redirect(url_for("contract.edit_contract") + f"#noeud-{node.id}")
    linked = db.session.scalar(select(func.count(ContributionLink.id)).where(ContributionLink.node_id == node.id))
    return render_template("contract/edit_node.html", node=node, form=form, linked=linked,
                           delete_form=EmptyForm(formdata=None)), (
        422 if request.method == "POST" else 200)


@blueprint.route("/pilotage/contrat/noeuds/<int:node_id>/supprimer", methods=["POST"])
def delete_node(node_id: int):
    authorize(policy.can_edit_contract(current_user))
    node = _node_or_404(node_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    removed = structure.delete_node(node)
    audit.record(current_user, "contract.node_removed", "contract_node", node.id, label=node.label, nodes=removed)
    db.session.commit()
    flash(_("“%(title)s” has been removed from the contract; the contributions linked to it keep their history.",
            title=node.title), "success")
    return redirect(url_for("contract.edit_contract"))


@blueprint.route("/pilotage/contrat/import", methods=["GET", "POST"])
def import_contract():
    authorize(policy.can_edit_contract(current_user))
    contract = _contract_or_404()
    form = ImportForm()
    report = None
    if form.validate_on_submit():
        upload = form.file.data
        report = structure.import_file(contract, upload.filename or "", upload.stream, actor=current_user)
        if report.ok:
            audit.record(current_user, "contract.imported", "contract", contract.id, created=report.created,
                         updated=report.updated)
            db.session.commit()
            flash(_("Import done: %(created)d added, %(updated)d updated.", created=report.created,
                    updated=report.updated), "success")
            return redirect(url_for("contract.edit_contract"))
        db.session.rollback()
    status = 422 if request.method == "POST" else 200
    return render_template("contract/import_contract.html", form=form, report=report,
                           columns=structure.IMPORT_COLUMNS), status


TEMPLATE_ROWS = [
    ("enjeu", "1", "", "Tranquillité et cadre de vie", "", "cadre_de_vie", ""),
    ("orientation", "1.1", "1", "Des espaces publics sûrs et accueillants", "", "", ""),
    ("objectif", "1.1.1", "1.1", "Rénover l'éclairage des cheminements piétons", "", "", "egalite_femmes_hommes"),
    ("action", "1.1.1.a", "1.1.1", "Marches exploratoires de femmes dans chaque quartier", "", "",
     "egalite_femmes_hommes,jeunesse"),
]


@blueprint.route("/pilotage/contrat/modele.<fmt>")
def import_template(fmt: str):
    authorize(policy.can_edit_contract(current_user))
    if fmt not in ("csv", "xlsx"):
        abort(404)
    columns = [Column(name, name) for name in structure.IMPORT_COLUMNS]
    return stream_export(fmt, "modele-contrat-de-ville", columns, TEMPLATE_ROWS)


# ------------------------------------------------------------------------------------------ contributions (back office)


def _managed_conseil_ids() -> set[int] | None:
    """None when the user sees every contribution; else the conseils they animate."""
    if policy.can_see_all_contributions(current_user):
        return None
    return set(roles_of(current_user).animator_of)


@blueprint.route("/pilotage/contributions")
def list_contributions():
    authorize(policy.can_manage_contributions(current_user))
    allowed = _managed_conseil_ids()
    form = ContributionFilterForm(request.args)
    conseils = db.session.scalars(select(Conseil).order_by(Conseil.name)).all()
    if allowed is not None:
        conseils = [c for c in conseils if c.id in allowed]
    form.conseil.choices = choices([("", _("All"))] + [(str(c.id), c.name) for c in conseils])
    form.kind.choices = choices([("", _("All"))] + [(k.value, services.kind_label(k)) for k in ContributionKind])
    form.status.choices = choices([("", _("All"))] + [(s.value, services.status_label(s))
                                                      for s in ContributionStatus])
    flat = queries.flatten(queries.current_tree()[1])
    form.node.choices = choices([("", _("All")), ("none", _("Not linked yet"))]
                                + [(str(n.id), "\u2003" * d + f"{n.code} – {n.title}") for d, n in flat])
    query = select(Contribution).options(joinedload(Contribution.conseil), selectinload(Contribution.links)
                                         .joinedload(ContributionLink.node))
    if allowed is not None:
        query = query.where(Contribution.conseil_id.in_(allowed or {-1}))
    if form.validate():
        if form.q.data:
            query = query.where(Contribution.title.ilike(f"%{form.q.data.strip()}%"))
        if form.conseil.data and form.conseil.data.isdigit():
            query = query.where(Contribution.conseil_id == int(form.conseil.data))
        if form.kind.data in {k.value for k in ContributionKind}:
            query = query.where(Contribution.kind == ContributionKind(form.kind.data))
        if form.status.data in {s.value for s in ContributionStatus}:
            query = query.where(Contribution.status == ContributionStatus(form.status.data))
        if form.node.data == "none":
            query = query.where(~select(ContributionLink.id).where(
                ContributionLink.contribution_id == Contribution.id).exists())
        elif form.node.data and form.node.data.isdigit():
            parent_of = {n.id: n.parent_id for _d, n in flat}
            ids = structure.descendants(int(form.node.data), parent_of)
            query = query.where(select(ContributionLink.id).where(
                ContributionLink.contribution_id == Contribution.id, ContributionLink.node_id.in_(ids)).exists())
    query = query.order_by(Contribution.created_at.desc(), Contribution.id.desc())
    page = paginate(query, request.args.get("page", 1, type=int), per_page=25)
    return render_template("contract/list_contributions.html", form=form, page=page)


def _contribution_or_404(contribution_id: int) -> Contribution:
    contribution = db.session.get(Contribution, contribution_id)
    if contribution is None:
        abort(404)
    return contribution


def _status_choices():
    return choices([(s.value, services.status_label(s)) for s in ContributionStatus])


def _render_manage(contribution: Contribution, status: int = 200, **forms):
    contract = structure.current_contract()
    nodes = services.linked_nodes(contribution)
    linked_ids = {n.id for n in nodes}
    link_form = forms.get("link_form") or LinkForm(formdata=None, prefix="link")
    link_form.node_id.choices = choices(
        [(n.id, "\u2003" * d + n.label) for d, n in (structure.flat_tree(contract) if contract else [])
         if n.id not in linked_ids])
    status_form = forms.get("status_form") or StatusForm(formdata=None, prefix="status",
                                                         data={"status": contribution.status.value})
    status_form.status.choices = _status_choices()
    correction_form = forms.get("correction_form") or CorrectionForm(formdata=None, prefix="correction")
    correction_form.event_id.choices = choices(
        [(e.id, f"{e.occurred_at.astimezone(PARIS):%d/%m/%Y} – {services.event_label(e.kind)}")
         for e in contribution.events])
    return render_template(
        "contract/manage_contribution.html", contribution=contribution, nodes=nodes, link_form=link_form,
        status_form=status_form, answer_form=forms.get("answer_form") or AnswerForm(
            formdata=None, prefix="answer", data={"answer": contribution.answer or ""}),
        event_form=forms.get("event_form") or EventForm(formdata=None, prefix="event"),
        correction_form=correction_form, unlink_form=LinkForm(formdata=None, prefix="unlink"),
        source_url=services.source_url(contribution),
    ), status


@blueprint.route("/pilotage/contributions/<int:contribution_id>")
def manage_contribution(contribution_id: int):
    contribution = _contribution_or_404(contribution_id)
    authorize(policy.can_answer(current_user, contribution))
    return _render_manage(contribution)


def _back_to(contribution: Contribution, anchor: str = ""):
    return redirect(url_for("contract.manage_contribution", contribution_id=contribution.id) + anchor)


@blueprint.route("/pilotage/contributions/<int:contribution_id>/statut", methods=["POST"])
def change_status(contribution_id: int):
    contribution = _contribution_or_404(contribution_id)
    authorize(policy.can_answer(current_user, contribution))
    form = StatusForm(prefix="status")
    form.status.choices = _status_choices()
    if form.validate_on_submit():
        target = None
        if form.merged_into.data:
            target = db.session.get(Contribution, form.merged_into.data)
            if target is None:
                form.merged_into.errors.append(_("No contribution has this number."))
                return _render_manage(contribution, 422, status_form=form)
        try:
            services.change_status(contribution, ContributionStatus(form.status.data), actor=current_user,
                                   reason=form.reason.data, merged_into=target)
        except services.MergeTargetRequired as error:
            form.merged_into.errors.append(error.message)
        except DomainError as error:
            form.reason.errors.append(error.message)
        else:
            db.session.commit()
            flash(_("The status has been changed and the people who took part have been told."), "success")
            return _back_to(contribution)
    return _render_manage(contribution, 422, status_form=form)


@blueprint.route("/pilotage/contributions/<int:contribution_id>/reponse", methods=["POST"])
def answer(contribution_id: int):
    contribution = _contribution_or_404(contribution_id)
    authorize(policy.can_answer(current_user, contribution))
    form = AnswerForm(prefix="answer")
    if form.validate_on_submit():
        try:
            services.answer(contribution, form.answer.data, actor=current_user)
        except DomainError as error:
            form.answer.errors.append(error.message)
        else:
            db.session.commit()
            flash(_("The answer has been published."), "success")
            return _back_to(contribution)
    return _render_manage(contribution, 422, answer_form=form)


@blueprint.route("/pilotage/contributions/<int:contribution_id>/liens", methods=["POST"])
def link(contribution_id: int):
    contribution = _contribution_or_404(contribution_id)
    authorize(policy.can_link(current_user, contribution))
    form = LinkForm(prefix="link")
    if form.validate_on_submit():
        node = db.session.get(ContractNode, form.node_id.data) if form.node_id.data else None
        if node is None:
            form.node_id.errors.append(_("Choose a part of the contract."))
        else:
            try:
                services.link_to_node(contribution, node, actor=current_user)
            except DomainError as error:
                form.node_id.errors.append(error.message)
            else:
                db.session.commit()
                flash(_("The contribution is now linked to “%(node)s”.", node=node.label), "success")
                return _back_to(contribution, "#liens")
    return _render_manage(contribution, 422, link_form=form)


@blueprint.route("/pilotage/contributions/<int:contribution_id>/liens/<int:node_id>/retirer", methods=["POST"])
def unlink(contribution_id: int, node_id: int):
    contribution = _contribution_or_404(contribution_id)
    authorize(policy.can_link(current_user, contribution))
    node = db.session.get(ContractNode, node_id)
    if node is None:
        abort(404)
    form = LinkForm(prefix="unlink")
    form.node_id.choices = []
    if form.validate_on_submit():
        try:
            services.unlink_from_node(contribution, node, actor=current_user)
        except DomainError as error:
            flash(error.message, "error")
        else:
            db.session.commit()
            flash(_("The link to “%(node)s” has been removed.", node=node.label), "success")
    return _back_to(contribution, "#liens")


@blueprint.route("/pilotage/contributions/<int:contribution_id>/evenements", methods=["POST"])
def add_event(contribution_id: int):
    contribution = _contribution_or_404(contribution_id)
    authorize(policy.can_record_event(current_user, contribution))
    form = EventForm(prefix="event")
    if form.validate_on_submit():
        # A date alone: noon Paris time keeps it on the same day whatever the offset.
        occurred_at = datetime.combine(form.occurred_on.data, time(12, 0), tzinfo=PARIS)
        try:
            services.record_event(contribution, EventKind(form.kind.data), actor=current_user,
                                  text=form.text.data, occurred_at=occurred_at, actor_label=form.actor_label.data,
                                  link_url=form.link_url.data, link_label=form.link_label.data)
        except DomainError as error:
            form.occurred_on.errors.append(error.message)
        else:
            db.session.commit()
            flash(_("The event has been added to the timeline."), "success")
            return _back_to(contribution, "#chronologie")
    return _render_manage(contribution, 422, event_form=form)


@blueprint.route("/pilotage/contributions/<int:contribution_id>/corrections", methods=["POST"])
def add_correction(contribution_id: int):
    contribution = _contribution_or_404(contribution_id)
    authorize(policy.can_record_event(current_user, contribution))
    form = CorrectionForm(prefix="correction")
    if form.validate_on_submit():
        event = db.session.get(ContributionEvent, form.event_id.data) if form.event_id.data else None
        if event is None or event.contribution_id != contribution.id:
            form.event_id.errors.append(_("Choose the entry to correct."))
        else:
            services.correct_event(event, form.text.data, actor=current_user)
            db.session.commit()
            flash(_("The correction has been added to the timeline."), "success")
            return _back_to(contribution, "#chronologie")
    return _render_manage(contribution, 422, correction_form=form)


# ------------------------------------------------------------------------------------------ annual report


def _round_or_404(year: int):
    round_ = annual_report.round_for_year(year)
    if round_ is None:
        abort(404)
    return round_


@blueprint.route("/pilotage/rapport-annuel", methods=["GET", "POST"])
def list_rounds():
    authorize(policy.can_see_rounds(current_user))
    form = RoundForm() if request.method == "POST" else RoundForm(formdata=None)
    if request.method == "POST":
        authorize(policy.can_open_round(current_user))
        if form.validate_on_submit():
            try:
                round_ = annual_report.open_round(form.year.data, form.deadline.data, actor=current_user,
                                                  draft_text=form.draft_text.data or "",
                                                  draft_url=form.draft_url.data)
            except annual_report.RoundExists as error:
                form.year.errors.append(error.message)
            except DomainError as error:
                form.deadline.errors.append(error.message)
            else:
                audit.record(current_user, "report_round.opened", "report_round", round_.id, year=round_.year)
                db.session.commit()
                flash(_("The round of %(year)d is open: the conseils can give their opinion.", year=round_.year),
                      "success")
                return redirect(url_for("contract.show_round", year=round_.year))
    return render_template("contract/list_rounds.html", rounds=annual_report.rounds(), form=form,
                           is_open=annual_report.is_open), 422 if form.errors else 200


@blueprint.route("/pilotage/rapport-annuel/<int:year>")
def show_round(year: int):
    authorize(policy.can_see_rounds(current_user))
    round_ = _round_or_404(year)
    opinions = {opinion.conseil_id: opinion for opinion in round_.opinions}
    conseils = annual_report.conseils_expected(round_)
    conseils += [o.conseil for o in round_.opinions if o.conseil not in conseils]
    follow_up_form = FollowUpForm(formdata=None, prefix="suite")
    follow_up_form.status.choices = _status_choices()
    return render_template("contract/show_round.html", round=round_, conseils=conseils, opinions=opinions,
                           is_open=annual_report.is_open(round_), follow_up_form=follow_up_form,
                           statuses=list(ContributionStatus))


def _minutes_choices(conseil):
    documents = [doc for finder in get_registry().approved_minutes for doc in finder(conseil)]
    return documents, choices([("", _("None"))] + [(f"{d.source_type}:{d.source_id}", d.label) for d in documents])


@blueprint.route("/pilotage/rapport-annuel/<int:year>/avis/<int:conseil_id>", methods=["GET", "POST"])
def record_opinion(year: int, conseil_id: int):
    round_ = _round_or_404(year)
    conseil = db.session.get(Conseil, conseil_id)
    if conseil is None:
        abort(404)
    authorize(policy.can_record_opinion(current_user, conseil))
    existing = annual_report.opinion_of(round_, conseil)
    if existing is not None or not annual_report.is_open(round_):
        flash(_("This conseil has already given its opinion.") if existing is not None
              else _("The deadline for opinions has passed."), "info")
        return redirect(url_for("contract.show_round", year=year))
    form = OpinionForm() if request.method == "POST" else OpinionForm(formdata=None)
    documents, form.minutes.choices = _minutes_choices(conseil)
    if request.method == "POST" and form.validate_on_submit():
        chosen = next((d for d in documents if f"{d.source_type}:{d.source_id}" == form.minutes.data), None)
        try:
            opinion = annual_report.record_opinion(round_, conseil, annual_report.OpinionData(
                position=OpinionPosition(form.position.data), majority_text=form.majority_text.data,
                dissenting_views=form.dissenting_views.data or "", observations=form.observations.data or "",
                minutes_source_type=chosen.source_type if chosen else None,
                minutes_source_id=chosen.source_id if chosen else None,
                minutes_label=chosen.label if chosen else None, minutes_url=chosen.url if chosen else None,
            ), actor=current_user)
        except DomainError as error:
            form.majority_text.errors.append(error.message)
        else:
            audit.record(current_user, "report_round.opinion", "conseil_opinion", opinion.id, conseil_id=conseil.id)
            db.session.commit()
            flash(_("The opinion of %(conseil)s has been recorded.", conseil=conseil.name), "success")
            return redirect(url_for("contract.show_round", year=year))
    return render_template("contract/record_opinion.html", round=round_, conseil=conseil, form=form,
                           has_minutes=bool(documents)), 422 if request.method == "POST" else 200


@blueprint.route("/pilotage/rapport-annuel/observations/<int:observation_id>/suite", methods=["POST"])
def record_follow_up(observation_id: int):
    authorize(policy.can_follow_up(current_user))
    observation = db.session.get(ReportObservation, observation_id)
    if observation is None:
        abort(404)
    year = observation.opinion.round.year
    form = FollowUpForm(prefix="suite")
    form.status.choices = _status_choices()
    if form.validate_on_submit():
        try:
            annual_report.record_follow_up(observation, form.text.data, actor=current_user,
                                           status=ContributionStatus(form.status.data))
        except DomainError as error:
            flash(error.message, "error")
        else:
            db.session.commit()
            flash(_("The follow-up has been recorded."), "success")
    else:
        flash(_("Write the follow-up given to the observation."), "error")
    return redirect(url_for("contract.show_round", year=year) + f"#observation-{observation.id}")

