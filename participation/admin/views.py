from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import func, or_, select

from participation import audit
from participation.accounts import services as accounts
from participation.accounts.forms import EmptyForm
from participation.accounts.models import Gender, PlatformRole, User
from participation.admin import blueprint
from participation.admin.forms import AnimatorForm, ConseilForm, MemberForm, QPVImportForm, RolesForm, UserSearchForm
from participation.admin.policy import can_administer
from participation.errors import DomainError
from participation.extensions import db
from participation.forms import SelectChoice, choices
from participation.pagination import paginate
from participation.permissions import authorize
from participation.territory import services as territory
from participation.territory.models import QPV, AnimatorAssignment, College, Conseil, Membership, Seat


@blueprint.before_request
def only_admins():
    authorize(can_administer(current_user))


@blueprint.route("/")
def index():
    counts = {
        "users": db.session.scalar(select(func.count(User.id)).where(User.deleted_at.is_(None))),
        "conseils": db.session.scalar(select(func.count(Conseil.id)).where(Conseil.archived_at.is_(None))),
        "qpvs": db.session.scalar(select(func.count(QPV.id))),
        "members": db.session.scalar(select(func.count(Membership.id)).where(Membership.ended_on.is_(None))),
    }
    return render_template("admin/index.html", counts=counts)


def _qpv_choices() -> list[SelectChoice]:
    return choices((q.id, f"{q.name} ({q.code})") for q in db.session.execute(
        select(QPV.id, QPV.name, QPV.code).order_by(QPV.name)).all())


def _conseil_data(form: ConseilForm) -> territory.ConseilData:
    return territory.ConseilData(
        name=form.name.data, description=form.description.data or "",
        habitants_drawn_by_lot=form.habitants_drawn_by_lot.data,
        contact_email=form.contact_email.data or None, qpv_ids=list(form.qpv_ids.data or []),
    )


@blueprint.route("/conseils", methods=["GET", "POST"])
def list_conseils():
    form = ConseilForm(data=None if request.method == "POST" else {"habitants_drawn_by_lot": True})
    form.qpv_ids.choices = _qpv_choices()
    if form.validate_on_submit():
        conseil = territory.create_conseil(_conseil_data(form))
        audit.record(current_user, "conseil.created", "conseil", conseil.id, conseil_id=conseil.id)
        db.session.commit()
        flash(_("The conseil citoyen “%(name)s” has been created.", name=conseil.name), "success")
        return redirect(url_for("admin.edit_conseil", conseil_id=conseil.id))
    return render_template("admin/list_conseils.html", conseils=territory.list_conseils(), form=form)


def _load_conseil(conseil_id: int) -> Conseil:
    conseil = db.session.get(Conseil, conseil_id)
    if conseil is None:
        abort(404)
    return conseil


def _account_for(field) -> User | None:
    """The live account of the e-mail typed in ``field``, or None with the error shown next to the field."""
    user = accounts.find_by_email(field.data)
    if user is None or user.is_deleted:
        field.errors.append(_("No account uses this address. Ask the person to sign up first."))
        return None
    return user


def _render_conseil(conseil: Conseil, form=None, member_form=None, animator_form=None, status: int = 200):
    if form is None:
        form = ConseilForm(obj=conseil, data={"qpv_ids": [link.qpv_id for link in conseil.qpv_links]})
    form.qpv_ids.choices = _qpv_choices()
    members = territory.current_members(conseil)
    counts = territory.composition(members)
    return render_template(
        "admin/edit_conseil.html", conseil=conseil, form=form,
        member_form=member_form or MemberForm(formdata=None, prefix="member"),
        animator_form=animator_form or AnimatorForm(formdata=None, prefix="animator"),
        members=members, warnings=territory.composition_warnings(conseil, counts), counts=counts,
        animators=db.session.scalars(select(AnimatorAssignment).where(
            AnimatorAssignment.conseil_id == conseil.id)).all(),
        action_form=EmptyForm(),
    ), status


@blueprint.route("/conseils/<int:conseil_id>", methods=["GET", "POST"])
def edit_conseil(conseil_id: int):
    conseil = _load_conseil(conseil_id)
    if request.method == "GET":
        return _render_conseil(conseil)
    form = ConseilForm()
    form.qpv_ids.choices = _qpv_choices()
    if form.validate_on_submit():
        territory.update_conseil(conseil, _conseil_data(form))
        audit.record(current_user, "conseil.updated", "conseil", conseil.id, conseil_id=conseil.id)
        db.session.commit()
        flash(_("The conseil citoyen has been saved."), "success")
        return redirect(url_for("admin.edit_conseil", conseil_id=conseil.id))
    return _render_conseil(conseil, form=form, status=422)


@blueprint.route("/conseils/<int:conseil_id>/membres", methods=["POST"])
def add_member(conseil_id: int):
    conseil = _load_conseil(conseil_id)
    form = MemberForm(prefix="member")
    if form.validate_on_submit() and (user := _account_for(form.email)) is not None:
        try:
            membership = territory.add_member(conseil, territory.MemberData(
                user=user, college=College(form.college.data), seat=Seat(form.seat.data),
                gender=Gender(form.gender.data) if form.gender.data else None,
                drawn_by_lot=form.drawn_by_lot.data, organisation=form.organisation.data,
                listed_publicly=form.listed_publicly.data, started_on=form.started_on.data,
            ))
        except DomainError as error:
            form.email.errors.append(error.message)
        else:
            audit.record(current_user, "membership.added", "membership", membership.id, conseil_id=conseil.id)
            db.session.commit()
            flash(_("%(name)s is now a member of the conseil.", name=user.display_name), "success")
            return redirect(url_for("admin.edit_conseil", conseil_id=conseil.id) + "#membres")
    return _render_conseil(conseil, member_form=form, status=422)


@blueprint.route("/conseils/<int:conseil_id>/membres/<int:membership_id>/fin", methods=["POST"])
def end_membership(conseil_id: int, membership_id: int):
    conseil = _load_conseil(conseil_id)
    membership = db.session.get(Membership, membership_id)
    if membership is None or membership.conseil_id != conseil.id:
        abort(404)
    if EmptyForm().validate_on_submit() and membership.ended_on is None:
        territory.end_membership(membership)
        audit.record(current_user, "membership.ended", "membership", membership.id, conseil_id=conseil.id)
        db.session.commit()
        flash(_("The mandate has ended."), "success")
    return redirect(url_for("admin.edit_conseil", conseil_id=conseil.id) + "#membres")


@blueprint.route("/conseils/<int:conseil_id>/animateurs", methods=["POST"])
def add_animator(conseil_id: int):
    conseil = _load_conseil(conseil_id)
    form = AnimatorForm(prefix="animator")
    if form.validate_on_submit() and (user := _account_for(form.email)) is not None:
        assignment = territory.assign_animator(conseil, user)
        audit.record(current_user, "animator.assigned", "animator_assignment", assignment.id, conseil_id=conseil.id)
        db.session.commit()
        flash(_("%(name)s now animates this conseil.", name=user.display_name), "success")
        return redirect(url_for("admin.edit_conseil", conseil_id=conseil.id) + "#animateurs")
    return _render_conseil(conseil, animator_form=form, status=422)


@blueprint.route("/conseils/<int:conseil_id>/animateurs/<int:assignment_id>/retirer", methods=["POST"])
def remove_animator(conseil_id: int, assignment_id: int):
    conseil = _load_conseil(conseil_id)
    assignment = db.session.get(AnimatorAssignment, assignment_id)
    if assignment is None or assignment.conseil_id != conseil.id:
        abort(404)
    if EmptyForm().validate_on_submit():
        audit.record(current_user, "animator.removed", "user", assignment.user_id, conseil_id=conseil.id)
        territory.remove_animator(assignment)
        db.session.commit()
        flash(_("The animator has been removed from this conseil."), "success")
    return redirect(url_for("admin.edit_conseil", conseil_id=conseil.id) + "#animateurs")


@blueprint.route("/utilisateurs")
def list_users():
    form = UserSearchForm(request.args)
    query = select(User).where(User.deleted_at.is_(None)).order_by(User.display_name, User.id)
    if form.validate() and form.q.data:
        term = f"%{form.q.data.strip().lower()}%"
        query = query.where(or_(func.lower(User.display_name).like(term), User.email.like(term)))
    page = paginate(query, request.args.get("page", 1, type=int), per_page=30)
    return render_template("admin/list_users.html", page=page, form=form)


@blueprint.route("/utilisateurs/<int:user_id>", methods=["GET", "POST"])
def edit_user(user_id: int):
    user = db.session.get(User, user_id)
    if user is None or user.is_deleted:
        abort(404)
    form = RolesForm(data=None if request.method == "POST" else {
        "roles": [grant.role.value for grant in user.role_grants]})
    if form.validate_on_submit():
        roles = {PlatformRole(value) for value in form.roles.data or []}
        if user.id == current_user.id and PlatformRole.admin not in roles:
            form.roles.errors.append(_("You cannot remove your own administrator role."))
        else:
            accounts.set_roles(user, roles, granted_by=current_user)
            audit.record(current_user, "roles.changed", "user", user.id, roles=sorted(r.value for r in roles))
            db.session.commit()
            flash(_("The roles of %(name)s have been saved.", name=user.display_name), "success")
            return redirect(url_for("admin.edit_user", user_id=user.id))
    memberships = db.session.scalars(select(Membership).where(Membership.user_id == user.id)).all()
    animates = db.session.scalars(select(AnimatorAssignment).where(AnimatorAssignment.user_id == user.id)).all()
    return render_template("admin/edit_user.html", user=user, form=form, memberships=memberships,
                           animates=animates)


@blueprint.route("/qpv", methods=["GET", "POST"])
def import_qpv():
    form = QPVImportForm()
    report = None
    if form.validate_on_submit():
        report = territory.import_qpv_csv(form.file.data.read())
        if report.ok:
            audit.record(current_user, "qpv.imported", "qpv", None, created=report.created, updated=report.updated)
            db.session.commit()
            flash(_("%(created)d QPV created, %(updated)d updated.", created=report.created, updated=report.updated),
                  "success")
            return redirect(url_for("admin.import_qpv"))
        db.session.rollback()
    return render_template("admin/import_qpv.html", form=form, report=report, qpvs=territory.list_qpvs()), (
        422 if report is not None and not report.ok else 200)
