"""Consultations at the reference scale: 100 consultations, 100,000 responses, about a million answers.

One large consultation (30,000 responses to 12 questions, open, results shown while open) and 99
others whose sizes follow a Pareto(α = 1.3) draw. Everything is bulk-inserted, then the tallies are
rebuilt from the raw answers with the same GROUP BY the ``flask consultations check`` command uses,
and the counters are set from counted rows; ``check`` verifies both.
"""

from __future__ import annotations

import hashlib
import http.client
import os
import time
from datetime import timedelta
from typing import Any

from sqlalchemy import func, insert, select

from bench.common import GenerationContext, Page

LARGE_RESPONSES = 30_000
TOTAL_RESPONSES = 100_000
CONSULTATIONS = 100
DRAFTS_FOR_SEND = 600  # residents with their answers ready, for the "send my answers" POST
CHUNK = 5_000

TEXTS = [
    "Plus d'arbres et d'ombre l'été", "Des bancs près de l'arrêt de bus", "Réparer l'éclairage de l'allée",
    "Un lieu pour les jeunes le soir", "Des toilettes publiques ouvertes", "Moins de voitures devant l'école",
    "Un marché le mercredi", "Des jeux pour les petits", "Nettoyer plus souvent les halls",
    "Des cours de français pour adultes", "Un terrain de basket", "Des composteurs collectifs",
    "Plus de poubelles", "Un jardin partagé", "Des animations l'été", "Une permanence de la mairie",
    "Sécuriser le passage piéton", "Des ateliers numériques", "Un médecin dans le quartier", "Rien à ajouter",
]

# kind, text, options, extra settings — the 12 questions of the large consultation, on three pages
LARGE_QUESTIONS = [
    [("single_choice", "Depuis combien de temps habitez-vous le quartier ?",
      ["Moins d'un an", "1 à 5 ans", "5 à 15 ans", "Plus de 15 ans"], {"required": True}),
     ("multiple_choice", "Quels lieux du quartier fréquentez-vous ?",
      ["Le parc", "Le centre social", "La médiathèque", "Le marché", "Le gymnase", "Les commerces"],
      {"max_choices": 3, "allow_other": True}),
     ("yes_no", "Vous sentez-vous bien dans le quartier ?", [], {}),
     ("scale", "Êtes-vous satisfait de la propreté ?", [], {"scale_min": 1, "scale_max": 5,
                                                          "scale_min_label": "Pas du tout",
                                                          "scale_max_label": "Tout à fait"})],
    [("ranking", "Classez les priorités du contrat de ville",
      ["Emploi des jeunes", "Tranquillité", "Cadre de vie", "Santé", "Éducation"], {}),
     ("single_choice", "Quel projet lancer en premier ?",
      ["Rénover le parc", "Ouvrir une maison de santé", "Créer un tiers-lieu", "Refaire les halls",
       "Une navette vers la gare"], {"allow_other": True}),
     ("scale", "Sur 10, votre confiance dans le conseil citoyen ?", [], {"scale_min": 0, "scale_max": 10}),
     ("multiple_choice", "Comment voulez-vous être informé ?",
      ["Affiches", "SMS", "Réseaux sociaux", "Réunions", "Porte-à-porte"], {})],
    [("short_text", "En un mot, le quartier ?", [], {}),
     ("long_text", "Une idée pour le quartier ?", [], {}),
     ("single_choice", "Viendrez-vous à la restitution ?", ["Oui", "Non", "Je ne sais pas"], {}),
     ("yes_no", "Souhaitez-vous rejoindre le conseil citoyen ?", [], {})],
]
SMALL_QUESTIONS = [
    [("single_choice", "Venez-vous à la fête de quartier ?", ["Oui", "Non", "Peut-être"], {"required": True}),
     ("multiple_choice", "Quelles activités ?", ["Concert", "Repas", "Jeux", "Sport"], {"max_choices": 2}),
     ("yes_no", "Fermer la rue aux voitures ?", [], {}),
     ("scale", "La fête de l'an dernier ?", [], {"scale_min": 1, "scale_max": 5}),
     ("ranking", "Classez les lieux", ["Place", "Parc", "Gymnase", "École"], {}),
     ("long_text", "Autre chose ?", [], {})],
]


def _bulk(model, rows: list[dict]) -> None:
    from participation.extensions import db

    for start in range(0, len(rows), CHUNK):
        db.session.execute(insert(model), rows[start:start + CHUNK])


def _pareto_sizes(rng, count: int, total: int, cap: int) -> list[int]:
    draws = [rng.paretovariate(1.3) for _ in range(count)]
    scale = total / sum(draws)
    sizes = [max(1, min(cap, round(d * scale))) for d in draws]
    while sum(sizes) != total:  # spread the rounding (and the cap) over the others
        diff = total - sum(sizes)
        for i in range(count):
            if diff == 0:
                break
            step = 1 if diff > 0 else -1
            if 1 <= sizes[i] + step <= cap:
                sizes[i] += step
                diff -= step
    return sizes


class Nth:
    """The i-th item, cycling (picklable, for the runner's worker processes)."""

    def __init__(self, items: list) -> None:
        self.items = items

    def __call__(self, index: int):
        return self.items[index % len(self.items)]


class _Ids:
    def __init__(self) -> None:
        self.values: dict[str, int] = {}

    def next(self, name: str) -> int:
        self.values[name] = self.values.get(name, 0) + 1
        return self.values[name]


def _make_questionnaire(ids: _Ids, consultation_id: int, pages) -> tuple[list, list, list, list[dict]]:
    """Rows of sections, questions and options; and the questions as plain dicts for the answer generator."""
    sections, questions, options, plain = [], [], [], []
    for section_position, page in enumerate(pages):
        section_id = ids.next("section")
        sections.append({"id": section_id, "consultation_id": consultation_id, "position": section_position,
                         "title": f"Page {section_position + 1}"})
        for position, (kind, text, labels, extra) in enumerate(page):
            question_id = ids.next("question")
            questions.append({
                "id": question_id, "consultation_id": consultation_id, "section_id": section_id, "position": position,
                "kind": kind, "text": text, "falc_text": None, "required": extra.get("required", False),
                "max_choices": extra.get("max_choices"), "scale_min": extra.get("scale_min"),
                "scale_max": extra.get("scale_max"), "scale_min_label": extra.get("scale_min_label"),
                "scale_max_label": extra.get("scale_max_label"), "allow_other": extra.get("allow_other", False),
            })
            option_ids = []
            for option_position, label in enumerate(labels):
                option_id = ids.next("option")
                options.append({"id": option_id, "question_id": question_id, "position": option_position,
                                "label": label})
                option_ids.append(option_id)
            plain.append({"id": question_id, "kind": kind, "options": option_ids, "section": section_position,
                          **extra})
    return sections, questions, options, plain


def _answers(rng, question: dict) -> list[tuple[int | None, int | None, str | None]]:
    """(option_id, value, text) rows of one answer, skewed the way real answers are."""
    kind, options = question["kind"], question["options"]
    if not question.get("required") and rng.random() < 0.1:
        return []
    weights = list(range(len(options) + 2, 2, -1))
    if kind == "single_choice":
        if question.get("allow_other") and rng.random() < 0.04:
            return [(None, None, rng.choice(TEXTS))]
        return [(rng.choices(options, weights=weights)[0], None, None)]
    if kind == "multiple_choice":
        limit = min(question.get("max_choices") or len(options), len(options))
        chosen = set()
        for _ in range(rng.randint(1, limit)):
            chosen.add(rng.choices(options, weights=weights)[0])
        rows = [(option_id, None, None) for option_id in sorted(chosen)]
        if question.get("allow_other") and len(rows) < limit and rng.random() < 0.05:
            rows.append((None, None, rng.choice(TEXTS)))
        return rows
    if kind == "yes_no":
        return [(None, 1 if rng.random() < 0.64 else 0, None)]
    if kind == "scale":
        low, high = question["scale_min"], question["scale_max"]
        value = round(rng.triangular(low, high, low + (high - low) * 0.6))
        return [(None, min(high, max(low, value)), None)]
    if kind in ("short_text", "long_text"):
        return [(None, None, rng.choice(TEXTS))] if rng.random() < 0.4 else []
    if kind == "ranking":
        order = options[:]
        rng.shuffle(order)
        return [(option_id, rank, None) for rank, option_id in enumerate(order[:rng.randint(2, len(order))], 1)]
    return []


def _as_json(kind: str, rows) -> dict[str, Any]:
    """The ``answers_data`` entry (AnswerValue.to_json()) of generated answer rows."""
    if kind in ("single_choice", "multiple_choice"):
        data: dict[str, Any] = {}
        ids = [option_id for option_id, _, _ in rows if option_id is not None]
        if ids:
            data["o"] = ids
        other = [text for option_id, _, text in rows if option_id is None]
        if other:
            data["x"] = other[0]
        return data
    if kind == "ranking":
        return {"o": [option_id for option_id, _, _ in sorted(rows, key=lambda row: row[1])]}
    if kind in ("yes_no", "scale"):
        return {"v": rows[0][1]}
    return {"t": rows[0][2]}


def generate(ctx: GenerationContext) -> None:
    from participation.accounts.models import User
    from participation.consultations import results
    from participation.consultations.models import (
        Answer,
        Channel,
        Consultation,
        Question,
        QuestionOption,
        Response,
        ResponseDraft,
        Section,
    )
    from participation.db import utcnow
    from participation.extensions import db

    rng, now = ctx.rng, utcnow()
    ids = _Ids()
    large_total = ctx.n(LARGE_RESPONSES)
    sizes = [large_total] + _pareto_sizes(rng, CONSULTATIONS - 1, ctx.n(TOTAL_RESPONSES) - large_total,
                                          cap=max(1, large_total // 3))
    user_qpv = dict(db.session.execute(select(User.id, User.qpv_id)).all())
    user_ids = ctx.user_ids
    facts: dict[str, Any] = {}
    for index, size in enumerate(sizes):
        consultation_id = ids.next("consultation")
        large = index == 0
        conseil_id = ctx.conseil_ids[index % len(ctx.conseil_ids)]
        opened = now - timedelta(days=20 if large else rng.randint(30, 700))
        is_open = large or index % 10 == 0
        closes = now + timedelta(days=10) if is_open else opened + timedelta(days=rng.randint(14, 45))
        sections, questions, options, plain = _make_questionnaire(
            ids, consultation_id, LARGE_QUESTIONS if large else SMALL_QUESTIONS)
        _bulk(Consultation, [{
            "id": consultation_id, "title": ("Grande consultation du contrat de ville" if large
                                             else f"Consultation de quartier n° {consultation_id}"),
            "intro": "Donnez votre avis.", "intro_html": "<p>Donnez votre avis.</p>\n", "conseil_id": conseil_id,
            "opens_at": opened, "closes_at": closes, "published_at": opened, "audience": "anyone",
            "anonymous_allowed": True, "results_while_open": large, "created_at": opened, "updated_at": opened,
            "responses_count": 0, "online_count": 0, "assisted_count": 0, "anonymous_count": 0,
        }])
        _bulk(Section, sections)
        _bulk(Question, questions)
        _bulk(QuestionOption, options)
        # Channels: about 55 % online (distinct accounts), 30 % without an account, 15 % on paper.
        online = min(round(size * 0.55), len(user_ids))
        paper = round(size * 0.15)
        respondents = rng.sample(user_ids, online)
        animator = ctx.animator_id_by_conseil[conseil_id]
        responses: list[dict] = []
        answers: list[dict] = []
        for n in range(size):
            response_id = ids.next("response")
            if n < online:
                user_id, channel, key = respondents[n], Channel.online.value, None
                qpv_id = user_qpv.get(user_id) or (rng.choice(ctx.qpv_ids) if rng.random() < 0.2 else None)
            else:
                user_id = None
                channel = Channel.assisted.value if n < online + paper else Channel.anonymous.value
                key = hashlib.sha256(f"bench-{response_id}".encode()).hexdigest() if channel == "anonymous" else None
                qpv_id = rng.choice(ctx.qpv_ids) if rng.random() < 0.5 else None
            answered_at = opened + timedelta(minutes=rng.randint(0, 14 * 24 * 60))
            data: dict[str, Any] = {}
            for question in plain:
                rows = _answers(rng, question)
                if rows:
                    data[str(question["id"])] = _as_json(question["kind"], rows)
                for option_id, value, text in rows:
                    answers.append({"response_id": response_id, "question_id": question["id"],
                                    "option_id": option_id, "value": value, "text": text, "channel": channel,
                                    "qpv_key": qpv_id or 0, "hidden_at": None, "hidden_reason": None,
                                    "hidden_by_id": None})
            responses.append({
                "id": response_id, "consultation_id": consultation_id, "user_id": user_id, "anonymous_key": key,
                "channel": channel, "qpv_id": qpv_id, "contact_email": None, "contact_locale": "fr",
                "entered_by_id": animator if channel == "assisted" else None, "created_at": answered_at,
                "updated_at": answered_at, "answers_data": data,
            })
            if len(responses) >= CHUNK:
                _bulk(Response, responses)
                _bulk(Answer, answers)
                responses, answers = [], []
        _bulk(Response, responses)
        _bulk(Answer, answers)
        db.session.flush()
        if large:
            answered = set(respondents)
            fresh = [u for u in user_ids if u not in answered and u not in ctx.animator_id_by_conseil.values()]
            drafted = fresh[:DRAFTS_FOR_SEND]
            draft_data = {"answers": {}, "qpv": None, "email": None, "from_response": False}
            page_one: dict[str, Any] = {"direction": "next"}
            paper_fields: dict[str, Any] = {"qpv_id": ""}
            for question in plain:
                rows = _answers(rng, {**question, "required": True})
                while not rows or (question["kind"] == "single_choice" and rows[0][0] is None):
                    rows = _answers(rng, {**question, "required": True})
                name = f"q{question['id']}"
                if question["kind"] in ("single_choice", "multiple_choice"):
                    value = {"o": [r[0] for r in rows if r[0] is not None]}
                    fields = {name: [str(r[0]) for r in rows if r[0] is not None]}
                elif question["kind"] == "ranking":
                    value = {"o": [r[0] for r in rows]}
                    fields = {f"{name}-rank-{r[0]}": str(r[1]) for r in rows}
                elif question["kind"] == "yes_no":
                    value = {"v": rows[0][1]}
                    fields = {name: "yes" if rows[0][1] else "no"}
                elif question["kind"] == "scale":
                    value = {"v": rows[0][1]}
                    fields = {name: str(rows[0][1])}
                else:
                    value = {"t": rows[0][2]}
                    fields = {name: rows[0][2]}
                draft_data["answers"][str(question["id"])] = value
                paper_fields.update(fields)
                if question["section"] == 0:
                    page_one.update(fields)
            _bulk(ResponseDraft, [{"consultation_id": consultation_id, "user_id": user_id,
                                   "anonymous_key": None, "data": draft_data, "updated_at": now}
                                  for user_id in drafted])
            text_question = next(q for q in plain if q["kind"] == "long_text")
            facts = {
                "consultation_id": consultation_id, "responses": size, "questions": len(plain),
                "text_question_id": text_question["id"], "qpv_id": ctx.qpv_ids[0],
                "draft_emails": [f"user{u}@bench.example" for u in drafted],
                "animator_email": f"user{animator}@bench.example",
                "project_lead_email": f"user{ctx.project_lead_id}@bench.example",
                "page_one": page_one, "paper_fields": paper_fields,
            }
    db.session.flush()
    # Tallies from the raw answers (the GROUP BY of ``flask consultations check``), counters from rows.
    for consultation in db.session.scalars(select(Consultation)):
        results.rebuild_tallies(consultation)
        counts = dict(db.session.execute(
            select(Response.channel, func.count()).where(Response.consultation_id == consultation.id)
            .group_by(Response.channel)).all())
        consultation.online_count = counts.get(Channel.online, 0)
        consultation.assisted_count = counts.get(Channel.assisted, 0)
        consultation.anonymous_count = counts.get(Channel.anonymous, 0)
        consultation.responses_count = sum(counts.values())
    facts["answers"] = db.session.scalar(select(func.count(Answer.id)))
    facts["all_responses"] = sum(sizes)
    ctx.facts["consultations"] = facts


def check(ctx: GenerationContext) -> list[str]:
    from participation.consultations import results, services
    from participation.consultations.models import Channel, Consultation
    from participation.extensions import db

    problems = []
    for consultation_id in db.session.scalars(select(Consultation.id)):
        consultation = services.load(consultation_id)
        counted = services.count_rows(consultation)
        stored = (consultation.online_count, consultation.assisted_count, consultation.anonymous_count)
        if stored != (counted[Channel.online], counted[Channel.assisted], counted[Channel.anonymous]) or \
                consultation.responses_count != sum(counted.values()):
            problems.append(f"consultation {consultation_id}: stored counters differ from counted rows")
        if results.stored_tallies(consultation) != results.recount_full(consultation):
            problems.append(f"consultation {consultation_id}: tallies differ from a recount of the answers")
    return problems


def pages(facts: dict) -> list[Page]:
    data = facts["consultations"]
    cid = data["consultation_id"]
    drafted = data["draft_emails"]
    return [
        Page("consultations: list", "/consultations"),
        Page("consultations: page of the largest", f"/consultations/{cid}"),
        Page("consultations: answer page 1 (form)", f"/consultations/{cid}/repondre/1"),
        Page("consultations: results, largest (30k)", f"/consultations/{cid}/resultats",
             budget_median_ms=30, budget_p99_ms=100),
        Page("consultations: results, filter channel", f"/consultations/{cid}/resultats?canal=anonymous",
             budget_median_ms=30, budget_p99_ms=100),
        Page("consultations: results, filter quartier", f"/consultations/{cid}/resultats?quartier={data['qpv_id']}",
             budget_median_ms=30, budget_p99_ms=100),
        Page("consultations: results (signed in)", f"/consultations/{cid}/resultats",
             user=data["animator_email"], budget_median_ms=30, budget_p99_ms=100),
        Page("consultations: written answers list",
             f"/consultations/{cid}/resultats/questions/{data['text_question_id']}"),
        Page("consultations: builder (animator)", f"/animation/consultations/{cid}", user=data["animator_email"]),
        Page("consultations: POST answer page 1", f"/consultations/{cid}/repondre/1", method="POST",
             body=data["page_one"], user=data["animator_email"]),
        Page("consultations: POST send answers (fresh)", f"/consultations/{cid}/repondre/envoi", method="POST",
             body={"qpv_id": ""}, user_for=Nth(drafted)),
        Page("consultations: POST paper answer", f"/animation/consultations/{cid}/saisie", method="POST",
             body=data["paper_fields"], user=data["animator_email"]),
    ]


def _worker_pids(port: int) -> list[int]:
    """The gunicorn processes serving this run (their command line names the port)."""
    pids = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/cmdline", "rb") as handle:
                command = handle.read().replace(b"\0", b" ")
        except OSError:
            continue
        if b"gunicorn" in command and f"127.0.0.1:{port}".encode() in command:
            pids.append(int(entry))
    return pids


def _memory(pid: int, field: str) -> int:
    with open(f"/proc/{pid}/status", encoding="ascii") as handle:
        for line in handle:
            if line.startswith(field + ":"):
                return int(line.split()[1]) // 1024
    return 0


def extra_measures(facts: dict, port: int) -> list[str]:
    """Exports of the largest consultation: rows per second, and the peak memory of the gunicorn workers."""
    from bench.run import sign_in

    data = facts["consultations"]
    session = sign_in(port, data["project_lead_email"])
    lines = [f"Consultations exports (largest: {data['responses']} responses, {data['questions']} questions; "
             f"{data['all_responses']} responses and {data['answers']} answers in all):"]
    pids = _worker_pids(port)
    before = {pid: _memory(pid, "VmHWM") for pid in pids}
    # Sign-ins hash passwords with Argon2 (64 MiB each): reset the peak so that it is the exports' own.
    for pid in pids:
        try:
            with open(f"/proc/{pid}/clear_refs", "w", encoding="ascii") as handle:
                handle.write("5")
        except OSError:
            pass
    reset = {pid: _memory(pid, "VmHWM") for pid in pids}
    for what, fmt in (("reponses", "csv"), ("reponses", "xlsx"), ("reponses", "ods"), ("resultats", "csv"),
                      ("resultats", "xlsx"), ("resultats", "ods")):
        best = None
        for _ in range(3):
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=300)
            started = time.perf_counter()
            connection.request("GET", f"/pilotage/consultations/{data['consultation_id']}/export/{what}.{fmt}",
                               headers={"Cookie": session.cookie})
            response = connection.getresponse()
            first = None
            size = 0
            while True:
                chunk = response.read(65536)
                if first is None:
                    first = time.perf_counter() - started
                if not chunk:
                    break
                size += len(chunk)
            elapsed = time.perf_counter() - started
            connection.close()
            if response.status != 200:
                raise RuntimeError(f"export {what}.{fmt}: HTTP {response.status}")
            if best is None or elapsed < best[0]:
                best = (elapsed, first, size)
        elapsed, first, size = best
        rows = data["responses"] if what == "reponses" else None
        rate = f"{rows / elapsed:10,.0f} rows/s" if rows else " " * 15
        lines.append(f"  {what + '.' + fmt:<16} {elapsed * 1000:8.0f} ms  first byte {first * 1000:6.0f} ms  "
                     f"{size / 1e6:6.1f} MB  {rate}")
    after = {pid: _memory(pid, "VmHWM") for pid in pids}
    lines.append("  peak resident memory of each gunicorn process (MB): during the pages (sign-ins included) / "
                 "reset before the exports / peak during the exports: "
                 + ", ".join(f"{before[pid]} / {reset[pid]} / {after[pid]}" for pid in pids))
    return lines
