"""Results equal a recount from the raw answers, for every kind of question, whatever the answers."""

from __future__ import annotations

from collections import Counter

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from participation.consultations import results, services
from participation.consultations.answers import AnswerValue, values_from_rows
from participation.consultations.models import Channel, Consultation, QuestionKind, Response
from participation.extensions import db
from participation.sqlcount import count_statements
from tests.factories import (
    answer_consultation,
    every_kind_of_question,
    make_consultation,
    make_qpv,
    make_user,
    typical_answers,
)

PEOPLE = ["user-0", "user-1", "user-2", "browser-0", "browser-1", "paper", "paper"]


def answer_strategy(question):
    kind = question.kind
    ids = [option.id for option in question.options]
    nothing = st.none() if not question.required else st.nothing()
    text = st.text(alphabet="abcdé =+-", min_size=1, max_size=12).filter(lambda t: t.strip() == t and t)
    if kind == QuestionKind.single_choice:
        return st.one_of(nothing, st.sampled_from(ids).map(lambda i: AnswerValue(option_ids=(i,))),
                         text.map(lambda t: AnswerValue(other=t)))
    if kind == QuestionKind.multiple_choice:
        limit = question.max_choices or len(ids) + 1
        return st.one_of(nothing, st.tuples(
            st.lists(st.sampled_from(ids), unique=True, max_size=limit), st.one_of(st.none(), text),
        ).filter(lambda pair: 0 < len(pair[0]) + (pair[1] is not None) <= limit)
            .map(lambda pair: AnswerValue(option_ids=tuple(pair[0]), other=pair[1])))
    if kind == QuestionKind.yes_no:
        return st.one_of(nothing, st.sampled_from([0, 1]).map(lambda v: AnswerValue(value=v)))
    if kind == QuestionKind.scale:
        return st.one_of(nothing, st.integers(question.scale_min, question.scale_max).map(
            lambda v: AnswerValue(value=v)))
    if kind.is_text:
        return st.one_of(nothing, text.map(lambda t: AnswerValue(text=t)))
    return st.one_of(nothing, st.permutations(ids).flatmap(
        lambda order: st.integers(1, len(order)).map(lambda k: AnswerValue(option_ids=tuple(order[:k])))))


def recount_in_python(consultation, final, wanted: results.Filters):
    """What the results must say, counted from the answers as they were sent (the newest per person)."""
    expected = {}
    kept = [(channel, qpv_key, values) for channel, qpv_key, values in final
            if (wanted.channel is None or channel == wanted.channel)
            and (wanted.qpv_key is None or qpv_key == wanted.qpv_key)]
    for question in consultation.ordered_questions():
        answered = 0
        counts: Counter = Counter()
        scores: Counter = Counter()
        total = 0
        for _, _, values in kept:
            value = values.get(question.id)
            if value is None:
                continue
            answered += 1
            kind = question.kind
            if kind.is_choice:
                counts.update(str(i) for i in value.option_ids)
                if value.other is not None:
                    counts["other"] += 1
            elif kind in (QuestionKind.yes_no, QuestionKind.scale):
                counts[str(value.value)] += 1
                total += value.value
            elif kind == QuestionKind.ranking:
                size = len(question.options)
                for rank, option_id in enumerate(value.option_ids, start=1):
                    scores[str(option_id)] += size - rank + 1
                    if rank == 1:
                        counts[str(option_id)] += 1
        expected[question.id] = (answered, +counts, +scores,
                                 total / answered if question.kind == QuestionKind.scale and answered else None)
    return len(kept), expected


def shown(result):
    rows = {row.key: row for row in result.rows}
    counts = Counter({key: row.count for key, row in rows.items() if row.count})
    scores = Counter({key: row.score for key, row in rows.items() if row.score})
    for row in result.rows:
        assert row.share == pytest.approx(row.count / result.answered if result.answered else 0)
    return result.answered, counts, scores, result.average


@pytest.fixture
def people(app):
    qpvs = [make_qpv(), make_qpv()]
    users = {name: make_user() for name in PEOPLE if name.startswith("user")}
    users["animator"] = make_user()
    db.session.commit()
    return users, qpvs


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_results_equal_a_recount_of_the_raw_answers(people, data):
    users, qpvs = people
    consultation = make_consultation(pages=2)
    questions = consultation.ordered_questions()
    final: dict[object, tuple] = {}
    sent = data.draw(st.lists(st.tuples(st.sampled_from(PEOPLE), st.sampled_from([None, *qpvs])), max_size=12))
    for index, (person, qpv) in enumerate(sent):
        values = {q.id: data.draw(answer_strategy(q)) for q in questions}
        values = {qid: value for qid, value in values.items() if value is not None}
        if person.startswith("user"):
            answer_consultation(consultation, users[person], values=values, qpv=qpv)
            final[person] = (Channel.online, qpv.id if qpv else 0, values)
        elif person.startswith("browser"):
            answer_consultation(consultation, token=f"{person}-{consultation.id}-cookie-token", values=values, qpv=qpv)
            final[person] = (Channel.anonymous, qpv.id if qpv else 0, values)
        else:
            answer_consultation(consultation, paper_by=users["animator"], values=values, qpv=qpv)
            final[("paper", index)] = (Channel.assisted, qpv.id if qpv else 0, values)
    db.session.refresh(consultation)
    assert consultation.responses_count == len(final)
    # Each response keeps a copy of its answers for the export: it says what the rows say.
    for response in db.session.scalars(select(Response).where(Response.consultation_id == consultation.id)):
        assert {int(key): AnswerValue.from_json(value) for key, value in response.answers_data.items()} == \
            values_from_rows(questions, response.answers)
    assert results.stored_tallies(consultation) == results.recount_full(consultation)
    filters = [results.Filters()] + [results.Filters(channel=c) for c in Channel] + [
        results.Filters(qpv_key=key) for key in (0, qpvs[0].id, qpvs[1].id)] + [
        results.Filters(channel=Channel.online, qpv_key=qpvs[0].id)]
    for wanted in filters:
        computed = results.results(consultation, wanted)
        responses, expected = recount_in_python(consultation, list(final.values()), wanted)
        assert computed.responses == responses
        assert sum(computed.by_channel.values()) == responses
        for result in computed.questions:
            answered, counts, scores, average = shown(result)
            want = expected[result.question.id]
            assert (answered, counts, scores) == want[:3], (result.question.kind, wanted)
            assert average == pytest.approx(want[3]) if want[3] is not None else average is None
        assert results.tally_counts(consultation, wanted) == results.recount(consultation, wanted)
        # The latest texts of every question, read in one statement, are each question's own latest texts.
        for result in computed.questions:
            if result.kind.is_text or result.question.allow_other:
                assert [a.id for a in result.texts] == [a.id for a in results.latest_texts(result.question, wanted)]
    names = {qpv.id: qpv.name for qpv in qpvs}
    assert computed.quartiers == sorted({(key, names.get(key)) for _channel, key, _values in final.values()})


def test_the_results_page_runs_the_same_statements_whatever_the_number_of_responses(app, client):
    consultation = make_consultation(results_while_open=True)
    answer_consultation(consultation)
    db.session.commit()
    consultation_id = consultation.id

    def statements() -> int:
        db.session.expunge_all()  # as in a new request: nothing already loaded
        with count_statements() as counter:
            assert client.get(f"/consultations/{consultation_id}/resultats").status_code == 200
        return counter.count

    few = statements()
    # The consultation and its questionnaire (2), the version of the kept pages, the tallies, the responses per
    # channel and quartier, the latest texts of every question (1 each); the contribution only once a synthesis is
    # published.
    assert few <= 6
    assert statements() == 3  # then kept until an answer comes: the consultation, its questionnaire, the version
    consultation = db.session.get(Consultation, consultation_id)
    for _ in range(30):
        answer_consultation(consultation, values=typical_answers(consultation))
    db.session.commit()
    assert statements() == few
    # Twice the questions (eight with written answers), on three pages, for a quartier, filtered: the same
    # statements.
    longer = make_consultation(results_while_open=True, pages=3,
                               questions=every_kind_of_question() + every_kind_of_question())
    longer.qpv_id = make_qpv().id
    answer_consultation(longer)
    db.session.commit()
    longer_id = longer.id
    db.session.expunge_all()
    with count_statements() as counter:
        assert client.get(f"/consultations/{longer_id}/resultats?quartier=0&canal=online").status_code == 200
    assert counter.count == few


def test_a_changed_answer_moves_between_quartiers_in_the_results(app):
    qpv_a, qpv_b = make_qpv(), make_qpv()
    user = make_user()
    consultation = make_consultation()
    answer_consultation(consultation, user, qpv=qpv_a)
    answer_consultation(consultation, user, qpv=qpv_b)
    assert results.results(consultation, results.Filters(qpv_key=qpv_a.id)).responses == 0
    assert results.results(consultation, results.Filters(qpv_key=qpv_b.id)).responses == 1
    from participation.consultations.models import QuestionKind

    text = next(q for q in consultation.ordered_questions() if q.kind == QuestionKind.short_text)
    assert results.latest_texts(text, results.Filters(qpv_key=qpv_a.id)) == []
    assert len(results.latest_texts(text, results.Filters(qpv_key=qpv_b.id, channel=Channel.online))) == 1
    assert results.latest_texts(text, results.Filters(channel=Channel.anonymous)) == []
    results.rebuild_tallies(consultation)
    assert results.stored_tallies(consultation) == results.recount_full(consultation)
    assert services.count_rows(consultation)[Channel.online] == 1
