"""Rows of the consultation exports: aggregated results, and raw answers (one row per response).

Both are pure functions returning columns and an iterator of rows; the view streams them through
``participation.exports``. The raw answers come from one GROUP BY query that puts each response's
answers on one row (option ids, values and texts aggregated per question), read with a server-side
cursor, so memory stays flat whatever the number of responses. Hidden free texts are not exported.
E-mail addresses and accounts are never exported.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import String, and_, case, cast, func, literal, select

from participation.consultations import labels, results
from participation.consultations.models import Answer, Channel, Consultation, QuestionKind, Response
from participation.exports import Column
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
        Column("number", _("No.")), Column("question", _("Question")), Column("kind", _("Kind of question")),
        Column("answer", _("Answer")), Column("count", _("Number")), Column("share", _("Share (%)")),
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


def _raw_query(consultation: Consultation, questions):
    columns: list[Any] = [Response.id, Response.created_at, Response.updated_at, Response.channel,
                          QPV.code, QPV.name]
    for question in questions:
        this = Answer.question_id == question.id
        visible = Answer.hidden_at.is_(None)
        kind = question.kind
        if kind.is_choice:
            columns.append(func.aggregate_strings(
                case((and_(this, Answer.option_id.is_not(None)), cast(Answer.option_id, String))), ","))
            columns.append(func.max(case((and_(this, Answer.option_id.is_(None), visible), Answer.text))))
            columns.append(func.max(case((and_(this, Answer.option_id.is_(None), Answer.hidden_at.is_not(None)),
                                          literal(1)))))
        elif kind == QuestionKind.ranking:
            columns.append(func.aggregate_strings(
                case((this, cast(Answer.option_id, String) + literal(":") + cast(Answer.value, String))), ","))
        elif kind in (QuestionKind.yes_no, QuestionKind.scale):
            columns.append(func.max(case((this, Answer.value))))
        else:
            columns.append(func.max(case((and_(this, visible), Answer.text))))
            columns.append(func.max(case((and_(this, Answer.hidden_at.is_not(None)), literal(1)))))
    return (
        select(*columns)
        .select_from(Response)
        .outerjoin(Answer, Answer.response_id == Response.id)
        .outerjoin(QPV, QPV.id == Response.qpv_id)
        .where(Response.consultation_id == consultation.id)
        .group_by(Response.id, Response.created_at, Response.updated_at, Response.channel, QPV.code, QPV.name)
        .order_by(Response.id)
    )


def raw_answers(consultation: Consultation) -> tuple[list[Column], Iterator[tuple]]:
    """One row per response, one column per question, in the order of the questionnaire.

    Everything the rows need is read now (the query is built, labels are copied); the rows
    themselves are read when the body is streamed, after the view has returned.
    """
    questions = consultation.ordered_questions()
    columns = [
        Column("response", _("Response")), Column("answered_at", _("Answered on")),
        Column("changed_at", _("Last changed on")), Column("channel", _("Channel")),
        Column("quartier", _("Quartier of residence")),
    ] + [Column(f"q{n}", f"{n}. {question.text}") for n, question in enumerate(questions, start=1)]
    statement = _raw_query(consultation, questions).execution_options(yield_per=STREAM_BATCH)
    hidden_text = _("(hidden answer)")
    other_prefix = _("Other: %(text)s", text="")
    yes, no = _("Yes"), _("No")
    channel_names = {channel: labels.channel_label(channel) for channel in Channel}
    option_labels = {option.id: option.label for question in questions for option in question.options}
    # How to turn each question's aggregated cells into one cell, and how many cells it took.
    readers = []
    for question in questions:
        kind = question.kind
        if kind.is_choice:
            order = {option.id: option.position for option in question.options}

            def choice(cells, order=order):
                ids, other, hidden = cells
                words = [option_labels.get(int(i), "?") for i in sorted(
                    (i for i in (ids or "").split(",") if i), key=lambda i: order.get(int(i), 0))]
                if other is not None:
                    words.append(other_prefix + other)
                elif hidden:
                    words.append(other_prefix + hidden_text)
                return " ; ".join(words) or None

            readers.append((3, choice))
        elif kind == QuestionKind.ranking:
            def ranking(cells):
                pairs = sorted(
                    (int(rank), int(option_id)) for option_id, rank in
                    (item.split(":") for item in (cells[0] or "").split(",") if item))
                return " ; ".join(f"{rank}. {option_labels.get(option_id, '?')}" for rank, option_id in pairs) \
                    or None

            readers.append((1, ranking))
        elif kind == QuestionKind.yes_no:
            readers.append((1, lambda cells: None if cells[0] is None else (yes if cells[0] == 1 else no)))
        elif kind == QuestionKind.scale:
            readers.append((1, lambda cells: cells[0]))
        else:
            readers.append((2, lambda cells: cells[0] if cells[0] is not None else (hidden_text if cells[1] else
                                                                                     None)))

    def rows() -> Iterator[tuple]:
        for record in db.session.execute(statement):
            code, name = record[4], record[5]
            row: list[Any] = [record[0], record[1], record[2], channel_names[record[3]],
                              f"{name} ({code})" if code else None]
            position = 6
            for width, read in readers:
                row.append(read(record[position:position + width]))
                position += width
            yield tuple(row)

    return columns, rows()
