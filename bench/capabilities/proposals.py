"""Proposals: 10,000 proposals over the 8 conseils (two years, 5 % hidden or withdrawn), 300,000 supports drawn
per proposal from a Pareto(α = 1.3) capped at 4,000 with distinct supporters, 50,000 comments (80 % top-level,
20 % replies) on proposals picked in proportion to their supports + 1; each proposal is a contribution with its
timeline. Pages: the list in each order, a proposal with about 50 comments, and the support POST (on a
proposal without supports, by a window of people that moves every minute, so runs can be repeated).
"""

from __future__ import annotations

import time
from datetime import timedelta
from functools import partial

from sqlalchemy import func, insert, select, text

from bench.common import GenerationContext, Page, computed_again

THRESHOLD = 100
CAP = 4000
ALPHA = 1.3

VERBS = ["Installer", "Rénover", "Éclairer", "Créer", "Sécuriser", "Ouvrir", "Végétaliser", "Animer", "Réparer"]
THINGS = ["des bancs", "le passage piéton", "un jardin partagé", "l'aide aux devoirs", "les halls",
          "le city-stade", "un composteur", "la salle commune", "des jeux pour enfants", "un abri vélos",
          "une permanence emploi", "des toilettes publiques", "la fête de quartier", "des poubelles"]
PLACES = ["près de l'école", "au pied de la tour B", "le long du mail", "devant la gare", "au square du Moulin",
          "rue Camus", "place du marché", "derrière le centre social", "à la Roseraie", "aux Peupliers"]
SENTENCES = [
    "Beaucoup d'habitants en parlent depuis longtemps.", "Les enfants et les personnes âgées en profiteraient.",
    "Le soir, l'endroit est désert et mal éclairé.", "Le centre social est prêt à aider.",
    "Cela ne coûterait pas très cher à la Ville.", "On pourrait l'organiser avec les jeunes du quartier.",
    "Les familles du quartier attendent cela depuis des années.", "Il faudrait en parler au bailleur.",
]
COMMENTS = ["Très bonne idée, je soutiens !", "Oui, surtout le soir.", "Il faudrait aussi penser aux poussettes.",
            "Je suis d'accord, c'est urgent.", "Pas sûr que ce soit la priorité, mais pourquoi pas.",
            "On en a parlé à la dernière réunion du conseil.", "Merci pour cette proposition.",
            "Je peux aider à l'organiser."]


def _bulk(model, rows: list[dict], chunk: int = 5000) -> None:
    from participation.extensions import db

    for start in range(0, len(rows), chunk):
        db.session.execute(insert(model), rows[start:start + chunk])


def _pareto_counts(rng, n: int, target: int, cap: int) -> list[int]:
    """n supports counts from Pareto(α) draws, scaled so that they add up to about ``target``, capped."""
    draws = [rng.paretovariate(ALPHA) - 1 for _ in range(n)]
    low, high = 0.0, 10_000.0
    for _ in range(60):
        k = (low + high) / 2
        total = sum(min(cap, int(k * d)) for d in draws)
        low, high = (k, high) if total < target else (low, k)
    return [min(cap, int(high * d)) for d in draws]


def generate(ctx: GenerationContext) -> None:
    from participation.contract.models import (
        Contribution,
        ContributionEvent,
        ContributionKind,
        ContributionStatus,
        EventKind,
    )
    from participation.db import utcnow
    from participation.extensions import db
    from participation.moderation.models import Report, ReportReason
    from participation.proposals.models import Comment, Phase, Proposal, ProposalSettings, ProposalState, Support, Theme
    from participation.proposals.services import HIDDEN_TITLE, normalize

    rng, now = ctx.rng, utcnow()
    _bulk(ProposalSettings, [{"conseil_id": c, "phase": Phase.collecting.value, "support_threshold": THRESHOLD,
                              "max_supports_per_person": None, "edit_window_hours": 48, "updated_at": now}
                             for c in ctx.conseil_ids])
    qpvs_of = {c: [q for q in ctx.qpv_ids if (q - 1) // 2 + 1 == c] for c in ctx.conseil_ids}
    n_proposals, n_comments = ctx.n(10_000), ctx.n(50_000)
    cap = min(CAP, len(ctx.user_ids) - 1)
    counts = _pareto_counts(rng, n_proposals, ctx.n(300_000), cap)
    first_contribution = (db.session.scalar(select(func.max(Contribution.id))) or 0) + 1
    first_event = (db.session.scalar(select(func.max(ContributionEvent.id))) or 0) + 1
    themes = [theme.value for theme in Theme]
    proposals, contributions, events, supports = [], [], [], []
    event_id = first_event
    support_total = 0
    # The proposal the runner supports: published, no support yet, in the first conseil.
    target_index = next(i for i, count in enumerate(counts) if count == 0)
    for i in range(n_proposals):
        pid, cid = i + 1, first_contribution + i
        conseil = ctx.conseil_ids[i % len(ctx.conseil_ids)] if i != target_index else ctx.conseil_ids[0]
        author = rng.choice(ctx.user_ids)
        created = now - timedelta(minutes=rng.randrange(60, 730 * 24 * 60))
        title = f"{rng.choice(VERBS)} {rng.choice(THINGS)} {rng.choice(PLACES)}"
        body = " ".join(rng.sample(SENTENCES, 3))
        roll = rng.random() if i != target_index else 1.0
        state = ProposalState.hidden if roll < 0.03 else ProposalState.withdrawn if roll < 0.05 \
            else ProposalState.published
        count = counts[i] if i != target_index else 0
        supporters = [u for u in rng.sample(ctx.user_ids, min(count + 1, len(ctx.user_ids))) if u != author][:count]
        span = max(60, int((now - created).total_seconds() // 60))
        for user_id in supporters:
            supports.append({"proposal_id": pid, "user_id": user_id, "consent_recorded": False,
                             "created_at": created + timedelta(minutes=rng.randrange(1, span))})
        support_total += len(supporters)
        reached = created + timedelta(days=rng.randint(1, 30)) if len(supporters) >= THRESHOLD else None
        proposals.append({
            "id": pid, "conseil_id": conseil, "qpv_id": rng.choice(qpvs_of[conseil]), "author_id": author,
            "consent_recorded": False, "title": title, "body": body, "body_html": f"<p>{body}</p>",
            "theme": rng.choice(themes), "place": None, "search_text": normalize(f"{title} {body}"),
            "state": state.value, "created_at": created, "updated_at": created, "published_at": created,
            "withdrawn_at": created + timedelta(days=3) if state == ProposalState.withdrawn else None,
            "support_count": len(supporters), "comment_count": 0, "threshold_reached_at": reached,
            "contribution_id": cid,
        })
        status = ContributionStatus.received
        timeline = [{"kind": EventKind.submitted.value, "occurred_at": created, "actor_id": author,
                     "status": ContributionStatus.received.value}]
        if reached:
            timeline.append({"kind": EventKind.threshold_reached.value, "occurred_at": reached, "actor_id": None,
                             "text": f"{len(supporters)} soutiens : à examiner par le conseil citoyen."})
        answered_at = None
        if rng.random() < 0.15:
            status = rng.choice([ContributionStatus.under_study, ContributionStatus.retained,
                                 ContributionStatus.not_retained])
            changed = created + timedelta(days=rng.randint(20, 90))
            timeline.append({"kind": EventKind.status_changed.value, "occurred_at": changed,
                             "actor_id": ctx.animator_id_by_conseil[conseil], "status": status.value,
                             "text": "Déjà prévu par le bailleur." if status == ContributionStatus.not_retained
                             else None})
            if status != ContributionStatus.under_study:
                answered_at = changed
                timeline.append({"kind": EventKind.answered.value, "occurred_at": changed,
                                 "actor_id": ctx.project_lead_id, "text": "Réponse officielle de la Ville."})
        contributions.append({
            "id": cid, "kind": ContributionKind.proposal.value, "source_type": "proposal", "source_id": pid,
            "conseil_id": conseil, "title": HIDDEN_TITLE if state == ProposalState.hidden else title,
            "status": status.value,
            "status_reason": "Déjà prévu par le bailleur." if status == ContributionStatus.not_retained else None,
            "answer": "Réponse officielle de la Ville." if answered_at else None,
            "answer_html": "<p>Réponse officielle de la Ville.</p>" if answered_at else None,
            "answered_at": answered_at, "created_at": created, "updated_at": timeline[-1]["occurred_at"],
        })
        for event in timeline:
            events.append({"id": event_id, "contribution_id": cid, "recorded_at": event["occurred_at"],
                           "actor_label": None, "status": None, "text": None, "link_url": None, "link_label": None,
                           "corrects_id": None, **event})
            event_id += 1

    # Comments: 80 % top-level on proposals picked in proportion to supports + 1, 20 % replies.
    weights = [p["support_count"] + 1 for p in proposals]
    top_count = int(n_comments * 0.8)
    picks = rng.choices(range(n_proposals), weights=weights, k=top_count)
    comments, visible = [], [0] * n_proposals
    for number, index in enumerate(picks, start=1):
        proposal = proposals[index]
        span = max(60, int((now - proposal["created_at"]).total_seconds() // 60))
        hidden = rng.random() < 0.01
        comments.append({"id": number, "proposal_id": proposal["id"], "parent_id": None,
                         "author_id": rng.choice(ctx.user_ids), "body": rng.choice(COMMENTS),
                         "body_html": "", "created_at": proposal["created_at"] + timedelta(
                             minutes=rng.randrange(1, span)), "hidden_at": now if hidden else None})
        visible[index] += 0 if hidden else 1
    for number in range(top_count + 1, n_comments + 1):
        parent = comments[rng.randrange(top_count)]
        index = parent["proposal_id"] - 1
        comments.append({"id": number, "proposal_id": parent["proposal_id"], "parent_id": parent["id"],
                         "author_id": rng.choice(ctx.user_ids), "body": rng.choice(COMMENTS), "body_html": "",
                         "created_at": parent["created_at"] + timedelta(minutes=rng.randint(1, 600)),
                         "hidden_at": None})
        visible[index] += 1
    for comment in comments:
        comment["body_html"] = f"<p>{comment['body']}</p>"
    for index, proposal in enumerate(proposals):
        proposal["comment_count"] = visible[index]

    _bulk(Contribution, contributions)
    _bulk(ContributionEvent, events)
    _bulk(Proposal, proposals)
    _bulk(Support, supports, chunk=10_000)
    _bulk(Comment, comments, chunk=10_000)
    # Some reports waiting in the moderation queue.
    reports, seen = [], set()
    for _ in range(ctx.n(500)):
        comment = comments[rng.randrange(len(comments))]
        reporter = rng.choice(ctx.user_ids)
        if (comment["id"], reporter) in seen or reporter == comment["author_id"]:
            continue
        seen.add((comment["id"], reporter))
        reports.append({"target_type": "proposal_comment", "target_id": comment["id"],
                        "conseil_id": proposals[comment["proposal_id"] - 1]["conseil_id"], "reporter_id": reporter,
                        "reason": rng.choice([r.value for r in ReportReason]), "details": None, "created_at": now})
    _bulk(Report, reports)
    db.session.flush()

    # The page with about 50 comments, and the proposal and people of the support POST.
    published = [p for p in proposals if p["state"] == ProposalState.published.value]
    page = min(published, key=lambda p: (abs(p["comment_count"] - 50), p["id"]))
    target = proposals[target_index]
    ctx.facts["proposals"] = {
        "page_id": page["id"], "page_comments": page["comment_count"], "support_id": target["id"],
        "support_author_id": target["author_id"], "users": len(ctx.user_ids),
        "proposals": n_proposals, "supports": support_total, "comments": len(comments),
        "max_supports": max(p["support_count"] for p in proposals),
    }


def check(ctx: GenerationContext) -> list[str]:
    from participation.extensions import db

    facts, problems = ctx.facts["proposals"], []
    wrong_supports = db.session.scalar(text(
        "SELECT count(*) FROM proposal p WHERE p.support_count != "
        "(SELECT count(*) FROM proposal_support s WHERE s.proposal_id = p.id)"))
    if wrong_supports:
        problems.append(f"{wrong_supports} proposals whose support_count differs from their support rows")
    wrong_comments = db.session.scalar(text(
        "SELECT count(*) FROM proposal p WHERE p.comment_count != (SELECT count(*) FROM proposal_comment c "
        "WHERE c.proposal_id = p.id AND c.hidden_at IS NULL)"))
    if wrong_comments:
        problems.append(f"{wrong_comments} proposals whose comment_count differs from their visible comments")
    totals = db.session.execute(text(
        "SELECT (SELECT count(*) FROM proposal), (SELECT count(*) FROM proposal_support), "
        "(SELECT count(*) FROM proposal_comment)")).one()
    if tuple(totals) != (facts["proposals"], facts["supports"], facts["comments"]):
        problems.append(f"rows {tuple(totals)} differ from what was generated")
    doubles = db.session.scalar(text(
        "SELECT count(*) FROM (SELECT proposal_id, user_id FROM proposal_support WHERE user_id IS NOT NULL "
        "GROUP BY proposal_id, user_id HAVING count(*) > 1) AS twice"))
    if doubles:
        problems.append(f"{doubles} people support a proposal twice")
    without_contribution = db.session.scalar(text(
        "SELECT count(*) FROM proposal p LEFT JOIN contribution c ON c.id = p.contribution_id "
        "WHERE c.id IS NULL OR c.source_type != 'proposal' OR c.source_id != p.id"))
    if without_contribution:
        problems.append(f"{without_contribution} proposals without their contribution")
    if facts["max_supports"] > CAP:
        problems.append("a proposal has more supports than the cap")
    return problems


def pages(facts: dict) -> list[Page]:
    proposals, member = facts["proposals"], facts["territory"]["member_email"]
    # Each run supports with a new window of people, so that the runner can be run again on the same data.
    first = int(time.time() // 60) * 577 % proposals["users"]
    budget = {"budget_median_ms": 15, "budget_p99_ms": 60}
    return [
        Page("proposals: list, random", "/propositions", **budget),
        Page("proposals: list, recent", "/propositions?sort=recent", **budget),
        Page("proposals: list, most supported", "/propositions?sort=supports", **budget),
        Page("proposals: list, most commented", "/propositions?sort=comments", **budget),
        Page("proposals: list, page 40", "/propositions?page=40", **budget),
        Page("proposals: list (signed in)", "/propositions", user=member, **budget),
        Page("proposals: search in a conseil", "/propositions?q=bancs&conseil=conseil-2&sort=supports"),
        Page(f"proposals: page, {proposals['page_comments']} comments", f"/propositions/{proposals['page_id']}",
             **budget),
        Page("proposals: page (signed in)", f"/propositions/{proposals['page_id']}", user=member, **budget),
        Page("proposals: support POST", f"/propositions/{proposals['support_id']}/soutenir", method="POST",
             body={"next": "/propositions"},
             user_for=partial(_nth_person, first, proposals["users"], proposals["support_author_id"]),
             budget_median_ms=40, budget_p99_ms=40),
        Page("moderation: queue", "/animation/moderation", user=facts["territory"]["project_lead_email"]),
    ]


def extra_measures(facts: dict, port: int) -> list[str]:
    """What the first reader of a proposal page pays after a change of what it shows (its article, follow-up and
    comments are kept until then), and the first reader of a list page after a change of what its cards show."""
    proposals = facts["proposals"]
    return computed_again(port, "proposal_pages", [
        (f"proposal page ({proposals['page_comments']} comments)", f"/propositions/{proposals['page_id']}")]
    ) + computed_again(port, "proposal_cards", [("proposals list (20 cards)", "/propositions?sort=recent")])


def _nth_person(first: int, users: int, author_id: int, i: int) -> str:
    """The i-th person of the support POST, never the author (module-level: the runner pickles it)."""
    user_id = 1 + (first + i) % users
    if user_id == author_id:
        user_id = 1 + (first + i + users // 2) % users
    return f"user{user_id}@bench.example"
