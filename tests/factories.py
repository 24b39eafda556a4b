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


# ------------------------------------------------------------------------------------------ workshops


def make_workshop(conseil: Conseil | None = None, *, starts_in: Any = None, hours: float = 2, capacity: int = 30,
                  title: str | None = None, **fields: Any):
    """A workshop starting ``starts_in`` from now (a timedelta, default 7 days), inserted directly.

    Direct insertion (not ``create_workshop``) lets tests place workshops in the past too.
    """
    from datetime import timedelta

    from participation.db import utcnow
    from participation.sanitize import render_markdown
    from participation.workshops.models import Theme, Workshop

    n = next(_sequence)
    conseil = conseil or make_conseil()
    starts_at = (utcnow() + (starts_in if starts_in is not None else timedelta(days=7))).replace(microsecond=0)
    description = fields.pop("description", "Un atelier pour imaginer ensemble le quartier.")
    values: dict[str, Any] = dict(
        conseil_id=conseil.id, theme=Theme.living_environment, title=title or f"Atelier {n}",
        description=description, description_html=render_markdown(description),
        starts_at=starts_at, ends_at=starts_at + timedelta(hours=hours), place="Maison du projet",
        address="2 place des Tilleuls, Val-sur-Lys", capacity=capacity, confirmed_seats=0, waitlist_count=0,
        signup_close_minutes=120, created_at=utcnow(), updated_at=utcnow(),
    )
    values.update(fields)
    workshop = Workshop(**values)
    db.session.add(workshop)
    db.session.flush()
    return workshop


def sign_up_guest(workshop, name: str | None = None, email: str | None = None, *, phone: str | None = None,
                  now: Any = None, **needs: Any):
    """A guest registration through the service; returns (registration, token)."""
    from participation.workshops.services import RegistrationData, sign_up

    n = next(_sequence)
    if email is None and phone is None:
        email = f"invite{n}@example.org"
    result = sign_up(workshop.id, RegistrationData(name=name or f"Invité {n}", email=email, phone=phone, **needs),
                     now=now)
    return result.registration, result.token
# ---------------------------------------------------------------- minutes (meetings, review, decisions)

def make_meeting(conseil: Conseil, animator: User | None = None, *, title: str = "Plénière du 3 mars 2026",
                 kind: Any = None, starts_at: Any = None,
                 agenda: tuple[str, ...] = ("Budget participatif", "Questions diverses")) -> Any:
    from datetime import UTC, datetime

    from participation.minutes.models import MeetingKind
    from participation.minutes.services import MeetingData, create_meeting

    animator = animator or make_animator(conseil)
    return create_meeting(conseil, MeetingData(
        kind=kind or MeetingKind.plenary, title=title, place="Maison du projet",
        starts_at=starts_at or datetime(2026, 3, 3, 17, 30, tzinfo=UTC), agenda=list(agenda),
    ), animator)


def record_presence(meeting: Any, animator: User, present: list[Membership], excused: tuple = (),
                    other: int = 0) -> None:
    from participation.minutes.models import AttendanceStatus
    from participation.minutes.services import eligible_memberships, record_attendance

    statuses = {}
    for membership in eligible_memberships(meeting):
        if membership in present:
            statuses[membership.id] = AttendanceStatus.present
        elif membership in excused:
            statuses[membership.id] = AttendanceStatus.excused
        else:
            statuses[membership.id] = AttendanceStatus.absent
    record_attendance(meeting, statuses, other, animator)


def make_decision(meeting: Any, animator: User, **fields: Any) -> Any:
    from participation.minutes.models import DecisionKind
    from participation.minutes.services import DecisionData, add_decision

    values = {"kind": DecisionKind.opinion, "text": "Le conseil demande des bancs au square des Tilleuls.",
              "majority_position": "Les familles manquent de lieux où s'asseoir.",
              "dissenting_views": "Deux membres craignent les nuisances le soir."}
    values.update(fields)
    return add_decision(meeting.minutes, DecisionData(**values), animator)


def publish_minutes(meeting: Any, animator: User) -> None:
    """Take a meeting's minutes (which need a decision) through review, approval and publication."""
    from datetime import timedelta

    from participation.db import utcnow
    from participation.minutes.models import ApprovalMode
    from participation.minutes.services import ApprovalData, approve, publish, send_to_review

    minutes = meeting.minutes
    send_to_review(minutes, animator, now=utcnow() - timedelta(days=30))
    approve(minutes, ApprovalData(mode=ApprovalMode.silence), animator)
    publish(minutes, animator)
    db.session.flush()
# ------------------------------------------------------------------------------ proposals and moderation


def set_proposal_rules(conseil: Conseil, **changes: Any):
    """Save a conseil's proposal and moderation settings: the defaults, with ``changes``."""
    from participation.moderation.services import settings_for as moderation_settings
    from participation.proposals import services as proposals
    from participation.proposals.models import Phase

    current, moderation = proposals.settings_for(conseil.id), moderation_settings(conseil.id)
    data = proposals.SettingsData(
        phase=current.phase or Phase.collecting, support_threshold=current.support_threshold or 30,
        max_supports_per_person=current.max_supports_per_person, edit_window_hours=current.edit_window_hours
        if current.edit_window_hours is not None else 48,
        pre_moderation=bool(moderation.pre_moderation), auto_hide_threshold=moderation.auto_hide_threshold or 3,
    )
    for key, value in changes.items():
        setattr(data, key, value)
    return proposals.update_settings(conseil, data)


def make_proposal(author: User | None = None, conseil: Conseil | None = None, *, title: str | None = None,
                  body: str = "Des bancs pour se reposer entre le marché et l'arrêt de bus.", theme=None,
                  place: str | None = None, image_name: str | None = None):
    from participation.proposals import services as proposals
    from participation.proposals.models import Theme

    conseil = conseil or make_conseil()
    author = author or make_user()
    qpvs = conseil.qpvs
    n = next(_sequence)
    return proposals.submit_proposal(author, proposals.ProposalData(
        title=title or f"Proposition numéro {n}", body=body, theme=theme or Theme.living_environment,
        conseil_id=conseil.id, qpv_id=qpvs[0].id if qpvs else None, place=place, image_name=image_name,
    ))


def make_comment(proposal, author: User | None = None, text: str = "Très bonne idée !", parent=None):
    from participation.proposals.services import add_comment

    return add_comment(proposal, author or make_user(), text, parent=parent)


def make_supports(proposal, count: int) -> list[User]:
    from participation.proposals.services import support

    users = [make_user() for _ in range(count)]
    for user in users:
        support(proposal, user)
    return users
# ------------------------------------------------------------------------------------------ contract


def make_contract(title: str = "Contrat de ville de test 2024–2030", *, with_tree: bool = True):
    """A contract; with its tree: enjeu 1 → orientation 1.1 → objectif 1.1.1 → actions 1.1.1.a and 1.1.1.b,
    and enjeu 2 → orientation 2.1 → objectif 2.1.1."""
    from participation.contract import structure

    contract = structure.save_contract(structure.ContractData(title=title, starts_year=2024, ends_year=2030,
                                                              signatories="Agglomération\nPréfecture"))
    if with_tree:
        rows = [
            ("enjeu", "1", "", "Tranquillité et cadre de vie"),
            ("orientation", "1.1", "1", "Des espaces publics sûrs"),
            ("objectif", "1.1.1", "1.1", "Éclairer les cheminements"),
            ("action", "1.1.1.a", "1.1.1", "Marches exploratoires"),
            ("action", "1.1.1.b", "1.1.1", "Éclairage du passage des Tilleuls"),
            ("enjeu", "2", "", "Emploi et insertion des jeunes"),
            ("orientation", "2.1", "2", "Aller vers les jeunes"),
            ("objectif", "2.1.1", "2.1", "Accompagner les jeunes sans solution"),
        ]
        report = structure.import_rows(contract, [
            (line, {"niveau": level, "code": code, "parent": parent, "titre": title})
            for line, (level, code, parent, title) in enumerate(rows, start=2)])
        assert report.ok, report.errors
    return contract


def node(contract, code: str):
    from participation.contract.models import ContractNode

    return db.session.scalar(select(ContractNode).where(ContractNode.contract_id == contract.id,
                                                        ContractNode.code == code))


_contribution_sources = itertools.count(1)


def make_contribution(conseil=None, *, title: str = "Des bancs au square", author: User | None = None,
                      kind=None, source_type: str = "test", occurred_at=None):
    """A contribution as another capability would create it (author = the person who submitted it)."""
    from participation.contract import services
    from participation.contract.models import ContributionKind

    contribution = services.create_contribution(
        kind or ContributionKind.proposal, source_type, next(_contribution_sources), title,
        conseil_id=conseil.id if conseil is not None else None, actor=author, occurred_at=occurred_at)
    if occurred_at is not None:
        contribution.created_at = occurred_at
    db.session.flush()
    return contribution
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
