"""Results of a consultation: counts, shares, averages and ranking scores, from aggregate SQL.

``tally_counts`` sums the stored tallies with one GROUP BY (fast whatever the number of
responses); ``recount`` computes the same figures from the raw answers (GROUP BY over
``consultation_answer``), to check the tallies or rebuild them; ``build`` turns either into what
the page, the exports and the tests read.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache

from flask_babel import gettext as _
from sqlalchemy import bindparam, delete, func, insert, select, union_all

from participation.consultations.models import (
    Answer,
    Channel,
    Consultation,
    Measure,
    Question,
    QuestionKind,
    Response,
    ResultTally,
)
from participation.db import inline
from participation.extensions import db
from participation.territory.models import QPV

CountKey = tuple[int, Measure, int, int]  # question_id, measure, option_id, value
TEXTS_SHOWN = 5


@dataclass(frozen=True)
class Filters:
    channel: Channel | None = None
    qpv_key: int | None = None  # 0: quartier not given

    @property
    def active(self) -> bool:
        return self.channel is not None or self.qpv_key is not None


@dataclass
class Row:
    label: str
    count: int
    share: float  # of the respondents who answered the question (0 to 1)
    key: str = ""
    score: int = 0  # ranking: Borda points
    bar: float = 0.0  # length of the bar, 0 to 1
    is_other: bool = False
    share_text: str = ""  # the share and the ranking points in words, for the page (labels.describe_rows)
    points_text: str = ""

    @property
    def bar_width(self) -> str:
        return f"{self.bar * 100:.2f}"


@dataclass
class QuestionResult:
    question: Question
    number: int
    answered: int
    rows: list[Row] = field(default_factory=list)
    average: float | None = None
    texts: list[Answer] = field(default_factory=list)  # latest free texts (and "other" texts), not hidden

    @property
    def kind(self) -> QuestionKind:
        return self.question.kind


@dataclass
class Results:
    consultation: Consultation
    filters: Filters
    responses: int
    by_channel: dict[Channel, int]
    questions: list[QuestionResult]
    quartiers: list[tuple[int, str | None]] = field(default_factory=list)  # answered, for the filter


def _filtered(query, filters: Filters, channel_column, qpv_column):
    if filters.channel is not None:
        query = query.where(channel_column == filters.channel)
    if filters.qpv_key is not None:
        query = query.where(qpv_column == filters.qpv_key)
    return query


def tally_counts(consultation: Consultation, filters: Filters = Filters()) -> dict[CountKey, int]:
    """The tallies summed over the channels and quartiers the filters keep (one GROUP BY)."""
    query = (
        select(ResultTally.question_id, ResultTally.measure, ResultTally.option_id, ResultTally.value,
               func.sum(ResultTally.count))
        .where(ResultTally.consultation_id == consultation.id)
        .group_by(ResultTally.question_id, ResultTally.measure, ResultTally.option_id, ResultTally.value)
    )
    query = _filtered(query, filters, ResultTally.channel, ResultTally.qpv_key)
    return {(q, m, o, v): int(n) for q, m, o, v, n in db.session.execute(query) if n}


@dataclass(frozen=True)
class ResponseGroup:
    """The responses of one channel and quartier (0: not given), with the quartier's name if it exists."""

    channel: Channel
    qpv_key: int
    qpv_name: str | None
    count: int


def response_groups(consultation: Consultation) -> list[ResponseGroup]:
    """Responses per channel and quartier, unfiltered: the filter's quartiers and, filtered in Python,
    the figures per channel, from one small GROUP BY (tens of rows, whatever the number of responses)."""
    query = (
        select(ResultTally.channel, ResultTally.qpv_key, QPV.name, func.sum(ResultTally.count))
        .outerjoin(QPV, QPV.id == ResultTally.qpv_key)
        .where(ResultTally.consultation_id == consultation.id, ResultTally.measure == Measure.response)
        .group_by(ResultTally.channel, ResultTally.qpv_key, QPV.name)
    )
    return [ResponseGroup(channel, qpv_key, name, int(n)) for channel, qpv_key, name, n in db.session.execute(query)]


def channel_counts(groups: list[ResponseGroup], filters: Filters = Filters()) -> dict[Channel, int]:
    counts = dict.fromkeys(Channel, 0)
    for group in groups:
        if (filters.channel is None or group.channel == filters.channel) and (
                filters.qpv_key is None or group.qpv_key == filters.qpv_key):
            counts[group.channel] += group.count
    return counts


def quartiers_answered(groups: list[ResponseGroup]) -> list[tuple[int, str | None]]:
    """The quartiers that appear in the responses, by key (0: not given), with their names, for the filter."""
    names = {group.qpv_key: group.qpv_name for group in groups if group.count > 0}
    return sorted(names.items())


# ------------------------------------------------------------------------------------------ recount


def _qpv_key_column():
    return func.coalesce(Response.qpv_id, 0)


def recount_full(consultation: Consultation) -> Counter[tuple[int, Measure, int, int, Channel, int]]:
    """Every tally recomputed from the raw responses and answers, with GROUP BY queries."""
    kinds = {q.id: q.kind for q in consultation.questions}
    qpv_key = _qpv_key_column()
    counts: Counter[tuple[int, Measure, int, int, Channel, int]] = Counter()
    responses = db.session.execute(
        select(Response.channel, qpv_key, func.count()).where(Response.consultation_id == consultation.id)
        .group_by(Response.channel, qpv_key)
    )
    for channel, qpv, n in responses:
        counts[(0, Measure.response, 0, 0, channel, int(qpv))] += n
    answered = db.session.execute(
        select(Answer.question_id, Response.channel, qpv_key, func.count(func.distinct(Answer.response_id)))
        .join(Response, Response.id == Answer.response_id)
        .where(Response.consultation_id == consultation.id)
        .group_by(Answer.question_id, Response.channel, qpv_key)
    )
    for question_id, channel, qpv, n in answered:
        counts[(question_id, Measure.answered, 0, 0, channel, int(qpv))] += n
    details = db.session.execute(
        select(Answer.question_id, Answer.option_id, Answer.value, Response.channel, qpv_key, func.count())
        .join(Response, Response.id == Answer.response_id)
        .where(Response.consultation_id == consultation.id)
        .group_by(Answer.question_id, Answer.option_id, Answer.value, Response.channel, qpv_key)
    )
    for question_id, option_id, value, channel, qpv, n in details:
        kind = kinds.get(question_id)
        if kind is None or kind.is_text:
            continue
        if kind == QuestionKind.ranking:
            key = (question_id, Measure.rank, option_id or 0, value or 0)
        elif kind.is_choice:
            key = (question_id, Measure.option, option_id, 0) if option_id is not None else (
                question_id, Measure.other, 0, 0)
        else:
            key = (question_id, Measure.value, 0, value or 0)
        counts[(*key, channel, int(qpv))] += n
    return counts


def recount(consultation: Consultation, filters: Filters = Filters()) -> dict[CountKey, int]:
    """The same figures as ``tally_counts``, recomputed from the raw answers."""
    totals: Counter[CountKey] = Counter()
    for (question_id, measure, option_id, value, channel, qpv), n in recount_full(consultation).items():
        if filters.channel is not None and channel != filters.channel:
            continue
        if filters.qpv_key is not None and qpv != filters.qpv_key:
            continue
        totals[(question_id, measure, option_id, value)] += n
    return {key: n for key, n in totals.items() if n}


def stored_tallies(consultation: Consultation) -> Counter[tuple[int, Measure, int, int, Channel, int]]:
    rows = db.session.execute(
        select(ResultTally.question_id, ResultTally.measure, ResultTally.option_id, ResultTally.value,
               ResultTally.channel, ResultTally.qpv_key, ResultTally.count)
        .where(ResultTally.consultation_id == consultation.id, ResultTally.count != 0)
    )
    return Counter({(q, m, o, v, c, k): n for q, m, o, v, c, k, n in rows})


def rebuild_tallies(consultation: Consultation) -> None:
    """Replace the tallies with a recount from the raw answers (after bulk loads, or to repair)."""
    db.session.execute(delete(ResultTally).where(ResultTally.consultation_id == consultation.id))
    rows = [
        {"consultation_id": consultation.id, "question_id": q, "measure": m, "option_id": o, "value": v,
         "channel": c, "qpv_key": k, "count": n}
        for (q, m, o, v, c, k), n in recount_full(consultation).items() if n
    ]
    if rows:
        db.session.execute(insert(ResultTally), rows)


# ------------------------------------------------------------------------------------------ building


def _share(count: int, total: int) -> float:
    return count / total if total else 0.0


def question_result(question: Question, number: int, counts: dict[CountKey, int]) -> QuestionResult:
    """Counts, shares, average or ranking scores of one question, from the summed tallies."""
    qid = question.id
    answered = counts.get((qid, Measure.answered, 0, 0), 0)
    result = QuestionResult(question=question, number=number, answered=answered)
    kind = question.kind
    if kind.is_choice:
        for option in question.options:
            n = counts.get((qid, Measure.option, option.id, 0), 0)
            result.rows.append(Row(label=option.label, count=n, share=_share(n, answered), key=str(option.id)))
        if question.allow_other:
            n = counts.get((qid, Measure.other, 0, 0), 0)
            result.rows.append(Row(label=_("Other"), count=n, share=_share(n, answered), key="other",
                                   is_other=True))
    elif kind == QuestionKind.yes_no:
        for value, label in ((1, _("Yes")), (0, _("No"))):
            n = counts.get((qid, Measure.value, 0, value), 0)
            result.rows.append(Row(label=label, count=n, share=_share(n, answered), key=str(value)))
    elif kind == QuestionKind.scale:
        total = 0
        for value in question.scale_values:
            n = counts.get((qid, Measure.value, 0, value), 0)
            total += value * n
            label = str(value)
            if value == question.scale_min and question.scale_min_label:
                label = f"{value} ({question.scale_min_label})"
            elif value == question.scale_max and question.scale_max_label:
                label = f"{value} ({question.scale_max_label})"
            result.rows.append(Row(label=label, count=n, share=_share(n, answered), key=str(value)))
        result.average = total / answered if answered else None
    elif kind == QuestionKind.ranking:
        size = len(question.options)
        for option in question.options:
            score = sum(n * (size - rank + 1) for (q, m, o, rank), n in counts.items()
                        if q == qid and m == Measure.rank and o == option.id and 1 <= rank <= size)
            first = counts.get((qid, Measure.rank, option.id, 1), 0)
            result.rows.append(Row(label=option.label, count=first, share=_share(first, answered),
                                   key=str(option.id), score=score))
        result.rows.sort(key=lambda row: -row.score)
        top = max((row.score for row in result.rows), default=0)
        for row in result.rows:
            row.bar = _share(row.score, top)
    if kind != QuestionKind.ranking:
        for row in result.rows:
            row.bar = row.share
    return result


def build(consultation: Consultation, counts: dict[CountKey, int], by_channel: dict[Channel, int],
          filters: Filters = Filters()) -> Results:
    questions = consultation.ordered_questions()
    return Results(
        consultation=consultation, filters=filters,
        responses=counts.get((0, Measure.response, 0, 0), 0), by_channel=by_channel,
        questions=[question_result(q, number, counts) for number, q in enumerate(questions, start=1)],
    )


def results(consultation: Consultation, filters: Filters = Filters(), texts: int = TEXTS_SHOWN) -> Results:
    """The results page: tallies summed with GROUP BY, plus the latest free texts of each question.

    Three statements whatever the number of questions and responses: the tallies, the responses per
    channel and quartier, and the latest texts of every question that has some.
    """
    groups = response_groups(consultation)
    built = build(consultation, tally_counts(consultation, filters), channel_counts(groups, filters), filters)
    built.quartiers = quartiers_answered(groups)
    if texts:
        with_texts = [result for result in built.questions if result.kind.is_text or result.question.allow_other]
        latest = latest_texts_of([result.question for result in with_texts], filters, texts)
        for result in with_texts:
            result.texts = latest.get(result.question.id, [])
    return built


def _texts_query(question: Question, filters: Filters):
    query = (
        select(Answer)
        .where(Answer.question_id == question.id, Answer.text.is_not(None), Answer.hidden_at.is_(None))
    )
    return _filtered(query, filters, Answer.channel, Answer.qpv_key)


def latest_texts(question: Question, filters: Filters = Filters(), limit: int = TEXTS_SHOWN) -> list[Answer]:
    return list(db.session.scalars(_texts_query(question, filters).order_by(Answer.id.desc()).limit(inline(limit))))


def latest_texts_of(questions: list[Question], filters: Filters = Filters(), limit: int = TEXTS_SHOWN
                    ) -> dict[int, list[Answer]]:
    """``latest_texts`` of several questions in one statement: a UNION ALL of one short index scan each."""
    if len(questions) <= 1:
        return {question.id: latest_texts(question, filters, limit) for question in questions}
    statement = _latest_texts_statement(len(questions), filters.channel is not None, filters.qpv_key is not None,
                                        limit)
    params: dict[str, object] = {f"question_{n}": question.id for n, question in enumerate(questions)}
    params.update(channel=filters.channel, qpv_key=filters.qpv_key)
    latest: dict[int, list[Answer]] = {question.id: [] for question in questions}
    for answer in db.session.scalars(statement, params):
        latest[answer.question_id].append(answer)
    return latest


@lru_cache(maxsize=64)
def _latest_texts_statement(questions: int, by_channel: bool, by_quartier: bool, limit: int):
    """Built once per shape (the question ids and filter values are bound at execution): building a
    UNION of subqueries costs more than running it."""
    parts = []
    for n in range(questions):
        part = select(Answer.id).where(Answer.question_id == bindparam(f"question_{n}"), Answer.text.is_not(None),
                                       Answer.hidden_at.is_(None))
        if by_channel:
            part = part.where(Answer.channel == bindparam("channel"))
        if by_quartier:
            part = part.where(Answer.qpv_key == bindparam("qpv_key"))
        latest = part.order_by(Answer.id.desc()).limit(inline(limit)).subquery()
        parts.append(select(latest.c.id))
    return select(Answer).where(Answer.id.in_(union_all(*parts))).order_by(Answer.id.desc())


def texts_page_query(question: Question, filters: Filters = Filters(), include_hidden: bool = False):
    """Every free text of a question, newest first (hidden ones only for those who may restore them)."""
    query = select(Answer).where(Answer.question_id == question.id, Answer.text.is_not(None))
    if not include_hidden:
        query = query.where(Answer.hidden_at.is_(None))
    return _filtered(query, filters, Answer.channel, Answer.qpv_key).order_by(Answer.id.desc())
