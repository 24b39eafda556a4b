"""Demo proposals: a dozen ideas of residents of the two demo conseils, supported, commented, answered."""

from __future__ import annotations

from datetime import timedelta

from flask import current_app, has_request_context
from sqlalchemy import select

from participation import audit
from participation.contract.models import ContributionStatus
from participation.db import utcnow
from participation.demo import DemoContext
from participation.extensions import db
from participation.moderation import services as moderation
from participation.moderation.models import ReportReason
from participation.proposals import services
from participation.proposals.models import Phase, Proposal, Theme

# key, conseil, quartier, author (None: assisted entry), title, text, theme, place, days ago, supporters
PROPOSALS = [
    ("bancs", "peupliers", "QN09901A", "amina", "Des bancs le long du mail des Tilleuls",
     "Entre l'arrêt de bus et la pharmacie, il n'y a **aucun endroit pour s'asseoir**. Les personnes âgées "
     "s'arrêtent sur les murets, les mamans avec les poussettes aussi.\n\nNous proposons :\n\n"
     "- quatre ou cinq bancs avec dossier et accoudoirs ;\n- un peu d'ombre (deux arbres ?) ;\n"
     "- une poubelle à chaque banc.",
     Theme.living_environment, "Mail des Tilleuls, entre l'arrêt Peupliers et la pharmacie", 62,
     ["joseph", "lucie", "karim", "sofia", "helene", "mireille", "thomas", "david", "samia", "marc"]),
    ("eclairage", "peupliers", "QN09901A", "joseph", "Éclairer le passage entre la rue Camus et le parking",
     "Le passage piéton qui longe le bâtiment D est **complètement noir** le soir depuis deux ans. Beaucoup "
     "d'habitantes font le grand tour pour l'éviter en hiver.\n\nIl faudrait des lampadaires (ou des spots "
     "sur la façade) et tailler la haie qui cache la vue.",
     Theme.safety, "Passage entre la rue Albert-Camus et le parking du bâtiment D", 45,
     ["amina", "lucie", "karim", "sofia", "mireille", "thomas", "samia", "helene"]),
    ("jardin", "peupliers", "QN09901A", "lucie", "Un jardin partagé au pied de la tour B",
     "La pelouse derrière la tour B ne sert à rien, à part aux chiens. Avec quelques bacs, un point d'eau "
     "et un cabanon pour les outils, on pourrait y faire un **jardin partagé** : des légumes, des herbes, "
     "et un lieu pour se rencontrer entre voisins.\n\nLe centre social est d'accord pour nous aider.",
     Theme.nature, "Pelouse derrière la tour B, 4 allée des Peupliers", 38,
     ["amina", "mireille", "sofia", "helene", "fatou"]),
    ("devoirs", "peupliers", "QN09901A", "sofia", "Aide aux devoirs le samedi matin à la Maison du projet",
     "En semaine, l'aide aux devoirs du centre social est pleine. Plusieurs étudiants du quartier (dont moi) "
     "sont prêts à donner deux heures **le samedi matin** pour les collégiens.\n\nIl nous faudrait une salle "
     "et un peu de matériel (tableau, photocopies).",
     Theme.education, "Maison du projet, 2 place des Tilleuls", 30,
     ["amina", "karim", "mireille", "yanis"]),
    ("halls", "peupliers", "QN09901A", "karim", "Rendre les halls plus accueillants",
     "Les halls des bâtiments A à D sont tristes et abîmés. Nous proposons de les repeindre **avec les "
     "jeunes du quartier** (chantier éducatif avec la régie de quartier) et d'y installer une boîte à livres.",
     Theme.living_environment, "Halls des bâtiments A, B, C et D", 21,
     ["thomas", "yanis", "lucie"]),
    ("citystade", "peupliers", "QN09901A", "yanis", "Un nouveau city-stade avec un sol en gazon synthétique",
     "Le city-stade actuel a un sol en béton, on se fait mal en tombant. Un gazon synthétique et des filets "
     "neufs, ce serait top pour les jeunes.",
     Theme.culture_sport, "City-stade de la rue Jean-Moulin", 55, ["karim", "david"]),
    ("toilettes", "peupliers", "QN09901A", None, "Des toilettes publiques près du marché",
     "Le jeudi, jour de marché, il n'y a aucune toilette publique. Les personnes âgées et les enfants "
     "doivent rentrer chez eux ou demander au café.",
     Theme.health, "Place du marché, avenue de la République", 12, ["joseph", "helene"]),
    ("velos", "centre-gare-roseraie", "QN09902B", "fatou", "Un abri vélos sécurisé à la gare",
     "Les vélos attachés devant la gare sont volés ou abîmés chaque semaine. Un **abri fermé** (avec badge "
     "ou carte de transport) permettrait à ceux qui travaillent loin de venir à vélo prendre le train.",
     Theme.transport, "Parvis de la gare, côté rue Pasteur", 50,
     ["marc", "helene", "ibrahim", "samia", "pierre", "aicha"]),
    ("emploi", "centre-gare-roseraie", "QN09902B", "ibrahim", "Une permanence emploi pour les jeunes au centre social",
     "Beaucoup de jeunes du quartier ne vont pas à la Mission locale, qui est loin. Une permanence **une "
     "demi-journée par semaine** au centre social, avec un conseiller, aiderait pour les CV, les stages "
     "et les formations.",
     Theme.employment, "Centre social Les Tilleuls", 40, ["fatou", "yanis", "samia", "aicha"]),
    ("fete", "centre-gare-roseraie", "QN09903C", "helene", "Une fête de quartier au Moulin en juin",
     "Depuis le Covid, il n'y a plus de fête au Moulin. Nous proposons une fête le dernier samedi de juin : "
     "repas partagé, musique, jeux pour les enfants, stands des associations.",
     Theme.solidarity, "Square du Moulin", 25, ["pierre", "fatou", "marc"]),
    ("ecole", "centre-gare-roseraie", "QN09903C", "marc", "Sécuriser la traversée devant l'école du Moulin",
     "Les voitures roulent vite rue du Moulin à l'heure de la sortie d'école. Il faudrait un **plateau "
     "surélevé** et un passage piéton repeint, et si possible un agent le matin.",
     Theme.safety, "Rue du Moulin, devant l'école élémentaire", 33,
     ["fatou", "helene", "ibrahim", "samia", "pierre", "aicha"]),
    ("compost", "centre-gare-roseraie", "QN09903C", "pierre", "Un composteur collectif pour la Roseraie",
     "Nous sommes plusieurs à vouloir composter nos épluchures. Un composteur collectif dans la cour de la "
     "résidence, suivi par l'association Les Jardins du Moulin, réduirait les ordures et nourrirait les "
     "jardins.",
     Theme.nature, "Cour de la résidence La Roseraie", 8, ["helene"]),
]

# proposal key, author, text, replies [(author, text)]
COMMENTS = [
    ("bancs", "helene", "Oui ! Je ne peux plus aller à pied jusqu'au marché sans m'arrêter. Des bancs avec "
     "accoudoirs, c'est important pour se relever.",
     [("amina", "Merci Hélène, c'est exactement pour ça. On demandera des accoudoirs.")]),
    ("bancs", "thomas", "La régie de quartier peut entretenir les bancs si la Ville les installe.", []),
    ("eclairage", "lucie", "Le soir je passe par la rue Camus pour éviter ce passage, c'est 10 minutes de plus.",
     [("joseph", "Pareil pour ma fille qui rentre du lycée.")]),
    ("jardin", "mireille", "Le centre social peut prêter des outils et organiser un premier atelier en avril.",
     []),
    ("halls", "lucie", "Bonne idée la boîte à livres, j'ai plein de livres pour enfants à donner.", []),
    ("velos", "marc", "Il faudrait aussi des places pour les vélos cargo.", []),
]
HIDDEN_COMMENT = ("halls", "david", "C'est toujours ceux du 3e étage du bâtiment C qui salissent, il faudrait "
                  "afficher leurs noms dans le hall !")
HIDDEN_REASON = ("Nous masquons les messages qui désignent des personnes ou des familles : la charte de la "
                 "plateforme interdit de publier des informations sur des personnes. Merci de décrire le "
                 "problème sans viser quelqu'un.")


def _find(title: str) -> Proposal | None:
    return db.session.scalar(select(Proposal).where(Proposal.title == title))


def load(context: DemoContext) -> None:
    # Mails are queued as on the site (comments, threshold, moderation): they render inside a request.
    if has_request_context():
        _load(context)
        return
    with current_app.test_request_context(base_url=current_app.config["PUBLIC_URL"]):
        _load(context)


def _load(context: DemoContext) -> None:
    conseils, users, qpvs = context.conseils, context.users, context.qpvs
    animator, lead = users["animator"], users["project_lead"]
    for slug, threshold, limit in (("peupliers", 8, None), ("centre-gare-roseraie", 10, 5)):
        if services.settings_for(conseils[slug].id).id is None:
            services.update_settings(conseils[slug], services.SettingsData(
                phase=Phase.collecting, support_threshold=threshold, max_supports_per_person=limit,
                edit_window_hours=48, pre_moderation=False, auto_hide_threshold=3))
    made: dict[str, Proposal] = {}
    for key, slug, code, author, title, body, theme, place, days, supporters in PROPOSALS:
        proposal = _find(title)
        if proposal is not None:
            made[key] = proposal
            continue
        when = utcnow() - timedelta(days=days, hours=3)
        data = services.ProposalData(title=title, body=body, theme=theme, conseil_id=conseils[slug].id,
                                     qpv_id=qpvs[code].id, place=place, created_at=when)
        if author is None:
            proposal = services.submit_proposal(animator, data, assisted=services.AssistedEntry("Mme K.", True))
            audit.record(animator, "proposal.assisted_entry", "proposal", proposal.id,
                         conseil_id=proposal.conseil_id, resident="Mme K.")
        else:
            proposal = services.submit_proposal(users[author], data)
        proposal.published_at = when
        proposal.contribution.created_at = when
        for supporter in supporters:
            services.support(proposal, users[supporter])
        if key == "toilettes":
            services.assisted_support(proposal, animator, services.AssistedEntry("M. et Mme D.", True))
        made[key] = proposal
        for comment_key, comment_author, text, replies in COMMENTS:
            if comment_key != key:
                continue
            comment = services.add_comment(proposal, users[comment_author], text)
            for reply_author, reply_text in replies:
                services.add_comment(proposal, users[reply_author], reply_text, parent=comment)
        if key == HIDDEN_COMMENT[0]:
            comment = services.add_comment(proposal, users[HIDDEN_COMMENT[1]], HIDDEN_COMMENT[2])
            moderation.report(users["lucie"], "proposal_comment", comment, ReportReason.personal_data,
                              "Ça vise une famille du bâtiment C.")
            moderation.hide(animator, "proposal_comment", comment, HIDDEN_REASON)
    db.session.flush()
    _answer(made, lead, animator)
    _link_to_contract(made, animator)
    context.extra["proposals"] = made


def _answer(made: dict[str, Proposal], lead, animator) -> None:
    bancs = made["bancs"]
    if bancs.contribution.answer is None:
        services.set_status(bancs, ContributionStatus.under_study, animator)
        services.answer_proposal(bancs, (
            "Merci pour cette proposition, soutenue par de nombreux habitants. La Ville installera **cinq bancs "
            "avec accoudoirs** le long du mail des Tilleuls au printemps, et plantera deux tilleuls l'hiver "
            "prochain. C'est inscrit dans la fiche-action « Cadre de vie – aménagements de proximité » du "
            "contrat de ville."), lead)
        services.set_status(bancs, ContributionStatus.retained, lead)
        for status in ("under_study", "retained"):
            audit.record(lead if status == "retained" else animator, "proposal.status_changed", "proposal",
                         bancs.id, conseil_id=bancs.conseil_id, status=status)
        audit.record(lead, "proposal.answered", "proposal", bancs.id, conseil_id=bancs.conseil_id)
    citystade = made["citystade"]
    if citystade.contribution.status == ContributionStatus.received:
        reason = ("Le city-stade a été entièrement rénové en 2023 (sol, buts et filets) ; un nouveau sol n'est "
                  "pas prévu avant 2030. La Ville réparera en revanche les filets abîmés cet été.")
        services.set_status(citystade, ContributionStatus.not_retained, lead, reason=reason)
        audit.record(lead, "proposal.status_changed", "proposal", citystade.id, reason=reason,
                     conseil_id=citystade.conseil_id, status="not_retained")
    ecole = made["ecole"]
    if ecole.contribution.status == ContributionStatus.received:
        services.set_status(ecole, ContributionStatus.under_study, animator)
        audit.record(animator, "proposal.status_changed", "proposal", ecole.id, conseil_id=ecole.conseil_id,
                     status="under_study")


# proposal key: code of the objective of the demo contrat de ville it is linked to
LINKS = {"eclairage": "1.1.1", "halls": "1.2.1", "emploi": "2.1.1", "devoirs": "3.1.1"}


def _link_to_contract(made: dict[str, Proposal], animator) -> None:
    """Link some proposals to the objectives of the demo contract, when the contract capability made one."""
    from participation.contract.models import ContractNode
    from participation.contract.services import link_to_node, linked_nodes

    for key, code in LINKS.items():
        node = db.session.scalar(select(ContractNode).where(ContractNode.code == code,
                                                            ContractNode.deleted_at.is_(None)))
        contribution = made[key].contribution
        if node is None or contribution is None or node in linked_nodes(contribution):
            continue
        link_to_node(contribution, node, actor=animator)
