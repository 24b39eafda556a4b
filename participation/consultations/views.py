"""Public pages: the list, a consultation page by page, the thanks, and the results."""

from __future__ import annotations

import secrets
from urllib.parse import urlsplit

from flask import abort, after_this_request, current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user
from itsdangerous import BadSignature, URLSafeSerializer
from markupsafe import Markup
from sqlalchemy import select

from participation.accounts.forms import EmptyForm
from participation.consultations import answers, blueprint, labels, page_cache, policy, results, services
from participation.consultations.forms import RespondentForm
from participation.consultations.models import Channel, Consultation, Question, QuestionKind
from participation.contract.services import contribution_for
from participation.extensions import db, limiter
from participation.forms import SelectChoice, choices
from participation.i18n import select_locale
from participation.pagination import paginate
from participation.territory.models import QPV

RESPONDENT_COOKIE = "participation_respondent"
RESPONDENT_COOKIE_AGE = 365 * 24 * 3600
EASY_READ_KEY = "easy_read"
PAGE_LIMIT = "120 per hour"
SEND_LIMIT = "20 per hour;5 per minute"
ANONYMOUS_SEND_LIMIT = "10 per hour;3 per minute"


# ------------------------------------------------------------------------------------------ helpers


def load_visible(consultation_id: int) -> Consultation:
    """The consultation, or 404 when it does not exist or is a draft the person may not see."""
    consultation = services.load(consultation_id)
    if consultation is None or not policy.can_view(current_user, consultation):
        abort(404)
    return consultation


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt="participation.respondent")


def _anonymous_token() -> str | None:
    raw = request.cookies.get(RESPONDENT_COOKIE)
    if not raw:
        return None
    try:
        token = _serializer().loads(raw)
    except BadSignature:
        return None
    return token if isinstance(token, str) and 16 <= len(token) <= 64 else None


def current_respondent(create: bool = False) -> services.Respondent | None:
    """The account when signed in; otherwise this browser, known by a signed cookie made on the first answer."""
    token = _anonymous_token()
    if current_user.is_authenticated:
        return services.respondent_for(current_user, None)
    if token is None and create:
        token = secrets.token_urlsafe(24)
        signed = _serializer().dumps(token)

        @after_this_request
        def set_cookie(response):
            response.set_cookie(RESPONDENT_COOKIE, signed, max_age=RESPONDENT_COOKIE_AGE, httponly=True,
                                samesite="Lax", secure=current_app.config.get("SESSION_COOKIE_SECURE", False))
            return response

    return services.respondent_for(current_user, token)


def easy_read() -> bool:
    return bool(session.get(EASY_READ_KEY))


def qpv_choices(empty_label: str) -> list[SelectChoice]:
    qpvs = db.session.execute(select(QPV.id, QPV.name).order_by(QPV.name)).all()
    return choices([("", empty_label)] + [(str(q.id), q.name) for q in qpvs])


def _refuse(consultation: Consultation, refused: services.CannotAnswer):
    flash(refused.message, "error")
    if refused.reason == "sign_in":
        return redirect(url_for("accounts.sign_in", next=url_for("consultations.show_consultation",
                                                                   consultation_id=consultation.id)))
    return redirect(url_for("consultations.show_consultation", consultation_id=consultation.id))


def _safe_back(default: str) -> str:
    target = request.form.get("next") or ""
    parts = urlsplit(target)
    if target.startswith("/") and not target.startswith("//") and not parts.scheme and not parts.netloc:
        return target
    return default


def _is_anonymous() -> bool:
    return not current_user.is_authenticated


# ------------------------------------------------------------------------------------------ list and page


@blueprint.route("/consultations")
def list_consultations():
    open_, upcoming = services.public_consultations()
    closed = paginate(services.closed_consultations_query(), request.args.get("page", 1, type=int), per_page=20)
    return render_template("consultations/list_consultations.html", open_consultations=open_, upcoming=upcoming,
                           closed=closed)


@blueprint.route("/consultations/<int:consultation_id>")
def show_consultation(consultation_id: int):
    consultation = load_visible(consultation_id)
    respondent = current_respondent()
    return render_template(
        "consultations/show_consultation.html", consultation=consultation,
        refused=services.refusal(consultation, current_user),
        response=services.existing_response(consultation, respondent), easy_read=easy_read(),
        easy_read_form=EmptyForm(),
    )


@blueprint.route("/consultations/<int:consultation_id>/lecture-facile", methods=["POST"])
def toggle_easy_read(consultation_id: int):
    consultation = load_visible(consultation_id)
    if EmptyForm().validate_on_submit():
        session[EASY_READ_KEY] = request.form.get("easy_read") == "1"
    return redirect(_safe_back(url_for("consultations.show_consultation", consultation_id=consultation.id)))


# ------------------------------------------------------------------------------------------ answering


def render_section(consultation: Consultation, step: int, entered, errors: dict[int, str], *,
                   preview: bool = False, status: int = 200):
    sections = consultation.sections
    section = sections[step - 1]
    numbers = {q.id: n for n, q in enumerate(consultation.ordered_questions(), start=1)}
    return render_template(
        "consultations/answer_consultation.html", consultation=consultation, section=section, step=step,
        steps=len(sections) + 1, entered=entered, errors=errors, numbers=numbers, preview=preview,
        form=EmptyForm(), easy_read=easy_read(), easy_read_form=EmptyForm(),
        questions_by_id={q.id: q for q in section.questions},
    ), status


@blueprint.route("/consultations/<int:consultation_id>/repondre/<int:step>", methods=["GET", "POST"])
@limiter.limit(PAGE_LIMIT, methods=["POST"])
def answer_consultation(consultation_id: int, step: int):
    consultation = load_visible(consultation_id)
    refused = services.refusal(consultation, current_user)
    if refused is not None:
        return _refuse(consultation, refused)
    if not 1 <= step <= len(consultation.sections):
        abort(404)
    section = consultation.sections[step - 1]
    if request.method == "GET":
        draft = services.load_draft(consultation, current_respondent())
        return render_section(consultation, step, answers.as_form(section.questions, draft.values), {})
    form = EmptyForm()
    if not form.validate_on_submit():
        flash(_("The form expired. Please send it again."), "error")
        return render_section(consultation, step, request.form, {}, status=400)
    respondent = current_respondent(create=True)
    reading = answers.read_page(section.questions, request.form)
    kept = {qid: value for qid, value in reading.values.items() if qid not in reading.errors}
    services.save_draft(consultation, respondent, kept)
    db.session.commit()
    if request.form.get("direction") == "back":
        if step == 1:
            return redirect(url_for("consultations.show_consultation", consultation_id=consultation.id))
        return redirect(url_for("consultations.answer_consultation", consultation_id=consultation.id, step=step - 1))
    if reading.errors:
        return render_section(consultation, step, request.form, reading.errors, status=422)
    if step < len(consultation.sections):
        return redirect(url_for("consultations.answer_consultation", consultation_id=consultation.id, step=step + 1))
    return redirect(url_for("consultations.send_answers", consultation_id=consultation.id))


def _step_of(consultation: Consultation) -> dict[int, int]:
    return {q.id: step for step, section in enumerate(consultation.sections, start=1) for q in section.questions}


def render_review(consultation: Consultation, draft: services.Draft, form: RespondentForm, errors: dict[int, str],
                  *, preview: bool = False, status: int = 200):
    questions = consultation.ordered_questions()
    return render_template(
        "consultations/send_answers.html", consultation=consultation, draft=draft, form=form, errors=errors,
        questions=questions, steps=len(consultation.sections) + 1, step_of=_step_of(consultation),
        anonymous=_is_anonymous(), preview=preview, easy_read=easy_read(), easy_read_form=EmptyForm(),
        summary=answer_summary(questions, draft.values),
    ), status


def answer_summary(questions: list[Question], values) -> dict[int, list[str]]:
    """Each answer in words, to read back before sending."""
    summary: dict[int, list[str]] = {}
    for question in questions:
        value = values.get(question.id)
        if value is None:
            continue
        labels = {option.id: option.label for option in question.options}
        kind = question.kind
        if kind.has_options and kind.is_choice:
            words = [labels.get(option_id, "?") for option_id in value.option_ids]
            if value.other is not None:
                words.append(_("Other: %(text)s", text=value.other))
        elif kind.has_options:
            words = [f"{rank}. {labels.get(option_id, '?')}" for rank, option_id in enumerate(value.option_ids, 1)]
        elif kind == QuestionKind.yes_no:
            words = [_("Yes") if value.value == 1 else _("No")]
        elif kind == QuestionKind.scale:
            words = [_("%(value)s out of %(max)s", value=value.value, max=question.scale_max)]
        else:
            words = [value.text or ""]
        summary[question.id] = words
    return summary


@blueprint.route("/consultations/<int:consultation_id>/repondre/envoi", methods=["GET", "POST"])
@limiter.limit(PAGE_LIMIT, methods=["POST"])
@limiter.limit(SEND_LIMIT, methods=["POST"])
@limiter.limit(ANONYMOUS_SEND_LIMIT, methods=["POST"], exempt_when=lambda: current_user.is_authenticated)
def send_answers(consultation_id: int):
    consultation = load_visible(consultation_id)
    refused = services.refusal(consultation, current_user)
    if refused is not None:
        return _refuse(consultation, refused)
    respondent = current_respondent(create=request.method == "POST")
    draft = services.load_draft(consultation, respondent)
    empty = _("I prefer not to say")
    if request.method == "GET":
        form = RespondentForm(formdata=None, data={"qpv_id": str(draft.qpv_id or ""),
                                                   "contact_email": draft.contact_email or ""})
        form.qpv_id.choices = qpv_choices(empty)
        return render_review(consultation, draft, form, {})
    form = RespondentForm()
    form.qpv_id.choices = qpv_choices(empty)
    if not form.validate_on_submit():
        return render_review(consultation, draft, form, {}, status=422)
    qpv_id = int(form.qpv_id.data) if (form.qpv_id.data or "").isdigit() else None
    contact_email = form.contact_email.data if _is_anonymous() else None
    services.save_draft(consultation, respondent, {}, qpv_id=qpv_id, contact_email=contact_email)
    try:
        _response, replaced = services.submit_response(consultation, respondent, draft.values, qpv_id=qpv_id,
                                                       contact_email=contact_email, locale=select_locale())
    except services.InvalidAnswers as error:
        db.session.commit()  # keep the quartier and e-mail typed on this page
        flash(_("Some answers are missing or need to be corrected: see below."), "error")
        return render_review(consultation, draft, form, error.errors, status=422)
    except services.CannotAnswer as error:
        db.session.rollback()
        return _refuse(consultation, error)
    db.session.commit()
    flash(_("Your answer has been changed.") if replaced else _("Thank you: your answer has been recorded."),
          "success")
    return redirect(url_for("consultations.thank_you", consultation_id=consultation.id))


@blueprint.route("/consultations/<int:consultation_id>/merci")
def thank_you(consultation_id: int):
    consultation = load_visible(consultation_id)
    response = services.existing_response(consultation, current_respondent())
    return render_template("consultations/thank_you.html", consultation=consultation, response=response)


# ------------------------------------------------------------------------------------------ results


def read_filters() -> results.Filters:
    channel = next((c for c in Channel if c.value == request.args.get("canal")), None)
    quartier = request.args.get("quartier", "")
    return results.Filters(channel=channel, qpv_key=int(quartier) if quartier.isdigit() and len(quartier) < 10
                           else None)


def filter_quartiers(built: results.Results) -> list[tuple[int, str]]:
    listed = [(key, name) for key, name in built.quartiers if key and name is not None]
    listed.sort(key=lambda item: item[1])
    if any(key == 0 for key, _name in built.quartiers):
        listed.append((0, _("Quartier not given")))
    return listed


@blueprint.route("/consultations/<int:consultation_id>/resultats")
def show_results(consultation_id: int):
    consultation = load_visible(consultation_id)
    if not policy.can_see_results(current_user, consultation):
        return render_template("consultations/results_not_yet.html", consultation=consultation)
    # The same for everyone who may download the exports (or may not), in a language, phase and choice of filters.
    key = ("results", str(get_locale()), request.script_root, consultation.id, consultation.phase().value,
           policy.can_export(current_user, consultation), request.query_string)
    content = page_cache.kept(key, lambda: _results_content(consultation))
    return render_template("consultations/show_results.html", consultation=consultation, content=content)


def _results_content(consultation: Consultation) -> Markup:
    built = results.results(consultation, read_filters())
    labels.describe_rows(built)
    return Markup(render_template(  # noqa: S704 - our template
        "consultations/_results.html", consultation=consultation,
        results=built, quartiers=filter_quartiers(built),
        channels=list(Channel),
        # Shown with the synthesis only: no statement for it before one is published.
        contribution=contribution_for(services.SOURCE_TYPE, consultation.id)
        if consultation.synthesis_published_at else None,
    ))


@blueprint.route("/consultations/<int:consultation_id>/resultats/questions/<int:question_id>")
def list_texts(consultation_id: int, question_id: int):
    consultation = load_visible(consultation_id)
    question = next((q for q in consultation.questions if q.id == question_id), None)
    if question is None or not (question.kind.is_text or question.allow_other):
        abort(404)
    if not policy.can_see_results(current_user, consultation):
        return render_template("consultations/results_not_yet.html", consultation=consultation)
    moderator = policy.can_moderate_answers(current_user, consultation)
    filters = read_filters()
    page = paginate(results.texts_page_query(question, filters, include_hidden=moderator),
                    request.args.get("page", 1, type=int), per_page=30)
    number = consultation.ordered_questions().index(question) + 1
    return render_template("consultations/list_texts.html", consultation=consultation, question=question,
                           number=number, page=page, moderator=moderator, filters=filters,
                           action_form=EmptyForm())
