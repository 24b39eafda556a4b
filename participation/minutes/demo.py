"""Demo meetings of the two conseils: published minutes with decisions, dissenting views and action items,
an opinion followed up in the contrat de ville, and a bureau whose draft is in review with a member's comment."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from sqlalchemy import select

from participation.db import utcnow
from participation.demo import DemoContext
from participation.extensions import db
from participation.minutes import services
from participation.minutes.models import (
    ActionStatus,
    ApprovalMode,
    AttendanceStatus,
    DecisionKind,
    Meeting,
    MeetingKind,
    PublicName,
)
from participation.territory.models import Membership


def _meeting(context: DemoContext, slug: str, title: str) -> Meeting | None:
    conseil = context.conseils[slug]
    return db.session.scalar(select(Meeting).where(Meeting.conseil_id == conseil.id, Meeting.title == title))


def _attendance(meeting: Meeting, context: DemoContext, present: list[str], excused: list[str], other: int) -> None:
    statuses = {}
    keys = {user.id: key for key, user in context.users.items()}
    for membership in db.session.scalars(select(Membership).where(Membership.conseil_id == meeting.conseil_id)):
        key = keys.get(membership.user_id)
        status = AttendanceStatus.present if key in present else (
            AttendanceStatus.excused if key in excused else AttendanceStatus.absent)
        statuses[membership.id] = status
    services.record_attendance(meeting, statuses, other, context.users["animator"])


def _plenary_peupliers(context: DemoContext) -> None:
    title = "Plénière du 3 mars 2026"
    if _meeting(context, "peupliers", title) is not None:
        return
    animator = context.users["animator"]
    meeting = services.create_meeting(context.conseils["peupliers"], services.MeetingData(
        kind=MeetingKind.plenary, title=title, starts_at=datetime(2026, 3, 3, 17, 30, tzinfo=UTC),
        place="Maison du projet, 2 place des Tilleuls",
        agenda=["Accueil et approbation du compte rendu de janvier",
                "Budget participatif 2026 : les projets du quartier",
                "Tranquillité dans les halls de la rue des Lilas", "Questions diverses"],
    ), animator)
    minutes = meeting.minutes
    _attendance(meeting, context, present=["amina", "joseph", "karim", "sofia", "mireille", "thomas"],
                excused=["lucie"], other=6)
    items = meeting.agenda_items
    services.save_sections(minutes, {
        items[0].id: "Nadia Haddad accueille les membres et les six habitants venus en voisins. Le compte rendu de "
                     "la plénière de janvier est approuvé sans remarque.",
        items[1].id: "Le service politique de la ville présente les **cinq projets** déposés par les habitants "
                     "pour le budget participatif 2026 (enveloppe de 40 000 €) :\n\n"
                     "- une aire de jeux pour les 3-8 ans au square des Tilleuls ;\n"
                     "- des bancs et de l'ombre le long du mail ;\n"
                     "- un composteur partagé ;\n"
                     "- une boîte à livres devant l'école Jean-Moulin ;\n"
                     "- des cours de vélo pour adultes.\n\n"
                     "Les membres débattent longuement de l'aire de jeux, demandée depuis 2023.",
        items[2].id: "Plusieurs habitants signalent des regroupements tardifs dans les halls du 14 et du 16 rue des "
                     "Lilas, et un éclairage en panne depuis décembre. Une locataire du 16, Mme R., dit ne plus "
                     "oser rentrer seule le soir. Thomas Girard rappelle que la régie de quartier peut réparer "
                     "l'éclairage si le bailleur le commande.",
        items[3].id: "Prochaine plénière le mardi 7 avril. La fête de quartier aura lieu le samedi 13 juin.",
    }, animator)
    services.add_decision(minutes, services.DecisionData(
        kind=DecisionKind.opinion, agenda_item_id=items[1].id,
        text="Le conseil citoyen donne un **avis favorable** à l'aire de jeux du square des Tilleuls comme projet "
             "prioritaire du budget participatif 2026.",
        majority_position="Les familles du quartier n'ont aucun jeu à moins de dix minutes à pied ; le square est "
                          "vu depuis les fenêtres, ce qui rassure les parents.",
        dissenting_views="Deux membres préfèrent les bancs et l'ombre le long du mail, utiles à tous les âges, et "
                         "craignent que l'aire de jeux attire du bruit le soir.",
        votes_for=4, votes_against=1, abstentions=1,
    ), animator)
    services.add_decision(minutes, services.DecisionData(
        kind=DecisionKind.decision, agenda_item_id=items[2].id,
        text="Le conseil demande au bailleur Val-de-Lys Habitat une marche exploratoire des halls du 14 et du 16 "
             "rue des Lilas avant l'été.",
        majority_position="Constater ensemble, de nuit, l'éclairage et les accès.", unanimous=True,
    ), animator)
    services.add_action_item(minutes, services.ActionData(
        "Transmettre l'avis du conseil sur le budget participatif au service politique de la ville",
        "Nadia Haddad, animatrice", date(2026, 3, 10), ActionStatus.planned), animator, date(2026, 3, 3))
    services.add_action_item(minutes, services.ActionData(
        "Organiser la marche exploratoire des halls avec Val-de-Lys Habitat", "Karim O. et le bailleur",
        date(2026, 6, 30), ActionStatus.planned), animator, date(2026, 3, 3))
    services.redact(minutes, items[2].key,
                    "Une locataire du 16, Mme R., dit ne plus oser rentrer seule le soir.",
                    "Propos qui permettent de reconnaître une habitante.", animator)
    services.send_to_review(minutes, animator, now=datetime(2026, 3, 5, 9, tzinfo=UTC))
    services.add_comment(minutes, context.users["joseph"], f"item-{items[3].id}",
                         "Il faudrait préciser l'heure de la prochaine plénière.",
                         "Prochaine plénière le mardi 7 avril à 18 h 30. La fête de quartier aura lieu le samedi "
                         "13 juin.", now=datetime(2026, 3, 8, 20, tzinfo=UTC))
    comment = services.comments_of(minutes)[f"item-{items[3].id}"][0]
    services.accept_wording(comment, animator)
    services.approve(minutes, services.ApprovalData(ApprovalMode.silence), animator,
                     now=datetime(2026, 3, 16, 9, tzinfo=UTC))
    services.publish(minutes, animator, now=datetime(2026, 3, 16, 9, 30, tzinfo=UTC))
    first, second = minutes.action_items
    services.set_action_status(first, ActionStatus.done, animator)
    services.set_action_status(second, ActionStatus.in_progress, animator)
    services.mark_as_contribution(minutes.decisions[0], animator)


def _copil_centre_gare(context: DemoContext) -> None:
    title = "Comité de pilotage du contrat de ville – 12 février 2026"
    if _meeting(context, "centre-gare-roseraie", title) is not None:
        return
    animator = context.users["animator"]
    meeting = services.create_meeting(context.conseils["centre-gare-roseraie"], services.MeetingData(
        kind=MeetingKind.steering_committee, title=title, starts_at=datetime(2026, 2, 12, 13, 30, tzinfo=UTC),
        place="Hôtel d'agglomération, salle du conseil",
        agenda=["Bilan 2025 du contrat de ville", "Avis du conseil citoyen sur le rapport annuel",
                "Programmation 2026 de l'appel à projets"],
    ), animator)
    minutes = meeting.minutes
    _attendance(meeting, context, present=["fatou", "marc", "pierre"], excused=["helene"], other=24)
    items = meeting.agenda_items
    services.save_sections(minutes, {
        items[0].id: "La cheffe de projet présente le bilan 2025 : 38 actions financées, dont 11 portées par des "
                     "associations du quartier Centre-Gare. Les représentants du conseil citoyen saluent la "
                     "réouverture de la permanence emploi.",
        items[1].id: "Fatou Diallo lit l'avis préparé par le conseil lors de sa plénière de janvier.",
        items[2].id: "L'appel à projets 2026 ouvrira le 1er mars ; le conseil citoyen siégera au comité de "
                     "sélection.",
    }, animator)
    services.add_decision(minutes, services.DecisionData(
        kind=DecisionKind.opinion, agenda_item_id=items[1].id,
        text="Le conseil citoyen rend un **avis favorable avec réserves** sur le rapport annuel 2025 : il demande "
             "que les actions de la Roseraie – Moulin soient présentées à part.",
        majority_position="Le rapport reflète le travail fait, mais les deux quartiers n'ont pas les mêmes besoins.",
        dissenting_views="Pierre Nguyen (Les Jardins du Moulin) aurait voulu un avis défavorable tant que les "
                         "jardins partagés restent sans financement pérenne.",
    ), animator)
    services.add_action_item(minutes, services.ActionData(
        "Annexer l'avis du conseil citoyen au rapport annuel", "Claire Dumont, cheffe de projet",
        date(2026, 3, 31), ActionStatus.planned), animator, date(2026, 2, 12))
    services.send_to_review(minutes, animator, now=datetime(2026, 2, 13, 9, tzinfo=UTC))
    services.approve(minutes, services.ApprovalData(ApprovalMode.vote, note="Approuvé à l'unanimité des présents."),
                     animator, now=datetime(2026, 3, 2, 19, tzinfo=UTC))
    services.publish(minutes, animator, now=datetime(2026, 3, 3, 9, tzinfo=UTC))


def _bureau_in_review(context: DemoContext) -> None:
    title = "Bureau du conseil – préparation de la fête de quartier"
    if _meeting(context, "peupliers", title) is not None:
        return
    animator = context.users["animator"]
    starts = utcnow().replace(hour=17, minute=0, second=0, microsecond=0) - timedelta(days=4)
    meeting = services.create_meeting(context.conseils["peupliers"], services.MeetingData(
        kind=MeetingKind.bureau, title=title, starts_at=starts, place="Centre social Les Tilleuls",
        agenda=["Programme de la fête de quartier", "Stand du conseil citoyen"],
    ), animator)
    minutes = meeting.minutes
    _attendance(meeting, context, present=["amina", "joseph", "mireille"], excused=["karim"], other=0)
    items = meeting.agenda_items
    services.save_sections(minutes, {
        items[0].id: "Le centre social propose un repas partagé à midi, des jeux l'après-midi et un concert le soir.",
        items[1].id: "Le conseil tiendra un stand pour présenter le budget participatif et recueillir des idées.",
    }, animator)
    services.add_decision(minutes, services.DecisionData(
        kind=DecisionKind.decision, agenda_item_id=items[1].id,
        text="Le conseil tiendra un stand à la fête de quartier, animé à tour de rôle par ses membres.",
        unanimous=True,
    ), animator)
    services.add_action_item(minutes, services.ActionData(
        "Préparer les affiches du stand", "Amina B.", (utcnow() + timedelta(days=20)).date(),
        ActionStatus.planned), animator, utcnow().date())
    services.send_to_review(minutes, animator, now=utcnow() - timedelta(days=2))
    services.add_comment(minutes, context.users["mireille"], f"item-{items[0].id}",
                         "Le concert est prévu à 19 h, pas « le soir » : pouvez-vous le préciser ?",
                         "Le centre social propose un repas partagé à midi, des jeux l'après-midi et un concert "
                         "à 19 h sur le parvis.")


def load(context: DemoContext) -> None:
    _plenary_peupliers(context)
    _copil_centre_gare(context)
    _bureau_in_review(context)
    # Karim prefers his initials in published minutes.
    if services.name_choice(context.users["karim"]) is None:
        services.set_name_choice(context.users["karim"], PublicName.initials)
