"""Figures of the dashboard and rows of the exports, computed from the tables of every capability.

Definitions (they are shown on the dashboard too):
- a person *took part* in the period when a capability recorded an act of theirs in it
  (``registry.participation_activity``: a proposal, a support, an answer, a workshop attended…);
  a *new participant* is one whose first act ever falls in the period;
- contributions *of the period* are those received in it; *answered* ones have an official answer
  (whenever it came); the time to answer runs from reception to the first official answer;
- per QPV, people are counted by the quartier they said they live in, contributions by the conseils
  covering that QPV (a conseil covering two QPV counts in both);
- per node of the contract, a contribution counts for the node it is linked to and every node above.
Breakdowns by gender and age are shown only for groups of at least ``MIN_GROUP`` people.
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import func, literal, select, union_all
from sqlalchemy.orm import selectinload

from participation.accounts.models import Gender, User
from participation.contract import annual_report, structure
from participation.contract import services as contract_services
from participation.contract.models import (
    ConseilOpinion,
    Contribution,
    ContributionEvent,
    ContributionKind,
    ContributionLink,
    ContributionStatus,
    EventKind,
    ReportObservation,
    ReportRound,
)
from participation.exports import Column
from participation.extensions import db
from participation.i18n import PARIS
from participation.registry import DashboardScope, IndicatorTable, get_registry
from participation.territory.models import QPV, Conseil, ConseilQPV

MIN_GROUP = 10
HIDDEN = "< 10"


# ------------------------------------------------------------------------------------------ scope


def make_scope(first_day: date, last_day: date, conseil_ids: Iterable[int] | None = None,
               qpv_id: int | None = None) -> DashboardScope:
    """The period from ``first_day`` to ``last_day`` included (Paris days), for these conseils (None: all)."""
    start = datetime.combine(first_day, time(0, 0), tzinfo=PARIS)
    end = datetime.combine(last_day + timedelta(days=1), time(0, 0), tzinfo=PARIS)
    return DashboardScope(start=start, end=end, first_day=first_day, last_day=last_day,
                          conseil_ids=frozenset(conseil_ids) if conseil_ids is not None else None, qpv_id=qpv_id)


def conseils_of_qpv(qpv_id: int) -> set[int]:
    return set(db.session.scalars(select(ConseilQPV.conseil_id).where(ConseilQPV.qpv_id == qpv_id)))


def _in_scope(column, scope: DashboardScope):
    if scope.conseil_ids is None:
        return literal(True)
    return column.in_(scope.conseil_ids or {-1})


# ------------------------------------------------------------------------------------------ small groups


def small_groups(counts: Iterable[tuple[Any, int]]) -> list[tuple[Any, int | str]]:
    """Counts of people by group, with every group under ``MIN_GROUP`` people replaced by ``HIDDEN``."""
    return [(label, count if count >= MIN_GROUP else HIDDEN) for label, count in counts]


def median_days(durations: list[timedelta]) -> float | None:
    if not durations:
        return None
    return round(statistics.median(d.total_seconds() / 86400 for d in durations), 1)


def share(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None


# ------------------------------------------------------------------------------------------ people


def activity():
    """Every act of participation of every capability: (user_id, conseil_id, at)."""
    selects = [make() for make in get_registry().participation_activity]
    if not selects:
        return None
    return (union_all(*selects) if len(selects) > 1 else selects[0]).subquery("activity")


def _people_in_scope(scope: DashboardScope, acts):
    return (select(acts.c.user_id).where(acts.c.at >= scope.start, acts.c.at < scope.end,
                                         acts.c.user_id.is_not(None), _in_scope(acts.c.conseil_id, scope))
            .distinct())


@dataclass
class People:
    total: int
    new: int
    by_conseil: dict[int, tuple[int, int]]  # conseil id: (people, new)
    by_qpv: dict[int | None, int]
    genders: dict[Gender, int]
    birth_years: dict[int, int]


def people(scope: DashboardScope) -> People:
    acts = activity()
    if acts is None:
        return People(0, 0, {}, {}, {}, {})
    scoped = _people_in_scope(scope, acts).subquery("scoped")
    firsts = select(acts.c.user_id, func.min(acts.c.at).label("first_at")).where(
        acts.c.user_id.is_not(None)).group_by(acts.c.user_id).subquery("firsts")
    new_ids = (select(firsts.c.user_id).where(firsts.c.first_at >= scope.start, firsts.c.first_at < scope.end))
    total = db.session.scalar(select(func.count()).select_from(scoped)) or 0
    new = db.session.scalar(select(func.count()).select_from(scoped).where(scoped.c.user_id.in_(new_ids))) or 0
    per_conseil = select(acts.c.conseil_id, acts.c.user_id).where(
        acts.c.at >= scope.start, acts.c.at < scope.end, acts.c.user_id.is_not(None),
        acts.c.conseil_id.is_not(None), _in_scope(acts.c.conseil_id, scope)).distinct().subquery("per_conseil")
    by_conseil: dict[int, tuple[int, int]] = {}
    rows = db.session.execute(
        select(per_conseil.c.conseil_id, func.count(),
               func.count().filter(per_conseil.c.user_id.in_(new_ids)))
        .group_by(per_conseil.c.conseil_id))
    for conseil_id, count, new_count in rows:
        by_conseil[conseil_id] = (count, new_count)
    by_qpv = dict(db.session.execute(
        select(User.qpv_id, func.count()).where(User.id.in_(select(scoped.c.user_id))).group_by(User.qpv_id)).all())
    genders = dict(db.session.execute(
        select(User.gender, func.count()).where(User.id.in_(select(scoped.c.user_id)), User.gender.is_not(None))
        .group_by(User.gender)).all())
    birth_years = dict(db.session.execute(
        select(User.birth_year, func.count()).where(User.id.in_(select(scoped.c.user_id)),
                                                    User.birth_year.is_not(None))
        .group_by(User.birth_year)).all())
    return People(total, new, by_conseil, by_qpv, genders, birth_years)


AGE_BANDS = ((0, 17), (18, 29), (30, 44), (45, 59), (60, 74), (75, 200))


def age_band_label(low: int, high: int) -> str:
    if low == 0:
        return _("under %(age)d", age=high + 1)
    if high >= 200:
        return _("%(age)d and over", age=low)
    return _("%(low)d–%(high)d", low=low, high=high)


def age_bands(birth_years: dict[int, int], reference_year: int) -> list[tuple[str, int]]:
    """People by age band, their age being the one reached in ``reference_year``."""
    counts = []
    for low, high in AGE_BANDS:
        counts.append((age_band_label(low, high), sum(
            n for year, n in birth_years.items() if low <= reference_year - year <= high)))
    return counts


# ------------------------------------------------------------------------------------------ contributions


@dataclass
class ContributionFacts:
    id: int
    kind: ContributionKind
    status: ContributionStatus
    conseil_id: int | None
    created_at: datetime
    first_answer_at: datetime | None

    @property
    def answered(self) -> bool:
        return self.first_answer_at is not None

    @property
    def time_to_answer(self) -> timedelta | None:
        return self.first_answer_at - self.created_at if self.first_answer_at is not None else None


def contribution_facts(scope: DashboardScope) -> list[ContributionFacts]:
    """The contributions received in the scope, with the time of their first official answer."""
    first_answer = (select(ContributionEvent.contribution_id, func.min(ContributionEvent.occurred_at).label("at"))
                    .where(ContributionEvent.kind == EventKind.answered)
                    .group_by(ContributionEvent.contribution_id).subquery("first_answer"))
    rows = db.session.execute(
        select(Contribution.id, Contribution.kind, Contribution.status, Contribution.conseil_id,
               Contribution.created_at, first_answer.c.at)
        .outerjoin(first_answer, first_answer.c.contribution_id == Contribution.id)
        .where(Contribution.created_at >= scope.start, Contribution.created_at < scope.end,
               _in_scope(Contribution.conseil_id, scope))
    )
    facts = []
    for row in rows:
        answered_at = row[5]
        if answered_at is not None and answered_at.tzinfo is None:  # SQLite and a raw aggregate
            from datetime import UTC

            answered_at = answered_at.replace(tzinfo=UTC)
        elif isinstance(answered_at, str):
            answered_at = datetime.fromisoformat(answered_at)
        facts.append(ContributionFacts(row[0], row[1], row[2], row[3], row[4], answered_at))
    return facts


def _answer_figures(facts: list[ContributionFacts]) -> tuple[int, int, float | None, float | None]:
    answered = [f for f in facts if f.answered]
    return (len(facts), len(answered), share(len(answered), len(facts)),
            median_days([f.time_to_answer for f in answered]))


# ------------------------------------------------------------------------------------------ indicators


def _c(key: str, label: str) -> Column:
    return Column(key, label)


def builtin_tables(scope: DashboardScope) -> list[IndicatorTable]:
    """The figures of participation and contributions, for a scope."""
    who = people(scope)
    facts = contribution_facts(scope)
    received, answered, answered_share, median = _answer_figures(facts)
    conseils = {c.id: c for c in db.session.scalars(select(Conseil).order_by(Conseil.name))}
    in_scope_conseils = [c for c in conseils.values() if scope.conseil_ids is None or c.id in scope.conseil_ids]
    tables = [IndicatorTable(
        key="synthese", title=_("Key figures"),
        columns=[_c("figure", _("Figure")), _c("value", _("Value"))],
        rows=[
            (_("People who took part"), who.total),
            (_("New participants"), who.new),
            (_("Contributions received"), received),
            (_("Contributions answered"), answered),
            (_("Share answered (%)"), answered_share),
            (_("Median days to answer"), median),
        ],
        chart_value=None,
    )]
    by_conseil_facts: dict[int | None, list[ContributionFacts]] = defaultdict(list)
    for fact in facts:
        by_conseil_facts[fact.conseil_id].append(fact)
    conseil_rows = []
    for conseil in in_scope_conseils:
        taking_part, new = who.by_conseil.get(conseil.id, (0, 0))
        c_received, c_answered, c_share, c_median = _answer_figures(by_conseil_facts.get(conseil.id, []))
        conseil_rows.append((conseil.name, taking_part, new, c_received, c_answered, c_share, c_median))
    tables.append(IndicatorTable(
        key="par-conseil", title=_("Per conseil citoyen"),
        columns=[_c("conseil", _("Conseil citoyen")), _c("people", _("People who took part")),
                 _c("new", _("New participants")), _c("received", _("Contributions received")),
                 _c("answered", _("Contributions answered")), _c("share_answered", _("Share answered (%)")),
                 _c("median_days", _("Median days to answer"))],
        rows=conseil_rows, chart_value=1,
    ))
    qpvs = list(db.session.scalars(select(QPV).order_by(QPV.code)))
    covering: dict[int, set[int]] = defaultdict(set)
    for conseil_id, qpv_id in db.session.execute(select(ConseilQPV.conseil_id, ConseilQPV.qpv_id)):
        covering[qpv_id].add(conseil_id)
    qpv_rows = []
    for qpv in qpvs:
        conseil_ids = covering.get(qpv.id, set())
        if scope.qpv_id is not None and qpv.id != scope.qpv_id:
            continue
        if scope.conseil_ids is not None and not conseil_ids & scope.conseil_ids:
            continue
        q_facts = [f for f in facts if f.conseil_id in conseil_ids]
        q_received, q_answered, q_share, q_median = _answer_figures(q_facts)
        qpv_rows.append((f"{qpv.name} ({qpv.code})", who.by_qpv.get(qpv.id, 0), q_received, q_answered, q_share,
                         q_median))
    tables.append(IndicatorTable(
        key="par-qpv", title=_("Per quartier prioritaire"),
        columns=[_c("qpv", _("Quartier prioritaire")), _c("people", _("People living there who took part")),
                 _c("received", _("Contributions of its conseils")), _c("answered", _("Contributions answered")),
                 _c("share_answered", _("Share answered (%)")), _c("median_days", _("Median days to answer"))],
        rows=qpv_rows, chart_value=1,
        note=_("People are counted by the quartier they said they live in; contributions by the conseils "
               "covering the quartier."),
    ))
    kind_counts = defaultdict(int)
    status_counts = defaultdict(int)
    for fact in facts:
        kind_counts[fact.kind] += 1
        status_counts[fact.status] += 1
    tables.append(IndicatorTable(
        key="par-type", title=_("Contributions by kind"),
        columns=[_c("kind", _("Kind")), _c("count", _("Contributions"))],
        rows=[(contract_services.kind_label(kind), kind_counts.get(kind, 0)) for kind in ContributionKind],
    ))
    tables.append(IndicatorTable(
        key="par-statut", title=_("Contributions by status"),
        columns=[_c("status", _("Status")), _c("count", _("Contributions"))],
        rows=[(contract_services.status_label(status), status_counts.get(status, 0))
              for status in ContributionStatus],
    ))
    tables.append(node_table(scope, facts))
    tables.extend(demographic_tables(who, scope))
    return tables


def node_table(scope: DashboardScope, facts: list[ContributionFacts]) -> IndicatorTable:
    """Per node of the contract: the contributions of the period linked to it or to a node below it."""
    columns = [_c("node", _("Part of the contract")), _c("level", _("Level")),
               _c("received", _("Contributions received")), _c("answered", _("Contributions answered")),
               _c("share_answered", _("Share answered (%)")), _c("median_days", _("Median days to answer"))]
    contract = structure.current_contract()
    if contract is None:
        return IndicatorTable(key="par-noeud", title=_("Per part of the contract"), columns=columns, rows=[])
    flat = structure.flat_tree(contract)
    parent_of = {node.id: node.parent_id for _depth, node in flat}
    by_id = {fact.id: fact for fact in facts}
    linked: dict[int, set[int]] = defaultdict(set)
    if by_id:
        for node_id, contribution_id in db.session.execute(
                select(ContributionLink.node_id, ContributionLink.contribution_id)
                .join(Contribution, Contribution.id == ContributionLink.contribution_id)
                .where(Contribution.created_at >= scope.start, Contribution.created_at < scope.end)):
            if contribution_id not in by_id:
                continue
            current: int | None = node_id
            while current is not None and current in parent_of:
                linked[current].add(contribution_id)
                current = parent_of[current]
    rows = []
    for depth, node in flat:
        received, answered, answered_share, median = _answer_figures([by_id[i] for i in linked.get(node.id, ())])
        rows.append(("\u2003" * depth + node.label, contract_services.level_label(node.level), received, answered,
                     answered_share, median))
    return IndicatorTable(key="par-noeud", title=_("Per part of the contract"), columns=columns, rows=rows,
                          chart_value=2,
                          note=_("A contribution counts for the part it is linked to and every part above it."))


def demographic_tables(who: People, scope: DashboardScope) -> list[IndicatorTable]:
    """Women/men and age bands of the people who chose to say, never for groups under 10 people."""
    note = _("Only people who chose to give it; groups under %(min)d people are not shown.", min=MIN_GROUP)
    if who.total < MIN_GROUP:
        note = _("Fewer than %(min)d people took part: no breakdown is shown.", min=MIN_GROUP)
        gender_rows: list[tuple[Any, Any]] = []
        age_rows: list[tuple[Any, Any]] = []
    else:
        labels = {Gender.woman: _("Women"), Gender.man: _("Men"), Gender.other: _("Other")}
        gender_rows = small_groups((labels[g], who.genders.get(g, 0)) for g in Gender)
        age_rows = small_groups(age_bands(who.birth_years, scope.last_day.year))
    return [
        IndicatorTable(key="genre", title=_("Women and men who took part"),
                       columns=[_c("gender", _("Gender")), _c("people", _("People"))], rows=gender_rows, note=note),
        IndicatorTable(key="age", title=_("Age of the people who took part"),
                       columns=[_c("age", _("Age")), _c("people", _("People"))], rows=age_rows, note=note),
    ]


def all_tables(scope: DashboardScope) -> list[tuple[str, list[IndicatorTable]]]:
    """The built-in figures, then each block a capability registered, as (block title, tables)."""
    blocks = [(_("Participation and contributions"), builtin_tables(scope))]
    for indicator in get_registry().sorted_dashboard_indicators():
        blocks.append((str(indicator.title), indicator.compute(scope)))
    return blocks


def find_table(scope: DashboardScope, key: str) -> IndicatorTable | None:
    for _title, tables in all_tables(scope):
        for table in tables:
            if table.key == key:
                return table
    return None


# ------------------------------------------------------------------------------------------ export tables


@dataclass(frozen=True)
class ExportTable:
    key: str
    title: str
    personal: bool
    description: str


def export_tables() -> list[ExportTable]:
    return [
        ExportTable("contributions", _("Contributions"), False,
                    _("Every contribution: kind, conseil, status, answer, parts of the contract.")),
        ExportTable("chronologies", _("Timelines"), True,
                    _("Every event of every timeline, with the name of who did it (personal data).")),
        ExportTable("contrat", _("Contract structure"), False,
                    _("The tree of the contract, in the layout of the import.")),
        ExportTable("avis", _("Opinions on the annual reports"), False,
                    _("Opinions of the conseils, dissenting views and observations with their follow-up.")),
    ]


def contribution_columns() -> list[Column]:
    return [_c("id", _("Number")), _c("kind", _("Kind")), _c("conseil", _("Conseil citoyen")),
            _c("title", _("Title")), _c("status", _("Status")), _c("status_reason", _("Reason")),
            _c("received_at", _("Received on")), _c("answered_at", _("Answered on")), _c("answer", _("Answer")),
            _c("contract", _("Parts of the contract")), _c("url", _("Follow-up page"))]


def contribution_rows(conseil_ids: frozenset[int] | None, base_url: str) -> Iterator[tuple[Any, ...]]:
    """One row per contribution, read in batches so memory stays flat."""
    conseil_names = dict(db.session.execute(select(Conseil.id, Conseil.name)).all())
    query = select(Contribution).options(selectinload(Contribution.links).selectinload(ContributionLink.node))
    if conseil_ids is not None:
        query = query.where(Contribution.conseil_id.in_(conseil_ids or {-1}))
    last_id = 0
    while True:
        batch = list(db.session.scalars(query.where(Contribution.id > last_id).order_by(Contribution.id).limit(500)))
        if not batch:
            return
        for c in batch:
            yield (c.id, contract_services.kind_label(c.kind), conseil_names.get(c.conseil_id, ""), c.title,
                   contract_services.status_label(c.status), c.status_reason, c.created_at, c.answered_at, c.answer,
                   " | ".join(link.node.label for link in c.links), f"{base_url}/suivi/{c.id}")
        last_id = batch[-1].id
        db.session.expunge_all()


def event_columns() -> list[Column]:
    return [_c("contribution", _("Contribution")), _c("event", _("Event number")), _c("occurred_at", _("Date")),
            _c("recorded_at", _("Recorded on")), _c("kind", _("Event")), _c("status", _("Status")),
            _c("who", _("Who")), _c("text", _("Text")), _c("link", _("Document")), _c("corrects", _("Corrects event"))]


def event_rows(conseil_ids: frozenset[int] | None) -> Iterator[tuple[Any, ...]]:
    names = {user_id: (name, deleted) for user_id, name, deleted in db.session.execute(
        select(User.id, User.display_name, User.deleted_at).where(
            User.id.in_(select(ContributionEvent.actor_id).distinct())))}
    query = select(ContributionEvent).join(Contribution, Contribution.id == ContributionEvent.contribution_id)
    if conseil_ids is not None:
        query = query.where(Contribution.conseil_id.in_(conseil_ids or {-1}))
    query = query.order_by(ContributionEvent.contribution_id, ContributionEvent.occurred_at, ContributionEvent.id)
    for event in db.session.scalars(query.execution_options(yield_per=500)):
        who = event.actor_label
        if who is None and event.actor_id is not None:
            name, deleted = names.get(event.actor_id, ("", None))
            who = _("former participant") if deleted else name
        yield (event.contribution_id, event.id, event.occurred_at, event.recorded_at,
               contract_services.event_label(event.kind),
               contract_services.status_label(event.status) if event.status else None, who, event.text,
               event.link_label or event.link_url, event.corrects_id)


def contract_columns() -> list[Column]:
    return [Column(name, name) for name in structure.IMPORT_COLUMNS]


def contract_rows() -> Iterator[tuple[Any, ...]]:
    contract = structure.current_contract()
    if contract is not None:
        yield from structure.export_rows(contract)


def opinion_columns() -> list[Column]:
    return [_c("year", _("Year")), _c("conseil", _("Conseil citoyen")), _c("position", _("Position")),
            _c("majority", _("Opinion of the majority")), _c("dissenting", _("Dissenting views")),
            _c("observation", _("Observation")), _c("status", _("Status")), _c("follow_up", _("Follow-up given")),
            _c("recorded_at", _("Recorded on"))]


def opinion_rows(year: int | None, conseil_ids: frozenset[int] | None) -> Iterator[tuple[Any, ...]]:
    query = (select(ConseilOpinion).join(ReportRound, ReportRound.id == ConseilOpinion.round_id)
             .options(selectinload(ConseilOpinion.observations), selectinload(ConseilOpinion.conseil),
                      selectinload(ConseilOpinion.round))
             .order_by(ReportRound.year, ConseilOpinion.conseil_id))
    if year is not None:
        query = query.where(ReportRound.year == year)
    if conseil_ids is not None:
        query = query.where(ConseilOpinion.conseil_id.in_(conseil_ids or {-1}))
    for opinion in db.session.scalars(query):
        base = (opinion.round.year, opinion.conseil.name, contract_services.position_label(opinion.position),
                opinion.majority_text, opinion.dissenting_views)
        if not opinion.observations:
            yield (*base, None, None, None, opinion.recorded_at)
        for observation in opinion.observations:
            contribution = observation.contribution
            yield (*base, observation.text,
                   contract_services.status_label(contribution.status) if contribution else None,
                   contribution.answer if contribution else None, opinion.recorded_at)


# ------------------------------------------------------------------------------------------ annex of the annual report


@dataclass
class AnnexConseil:
    conseil: Conseil
    opinion: ConseilOpinion | None
    contributions: list[Contribution]


@dataclass
class Annex:
    year: int
    round: ReportRound | None
    contract_title: str | None
    conseils: list[AnnexConseil]


def annex(year: int) -> Annex:
    """Per conseil: its contributions received in the year, its opinion (with dissenting views), the follow-up."""
    first = datetime.combine(date(year, 1, 1), time(0, 0), tzinfo=PARIS)
    last = datetime.combine(date(year + 1, 1, 1), time(0, 0), tzinfo=PARIS)
    round_ = annual_report.round_for_year(year)
    opinions = {}
    if round_ is not None:
        opinions = {o.conseil_id: o for o in db.session.scalars(
            select(ConseilOpinion).where(ConseilOpinion.round_id == round_.id)
            .options(selectinload(ConseilOpinion.observations).selectinload(ReportObservation.contribution)))}
    contributions: dict[int | None, list[Contribution]] = defaultdict(list)
    for contribution in db.session.scalars(
            select(Contribution).where(Contribution.created_at >= first, Contribution.created_at < last)
            .options(selectinload(Contribution.links).selectinload(ContributionLink.node))
            .order_by(Contribution.conseil_id, Contribution.created_at, Contribution.id)):
        contributions[contribution.conseil_id].append(contribution)
    conseils = list(db.session.scalars(select(Conseil).order_by(Conseil.name)))
    contract = structure.current_contract()
    items = [AnnexConseil(c, opinions.get(c.id), contributions.get(c.id, [])) for c in conseils
             if c.archived_at is None or c.id in opinions or contributions.get(c.id)]
    return Annex(year=year, round=round_, contract_title=contract.title if contract else None, conseils=items)


def annex_columns() -> list[Column]:
    return [_c("conseil", _("Conseil citoyen")), _c("section", _("Section")), _c("number", _("Number")),
            _c("title", _("Title")), _c("kind", _("Kind")), _c("status", _("Status")),
            _c("contract", _("Parts of the contract")), _c("text", _("Text")), _c("follow_up", _("Follow-up given"))]


def annex_rows(year: int) -> Iterator[tuple[Any, ...]]:
    """The annex as one table (loaded when the first row is asked, so it streams after the view returned)."""
    data = annex(year)
    for item in data.conseils:
        name = item.conseil.name
        opinion = item.opinion
        if opinion is not None:
            yield (name, _("Opinion"), None, contract_services.position_label(opinion.position), None, None, None,
                   opinion.majority_text, None)
            if opinion.dissenting_views:
                yield (name, _("Dissenting views"), None, None, None, None, None, opinion.dissenting_views, None)
            for observation in opinion.observations:
                contribution = observation.contribution
                yield (name, _("Observation"), contribution.id if contribution else None, None, None,
                       contract_services.status_label(contribution.status) if contribution else None, None,
                       observation.text, contribution.answer if contribution else None)
        else:
            yield (name, _("Opinion"), None, _("No opinion recorded"), None, None, None, None, None)
        for contribution in item.contributions:
            if contribution.source_type == annual_report.OBSERVATION_SOURCE:
                continue
            yield (name, _("Contribution"), contribution.id, contribution.title,
                   contract_services.kind_label(contribution.kind), contract_services.status_label(contribution.status),
                   " | ".join(link.node.label for link in contribution.links), contribution.status_reason,
                   contribution.answer)

