"""Consultations: build a questionnaire, open and close it, take answers, publish the synthesis.

Answers are stored as rows (``consultation_answer``) and counted into tallies
(``consultation_tally``) in the same transaction, with SQL-side increments, so the results page
sums a few hundred rows whatever the number of responses. ``recount`` rebuilds the same figures
from the raw answers with GROUP BY queries: the check the tests and the ``flask consultations
check`` command rely on.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload, selectinload

from participation.accounts.models import User
from participation.accounts.policy import is_habitant, is_signed_in
from participation.consultations.answers import (
    AnswerValue,
    answer_rows,
    check_all,
    tally_keys,
    values_from_rows,
)
from participation.consultations.models import (
    Answer,
    Audience,
    Channel,
    Consultation,
    Measure,
    Phase,
    Question,
    QuestionKind,
    QuestionOption,
    Response,
    ResponseDraft,
    ResultTally,
    Section,
)
from participation.contract.models import Contribution, ContributionKind
from participation.db import dialect_insert, inline, utcnow
from participation.errors import DomainError
from participation.extensions import db
from participation.registry import Recipient
from participation.sanitize import render_markdown
from participation.territory.services import roles_of

SOURCE_TYPE = "consultation"
MAX_OPTIONS = 20


class StructureLocked(DomainError):
    """The consultation has answers: only wording may change."""


class InvalidConsultation(DomainError):
    pass


class CannotAnswer(DomainError):
    """The person may not answer (not open, closed, members only, sign in first…)."""

    def __init__(self, message: str, reason: str) -> None:
        super().__init__(message)
        self.reason = reason


class InvalidAnswers(DomainError):
    def __init__(self, errors: dict[int, str]) -> None:
        super().__init__(_("Some answers need to be corrected."))
        self.errors = errors


class SynthesisError(DomainError):
    pass


class AnswerNotHideable(DomainError):
    pass


# ------------------------------------------------------------------------------------------ building


@dataclass
class ConsultationData:
    title: str
    intro: str = ""
    intro_falc: str | None = None
    conseil_id: int | None = None
    qpv_id: int | None = None
    opens_at: datetime | None = None
    closes_at: datetime | None = None
    audience: Audience = Audience.anyone
    anonymous_allowed: bool = True
    results_while_open: bool = False


@dataclass
class OptionData:
    label: str
    id: int | None = None


@dataclass
class QuestionData:
    kind: QuestionKind
    text: str
    falc_text: str | None = None
    required: bool = False
    options: list[OptionData] = field(default_factory=list)
    max_choices: int | None = None
    scale_min: int | None = None
    scale_max: int | None = None
    scale_min_label: str | None = None
    scale_max_label: str | None = None
    allow_other: bool = False


def _clean(text: str | None) -> str | None:
    text = (text or "").strip()
    return text or None


def create_consultation(actor: User | None, data: ConsultationData) -> Consultation:
    """Create a draft consultation with one empty section, for a conseil or the whole territory."""
    consultation = Consultation(
        title=data.title.strip(), conseil_id=data.conseil_id, created_by_id=actor.id if actor else None,
    )
    db.session.add(consultation)
    update_consultation(consultation, data)
    consultation.sections.append(Section(position=0, title=""))
    db.session.flush()
    return consultation


def update_consultation(consultation: Consultation, data: ConsultationData) -> None:
    """Change the texts, dates and who may answer; anonymous answers only when anyone may answer."""
    if data.opens_at and data.closes_at and data.closes_at <= data.opens_at:
        raise InvalidConsultation(_("The closing date must come after the opening date."))
    if consultation.synthesis_published_at is not None and (data.closes_at is None or data.closes_at > utcnow()):
        raise InvalidConsultation(_("The synthesis is published: the consultation cannot open again."))
    consultation.title = data.title.strip()
    consultation.intro = data.intro or ""
    consultation.intro_html = render_markdown(consultation.intro)
    consultation.intro_falc = _clean(data.intro_falc)
    consultation.intro_falc_html = render_markdown(consultation.intro_falc) if consultation.intro_falc else None
    consultation.qpv_id = data.qpv_id
    consultation.opens_at = data.opens_at
    consultation.closes_at = data.closes_at
    consultation.audience = data.audience
    consultation.anonymous_allowed = data.anonymous_allowed and data.audience == Audience.anyone
    consultation.results_while_open = data.results_while_open
    consultation.updated_at = utcnow()


def _check_question(data: QuestionData) -> None:
    if not data.text.strip():
        raise InvalidConsultation(_("Write the question."))
    if data.kind.has_options:
        labels = [option.label.strip() for option in data.options]
        if len(labels) < 2:
            raise InvalidConsultation(_("Give at least two options."))
        if len(labels) > MAX_OPTIONS:
            raise InvalidConsultation(_("At most %(max)d options.", max=MAX_OPTIONS))
        if any(not label for label in labels):
            raise InvalidConsultation(_("An option cannot be empty."))
        if len({label.casefold() for label in labels}) != len(labels):
            raise InvalidConsultation(_("Two options have the same wording."))
    if data.kind == QuestionKind.scale:
        if (data.scale_min, data.scale_max) not in ((1, 5), (0, 10)):
            raise InvalidConsultation(_("A scale goes from 1 to 5 or from 0 to 10."))
    if data.kind == QuestionKind.multiple_choice and data.max_choices is not None:
        if not 1 <= data.max_choices <= len(data.options) + (1 if data.allow_other else 0):
            raise InvalidConsultation(_("The maximum number of choices must be between 1 and the number of options."))


def _normalised(data: QuestionData) -> QuestionData:
    """Drop the settings that do not apply to the kind of question."""
    kind = data.kind
    return QuestionData(
        kind=kind, text=data.text.strip(), falc_text=_clean(data.falc_text), required=data.required,
        options=[OptionData(label=o.label.strip(), id=o.id) for o in data.options] if kind.has_options else [],
        max_choices=data.max_choices if kind == QuestionKind.multiple_choice else None,
        scale_min=data.scale_min if kind == QuestionKind.scale else None,
        scale_max=data.scale_max if kind == QuestionKind.scale else None,
        scale_min_label=_clean(data.scale_min_label) if kind == QuestionKind.scale else None,
        scale_max_label=_clean(data.scale_max_label) if kind == QuestionKind.scale else None,
        allow_other=data.allow_other if kind.is_choice else False,
    )


def _locked_error() -> StructureLocked:
    return StructureLocked(_("People have answered already: only the wording can change now, so that earlier "
                             "answers keep their meaning."))


def add_section(consultation: Consultation, title: str = "") -> Section:
    """Add a page at the end; not once people have answered."""
    if consultation.structure_locked:
        raise _locked_error()
    section = Section(consultation=consultation, title=title.strip()[:200],
                      position=max((s.position for s in consultation.sections), default=-1) + 1)
    db.session.add(section)
    db.session.flush()
    return section


def rename_section(section: Section, title: str) -> None:
    """A page title is wording: it may change at any time."""
    section.title = title.strip()[:200]


def _renumber(items: list[Any]) -> None:
    for position, item in enumerate(items):
        item.position = position


def move_section(section: Section, offset: int) -> None:
    """Move a page earlier (-1) or later (+1); not once people have answered."""
    consultation = section.consultation
    if consultation.structure_locked:
        raise _locked_error()
    sections = list(consultation.sections)
    index = sections.index(section)
    target = index + offset
    if 0 <= target < len(sections):
        sections[index], sections[target] = sections[target], sections[index]
        _renumber(sections)
        consultation.sections.sort(key=lambda s: s.position)
        db.session.flush()


def delete_section(section: Section) -> None:
    """Remove a page and its questions; the last page stays, and nothing goes once people have answered."""
    consultation = section.consultation
    if consultation.structure_locked:
        raise _locked_error()
    if len(consultation.sections) <= 1:
        raise InvalidConsultation(_("A consultation keeps at least one page."))
    for question in list(section.questions):
        consultation.questions.remove(question)
        db.session.delete(question)
    consultation.sections.remove(section)
    db.session.delete(section)
    _renumber(list(consultation.sections))
    db.session.flush()


def add_question(section: Section, data: QuestionData) -> Question:
    """Add a question at the end of a page; not once people have answered."""
    consultation = section.consultation
    if consultation.structure_locked:
        raise _locked_error()
    data = _normalised(data)
    _check_question(data)
    question = Question(
        consultation=consultation, section=section, kind=data.kind,
        position=max((q.position for q in section.questions), default=-1) + 1,
    )
    _apply_question(question, data)
    question.options = [QuestionOption(label=o.label[:300], position=i) for i, o in enumerate(data.options)]
    db.session.add(question)
    db.session.flush()
    return question


def _apply_question(question: Question, data: QuestionData) -> None:
    question.text = data.text[:500]
    question.falc_text = data.falc_text
    question.required = data.required
    question.max_choices = data.max_choices
    question.scale_min, question.scale_max = data.scale_min, data.scale_max
    question.scale_min_label = (data.scale_min_label or "")[:100] or None
    question.scale_max_label = (data.scale_max_label or "")[:100] or None
    question.allow_other = data.allow_other


def update_question(question: Question, data: QuestionData, section: Section | None = None) -> None:
    """Change a question; once people have answered, only its wording (question, options, scale ends).

    Before the first answer anything may change, and options given without an id replace the
    others in the order given.
    """
    consultation = question.consultation
    data = _normalised(data)
    _check_question(data)
    if consultation.structure_locked:
        same_structure = (
            data.kind == question.kind and data.required == question.required
            and data.max_choices == question.max_choices and data.scale_min == question.scale_min
            and data.scale_max == question.scale_max and data.allow_other == question.allow_other
            and [o.id for o in data.options] == [o.id for o in question.options]
            and (section is None or section.id == question.section_id)
        )
        if not same_structure:
            raise _locked_error()
        _apply_question(question, data)
        for option, wanted in zip(question.options, data.options, strict=True):
            option.label = wanted.label[:300]
        db.session.flush()
        return
    question.kind = data.kind
    _apply_question(question, data)
    existing = {option.id: option for option in question.options}
    kept: list[QuestionOption] = []
    for position, wanted in enumerate(data.options):
        option = existing.pop(wanted.id, None) if wanted.id is not None else None
        if option is None:
            option = QuestionOption(label=wanted.label[:300])
        option.label, option.position = wanted.label[:300], position
        kept.append(option)
    question.options = kept
    if section is not None and section.id != question.section_id:
        if section.consultation_id != consultation.id:
            raise InvalidConsultation(_("This page belongs to another consultation."))
        old_section = question.section
        question.section = section
        question.position = max((q.position for q in section.questions if q is not question), default=-1) + 1
        _renumber([q for q in old_section.questions if q is not question])
    db.session.flush()


def move_question(question: Question, offset: int) -> None:
    """Move a question earlier (-1) or later (+1) in its page; not once people have answered."""
    if question.consultation.structure_locked:
        raise _locked_error()
    questions = list(question.section.questions)
    index = questions.index(question)
    target = index + offset
    if 0 <= target < len(questions):
        questions[index], questions[target] = questions[target], questions[index]
        _renumber(questions)
        question.section.questions.sort(key=lambda q: q.position)
        db.session.flush()


def delete_question(question: Question) -> None:
    """Remove a question; not once people have answered."""
    consultation = question.consultation
    if consultation.structure_locked:
        raise _locked_error()
    section = question.section
    section.questions.remove(question)
    consultation.questions.remove(question)
    db.session.delete(question)
    _renumber(list(section.questions))
    db.session.flush()


def check_ready(consultation: Consultation) -> None:
    """A consultation opens with at least one question, and options on every choice or ranking question."""
    questions = consultation.ordered_questions()
    if not questions:
        raise InvalidConsultation(_("Add at least one question before opening the consultation."))
    for question in questions:
        if question.kind.has_options and len(question.options) < 2:
            raise InvalidConsultation(_("The question “%(text)s” needs at least two options.", text=question.text))


def publish(consultation: Consultation, now: datetime | None = None) -> None:
    """Make the consultation public: it opens now, or on its opening date if that is still to come."""
    now = now or utcnow()
    check_ready(consultation)
    if consultation.synthesis_published_at is not None:
        raise InvalidConsultation(_("The synthesis is published: the consultation cannot open again."))
    opens_at = consultation.opens_at if consultation.opens_at and consultation.opens_at > now else now
    if consultation.closes_at is not None and consultation.closes_at <= opens_at:
        raise InvalidConsultation(_("The closing date is past: choose a later one in the settings first."))
    consultation.opens_at = opens_at
    consultation.published_at = consultation.published_at or now
    consultation.updated_at = now


def close(consultation: Consultation, now: datetime | None = None) -> None:
    """Close an open consultation now: no more answers, results shown to everyone."""
    now = now or utcnow()
    if consultation.phase(now) != Phase.open:
        raise InvalidConsultation(_("Only an open consultation can be closed."))
    consultation.closes_at = now
    consultation.updated_at = now


def delete_draft_consultation(consultation: Consultation) -> None:
    """A consultation that was never published can be thrown away."""
    if consultation.published_at is not None or consultation.responses_count:
        raise InvalidConsultation(_("Only a draft that was never opened can be deleted."))
    db.session.delete(consultation)
    db.session.flush()


def duplicate(consultation: Consultation, actor: User | None, title: str | None = None) -> Consultation:
    """Copy a consultation as a new draft: texts, settings, pages and questions, without dates or answers."""
    copy = Consultation(
        title=(title or consultation.title)[:200], intro=consultation.intro, intro_html=consultation.intro_html,
        intro_falc=consultation.intro_falc, intro_falc_html=consultation.intro_falc_html,
        conseil_id=consultation.conseil_id, qpv_id=consultation.qpv_id, audience=consultation.audience,
        anonymous_allowed=consultation.anonymous_allowed, results_while_open=consultation.results_while_open,
        copied_from_id=consultation.id, created_by_id=actor.id if actor else None,
    )
    db.session.add(copy)
    for section in consultation.sections:
        new_section = Section(consultation=copy, position=section.position, title=section.title)
        db.session.add(new_section)
        for question in section.questions:
            new_question = Question(consultation=copy, section=new_section, kind=question.kind,
                                    position=question.position, text=question.text)
            _apply_question(new_question, QuestionData(
                kind=question.kind, text=question.text, falc_text=question.falc_text, required=question.required,
                max_choices=question.max_choices, scale_min=question.scale_min, scale_max=question.scale_max,
                scale_min_label=question.scale_min_label, scale_max_label=question.scale_max_label,
                allow_other=question.allow_other,
            ))
            new_question.options = [QuestionOption(label=o.label, position=o.position) for o in question.options]
            db.session.add(new_question)
    db.session.flush()
    return copy


# ------------------------------------------------------------------------------------------ who answers


@dataclass(frozen=True)
class Respondent:
    """Who is answering: an account, an anonymous browser (its cookie's key), or an animator typing paper."""

    channel: Channel
    user: User | None = None
    anonymous_key: str | None = None

    @classmethod
    def online(cls, user: User) -> Respondent:
        return cls(Channel.online, user=user)

    @classmethod
    def anonymous(cls, token: str) -> Respondent:
        return cls(Channel.anonymous, anonymous_key=anonymous_key(token))

    @classmethod
    def assisted(cls, animator: User) -> Respondent:
        return cls(Channel.assisted, user=animator)


def anonymous_key(token: str) -> str:
    """What is stored of an anonymous respondent's cookie token: its SHA-256, never the token."""
    return hashlib.sha256(token.encode()).hexdigest()


def refusal(consultation: Consultation, user: Any, now: datetime | None = None) -> CannotAnswer | None:
    """Why this person may not answer now (None when they may)."""
    phase = consultation.phase(now)
    if phase == Phase.draft:
        return CannotAnswer(_("This consultation is not published."), "draft")
    if phase == Phase.scheduled:
        return CannotAnswer(_("This consultation is not open yet."), "not_open_yet")
    if phase == Phase.closed:
        return CannotAnswer(_("This consultation is closed: answers are no longer taken."), "closed")
    signed_in = is_signed_in(user)
    if consultation.audience == Audience.members:
        if not signed_in:
            return CannotAnswer(_("This consultation is for the members of the conseil citoyen: sign in first."),
                                "sign_in")
        member_of = roles_of(user).member_of
        if (consultation.conseil_id is None and not member_of) or (
                consultation.conseil_id is not None and consultation.conseil_id not in member_of):
            return CannotAnswer(_("This consultation is for the members of the conseil citoyen only."),
                                "members_only")
        return None
    if consultation.audience == Audience.anyone and consultation.anonymous_allowed:
        return None
    if not signed_in:
        return CannotAnswer(_("Sign in to answer this consultation."), "sign_in")
    if not is_habitant(user):
        return CannotAnswer(_("Confirm your e-mail address to answer this consultation."), "verify_email")
    return None


def respondent_for(user: Any, anonymous_token: str | None) -> Respondent | None:
    """The respondent a request speaks for: the account when signed in, else the anonymous cookie."""
    if is_signed_in(user):
        return Respondent.online(user)
    if anonymous_token:
        return Respondent.anonymous(anonymous_token)
    return None


def _response_query(consultation: Consultation, respondent: Respondent):
    query = select(Response).where(Response.consultation_id == consultation.id)
    if respondent.channel == Channel.online and respondent.user is not None:
        return query.where(Response.user_id == respondent.user.id)
    if respondent.channel == Channel.anonymous and respondent.anonymous_key:
        return query.where(Response.anonymous_key == respondent.anonymous_key)
    return None


def existing_response(consultation: Consultation, respondent: Respondent | None,
                      for_update: bool = False) -> Response | None:
    """This person's response, if they answered already (paper answers are never "theirs")."""
    if respondent is None:
        return None
    query = _response_query(consultation, respondent)
    if query is None:
        return None
    if for_update:
        query = query.with_for_update()
    return db.session.scalar(query.options(selectinload(Response.answers)))


# ------------------------------------------------------------------------------------------ drafts


def _draft_query(consultation: Consultation, respondent: Respondent):
    query = select(ResponseDraft).where(ResponseDraft.consultation_id == consultation.id)
    if respondent.user is not None and respondent.channel == Channel.online:
        return query.where(ResponseDraft.user_id == respondent.user.id)
    return query.where(ResponseDraft.anonymous_key == respondent.anonymous_key)


@dataclass
class Draft:
    values: dict[int, AnswerValue] = field(default_factory=dict)
    qpv_id: int | None = None
    contact_email: str | None = None
    started_from_response: bool = False


def load_draft(consultation: Consultation, respondent: Respondent | None) -> Draft:
    """The answers kept so far; a person who answered already starts from their answer."""
    if respondent is None or respondent.channel == Channel.assisted:
        return Draft()
    row = db.session.scalar(_draft_query(consultation, respondent))
    if row is not None:
        data = row.data or {}
        values = {int(key): AnswerValue.from_json(value) for key, value in (data.get("answers") or {}).items()
                  if str(key).isdigit() and isinstance(value, dict)}
        qpv_id = data.get("qpv")
        return Draft(values=values, qpv_id=qpv_id if isinstance(qpv_id, int) else None,
                     contact_email=data.get("email") if isinstance(data.get("email"), str) else None,
                     started_from_response=bool(data.get("from_response")))
    response = existing_response(consultation, respondent)
    if response is not None:
        return Draft(values=values_from_rows(consultation.ordered_questions(), response.answers),
                     qpv_id=response.qpv_id, contact_email=response.contact_email, started_from_response=True)
    if respondent.user is not None:
        return Draft(qpv_id=respondent.user.qpv_id)
    return Draft()


def save_draft(consultation: Consultation, respondent: Respondent, values: Mapping[int, AnswerValue | None],
               *, qpv_id: int | None | bool = False, contact_email: str | None | bool = False) -> Draft:
    """Keep the answers of one page with those of the other pages (``None`` forgets an answer)."""
    draft = load_draft(consultation, respondent)
    for question_id, value in values.items():
        if value is None:
            draft.values.pop(question_id, None)
        else:
            draft.values[question_id] = value
    if qpv_id is not False:
        draft.qpv_id = qpv_id if isinstance(qpv_id, int) and not isinstance(qpv_id, bool) else None
    if contact_email is not False:
        draft.contact_email = contact_email if isinstance(contact_email, str) else None
    data = {
        "answers": {str(key): value.to_json() for key, value in draft.values.items()},
        "qpv": draft.qpv_id, "email": draft.contact_email, "from_response": draft.started_from_response,
    }
    _upsert_draft(consultation, respondent, data)
    return draft


def _upsert_draft(consultation: Consultation, respondent: Respondent, data: dict[str, Any]) -> None:
    """One statement, so that a page saved while the same person sends their answers never fails."""
    table = ResponseDraft.__table__
    online = respondent.channel == Channel.online and respondent.user is not None
    row = {"consultation_id": consultation.id, "data": data, "updated_at": utcnow(),
           "user_id": respondent.user.id if online else None,
           "anonymous_key": None if online else respondent.anonymous_key}
    statement = dialect_insert()(table).values(row)
    statement = statement.on_conflict_do_update(
        index_elements=[table.c.consultation_id, table.c.user_id if online else table.c.anonymous_key],
        set_={"data": statement.excluded["data"], "updated_at": statement.excluded["updated_at"]},
    )
    db.session.execute(statement)


def discard_draft(consultation: Consultation, respondent: Respondent) -> None:
    if respondent.channel == Channel.assisted:
        return
    query = delete(ResponseDraft).where(ResponseDraft.consultation_id == consultation.id)
    if respondent.channel == Channel.online and respondent.user is not None:
        query = query.where(ResponseDraft.user_id == respondent.user.id)
    else:
        query = query.where(ResponseDraft.anonymous_key == respondent.anonymous_key)
    db.session.execute(query)


def purge_drafts(older_than: datetime) -> int:
    """Forget answers that were started and never sent."""
    result = db.session.execute(delete(ResponseDraft).where(ResponseDraft.updated_at < older_than))
    return result.rowcount or 0


# ------------------------------------------------------------------------------------------ answering


def _upsert_statement(rows: list[dict[str, Any]]):
    table = ResultTally.__table__
    statement = dialect_insert()(table).values(rows)
    return statement.on_conflict_do_update(
        index_elements=[table.c.consultation_id, table.c.question_id, table.c.measure, table.c.option_id,
                        table.c.value, table.c.channel, table.c.qpv_key],
        set_={"count": table.c.count + statement.excluded["count"]},
    )


FullKey = tuple[int, Measure, int, int, Channel, int]  # TallyKey + channel + qpv_key


def _sort_key(key: FullKey) -> tuple:
    question_id, measure, option_id, value, channel, qpv_key = key
    return (question_id, measure.value, option_id, value, channel.value, qpv_key)


def _bump_tallies(consultation_id: int, deltas: Counter[FullKey]) -> None:
    """Add ``deltas`` to the tallies in one statement, rows in key order (no deadlock between writers)."""
    rows = [
        {"consultation_id": consultation_id, "question_id": key[0], "measure": key[1], "option_id": key[2],
         "value": key[3], "channel": key[4], "qpv_key": key[5], "count": delta}
        for key, delta in sorted(deltas.items(), key=lambda item: _sort_key(item[0])) if delta
    ]
    if rows:
        db.session.execute(_upsert_statement(rows))


def _response_deltas(questions: Iterable[Question], values: Mapping[int, AnswerValue], channel: Channel,
                     qpv_key: int, sign: int) -> Counter[FullKey]:
    deltas: Counter[FullKey] = Counter()
    deltas[(0, Measure.response, 0, 0, channel, qpv_key)] += sign
    for question in questions:
        value = values.get(question.id)
        if value is None:
            continue
        for key in tally_keys(question, value):
            deltas[(*key, channel, qpv_key)] += sign
    return deltas


_COUNTER_COLUMNS = {
    Channel.online: Consultation.online_count,
    Channel.assisted: Consultation.assisted_count,
    Channel.anonymous: Consultation.anonymous_count,
}


def _count_new_response(consultation: Consultation, channel: Channel) -> None:
    column = _COUNTER_COLUMNS[channel]
    db.session.execute(
        update(Consultation).where(Consultation.id == consultation.id)
        .values({Consultation.responses_count: Consultation.responses_count + 1, column: column + 1})
        .execution_options(synchronize_session=False)
    )
    db.session.expire(consultation, ["responses_count", "online_count", "assisted_count", "anonymous_count"])


def _insert_answers(response: Response, questions: Iterable[Question], values: Mapping[int, AnswerValue],
                    hidden: Mapping[tuple[int, str], dict[str, Any]] | None = None) -> None:
    rows = []
    for question in questions:
        value = values.get(question.id)
        if value is None:
            continue
        for row in answer_rows(question, value):
            row = {**row, "response_id": response.id, "channel": response.channel, "qpv_key": response.qpv_key,
                   "hidden_at": None, "hidden_reason": None, "hidden_by_id": None}
            if hidden and row["text"] is not None and (question.id, row["text"]) in hidden:
                row.update(hidden[(question.id, row["text"])])
            rows.append(row)
    if rows:
        db.session.execute(insert(Answer), rows)


def _answered_values(questions: list[Question], values: Mapping[int, AnswerValue | None]) -> dict[int, AnswerValue]:
    """Only the questions answered (an empty value is no answer)."""
    return {q.id: values[q.id] for q in questions
            if values.get(q.id) is not None and values[q.id] != AnswerValue()
            and not (q.kind.is_text and not (values[q.id].text or "").strip())}


def submit_response(consultation: Consultation, respondent: Respondent, values: Mapping[int, AnswerValue | None],
                    *, qpv_id: int | None = None, contact_email: str | None = None, locale: str = "fr",
                    now: datetime | None = None) -> tuple[Response, bool]:
    """Record a person's answers; a second answer from the same person replaces the first.

    Returns the response and whether it replaced an earlier one. Paper answers typed in by an
    animator are always new responses. Counters and tallies change in this transaction.
    """
    now = now or utcnow()
    if respondent.channel == Channel.assisted:
        if not can_take_paper_answers(consultation, now):
            raise CannotAnswer(_("Paper answers can be typed in once the consultation has opened, until its "
                                 "synthesis is published."), "paper_closed")
    else:
        refused = refusal(consultation, respondent.user, now)
        if refused is not None:
            raise refused
        if respondent.channel == Channel.anonymous and not respondent.anonymous_key:
            raise CannotAnswer(_("Your browser must accept cookies to answer."), "cookies")
    questions = consultation.ordered_questions()
    errors = check_all(questions, values)
    if errors:
        raise InvalidAnswers(errors)
    answered = _answered_values(questions, values)
    answers_data = {str(question_id): value.to_json() for question_id, value in answered.items()}
    if respondent.channel == Channel.anonymous:
        contact_email = (contact_email or "").strip().lower() or None
    else:
        contact_email = None  # accounts are told at their own address; paper answers leave none

    response = None if respondent.channel == Channel.assisted else existing_response(
        consultation, respondent, for_update=True)
    replaced = response is not None
    if response is None:
        response = Response(
            consultation_id=consultation.id, channel=respondent.channel, qpv_id=qpv_id,
            user_id=respondent.user.id if respondent.channel == Channel.online and respondent.user else None,
            anonymous_key=respondent.anonymous_key if respondent.channel == Channel.anonymous else None,
            entered_by_id=respondent.user.id if respondent.channel == Channel.assisted and respondent.user else None,
            contact_email=contact_email, contact_locale=locale, created_at=now, updated_at=now,
            answers_data=answers_data,
        )
        try:
            with db.session.begin_nested():
                db.session.add(response)
        except IntegrityError:  # the same person sent their answers twice at the same instant
            response = existing_response(consultation, respondent, for_update=True)
            if response is None:
                raise
            replaced = True
    deltas: Counter[FullKey] = Counter()
    hidden: dict[tuple[int, str], dict[str, Any]] = {}
    if replaced:
        old_values = values_from_rows(questions, response.answers)
        deltas.update(_response_deltas(questions, old_values, response.channel, response.qpv_key, -1))
        hidden = {(a.question_id, a.text): {"hidden_at": a.hidden_at, "hidden_reason": a.hidden_reason,
                                             "hidden_by_id": a.hidden_by_id}
                  for a in response.answers if a.hidden_at is not None and a.text is not None}
        db.session.execute(delete(Answer).where(Answer.response_id == response.id))
        response.qpv_id = qpv_id
        response.contact_email = contact_email if respondent.channel == Channel.anonymous else None
        response.contact_locale = locale
        response.updated_at = now
        response.answers_data = answers_data
        db.session.flush()
    else:
        _count_new_response(consultation, respondent.channel)
    deltas.update(_response_deltas(questions, answered, response.channel, response.qpv_key, +1))
    _bump_tallies(consultation.id, deltas)
    _insert_answers(response, questions, answered, hidden)
    db.session.expire(response, ["answers"])
    discard_draft(consultation, respondent)
    return response, replaced


def can_take_paper_answers(consultation: Consultation, now: datetime | None = None) -> bool:
    """Paper answers are typed in from the opening until the synthesis is published."""
    return consultation.phase(now) in (Phase.open, Phase.closed) and consultation.synthesis_published_at is None


# ------------------------------------------------------------------------------------------ free texts


def hide_answer(answer: Answer, actor: User, reason: str) -> None:
    """Hide a free-text answer that identifies someone; the reason is mandatory and the action logged."""
    from participation import audit

    reason = reason.strip()
    if not reason:
        raise AnswerNotHideable(_("Give the reason why this answer is hidden."))
    if answer.text is None:
        raise AnswerNotHideable(_("Only written answers can be hidden."))
    if answer.hidden_at is not None:
        return
    answer.hidden_at = utcnow()
    answer.hidden_reason = reason
    answer.hidden_by_id = actor.id
    consultation = answer.question.consultation
    audit.record(actor, "consultation_answer.hidden", "consultation_answer", answer.id, reason=reason,
                 conseil_id=consultation.conseil_id, consultation_id=consultation.id)


def restore_answer(answer: Answer, actor: User) -> None:
    """Show a hidden answer again (logged)."""
    from participation import audit

    if answer.hidden_at is None:
        return
    answer.hidden_at = None
    answer.hidden_reason = None
    answer.hidden_by_id = None
    consultation = answer.question.consultation
    audit.record(actor, "consultation_answer.restored", "consultation_answer", answer.id,
                 conseil_id=consultation.conseil_id, consultation_id=consultation.id)


# ------------------------------------------------------------------------------------------ synthesis


def save_synthesis(consultation: Consultation, text: str) -> None:
    """Keep the synthesis being written (not public until published)."""
    if consultation.synthesis_published_at is not None:
        raise SynthesisError(_("The synthesis is published already."))
    consultation.synthesis = text.strip() or None
    consultation.synthesis_html = render_markdown(consultation.synthesis) if consultation.synthesis else None


def publish_synthesis(consultation: Consultation, actor: User, now: datetime | None = None) -> Contribution:
    """Publish the synthesis of a closed consultation: it becomes a contribution, and respondents are told."""
    from participation.contract import services as contract

    now = now or utcnow()
    if consultation.synthesis_published_at is not None:
        raise SynthesisError(_("The synthesis is published already."))
    if consultation.phase(now) != Phase.closed:
        raise SynthesisError(_("The synthesis is published once the consultation is closed."))
    if not (consultation.synthesis or "").strip():
        raise SynthesisError(_("Write the synthesis before publishing it."))
    consultation.synthesis_published_at = now
    consultation.synthesis_published_by_id = actor.id
    contribution = contract.contribution_for(SOURCE_TYPE, consultation.id)
    if contribution is None:
        contribution = contract.create_contribution(
            ContributionKind.consultation_synthesis, SOURCE_TYPE, consultation.id, consultation.title,
            conseil_id=consultation.conseil_id, actor=actor, occurred_at=now,
        )
    contract.notify_participants(contribution, "consultations/synthesis_published", exclude=actor)
    return contribution


def participants(consultation: Consultation) -> list[Recipient]:
    """Who answered and can be told: accounts that keep notifications on, and e-mails left when answering."""
    from participation.contract.services import recipients_from_users

    users = db.session.scalars(
        select(User).join(Response, Response.user_id == User.id)
        .where(Response.consultation_id == consultation.id, Response.channel == Channel.online)
        .order_by(User.id)
    )
    recipients = recipients_from_users(users)
    guests = db.session.execute(
        select(Response.contact_email, Response.contact_locale)
        .where(Response.consultation_id == consultation.id, Response.contact_email.is_not(None))
        .order_by(Response.id)
    )
    recipients += [Recipient(email=email, locale=locale or "fr") for email, locale in guests]
    return recipients


def contribution_participants(contribution: Contribution) -> list[Recipient]:
    consultation = db.session.get(Consultation, contribution.source_id)
    return participants(consultation) if consultation is not None else []


# ------------------------------------------------------------------------------------------ lists


def load(consultation_id: int) -> Consultation | None:
    """A consultation with its conseil and quartier (the pages name them), then its sections with their
    questions and options: two statements."""
    return db.session.scalar(
        select(Consultation).where(Consultation.id == consultation_id)
        .options(selectinload(Consultation.sections).joinedload(Section.questions)
                 .joinedload(Question.options), joinedload(Consultation.conseil), joinedload(Consultation.qpv))
    )


def public_consultations(now: datetime | None = None) -> tuple[list[Consultation], list[Consultation]]:
    """Published consultations still to close: open ones (closing soonest first), then upcoming ones."""
    now = now or utcnow()
    current = list(db.session.scalars(
        select(Consultation)
        .where(Consultation.published_at.is_not(None),
               (Consultation.closes_at.is_(None)) | (Consultation.closes_at > now))
        .options(selectinload(Consultation.conseil), selectinload(Consultation.qpv))
    ))
    open_ = sorted((c for c in current if c.phase(now) == Phase.open),
                   key=lambda c: (c.closes_at is None, c.closes_at or now, c.id))
    upcoming = sorted((c for c in current if c.phase(now) == Phase.scheduled), key=lambda c: (c.opens_at, c.id))
    return open_, upcoming


def closed_consultations_query(now: datetime | None = None):
    """Closed consultations, latest first (the list pages through them)."""
    now = now or utcnow()
    return (
        select(Consultation)
        .where(Consultation.published_at.is_not(None), Consultation.closes_at <= now)
        .options(selectinload(Consultation.conseil), selectinload(Consultation.qpv))
        .order_by(Consultation.closes_at.desc(), Consultation.id.desc())
    )


def open_consultations(limit: int = 5, conseil_id: int | None = None, now: datetime | None = None
                       ) -> list[Consultation]:
    now = now or utcnow()
    query = (
        select(Consultation)
        .where(Consultation.published_at.is_not(None), Consultation.opens_at <= now,
               (Consultation.closes_at.is_(None)) | (Consultation.closes_at > now))
        .options(selectinload(Consultation.conseil), selectinload(Consultation.qpv))
        .order_by(Consultation.closes_at.is_(None), Consultation.closes_at, Consultation.id)
        .limit(inline(limit))
    )
    if conseil_id is not None:
        query = query.where(Consultation.conseil_id == conseil_id)
    return list(db.session.scalars(query))


def recently_closed(conseil_id: int, limit: int = 3, now: datetime | None = None) -> list[Consultation]:
    now = now or utcnow()
    return list(db.session.scalars(
        select(Consultation)
        .where(Consultation.conseil_id == conseil_id, Consultation.published_at.is_not(None),
               Consultation.closes_at <= now)
        .options(selectinload(Consultation.conseil), selectinload(Consultation.qpv))
        .order_by(Consultation.closes_at.desc()).limit(inline(limit))
    ))


def managed_by(user: User) -> list[Consultation]:
    """The consultations a person runs: those of the conseils they animate, and territory-wide ones for a chef
    de projet."""
    from participation.accounts.policy import is_project_lead

    animated = roles_of(user).animator_of
    conditions = []
    if animated:
        conditions.append(Consultation.conseil_id.in_(animated))
    if is_project_lead(user):
        conditions.append(Consultation.conseil_id.is_(None))
    if not conditions:
        return []
    from sqlalchemy import or_

    return list(db.session.scalars(
        select(Consultation).where(or_(*conditions)).options(selectinload(Consultation.conseil))
        .order_by(Consultation.created_at.desc(), Consultation.id.desc())
    ))


def all_for_project_lead() -> list[Consultation]:
    return list(db.session.scalars(
        select(Consultation).options(selectinload(Consultation.conseil))
        .order_by(Consultation.created_at.desc(), Consultation.id.desc())
    ))


def user_responses(user: User) -> list[dict[str, Any]]:
    """A person's answers, for the "my data" export."""
    responses = db.session.scalars(
        select(Response).where(Response.user_id == user.id, Response.channel == Channel.online)
        .options(selectinload(Response.answers).selectinload(Answer.option), selectinload(Response.consultation))
        .order_by(Response.id)
    )
    data = []
    for response in responses:
        questions = {q.id: q for q in response.consultation.questions}
        answers = []
        for answer in response.answers:
            question = questions.get(answer.question_id)
            answers.append({
                "question": question.text if question else None,
                "option": answer.option.label if answer.option else None,
                "value": answer.value,
                "text": answer.text,
            })
        data.append({
            "consultation": response.consultation.title,
            "answered_at": response.created_at.isoformat(),
            "changed_at": response.updated_at.isoformat(),
            "quartier": response.qpv.code if response.qpv else None,
            "answers": answers,
        })
    return data


def forget_user(user: User) -> None:
    """On account deletion: unsent drafts go; sent answers stay, counted, linked to the anonymized account."""
    db.session.execute(delete(ResponseDraft).where(ResponseDraft.user_id == user.id))


def count_rows(consultation: Consultation) -> dict[Channel, int]:
    """Responses counted from the rows (to check the stored counters)."""
    rows = db.session.execute(
        select(Response.channel, func.count()).where(Response.consultation_id == consultation.id)
        .group_by(Response.channel)
    )
    counts = dict.fromkeys(Channel, 0)
    counts.update({channel: count for channel, count in rows})
    return counts
