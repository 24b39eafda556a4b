"""Back office: build, preview, open and close a consultation, type in paper answers, hide a free text,
write and publish the synthesis, export the results."""

from __future__ import annotations

from datetime import UTC, datetime

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select
from werkzeug.datastructures import MultiDict

from participation import audit
from participation.accounts.forms import EmptyForm
from participation.accounts.policy import is_project_lead
from participation.consultations import answers, blueprint, exports, policy, services
from participation.consultations.forms import (
    ConsultationForm,
    HideAnswerForm,
    QuestionForm,
    RespondentForm,
    SectionForm,
    SynthesisForm,
)
from participation.consultations.models import Answer, Audience, Consultation, Question, QuestionKind, Section
from participation.consultations.views import qpv_choices, render_review, render_section
from participation.db import utcnow
from participation.errors import DomainError
from participation.exports import FORMATS, stream_export
from participation.extensions import db
from participation.forms import choices
from participation.i18n import PARIS
from participation.permissions import authorize
from participation.territory.models import Conseil
from participation.territory.services import roles_of

# ------------------------------------------------------------------------------------------ helpers


def _load_managed(consultation_id: int) -> Consultation:
    consultation = services.load(consultation_id)
    if consultation is None:
        abort(404)
    authorize(policy.can_manage(current_user, consultation))
    return consultation


def _to_utc(value: datetime | None) -> datetime | None:
    return value.replace(tzinfo=PARIS).astimezone(UTC) if value is not None else None


def _to_local(value: datetime | None) -> datetime | None:
    return value.astimezone(PARIS).replace(tzinfo=None) if value is not None else None


def _builder_url(consultation: Consultation, anchor: str = "") -> str:
    return url_for("consultations.build_consultation", consultation_id=consultation.id) + anchor


def _conseil_choices():
    animated = roles_of(current_user).animator_of
    pairs = []
    if is_project_lead(current_user):
        pairs.append(("", _("The whole territory (chef de projet)")))
    conseils = db.session.execute(
        select(Conseil.id, Conseil.name).where(Conseil.id.in_(animated)).order_by(Conseil.name)).all()
    pairs += [(str(c.id), c.name) for c in conseils]
    return choices(pairs)


def _consultation_data(form: ConsultationForm, conseil_id: int | None) -> services.ConsultationData:
    return services.ConsultationData(
        title=form.title.data, intro=form.intro.data or "", intro_falc=form.intro_falc.data,
        conseil_id=conseil_id, qpv_id=int(form.qpv_id.data) if (form.qpv_id.data or "").isdigit() else None,
        opens_at=_to_utc(form.opens_at.data), closes_at=_to_utc(form.closes_at.data),
        audience=Audience(form.audience.data), anonymous_allowed=form.anonymous_allowed.data,
        results_while_open=form.results_while_open.data,
    )


# ------------------------------------------------------------------------------------------ list, create, settings


@blueprint.route("/animation/consultations")
@login_required
def manage_consultations():
    authorize(policy.can_use_back_office(current_user))
    managed = services.managed_by(current_user)
    others = []
    if is_project_lead(current_user):
        managed_ids = {c.id for c in managed}
        others = [c for c in services.all_for_project_lead() if c.id not in managed_ids]
    return render_template("consultations/manage_consultations.html", managed=managed, others=others)


@blueprint.route("/animation/consultations/nouvelle", methods=["GET", "POST"])
@login_required
def create_consultation():
    authorize(policy.can_create(current_user))
    form = ConsultationForm()
    form.conseil_id.choices = _conseil_choices()
    form.qpv_id.choices = qpv_choices(_("All the quartiers concerned"))
    if form.validate_on_submit():
        conseil_id = int(form.conseil_id.data) if form.conseil_id.data else None
        try:
            consultation = services.create_consultation(current_user, _consultation_data(form, conseil_id))
        except DomainError as error:
            form.closes_at.errors.append(error.message)
        else:
            authorize(policy.can_manage(current_user, consultation))
            db.session.commit()
            flash(_("The consultation is created as a draft. Add its questions."), "success")
            return redirect(_builder_url(consultation))
    return render_template("consultations/edit_consultation.html", form=form, consultation=None), (
        422 if request.method == "POST" else 200)


@blueprint.route("/animation/consultations/<int:consultation_id>/parametres", methods=["GET", "POST"])
@login_required
def edit_consultation(consultation_id: int):
    consultation = _load_managed(consultation_id)
    if request.method == "GET":
        form = ConsultationForm(obj=consultation, data={
            "qpv_id": str(consultation.qpv_id or ""), "audience": consultation.audience.value,
            "opens_at": _to_local(consultation.opens_at), "closes_at": _to_local(consultation.closes_at),
        })
    else:
        form = ConsultationForm()
    del form.conseil_id
    form.qpv_id.choices = qpv_choices(_("All the quartiers concerned"))
    if form.validate_on_submit():
        try:
            services.update_consultation(consultation, _consultation_data(form, consultation.conseil_id))
        except DomainError as error:
            form.closes_at.errors.append(error.message)
        else:
            db.session.commit()
            flash(_("The settings have been saved."), "success")
            return redirect(_builder_url(consultation))
    return render_template("consultations/edit_consultation.html", form=form, consultation=consultation), (
        422 if request.method == "POST" else 200)


# ------------------------------------------------------------------------------------------ builder


@blueprint.route("/animation/consultations/<int:consultation_id>")
@login_required
def build_consultation(consultation_id: int):
    consultation = _load_managed(consultation_id)
    opens_later = consultation.opens_at is not None and consultation.opens_at > utcnow()
    return render_template("consultations/build_consultation.html", consultation=consultation,
                           action_form=EmptyForm(), section_form=SectionForm(formdata=None, prefix="section"),
                           opens_later=opens_later)


@blueprint.route("/animation/consultations/<int:consultation_id>/pages", methods=["POST"])
@login_required
def add_section(consultation_id: int):
    consultation = _load_managed(consultation_id)
    form = SectionForm(prefix="section")
    if form.validate_on_submit():
        try:
            section = services.add_section(consultation, form.title.data or "")
        except DomainError as error:
            flash(error.message, "error")
        else:
            db.session.commit()
            flash(_("A page has been added."), "success")
            return redirect(_builder_url(consultation, f"#page-{section.id}"))
    return redirect(_builder_url(consultation))


def _load_section(consultation: Consultation, section_id: int) -> Section:
    section = next((s for s in consultation.sections if s.id == section_id), None)
    if section is None:
        abort(404)
    return section


@blueprint.route("/animation/consultations/<int:consultation_id>/pages/<int:section_id>", methods=["POST"])
@login_required
def rename_section(consultation_id: int, section_id: int):
    consultation = _load_managed(consultation_id)
    section = _load_section(consultation, section_id)
    form = SectionForm(prefix=f"section-{section.id}")
    if form.validate_on_submit():
        services.rename_section(section, form.title.data or "")
        db.session.commit()
        flash(_("The title of the page has been saved."), "success")
    else:
        flash(_("At most %(max)d characters.", max=200), "error")
    return redirect(_builder_url(consultation, f"#page-{section.id}"))


@blueprint.route("/animation/consultations/<int:consultation_id>/pages/<int:section_id>/deplacer",
                 methods=["POST"])
@login_required
def move_section(consultation_id: int, section_id: int):
    consultation = _load_managed(consultation_id)
    section = _load_section(consultation, section_id)
    if EmptyForm().validate_on_submit():
        try:
            services.move_section(section, -1 if request.form.get("direction") == "up" else 1)
        except DomainError as error:
            flash(error.message, "error")
        else:
            db.session.commit()
    return redirect(_builder_url(consultation, f"#page-{section.id}"))


@blueprint.route("/animation/consultations/<int:consultation_id>/pages/<int:section_id>/supprimer",
                 methods=["POST"])
@login_required
def delete_section(consultation_id: int, section_id: int):
    consultation = _load_managed(consultation_id)
    section = _load_section(consultation, section_id)
    if EmptyForm().validate_on_submit():
        try:
            services.delete_section(section)
        except DomainError as error:
            flash(error.message, "error")
        else:
            db.session.commit()
            flash(_("The page and its questions have been removed."), "success")
    return redirect(_builder_url(consultation))


def _load_question(consultation: Consultation, question_id: int) -> Question:
    question = next((q for q in consultation.questions if q.id == question_id), None)
    if question is None:
        abort(404)
    return question


def _question_form(consultation: Consultation, question: Question | None) -> QuestionForm:
    if request.method == "POST":
        form = QuestionForm()
    elif question is None:
        form = QuestionForm(formdata=None, data={"section_id": request.args.get("page", ""), "scale": "1-5"})
    else:
        # No obj=question: WTForms would take its attributes (options, kind) over these values.
        form = QuestionForm(formdata=None, data={
            "kind": question.kind.value, "section_id": str(question.section_id), "text": question.text,
            "falc_text": question.falc_text or "", "required": question.required,
            "options": "\n".join(option.label for option in question.options),
            "allow_other": question.allow_other, "max_choices": question.max_choices,
            "scale": "0-10" if question.scale_min == 0 else "1-5",
            "scale_min_label": question.scale_min_label or "", "scale_max_label": question.scale_max_label or "",
        })
    if question is not None and consultation.structure_locked:
        for name in ("kind", "section_id", "scale", "required", "allow_other", "max_choices"):
            delattr(form, name)
        return form
    form.section_id.choices = choices(
        (str(section.id), section.title or _("Page %(number)d", number=number))
        for number, section in enumerate(consultation.sections, start=1)
    )
    return form


def _question_data(form: QuestionForm, question: Question | None) -> services.QuestionData:
    lines = [line.strip() for line in (form.options.data or "").splitlines() if line.strip()]
    existing = [option.id for option in question.options] if question is not None else []
    options = [services.OptionData(label=line, id=existing[i] if i < len(existing) else None)
               for i, line in enumerate(lines)]
    if question is not None and question.consultation.structure_locked:
        # Only the wording is on the form now: the structure stays as it is.
        return services.QuestionData(
            kind=question.kind, text=form.text.data or "", falc_text=form.falc_text.data, required=question.required,
            options=options if question.kind.has_options else [], max_choices=question.max_choices,
            scale_min=question.scale_min, scale_max=question.scale_max, scale_min_label=form.scale_min_label.data,
            scale_max_label=form.scale_max_label.data, allow_other=question.allow_other,
        )
    scale_min, scale_max = (0, 10) if form.scale.data == "0-10" else (1, 5)
    return services.QuestionData(
        kind=QuestionKind(form.kind.data), text=form.text.data or "", falc_text=form.falc_text.data,
        required=form.required.data, options=options, max_choices=form.max_choices.data, scale_min=scale_min,
        scale_max=scale_max, scale_min_label=form.scale_min_label.data, scale_max_label=form.scale_max_label.data,
        allow_other=form.allow_other.data,
    )


@blueprint.route("/animation/consultations/<int:consultation_id>/questions/nouvelle", methods=["GET", "POST"])
@login_required
def add_question(consultation_id: int):
    consultation = _load_managed(consultation_id)
    if consultation.structure_locked:
        flash(_("People have answered already: questions can no longer be added."), "error")
        return redirect(_builder_url(consultation))
    form = _question_form(consultation, None)
    problem = None
    if form.validate_on_submit():
        section = _load_section(consultation, int(form.section_id.data))
        try:
            question = services.add_question(section, _question_data(form, None))
        except DomainError as error:
            problem = error.message
        else:
            db.session.commit()
            flash(_("The question has been added."), "success")
            return redirect(_builder_url(consultation, f"#question-{question.id}"))
    return render_template("consultations/edit_question.html", consultation=consultation, question=None,
                           form=form, problem=problem), (422 if request.method == "POST" else 200)


@blueprint.route("/animation/consultations/<int:consultation_id>/questions/<int:question_id>",
                 methods=["GET", "POST"])
@login_required
def edit_question(consultation_id: int, question_id: int):
    consultation = _load_managed(consultation_id)
    question = _load_question(consultation, question_id)
    form = _question_form(consultation, question)
    problem = None
    if form.validate_on_submit():
        section = None if consultation.structure_locked else _load_section(consultation, int(form.section_id.data))
        try:
            services.update_question(question, _question_data(form, question), section=section)
        except DomainError as error:
            db.session.rollback()
            problem = error.message
            consultation = _load_managed(consultation_id)
            question = _load_question(consultation, question_id)
        else:
            db.session.commit()
            flash(_("The question has been saved."), "success")
            return redirect(_builder_url(consultation, f"#question-{question.id}"))
    return render_template("consultations/edit_question.html", consultation=consultation, question=question,
                           form=form, problem=problem), (422 if request.method == "POST" else 200)


@blueprint.route("/animation/consultations/<int:consultation_id>/questions/<int:question_id>/deplacer",
                 methods=["POST"])
@login_required
def move_question(consultation_id: int, question_id: int):
    consultation = _load_managed(consultation_id)
    question = _load_question(consultation, question_id)
    if EmptyForm().validate_on_submit():
        try:
            services.move_question(question, -1 if request.form.get("direction") == "up" else 1)
        except DomainError as error:
            flash(error.message, "error")
        else:
            db.session.commit()
    return redirect(_builder_url(consultation, f"#question-{question.id}"))


@blueprint.route("/animation/consultations/<int:consultation_id>/questions/<int:question_id>/supprimer",
                 methods=["POST"])
@login_required
def delete_question(consultation_id: int, question_id: int):
    consultation = _load_managed(consultation_id)
    question = _load_question(consultation, question_id)
    if EmptyForm().validate_on_submit():
        try:
            services.delete_question(question)
        except DomainError as error:
            flash(error.message, "error")
        else:
            db.session.commit()
            flash(_("The question has been removed."), "success")
    return redirect(_builder_url(consultation))


# ------------------------------------------------------------------------------------------ life cycle


@blueprint.route("/animation/consultations/<int:consultation_id>/ouvrir", methods=["POST"])
@login_required
def open_consultation(consultation_id: int):
    consultation = _load_managed(consultation_id)
    if EmptyForm().validate_on_submit():
        try:
            services.publish(consultation)
        except DomainError as error:
            flash(error.message, "error")
        else:
            audit.record(current_user, "consultation.opened", "consultation", consultation.id,
                         conseil_id=consultation.conseil_id)
            db.session.commit()
            flash(_("The consultation is open.") if consultation.is_open else
                  _("The consultation is published: it opens on %(date)s.", date=consultation.opens_at), "success")
    return redirect(_builder_url(consultation))


@blueprint.route("/animation/consultations/<int:consultation_id>/fermer", methods=["POST"])
@login_required
def close_consultation(consultation_id: int):
    consultation = _load_managed(consultation_id)
    if EmptyForm().validate_on_submit():
        try:
            services.close(consultation)
        except DomainError as error:
            flash(error.message, "error")
        else:
            audit.record(current_user, "consultation.closed", "consultation", consultation.id,
                         conseil_id=consultation.conseil_id)
            db.session.commit()
            flash(_("The consultation is closed. You can now write its synthesis."), "success")
    return redirect(_builder_url(consultation))


@blueprint.route("/animation/consultations/<int:consultation_id>/dupliquer", methods=["POST"])
@login_required
def duplicate_consultation(consultation_id: int):
    consultation = _load_managed(consultation_id)
    if not EmptyForm().validate_on_submit():
        return redirect(_builder_url(consultation))
    copy = services.duplicate(consultation, current_user, title=_("Copy of %(title)s", title=consultation.title))
    db.session.commit()
    flash(_("This is a copy, as a draft: change what you need, then open it."), "success")
    return redirect(_builder_url(copy))


@blueprint.route("/animation/consultations/<int:consultation_id>/supprimer", methods=["POST"])
@login_required
def delete_consultation(consultation_id: int):
    consultation = _load_managed(consultation_id)
    if EmptyForm().validate_on_submit():
        try:
            services.delete_draft_consultation(consultation)
        except DomainError as error:
            flash(error.message, "error")
            return redirect(_builder_url(consultation))
        db.session.commit()
        flash(_("The draft has been deleted."), "success")
    return redirect(url_for("consultations.manage_consultations"))


# ------------------------------------------------------------------------------------------ preview


@blueprint.route("/animation/consultations/<int:consultation_id>/apercu/<int:step>", methods=["GET", "POST"])
@login_required
def preview_consultation(consultation_id: int, step: int):
    consultation = _load_managed(consultation_id)
    if not 1 <= step <= len(consultation.sections):
        abort(404)
    section = consultation.sections[step - 1]
    if request.method == "GET":
        return render_section(consultation, step, MultiDict(), {}, preview=True)
    reading = answers.read_page(section.questions, request.form)
    if request.form.get("direction") == "back":
        if step == 1:
            return redirect(_builder_url(consultation))
        return redirect(url_for("consultations.preview_consultation", consultation_id=consultation.id, step=step - 1))
    if reading.errors:
        return render_section(consultation, step, request.form, reading.errors, preview=True, status=422)
    if step < len(consultation.sections):
        return redirect(url_for("consultations.preview_consultation", consultation_id=consultation.id, step=step + 1))
    return redirect(url_for("consultations.preview_send", consultation_id=consultation.id))


@blueprint.route("/animation/consultations/<int:consultation_id>/apercu/envoi")
@login_required
def preview_send(consultation_id: int):
    consultation = _load_managed(consultation_id)
    form = RespondentForm(formdata=None)
    form.qpv_id.choices = qpv_choices(_("I prefer not to say"))
    return render_review(consultation, services.Draft(), form, {}, preview=True)


# ------------------------------------------------------------------------------------------ paper answers


def _render_paper(consultation: Consultation, entered, errors, form: RespondentForm, status: int = 200):
    numbers = {q.id: n for n, q in enumerate(consultation.ordered_questions(), start=1)}
    return render_template("consultations/enter_paper_answers.html", consultation=consultation, entered=entered,
                           errors=errors, form=form, numbers=numbers), status


@blueprint.route("/animation/consultations/<int:consultation_id>/saisie", methods=["GET", "POST"])
@login_required
def enter_paper_answers(consultation_id: int):
    consultation = _load_managed(consultation_id)
    authorize(policy.can_enter_paper_answers(current_user, consultation))
    form = RespondentForm() if request.method == "POST" else RespondentForm(formdata=None)
    form.qpv_id.choices = qpv_choices(_("Not given"))
    del form.contact_email
    if request.method == "GET":
        return _render_paper(consultation, MultiDict(), {}, form)
    questions = consultation.ordered_questions()
    reading = answers.read_page(questions, request.form)
    if not form.validate_on_submit() or reading.errors:
        return _render_paper(consultation, request.form, reading.errors, form, status=422)
    qpv_id = int(form.qpv_id.data) if (form.qpv_id.data or "").isdigit() else None
    try:
        services.submit_response(consultation, services.Respondent.assisted(current_user), reading.values,
                                 qpv_id=qpv_id)
    except services.InvalidAnswers as error:
        return _render_paper(consultation, request.form, error.errors, form, status=422)
    except services.CannotAnswer as error:
        flash(error.message, "error")
        return redirect(_builder_url(consultation))
    db.session.commit()
    flash(_("The paper answer has been recorded (%(count)d on paper so far). The form is ready for the next one.",
            count=consultation.assisted_count), "success")
    return redirect(url_for("consultations.enter_paper_answers", consultation_id=consultation.id))


# ------------------------------------------------------------------------------------------ free texts


def _load_answer(consultation: Consultation, answer_id: int) -> Answer:
    answer = db.session.get(Answer, answer_id)
    if answer is None or answer.question.consultation_id != consultation.id or answer.text is None:
        abort(404)
    return answer


@blueprint.route("/animation/consultations/<int:consultation_id>/reponses/<int:answer_id>/masquer",
                 methods=["GET", "POST"])
@login_required
def hide_answer(consultation_id: int, answer_id: int):
    consultation = services.load(consultation_id)
    if consultation is None:
        abort(404)
    authorize(policy.can_moderate_answers(current_user, consultation))
    answer = _load_answer(consultation, answer_id)
    form = HideAnswerForm()
    if form.validate_on_submit():
        try:
            services.hide_answer(answer, current_user, form.reason.data)
        except DomainError as error:
            form.reason.errors.append(error.message)
        else:
            db.session.commit()
            flash(_("The answer is hidden from the results."), "success")
            return redirect(url_for("consultations.list_texts", consultation_id=consultation.id,
                                    question_id=answer.question_id))
    return render_template("consultations/hide_answer.html", consultation=consultation, answer=answer,
                           form=form), (422 if request.method == "POST" else 200)


@blueprint.route("/animation/consultations/<int:consultation_id>/reponses/<int:answer_id>/retablir",
                 methods=["POST"])
@login_required
def restore_answer(consultation_id: int, answer_id: int):
    consultation = services.load(consultation_id)
    if consultation is None:
        abort(404)
    authorize(policy.can_moderate_answers(current_user, consultation))
    answer = _load_answer(consultation, answer_id)
    if EmptyForm().validate_on_submit():
        services.restore_answer(answer, current_user)
        db.session.commit()
        flash(_("The answer is shown again."), "success")
    return redirect(url_for("consultations.list_texts", consultation_id=consultation.id,
                            question_id=answer.question_id))


# ------------------------------------------------------------------------------------------ synthesis


@blueprint.route("/animation/consultations/<int:consultation_id>/synthese", methods=["GET", "POST"])
@login_required
def write_synthesis(consultation_id: int):
    consultation = _load_managed(consultation_id)
    authorize(policy.can_write_synthesis(current_user, consultation))
    if consultation.synthesis_published_at is not None:
        flash(_("The synthesis is published already."), "info")
        return redirect(url_for("consultations.show_results", consultation_id=consultation.id) + "#synthese")
    form = SynthesisForm(formdata=None, data={"synthesis": consultation.synthesis or ""}) \
        if request.method == "GET" else SynthesisForm()
    if form.validate_on_submit():
        try:
            services.save_synthesis(consultation, form.synthesis.data or "")
            if request.form.get("action") == "publish":
                contribution = services.publish_synthesis(consultation, current_user)
                audit.record(current_user, "consultation.synthesis_published", "consultation", consultation.id,
                             conseil_id=consultation.conseil_id, contribution_id=contribution.id)
        except DomainError as error:
            db.session.rollback()
            form.synthesis.errors.append(error.message)
        else:
            db.session.commit()
            if consultation.synthesis_published_at is not None:
                flash(_("The synthesis is published. It now goes to the contrat de ville, and the respondents who "
                        "left an e-mail address are told."), "success")
                return redirect(url_for("consultations.show_results", consultation_id=consultation.id) + "#synthese")
            flash(_("The synthesis has been saved. It is not public yet."), "success")
            return redirect(url_for("consultations.write_synthesis", consultation_id=consultation.id))
    return render_template("consultations/write_synthesis.html", consultation=consultation, form=form), (
        422 if request.method == "POST" else 200)


# ------------------------------------------------------------------------------------------ exports


@blueprint.route("/pilotage/consultations/<int:consultation_id>/export/<any(resultats, reponses):what>.<fmt>")
@login_required
def export_consultation(consultation_id: int, what: str, fmt: str):
    consultation = services.load(consultation_id)
    if consultation is None or fmt not in ("csv", "xlsx", "ods"):
        abort(404)
    authorize(policy.can_export(current_user, consultation))
    # Built before the commit and without ORM objects: the body is streamed after this view returns.
    if what == "resultats":
        columns, rows = exports.aggregated(consultation)
        filename = f"consultation-{consultation.id}-resultats"
    else:
        columns, rows = exports.raw_answers(consultation)
        filename = f"consultation-{consultation.id}-reponses"
    audit.record(current_user, "consultation.exported", "consultation", consultation.id,
                 conseil_id=consultation.conseil_id, what=what, format=fmt)
    db.session.commit()
    assert fmt in FORMATS
    return stream_export(fmt, filename, columns, rows)
