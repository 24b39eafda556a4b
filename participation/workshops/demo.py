"""Demo workshops of the two conseils: one full with a waitlist, one past with attendance and conclusions."""

from __future__ import annotations

from datetime import date, time, timedelta

from sqlalchemy import delete, func, select

from participation.db import utcnow
from participation.demo import DemoContext
from participation.extensions import db
from participation.mail import OutboxMessage
from participation.workshops import services
from participation.workshops.models import AccessNeed, Attendance, Theme, Workshop

DIAGNOSTIC = "Atelier diagnostic en marchant aux Peupliers"
PLAYGROUNDS = "Atelier cadre de vie : les aires de jeux"
PUBLIC_MEETING = "Réunion publique contrat de ville"
GARDENS = "Atelier jardins partagés du Moulin"
YOUTH = "Permanence emploi des jeunes"

WORKSHOPS = [
    # key, conseil, qpv, theme, title, days from today, start, end, capacity, fields
    ("diagnostic", "peupliers", "QN09901A", Theme.living_environment, DIAGNOSTIC, 10, time(10, 0), time(12, 0), 25, {
        "description": "Une marche de deux heures dans le quartier avec les services de la ville et le bailleur, "
                       "pour repérer ensemble ce qui va et ce qui ne va pas : **éclairage**, propreté, "
                       "cheminements, halls d'immeubles.\n\nLes constats seront remis au comité de pilotage du "
                       "contrat de ville.",
        "place": "Départ devant la Maison du projet", "address": "2 place des Tilleuls, Val-sur-Lys",
        "directions": "Bus 3 et 7, arrêt Les Peupliers. Prévoir de bonnes chaussures.",
        "accessibility_info": "Parcours de 2 km sur trottoirs ; un trajet court est prévu pour les personnes qui "
                              "marchent difficilement.",
        "offers_interpreting": True, "interpreting_languages": "arabe",
    }),
    ("playgrounds", "peupliers", "QN09901A", Theme.living_environment, PLAYGROUNDS, 5, time(18, 0), time(20, 0), 12, {
        "description": "La ville va refaire deux aires de jeux. Venez dire ce que vos enfants aiment, ce qui manque "
                       "(ombre, bancs, jeux pour les plus petits) et ce qui vous inquiète.",
        "place": "Maison du projet, salle du rez-de-chaussée", "address": "2 place des Tilleuls, Val-sur-Lys",
        "directions": "Bus 3 et 7, arrêt Les Peupliers.",
        "accessibility_info": "Salle de plain-pied, toilettes adaptées, boucle magnétique.",
        "step_free_access": True, "offers_childcare": True, "offers_interpreting": True,
        "interpreting_languages": "arabe, tamoul", "offers_meal": True, "signup_close_minutes": 1440,
    }),
    ("meeting", "centre-gare-roseraie", None, Theme.contract, PUBLIC_MEETING, 21, time(18, 30), time(20, 30), 60, {
        "description": "Présentation du bilan à mi-parcours du contrat de ville « Engagements Quartiers 2030 » "
                       "par l'agglomération et l'État, puis échanges avec les habitants.\n\n"
                       "- les actions déjà engagées ;\n- l'appel à projets de l'année prochaine ;\n"
                       "- vos questions.",
        "place": "Centre social Les Tilleuls, grande salle", "address": "14 avenue de la Gare, Val-sur-Lys",
        "directions": "Gare de Val-sur-Lys à 5 minutes à pied ; tram A, arrêt Tilleuls.",
        "accessibility_info": "Salle de plain-pied, interprétation en langue des signes sur demande.",
        "step_free_access": True, "offers_childcare": True, "offers_interpreting": True,
        "interpreting_languages": "arabe, turc, anglais", "offers_meal": True,
    }),
    ("gardens", "centre-gare-roseraie", "QN09903C", Theme.social_cohesion, GARDENS, -12, time(14, 0), time(16, 30),
     20, {
         "description": "Imaginer les jardins partagés derrière le Moulin : qui jardine, quand, comment partager "
                        "l'eau et les outils.",
         "place": "Association Les Jardins du Moulin", "address": "Chemin du Moulin, Bois-Lambert",
         "directions": "Bus 12, arrêt Le Moulin.", "step_free_access": True, "offers_childcare": True,
         "offers_meal": True,
     }),
    ("youth", "centre-gare-roseraie", "QN09902B", Theme.employment, YOUTH, 8, time(14, 0), time(17, 0), 15, {
        "description": "Rencontre avec la mission locale et des entreprises du quartier de la gare.",
        "place": "Médiathèque de la gare", "address": "1 rue Émile-Zola, Val-sur-Lys",
    }),
]

GARDEN_CONCLUSIONS = (
    "Les habitants souhaitent **une vingtaine de parcelles**, dont quatre surélevées pour les personnes à "
    "mobilité réduite.\n\n- un récupérateur d'eau de pluie et un abri à outils partagé ;\n"
    "- des ateliers avec l'école Jules-Ferry le mercredi ;\n"
    "- une charte d'usage écrite avec l'association Les Jardins du Moulin."
)


def _local(days: int, at: time):
    day = date.today() + timedelta(days=days)
    return services.paris_time(day, at)


def _guest(name: str, email: str | None = None, phone: str | None = None, **needs) -> services.RegistrationData:
    return services.RegistrationData(name=name, email=email, phone=phone, **needs)


def load(context: DemoContext) -> None:
    first_mail = db.session.scalar(select(func.coalesce(func.max(OutboxMessage.id), 0)))
    users = context.users
    made: dict[str, Workshop] = {}
    for key, slug, qpv_code, theme, title, days, start, end, capacity, fields in WORKSHOPS:
        conseil = context.conseils[slug]
        workshop = db.session.scalar(select(Workshop).where(Workshop.conseil_id == conseil.id,
                                                            Workshop.title == title))
        made[key] = workshop
        if workshop is not None:
            continue
        now = utcnow()
        data = services.WorkshopData(
            conseil_id=conseil.id, theme=theme, title=title, starts_at=_local(days, start), ends_at=_local(days, end),
            capacity=capacity, qpv_id=context.qpvs[qpv_code].id if qpv_code else None, **fields,
        )
        # Recorded as created a week ago (three weeks before it took place for a past workshop).
        created = min(now - timedelta(days=7), data.starts_at - timedelta(days=21))
        workshop = services.create_workshop(data, users["animator"], now=created)
        made[key] = workshop
        _registrations(key, workshop, users, created + timedelta(days=1))
    db.session.flush()
    # Demo sign-ups do not send mail.
    db.session.execute(delete(OutboxMessage).where(OutboxMessage.id > first_mail))


def _registrations(key: str, workshop: Workshop, users, when) -> None:
    def resident(name: str, **needs):
        services.sign_up(workshop.id, services.RegistrationData(**needs), user=users[name], now=when)

    def guest(data: services.RegistrationData):
        services.sign_up(workshop.id, data, now=when)

    if key == "diagnostic":
        resident("amina", news_opt_in=True)
        resident("joseph", interpreting_language="arabe")
        resident("karim")
        guest(_guest("Mme Lefort", phone="06 21 43 65 87", access_need=AccessNeed.wheelchair,
                     access_details="Je me déplace en fauteuil."))
        guest(_guest("Rachid Benaïssa", "rachid.b@example.org", adults=1))
    elif key == "playgrounds":
        resident("lucie", children=2, childcare_children=2, news_opt_in=True)
        resident("sofia", children=1, childcare_children=1)
        guest(_guest("Kavitha Selvam", "kavitha.s@example.org", adults=1, children=2, childcare_children=1,
                     interpreting_language="tamoul"))
        guest(_guest("Nora El Idrissi", "nora.ei@example.org", children=3, childcare_children=3,
                      interpreting_language="arabe"))
        resident("thomas", news_opt_in=True)
        # The workshop is full now: these people wait.
        guest(_guest("Mehdi Sahraoui", "mehdi.s@example.org", children=2, childcare_children=2))
        resident("david", adults=1)
        guest(_guest("Odile Marchand", phone="07 12 98 45 30"))
    elif key == "meeting":
        for name in ("fatou", "marc", "helene", "ibrahim", "samia", "pierre", "aicha"):
            resident(name, news_opt_in=name in {"fatou", "helene"})
        guest(_guest("Ayşe Yılmaz", "ayse.y@example.org", interpreting_language="turc", children=1,
                     childcare_children=1))
        guest(_guest("John Okafor", "john.okafor@example.org", interpreting_language="anglais"))
        guest(_guest("Famille Da Silva", "dasilva.famille@example.org", adults=1, children=2, childcare_children=2))
    elif key == "gardens":
        present = []
        for name in ("fatou", "pierre", "helene", "yanis", "aicha", "marc"):
            present.append(services.sign_up(workshop.id, services.RegistrationData(news_opt_in=True),
                                            user=users[name], now=when).registration)
        present.append(services.sign_up(workshop.id, _guest("Gérard Lemoine", "g.lemoine@example.org", adults=1),
                                        now=when).registration)
        absent = services.sign_up(workshop.id, _guest("Léa Robin", phone="06 55 44 33 22"), now=when).registration
        marks = {registration.id: Attendance.present for registration in present}
        marks[absent.id] = Attendance.absent
        after_start = workshop.starts_at + timedelta(minutes=15)
        services.record_attendance(workshop, marks, now=after_start)
        services.save_conclusions(workshop, GARDEN_CONCLUSIONS, users["animator"], now=workshop.ends_at)
        services.publish_conclusions(workshop, users["animator"], now=workshop.ends_at)
    elif key == "youth":
        resident("yanis", news_opt_in=True)
        guest(_guest("Inès Haddad", "ines.h@example.org"))
        services.cancel_workshop(workshop, "La mission locale ne peut pas venir à cette date : la permanence est "
                                           "reportée, une nouvelle date sera annoncée ici.", users["animator"],
                                 now=when + timedelta(days=1))
