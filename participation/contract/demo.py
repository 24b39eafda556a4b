"""Demo: the contrat de ville 2024–2030 of the Agglomération de Val-de-Lys, and its 2025 annual report round."""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import select

from participation.contract import annual_report, services, structure
from participation.contract.models import (
    Contract,
    ContractNode,
    Contribution,
    ContributionKind,
    ContributionLink,
    ContributionStatus,
    EventKind,
    OpinionPosition,
    ReportRound,
)
from participation.demo import DemoContext
from participation.extensions import db

TITLE = "Contrat de ville « Engagements Quartiers 2030 » de l'Agglomération de Val-de-Lys"

SIGNATORIES = """Agglomération de Val-de-Lys
Commune de Val-sur-Lys
Commune de Bois-Lambert
Préfecture (État)
Conseil départemental
Caisse d'allocations familiales
France Travail
Bailleur Habitat Val-de-Lys
Conseils citoyens des Peupliers et de Centre-Gare – Roseraie"""

DESCRIPTION = (
    "Signé le 3 avril 2024 pour sept ans, le contrat de ville engage l'Agglomération, les communes, l'État "
    "et leurs partenaires auprès des habitantes et habitants des Peupliers, de Centre-Gare et de "
    "La Roseraie – Moulin.\n\nLes **conseils citoyens** siègent au comité de pilotage et aux comités "
    "techniques ; chaque contribution des habitants y est rattachée et suivie ici."
)

# level, code, parent, title, pillar, priorities
TREE = [
    ("enjeu", "1", "", "Tranquillité et cadre de vie", "cadre_de_vie", ""),
    ("orientation", "1.1", "1", "Des espaces publics sûrs, éclairés et accueillants", "", ""),
    ("objectif", "1.1.1", "1.1", "Rénover l'éclairage des cheminements piétons", "", "egalite_femmes_hommes"),
    ("action", "1.1.1.a", "1.1.1", "Marches exploratoires de femmes dans chaque quartier", "",
     "egalite_femmes_hommes"),
    ("action", "1.1.1.b", "1.1.1", "Éclairage LED du passage des Tilleuls et de l'allée du Moulin", "", ""),
    ("objectif", "1.1.2", "1.1", "Rendre aux familles les squares et aires de jeux", "", "jeunesse"),
    ("action", "1.1.2.a", "1.1.2", "Réaménager le square des Peupliers avec les enfants du quartier", "", "jeunesse"),
    ("orientation", "1.2", "1", "Un habitat entretenu et des halls tranquilles", "", ""),
    ("objectif", "1.2.1", "1.2", "Améliorer la gestion urbaine de proximité avec les bailleurs", "", ""),
    ("action", "1.2.1.a", "1.2.1", "Diagnostics en marchant trimestriels avec Habitat Val-de-Lys", "", ""),
    ("enjeu", "2", "", "Emploi et insertion des jeunes", "developpement_economique", "jeunesse"),
    ("orientation", "2.1", "2", "Aller vers les jeunes éloignés de l'emploi", "", "jeunesse"),
    ("objectif", "2.1.1", "2.1", "Repérer et accompagner les jeunes sans solution", "", "jeunesse"),
    ("action", "2.1.1.a", "2.1.1", "Permanences de France Travail au centre social Les Tilleuls", "", ""),
    ("action", "2.1.1.b", "2.1.1", "Chantiers éducatifs d'été avec la Régie de quartier", "", "jeunesse"),
    ("orientation", "2.2", "2", "Lever les freins à l'embauche", "", "lutte_discriminations"),
    ("objectif", "2.2.1", "2.2", "Lutter contre les discriminations à l'embauche", "", "lutte_discriminations"),
    ("action", "2.2.1.a", "2.2.1", "Parrainage de jeunes diplômés par des entreprises du territoire", "",
     "lutte_discriminations"),
    ("enjeu", "3", "", "Réussite éducative", "cohesion_sociale", "jeunesse"),
    ("orientation", "3.1", "3", "Accompagner chaque enfant de la crèche au collège", "", "jeunesse"),
    ("objectif", "3.1.1", "3.1", "Renforcer l'aide aux devoirs et le lien avec les parents", "", ""),
    ("action", "3.1.1.a", "3.1.1", "Clubs coup de pouce lecture dans les trois écoles", "", ""),
    ("action", "3.1.1.b", "3.1.1", "Café des parents au collège Jean-Moulin", "", ""),
    ("enjeu", "4", "", "Accès aux droits et santé", "cohesion_sociale", ""),
    ("orientation", "4.1", "4", "Rapprocher les services publics des habitants", "", ""),
    ("objectif", "4.1.1", "4.1", "Accompagner les démarches en ligne", "", ""),
    ("action", "4.1.1.a", "4.1.1", "France services itinérant aux Peupliers le mardi", "", ""),
    ("orientation", "4.2", "4", "Prévenir et soigner au plus près", "", ""),
    ("objectif", "4.2.1", "4.2", "Développer la prévention santé dans les quartiers", "", ""),
    ("action", "4.2.1.a", "4.2.1", "Maison de santé pluriprofessionnelle de La Roseraie", "", ""),
]

# Contributions the contract itself holds in the demo (residents' requests entered during meetings):
# (source id, conseil, title, kind, node codes, status, answer)
ENTRIES = [
    (1, "peupliers", "Éclairer le passage des Tilleuls, où les femmes ne passent plus le soir",
     ContributionKind.minutes_decision, ["1.1.1.b"], ContributionStatus.retained,
     "Les travaux d'éclairage LED du passage des Tilleuls sont programmés pour mars 2026 (budget voté au "
     "comité de pilotage du 12 juin 2025)."),
    (2, "centre-gare-roseraie", "Une permanence santé à La Roseraie en attendant la maison de santé",
     ContributionKind.workshop_conclusion, ["4.2.1.a"], ContributionStatus.under_study, None),
    (3, "peupliers", "Des chantiers éducatifs aussi pendant les vacances d'hiver",
     ContributionKind.minutes_decision, ["2.1.1.b"], ContributionStatus.partly_retained,
     "Deux semaines de chantiers seront ajoutées en février ; les vacances de Noël restent à l'étude avec la Régie."),
]


def _contract() -> Contract:
    contract = db.session.scalar(select(Contract).where(Contract.title == TITLE))
    if contract is None:
        contract = structure.save_contract(structure.ContractData(
            title=TITLE, starts_year=2024, ends_year=2030, signatories=SIGNATORIES, description=DESCRIPTION))
    if db.session.scalar(select(ContractNode.id).where(ContractNode.contract_id == contract.id).limit(1)) is None:
        rows = [(line, {"niveau": level, "code": code, "parent": parent, "titre": title, "pilier": pillar,
                        "priorites": priorities})
                for line, (level, code, parent, title, pillar, priorities) in enumerate(TREE, start=2)]
        report = structure.import_rows(contract, rows)
        assert report.ok, report.errors  # noqa: S101 - the demo tree is fixed
    return contract


def _node(contract: Contract, code: str) -> ContractNode:
    return db.session.scalar(select(ContractNode).where(ContractNode.contract_id == contract.id,
                                                        ContractNode.code == code))


def _link(contribution: Contribution, node: ContractNode, actor) -> None:
    exists = db.session.scalar(select(ContributionLink.id).where(
        ContributionLink.contribution_id == contribution.id, ContributionLink.node_id == node.id))
    if exists is None:
        services.link_to_node(contribution, node, actor=actor)


def _entries(context: DemoContext, contract: Contract) -> None:
    lead, animator = context.users["project_lead"], context.users["animator"]
    for source_id, slug, title, kind, codes, status, answer in ENTRIES:
        contribution = services.contribution_for("demo_contract", source_id)
        if contribution is not None:
            continue
        conseil = context.conseils[slug]
        contribution = services.create_contribution(kind, "demo_contract", source_id, title, conseil_id=conseil.id,
                                                    actor=animator, actor_label=conseil.name,
                                                    occurred_at=datetime(2025, 3, 4, 18, 30, tzinfo=UTC))
        services.record_event(contribution, EventKind.discussed, actor=animator,
                              actor_label="Comité technique politique de la ville",
                              occurred_at=datetime(2025, 4, 10, 10, 0, tzinfo=UTC),
                              text="Présenté par deux membres du conseil citoyen ; le service concerné "
                                   "étudie la faisabilité.")
        for code in codes:
            _link(contribution, _node(contract, code), lead)
        if status != ContributionStatus.received:
            services.change_status(contribution, status, actor=lead, actor_label="Comité de pilotage")
        if answer:
            services.answer(contribution, answer, actor=lead, actor_label="Comité de pilotage")


def _link_other_contributions(context: DemoContext, contract: Contract) -> None:
    """Link the demo contributions of other capabilities, by keywords of their titles."""
    keywords = [
        (("éclairage", "lumière", "passage"), "1.1.1.b"),
        (("square", "jeux", "aire de jeux", "banc"), "1.1.2.a"),
        (("hall", "propreté", "poubelle", "encombrant"), "1.2.1.a"),
        (("emploi", "jeune", "stage", "apprentissage"), "2.1.1.a"),
        (("devoirs", "école", "collège", "lecture"), "3.1.1.a"),
        (("santé", "médecin", "soin"), "4.2.1.a"),
        (("démarche", "numérique", "papiers", "caf"), "4.1.1.a"),
    ]
    lead = context.users["project_lead"]
    unlinked = db.session.scalars(select(Contribution).where(
        Contribution.source_type.not_in(("demo_contract", annual_report.OBSERVATION_SOURCE)),
        ~select(ContributionLink.id).where(ContributionLink.contribution_id == Contribution.id).exists()))
    for contribution in unlinked:
        title = contribution.title.lower()
        for words, code in keywords:
            if any(word in title for word in words):
                _link(contribution, _node(contract, code), lead)
                break


def _round(context: DemoContext) -> None:
    if db.session.scalar(select(ReportRound.id).where(ReportRound.year == 2025)) is not None:
        return
    lead, animator = context.users["project_lead"], context.users["animator"]
    opened = datetime(2026, 2, 2, 9, 0, tzinfo=UTC)
    round_ = annual_report.open_round(
        2025, date(2026, 3, 20), actor=lead, now=opened, draft_url=None,
        draft_text="Le projet de rapport annuel 2025 retrace les actions financées dans le cadre de l'appel à "
                   "projets et l'avancement des quatre enjeux du contrat. Les conseils citoyens sont invités à "
                   "donner leur avis avant le 20 mars.")
    annual_report.record_opinion(round_, context.conseils["peupliers"], annual_report.OpinionData(
        position=OpinionPosition.reserved,
        majority_text="Le conseil citoyen des Peupliers salue l'avancée des chantiers éducatifs et de la "
                      "permanence France Travail. Il regrette que l'éclairage du passage des Tilleuls, demandé "
                      "depuis 2024, ne soit pas encore réalisé.",
        dissenting_views="Trois membres estiment que l'avis devrait être défavorable tant que la sécurité des "
                         "halls de la rue des Acacias n'est pas traitée par le bailleur.",
        observations="Réaliser l'éclairage du passage des Tilleuls avant l'hiver 2026.\n\n"
                     "Associer les habitants au choix des jeux du square des Peupliers.\n\n"
                     "Publier chaque trimestre le compte rendu des diagnostics en marchant.",
    ), actor=animator, now=datetime(2026, 3, 5, 19, 0, tzinfo=UTC))
    annual_report.record_opinion(round_, context.conseils["centre-gare-roseraie"], annual_report.OpinionData(
        position=OpinionPosition.favourable,
        majority_text="Le conseil citoyen Centre-Gare – Roseraie donne un avis favorable au rapport, à "
                      "l'unanimité des membres présents, et demande un calendrier pour la maison de santé.",
        observations="Donner un calendrier précis pour l'ouverture de la maison de santé de La Roseraie.",
    ), actor=animator, now=datetime(2026, 3, 12, 19, 0, tzinfo=UTC))
    first = round_.opinions[0].observations[0]
    annual_report.record_follow_up(first, "Les travaux sont inscrits au budget 2026 ; le chantier commencera en "
                                          "septembre, avant le changement d'heure.", actor=lead,
                                   status=ContributionStatus.retained)
    annual_report.close_due_rounds(now=datetime(2026, 3, 21, 6, 0, tzinfo=UTC))


def load(context: DemoContext) -> None:
    from flask import current_app

    # Status changes queue mails, whose templates need a request (links, the page's context processors).
    with current_app.test_request_context(base_url=current_app.config["PUBLIC_URL"]):
        _load(context)


def _load(context: DemoContext) -> None:
    contract = _contract()
    _entries(context, contract)
    _link_other_contributions(context, contract)
    _round(context)
    db.session.flush()
