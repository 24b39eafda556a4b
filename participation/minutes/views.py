from __future__ import annotations

from datetime import UTC, datetime
from typing import NamedTuple

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user
from markupsafe import Markup
from sqlalchemy import select

from participation.accounts.forms import EmptyForm
from participation.extensions import db, limiter
from participation.forms import choices
from participation.i18n import PARIS, paris_today
from participation.minutes import blueprint, diff, labels, page_cache, policy, rendering, services
from participation.minutes.forms import (
    ActionForm,
    ActionStatusForm,
    ApprovalForm,
    CommentForm,
    DecisionForm,
    LiftRedactionForm,
    MeetingForm,
    NameChoiceForm,
    RedactionForm,
    RuleForm,
    attendance_form_class,
    sections_form_class,
)
from participation.minutes.models import (
    ActionItem,
    ActionStatus,
    ApprovalMode,
    AttendanceStatus,
    DecisionKind,
    Meeting,
    MeetingKind,
    MinutesDecision,
    MinutesStatus,
    PublicName,
    QuorumBasis,
    Redaction,
    ReviewComment,
)
from participation.permissions import authorize
from participation.territory.models import Conseil
from participation.territory.services import get_conseil_by_slug, roles_of

# ---------------------------------------------------------------- helpers


def iso_datetime(value: str | None) -> datetime | None:
    """A datetime stored as ISO text in a revision, back as a datetime for the ``when`` filter."""
    return datetime.fromisoformat(value) if value else None


def _to_utc(local: datetime) -> datetime:
    return local.replace(tzinfo=PARIS).astimezone(UTC)


def _to_local(value: datetime) -> datetime:
    return value.astimezone(PARIS).replace(tzinfo=None)


def _load_meeting(meeting_id: int) -> Meeting:
    meeting = services.load_meeting(meeting_id)
    if meeting is None or meeting.minutes is None:
        abort(404)
    return meeting


def _show_error(form, error: services.MinutesError, problems: list[str]) -> None:
    """Put the message next to its field, or in the list shown at the top of the form."""
    if error.field and error.field in form:
        form[error.field].errors = [*form[error.field].errors, error.message]
    else:
        problems.append(error.message)


def _manage_url(meeting: Meeting, anchor: str | None = None) -> str:
    return url_for("minutes.manage_meeting", meeting_id=meeting.id, _anchor=anchor)


def _confirmed(run, success):
    """Run a confirmed one-button action (EmptyForm): commit and flash ``success(result)``, or roll back and
    flash the rule that refused it. Returns the result, or None when nothing was done."""
    if not EmptyForm().validate_on_submit():
        return None
    try:
        result = run()
    except services.MinutesError as error:
        db.session.rollback()
        flash(error.message, "error")
        return None
    db.session.commit()
    flash(success(result), "success")
    return result


def _rerender(template: str, status: int = 422, **context):
    return render_template(template, **context), status


# ---------------------------------------------------------------- public pages


class PublishedCard(NamedTuple):
    """A card of the list of published minutes, its words in the reader's language."""

    id: int
    title: str
    kind: str
    starts_at: datetime
    when: str
    conseil_name: str


@blueprint.route("/comptes-rendus")
def list_minutes():
    # The list is the same for everyone (kept until minutes are published or changed); only the minutes waiting
    # for the reader's review are theirs.
    content = page_cache.kept(("list", str(get_locale()), request.script_root, request.query_string),
                              _list_content)
    to_review = services.in_review_for_member(current_user) if current_user.is_authenticated else []
    return render_template("minutes/list_minutes.html", content=content, to_review=to_review)


def _list_content() -> Markup:
    conseils, years = services.published_index()
    slug = request.args.get("conseil", "")
    conseil = next((c for c in conseils if c.slug == slug), None)
    year = request.args.get("annee", type=int)
    page = services.list_published(conseil.id if conseil else None, year, request.args.get("page", 1, type=int))
    when, kind = labels.when_formatter(), labels.label_once()
    page.items = [PublishedCard(row.id, row.title, kind(row.kind), row.starts_at, when(row.starts_at),
                                row.conseil_name) for row in page.items]
    return Markup(render_template("minutes/_list.html", page=page, conseils=conseils,  # noqa: S704 - our template
                                  conseil=conseil, year=year, years=years))


def _published_or_redirect(meeting: Meeting):
    minutes = meeting.minutes
    if minutes.status != MinutesStatus.published:
        if policy.can_see_internal(current_user, minutes):
            return redirect(url_for("minutes.review_minutes", meeting_id=meeting.id))
        abort(404)
    return None


@blueprint.route("/comptes-rendus/<int:meeting_id>")
def show_minutes(meeting_id: int):
    meeting = _load_meeting(meeting_id)
    elsewhere = _published_or_redirect(meeting)
    if elsewhere is not None:
        return elsewhere
    title, content = page_cache.kept(("page", str(get_locale()), request.script_root, meeting.id),
                                     lambda: _published_content(meeting))
    return render_template("minutes/show_minutes.html", title=title, content=content)


def _published_content(meeting: Meeting) -> tuple[str, Markup]:
    """The title and content of the public page of published minutes (the same for everyone)."""
    minutes = meeting.minutes
    document, corrections = services.published_document(minutes)
    content = render_template(
        "minutes/_published.html", meeting=meeting, minutes=minutes, document=document,
        names=rendering.names_for(document, True, meeting.conseil_id), public=True, corrections=corrections,
        follow_up=services.contributions_of(minutes, [d["id"] for d in document["decisions"]]),
        actions_now=services.action_follow_up(minutes) if document["actions"] else {},
    )
    return f"{document['meeting']['title']} – {meeting.conseil.name}", Markup(content)  # noqa: S704 - our template


@blueprint.route("/comptes-rendus/<int:meeting_id>.pdf")
def download_pdf(meeting_id: int):
    meeting = _load_meeting(meeting_id)
    if meeting.minutes.status != MinutesStatus.published:
        abort(404)
    revision = services.published_revision(meeting.minutes)
    data = rendering.minutes_pdf(meeting, meeting.minutes, revision)
    filename = f"compte-rendu-{meeting.starts_at.astimezone(PARIS):%Y-%m-%d}-{meeting.id}.pdf"
    return Response(data, mimetype="application/pdf",
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})


@blueprint.route("/comptes-rendus/<int:meeting_id>/versions")
def list_revisions(meeting_id: int):
    meeting = _load_meeting(meeting_id)
    minutes = meeting.minutes
    authorize(policy.can_read(current_user, minutes))
    internal = policy.can_see_internal(current_user, minutes)
    revisions = services.list_revisions(minutes, public=not internal)
    return render_template("minutes/list_revisions.html", meeting=meeting, minutes=minutes, revisions=revisions,
                           internal=internal)


def _visible_revision(minutes, number: int | None, internal: bool):
    if number is None:
        abort(404)
    revision = services.get_revision(minutes, number)
    if revision is None or not (internal or revision.published):
        abort(404)
    return revision


@blueprint.route("/comptes-rendus/<int:meeting_id>/versions/<int:number>")
def show_revision(meeting_id: int, number: int):
    meeting = _load_meeting(meeting_id)
    minutes = meeting.minutes
    authorize(policy.can_read(current_user, minutes))
    internal = policy.can_see_internal(current_user, minutes)
    revision = _visible_revision(minutes, number, internal)
    # The public sees a revision as the public saw it; the conseil's team as they saw it.
    public = not internal or request.args.get("version") == "publique"
    document = revision.content
    return render_template("minutes/show_revision.html", meeting=meeting, minutes=minutes, revision=revision,
                           document=document, names=rendering.names_for(document, public, meeting.conseil_id),
                           public=public, internal=internal)


@blueprint.route("/comptes-rendus/<int:meeting_id>/comparer")
def compare_revisions(meeting_id: int):
    meeting = _load_meeting(meeting_id)
    minutes = meeting.minutes
    authorize(policy.can_read(current_user, minutes))
    internal = policy.can_see_internal(current_user, minutes)
    old = _visible_revision(minutes, request.args.get("de", type=int), internal)
    new = _visible_revision(minutes, request.args.get("a", type=int), internal)
    public = not internal
    old_lines = rendering.document_lines(old.content, rendering.names_for(old.content, public, meeting.conseil_id),
                                         public)
    new_lines = rendering.document_lines(new.content, rendering.names_for(new.content, public, meeting.conseil_id),
                                         public)
    return render_template("minutes/compare_revisions.html", meeting=meeting, minutes=minutes, old=old, new=new,
                           blocks=diff.compare(old_lines, new_lines),
                           revisions=services.list_revisions(minutes, public=not internal))


def _review_page(meeting: Meeting, comment_form: CommentForm | None = None, status: int = 200):
    minutes = meeting.minutes
    revision = services.current_revision(minutes)
    document = revision.content
    targets = services.comment_targets(minutes)
    if comment_form is None:
        comment_form = CommentForm(formdata=None, data={"target": request.args.get("cible", "")})
    comment_form.target.choices = choices(targets)
    choice = rendering.effective_name_choice(current_user, minutes) if policy.can_choose_name(
        current_user, minutes) else None
    name_form = NameChoiceForm(formdata=None, data={"show": choice.value if choice else None})
    return render_template(
        "minutes/review_minutes.html", meeting=meeting, minutes=minutes, revision=revision, document=document,
        names=rendering.names_for(document, False, meeting.conseil_id), public=False,
        comments=services.comments_of(minutes),
        comment_form=comment_form, name_form=name_form, name_choice=choice, action_form=EmptyForm(formdata=None),
        review_open=services.review_open(minutes), target_labels=dict(targets),
        my_public_name=rendering.my_public_name(current_user, minutes) if policy.can_choose_name(
            current_user, minutes) else None,
    ), status


@blueprint.route("/comptes-rendus/<int:meeting_id>/relecture")
def review_minutes(meeting_id: int):
    meeting = _load_meeting(meeting_id)
    authorize(policy.can_see_internal(current_user, meeting.minutes))
    return _review_page(meeting)


@blueprint.route("/comptes-rendus/<int:meeting_id>/relecture", methods=["POST"])
@limiter.limit("20 per minute;200 per day", methods=["POST"])
def post_comment(meeting_id: int):
    meeting = _load_meeting(meeting_id)
    minutes = meeting.minutes
    authorize(policy.can_see_internal(current_user, minutes))
    authorize(policy.can_comment(current_user, minutes))
    form = CommentForm()
    form.target.choices = choices(services.comment_targets(minutes))
    if form.validate_on_submit():
        try:
            comment = services.add_comment(minutes, current_user, form.target.data, form.body.data,
                                           form.proposed_text.data)
        except services.MinutesError as error:
            db.session.rollback()
            problems: list[str] = []
            _show_error(form, error, problems)
            for problem in problems:
                flash(problem, "error")
            return _review_page(_load_meeting(meeting_id), form, 422)
        db.session.commit()
        flash(_("Your comment has been added. The animators have been told."), "success")
        return redirect(url_for("minutes.review_minutes", meeting_id=meeting.id, _anchor=f"comment-{comment.id}"))
    return _review_page(meeting, form, 422)


@blueprint.route("/comptes-rendus/<int:meeting_id>/mon-nom", methods=["POST"])
def choose_name(meeting_id: int):
    meeting = _load_meeting(meeting_id)
    authorize(policy.can_choose_name(current_user, meeting.minutes))
    form = NameChoiceForm()
    if form.validate_on_submit():
        services.set_name_choice(current_user, PublicName(form.show.data))
        db.session.commit()
        flash(_("Your choice is saved: it applies to every published minutes."), "success")
    return redirect(url_for("minutes.review_minutes", meeting_id=meeting.id, _anchor="mon-nom"))


# ---------------------------------------------------------------- back office: meetings


def _animated_conseils() -> list[Conseil]:
    ids = roles_of(current_user).animator_of
    if not ids:
        return []
    return list(db.session.scalars(select(Conseil).where(Conseil.id.in_(ids)).order_by(Conseil.name)))


@blueprint.route("/animation/reunions")
def list_meetings():
    authorize(policy.can_use_back_office(current_user))
    conseils = _animated_conseils()
    slug = request.args.get("conseil", "")
    conseil = next((c for c in conseils if c.slug == slug), None)
    page = services.meetings_of([c.id for c in conseils], request.args.get("page", 1, type=int),
                                conseil.id if conseil else None)
    return render_template("minutes/list_meetings.html", page=page, conseils=conseils, conseil=conseil)


def _meeting_data(form: MeetingForm) -> services.MeetingData:
    return services.MeetingData(
        kind=MeetingKind(form.kind.data), title=form.title.data or "", starts_at=_to_utc(form.starts_at.data),
        place=form.place.data or "", agenda=services.parse_agenda(form.agenda.data), workshop_id=form.workshop_id.data,
    )


@blueprint.route("/animation/reunions/nouvelle", methods=["GET", "POST"])
def new_meeting():
    authorize(policy.can_use_back_office(current_user))
    conseils = _animated_conseils()
    form = MeetingForm()
    form.conseil_id.choices = choices((c.id, c.name) for c in conseils)
    if request.method == "GET":
        wanted = next((c for c in conseils if c.slug == request.args.get("conseil")), None)
        if wanted is not None:
            form.conseil_id.data = wanted.id
    del form.reason
    problems: list[str] = []
    if form.validate_on_submit():
        conseil = next((c for c in conseils if c.id == form.conseil_id.data), None)
        authorize(conseil is not None and policy.can_manage_meetings(current_user, conseil))
        try:
            meeting = services.create_meeting(conseil, _meeting_data(form), current_user)
        except services.MinutesError as error:
            db.session.rollback()
            _show_error(form, error, problems)
        else:
            db.session.commit()
            flash(_("The meeting has been created. Record the attendance, then write the minutes."), "success")
            return redirect(_manage_url(meeting))
    status = 422 if request.method == "POST" else 200
    return _rerender("minutes/edit_meeting.html", status, form=form, meeting=None, problems=problems)


@blueprint.route("/animation/reunions/<int:meeting_id>")
def manage_meeting(meeting_id: int):
    meeting = _load_meeting(meeting_id)
    authorize(policy.can_manage_meetings(current_user, meeting.conseil))
    minutes = meeting.minutes
    revision = services.current_revision(minutes)
    document = revision.content
    comments = services.comments_of(minutes)
    return render_template(
        "minutes/manage_meeting.html", meeting=meeting, minutes=minutes, revision=revision, document=document,
        names=rendering.names_for(document, False, meeting.conseil_id), public=False,
        quorum=services.meeting_quorum(meeting),
        comments=comments, comment_total=sum(len(c) for c in comments.values()),
        follow_up=services.contributions_of(minutes), action_form=EmptyForm(formdata=None),
        status_forms={a.id: ActionStatusForm(formdata=None, prefix=f"a{a.id}", data={"status": a.status.value})
                      for a in minutes.action_items},
        target_labels=dict(services.comment_targets(minutes)),
    )


@blueprint.route("/animation/reunions/<int:meeting_id>/modifier", methods=["GET", "POST"])
def edit_meeting(meeting_id: int):
    meeting = _load_meeting(meeting_id)
    authorize(policy.can_edit(current_user, meeting.minutes))
    if request.method == "GET":
        form = MeetingForm(formdata=None, data={
            "kind": meeting.kind.value, "title": meeting.title, "starts_at": _to_local(meeting.starts_at),
            "place": meeting.place, "workshop_id": meeting.workshop_id,
            "agenda": "\n".join(item.title for item in meeting.agenda_items),
        })
    else:
        form = MeetingForm()
    del form.conseil_id
    problems: list[str] = []
    if form.validate_on_submit():
        try:
            services.update_meeting(meeting, _meeting_data(form), current_user, form.reason.data)
        except services.MinutesError as error:
            db.session.rollback()
            _show_error(form, error, problems)
        else:
            db.session.commit()
            flash(_("The meeting has been saved."), "success")
            return redirect(_manage_url(meeting))
    status = 422 if request.method == "POST" else 200
    return _rerender("minutes/edit_meeting.html", status, form=form, meeting=_load_meeting(meeting_id),
                     problems=problems)


@blueprint.route("/animation/reunions/<int:meeting_id>/presences", methods=["GET", "POST"])
def record_attendance(meeting_id: int):
    meeting = _load_meeting(meeting_id)
    authorize(policy.can_edit(current_user, meeting.minutes))
    memberships = services.eligible_memberships(meeting)
    names = services.attendance_names(meeting.conseil_id, [m.id for m in memberships], public=False)
    form_class = attendance_form_class(memberships, names)
    recorded = services.attendance_of(meeting)
    if request.method == "GET":
        data = {f"member_{m.id}": recorded.get(m.id, AttendanceStatus.absent).value for m in memberships}
        form = form_class(formdata=None, data={**data, "other_attendees": meeting.other_attendees})
    else:
        form = form_class()
    problems: list[str] = []
    if form.validate_on_submit():
        statuses = {m.id: AttendanceStatus(form[f"member_{m.id}"].data) for m in memberships}
        try:
            services.record_attendance(meeting, statuses, form.other_attendees.data, current_user, form.reason.data)
        except services.MinutesError as error:
            db.session.rollback()
            _show_error(form, error, problems)
        else:
            db.session.commit()
            flash(_("The attendance has been saved."), "success")
            return redirect(_manage_url(meeting, "presences"))
    meeting = _load_meeting(meeting_id)
    status = 422 if request.method == "POST" else 200
    return _rerender("minutes/record_attendance.html", status, form=form, meeting=meeting, memberships=memberships,
                     quorum=services.meeting_quorum(meeting), rule=services.get_rule(meeting.conseil),
                     problems=problems)


@blueprint.route("/animation/reunions/<int:meeting_id>/compte-rendu", methods=["GET", "POST"])
def edit_sections(meeting_id: int):
    meeting = _load_meeting(meeting_id)
    minutes = meeting.minutes
    authorize(policy.can_edit(current_user, minutes))
    items = list(meeting.agenda_items)
    form_class = sections_form_class(items)
    if request.method == "GET":
        form = form_class(formdata=None, data={"base": str(minutes.revision_count),
                                               **{f"item_{item.id}": item.notes for item in items}})
    else:
        form = form_class()
    problems: list[str] = []
    if form.validate_on_submit():
        base = int(form.base.data) if (form.base.data or "").isdigit() else None
        try:
            revision = services.save_sections(minutes, {item.id: form[f"item_{item.id}"].data for item in items},
                                              current_user, form.reason.data, base=base)
        except services.MinutesError as error:
            db.session.rollback()
            _show_error(form, error, problems)
            if isinstance(error, services.RevisionConflict):
                form.base.data = str(_load_meeting(meeting_id).minutes.revision_count)
        else:
            db.session.commit()
            flash(_("The minutes have been saved (version %(number)d).", number=revision.number) if revision
                  else _("Nothing had changed."), "success")
            return redirect(_manage_url(meeting, "compte-rendu"))
    status = 422 if request.method == "POST" else 200
    return _rerender("minutes/edit_sections.html", status, form=form, meeting=_load_meeting(meeting_id),
                     items=items, problems=problems)


# ---------------------------------------------------------------- back office: decisions


def _decision_form(meeting: Meeting, decision: MinutesDecision | None) -> DecisionForm:
    if request.method == "GET":
        data = {}
        if decision is not None:
            data = {
                "kind": decision.kind.value, "agenda_item_id": str(decision.agenda_item_id or ""),
                "text": decision.text, "majority_position": decision.majority_position,
                "dissenting_views": decision.dissenting_views, "unanimous": decision.unanimous,
                "votes_for": decision.votes_for, "votes_against": decision.votes_against,
                "abstentions": decision.abstentions,
            }
        elif request.args.get("point", "").isdigit():
            data = {"agenda_item_id": request.args["point"]}
        form = DecisionForm(formdata=None, data=data)
    else:
        form = DecisionForm()
    form.agenda_item_id.choices = choices(
        [("", _("No particular item"))]
        + [(str(item.id), f"{number}. {item.title}") for number, item in enumerate(meeting.agenda_items, start=1)]
    )
    return form


def _decision_data(form: DecisionForm) -> services.DecisionData:
    item = form.agenda_item_id.data
    return services.DecisionData(
        kind=DecisionKind(form.kind.data), text=form.text.data or "",
        majority_position=form.majority_position.data or "",
        dissenting_views=form.dissenting_views.data or "", unanimous=bool(form.unanimous.data),
        agenda_item_id=int(item) if item and item.isdigit() else None, votes_for=form.votes_for.data,
        votes_against=form.votes_against.data, abstentions=form.abstentions.data,
    )


def _load_decision(meeting: Meeting, decision_id: int) -> MinutesDecision:
    decision = db.session.get(MinutesDecision, decision_id)
    if decision is None or decision.minutes_id != meeting.minutes.id:
        abort(404)
    return decision


@blueprint.route("/animation/reunions/<int:meeting_id>/decisions/nouvelle", methods=["GET", "POST"])
def new_decision(meeting_id: int):
    return _edit_decision(meeting_id, None)


@blueprint.route("/animation/reunions/<int:meeting_id>/decisions/<int:decision_id>", methods=["GET", "POST"])
def edit_decision(meeting_id: int, decision_id: int):
    return _edit_decision(meeting_id, decision_id)


def _edit_decision(meeting_id: int, decision_id: int | None):
    meeting = _load_meeting(meeting_id)
    authorize(policy.can_edit(current_user, meeting.minutes))
    decision = _load_decision(meeting, decision_id) if decision_id is not None else None
    form = _decision_form(meeting, decision)
    problems: list[str] = []
    if form.validate_on_submit():
        try:
            if decision is None:
                decision = services.add_decision(meeting.minutes, _decision_data(form), current_user,
                                                 form.reason.data)
            else:
                services.update_decision(decision, _decision_data(form), current_user, form.reason.data)
        except services.MinutesError as error:
            db.session.rollback()
            _show_error(form, error, problems)
            decision = _load_decision(_load_meeting(meeting_id), decision_id) if decision_id is not None else None
        else:
            db.session.commit()
            flash(_("The decision has been saved."), "success")
            return redirect(_manage_url(meeting, decision.key))
    status = 422 if request.method == "POST" else 200
    meeting = _load_meeting(meeting_id)
    return _rerender("minutes/edit_decision.html", status, form=form, meeting=meeting, decision=decision,
                     present=services.present_count(meeting), problems=problems)


@blueprint.route("/animation/reunions/<int:meeting_id>/decisions/<int:decision_id>/retirer", methods=["POST"])
def remove_decision(meeting_id: int, decision_id: int):
    meeting = _load_meeting(meeting_id)
    authorize(policy.can_edit(current_user, meeting.minutes))
    decision = _load_decision(meeting, decision_id)
    _confirmed(lambda: services.remove_decision(decision, current_user),
               lambda _result: _("The decision has been removed."))
    return redirect(_manage_url(meeting, "decisions"))


@blueprint.route("/animation/reunions/<int:meeting_id>/decisions/<int:decision_id>/contribution", methods=["POST"])
def mark_contribution(meeting_id: int, decision_id: int):
    meeting = _load_meeting(meeting_id)
    authorize(policy.can_mark_contribution(current_user, meeting.minutes))
    decision = _load_decision(meeting, decision_id)
    _confirmed(lambda: services.mark_as_contribution(decision, current_user), lambda contribution: _(
        "The decision is now followed up in the contrat de ville (follow-up no. %(id)d).", id=contribution.id))
    return redirect(_manage_url(meeting, decision.key))


# ---------------------------------------------------------------- back office: action items


def _load_action(meeting: Meeting, action_id: int) -> ActionItem:
    action = db.session.get(ActionItem, action_id)
    if action is None or action.minutes_id != meeting.minutes.id:
        abort(404)
    return action


def _action_data(form: ActionForm) -> services.ActionData:
    return services.ActionData(what=form.what.data or "", who=form.who.data or "", due_on=form.due_on.data,
                               status=ActionStatus(form.status.data))


@blueprint.route("/animation/reunions/<int:meeting_id>/actions/nouvelle", methods=["GET", "POST"])
def new_action(meeting_id: int):
    return _edit_action(meeting_id, None)


@blueprint.route("/animation/reunions/<int:meeting_id>/actions/<int:action_id>", methods=["GET", "POST"])
def edit_action(meeting_id: int, action_id: int):
    return _edit_action(meeting_id, action_id)


def _edit_action(meeting_id: int, action_id: int | None):
    meeting = _load_meeting(meeting_id)
    authorize(policy.can_edit(current_user, meeting.minutes))
    action = _load_action(meeting, action_id) if action_id is not None else None
    if request.method == "GET":
        data = {"what": action.what, "who": action.who, "due_on": action.due_on,
                "status": action.status.value} if action else {"status": ActionStatus.planned.value}
        form = ActionForm(formdata=None, data=data)
    else:
        form = ActionForm()
    if action is not None:
        del form.status  # followed up from the meeting page, not a change of the minutes
    problems: list[str] = []
    if form.validate_on_submit():
        try:
            if action is None:
                action = services.add_action_item(meeting.minutes, _action_data(form), current_user, paris_today(),
                                                  form.reason.data)
            else:
                services.update_action_item(action, services.ActionData(
                    what=form.what.data or "", who=form.who.data or "", due_on=form.due_on.data), current_user,
                    form.reason.data)
        except services.MinutesError as error:
            db.session.rollback()
            _show_error(form, error, problems)
            action = _load_action(_load_meeting(meeting_id), action_id) if action_id is not None else None
        else:
            db.session.commit()
            flash(_("The action item has been saved."), "success")
            return redirect(_manage_url(meeting, "actions"))
    status = 422 if request.method == "POST" else 200
    return _rerender("minutes/edit_action.html", status, form=form, meeting=_load_meeting(meeting_id), action=action,
                     problems=problems)


@blueprint.route("/animation/reunions/<int:meeting_id>/actions/<int:action_id>/statut", methods=["POST"])
def set_action_status(meeting_id: int, action_id: int):
    meeting = _load_meeting(meeting_id)
    authorize(policy.can_follow_up_actions(current_user, meeting.minutes))
    action = _load_action(meeting, action_id)
    form = ActionStatusForm(prefix=f"a{action.id}")
    if form.validate_on_submit():
        services.set_action_status(action, ActionStatus(form.status.data), current_user)
        db.session.commit()
        flash(_("The status of the action item has been saved."), "success")
    else:
        flash(_("Choose a status from the list."), "error")
    return redirect(_manage_url(meeting, "actions"))


@blueprint.route("/animation/reunions/<int:meeting_id>/actions/<int:action_id>/retirer", methods=["POST"])
def remove_action(meeting_id: int, action_id: int):
    meeting = _load_meeting(meeting_id)
    authorize(policy.can_edit(current_user, meeting.minutes))
    action = _load_action(meeting, action_id)
    _confirmed(lambda: services.remove_action_item(action, current_user),
               lambda _result: _("The action item has been removed."))
    return redirect(_manage_url(meeting, "actions"))


# ---------------------------------------------------------------- back office: redaction


def _redaction_targets(meeting: Meeting) -> list[tuple[str, str]]:
    targets = [(item.key, _("Section %(number)d: %(title)s", number=number, title=item.title))
               for number, item in enumerate(meeting.agenda_items, start=1)]
    parts = {"text": _("text"), "majority": _("majority position"), "dissent": _("dissenting views")}
    for number, decision in enumerate(meeting.minutes.decisions, start=1):
        for part, part_label in parts.items():
            targets.append((f"{decision.key}:{part}", _("Decision %(number)d, %(part)s", number=number,
                                                         part=part_label)))
    return targets


@blueprint.route("/animation/reunions/<int:meeting_id>/masquer", methods=["GET", "POST"])
def redact_passage(meeting_id: int):
    meeting = _load_meeting(meeting_id)
    authorize(policy.can_redact(current_user, meeting.minutes))
    form = RedactionForm(formdata=None) if request.method == "GET" else RedactionForm()
    targets = _redaction_targets(meeting)
    form.target.choices = choices(targets)
    problems: list[str] = []
    if form.validate_on_submit():
        try:
            services.redact(meeting.minutes, form.target.data, form.passage.data, form.reason.data, current_user)
        except services.MinutesError as error:
            db.session.rollback()
            _show_error(form, error, problems)
        else:
            db.session.commit()
            flash(_("The passage is hidden from the public version."), "success")
            return redirect(url_for("minutes.redact_passage", meeting_id=meeting.id))
    status = 422 if request.method == "POST" else 200
    meeting = _load_meeting(meeting_id)
    return _rerender("minutes/redact_passage.html", status, form=form, meeting=meeting,
                     redactions=meeting.minutes.redactions, target_labels=dict(targets),
                     lift_forms={r.id: LiftRedactionForm(formdata=None, prefix=f"r{r.id}")
                                 for r in meeting.minutes.redactions},
                     problems=problems)


@blueprint.route("/animation/reunions/<int:meeting_id>/masquer/<int:redaction_id>/lever", methods=["POST"])
def lift_redaction(meeting_id: int, redaction_id: int):
    meeting = _load_meeting(meeting_id)
    authorize(policy.can_redact(current_user, meeting.minutes))
    redaction = db.session.get(Redaction, redaction_id)
    if redaction is None or redaction.minutes_id != meeting.minutes.id:
        abort(404)
    form = LiftRedactionForm(prefix=f"r{redaction.id}")
    if form.validate_on_submit():
        try:
            services.lift_redaction(redaction, current_user, form.reason.data)
        except services.MinutesError as error:
            db.session.rollback()
            flash(error.message, "error")
        else:
            db.session.commit()
            flash(_("The passage is shown again in the public version."), "success")
    else:
        flash(_("Say why this passage is shown again."), "error")
    return redirect(url_for("minutes.redact_passage", meeting_id=meeting.id))


# ---------------------------------------------------------------- back office: workflow


@blueprint.route("/animation/reunions/<int:meeting_id>/relecture", methods=["POST"])
def send_to_review(meeting_id: int):
    meeting = _load_meeting(meeting_id)
    authorize(policy.can_send_to_review(current_user, meeting.minutes))
    if EmptyForm().validate_on_submit():
        sent = services.send_to_review(meeting.minutes, current_user)
        db.session.commit()
        flash(_("The minutes are in review until %(date)s; %(count)d members have been told by e-mail.",
                date=_day(meeting.minutes.review_ends_at), count=sent), "success")
    return redirect(_manage_url(meeting))


def _day(value: datetime) -> str:
    from participation.i18n import format_day

    return format_day(value)


@blueprint.route("/animation/reunions/<int:meeting_id>/propositions/<int:comment_id>/accepter", methods=["POST"])
def accept_wording(meeting_id: int, comment_id: int):
    meeting = _load_meeting(meeting_id)
    authorize(policy.can_accept_wording(current_user, meeting.minutes))
    comment = db.session.get(ReviewComment, comment_id)
    if comment is None or comment.minutes_id != meeting.minutes.id:
        abort(404)
    _confirmed(lambda: services.accept_wording(comment, current_user),
               lambda revision: _("The proposed wording is now in the minutes (version %(number)d).",
                                  number=revision.number))
    return redirect(request.form.get("back") == "review" and
                    url_for("minutes.review_minutes", meeting_id=meeting.id, _anchor=comment.target)
                    or _manage_url(meeting, "relecture"))


@blueprint.route("/animation/reunions/<int:meeting_id>/approbation", methods=["GET", "POST"])
def approve_minutes(meeting_id: int):
    meeting = _load_meeting(meeting_id)
    minutes = meeting.minutes
    authorize(policy.can_approve(current_user, minutes))
    form = ApprovalForm(formdata=None) if request.method == "GET" else ApprovalForm()
    later = services.later_meetings(minutes)
    form.approval_meeting_id.choices = choices(
        [("", _("Choose a meeting"))] + [(str(m.id), m.title) for m in later])
    problems: list[str] = []
    decisions_error = None
    if form.validate_on_submit():
        chosen = form.approval_meeting_id.data
        try:
            services.approve(minutes, services.ApprovalData(
                mode=ApprovalMode(form.mode.data), approval_meeting_id=int(chosen) if chosen.isdigit() else None,
                note=form.note.data or ""), current_user)
        except services.MinutesError as error:
            db.session.rollback()
            if error.field == "decisions":
                decisions_error = error.message
            else:
                _show_error(form, error, problems)
        else:
            db.session.commit()
            flash(_("The minutes are approved. Check them one last time, then publish them."), "success")
            return redirect(_manage_url(meeting))
    status = 422 if request.method == "POST" else 200
    meeting = _load_meeting(meeting_id)
    return _rerender("minutes/approve_minutes.html", status, form=form, meeting=meeting, minutes=meeting.minutes,
                     problems=problems, decisions_error=decisions_error,
                     review_over=not services.review_open(meeting.minutes))


@blueprint.route("/animation/reunions/<int:meeting_id>/publication", methods=["POST"])
def publish_minutes(meeting_id: int):
    meeting = _load_meeting(meeting_id)
    authorize(policy.can_publish(current_user, meeting.minutes))
    if EmptyForm().validate_on_submit():
        services.publish(meeting.minutes, current_user)
        db.session.commit()
        flash(_("The minutes are published."), "success")
        return redirect(url_for("minutes.show_minutes", meeting_id=meeting.id))
    return redirect(_manage_url(meeting))


# ---------------------------------------------------------------- back office: the conseil's rule


@blueprint.route("/animation/reunions/reglement/<slug>", methods=["GET", "POST"])
def edit_rule(slug: str):
    conseil = get_conseil_by_slug(slug)
    if conseil is None:
        abort(404)
    authorize(policy.can_manage_meetings(current_user, conseil))
    rule = services.get_rule(conseil)
    if request.method == "GET":
        form = RuleForm(formdata=None, data={"quorum_basis": rule.quorum_basis.value,
                                             "quorum_percent": rule.quorum_percent, "review_days": rule.review_days})
    else:
        form = RuleForm()
    problems: list[str] = []
    if form.validate_on_submit():
        try:
            services.save_rule(conseil, services.RuleData(QuorumBasis(form.quorum_basis.data),
                                                          form.quorum_percent.data, form.review_days.data),
                               current_user)
        except services.MinutesError as error:
            db.session.rollback()
            _show_error(form, error, problems)
        else:
            db.session.commit()
            flash(_("The rule of the conseil has been saved."), "success")
            return redirect(url_for("minutes.list_meetings", conseil=conseil.slug))
    status = 422 if request.method == "POST" else 200
    return _rerender("minutes/edit_rule.html", status, form=form, conseil=conseil, problems=problems)
