"""Contract: 1 contract (5 enjeux, 10 orientations, 20 objectives, 60 actions) and 2,000 linked contributions
with timelines, all received in one year, plus that year's annual report round.

The annex PDF is too slow a page for the runner's 570 requests: time it with

    .venv/bin/python -m bench.capabilities.contract --database-url postgresql://postgres@127.0.0.1/participation_bench
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import func, insert, select

from bench.common import DEFAULT_DATABASE_URL, GenerationContext, Page, computed_again, load_facts

YEAR = 2025


def _tree(rng):
    from participation.contract import structure

    contract = structure.save_contract(structure.ContractData(
        title="Contrat de ville 2024–2030 (bench)", starts_year=2024, ends_year=2030,
        signatories="Agglomération de Val-de-Lys\nPréfecture"))
    rows, line = [], 2
    for e in range(1, 6):
        rows.append((line, {"niveau": "enjeu", "code": f"{e}", "parent": "", "titre": f"Enjeu {e}"}))
        line += 1
        for o in range(1, 3):
            rows.append((line, {"niveau": "orientation", "code": f"{e}.{o}", "parent": f"{e}",
                                "titre": f"Orientation {e}.{o}"}))
            line += 1
            for b in range(1, 3):
                rows.append((line, {"niveau": "objectif", "code": f"{e}.{o}.{b}", "parent": f"{e}.{o}",
                                    "titre": f"Objectif opérationnel {e}.{o}.{b}"}))
                line += 1
                for a in range(1, 4):
                    rows.append((line, {"niveau": "action", "code": f"{e}.{o}.{b}.{a}", "parent": f"{e}.{o}.{b}",
                                        "titre": f"Action {e}.{o}.{b}.{a} : une fiche-action du contrat",
                                        "priorites": "jeunesse" if rng.random() < 0.3 else ""}))
                    line += 1
    report = structure.import_rows(contract, rows)
    assert report.ok, report.errors  # noqa: S101 - fixed tree
    return contract


def generate(ctx: GenerationContext) -> None:
    from participation.contract import annual_report
    from participation.contract.models import (
        ContractNode,
        Contribution,
        ContributionEvent,
        ContributionKind,
        ContributionLink,
        ContributionStatus,
        EventKind,
        NodeLevel,
        OpinionPosition,
    )
    from participation.extensions import db

    rng = ctx.rng
    contract = _tree(rng)
    db.session.flush()
    nodes = list(db.session.scalars(select(ContractNode).where(ContractNode.contract_id == contract.id)))
    actions = [n for n in nodes if n.level == NodeLevel.action]
    objectives = [n for n in nodes if n.level == NodeLevel.objectif]
    first_id = (db.session.scalar(select(func.max(Contribution.id))) or 0) + 1
    first_event = (db.session.scalar(select(func.max(ContributionEvent.id))) or 0) + 1
    start = datetime(YEAR, 1, 1, 8, tzinfo=UTC)
    kinds = list(ContributionKind)
    decided = [ContributionStatus.retained, ContributionStatus.partly_retained, ContributionStatus.not_retained,
               ContributionStatus.implemented, ContributionStatus.under_study]
    contributions, events, links = [], [], []
    event_id = first_event
    count = ctx.n(2000)
    for i in range(count):
        cid = first_id + i
        created = start + timedelta(minutes=rng.randrange(0, 360 * 24 * 60))
        author = rng.choice(ctx.user_ids)
        conseil = rng.choice(ctx.conseil_ids)
        status = ContributionStatus.received
        answered_at = None
        timeline = [dict(kind=EventKind.submitted, occurred_at=created, actor_id=author,
                         status=ContributionStatus.received)]
        when = created
        targets = rng.sample(actions, 1) if rng.random() < 0.8 else [rng.choice(objectives)]
        if rng.random() < 0.3:
            targets.append(rng.choice([a for a in actions if a not in targets]))
        for node in targets:
            when += timedelta(days=rng.randint(1, 10))
            links.append(dict(contribution_id=cid, node_id=node.id, linked_at=when, linked_by_id=ctx.project_lead_id))
            timeline.append(dict(kind=EventKind.linked, occurred_at=when, actor_id=ctx.project_lead_id,
                                 link_url=f"/contrat/{node.id}", link_label=f"{node.code} – {node.title}"))
        if rng.random() < 0.5:
            when += timedelta(days=rng.randint(3, 40))
            timeline.append(dict(kind=EventKind.discussed, occurred_at=when, actor_id=ctx.project_lead_id,
                                 actor_label="Comité technique", text="Examiné en comité technique."))
        if rng.random() < 0.7:
            when += timedelta(days=rng.randint(5, 60))
            status = rng.choice(decided)
            timeline.append(dict(kind=EventKind.status_changed, occurred_at=when, actor_id=ctx.project_lead_id,
                                 status=status, text="Motif détaillé." if status == ContributionStatus.not_retained
                                 else None))
            if rng.random() < 0.8:
                answered_at = when + timedelta(days=rng.randint(0, 20))
                timeline.append(dict(kind=EventKind.answered, occurred_at=answered_at, actor_id=ctx.project_lead_id,
                                     actor_label="Comité de pilotage",
                                     text="Réponse officielle du comité de pilotage, avec le calendrier prévu."))
        contributions.append(dict(
            id=cid, kind=kinds[i % len(kinds)], source_type="bench_contract", source_id=i + 1, conseil_id=conseil,
            title=f"Contribution {i + 1} : {rng.choice(['éclairer', 'aménager', 'ouvrir', 'rénover'])} "
                  f"{rng.choice(['le square', 'le passage', 'la salle commune', 'les halls', 'le city-stade'])}",
            status=status, status_reason="Motif détaillé." if status == ContributionStatus.not_retained else None,
            answer=timeline[-1]["text"] if answered_at else None,
            answer_html=f"<p>{timeline[-1]['text']}</p>" if answered_at else None,
            answered_at=answered_at, created_at=created, updated_at=when))
        for event in timeline:
            events.append(dict(id=event_id, contribution_id=cid, recorded_at=event["occurred_at"],
                               **{"actor_label": None, "status": None, "text": None, "link_url": None,
                                  "link_label": None, **event}))
            event_id += 1
    for table, rows in ((Contribution, contributions), (ContributionEvent, events), (ContributionLink, links)):
        for offset in range(0, len(rows), 2000):
            db.session.execute(insert(table), rows[offset:offset + 2000])
    db.session.flush()
    from bench.generate import _reset_sequences

    _reset_sequences()  # explicit ids above; the services below take the next ones
    # The annual report round of the same year: opinions of all conseils but two, silence for the others.
    opened = datetime(YEAR + 1, 2, 2, 9, tzinfo=UTC)
    round_ = annual_report.open_round(YEAR, date(YEAR + 1, 3, 20), actor=None, now=opened,
                                      draft_text="Projet de rapport annuel.")
    from participation.territory.models import Conseil

    for conseil in db.session.scalars(select(Conseil).where(Conseil.id.in_(ctx.conseil_ids[:-2]))):
        annual_report.record_opinion(round_, conseil, annual_report.OpinionData(
            position=rng.choice([OpinionPosition.favourable, OpinionPosition.reserved]),
            majority_text="Le conseil salue les actions engagées et demande un calendrier.",
            dissenting_views="Plusieurs membres demandent un avis défavorable sur la sécurité des halls.",
            observations="Publier le calendrier des travaux.\n\nAssocier les habitants au choix des jeux.",
        ), actor=None, now=opened + timedelta(days=10))
    annual_report.close_due_rounds(now=datetime(YEAR + 1, 3, 22, tzinfo=UTC))
    busiest = max(contributions, key=lambda c: sum(1 for e in events if e["contribution_id"] == c["id"])
                  if c["id"] % 50 == 0 else 0)
    ctx.facts["contract"] = {"contribution_id": busiest["id"], "node_id": actions[0].id, "year": YEAR,
                             "contributions": count, "links": len(links), "events": len(events)}


def check(ctx: GenerationContext) -> list[str]:
    from participation.contract.models import ContractNode, Contribution, ContributionEvent, ContributionLink
    from participation.extensions import db

    facts, problems = ctx.facts["contract"], []
    bench = select(Contribution.id).where(Contribution.source_type == "bench_contract")
    if db.session.scalar(select(func.count()).select_from(bench.subquery())) != facts["contributions"]:
        problems.append("contribution count differs")
    links = db.session.scalar(select(func.count(ContributionLink.id))
                              .where(ContributionLink.contribution_id.in_(bench)))
    if links != facts["links"]:
        problems.append(f"links: {links} stored, {facts['links']} generated")
    orphans = db.session.scalar(select(func.count(ContributionLink.id)).outerjoin(
        ContractNode, ContractNode.id == ContributionLink.node_id).where(ContractNode.id.is_(None)))
    if orphans:
        problems.append(f"{orphans} links to missing nodes")
    without_first = db.session.scalar(select(func.count()).select_from(bench.where(
        ~select(ContributionEvent.id).where(ContributionEvent.contribution_id == Contribution.id,
                                            ContributionEvent.kind == "submitted").exists()).subquery()))
    if without_first:
        problems.append(f"{without_first} contributions without their submitted event")
    return problems


def pages(facts: dict) -> list[Page]:
    contract, lead = facts["contract"], facts["territory"]["project_lead_email"]
    year = contract["year"]
    return [
        Page("contract: /contrat", "/contrat", budget_median_ms=30, budget_p99_ms=100),
        Page("contract: /suivi/<id>", f"/suivi/{contract['contribution_id']}", budget_median_ms=30,
             budget_p99_ms=100),
        Page("contract: node page", f"/contrat/{contract['node_id']}"),
        Page("reporting: /pilotage", f"/pilotage?start={year}-01-01&end={year}-12-31", user=lead,
             budget_median_ms=30, budget_p99_ms=100),
        Page("contract: back-office list", "/pilotage/contributions", user=lead),
    ]


def extra_measures(facts: dict, port: int) -> list[str]:
    return computed_again(port, "contract", [("/contrat", "/contrat")]) + _dashboard_computed(facts, port)


def _dashboard_computed(facts: dict, port: int) -> list[str]:
    """/pilotage when its figures are not kept yet: the button "compute them again", then the page, 7 times."""
    from bench.run import Client, sign_in

    year = facts["contract"]["year"]
    query = f"start={year}-01-01&end={year}-12-31"
    client = Client(port, sign_in(port, facts["territory"]["project_lead_email"]))
    client.refresh_csrf()
    timings = []
    for _ in range(7):
        status, _elapsed, _headers, _body = client.request("POST", f"/pilotage/recalculer?{query}")
        if status != 302:
            return [f"/pilotage, figures computed again: HTTP {status}"]
        status, elapsed, _headers, _body = client.request("GET", f"/pilotage?{query}")
        if status != 200:
            return [f"/pilotage, figures computed again: HTTP {status}"]
        timings.append(elapsed)
    return [f"/pilotage when its figures are computed (not kept yet; they are then kept "
            f"DASHBOARD_CACHE_SECONDS): median {statistics.median(timings):.0f} ms, max {max(timings):.0f} ms "
            f"over {len(timings)} requests"]


def main(argv: list[str] | None = None) -> int:
    """Time the annex of the annual report (PDF and ODS) in-process on the bench database."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_DATABASE_URL))
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args(argv)
    os.environ.update(DATABASE_URL=args.database_url, SECRET_KEY="bench", LOG_LEVEL="WARNING")
    from participation import create_app
    from participation.reporting import annex_pdf, services

    year = load_facts()["contract"]["year"]
    app = create_app()
    timings, size = [], 0
    with app.test_request_context():
        for _ in range(args.runs):
            started = time.perf_counter()
            data = services.annex(year)
            body = annex_pdf.annex_pdf(data, "Agglomération de Val-de-Lys")
            timings.append(time.perf_counter() - started)
            size = len(body)
        contributions = sum(len(item.contributions) for item in data.conseils)
        started = time.perf_counter()
        rows = sum(1 for _ in services.annex_rows(year))
        ods_seconds = time.perf_counter() - started
    median = statistics.median(timings)
    print(f"annex PDF {year}: {contributions} contributions, {size / 1e6:.1f} MB, median {median:.2f} s over "
          f"{args.runs} runs (budget 10 s); annex rows for ODS: {rows} in {ods_seconds:.2f} s")
    return 0 if median < 10 else 1


if __name__ == "__main__":
    sys.exit(main())
