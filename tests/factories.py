"""Factories: make valid objects with sensible defaults; every argument can be overridden.

They add to the session and flush (ids are known), and leave the commit to the test, so a
test reads like the service calls it exercises.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import select

from participation.accounts.models import Gender, PlatformRole, User
from participation.accounts.services import create_user
from participation.extensions import db
from participation.mail import OutboxMessage
from participation.territory.models import QPV, College, Conseil, Membership, QPVCommune, Seat
from participation.territory.services import ConseilData, MemberData, add_member, assign_animator, create_conseil

PASSWORD = "correct horse battery"  # noqa: S105 - test accounts
_sequence = itertools.count(1)


def make_user(email: str | None = None, *, name: str | None = None, password: str = PASSWORD,
              roles: tuple[PlatformRole, ...] = (), verified: bool = True, locale: str = "fr", **fields: Any) -> User:
    n = next(_sequence)
    user = create_user(email or f"person{n}@example.org", password, name or f"Habitant {n}", roles=roles,
                       verified=verified, locale=locale)
    for key, value in fields.items():
        setattr(user, key, value)
    db.session.flush()
    return user


def make_qpv(code: str | None = None, name: str | None = None) -> QPV:
    n = next(_sequence)
    qpv = QPV(code=code or f"QN099{n % 100:02d}{chr(65 + n % 26)}", name=name or f"Quartier {n}",
              department_code="099", epci_name="Agglomération de test")
    qpv.communes = [QPVCommune(insee_code="99101", name="Val-sur-Lys", position=0)]
    db.session.add(qpv)
    db.session.flush()
    return qpv


def make_conseil(name: str | None = None, *, qpvs: list[QPV] | None = None, drawn_by_lot: bool = True,
                 description: str = "Un conseil citoyen de test.") -> Conseil:
    n = next(_sequence)
    qpvs = qpvs if qpvs is not None else [make_qpv()]
    return create_conseil(ConseilData(name=name or f"Conseil citoyen {n}", description=description,
                                      habitants_drawn_by_lot=drawn_by_lot, qpv_ids=[q.id for q in qpvs]))


def make_member(conseil: Conseil, user: User | None = None, *, college: College = College.habitants,
                seat: Seat = Seat.titulaire, gender: Gender | None = None, drawn_by_lot: bool = False,
                listed_publicly: bool = True, organisation: str | None = None) -> Membership:
    return add_member(conseil, MemberData(
        user=user or make_user(), college=college, seat=seat, gender=gender, drawn_by_lot=drawn_by_lot,
        organisation=organisation, listed_publicly=listed_publicly, started_on=date(2025, 1, 6),
    ))


def make_animator(conseil: Conseil, user: User | None = None) -> User:
    user = user or make_user(name="Animatrice")
    assign_animator(conseil, user)
    return user


@dataclass
class Roles:
    """The role matrix of DESIGN.md §2: ``visitor`` is None (not signed in)."""

    conseil: Conseil
    other_conseil: Conseil
    visitor: None
    unverified: User
    habitant: User
    member: User
    animator: User
    other_animator: User
    project_lead: User
    admin: User

    def all(self) -> dict[str, User | None]:
        return {
            "visitor": self.visitor, "unverified": self.unverified, "habitant": self.habitant,
            "member": self.member, "animator": self.animator, "other_animator": self.other_animator,
            "project_lead": self.project_lead, "admin": self.admin,
        }


def make_roles() -> Roles:
    conseil, other = make_conseil("Conseil des Peupliers"), make_conseil("Conseil de la Roseraie")
    member = make_member(conseil, make_user(name="Membre")).user
    roles = Roles(
        conseil=conseil, other_conseil=other, visitor=None,
        unverified=make_user(name="Pas vérifié", verified=False),
        habitant=make_user(name="Habitante"), member=member,
        animator=make_animator(conseil, make_user(name="Animatrice")),
        other_animator=make_animator(other, make_user(name="Animateur ailleurs")),
        project_lead=make_user(name="Cheffe de projet", roles=(PlatformRole.project_lead,)),
        admin=make_user(name="Admin", roles=(PlatformRole.admin,)),
    )
    db.session.commit()
    return roles


def outbox(recipient: str | None = None) -> list[OutboxMessage]:
    query = select(OutboxMessage).order_by(OutboxMessage.id)
    if recipient is not None:
        query = query.where(OutboxMessage.recipient == recipient)
    return list(db.session.scalars(query))


# ------------------------------------------------------------------------------------------ consultations


def make_consultation(conseil: Conseil | None = None, *, title: str = "Quelles priorités pour le parc ?",
                      open_: bool = True, questions: list | None = None, audience=None, anonymous_allowed=True,
                      results_while_open: bool = False, closes_in_days: int | None = 30, pages: int = 1,
                      intro: str = "Donnez votre avis sur le **parc**.", intro_falc: str | None = None):
    """A consultation with one question of each kind by default (spread over ``pages`` pages), opened now."""
    from datetime import timedelta

    from participation.consultations import services
    from participation.consultations.models import Audience
    from participation.db import utcnow

    consultation = services.create_consultation(None, services.ConsultationData(
        title=title, intro=intro, intro_falc=intro_falc, conseil_id=conseil.id if conseil else None,
        audience=audience or Audience.anyone, anonymous_allowed=anonymous_allowed,
        results_while_open=results_while_open,
        closes_at=utcnow() + timedelta(days=closes_in_days) if closes_in_days is not None else None,
    ))
    sections = [consultation.sections[0]] + [services.add_section(consultation, f"Page {n}")
                                              for n in range(2, pages + 1)]
    for index, data in enumerate(questions if questions is not None else every_kind_of_question()):
        services.add_question(sections[index % len(sections)], data)
    db.session.refresh(consultation)
    if open_:
        services.publish(consultation)
    db.session.flush()
    return consultation


def every_kind_of_question() -> list:
    from participation.consultations.models import QuestionKind
    from participation.consultations.services import OptionData, QuestionData

    def options(*labels):
        return [OptionData(label=label) for label in labels]

    return [
        QuestionData(QuestionKind.single_choice, "Quel usage du parc ?", required=True, allow_other=True,
                     options=options("Jeux pour enfants", "Sport", "Pique-nique"),
                     falc_text="Que faites-vous au parc ?"),
        QuestionData(QuestionKind.multiple_choice, "Quels équipements ?", max_choices=2, allow_other=True,
                     options=options("Bancs", "Toilettes", "Éclairage", "Fontaine")),
        QuestionData(QuestionKind.yes_no, "Le parc doit-il fermer la nuit ?"),
        QuestionData(QuestionKind.scale, "Êtes-vous satisfait du parc ?", scale_min=1, scale_max=5,
                     scale_min_label="Pas du tout", scale_max_label="Tout à fait"),
        QuestionData(QuestionKind.short_text, "Un mot pour le parc ?"),
        QuestionData(QuestionKind.long_text, "Vos idées ?"),
        QuestionData(QuestionKind.ranking, "Classez les priorités", options=options("Propreté", "Sécurité",
                                                                                      "Ombre")),
    ]


def answer_consultation(consultation, user=None, *, token: str | None = None, values: dict | None = None,
                        qpv=None, paper_by=None, contact_email: str | None = None):
    """Send answers as a signed-in user, an anonymous browser (``token``) or on paper (``paper_by``)."""
    from participation.consultations import services

    if paper_by is not None:
        respondent = services.Respondent.assisted(paper_by)
    elif user is not None:
        respondent = services.Respondent.online(user)
    else:
        respondent = services.Respondent.anonymous(token or f"token-{next(_sequence):08d}-anonymous")
    response, _ = services.submit_response(consultation, respondent, values or typical_answers(consultation),
                                           qpv_id=qpv.id if qpv else None, contact_email=contact_email)
    db.session.flush()
    return response


def typical_answers(consultation) -> dict:
    """A valid answer to every question of ``consultation`` (first options, middle of scales, some text)."""
    from participation.consultations.answers import AnswerValue
    from participation.consultations.models import QuestionKind

    values = {}
    for question in consultation.ordered_questions():
        kind = question.kind
        if kind in (QuestionKind.single_choice, QuestionKind.multiple_choice):
            values[question.id] = AnswerValue(option_ids=(question.options[0].id,))
        elif kind == QuestionKind.yes_no:
            values[question.id] = AnswerValue(value=1)
        elif kind == QuestionKind.scale:
            values[question.id] = AnswerValue(value=question.scale_max)
        elif kind.is_text:
            values[question.id] = AnswerValue(text="Plus de bancs à l'ombre")
        elif kind == QuestionKind.ranking:
            values[question.id] = AnswerValue(option_ids=tuple(option.id for option in question.options))
    return values
