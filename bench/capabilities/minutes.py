"""Minutes at BENCH.md scale: 300 meetings over the 8 conseils, their minutes with 10 revisions each.

Meetings go through the service functions (every revision is a real snapshot, every constraint holds);
the mails of the review are skipped by opening the review directly (250 members per bench conseil would
fill the outbox with 75,000 mails that measure nothing). One meeting is long (30 agenda items, 40
decisions, 30 action items): the PDF of it is timed.
"""

from __future__ import annotations

import http.client
import statistics
import time
from datetime import UTC, datetime, timedelta

from bench.common import GenerationContext, Page, computed_again

WORDS = ("le conseil", "les habitants", "le bailleur", "la mairie", "le square", "les halls", "la rue des Lilas",
         "l'école", "le budget participatif", "la fête de quartier", "les jeunes", "l'éclairage", "les jardins",
         "le centre social", "la propreté", "les poubelles", "la sécurité", "le marché", "les familles",
         "l'association", "le projet", "la réunion", "les commerces", "la navette", "le stationnement")
VERBS = ("demande", "propose", "constate", "rappelle", "souhaite", "regrette", "soutient", "présente", "signale")
AGENDA = ("Accueil et approbation du compte rendu précédent", "Budget participatif", "Tranquillité publique",
          "Cadre de vie et propreté", "Emploi des jeunes", "Fête de quartier", "Contrat de ville",
          "Questions diverses")


def _sentence(rng) -> str:
    words = [rng.choice(WORDS), rng.choice(VERBS), rng.choice(WORDS), "et", rng.choice(WORDS)]
    return " ".join(words).capitalize() + "."


def _paragraphs(rng, count: int) -> str:
    parts = []
    for index in range(count):
        text = " ".join(_sentence(rng) for _ in range(rng.randint(2, 5)))
        if index % 3 == 1:
            text = f"**{text}**"
        if index % 4 == 2:
            text = "\n".join(f"- {_sentence(rng)}" for _ in range(3))
        parts.append(text)
    return "\n\n".join(parts)


def generate(ctx: GenerationContext) -> None:
    from flask import current_app
    from sqlalchemy import select

    from participation.accounts.models import User
    from participation.extensions import db
    from participation.minutes import services
    from participation.minutes.models import (
        ActionStatus,
        ApprovalMode,
        AttendanceStatus,
        DecisionKind,
        MeetingKind,
        MinutesStatus,
    )
    from participation.territory.models import Conseil, Membership

    rng = ctx.rng
    n_meetings = ctx.n(300)
    conseils = {c.id: c for c in db.session.scalars(select(Conseil))}
    animators = {cid: db.session.get(User, uid) for cid, uid in ctx.animator_id_by_conseil.items()}
    memberships = {cid: list(db.session.scalars(select(Membership).where(Membership.conseil_id == cid)))
                   for cid in ctx.conseil_ids}
    start = datetime(2024, 12, 1, 17, 30, tzinfo=UTC)
    typical_id = long_id = review_id = None
    with current_app.test_request_context(base_url=current_app.config["PUBLIC_URL"]):
        for index in range(n_meetings):
            conseil_id = ctx.conseil_ids[index % len(ctx.conseil_ids)]
            conseil, animator = conseils[conseil_id], animators[conseil_id]
            long = index == 0
            starts = start + timedelta(days=index * 700 // n_meetings, hours=rng.randint(0, 3))
            kind = MeetingKind.plenary if index % 3 else rng.choice(list(MeetingKind))
            agenda = [f"Point {i + 1} : {AGENDA[i % len(AGENDA)]}" for i in range(30)] if long else \
                rng.sample(AGENDA, rng.randint(3, 6))
            meeting = services.create_meeting(conseil, services.MeetingData(
                kind=kind, title=f"Réunion {index + 1} du {starts:%d/%m/%Y}", starts_at=starts,
                place="Maison du projet", agenda=agenda), animator)
            minutes = meeting.minutes
            statuses = {}
            for membership in memberships[conseil_id]:
                roll = rng.random()
                statuses[membership.id] = (AttendanceStatus.present if roll < 0.55 else
                                           AttendanceStatus.excused if roll < 0.75 else AttendanceStatus.absent)
            services.record_attendance(meeting, statuses, rng.randint(0, 20), animator)
            present = sum(status == AttendanceStatus.present for status in statuses.values())
            items = meeting.agenda_items
            # Four saves of the text (revisions 3 to 6), each changing a part of it.
            for step in range(4):
                texts = {item.id: _paragraphs(rng, 6 if long else rng.randint(1, 4))
                         for item in (items if long or step == 0 else rng.sample(items, 1))}
                services.save_sections(minutes, texts, animator)
            decisions = 40 if long else 2
            for number in range(decisions):
                votes_for = rng.randint(0, present // 2) if number % 2 == 0 and present else None
                services.add_decision(minutes, services.DecisionData(
                    kind=DecisionKind.opinion if number % 3 == 0 else DecisionKind.decision,
                    agenda_item_id=rng.choice(items).id, text=_paragraphs(rng, 1),
                    majority_position=_sentence(rng), dissenting_views=_paragraphs(rng, 1),
                    votes_for=votes_for, votes_against=1 if votes_for is not None and present > votes_for else None,
                ), animator)
            for _ in range(30 if long else 1):
                services.add_action_item(minutes, services.ActionData(
                    _sentence(rng), rng.choice(("La mairie", "Le bailleur", "Le centre social", "Un membre")),
                    starts.date() + timedelta(days=rng.randint(10, 120))), animator, starts.date())
            roll = rng.random()
            if roll < 0.05 and not long:
                # Stays a draft (revision 10 is one more save).
                services.save_sections(minutes, {items[0].id: _paragraphs(rng, 2)}, animator)
                continue
            minutes.status = MinutesStatus.in_review
            minutes.review_started_at = starts + timedelta(days=2)
            minutes.review_ends_at = datetime.now(UTC) + timedelta(days=10) if roll < 0.15 and not long \
                else starts + timedelta(days=12)
            if roll < 0.15 and not long:
                members = memberships[conseil_id]
                for _ in range(rng.randint(1, 5) if members else 0):
                    author = rng.choice(members).user
                    services.add_comment(minutes, author, rng.choice(items).key, _sentence(rng),
                                         _paragraphs(rng, 1) if rng.random() < 0.3 else None)
                services.save_sections(minutes, {items[0].id: _paragraphs(rng, 2)}, animator)
                review_id = review_id or meeting.id
                continue
            services.approve(minutes, services.ApprovalData(ApprovalMode.silence), animator,
                             now=starts + timedelta(days=13))
            services.publish(minutes, animator, now=starts + timedelta(days=14))
            # Revision 10: a correction after publication, with its reason.
            services.save_sections(minutes, {items[-1].id: _paragraphs(rng, 2)}, animator,
                                   reason="Précision demandée après publication")
            if rng.random() < 0.5:
                services.set_action_status(minutes.action_items[0], rng.choice(list(ActionStatus)), animator)
            if long:
                long_id = meeting.id
            elif typical_id is None and conseil_id == ctx.conseil_ids[0]:
                typical_id = meeting.id
            if index % 20 == 0:
                db.session.commit()
    db.session.commit()
    ctx.facts["minutes"] = {"typical_meeting_id": typical_id, "long_meeting_id": long_id,
                            "review_meeting_id": review_id, "meetings": n_meetings}


def check(ctx: GenerationContext) -> list[str]:
    from sqlalchemy import func, select

    from participation.extensions import db
    from participation.minutes.models import Minutes, MinutesRevision, MinutesStatus, ReviewComment

    problems = []
    comments = dict(db.session.execute(select(ReviewComment.minutes_id, func.count()).group_by(
        ReviewComment.minutes_id)).all())
    revisions = {row[0]: (row[1], row[2]) for row in db.session.execute(
        select(MinutesRevision.minutes_id, func.count(), func.max(MinutesRevision.number))
        .group_by(MinutesRevision.minutes_id)).all()}
    for minutes in db.session.scalars(select(Minutes)):
        if minutes.comment_count != comments.get(minutes.id, 0):
            problems.append(f"minutes {minutes.id}: comment_count {minutes.comment_count} != "
                            f"{comments.get(minutes.id, 0)} comments")
        count, highest = revisions.get(minutes.id, (0, 0))
        if not (count == highest == minutes.revision_count):
            problems.append(f"minutes {minutes.id}: {count} revisions, highest {highest}, "
                            f"revision_count {minutes.revision_count}")
        if minutes.status == MinutesStatus.published and minutes.published_number != minutes.revision_count:
            problems.append(f"minutes {minutes.id}: the published revision is not the latest correction")
    long_id = ctx.facts["minutes"]["long_meeting_id"]
    long_minutes = db.session.scalar(select(Minutes.id).where(Minutes.meeting_id == long_id))
    others = [count for minutes_id, (count, _) in revisions.items() if minutes_id != long_minutes]
    if any(count != 10 for count in others):
        problems.append(f"{sum(others)} revisions for {len(others)} minutes (10 each expected)")
    return problems


def pages(facts: dict) -> list[Page]:
    minutes, territory = facts["minutes"], facts["territory"]
    typical, long = minutes["typical_meeting_id"], minutes["long_meeting_id"]
    result = [
        Page("minutes list", "/comptes-rendus", budget_median_ms=15, budget_p99_ms=60),
        Page("minutes list, one conseil", f"/comptes-rendus?conseil={territory['conseil_slug']}",
             budget_median_ms=15, budget_p99_ms=60),
        Page("minutes list, page 5", "/comptes-rendus?page=5", budget_median_ms=15, budget_p99_ms=60),
        Page("minutes page", f"/comptes-rendus/{typical}", budget_median_ms=15, budget_p99_ms=60),
        Page("minutes page (long)", f"/comptes-rendus/{long}"),
        Page("minutes versions", f"/comptes-rendus/{typical}/versions"),
        Page("minutes comparison 9→10", f"/comptes-rendus/{typical}/comparer?de=9&a=10"),
        Page("minutes review (member)", f"/comptes-rendus/{typical}/relecture", user=territory["member_email"]),
        Page("meetings back office", "/animation/reunions", user=territory["animator_email"]),
        Page("meeting page (animator)", f"/animation/reunions/{typical}", user=territory["animator_email"]),
    ]
    return result


def extra_measures(facts: dict, port: int) -> list[str]:
    typical = facts["minutes"]["typical_meeting_id"]
    return computed_again(port, "minutes", [("minutes list", "/comptes-rendus"),
                                            ("minutes page", f"/comptes-rendus/{typical}")]) + _long_pdf(facts, port)


def _long_pdf(facts: dict, port: int) -> list[str]:
    """The PDF of the long minutes, fetched from the running server (render included)."""
    long = facts["minutes"]["long_meeting_id"]
    timings, size = [], 0
    for _ in range(7):
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        started = time.perf_counter()
        connection.request("GET", f"/comptes-rendus/{long}.pdf")
        response = connection.getresponse()
        data = response.read()
        timings.append((time.perf_counter() - started) * 1000)
        size = len(data)
        if response.status != 200:
            return [f"PDF of the long minutes: HTTP {response.status}"]
    median = statistics.median(timings)
    verdict = "ok" if median < 2000 else "OVER"
    return [f"PDF of the long minutes (30 sections, 40 decisions, 30 action items, {size // 1024} KiB): "
            f"median {median:.0f} ms, max {max(timings):.0f} ms over {len(timings)} requests — "
            f"budget 2000 ms {verdict}"]
