from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlsplit

from flask import Response, abort, flash, jsonify, make_response, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_required
from markupsafe import Markup
from sqlalchemy import select
from sqlalchemy.orm import defer, joinedload

from participation import audit
from participation.accounts.forms import EmptyForm
from participation.db import utcnow
from participation.exports import Column, stream_export
from participation.extensions import db, limiter
from participation.forms import SelectChoice, choices
from participation.i18n import PARIS, per_language, select_locale
from participation.permissions import authorize
from participation.territory.models import QPV, Conseil
from participation.territory.services import live_places, roles_of
from participation.workshops import blueprint, display, policy, services
from participation.workshops import calendar as ics
from participation.workshops.forms import (
    CancelWorkshopForm,
    ConclusionsForm,
    GuestRegistrationForm,
    LostLinkForm,
    NeedsForm,
    WorkshopForm,
)
from participation.workshops.labels import THEME_LABELS
from participation.workshops.models import AccessNeed, Attendance, RegistrationStatus, Theme, Workshop

SIGN_UP_LIMIT = "20 per minute;200 per hour"
LINK_LIMIT = "60 per minute"


def _load(workshop_id: int) -> Workshop:
    workshop = db.session.get(Workshop, workshop_id)
    if workshop is None:
        abort(404)
    return workshop


def _private(result) -> Response:
    """Pages reached through a management link: never cached, never indexed."""
    response = make_response(result)
    response.headers["Cache-Control"] = "no-store"
    response.headers["X-Robots-Tag"] = "noindex, nofollow"
    return response


# ---------------------------------------------------------------- public list


@dataclass
class FilterChoices:
    """The three selects of the list, with the value chosen (unknown values are ignored, never an error)."""

    conseils: list[tuple[str, str]]
    quartiers: list[tuple[str, str]]
    themes: list[tuple[str, str]]
    chosen: dict[str, str]


def _filters() -> tuple[FilterChoices, services.Filters]:
    rows = live_places()
    conseils = {row.slug: (row.id, row.name) for row in rows}
    quartiers = {row.code: (row.qpv_id, row.qpv_name) for row in rows if row.qpv_id is not None}
    chosen = {key: request.args.get(key, "") for key in ("conseil", "quartier", "theme")}
    filters = services.Filters()
    filters.conseil_id = conseils[chosen["conseil"]][0] if chosen["conseil"] in conseils else None
    filters.qpv_id = quartiers[chosen["quartier"]][0] if chosen["quartier"] in quartiers else None
    filters.theme = Theme(chosen["theme"]) if chosen["theme"] in {t.value for t in Theme} else None
    form = FilterChoices(
        conseils=sorted(((slug, name) for slug, (_id, name) in conseils.items()), key=lambda item: item[1]),
        quartiers=sorted(((code, name) for code, (_id, name) in quartiers.items()), key=lambda item: item[1]),
        themes=[(theme.value, str(label)) for theme, label in THEME_LABELS.items()],
        chosen=chosen,
    )
    return form, filters


def _page_number() -> int:
    return request.args.get("page", 1, type=int) or 1


@blueprint.route("/ateliers")
def list_workshops():
    past = request.args.get("periode") == "passes"
    form, filters = _filters()
    page = services.list_workshops(past, filters, _page_number())
    page.items = display.cards(page.items)
    filtered = any((filters.conseil_id, filters.qpv_id, filters.theme))
    return render_template("workshops/list_workshops.html", page=page, past=past, form=form, filtered=filtered,
                           tab_args={key: value for key, value in request.args.items() if key in
                                     {"conseil", "quartier", "theme"}})


# ---------------------------------------------------------------- one workshop, sign-up


def _registration_form(data=None, formdata=None) -> NeedsForm:
    if policy.signs_up_in_one_tap(current_user):
        return NeedsForm(formdata=formdata, data=data)
    form = GuestRegistrationForm(formdata=formdata, data=data)
    if current_user.is_authenticated and formdata is None:
        form.name.data = current_user.display_name
        form.email.data = current_user.email
    return form


@dataclass(frozen=True)
class SignupOffers:
    """What the sign-up fields say of a workshop (workshops/_macros.html, needs_fields, reads these three): with the
    language, all that a visitor's blank fields depend on."""

    offers_childcare: bool
    offers_interpreting: bool
    interpreting_languages: str


def _blank_fields(workshop: Workshop, form: NeedsForm) -> Markup:
    """The blank sign-up fields of a visitor (workshops/_guest_fields.html) or of a resident signing up in one tap
    (_one_tap_fields.html), rendered once per language and offers: the ten fields written out by WTForms were half
    of the workshop page's CPU time (3 of 6.6 ms)."""
    offers = SignupOffers(bool(workshop.offers_childcare), bool(workshop.offers_interpreting),
                          workshop.interpreting_languages)
    template = "workshops/_guest_fields.html" if isinstance(form, GuestRegistrationForm) else \
        "workshops/_one_tap_fields.html"
    return per_language((template, offers), lambda: Markup(render_template(  # noqa: S704 - our template
        template, form=form, workshop=offers)))


def _render_workshop(workshop: Workshop, form=None, status: int = 200):
    registration = services.registration_status_of_user(workshop, current_user)
    blank_fields = None
    if form is None and policy.can_sign_up(current_user, workshop) and registration is None:
        form = _registration_form(formdata=None)
        # Prefilled with their name and address, a signed-in guest's fields are theirs alone.
        if not (current_user.is_authenticated and isinstance(form, GuestRegistrationForm)):
            blank_fields = _blank_fields(workshop, form)
    from participation.contract.services import contribution_for

    return render_template(
        "workshops/show_workshop.html", workshop=workshop, form=form, registration=registration,
        blank_fields=blank_fields,
        position=registration.position if registration else None,
        one_tap=policy.signs_up_in_one_tap(current_user),
        contribution=contribution_for(services.SOURCE_TYPE, workshop.id) if workshop.conclusions_html else None,
        now=utcnow(),
    ), status


# The workshop page shows neither the Markdown sources nor the dates of the row, and of its conseil and
# quartier only their names (options built once: they are immutable).
_SHOW_OPTIONS = (
    defer(Workshop.description), defer(Workshop.conclusions), defer(Workshop.created_at), defer(Workshop.updated_at),
    joinedload(Workshop.conseil).load_only(Conseil.slug, Conseil.name), joinedload(Workshop.qpv).load_only(QPV.name),
)


@blueprint.route("/ateliers/<int:workshop_id>")
def show_workshop(workshop_id: int):
    workshop = db.session.scalar(select(Workshop).where(Workshop.id == workshop_id).options(*_SHOW_OPTIONS))
    if workshop is None:
        abort(404)
    return _render_workshop(workshop)


def _needs_data(form: NeedsForm, **extra) -> services.RegistrationData:
    return services.RegistrationData(
        adults=form.adults.data or 0, children=form.children.data or 0,
        childcare_children=form.childcare_children.data or 0,
        interpreting_language=form.interpreting_language.data,
        access_need=AccessNeed(form.access_need.data) if form.access_need.data else None,
        access_details=form.access_details.data, news_opt_in=bool(form.news_opt_in.data), **extra,
    )


def _field_error(form, error: services.WorkshopError) -> None:
    """Show a refusal of the rules next to the field it is about, else as a message."""
    name = getattr(error, "field", None)
    if name and name in form:
        form[name].errors = [*form[name].errors, error.message]
    else:
        flash(error.message, "error")


@blueprint.route("/ateliers/<int:workshop_id>/inscription", methods=["POST"])
@limiter.limit(SIGN_UP_LIMIT, methods=["POST"])
def sign_up(workshop_id: int):
    workshop = _load(workshop_id)
    if not policy.can_sign_up(current_user, workshop):
        try:
            services.check_signups_open(workshop)
        except services.SignupsClosed as error:
            flash(error.message, "error")
        return redirect(url_for("workshops.show_workshop", workshop_id=workshop.id))
    form = _registration_form(formdata=request.form)
    if not form.validate_on_submit():
        return _render_workshop(workshop, form, 422)
    one_tap = policy.signs_up_in_one_tap(current_user)
    if one_tap:
        data = _needs_data(form)
    else:
        data = _needs_data(form, name=form.name.data, email=form.email.data, phone=form.phone.data,
                           locale=select_locale())
    try:
        result = services.sign_up(workshop.id, data, user=current_user if one_tap else None)
    except services.SignupsClosed as error:
        db.session.rollback()
        flash(error.message, "error")
        return redirect(url_for("workshops.show_workshop", workshop_id=workshop_id))
    except services.WorkshopError as error:
        db.session.rollback()
        _field_error(form, error)
        return _render_workshop(_load(workshop_id), form, 422)
    # Read before the commit, which expires the objects (reading them after would take another statement).
    confirmed = result.registration.status == RegistrationStatus.confirmed
    db.session.commit()
    if result.already_registered:
        flash(_("This e-mail address is already registered for this workshop. We have sent it a new link to see "
                "or change the registration."), "info")
        return redirect(url_for("workshops.show_workshop", workshop_id=workshop_id))
    if confirmed:
        flash(_("You are registered. Keep the link of this page: it lets you change or cancel your registration."),
              "success")
    else:
        flash(_("The workshop is full: you are on the waitlist. You will be told by e-mail if a seat frees up."),
              "info")
    return redirect(url_for("workshops.manage_registration", token=result.token))


@blueprint.route("/ateliers/<int:workshop_id>.ics")
def workshop_calendar(workshop_id: int):
    workshop = _load(workshop_id)
    url = url_for("workshops.show_workshop", workshop_id=workshop.id, _external=True)
    body = ics.workshop_calendar(workshop, url=url, host=urlsplit(url).hostname or "participation", now=utcnow())
    return Response(body, mimetype="text/calendar", headers={
        "Content-Disposition": f'attachment; filename="atelier-{workshop.id}.ics"'})


@blueprint.route("/ateliers/<int:workshop_id>/lien-perdu", methods=["GET", "POST"])
@limiter.limit("5 per minute;20 per hour", methods=["POST"])
def lost_link(workshop_id: int):
    workshop = _load(workshop_id)
    form = LostLinkForm()
    if form.validate_on_submit():
        services.resend_links(workshop, form.email.data)
        db.session.commit()
        # The same answer whether the address is registered or not.
        flash(_("If this address is registered for the workshop, a new link has been sent to it. The old link no "
                "longer works."), "success")
        return redirect(url_for("workshops.show_workshop", workshop_id=workshop.id))
    return render_template("workshops/lost_link.html", workshop=workshop, form=form), 422 if form.errors else 200


# ---------------------------------------------------------------- managing one's registration


def _needs_form_for(registration, formdata=None) -> NeedsForm:
    return NeedsForm(formdata=formdata, data=None if formdata is not None else {
        "adults": registration.adults, "children": registration.children,
        "childcare_children": registration.childcare_children,
        "interpreting_language": registration.interpreting_language or "",
        "access_need": registration.access_need.value if registration.access_need else "",
        "access_details": registration.access_details or "", "news_opt_in": registration.news_opt_in,
    })


def _render_registration(registration, form, action: str, cancel_action: str, status: int = 200):
    workshop = registration.workshop
    now = utcnow()
    return render_template(
        "workshops/manage_registration.html", registration=registration, workshop=workshop, form=form,
        action=action, cancel_action=cancel_action, cancel_form=EmptyForm(formdata=None),
        position=services.waitlist_position(registration),
        changeable=registration.is_active and not workshop.is_cancelled and not workshop.has_started(now),
        cancellable=registration.is_active and not workshop.is_over(now),
    ), status


def _manage(registration, action: str, cancel_action: str):
    if request.method == "POST":
        form = _needs_form_for(registration, formdata=request.form)
        if form.validate_on_submit():
            try:
                services.update_registration(registration, _needs_data(form, name=registration.name or ""))
            except services.WorkshopError as error:
                db.session.rollback()
                _field_error(form, error)
                return _render_registration(registration, form, action, cancel_action, 422)
            db.session.commit()
            flash(_("Your registration has been updated."), "success")
            return redirect(action)
        return _render_registration(registration, form, action, cancel_action, 422)
    return _render_registration(registration, _needs_form_for(registration), action, cancel_action)


def _cancel(registration, back: str):
    form = EmptyForm()
    if form.validate_on_submit():
        try:
            services.cancel_registration(registration)
        except services.WorkshopError as error:
            db.session.rollback()
            flash(error.message, "error")
            return redirect(back)
        db.session.commit()
        flash(_("Your registration is cancelled. Thank you for telling us: your seat can go to someone else."),
              "success")
    return redirect(back)


def _registration_for_token(token: str):
    registration = services.registration_for_token(token)
    if registration is None:
        abort(404)
    if registration.workshop.is_over():
        return None
    return registration


def _expired():
    return _private((render_template("workshops/link_expired.html"), 410))


@blueprint.route("/inscriptions/<token>", methods=["GET", "POST"])
@limiter.limit(LINK_LIMIT)
def manage_registration(token: str):
    registration = _registration_for_token(token)
    if registration is None:
        return _expired()
    return _private(_manage(registration, url_for("workshops.manage_registration", token=token),
                            url_for("workshops.cancel_by_token", token=token)))


@blueprint.route("/inscriptions/<token>/annuler", methods=["POST"])
@limiter.limit(LINK_LIMIT)
def cancel_by_token(token: str):
    registration = _registration_for_token(token)
    if registration is None:
        return _expired()
    return _cancel(registration, url_for("workshops.manage_registration", token=token))


def _my_registration(workshop_id: int):
    workshop = _load(workshop_id)
    registration = services.registration_of_user(workshop, current_user)
    if registration is None:
        flash(_("You are not registered for this workshop."), "info")
        return workshop, None
    return workshop, registration


@blueprint.route("/ateliers/<int:workshop_id>/mon-inscription", methods=["GET", "POST"])
@login_required
def my_registration(workshop_id: int):
    workshop, registration = _my_registration(workshop_id)
    if registration is None:
        return redirect(url_for("workshops.show_workshop", workshop_id=workshop.id))
    return _manage(registration, url_for("workshops.my_registration", workshop_id=workshop.id),
                   url_for("workshops.cancel_my_registration", workshop_id=workshop.id))


@blueprint.route("/ateliers/<int:workshop_id>/mon-inscription/annuler", methods=["POST"])
@login_required
def cancel_my_registration(workshop_id: int):
    workshop, registration = _my_registration(workshop_id)
    if registration is None:
        return redirect(url_for("workshops.show_workshop", workshop_id=workshop.id))
    return _cancel(registration, url_for("workshops.show_workshop", workshop_id=workshop.id))


# ---------------------------------------------------------------- back office: list, create, edit


def _animated_conseils() -> list[Conseil]:
    ids = roles_of(current_user).animator_of
    if not ids:
        return []
    return list(db.session.scalars(select(Conseil).where(Conseil.id.in_(list(ids))).order_by(Conseil.name)))


@blueprint.route("/animation/ateliers")
@login_required
def animation_list():
    authorize(policy.can_animate_workshops(current_user))
    past = request.args.get("periode") == "passes"
    page = services.animated_workshops(roles_of(current_user).animator_of, past, _page_number())
    return render_template("workshops/animation_list.html", page=page, past=past)


def _workshop_form_choices(form: WorkshopForm, conseils: list[Conseil]) -> None:
    form.conseil_id.choices = choices([(str(c.id), c.name) for c in conseils])
    qpvs: list[SelectChoice] = [SelectChoice(value="", label=_("The whole territory of the conseil"))]
    for conseil in conseils:
        for qpv in conseil.qpvs:
            label = f"{qpv.name} ({conseil.name})" if len(conseils) > 1 else qpv.name
            qpvs.append(SelectChoice(value=str(qpv.id), label=label))
    form.qpv_id.choices = qpvs


def _workshop_data(form: WorkshopForm) -> services.WorkshopData:
    return services.WorkshopData(
        conseil_id=int(form.conseil_id.data), theme=Theme(form.theme.data), title=form.title.data,
        starts_at=services.paris_time(form.day.data, form.start_time.data),
        ends_at=services.paris_time(form.day.data, form.end_time.data),
        place=form.place.data, address=form.address.data, capacity=form.capacity.data,
        qpv_id=int(form.qpv_id.data) if form.qpv_id.data else None, description=form.description.data or "",
        directions=form.directions.data or "", accessibility_info=form.accessibility_info.data or "",
        step_free_access=form.step_free_access.data, offers_childcare=form.offers_childcare.data,
        offers_interpreting=form.offers_interpreting.data,
        interpreting_languages=form.interpreting_languages.data or "",
        offers_meal=form.offers_meal.data, signup_close_minutes=int(form.signup_close_minutes.data),
    )


@blueprint.route("/animation/ateliers/nouveau", methods=["GET", "POST"])
@login_required
def new_workshop():
    conseils = _animated_conseils()
    authorize(bool(conseils))
    data = None
    source = None
    if request.method == "GET" and request.args.get("depuis", type=int):
        source = _load(request.args.get("depuis", type=int))
        authorize(policy.can_manage_workshop(current_user, source))
        data = services.duplicate_data(source)
    form = WorkshopForm(data=data)
    _workshop_form_choices(form, conseils)
    if form.validate_on_submit():
        conseil = db.session.get(Conseil, int(form.conseil_id.data))
        authorize(conseil is not None and policy.can_create_workshop(current_user, conseil))
        try:
            workshop = services.create_workshop(_workshop_data(form), current_user)
        except services.InvalidWorkshop as error:
            db.session.rollback()
            _field_error(form, error)
        else:
            db.session.commit()
            flash(_("The workshop “%(title)s” is published.", title=workshop.title), "success")
            return redirect(url_for("workshops.animation_workshop", workshop_id=workshop.id))
    return render_template("workshops/edit_workshop.html", form=form, workshop=None, source=source), \
        422 if form.errors else 200


@blueprint.route("/animation/ateliers/<int:workshop_id>/modifier", methods=["GET", "POST"])
@login_required
def edit_workshop(workshop_id: int):
    workshop = _load(workshop_id)
    authorize(policy.can_manage_workshop(current_user, workshop))
    if request.method == "GET":
        data = services.duplicate_data(workshop)
        data["day"] = workshop.starts_at.astimezone(PARIS).date()
        form = WorkshopForm(data=data)
    else:
        form = WorkshopForm()
    _workshop_form_choices(form, [workshop.conseil])
    form.conseil_id.data = str(workshop.conseil_id)
    if form.validate_on_submit():
        try:
            promoted = services.update_workshop(workshop, _workshop_data(form), current_user)
        except services.InvalidWorkshop as error:
            db.session.rollback()
            _field_error(form, error)
        else:
            db.session.commit()
            flash(_("The workshop has been saved."), "success")
            if promoted:
                flash(ngettext("%(num)d person on the waitlist got a seat and has been told.",
                               "%(num)d people on the waitlist got a seat and have been told.", len(promoted)),
                      "success")
            return redirect(url_for("workshops.animation_workshop", workshop_id=workshop.id))
    return render_template("workshops/edit_workshop.html", form=form, workshop=workshop, source=None), \
        422 if form.errors else 200


@blueprint.route("/animation/ateliers/<int:workshop_id>/annuler", methods=["GET", "POST"])
@login_required
def cancel_workshop(workshop_id: int):
    workshop = _load(workshop_id)
    authorize(policy.can_manage_workshop(current_user, workshop))
    form = CancelWorkshopForm()
    to_call = None
    if form.validate_on_submit():
        try:
            to_call = services.cancel_workshop(workshop, form.reason.data, current_user)
        except services.InvalidWorkshop as error:
            db.session.rollback()
            _field_error(form, error)
        else:
            db.session.commit()
            flash(_("The workshop is cancelled. Everyone registered with an e-mail address has been told."),
                  "success")
            if not to_call:
                return redirect(url_for("workshops.animation_workshop", workshop_id=workshop.id))
    return render_template("workshops/cancel_workshop.html", workshop=workshop, form=form, to_call=to_call,
                           active=len(services.active_registrations(workshop)) if to_call is None else 0), \
        422 if form.errors else 200


# ---------------------------------------------------------------- back office: registrations, attendance


@blueprint.route("/animation/ateliers/<int:workshop_id>")
@login_required
def animation_workshop(workshop_id: int):
    workshop = _load(workshop_id)
    authorize(policy.can_manage_workshop(current_user, workshop))
    registrations = services.registrations_of(workshop)
    return render_template(
        "workshops/animation_workshop.html", workshop=workshop, registrations=registrations,
        confirmed=services.need_totals(registrations, RegistrationStatus.confirmed),
        waitlisted=services.need_totals(registrations, RegistrationStatus.waitlisted),
        attendance=services.attendance_totals(registrations), now=utcnow(),
        attendance_open=services.attendance_open(workshop),
    )


@blueprint.route("/animation/ateliers/<int:workshop_id>/feuille-emargement")
@login_required
def sign_in_sheet(workshop_id: int):
    workshop = _load(workshop_id)
    authorize(policy.can_manage_workshop(current_user, workshop))
    registrations = [r for r in services.registrations_of(workshop) if r.status == RegistrationStatus.confirmed]
    registrations.sort(key=lambda r: (r.shown_name or "").casefold())
    return render_template("workshops/sign_in_sheet.html", workshop=workshop, registrations=registrations,
                           totals=services.need_totals(registrations, RegistrationStatus.confirmed), blank_rows=8)


def _wants_json() -> bool:
    return request.accept_mimetypes.best == "application/json"


@blueprint.route("/animation/ateliers/<int:workshop_id>/presences", methods=["GET", "POST"])
@login_required
def attendance(workshop_id: int):
    workshop = _load(workshop_id)
    authorize(policy.can_take_attendance(current_user, workshop))
    form = EmptyForm()
    if request.method == "POST" and form.validate_on_submit():
        marks: dict[int, Attendance | None] = {}
        for key, value in request.form.items():
            if key.startswith("attendance-") and key[len("attendance-"):].isdigit():
                marks[int(key[len("attendance-"):])] = Attendance(value) if value in {"present", "absent"} else None
        try:
            services.record_attendance(workshop, marks)
        except services.WorkshopError as error:
            db.session.rollback()
            if _wants_json():
                return jsonify({"error": error.message}), 409
            flash(error.message, "error")
            return redirect(url_for("workshops.attendance", workshop_id=workshop.id))
        db.session.commit()
        totals = services.attendance_totals(services.registrations_of(workshop))
        if _wants_json():
            return jsonify({"present": totals.present, "absent": totals.absent,
                            "not_recorded": totals.not_recorded, "present_people": totals.present_people,
                            "summary": _("%(present)d present, %(absent)d absent, %(missing)d not recorded.",
                                         present=totals.present, absent=totals.absent,
                                         missing=totals.not_recorded)})
        flash(_("Attendance saved: %(present)d present, %(absent)d absent.", present=totals.present,
                absent=totals.absent), "success")
        return redirect(url_for("workshops.attendance", workshop_id=workshop.id))
    registrations = [r for r in services.registrations_of(workshop) if r.status == RegistrationStatus.confirmed]
    registrations.sort(key=lambda r: (r.shown_name or "").casefold())
    return render_template("workshops/take_attendance.html", workshop=workshop, registrations=registrations,
                           form=EmptyForm(formdata=None), totals=services.attendance_totals(registrations),
                           is_open=services.attendance_open(workshop))


EXPORT_FORMATS = {"csv", "xlsx"}


@blueprint.route("/animation/ateliers/<int:workshop_id>/export.<fmt>")
@login_required
def export_registrations(workshop_id: int, fmt: str):
    workshop = _load(workshop_id)
    authorize(policy.can_manage_workshop(current_user, workshop))
    if fmt not in EXPORT_FORMATS:
        abort(404)
    with_contacts = request.args.get("coordonnees") == "1"
    if with_contacts:
        authorize(policy.can_export_contacts(current_user, workshop))
    audit.record(current_user, "workshop.registrations_exported", services.SOURCE_TYPE, workshop.id,
                 conseil_id=workshop.conseil_id, format=fmt, with_contacts=with_contacts)
    db.session.commit()
    rows = services.export_rows(workshop, with_contacts)
    labels = next(rows)
    columns = [Column(f"c{i}", label) for i, label in enumerate(labels)]
    stamp = datetime.now(PARIS).strftime("%Y%m%d")
    return stream_export(fmt, f"inscriptions-atelier-{workshop.id}-{stamp}", columns, rows)


# ---------------------------------------------------------------- back office: conclusions


@blueprint.route("/animation/ateliers/<int:workshop_id>/conclusions", methods=["GET", "POST"])
@login_required
def conclusions(workshop_id: int):
    workshop = _load(workshop_id)
    authorize(policy.can_write_conclusions(current_user, workshop))
    form = ConclusionsForm(data=None if request.method == "POST" else {"conclusions": workshop.conclusions})
    if form.validate_on_submit():
        try:
            services.save_conclusions(workshop, form.conclusions.data, current_user)
        except services.WorkshopError as error:
            db.session.rollback()
            _field_error(form, error)
        else:
            db.session.commit()
            flash(_("The conclusions have been saved."), "success")
            return redirect(url_for("workshops.conclusions", workshop_id=workshop.id))
    from participation.contract.services import contribution_for

    return render_template("workshops/write_conclusions.html", workshop=workshop, form=form,
                           publish_form=EmptyForm(formdata=None),
                           contribution=contribution_for(services.SOURCE_TYPE, workshop.id)), \
        422 if form.errors else 200


@blueprint.route("/animation/ateliers/<int:workshop_id>/conclusions/publier", methods=["POST"])
@login_required
def publish_conclusions(workshop_id: int):
    workshop = _load(workshop_id)
    authorize(policy.can_write_conclusions(current_user, workshop))
    form = EmptyForm()
    if form.validate_on_submit():
        try:
            contribution = services.publish_conclusions(workshop, current_user)
        except services.WorkshopError as error:
            db.session.rollback()
            flash(error.message, "error")
            return redirect(url_for("workshops.conclusions", workshop_id=workshop.id))
        db.session.commit()
        flash(_("The conclusions are published: their follow-up is public."), "success")
        return redirect(url_for("contract.follow_up", contribution_id=contribution.id))
    return redirect(url_for("workshops.conclusions", workshop_id=workshop.id))
