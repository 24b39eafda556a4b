"""Demo consultations: one open (with easy-to-read texts and answers), one closed with its synthesis in the
contract, one for the members of a conseil."""

from __future__ import annotations

import random
from datetime import UTC, timedelta

from sqlalchemy import select

from participation.consultations import services
from participation.consultations.answers import AnswerValue
from participation.consultations.models import Audience, Consultation, QuestionKind
from participation.consultations.services import OptionData, QuestionData
from participation.db import utcnow
from participation.demo import DemoContext
from participation.extensions import db
from participation.i18n import PARIS

PARK = "Quelles priorités pour le parc des Peupliers ?"
MARKET = "Le marché du samedi, place de la Gare"
AGENDA = "Plénière de mars : quels sujets mettre à l'ordre du jour ?"


def _evening(days: int):
    """20:00 in Paris, ``days`` from today (a closing time people can remember)."""
    local = (utcnow() + timedelta(days=days)).astimezone(PARIS)
    return local.replace(hour=20, minute=0, second=0, microsecond=0).astimezone(UTC)


def _options(*labels: str) -> list[OptionData]:
    return [OptionData(label=label) for label in labels]


def _build(context: DemoContext, title: str, conseil_key: str, qpv_code: str | None, intro: str,
           intro_falc: str | None, pages: list[tuple[str, list[QuestionData]]], **settings) -> Consultation:
    consultation = services.create_consultation(context.users["animator"], services.ConsultationData(
        title=title, intro=intro, intro_falc=intro_falc, conseil_id=context.conseils[conseil_key].id,
        qpv_id=context.qpvs[qpv_code].id if qpv_code else None, **settings))
    for index, (page_title, questions) in enumerate(pages):
        section = consultation.sections[0] if index == 0 else services.add_section(consultation)
        services.rename_section(section, page_title)
        for data in questions:
            services.add_question(section, data)
    db.session.flush()
    db.session.refresh(consultation)
    return consultation


def _random_answers(consultation: Consultation, rng: random.Random, texts: list[str]) -> dict[int, AnswerValue]:
    values: dict[int, AnswerValue] = {}
    for question in consultation.ordered_questions():
        if not question.required and rng.random() < 0.15:
            continue
        ids = [option.id for option in question.options]
        kind = question.kind
        if kind == QuestionKind.single_choice:
            values[question.id] = AnswerValue(option_ids=(rng.choices(ids, weights=range(len(ids), 0, -1))[0],))
        elif kind == QuestionKind.multiple_choice:
            limit = question.max_choices or len(ids)
            chosen = tuple(rng.sample(ids, rng.randint(1, min(limit, len(ids)))))
            if question.allow_other and len(chosen) < limit and rng.random() < 0.15:
                values[question.id] = AnswerValue(option_ids=chosen, other=rng.choice(
                    ["Faire du vélo avec les petits", "Jardiner", "Promener le chien"]))
            else:
                values[question.id] = AnswerValue(option_ids=chosen)
        elif kind == QuestionKind.yes_no:
            values[question.id] = AnswerValue(value=1 if rng.random() < 0.62 else 0)
        elif kind == QuestionKind.scale:
            values[question.id] = AnswerValue(value=rng.choice(question.scale_values[1:-1] * 2 + question.scale_values))
        elif kind.is_text:
            if rng.random() < 0.6:
                values[question.id] = AnswerValue(text=rng.choice(texts))
        elif kind == QuestionKind.ranking:
            order = ids[:]
            rng.shuffle(order)
            values[question.id] = AnswerValue(option_ids=tuple(order[:rng.randint(2, len(order))]))
    return values


def _park(context: DemoContext, rng: random.Random) -> None:
    consultation = _build(
        context, PARK, "peupliers", "QN09901A",
        "Le parc des Peupliers sera réaménagé en 2026, avec le budget du contrat de ville. Avant de dessiner le "
        "projet, le conseil citoyen et la ville veulent savoir **comment vous utilisez le parc** et **ce qui compte "
        "le plus pour vous**.\n\nLe questionnaire prend environ 5 minutes. Les résultats sont publics, et le conseil "
        "citoyen présentera une synthèse au comité de pilotage du contrat de ville.",
        "Le parc des Peupliers va changer en 2026.\n\nNous voulons savoir ce que vous faites au parc. Nous voulons "
        "savoir ce qui est important pour vous.\n\nIl y a 7 questions. Cela prend 5 minutes.",
        [
            ("Vos usages du parc", [
                QuestionData(QuestionKind.single_choice, "À quelle fréquence venez-vous au parc des Peupliers ?",
                             falc_text="Vous venez souvent au parc ?", required=True,
                             options=_options("Tous les jours", "Une ou deux fois par semaine", "Rarement",
                                              "Jamais")),
                QuestionData(QuestionKind.multiple_choice, "Que faites-vous au parc ?",
                             falc_text="Au parc, vous faites quoi ? Choisissez 3 réponses au plus.", max_choices=3,
                             allow_other=True,
                             options=_options("Jouer avec les enfants", "Faire du sport", "Me promener",
                                              "Retrouver des voisins", "Lire, me reposer")),
            ]),
            ("Vos priorités", [
                QuestionData(QuestionKind.ranking, "Classez ces priorités pour le réaménagement du parc",
                             falc_text="Qu'est-ce qui est le plus important ? Mettez 1 devant le plus important.",
                             options=_options("Plus d'ombre et d'arbres", "De nouveaux jeux pour enfants",
                                              "Un éclairage le soir", "Des bancs et des tables",
                                              "Un terrain multisport")),
                QuestionData(QuestionKind.scale, "Vous sentez-vous en sécurité dans le parc le soir ?",
                             falc_text="Le soir, dans le parc, vous vous sentez en sécurité ?", scale_min=1,
                             scale_max=5, scale_min_label="Pas du tout", scale_max_label="Tout à fait"),
                QuestionData(QuestionKind.yes_no, "Faut-il fermer le parc la nuit ?",
                             falc_text="Le parc doit être fermé la nuit ?"),
            ]),
            ("Vos idées", [
                QuestionData(QuestionKind.long_text, "Avez-vous une idée pour le parc ?",
                             falc_text="Vous avez une idée pour le parc ? Écrivez-la ici."),
                QuestionData(QuestionKind.short_text, "En un mot, le parc aujourd'hui ?"),
            ]),
        ],
        audience=Audience.anyone, anonymous_allowed=True, results_while_open=True,
        closes_at=_evening(24),
    )
    started = utcnow() - timedelta(days=6)
    services.publish(consultation, now=started)
    texts = ["Des fontaines à eau pour l'été", "Un coin calme pour les anciens, loin du terrain de foot",
             "Des toilettes ouvertes en journée", "Réparer la balançoire cassée depuis un an",
             "Plus de poubelles près des bancs", "Un espace pour les ados le soir", "Agréable mais trop sombre",
             "Vivant", "Trop de bruit le soir"]
    step = 0
    for key in ("amina", "joseph", "lucie", "karim", "sofia", "helene"):
        step += 1
        services.submit_response(consultation, services.Respondent.online(context.users[key]),
                                 _random_answers(consultation, rng, texts), qpv_id=context.users[key].qpv_id,
                                 now=started + timedelta(hours=7 * step))
    for n in range(5):
        step += 1
        services.submit_response(consultation, services.Respondent.anonymous(f"demo-anonymous-browser-{n}"),
                                 _random_answers(consultation, rng, texts),
                                 qpv_id=context.qpvs["QN09901A"].id if n % 2 == 0 else None,
                                 now=started + timedelta(hours=7 * step))
    for _n in range(4):
        step += 1
        services.submit_response(consultation, services.Respondent.assisted(context.users["animator"]),
                                 _random_answers(consultation, rng, texts), qpv_id=context.qpvs["QN09901A"].id,
                                 now=started + timedelta(hours=7 * step))


def _market(context: DemoContext, rng: random.Random) -> None:
    from participation.contract import services as contract
    from participation.contract.models import ContributionStatus

    consultation = _build(
        context, MARKET, "centre-gare-roseraie", "QN09902B",
        "Le marché du samedi matin, place de la Gare, manque de commerçants depuis deux ans. Le conseil citoyen "
        "Centre-Gare – Roseraie a demandé aux habitants ce qui les ferait venir, avant d'en parler avec la ville.",
        "Le marché du samedi est place de la Gare.\n\nIl y a moins de stands. Nous voulons savoir ce qui vous ferait "
        "venir au marché.",
        [
            ("Le marché aujourd'hui", [
                QuestionData(QuestionKind.yes_no, "Allez-vous au marché du samedi ?", required=True,
                             falc_text="Vous allez au marché le samedi ?"),
                QuestionData(QuestionKind.scale, "Sur 10, quelle note donnez-vous au marché aujourd'hui ?",
                             scale_min=0, scale_max=10, scale_min_label="Très mauvais",
                             scale_max_label="Excellent"),
            ]),
            ("Ce qui vous ferait venir", [
                QuestionData(QuestionKind.multiple_choice, "Qu'aimeriez-vous trouver au marché ?", max_choices=3,
                             allow_other=True,
                             options=_options("Des fruits et légumes de producteurs", "Des plats à emporter",
                                              "Des vêtements", "Une animation pour les enfants",
                                              "Un stand des associations du quartier")),
                QuestionData(QuestionKind.single_choice, "Quel horaire vous conviendrait le mieux ?",
                             options=_options("Samedi de 8 h à 13 h (comme aujourd'hui)", "Samedi de 10 h à 15 h",
                                              "Mercredi après-midi")),
                QuestionData(QuestionKind.long_text, "Autre chose à dire sur le marché ?"),
            ]),
        ],
        audience=Audience.anyone, anonymous_allowed=True, results_while_open=False,
    )
    opened = utcnow() - timedelta(days=75)
    services.publish(consultation, now=opened)
    texts = ["Il faudrait un boucher halal", "Les stands sont trop éloignés de l'arrêt de bus",
             "Un marché le soir en été serait bien", "Plus de places pour les poussettes",
             "Mettre des bancs autour de la place"]
    people = ["fatou", "marc", "helene", "ibrahim", "samia", "yanis", "pierre", "aicha", "david", "thomas"]
    for index, key in enumerate(people):
        services.submit_response(consultation, services.Respondent.online(context.users[key]),
                                 _random_answers(consultation, rng, texts),
                                 qpv_id=context.qpvs["QN09902B" if index % 3 else "QN09903C"].id,
                                 now=opened + timedelta(days=1 + index))
    for n in range(7):
        services.submit_response(consultation, services.Respondent.anonymous(f"demo-market-browser-{n}"),
                                 _random_answers(consultation, rng, texts), now=opened + timedelta(days=3 + n))
    for _n in range(6):
        services.submit_response(consultation, services.Respondent.assisted(context.users["animator"]),
                                 _random_answers(consultation, rng, texts), qpv_id=context.qpvs["QN09902B"].id,
                                 now=opened + timedelta(days=20))
    services.close(consultation, now=opened + timedelta(days=30))
    services.save_synthesis(
        consultation,
        "23 habitants ont répondu (10 en ligne avec un compte, 7 sans compte, 6 sur papier au centre social).\n\n"
        "- **Ce qui manque le plus** : des fruits et légumes de producteurs et des plats à emporter.\n"
        "- **L'horaire** : la majorité garde le samedi matin ; une minorité importante, surtout des familles, "
        "préférerait le mercredi après-midi.\n"
        "- **Les avis divergent** sur une animation pour les enfants : utile pour les familles, inutile pour "
        "d'autres qui préfèrent plus de stands.\n\n"
        "Le conseil citoyen demande à la ville de démarcher des producteurs locaux et de tester un marché le "
        "mercredi après-midi pendant l'été.",
    )
    contribution = services.publish_synthesis(consultation, context.users["animator"],
                                              now=opened + timedelta(days=38))
    contract.change_status(contribution, ContributionStatus.under_study, actor=context.users["project_lead"],
                           reason="Étude avec le service commerce de la ville ; réponse au comité de pilotage de juin.")


def _agenda(context: DemoContext, rng: random.Random) -> None:
    consultation = _build(
        context, AGENDA, "peupliers", None,
        "Réservé aux membres du conseil citoyen des Peupliers : proposez les sujets de la plénière du mardi 3 mars, "
        "à la Maison du projet.",
        None,
        [
            ("Vos sujets", [
                QuestionData(QuestionKind.multiple_choice, "Quels sujets voulez-vous traiter ?", required=True,
                             allow_other=True,
                             options=_options("Réaménagement du parc", "Tranquillité des halls",
                                              "Rapport annuel du contrat de ville", "Fête de quartier de juin")),
                QuestionData(QuestionKind.yes_no, "Serez-vous présent·e à la plénière ?"),
                QuestionData(QuestionKind.short_text, "Un point d'information à ajouter ?"),
            ]),
        ],
        audience=Audience.members, anonymous_allowed=False, results_while_open=True,
        closes_at=_evening(10),
    )
    services.publish(consultation, now=utcnow() - timedelta(days=2))
    for key in ("amina", "joseph", "karim"):
        services.submit_response(consultation, services.Respondent.online(context.users[key]),
                                 _random_answers(consultation, rng, ["Les travaux du bâtiment C"]))


def load(context: DemoContext) -> None:
    rng = random.Random(2024)
    existing = set(db.session.scalars(select(Consultation.title).where(
        Consultation.title.in_([PARK, MARKET, AGENDA]))))
    for title, builder in ((PARK, _park), (MARKET, _market), (AGENDA, _agenda)):
        if title not in existing:
            builder(context, rng)
            db.session.flush()
