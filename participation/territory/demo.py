"""Demo territory: three fictional QPV of the Agglomération de Val-de-Lys and their two conseils."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from participation.demo import DemoContext
from participation.extensions import db
from participation.territory.models import QPV, College, Conseil, Membership, QPVCommune, Seat
from participation.territory.services import ConseilData, MemberData, add_member, assign_animator, create_conseil

QPVS = [
    ("QN09901A", "Les Peupliers", [("99101", "Val-sur-Lys")]),
    ("QN09902B", "Centre-Gare", [("99101", "Val-sur-Lys")]),
    ("QN09903C", "La Roseraie – Moulin", [("99101", "Val-sur-Lys"), ("99102", "Bois-Lambert")]),
]

CONSEILS = [
    (
        "peupliers",
        "Conseil citoyen des Peupliers",
        ["QN09901A"],
        "Le conseil citoyen des Peupliers réunit **habitantes et habitants** tirés au sort, volontaires, "
        "et acteurs locaux du quartier. Il se réunit chaque premier mardi du mois à la Maison du projet, "
        "2 place des Tilleuls.\n\nNos priorités pour 2024-2030 : la tranquillité des halls, les jeux pour "
        "enfants, et l'accès à l'emploi des jeunes.",
    ),
    (
        "centre-gare-roseraie",
        "Conseil citoyen Centre-Gare – Roseraie",
        ["QN09902B", "QN09903C"],
        "Un conseil pour deux quartiers voisins, de la gare au Moulin. Réunions plénières tous les deux mois "
        "au centre social Les Tilleuls ; le bureau se retrouve entre deux plénières.",
    ),
]

# conseil, person, collège, seat, drawn by lot, listed publicly, organisation
MEMBERS = [
    ("peupliers", "amina", College.habitants, Seat.titulaire, True, True, None),
    ("peupliers", "joseph", College.habitants, Seat.titulaire, True, True, None),
    ("peupliers", "lucie", College.habitants, Seat.titulaire, True, False, None),
    ("peupliers", "karim", College.habitants, Seat.titulaire, True, True, None),
    ("peupliers", "sofia", College.habitants, Seat.suppleant, False, True, None),
    ("peupliers", "mireille", College.acteurs_locaux, Seat.titulaire, False, True, "Centre social Les Tilleuls"),
    ("peupliers", "thomas", College.acteurs_locaux, Seat.titulaire, False, True, "Régie de quartier Val-de-Lys"),
    ("centre-gare-roseraie", "fatou", College.habitants, Seat.titulaire, True, True, None),
    ("centre-gare-roseraie", "marc", College.habitants, Seat.titulaire, True, True, None),
    ("centre-gare-roseraie", "helene", College.habitants, Seat.titulaire, True, True, None),
    ("centre-gare-roseraie", "ibrahim", College.habitants, Seat.suppleant, False, True, None),
    ("centre-gare-roseraie", "samia", College.habitants, Seat.titulaire, True, False, None),
    ("centre-gare-roseraie", "yanis", College.habitants, Seat.suppleant, False, True, None),
    ("centre-gare-roseraie", "pierre", College.acteurs_locaux, Seat.titulaire, False, True,
     "Association Les Jardins du Moulin"),
    ("centre-gare-roseraie", "aicha", College.acteurs_locaux, Seat.suppleant, False, False, "Club de foot ASVL"),
]


def load(context: DemoContext) -> None:
    for code, name, communes in QPVS:
        qpv = db.session.scalar(select(QPV).where(QPV.code == code))
        if qpv is None:
            qpv = QPV(code=code, name=name, region_code="32", region_name="Hauts-de-France", department_code="099",
                      department_name="Val-de-Lys (fictif)", epci_siren="200099999",
                      epci_name="Agglomération de Val-de-Lys")
            qpv.communes = [QPVCommune(insee_code=insee, name=commune, position=i)
                            for i, (insee, commune) in enumerate(communes)]
            db.session.add(qpv)
            db.session.flush()
        context.qpvs[code] = qpv
    for slug, name, codes, description in CONSEILS:
        conseil = db.session.scalar(select(Conseil).where(Conseil.slug == slug))
        if conseil is None:
            conseil = create_conseil(ConseilData(name=name, description=description, habitants_drawn_by_lot=True,
                                                 qpv_ids=[context.qpvs[c].id for c in codes]))
            conseil.slug = slug
        context.conseils[slug] = conseil
    for slug, key, college, seat, drawn, listed, organisation in MEMBERS:
        conseil, user = context.conseils[slug], context.users[key]
        exists = db.session.scalar(select(Membership.id).where(Membership.conseil_id == conseil.id,
                                                               Membership.user_id == user.id))
        if exists is None:
            add_member(conseil, MemberData(
                user=user, college=college, seat=seat, gender=user.gender if drawn else None,
                drawn_by_lot=drawn, organisation=organisation, listed_publicly=listed,
                started_on=date(2024, 9, 1),
            ))
    for slug in ("peupliers", "centre-gare-roseraie"):
        assign_animator(context.conseils[slug], context.users["animator"])
    for key in ("amina", "joseph"):
        context.users[key].qpv_id = context.qpvs["QN09901A"].id
    context.users["fatou"].qpv_id = context.qpvs["QN09903C"].id
