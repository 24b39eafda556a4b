"""Consultations: questionnaires in sections, responses and their answers, result tallies, drafts."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy import text as sql_text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from participation.accounts.models import User
from participation.db import Base, enum_column, utcnow
from participation.territory.models import QPV, Conseil

__all__ = [
    "Audience", "QuestionKind", "Channel", "Phase", "Consultation", "Section", "Question", "QuestionOption",
    "Response", "Answer", "ResultTally", "Measure", "ResponseDraft",
]


class Audience(enum.Enum):
    anyone = "anyone"  # with or without an account (without one only if anonymous answers are allowed)
    residents = "residents"  # signed-in residents whose e-mail is verified
    members = "members"  # members of the conseil (of any conseil for a territory-wide consultation)


class QuestionKind(enum.Enum):
    single_choice = "single_choice"
    multiple_choice = "multiple_choice"
    yes_no = "yes_no"
    scale = "scale"
    short_text = "short_text"
    long_text = "long_text"
    ranking = "ranking"

    @property
    def has_options(self) -> bool:
        return self in (QuestionKind.single_choice, QuestionKind.multiple_choice, QuestionKind.ranking)

    @property
    def is_choice(self) -> bool:
        """Choice questions may offer "other, say what"."""
        return self in (QuestionKind.single_choice, QuestionKind.multiple_choice)

    @property
    def is_text(self) -> bool:
        return self in (QuestionKind.short_text, QuestionKind.long_text)


class Channel(enum.Enum):
    online = "online"  # a signed-in person, on the platform
    assisted = "assisted"  # collected on paper, typed in by an animator
    anonymous = "anonymous"  # someone not signed in, recognised by a signed cookie


class Phase(enum.Enum):
    draft = "draft"
    scheduled = "scheduled"
    open = "open"
    closed = "closed"


class Consultation(Base):
    """A questionnaire put to residents, by a conseil citoyen or territory-wide (no conseil)."""

    __tablename__ = "consultation"
    __table_args__ = (
        CheckConstraint("closes_at IS NULL OR opens_at IS NULL OR closes_at > opens_at", name="dates_in_order"),
        CheckConstraint("anonymous_allowed = false OR audience = 'anyone'", name="anonymous_only_for_anyone"),
        CheckConstraint(
            "responses_count >= 0 AND online_count >= 0 AND assisted_count >= 0 AND anonymous_count >= 0",
            name="counts_not_negative",
        ),
        CheckConstraint("responses_count = online_count + assisted_count + anonymous_count", name="counts_add_up"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    intro: Mapped[str] = mapped_column(Text, default="")
    intro_html: Mapped[str] = mapped_column(Text, default="")
    # The easy-to-read (FALC) version of the introduction, when written.
    intro_falc: Mapped[str | None] = mapped_column(Text)
    intro_falc_html: Mapped[str | None] = mapped_column(Text)
    conseil_id: Mapped[int | None] = mapped_column(ForeignKey("conseil.id", ondelete="RESTRICT"), index=True)
    qpv_id: Mapped[int | None] = mapped_column(ForeignKey("qpv.id", ondelete="SET NULL"))
    opens_at: Mapped[datetime | None]
    closes_at: Mapped[datetime | None]
    published_at: Mapped[datetime | None] = mapped_column(index=True)
    audience: Mapped[Audience] = mapped_column(enum_column(Audience), default=Audience.anyone)
    anonymous_allowed: Mapped[bool] = mapped_column(default=True)
    results_while_open: Mapped[bool] = mapped_column(default=False)
    # Stored counters, updated with an SQL-side increment in the transaction that adds the response.
    responses_count: Mapped[int] = mapped_column(default=0)
    online_count: Mapped[int] = mapped_column(default=0)
    assisted_count: Mapped[int] = mapped_column(default=0)
    anonymous_count: Mapped[int] = mapped_column(default=0)
    synthesis: Mapped[str | None] = mapped_column(Text)
    synthesis_html: Mapped[str | None] = mapped_column(Text)
    synthesis_published_at: Mapped[datetime | None]
    synthesis_published_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    copied_from_id: Mapped[int | None] = mapped_column(ForeignKey("consultation.id", ondelete="SET NULL"))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)

    conseil: Mapped[Conseil | None] = relationship()
    qpv: Mapped[QPV | None] = relationship()
    created_by: Mapped[User | None] = relationship(foreign_keys=[created_by_id])
    sections: Mapped[list[Section]] = relationship(
        back_populates="consultation", order_by="(Section.position, Section.id)",
        cascade="all, delete-orphan", passive_deletes=True,
    )
    questions: Mapped[list[Question]] = relationship(
        back_populates="consultation", cascade="all, delete-orphan", passive_deletes=True,
    )

    def phase(self, now: datetime | None = None) -> Phase:
        now = now or utcnow()
        if self.published_at is None:
            return Phase.draft
        if self.closes_at is not None and self.closes_at <= now:
            return Phase.closed
        if self.opens_at is None or self.opens_at > now:
            return Phase.scheduled
        return Phase.open

    @property
    def is_open(self) -> bool:
        return self.phase() == Phase.open

    @property
    def is_closed(self) -> bool:
        return self.phase() == Phase.closed

    @property
    def is_published(self) -> bool:
        return self.published_at is not None

    @property
    def structure_locked(self) -> bool:
        """After the first answer, only wording may change (earlier answers must keep their meaning)."""
        return self.responses_count > 0

    @property
    def has_easy_read(self) -> bool:
        return bool(self.intro_falc) or any(q.falc_text for q in self.questions)

    def ordered_questions(self) -> list[Question]:
        return [question for section in self.sections for question in section.questions]

    def __repr__(self) -> str:
        return f"<Consultation {self.id} {self.title!r}>"


class Section(Base):
    """A group of questions shown on one page."""

    __tablename__ = "consultation_section"

    id: Mapped[int] = mapped_column(primary_key=True)
    consultation_id: Mapped[int] = mapped_column(ForeignKey("consultation.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    title: Mapped[str] = mapped_column(String(200), default="")

    consultation: Mapped[Consultation] = relationship(back_populates="sections")
    questions: Mapped[list[Question]] = relationship(
        back_populates="section", order_by="(Question.position, Question.id)", cascade="all",
        passive_deletes=True,
    )


class Question(Base):
    __tablename__ = "consultation_question"
    __table_args__ = (
        CheckConstraint("max_choices IS NULL OR max_choices >= 1", name="max_choices_positive"),
        CheckConstraint(
            "kind != 'scale' OR (scale_min IN (0, 1) AND scale_max IN (5, 10) AND scale_max > scale_min)",
            name="scale_range",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    consultation_id: Mapped[int] = mapped_column(ForeignKey("consultation.id", ondelete="CASCADE"), index=True)
    section_id: Mapped[int] = mapped_column(ForeignKey("consultation_section.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    kind: Mapped[QuestionKind] = mapped_column(enum_column(QuestionKind))
    text: Mapped[str] = mapped_column(String(500))
    falc_text: Mapped[str | None] = mapped_column(Text)
    required: Mapped[bool] = mapped_column(default=False)
    max_choices: Mapped[int | None]
    scale_min: Mapped[int | None]
    scale_max: Mapped[int | None]
    scale_min_label: Mapped[str | None] = mapped_column(String(100))
    scale_max_label: Mapped[str | None] = mapped_column(String(100))
    allow_other: Mapped[bool] = mapped_column(default=False)

    consultation: Mapped[Consultation] = relationship(back_populates="questions")
    section: Mapped[Section] = relationship(back_populates="questions")
    options: Mapped[list[QuestionOption]] = relationship(
        back_populates="question", order_by="(QuestionOption.position, QuestionOption.id)",
        cascade="all, delete-orphan", passive_deletes=True,
    )

    def option(self, option_id: int) -> QuestionOption | None:
        return next((option for option in self.options if option.id == option_id), None)

    @property
    def scale_values(self) -> list[int]:
        if self.scale_min is None or self.scale_max is None:
            return []
        return list(range(self.scale_min, self.scale_max + 1))


class QuestionOption(Base):
    __tablename__ = "consultation_option"

    id: Mapped[int] = mapped_column(primary_key=True)
    question_id: Mapped[int] = mapped_column(ForeignKey("consultation_question.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    label: Mapped[str] = mapped_column(String(300))

    question: Mapped[Question] = relationship(back_populates="options")


class Response(Base):
    """One person's answers to a consultation: one per account, one per anonymous cookie."""

    __tablename__ = "consultation_response"
    __table_args__ = (
        UniqueConstraint("consultation_id", "user_id"),
        UniqueConstraint("consultation_id", "anonymous_key"),
        Index("ix_consultation_response_consultation_id_id", "consultation_id", "id"),
        # The dashboard counts the answers of a period per consultation and channel from this index alone.
        Index("ix_consultation_response_created_at", "created_at", "consultation_id", "channel"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    consultation_id: Mapped[int] = mapped_column(ForeignKey("consultation.id", ondelete="CASCADE"))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    # SHA-256 of the token in the respondent's signed cookie (anonymous answers only).
    anonymous_key: Mapped[str | None] = mapped_column(String(64))
    channel: Mapped[Channel] = mapped_column(enum_column(Channel, 16))
    # The quartier the person said they live in, kept for the results filter.
    qpv_id: Mapped[int | None] = mapped_column(ForeignKey("qpv.id", ondelete="SET NULL"))
    # Left by someone without an account who wants to hear about the synthesis; never shown nor exported.
    contact_email: Mapped[str | None] = mapped_column(String(320))
    contact_locale: Mapped[str] = mapped_column(String(8), default="fr")
    entered_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    # The same answers as the rows of consultation_answer, as {question id: AnswerValue.to_json()},
    # written with them: the one-row-per-response export reads this instead of regrouping a
    # million answer rows (the rows stay the truth for results, recounts and free texts).
    answers_data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)

    consultation: Mapped[Consultation] = relationship()
    user: Mapped[User | None] = relationship(foreign_keys=[user_id])
    qpv: Mapped[QPV | None] = relationship()
    answers: Mapped[list[Answer]] = relationship(
        back_populates="response", cascade="all, delete-orphan", passive_deletes=True, order_by="Answer.id"
    )

    @property
    def qpv_key(self) -> int:
        return self.qpv_id or 0


class Answer(Base):
    """One answer row: an option chosen (or ranked), a value (yes = 1, no = 0, scale), or a text.

    "Other, say what" is a row with no option and the text typed.
    """

    __tablename__ = "consultation_answer"
    __table_args__ = (
        Index("ix_consultation_answer_question_id_id", "question_id", "id"),
        # The latest free texts of a question, without reading its other answers.
        Index("ix_consultation_answer_texts", "question_id", "id",
              postgresql_where=sql_text("text IS NOT NULL"), sqlite_where=sql_text("text IS NOT NULL")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    response_id: Mapped[int] = mapped_column(ForeignKey("consultation_response.id", ondelete="CASCADE"), index=True)
    question_id: Mapped[int] = mapped_column(ForeignKey("consultation_question.id", ondelete="CASCADE"))
    option_id: Mapped[int | None] = mapped_column(ForeignKey("consultation_option.id", ondelete="CASCADE"))
    value: Mapped[int | None]
    text: Mapped[str | None] = mapped_column(Text)
    # The response's channel and quartier (0: not given), copied here so that the written answers of
    # a filtered results page are read from the text index alone, without joining the responses.
    channel: Mapped[Channel] = mapped_column(enum_column(Channel, 16))
    qpv_key: Mapped[int] = mapped_column(default=0)
    hidden_at: Mapped[datetime | None]
    hidden_reason: Mapped[str | None] = mapped_column(Text)
    hidden_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))

    response: Mapped[Response] = relationship(back_populates="answers")
    question: Mapped[Question] = relationship()
    option: Mapped[QuestionOption | None] = relationship()


class Measure(enum.Enum):
    """What a tally row counts."""

    response = "response"  # a response (question_id 0)
    answered = "answered"  # a respondent answered the question
    option = "option"  # an option chosen
    other = "other"  # "other, say what" chosen
    value = "value"  # a yes/no or scale value (value column)
    rank = "rank"  # an option ranked at position ``value``


class ResultTally(Base):
    """Counts kept per (question, what, channel, quartier), updated with each response.

    The results page sums these rows with GROUP BY, so it costs the same with 30 or 30,000
    responses; ``services.recount`` rebuilds them from the raw answers. ``question_id`` is 0 for
    whole responses, ``option_id`` 0 when no option, ``qpv_key`` 0 when the quartier is unknown:
    sentinels rather than NULLs so that the unique key works on every database.
    """

    __tablename__ = "consultation_tally"
    __table_args__ = (
        Index("uq_consultation_tally_key", "consultation_id", "question_id", "measure", "option_id", "value",
              "channel", "qpv_key", unique=True),
        # No CHECK (count >= 0): a changed answer is taken off with the same INSERT … ON CONFLICT as new
        # answers are added (one statement, rows in key order, so writers never deadlock), and the
        # databases check constraints on the row proposed for insertion, before the conflict is seen.
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    consultation_id: Mapped[int] = mapped_column(ForeignKey("consultation.id", ondelete="CASCADE"))
    question_id: Mapped[int] = mapped_column(default=0)
    measure: Mapped[Measure] = mapped_column(enum_column(Measure, 16))
    option_id: Mapped[int] = mapped_column(default=0)
    value: Mapped[int] = mapped_column(default=0)
    channel: Mapped[Channel] = mapped_column(enum_column(Channel, 16))
    qpv_key: Mapped[int] = mapped_column(default=0)
    count: Mapped[int] = mapped_column(default=0)


class ResponseDraft(Base):
    """Answers typed so far, page after page, kept on the server until the person sends them."""

    __tablename__ = "consultation_draft"
    __table_args__ = (
        UniqueConstraint("consultation_id", "user_id"),
        UniqueConstraint("consultation_id", "anonymous_key"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    consultation_id: Mapped[int] = mapped_column(ForeignKey("consultation.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"))
    anonymous_key: Mapped[str | None] = mapped_column(String(64))
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
