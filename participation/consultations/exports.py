"""Rows of the consultation exports: aggregated results, and raw answers (one row per response).

Both are pure functions returning columns and an iterator of rows; the view streams them through
``participation.exports``. For the raw answers, each response carries its answers
(``answers_data``) and is read with a server-side cursor: the export is one narrow scan and memory
stays flat whatever the number of responses. Hidden free texts are not exported; e-mail addresses
and accounts never are.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import orjson
from flask_babel import gettext as _
from sqlalchemy import String, Text, cast, select, type_coerce

from participation.consultations import labels, results
from participation.consultations.models import Answer, Channel, Consultation, Question, QuestionKind, Response
from participation.exports import Column, local_time
from participation.extensions import db
from participation.territory.models import QPV

STREAM_BATCH = 2000


def aggregated(consultation: Consultation, filters: results.Filters = results.Filters()
               ) -> tuple[list[Column], Iterator[tuple]]:
    """One row per answer option (or scale value), with counts and shares; the average of scales.

    The rows are computed here, before the response starts: they are few, and a streamed body is
    read after the request's database session has ended.
    """
    columns = [
        Column("number", _("Question no.")), Column("question", _("Question")), Column("kind", _("Kind of question")),
        Column("answer", _("Answer")), Column("count", _("Count")), Column("share", _("Share (%)")),
        Column("answered", _("Respondents who answered the question")),
        Column("score", _("Ranking score (points)")), Column("average", _("Average")),
    ]
    built = results.results(consultation, filters, texts=0)
    rows: list[tuple] = [(None, _("All responses"), None, None, built.responses, None, None, None, None)]
    for channel in Channel:
        rows.append((None, labels.channel_label(channel), None, None, built.by_channel[channel], None, None, None,
                     None))
    for result in built.questions:
        question = result.question
        kind = labels.kind_label(question.kind)
        if question.kind.is_text:
            rows.append((result.number, question.text, kind, _("Written answers"), result.answered, None,
                         result.answered, None, None))
            continue
        for row in result.rows:
            rows.append((result.number, question.text, kind, row.label, row.count, round(row.share * 100, 1),
                         result.answered, row.score if question.kind == QuestionKind.ranking else None, None))
        if question.kind == QuestionKind.scale:
            rows.append((result.number, question.text, kind, _("Average"), None, None, result.answered, None,
                         round(result.average, 2) if result.average is not None else None))
    return columns, iter(rows)


def _hidden_texts(questions: list[Question]) -> set[tuple[int, int]]:
    """(response id, question id) of the free texts hidden by moderation: few, read once.

    Only written answers can be hidden: the questions that take some are searched, on the index of
    their texts, instead of every answer in the database.
    """
    with_texts = [question.id for question in questions if question.kind.is_text or question.allow_other]
    if not with_texts:
        return set()
    return {(response_id, question_id) for response_id, question_id in db.session.execute(
        select(Answer.response_id, Answer.question_id)
        .where(Answer.question_id.in_(with_texts), Answer.text.is_not(None), Answer.hidden_at.is_not(None))
    )}


def raw_answers(consultation: Consultation) -> tuple[list[Column], Iterator[list]]:
    """One row per response, one column per question, in the order of the questionnaire.

    Everything the rows need is read now (query built, labels copied, hidden texts listed); the
    rows themselves are read when the body is streamed, after the view has returned. Each response
    carries its answers in ``answers_data``, so this is one narrow scan of the responses.
    """
    questions = consultation.ordered_questions()
    columns = [
        Column("response", _("Response")), Column("answered_at", _("Answered on")),
        Column("channel", _("Channel")), Column("quartier", _("Quartier of residence")),
    ] + [Column(f"q{n}", f"{n}. {question.text}") for n, question in enumerate(questions, start=1)]
    # A Core statement on the table (no ORM row processing), read in batches from a server-side cursor.
    # The answers come as the JSON text and are decoded here by orjson: the driver's own JSON loader
    # costs several times more per row, the standard library's twice as much. The date comes as Paris
    # time where the database can convert it, and the quartiers (a few dozen) are named from one read
    # instead of a join.
    responses = Response.__table__
    statement = (
        select(responses.c.id, local_time(responses.c.updated_at),
               type_coerce(responses.c.channel, String), responses.c.qpv_id, cast(responses.c.answers_data, Text))
        .where(responses.c.consultation_id == consultation.id)
        .order_by(responses.c.id)
        .execution_options(yield_per=STREAM_BATCH)
    )
    quartiers: dict[int | None, str | None] = {None: None}
    quartiers.update(_quartier_names())
    hidden = _hidden_texts(questions)
    hidden_text = _("(hidden answer)")
    other_prefix = _("Other: %(text)s", text="")
    yes_no = {1: _("Yes"), 0: _("No")}
    channel_names = {channel.value: labels.channel_label(channel) for channel in Channel}  # read as stored
    option_labels = {option.id: option.label for question in questions for option in question.options}
    position = {option.id: option.position for question in questions for option in question.options}

    def choice(value: dict) -> str | None:
        ids = value.get("o") or ()
        words = [option_labels.get(i, "?") for i in (sorted(ids, key=position.get) if len(ids) > 1 else ids)]
        if "x" in value:
            words.append(other_prefix + value["x"])
        return " ; ".join(words) or None

    def ranking(value: dict) -> str | None:
        return " ; ".join(f"{rank}. {option_labels.get(i, '?')}" for rank, i in enumerate(value.get("o", ()), 1)) \
            or None

    readers: list[tuple[str, Callable[[dict], Any]]] = []
    may_hide: list[tuple[int, str, int]] = []  # (cell index, key, question id) of the answers with a text
    for number, question in enumerate(questions):
        kind = question.kind
        if kind.is_choice:
            read = _remembered(choice)
        elif kind == QuestionKind.ranking:
            read = _remembered(ranking)
        elif kind == QuestionKind.yes_no:
            read = lambda value: yes_no.get(value.get("v"))  # noqa: E731
        elif kind == QuestionKind.scale:
            read = lambda value: value.get("v")  # noqa: E731
        else:
            read = lambda value: value.get("t")  # noqa: E731
        readers.append((str(question.id), read))
        if kind.is_text or question.allow_other:
            may_hide.append((4 + number, str(question.id), question.id))

    def rows() -> Iterator[list]:
        nothing: dict = {}  # a question left unanswered: every reader gives None
        decode = orjson.loads
        for response_id, answered_at, channel, qpv_id, text in _each(db.session.connection().execute(statement)):
            quartier = quartiers.get(qpv_id, nothing)
            if quartier is nothing:  # a quartier created since the names were read
                quartier = quartiers[qpv_id] = _quartier_names(QPV.id == qpv_id).get(qpv_id)
            data = decode(text) if text else nothing
            row: list[Any] = [response_id, answered_at, channel_names[channel], quartier]
            row += [read(data.get(key, nothing)) for key, read in readers]
            if hidden:
                for index, key, question_id in may_hide:
                    if (response_id, question_id) in hidden and key in data:
                        row[index] = _hide(row[index], data[key], hidden_text, other_prefix)
            yield row

    return columns, rows()


def _quartier_names(*conditions: Any) -> dict[int, str]:
    """"Name (code)" of the quartiers (those meeting ``conditions``), by id."""
    return {qpv_id: f"{name} ({code})" for qpv_id, code, name in db.session.execute(
        select(QPV.id, QPV.code, QPV.name).where(*conditions))}


def _each(result) -> Iterator[tuple]:
    """The rows of a result read in batches from its server-side cursor, with no per-row fetch call."""
    for batch in result.partitions():
        yield from batch


REMEMBERED = 4096  # distinct cells kept per question: choices repeat, free "other" texts are not kept


def _remembered(read: Callable[[dict], Any]) -> Callable[[dict], Any]:
    """``read`` for the option lists of a choice or ranking answer, remembered per list of option ids.

    Thousands of responses pick among a few combinations of options; the cell is built once per
    combination (up to REMEMBERED of them, so memory stays bounded whatever the answers).
    """
    cells: dict[tuple, Any] = {}

    def remembered(value: dict) -> Any:
        if "x" in value:
            return read(value)
        ids = value.get("o")
        key = tuple(ids) if ids else ()
        cell = cells.get(key, cells)  # the dict itself: not remembered yet
        if cell is cells:
            cell = read(value)
            if len(cells) < REMEMBERED:
                cells[key] = cell
        return cell

    return remembered


def _hide(cell: Any, value: dict, hidden_text: str, other_prefix: str) -> Any:
    """The cell of an answer whose written part was hidden: the text goes, the choices stay."""
    if "t" in value:
        return hidden_text
    if "x" in value and isinstance(cell, str):
        return cell.replace(other_prefix + value["x"], other_prefix + hidden_text)
    return cell
