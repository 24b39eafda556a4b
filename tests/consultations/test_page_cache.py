"""The results page is kept until an answer (or anything it shows) changes, and never across phases or rights."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from participation.consultations import services
from participation.consultations.answers import AnswerValue
from participation.consultations.models import Answer, QuestionKind
from participation.db import utcnow
from participation.extensions import db
from participation.sqlcount import count_statements
from tests.factories import answer_consultation, make_consultation, typical_answers


def _results(client, consultation) -> str:
    response = client.get(f"/consultations/{consultation.id}/resultats")
    assert response.status_code == 200
    return response.text


def test_results_are_kept_until_an_answer_comes(client, roles):
    consultation = make_consultation(roles.conseil, results_while_open=True)
    answer_consultation(consultation, roles.habitant)
    db.session.commit()
    assert "<dd>1</dd>" in _results(client, consultation)
    url = f"/consultations/{consultation.id}/resultats"
    with count_statements() as kept:
        assert client.get(url).status_code == 200
    assert kept.count == 3  # the consultation, its questionnaire and the version: the results are kept
    answer_consultation(consultation, token="another-browser")
    db.session.commit()
    assert "<dd>2</dd>" in _results(client, consultation)


def test_a_hidden_text_leaves_the_kept_results_at_once(client, roles):
    consultation = make_consultation(roles.conseil, results_while_open=True)
    text_question = next(q for q in consultation.ordered_questions() if q.kind == QuestionKind.long_text)
    values = typical_answers(consultation)
    values[text_question.id] = AnswerValue(text="M. Dupont du 3e fait du bruit")
    answer_consultation(consultation, roles.habitant, values=values)
    db.session.commit()
    assert "M. Dupont" in _results(client, consultation)
    answer = db.session.scalar(select(Answer).where(Answer.question_id == text_question.id))
    services.hide_answer(answer, roles.animator, "Nomme un voisin")
    db.session.commit()
    assert "M. Dupont" not in _results(client, consultation)


def test_the_phase_and_the_right_to_download_are_part_of_what_is_kept(client, signed_in, roles, monkeypatch):
    consultation = make_consultation(roles.conseil, results_while_open=True, closes_in_days=2)
    answer_consultation(consultation, roles.habitant)
    db.session.commit()
    assert "provisoires" in _results(client, consultation)
    exports = f"/consultations/{consultation.id}/export/reponses.csv"
    assert exports not in _results(client, consultation)
    assert exports in _results(signed_in(roles.project_lead), consultation)
    assert exports not in _results(client, consultation)
    # Three days later, with nothing changed in the database, the consultation is closed.
    later = utcnow() + timedelta(days=3)
    monkeypatch.setattr("participation.consultations.models.utcnow", lambda: later)
    assert "provisoires" not in _results(client, consultation)
