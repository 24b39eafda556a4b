from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from participation.audit import AuditEntry
from participation.consultations import results, services
from participation.consultations.answers import AnswerValue, check_answer
from participation.consultations.models import (
    Answer,
    Audience,
    Channel,
    Consultation,
    Phase,
    QuestionKind,
    Response,
    ResponseDraft,
)
from participation.consultations.services import OptionData, QuestionData
from participation.contract.models import Contribution, ContributionKind
from participation.contract.services import source_url
from participation.db import utcnow
from participation.extensions import db
from tests.factories import answer_consultation, make_consultation, typical_answers


def question(consultation, kind: QuestionKind):
    return next(q for q in consultation.ordered_questions() if q.kind == kind)


def assert_counts_exact(consultation):
    db.session.refresh(consultation)
    counted = services.count_rows(consultation)
    assert consultation.online_count == counted[Channel.online]
    assert consultation.assisted_count == counted[Channel.assisted]
    assert consultation.anonymous_count == counted[Channel.anonymous]
    assert consultation.responses_count == sum(counted.values())
    assert results.stored_tallies(consultation) == results.recount_full(consultation)


# ------------------------------------------------------------------------------------------ building


def test_a_new_consultation_is_a_draft_with_one_page(roles):
    consultation = services.create_consultation(roles.animator, services.ConsultationData(
        title=" Le parc ", conseil_id=roles.conseil.id, intro="**Votre avis** <script>x</script>",
        intro_falc="Dites ce que vous pensez."))
    assert consultation.title == "Le parc" and consultation.phase() == Phase.draft
    assert len(consultation.sections) == 1
    assert "<strong>Votre avis</strong>" in consultation.intro_html and "<script>" not in consultation.intro_html
    assert consultation.intro_falc_html == "<p>Dites ce que vous pensez.</p>\n"


def test_anonymous_answers_only_when_anyone_may_answer(roles):
    consultation = services.create_consultation(None, services.ConsultationData(
        title="Membres", audience=Audience.members, anonymous_allowed=True))
    assert consultation.anonymous_allowed is False


def test_closing_must_come_after_opening(roles):
    now = utcnow()
    with pytest.raises(services.InvalidConsultation):
        services.create_consultation(None, services.ConsultationData(title="x", opens_at=now, closes_at=now))


@pytest.mark.parametrize(("data", "message"), [
    (QuestionData(QuestionKind.single_choice, "Q", options=[OptionData("A")]), "au moins deux"),
    (QuestionData(QuestionKind.ranking, "Q", options=[OptionData("A"), OptionData("a ")]), "même formulation"),
    (QuestionData(QuestionKind.single_choice, "Q", options=[OptionData("A"), OptionData(" ")]), "vide"),
    (QuestionData(QuestionKind.scale, "Q", scale_min=2, scale_max=5), "1 à 5"),
    (QuestionData(QuestionKind.multiple_choice, "Q", options=[OptionData("A"), OptionData("B")], max_choices=3),
     "maximum"),
    (QuestionData(QuestionKind.short_text, "  "), "Écrivez la question"),
])
def test_questions_are_checked(app, data, message):
    consultation = make_consultation(questions=[], open_=False)
    with pytest.raises(services.InvalidConsultation, match=message):
        services.add_question(consultation.sections[0], data)


def test_settings_that_do_not_apply_to_a_kind_are_dropped(app):
    consultation = make_consultation(questions=[], open_=False)
    added = services.add_question(consultation.sections[0], QuestionData(
        QuestionKind.short_text, "Un mot ?", options=[OptionData("A")], max_choices=2, allow_other=True,
        scale_min=1, scale_max=5))
    assert (added.options, added.max_choices, added.allow_other, added.scale_min) == ([], None, False, None)


def test_questions_and_pages_can_be_reordered_before_the_first_answer(app):
    consultation = make_consultation(open_=False, pages=2)
    first_page = consultation.sections[0]
    first, second = first_page.questions[0], first_page.questions[1]
    services.move_question(second, -1)
    assert first_page.questions == [second, first, *first_page.questions[2:]]
    services.move_question(second, -1)  # already first: nothing happens
    assert first_page.questions[0] is second
    other_page = consultation.sections[1]
    services.move_section(other_page, -1)
    assert consultation.sections == [other_page, first_page]
    assert consultation.ordered_questions()[0] is other_page.questions[0]


def test_a_question_moves_to_another_page_and_pages_are_deleted_with_their_questions(app):
    consultation = make_consultation(open_=False, pages=2)
    first_page, second_page = consultation.sections
    moved = first_page.questions[0]
    data = QuestionData(moved.kind, moved.text, required=moved.required, allow_other=moved.allow_other,
                        options=[OptionData(o.label, o.id) for o in moved.options])
    services.update_question(moved, data, section=second_page)
    assert moved in second_page.questions and moved not in first_page.questions
    count = len(consultation.questions)
    services.delete_section(second_page)
    db.session.flush()
    assert len(consultation.sections) == 1 and len(consultation.questions) == count - len(second_page.questions)
    with pytest.raises(services.InvalidConsultation):
        services.delete_section(first_page)


def test_before_the_first_answer_everything_may_change(app):
    consultation = make_consultation(open_=True)
    choice = question(consultation, QuestionKind.single_choice)
    kept = choice.options[0].id
    services.update_question(choice, QuestionData(
        QuestionKind.multiple_choice, "Quels usages ?",
        options=[OptionData("Jeux", kept), OptionData("Lecture"), OptionData("Sieste")], max_choices=2))
    assert choice.kind == QuestionKind.multiple_choice
    assert [o.label for o in choice.options] == ["Jeux", "Lecture", "Sieste"] and choice.options[0].id == kept


def test_after_the_first_answer_only_the_wording_changes(app, make_user):
    consultation = make_consultation()
    answer_consultation(consultation, make_user())
    choice = question(consultation, QuestionKind.single_choice)
    ids = [o.id for o in choice.options]
    # Wording fixes are fine: question, easy-to-read text, option labels.
    services.update_question(choice, QuestionData(
        choice.kind, "Quel usage faites-vous du parc ?", falc_text="Au parc, vous faites quoi ?",
        required=choice.required, allow_other=choice.allow_other,
        options=[OptionData(label=f"{o.label} (corrigé)", id=o.id) for o in choice.options]))
    assert choice.text == "Quel usage faites-vous du parc ?" and [o.id for o in choice.options] == ids
    assert choice.options[0].label.endswith("(corrigé)")
    same = [OptionData(o.label, o.id) for o in choice.options]
    changes = [
        QuestionData(QuestionKind.multiple_choice, choice.text, required=True, allow_other=True, options=same),
        QuestionData(choice.kind, choice.text, required=False, allow_other=True, options=same),
        QuestionData(choice.kind, choice.text, required=True, allow_other=False, options=same),
        QuestionData(choice.kind, choice.text, required=True, allow_other=True, options=[*same, OptionData("Vélo")]),
        QuestionData(choice.kind, choice.text, required=True, allow_other=True, options=same[:2]),
        QuestionData(choice.kind, choice.text, required=True, allow_other=True, options=list(reversed(same))),
    ]
    for change in changes:
        with pytest.raises(services.StructureLocked):
            services.update_question(choice, change)
    scale = question(consultation, QuestionKind.scale)
    with pytest.raises(services.StructureLocked):
        services.update_question(scale, QuestionData(QuestionKind.scale, scale.text, scale_min=0, scale_max=10))
    services.update_question(scale, QuestionData(QuestionKind.scale, scale.text, scale_min=1, scale_max=5,
                                                 scale_min_label="Pas content", scale_max_label="Très content"))
    assert scale.scale_max_label == "Très content"
    for action in (lambda: services.add_question(consultation.sections[0], QuestionData(QuestionKind.yes_no, "Q")),
                   lambda: services.add_section(consultation),
                   lambda: services.delete_question(choice),
                   lambda: services.move_question(choice, 1),
                   lambda: services.move_section(consultation.sections[0], 1)):
        with pytest.raises(services.StructureLocked):
            action()
    services.rename_section(consultation.sections[0], "Vos usages")
    assert consultation.sections[0].title == "Vos usages"


def test_publishing_needs_questions_and_opens_now_or_later(app):
    empty = make_consultation(questions=[], open_=False)
    with pytest.raises(services.InvalidConsultation):
        services.publish(empty)
    now = utcnow()
    later = make_consultation(open_=False)
    later.opens_at = now + timedelta(days=2)
    services.publish(later, now=now)
    assert later.phase(now) == Phase.scheduled and later.opens_at == now + timedelta(days=2)
    soon = make_consultation(open_=False)
    services.publish(soon, now=now)
    assert soon.phase(now) == Phase.open and soon.opens_at == now
    services.close(soon, now=now + timedelta(hours=1))
    assert soon.phase(now + timedelta(hours=1)) == Phase.closed
    with pytest.raises(services.InvalidConsultation):
        services.close(soon, now=now + timedelta(hours=2))


def test_a_past_closing_date_keeps_the_consultation_from_opening(app):
    consultation = make_consultation(open_=False, closes_in_days=-1)
    with pytest.raises(services.InvalidConsultation):
        services.publish(consultation)


def test_duplicate_copies_the_questionnaire_as_a_new_draft(app, make_user):
    consultation = make_consultation(intro_falc="Texte facile.")
    answer_consultation(consultation, make_user())
    copy = services.duplicate(consultation, None, title="Copie")
    db.session.flush()
    assert copy.id != consultation.id and copy.phase() == Phase.draft and copy.responses_count == 0
    assert copy.copied_from_id == consultation.id and copy.intro_falc == "Texte facile."
    assert [(q.kind, q.text, [o.label for o in q.options]) for q in copy.ordered_questions()] == [
        (q.kind, q.text, [o.label for o in q.options]) for q in consultation.ordered_questions()]
    assert not copy.structure_locked
    assert copy.opens_at is None and copy.closes_at is None


def test_only_a_never_opened_draft_is_deleted(app):
    draft = make_consultation(open_=False)
    opened = make_consultation()
    with pytest.raises(services.InvalidConsultation):
        services.delete_draft_consultation(opened)
    draft_id = draft.id
    services.delete_draft_consultation(draft)
    assert db.session.get(Consultation, draft_id) is None


# ------------------------------------------------------------------------------------------ who may answer


def test_closed_not_yet_open_and_members_only_consultations_refuse_answers(roles):
    closed = make_consultation(roles.conseil)
    services.close(closed)
    now = utcnow()
    scheduled = make_consultation(roles.conseil, open_=False)
    scheduled.opens_at = now + timedelta(days=1)
    services.publish(scheduled, now=now)
    members = make_consultation(roles.conseil, audience=Audience.members)
    residents = make_consultation(audience=Audience.residents)
    signed_in_only = make_consultation(anonymous_allowed=False)
    draft = make_consultation(open_=False)
    cases = [
        (closed, roles.habitant, "closed"), (scheduled, roles.habitant, "not_open_yet"),
        (members, roles.habitant, "members_only"), (members, None, "sign_in"),
        (members, roles.other_animator, "members_only"), (residents, None, "sign_in"),
        (residents, roles.unverified, "verify_email"), (signed_in_only, None, "sign_in"),
        (draft, roles.habitant, "draft"),
    ]
    for consultation, user, reason in cases:
        refused = services.refusal(consultation, user)
        assert refused is not None and refused.reason == reason, (consultation.title, user, reason)
        assert refused.message
        with pytest.raises(services.CannotAnswer):
            answer_consultation(consultation, user)
    assert services.refusal(members, roles.member) is None
    assert services.refusal(residents, roles.habitant) is None
    answer_consultation(members, roles.member)


def test_members_of_any_conseil_answer_a_territory_wide_members_consultation(roles, make_user):
    consultation = make_consultation(None, audience=Audience.members)
    assert services.refusal(consultation, roles.member) is None
    assert services.refusal(consultation, roles.habitant).reason == "members_only"


# ------------------------------------------------------------------------------------------ answers


def test_a_second_answer_from_the_same_person_replaces_the_first(roles):
    consultation = make_consultation(roles.conseil)
    scale = question(consultation, QuestionKind.scale)
    values = typical_answers(consultation)
    first = answer_consultation(consultation, roles.habitant, values=values)
    values[scale.id] = AnswerValue(value=2)
    second = answer_consultation(consultation, roles.habitant, values=values)
    assert first.id == second.id
    db.session.refresh(consultation)
    assert consultation.responses_count == 1 and consultation.online_count == 1
    counts = results.tally_counts(consultation)
    from participation.consultations.models import Measure

    assert counts.get((scale.id, Measure.value, 0, 2)) == 1 and (scale.id, Measure.value, 0, 5) not in counts
    assert_counts_exact(consultation)


def test_an_anonymous_browser_replaces_its_answer_and_others_count_apart(roles):
    consultation = make_consultation(roles.conseil)
    answer_consultation(consultation, token="the-same-browser-token")
    answer_consultation(consultation, token="the-same-browser-token")
    answer_consultation(consultation, token="another-browser-token")
    answer_consultation(consultation, roles.habitant)
    answer_consultation(consultation, paper_by=roles.animator)
    answer_consultation(consultation, paper_by=roles.animator)
    db.session.refresh(consultation)
    assert (consultation.responses_count, consultation.online_count, consultation.anonymous_count,
            consultation.assisted_count) == (5, 1, 2, 2)
    stored = db.session.scalars(select(Response.anonymous_key).where(Response.anonymous_key.is_not(None))).all()
    assert "the-same-browser-token" not in stored  # only its hash is kept
    assert_counts_exact(consultation)


@pytest.mark.parametrize(("kind", "value", "message"), [
    (QuestionKind.single_choice, AnswerValue(option_ids=(999999,)), "ne fait pas partie"),
    (QuestionKind.multiple_choice, "three", "2 réponses au plus"),
    (QuestionKind.scale, AnswerValue(value=6), "entre 1 et 5"),
    (QuestionKind.long_text, AnswerValue(text="x" * 100_000), "5000 caractères au plus"),
    (QuestionKind.single_choice, None, "demande une réponse"),
    (QuestionKind.single_choice, AnswerValue(other="  "), "Précisez"),
    (QuestionKind.yes_no, AnswerValue(value=3), "oui ou non"),
    (QuestionKind.ranking, "twice", "un seul choix"),
])
def test_bad_answers_are_refused_with_a_clear_message(app, kind, value, message):
    consultation = make_consultation()
    target = question(consultation, kind)
    if value == "three":
        value = AnswerValue(option_ids=tuple(o.id for o in target.options[:3]))
    if value == "twice":
        value = AnswerValue(option_ids=(target.options[0].id, target.options[0].id))
    values = typical_answers(consultation)
    values[target.id] = value
    assert message in (check_answer(target, value) or "")
    with pytest.raises(services.InvalidAnswers) as error:
        answer_consultation(consultation, values=values)
    assert list(error.value.errors) == [target.id]
    assert consultation.responses_count == 0


def test_optional_questions_may_be_left_out(app):
    consultation = make_consultation()
    required = question(consultation, QuestionKind.single_choice)
    response = answer_consultation(consultation, values={required.id: AnswerValue(other="Courir")})
    db.session.refresh(response)
    assert [(a.question_id, a.option_id, a.text) for a in response.answers] == [(required.id, None, "Courir")]
    assert_counts_exact(consultation)


def test_paper_answers_are_taken_until_the_synthesis_is_published(roles):
    consultation = make_consultation(roles.conseil)
    services.close(consultation)
    answer_consultation(consultation, paper_by=roles.animator)
    services.save_synthesis(consultation, "Merci.")
    services.publish_synthesis(consultation, roles.animator)
    with pytest.raises(services.CannotAnswer):
        answer_consultation(consultation, paper_by=roles.animator)
    draft = make_consultation(roles.conseil, open_=False)
    with pytest.raises(services.CannotAnswer):
        answer_consultation(draft, paper_by=roles.animator)


# ------------------------------------------------------------------------------------------ drafts


def test_drafts_keep_each_page_and_start_from_an_earlier_answer(roles):
    consultation = make_consultation(roles.conseil, pages=2)
    respondent = services.Respondent.online(roles.habitant)
    first, second = consultation.sections[0].questions[0], consultation.sections[1].questions[0]
    values = typical_answers(consultation)
    services.save_draft(consultation, respondent, {first.id: values[first.id]})
    services.save_draft(consultation, respondent, {second.id: values[second.id]}, qpv_id=None)
    draft = services.load_draft(consultation, respondent)
    assert draft.values == {first.id: values[first.id], second.id: values[second.id]}
    services.save_draft(consultation, respondent, {first.id: None})
    assert first.id not in services.load_draft(consultation, respondent).values
    answer_consultation(consultation, roles.habitant)
    assert db.session.scalar(select(func.count(ResponseDraft.id))) == 0
    again = services.load_draft(consultation, respondent)
    assert again.started_from_response and again.values == typical_answers(consultation)


def test_unsent_drafts_are_purged(roles):
    consultation = make_consultation(roles.conseil)
    services.save_draft(consultation, services.Respondent.anonymous("an-anonymous-token"), {})
    assert services.purge_drafts(utcnow() - timedelta(days=1)) == 0
    assert services.purge_drafts(utcnow() + timedelta(seconds=1)) == 1


# ------------------------------------------------------------------------------------------ free texts


def test_hiding_a_free_text_needs_a_reason_is_logged_and_survives_an_identical_resend(roles):
    consultation = make_consultation(roles.conseil)
    text_question = question(consultation, QuestionKind.short_text)
    answer_consultation(consultation, roles.habitant)
    answer = db.session.scalar(select(Answer).where(Answer.question_id == text_question.id))
    with pytest.raises(services.AnswerNotHideable):
        services.hide_answer(answer, roles.animator, "  ")
    services.hide_answer(answer, roles.animator, "Cite un voisin")
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "consultation_answer.hidden"))
    assert entry.reason == "Cite un voisin" and entry.target_id == answer.id and entry.conseil_id == roles.conseil.id
    assert results.latest_texts(text_question) == []
    answer_consultation(consultation, roles.habitant)  # the same text again: still hidden
    assert results.latest_texts(text_question) == []
    kept = db.session.scalar(select(Answer).where(Answer.question_id == text_question.id))
    services.restore_answer(kept, roles.animator)
    assert [a.text for a in results.latest_texts(text_question)] == ["Plus de bancs à l'ombre"]


# ------------------------------------------------------------------------------------------ synthesis


def test_publishing_the_synthesis_makes_a_contribution_and_tells_respondents(roles, make_user, outbox):
    consultation = make_consultation(roles.conseil)
    quiet = make_user("discret@example.org", notify_by_email=False)
    answer_consultation(consultation, roles.habitant)
    answer_consultation(consultation, quiet)
    answer_consultation(consultation, roles.animator)
    answer_consultation(consultation, token="browser-with-an-email", contact_email="Invitee@Example.org ")
    answer_consultation(consultation, token="browser-without-email")
    services.save_synthesis(consultation, "Les habitants veulent **plus d'ombre**.")
    with pytest.raises(services.SynthesisError):
        services.publish_synthesis(consultation, roles.animator)  # still open
    services.close(consultation)
    contribution = services.publish_synthesis(consultation, roles.animator)
    db.session.flush()
    assert contribution.kind == ContributionKind.consultation_synthesis
    assert (contribution.source_type, contribution.source_id) == ("consultation", consultation.id)
    assert contribution.conseil_id == roles.conseil.id and contribution.title == consultation.title
    assert source_url(contribution).endswith(f"/consultations/{consultation.id}/resultats#synthese")
    assert "<strong>plus d'ombre</strong>" in consultation.synthesis_html
    told = sorted(message.recipient for message in outbox())
    assert told == sorted([roles.habitant.email, "invitee@example.org"])
    with pytest.raises(services.SynthesisError):
        services.publish_synthesis(consultation, roles.animator)
    with pytest.raises(services.SynthesisError):
        services.save_synthesis(consultation, "Autre")
    assert db.session.scalar(select(func.count(Contribution.id))) == 1


def test_an_empty_synthesis_is_not_published(roles):
    consultation = make_consultation(roles.conseil)
    services.close(consultation)
    with pytest.raises(services.SynthesisError):
        services.publish_synthesis(consultation, roles.animator)


# ------------------------------------------------------------------------------------------ personal data


def test_my_data_lists_my_answers_and_deletion_forgets_my_drafts(roles):
    from participation.accounts.services import delete_account, export_user_data

    consultation = make_consultation(roles.conseil)
    answer_consultation(consultation, roles.habitant)
    other = make_consultation(roles.conseil, title="Autre")
    services.save_draft(other, services.Respondent.online(roles.habitant), {})
    data = export_user_data(roles.habitant)["consultation_responses"]
    assert [item["consultation"] for item in data] == [consultation.title]
    assert {"question": "Un mot pour le parc ?", "option": None, "value": None,
            "text": "Plus de bancs à l'ombre"} in data[0]["answers"]
    delete_account(roles.habitant)
    db.session.flush()
    assert db.session.scalar(select(func.count(ResponseDraft.id))) == 0
    assert consultation.responses_count == 1


# ------------------------------------------------------------------------------------------ exports


def test_raw_answers_have_one_row_per_response_and_one_column_per_question(roles, make_qpv):
    from participation.consultations import exports

    qpv = make_qpv(code="QN09901A", name="Les Peupliers")
    consultation = make_consultation(roles.conseil)
    values = typical_answers(consultation)
    multiple = question(consultation, QuestionKind.multiple_choice)
    values[multiple.id] = AnswerValue(option_ids=(multiple.options[1].id,), other="Wifi")
    answer_consultation(consultation, roles.habitant, values=values, qpv=qpv)
    answer_consultation(consultation, paper_by=roles.animator,
                        values={question(consultation, QuestionKind.single_choice).id: AnswerValue(other="=1+1")})
    text = db.session.scalar(select(Answer).where(
        Answer.question_id == question(consultation, QuestionKind.long_text).id))
    services.hide_answer(text, roles.animator, "Nom d'un voisin")
    columns, rows = exports.raw_answers(consultation)
    rows = list(rows)
    assert len(columns) == 4 + len(consultation.questions) and len(rows) == 2
    by_key = dict(zip([c.key for c in columns], rows[0], strict=True))
    numbers = {q.id: n for n, q in enumerate(consultation.ordered_questions(), start=1)}
    assert by_key["quartier"] == "Les Peupliers (QN09901A)"
    assert by_key[f"q{numbers[multiple.id]}"] == "Toilettes ; Autre : Wifi"
    assert by_key[f"q{numbers[question(consultation, QuestionKind.ranking).id]}"] == \
        "1. Propreté ; 2. Sécurité ; 3. Ombre"
    assert by_key[f"q{numbers[question(consultation, QuestionKind.yes_no).id]}"] == "Oui"
    assert by_key[f"q{numbers[question(consultation, QuestionKind.scale).id]}"] == 5
    assert by_key[f"q{numbers[question(consultation, QuestionKind.long_text).id]}"] == "(réponse masquée)"
    paper = dict(zip([c.key for c in columns], rows[1], strict=True))
    assert paper["channel"] == "Sur papier (saisie par l'équipe)"
    assert paper[f"q{numbers[question(consultation, QuestionKind.single_choice).id]}"] == "Autre : =1+1"
    assert paper[f"q{numbers[question(consultation, QuestionKind.scale).id]}"] is None
    other = db.session.scalar(select(Answer).where(Answer.text == "=1+1"))
    services.hide_answer(other, roles.animator, "Hors sujet")
    columns, rows = exports.raw_answers(consultation)
    paper = dict(zip([c.key for c in columns], list(rows)[1], strict=True))
    assert paper[f"q{numbers[question(consultation, QuestionKind.single_choice).id]}"] == "Autre : (réponse masquée)"


def test_raw_answers_are_dated_in_paris_time(roles):
    # On PostgreSQL the database converts the date; elsewhere the writers do: the same cells either way.
    from datetime import UTC, datetime

    from participation import exports as writers
    from participation.consultations import exports

    consultation = make_consultation(roles.conseil)
    answer_consultation(consultation, roles.habitant)
    answer_consultation(consultation, token="another-browser-token")
    first, second = db.session.scalars(select(Response).where(Response.consultation_id == consultation.id)
                                       .order_by(Response.id)).all()
    first.updated_at = datetime(2026, 1, 10, 12, 5, tzinfo=UTC)
    second.updated_at = datetime(2026, 7, 14, 18, 30, 59, tzinfo=UTC)
    db.session.flush()
    columns, rows = exports.raw_answers(consultation)
    lines = b"".join(writers.csv_french(columns, rows)).decode("utf-8-sig").splitlines()[1:]
    assert [line.split(";")[1] for line in lines] == ["10/01/2026 13:05", "14/07/2026 20:30"]


def test_aggregated_results_export_has_counts_shares_scores_and_averages(roles):
    from participation.consultations import exports

    consultation = make_consultation(roles.conseil)
    answer_consultation(consultation, roles.habitant)
    answer_consultation(consultation, token="another-browser-token")
    columns, rows = exports.aggregated(consultation)
    rows = [dict(zip([c.key for c in columns], row, strict=True)) for row in rows]
    assert rows[0]["count"] == 2
    ranking = [r for r in rows if r["kind"] == "Classement"]
    assert [(r["answer"], r["score"]) for r in ranking] == [("Propreté", 6), ("Sécurité", 4), ("Ombre", 2)]
    average = next(r for r in rows if r["answer"] == "Moyenne")
    assert average["average"] == 5
    single = [r for r in rows if r["number"] == 1]
    assert single[0]["share"] == 100.0 and single[0]["count"] == 2


def test_export_rows_are_read_after_the_session_that_built_them_has_ended(roles):
    """A streamed body is written after the view returned and its database session was removed."""
    from participation.consultations import exports

    consultation = make_consultation(roles.conseil)
    answer_consultation(consultation, roles.habitant)
    db.session.commit()
    raw_columns, raw_rows = exports.raw_answers(consultation)
    aggregated_columns, aggregated_rows = exports.aggregated(consultation)
    db.session.commit()
    db.session.remove()
    assert len(list(raw_rows)) == 1 and len(list(aggregated_rows)) > 10


def test_the_dashboard_counts_answers_per_channel_and_who_answered(roles):
    from datetime import date

    from participation.consultations import indicators
    from participation.registry import DashboardScope

    consultation = make_consultation(roles.conseil, title="Le parc")
    elsewhere = make_consultation(roles.other_conseil, title="Ailleurs")
    answer_consultation(consultation, roles.habitant)
    answer_consultation(consultation, token="a-browser-for-the-dashboard")
    answer_consultation(consultation, paper_by=roles.animator)
    answer_consultation(elsewhere, roles.member)
    now = utcnow()
    scope = DashboardScope(start=now - timedelta(days=1), end=now + timedelta(days=1), first_day=date.today(),
                           last_day=date.today(), conseil_ids=frozenset({roles.conseil.id}))
    channels, per_consultation = indicators.consultation_tables(scope)
    assert [row[1] for row in channels.rows] == [1, 1, 1]
    assert per_consultation.rows == [("Le parc", roles.conseil.name, 3, 1, 1, 1)]
    whole = DashboardScope(start=scope.start, end=scope.end, first_day=scope.first_day, last_day=scope.last_day)
    assert sum(row[1] for row in indicators.consultation_tables(whole)[0].rows) == 4
    acts = db.session.execute(indicators.answered_activity()).all()
    assert sorted((user_id, conseil_id) for user_id, conseil_id, _ in acts) == sorted(
        [(roles.habitant.id, roles.conseil.id), (roles.member.id, roles.other_conseil.id)])
