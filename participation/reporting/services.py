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
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any, NamedTuple

from flask_babel import gettext as _
from sqlalchemy import DateTime, Float, Integer, String, case, cast, func, literal, null, select, type_coerce, union_all
from sqlalchemy.orm import aliased, selectinload

from participation.accounts.models import Gender, User
from participation.contract import annual_report, structure
from participation.contract import queries as contract_queries
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
from participation.db import inline
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


def _in_scope(column, scope: DashboardScope):
    if scope.conseil_ids is None:
        return literal(True)
    return column.in_(scope.conseil_ids or {-1})


# ------------------------------------------------------------------------------------------ small groups


def small_groups(counts: Iterable[tuple[Any, int]]) -> list[tuple[Any, int | str]]:
    """Counts of people by group, with every group under ``MIN_GROUP`` people replaced by ``HIDDEN``."""
    return [(label, count if count >= MIN_GROUP else HIDDEN) for label, count in counts]


def share(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None


# ------------------------------------------------------------------------------------------ people


def activity():
    """Every act of participation of every capability: (user_id, conseil_id, at)."""
    selects = [make() for make in get_registry().participation_activity]
    if not selects:
        return None
    return (union_all(*selects) if len(selects) > 1 else selects[0]).subquery("activity")


@dataclass
class People:
    total: int
    new: int
    by_conseil: dict[int, tuple[int, int]]  # conseil id: (people, new)
    by_qpv: dict[int | None, int]
    genders: dict[Gender, int]
    birth_years: dict[int, int]


def people(scope: DashboardScope) -> People:
    """Who took part in the scope, counted in one statement: in all, per conseil, per QPV, gender and birth year.

    A person is new when they took part in the period and never before it (whatever the conseil).
    """
    acts = activity()
    if acts is None:
        return People(0, 0, {}, {}, {}, {})
    pairs = (select(acts.c.user_id, acts.c.conseil_id)
             .where(acts.c.at >= scope.start, acts.c.at < scope.end, acts.c.user_id.is_not(None),
                    _in_scope(acts.c.conseil_id, scope))
             .distinct().cte("pairs"))
    ids = select(pairs.c.user_id).distinct().subquery("ids")
    earlier = activity()
    took_part_before = select(earlier.c.user_id).where(earlier.c.user_id == ids.c.user_id,
                                                       earlier.c.at < scope.start).exists()
    persons = select(ids.c.user_id, case((took_part_before, 0), else_=1).label("new")).cte("persons")
    users = (select(User.qpv_id, User.gender, User.birth_year).join(persons, persons.c.user_id == User.id)
             .cte("users"))

    def figures(dimension: str, key=None, gender=None, new=None):
        """The columns of one breakdown: dimension, key (an id or a year), gender, people, new people."""
        return (literal(dimension, String(12)).label("dimension"),
                key if key is not None else cast(null(), Integer),
                gender if gender is not None else cast(null(), String(32)),
                func.count().label("people"), func.coalesce(func.sum(new), 0) if new is not None else literal(0))

    rows = db.session.execute(union_all(
        select(*figures("total", new=persons.c.new)).select_from(persons),
        select(*figures("conseil", key=pairs.c.conseil_id, new=persons.c.new))
        .join(persons, persons.c.user_id == pairs.c.user_id).where(pairs.c.conseil_id.is_not(None))
        .group_by(pairs.c.conseil_id),
        select(*figures("qpv", key=users.c.qpv_id)).group_by(users.c.qpv_id),
        select(*figures("gender", gender=users.c.gender)).where(users.c.gender.is_not(None)).group_by(users.c.gender),
        select(*figures("birth_year", key=users.c.birth_year)).where(users.c.birth_year.is_not(None))
        .group_by(users.c.birth_year),
    ))
    result = People(0, 0, {}, {}, {}, {})
    for dimension, key, gender, count, new in rows:
        if dimension == "total":
            result.total, result.new = count, new
        elif dimension == "conseil":
            result.by_conseil[key] = (count, new)
        elif dimension == "qpv":
            result.by_qpv[key] = count
        elif dimension == "gender":
            result.genders[Gender(gender)] = count
        else:
            result.birth_years[key] = count
    return result


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
    """The contributions received in a scope, read in one statement and grouped in one pass.

    Each contribution is a "delay": the days from its reception to its first official answer, or None
    while it is unanswered; the figures of a group are computed from the list of its delays.
    """

    delays: list[float | None]
    by_conseil: dict[int | None, list[float | None]]
    by_node: dict[int, list[float | None]]  # the node a contribution is linked to and every node above it
    kinds: Counter
    statuses: Counter


def contribution_facts(scope: DashboardScope, parent_of: dict[int, int | None]) -> ContributionFacts:
    """The contributions received in the scope, with the delay of their first answer and the nodes they count for.

    ``parent_of`` is the live tree of the contract ({node id: parent id}): links to nodes outside it are ignored.
    One statement (a row per link, or one for an unlinked contribution), read as plain values: converting
    thousands of times and enums cost more than the query. PostgreSQL gives the exact difference in seconds
    (as Python's ``total_seconds()`` would); SQLite gives both times and Python subtracts them.
    """
    received = (Contribution.created_at >= scope.start, Contribution.created_at < scope.end)
    answered = aliased(Contribution)
    first_answer = (select(ContributionEvent.contribution_id, func.min(ContributionEvent.occurred_at).label("at"))
                    .join(answered, answered.id == ContributionEvent.contribution_id)
                    .where(ContributionEvent.kind == EventKind.answered, answered.created_at >= scope.start,
                           answered.created_at < scope.end)
                    .group_by(ContributionEvent.contribution_id).subquery("first_answer"))
    in_database = db.engine.dialect.name == "postgresql"
    if in_database:
        times = (cast(func.extract("epoch", first_answer.c.at - Contribution.created_at), Float),)
    else:
        times = (type_coerce(Contribution.created_at, DateTime), type_coerce(first_answer.c.at, DateTime))
    rows = db.session.connection().execute(
        select(Contribution.id, type_coerce(Contribution.kind, String), type_coerce(Contribution.status, String),
               Contribution.conseil_id, ContributionLink.node_id, *times)
        .outerjoin(first_answer, first_answer.c.contribution_id == Contribution.id)
        .outerjoin(ContributionLink, ContributionLink.contribution_id == Contribution.id)
        .where(*received, _in_scope(Contribution.conseil_id, scope))).all()
    if not in_database:
        rows = ((*row[:5], (row[6] - row[5]).total_seconds() if row[6] is not None else None) for row in rows)
    above: dict[int, tuple[int, ...]] = {}  # a node and the nodes above it
    for node_id in parent_of:
        chain, current = [], node_id
        while current is not None and current in parent_of:
            chain.append(current)
            current = parent_of[current]
        above[node_id] = tuple(chain)
    facts = ContributionFacts([], defaultdict(list), defaultdict(list), Counter(), Counter())
    delay_of: dict[int, float | None] = {}
    nodes_of: dict[int, set[int]] = defaultdict(set)
    kinds: list[str] = []
    statuses: list[str] = []
    # Thousands of rows: the loop uses local names only.
    add_delay, by_conseil, no_nodes = facts.delays.append, facts.by_conseil, ()
    for contribution_id, kind, status, conseil_id, node_id, seconds in rows:
        if node_id is not None:
            nodes_of[contribution_id].update(above.get(node_id, no_nodes))
        if contribution_id in delay_of:
            continue
        delay = delay_of[contribution_id] = seconds / 86400 if seconds is not None else None
        add_delay(delay)
        by_conseil[conseil_id].append(delay)
        kinds.append(kind)
        statuses.append(status)
    facts.kinds = Counter({ContributionKind(kind): n for kind, n in Counter(kinds).items()})
    facts.statuses = Counter({ContributionStatus(status): n for status, n in Counter(statuses).items()})
    for contribution_id, nodes in nodes_of.items():
        delay = delay_of[contribution_id]
        for node_id in nodes:
            facts.by_node[node_id].append(delay)
    return facts


def _answer_figures(delays: list[float | None]) -> tuple[int, int, float | None, float | None]:
    """Received, answered, share answered (%) and median days to answer, from the delays of a group."""
    answered = [delay for delay in delays if delay is not None]
    return (len(delays), len(answered), share(len(answered), len(delays)),
            round(statistics.median(answered), 1) if answered else None)


# ------------------------------------------------------------------------------------------ indicators


def _c(key: str, label: str) -> Column:
    return Column(key, label)


class Place(NamedTuple):
    id: int
    name: str
    code: str = ""


@dataclass
class Territory:
    """The conseils and the QPV (both by name) with the conseils covering each QPV: read once per page."""

    conseils: list[Place]
    qpvs: list[Place]
    covering: dict[int, set[int]]  # qpv id: ids of the conseils covering it

    @property
    def qpvs_by_code(self) -> list[Place]:
        return sorted(self.qpvs, key=lambda qpv: (qpv.code, qpv.id))


def territory() -> Territory:
    """The conseils and QPV of the territory (one statement)."""
    conseils: list[Place] = []
    qpvs: dict[int, Place] = {}
    covering: dict[int, set[int]] = defaultdict(set)
    rows = db.session.execute(union_all(
        select(literal("conseil", String(8)).label("kind"), Conseil.id.label("id"), Conseil.name.label("name"),
               cast(null(), String(20)).label("code"), cast(null(), Integer).label("conseil_id")),
        select(literal("qpv", String(8)), QPV.id, QPV.name, QPV.code, ConseilQPV.conseil_id)
        .outerjoin(ConseilQPV, ConseilQPV.qpv_id == QPV.id),
    ).order_by("kind", "name"))
    for kind, id_, name, code, conseil_id in rows:
        if kind == "conseil":
            conseils.append(Place(id_, name))
            continue
        qpvs.setdefault(id_, Place(id_, name, code))
        if conseil_id is not None:
            covering[id_].add(conseil_id)
    return Territory(conseils=conseils, qpvs=list(qpvs.values()), covering=covering)


def builtin_tables(scope: DashboardScope, places: Territory | None = None) -> list[IndicatorTable]:
    """The figures of participation and contributions, for a scope."""
    places = places or territory()
    who = people(scope)
    tree = _contract_tree()
    facts = contribution_facts(scope, {node.id: node.parent_id for _depth, node in tree})
    received, answered, answered_share, median = _answer_figures(facts.delays)
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
    conseil_rows = []
    for conseil_id, name, _code in places.conseils:
        if scope.conseil_ids is not None and conseil_id not in scope.conseil_ids:
            continue
        taking_part, new = who.by_conseil.get(conseil_id, (0, 0))
        conseil_rows.append((name, taking_part, new, *_answer_figures(facts.by_conseil.get(conseil_id, []))))
    tables.append(IndicatorTable(
        key="par-conseil", title=_("Per conseil citoyen"),
        columns=[_c("conseil", _("Conseil citoyen")), _c("people", _("People who took part")),
                 _c("new", _("New participants")), _c("received", _("Contributions received")),
                 _c("answered", _("Contributions answered")), _c("share_answered", _("Share answered (%)")),
                 _c("median_days", _("Median days to answer"))],
        rows=conseil_rows, chart_value=1,
    ))
    qpv_rows = []
    for qpv_id, name, code in places.qpvs_by_code:
        conseil_ids = places.covering.get(qpv_id, set())
        if scope.qpv_id is not None and qpv_id != scope.qpv_id:
            continue
        if scope.conseil_ids is not None and not conseil_ids & scope.conseil_ids:
            continue
        delays = [delay for conseil_id in conseil_ids for delay in facts.by_conseil.get(conseil_id, ())]
        qpv_rows.append((f"{name} ({code})", who.by_qpv.get(qpv_id, 0), *_answer_figures(delays)))
    tables.append(IndicatorTable(
        key="par-qpv", title=_("Per quartier prioritaire"),
        columns=[_c("qpv", _("Quartier prioritaire")), _c("people", _("People living there who took part")),
                 _c("received", _("Contributions of its conseils")), _c("answered", _("Contributions answered")),
                 _c("share_answered", _("Share answered (%)")), _c("median_days", _("Median days to answer"))],
        rows=qpv_rows, chart_value=1,
        note=_("People are counted by the quartier they said they live in; contributions by the conseils "
               "covering the quartier."),
    ))
    tables.append(IndicatorTable(
        key="par-type", title=_("Contributions by kind"),
        columns=[_c("kind", _("Kind")), _c("count", _("Contributions"))],
        rows=[(contract_services.kind_label(kind), facts.kinds.get(kind, 0)) for kind in ContributionKind],
    ))
    tables.append(IndicatorTable(
        key="par-statut", title=_("Contributions by status"),
        columns=[_c("status", _("Status")), _c("count", _("Contributions"))],
        rows=[(contract_services.status_label(status), facts.statuses.get(status, 0))
              for status in ContributionStatus],
    ))
    tables.append(node_table(tree, facts))
    tables.extend(demographic_tables(who, scope))
    return tables


def _contract_tree() -> list[tuple[int, Any]]:
    """(depth, node row) of the live tree of the contract in force, in reading order."""
    return contract_queries.flatten(contract_queries.current_tree()[1])


def node_table(tree: list[tuple[int, Any]], facts: ContributionFacts) -> IndicatorTable:
    """Per node of the contract: the contributions of the period linked to it or to a node below it."""
    columns = [_c("node", _("Part of the contract")), _c("level", _("Level")),
               _c("received", _("Contributions received")), _c("answered", _("Contributions answered")),
               _c("share_answered", _("Share answered (%)")), _c("median_days", _("Median days to answer"))]
    if not tree:
        return IndicatorTable(key="par-noeud", title=_("Per part of the contract"), columns=columns, rows=[])
    levels = contract_services.label_maps()["level"]
    rows = [("\u2003" * depth + f"{node.code} – {node.title}", levels[node.level],
             *_answer_figures(facts.by_node.get(node.id, []))) for depth, node in tree]
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


def all_tables(scope: DashboardScope, places: Territory | None = None) -> list[tuple[str, list[IndicatorTable]]]:
    """The built-in figures, then each block a capability registered, as (block title, tables)."""
    blocks = [(_("Participation and contributions"), builtin_tables(scope, places))]
    for indicator in get_registry().sorted_dashboard_indicators():
        blocks.append((str(indicator.title), indicator.compute(scope)))
    return blocks


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
    return [_c("id", _("Reference number")), _c("kind", _("Kind")), _c("conseil", _("Conseil citoyen")),
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
        batch = list(db.session.scalars(
            query.where(Contribution.id > last_id).order_by(Contribution.id).limit(inline(500))))
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
    return [_c("conseil", _("Conseil citoyen")), _c("section", _("Section")), _c("number", _("Reference number")),
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

