"""What a respondent answered to one question: read from a form, checked against the question, stored.

``AnswerValue`` is the one shape an answer takes between the form, the draft kept on the server,
the rows of ``consultation_answer`` and the tallies. Reading a form never raises: it returns the
value it understood and the message to show next to the question.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from flask_babel import gettext as _
from flask_babel import ngettext
from werkzeug.datastructures import MultiDict

from participation.consultations.models import Answer, Measure, Question, QuestionKind

SHORT_TEXT_MAX = 300
LONG_TEXT_MAX = 5000
OTHER_TEXT_MAX = 300
OTHER = "other"


@dataclass(frozen=True)
class AnswerValue:
    option_ids: tuple[int, ...] = ()  # chosen options (single: at most one), or ranked options in rank order
    other: str | None = None  # "other, say what"
    value: int | None = None  # yes = 1 / no = 0, or the scale value
    text: str | None = None  # short or long text

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {}
        if self.option_ids:
            data["o"] = list(self.option_ids)
        if self.other is not None:
            data["x"] = self.other
        if self.value is not None:
            data["v"] = self.value
        if self.text is not None:
            data["t"] = self.text
        return data

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> AnswerValue:
        return cls(
            option_ids=tuple(int(i) for i in data.get("o", ()) if isinstance(i, int) and not isinstance(i, bool)),
            other=data["x"] if isinstance(data.get("x"), str) else None,
            value=data["v"] if isinstance(data.get("v"), int) and not isinstance(data.get("v"), bool) else None,
            text=data["t"] if isinstance(data.get("t"), str) else None,
        )


@dataclass
class PageReading:
    """What a page of the questionnaire said: the values understood and a message per faulty question."""

    values: dict[int, AnswerValue | None] = field(default_factory=dict)
    errors: dict[int, str] = field(default_factory=dict)


def field_name(question: Question) -> str:
    return f"q{question.id}"


def _int(raw: str) -> int | None:
    raw = raw.strip()
    if not raw or len(raw) > 12 or not raw.lstrip("-").isdigit():
        return None
    return int(raw)


def read_answer(question: Question, form: Mapping[str, Any]) -> tuple[AnswerValue | None, str | None]:
    """The answer to ``question`` typed in ``form`` (a MultiDict), and what is wrong with it if anything."""
    name = field_name(question)
    kind = question.kind

    def getlist(key: str) -> list[str]:
        if hasattr(form, "getlist"):
            return [str(v) for v in form.getlist(key)]
        value = form.get(key)
        return [] if value is None else [str(value)]

    def get(key: str) -> str:
        values = getlist(key)
        return values[0] if values else ""

    value: AnswerValue | None = None
    if kind in (QuestionKind.single_choice, QuestionKind.multiple_choice):
        raws = [raw.strip() for raw in getlist(name) if raw.strip()]
        other_text = get(f"{name}-other").strip()
        option_ids: list[int] = []
        other_chosen = False
        for raw in raws:
            if raw == OTHER:
                other_chosen = True
                continue
            option_id = _int(raw)
            if option_id is None:
                return None, _("This choice is not one of the options.")
            if option_id not in option_ids:
                option_ids.append(option_id)
        if other_text and question.allow_other and not option_ids:
            other_chosen = True  # typed in the box without ticking "other"
        if other_text and question.allow_other and kind == QuestionKind.multiple_choice:
            other_chosen = True
        if other_chosen or option_ids:
            value = AnswerValue(option_ids=tuple(option_ids), other=other_text if other_chosen else None)
    elif kind == QuestionKind.yes_no:
        raw = get(name).strip()
        if raw:
            if raw not in ("yes", "no"):
                return None, _("Answer yes or no.")
            value = AnswerValue(value=1 if raw == "yes" else 0)
    elif kind == QuestionKind.scale:
        raw = get(name).strip()
        if raw:
            number = _int(raw)
            if number is None:
                return None, _("Choose a value between %(min)d and %(max)d.", min=question.scale_min or 0,
                               max=question.scale_max or 0)
            value = AnswerValue(value=number)
    elif kind.is_text:
        raw = get(name).replace("\r\n", "\n").strip()
        if raw:
            value = AnswerValue(text=raw)
    elif kind == QuestionKind.ranking:
        ranked: dict[int, int] = {}
        for option in question.options:
            raw = get(f"{name}-rank-{option.id}").strip()
            if not raw:
                continue
            rank = _int(raw)
            if rank is None or not 1 <= rank <= len(question.options):
                return None, _("Give each option a rank between 1 and %(max)d.", max=len(question.options))
            if rank in ranked:
                return None, _("Give each rank to one option only.")
            ranked[rank] = option.id
        if ranked:
            if sorted(ranked) != list(range(1, len(ranked) + 1)):
                return None, _("Rank from 1 without leaving a gap.")
            value = AnswerValue(option_ids=tuple(ranked[rank] for rank in sorted(ranked)))
    error = check_answer(question, value)
    return (value if error is None else None), error


def check_answer(question: Question, value: AnswerValue | None) -> str | None:
    """Why ``value`` is not a valid answer to ``question`` (None when it is).

    The rule the form, the draft and the services all apply: known options only, at most the
    allowed number of choices, a value in range, texts within their length, required questions
    answered.
    """
    if value is None or value == AnswerValue():
        return _("This question needs an answer.") if question.required else None
    kind = question.kind
    known = {option.id for option in question.options}
    if kind.has_options and any(option_id not in known for option_id in value.option_ids):
        return _("This choice is not one of the options.")
    if kind in (QuestionKind.single_choice, QuestionKind.multiple_choice):
        if value.value is not None or value.text is not None:
            return _("This choice is not one of the options.")
        if value.other is not None:
            if not question.allow_other:
                return _("This choice is not one of the options.")
            if not value.other.strip():
                return _("Say what your other answer is.")
            if len(value.other) > OTHER_TEXT_MAX:
                return _("At most %(max)d characters.", max=OTHER_TEXT_MAX)
        chosen = len(set(value.option_ids)) + (1 if value.other is not None else 0)
        if len(set(value.option_ids)) != len(value.option_ids):
            return _("This choice is not one of the options.")
        if kind == QuestionKind.single_choice and chosen > 1:
            return _("Choose one answer only.")
        if kind == QuestionKind.multiple_choice and question.max_choices and chosen > question.max_choices:
            return ngettext("Choose at most %(num)d answer.", "Choose at most %(num)d answers.",
                            question.max_choices)
        if chosen == 0:
            return _("This question needs an answer.") if question.required else None
    elif kind == QuestionKind.yes_no:
        if value.value not in (0, 1) or value.option_ids or value.other is not None or value.text is not None:
            return _("Answer yes or no.")
    elif kind == QuestionKind.scale:
        low, high = question.scale_min or 0, question.scale_max or 0
        if value.value is None or not low <= value.value <= high or value.option_ids or value.text is not None:
            return _("Choose a value between %(min)d and %(max)d.", min=low, max=high)
    elif kind.is_text:
        limit = SHORT_TEXT_MAX if kind == QuestionKind.short_text else LONG_TEXT_MAX
        if value.text is None or value.option_ids or value.value is not None:
            return _("This question needs an answer.") if question.required else None
        if len(value.text) > limit:
            return _("At most %(max)d characters (you typed %(count)d).", max=limit, count=len(value.text))
        if not value.text.strip():
            return _("This question needs an answer.") if question.required else None
    elif kind == QuestionKind.ranking:
        if len(set(value.option_ids)) != len(value.option_ids) or value.value is not None or value.text is not None:
            return _("Give each rank to one option only.")
    return None


def read_page(questions: Iterable[Question], form: Mapping[str, Any]) -> PageReading:
    reading = PageReading()
    for question in questions:
        value, error = read_answer(question, form)
        reading.values[question.id] = value
        if error is not None:
            reading.errors[question.id] = error
    return reading


def check_all(questions: Iterable[Question], values: Mapping[int, AnswerValue | None]) -> dict[int, str]:
    errors = {}
    for question in questions:
        error = check_answer(question, values.get(question.id))
        if error is not None:
            errors[question.id] = error
    return errors


def as_form(questions: Iterable[Question], values: Mapping[int, AnswerValue | None]) -> MultiDict:
    """The form fields that would have given ``values`` (to show answers kept in a draft)."""
    form: MultiDict = MultiDict()
    for question in questions:
        value = values.get(question.id)
        if value is None:
            continue
        name = field_name(question)
        kind = question.kind
        if kind in (QuestionKind.single_choice, QuestionKind.multiple_choice):
            for option_id in value.option_ids:
                form.add(name, str(option_id))
            if value.other is not None:
                form.add(name, OTHER)
                form.add(f"{name}-other", value.other)
        elif kind == QuestionKind.yes_no and value.value is not None:
            form.add(name, "yes" if value.value == 1 else "no")
        elif kind == QuestionKind.scale and value.value is not None:
            form.add(name, str(value.value))
        elif kind.is_text and value.text is not None:
            form.add(name, value.text)
        elif kind == QuestionKind.ranking:
            for rank, option_id in enumerate(value.option_ids, start=1):
                form.add(f"{name}-rank-{option_id}", str(rank))
    return form


def answer_rows(question: Question, value: AnswerValue) -> list[dict[str, Any]]:
    """The ``consultation_answer`` rows (without response_id) that store ``value``."""
    kind = question.kind
    base = {"question_id": question.id, "option_id": None, "value": None, "text": None}
    if kind in (QuestionKind.single_choice, QuestionKind.multiple_choice):
        rows = [{**base, "option_id": option_id} for option_id in value.option_ids]
        if value.other is not None:
            rows.append({**base, "text": value.other})
        return rows
    if kind in (QuestionKind.yes_no, QuestionKind.scale):
        return [{**base, "value": value.value}]
    if kind.is_text:
        return [{**base, "text": value.text}]
    if kind == QuestionKind.ranking:
        return [{**base, "option_id": option_id, "value": rank}
                for rank, option_id in enumerate(value.option_ids, start=1)]
    return []


def values_from_rows(questions: Iterable[Question], answers: Iterable[Answer]) -> dict[int, AnswerValue]:
    """The answers of a stored response, as values (to change them, or to show them back)."""
    by_question: dict[int, list[Answer]] = {}
    for answer in answers:
        by_question.setdefault(answer.question_id, []).append(answer)
    values: dict[int, AnswerValue] = {}
    for question in questions:
        rows = by_question.get(question.id)
        if not rows:
            continue
        kind = question.kind
        if kind in (QuestionKind.single_choice, QuestionKind.multiple_choice):
            values[question.id] = AnswerValue(
                option_ids=tuple(row.option_id for row in rows if row.option_id is not None),
                other=next((row.text for row in rows if row.option_id is None), None),
            )
        elif kind in (QuestionKind.yes_no, QuestionKind.scale):
            values[question.id] = AnswerValue(value=rows[0].value)
        elif kind.is_text:
            values[question.id] = AnswerValue(text=rows[0].text)
        elif kind == QuestionKind.ranking:
            ranked = sorted((row for row in rows if row.option_id is not None), key=lambda row: row.value or 0)
            values[question.id] = AnswerValue(option_ids=tuple(row.option_id for row in ranked))
    return values


TallyKey = tuple[int, Measure, int, int]  # question_id, measure, option_id, value


def tally_keys(question: Question, value: AnswerValue) -> list[TallyKey]:
    """What one answer adds to the tallies of its question."""
    keys: list[TallyKey] = [(question.id, Measure.answered, 0, 0)]
    kind = question.kind
    if kind in (QuestionKind.single_choice, QuestionKind.multiple_choice):
        keys += [(question.id, Measure.option, option_id, 0) for option_id in value.option_ids]
        if value.other is not None:
            keys.append((question.id, Measure.other, 0, 0))
    elif kind in (QuestionKind.yes_no, QuestionKind.scale) and value.value is not None:
        keys.append((question.id, Measure.value, 0, value.value))
    elif kind == QuestionKind.ranking:
        keys += [(question.id, Measure.rank, option_id, rank)
                 for rank, option_id in enumerate(value.option_ids, start=1)]
    return keys
