"""The filters of /propositions, kept until the conseils, quartiers or contract change; the ids of the published
proposals; and what a proposal page shows the same to many readers (its article, its follow-up, its comments),
kept until what they show changes.

Every view of the list offers the conseils, their quartiers and the contract's objectives to filter by, and
names each card's quartier from them (participation/page_cache.py keeps them per process). They change when
the admin or the chef de projet edits the territory or the contract, a few times a year; the list is read on
every visit. With them are kept their selects as HTML, per language and choice made (some 90 options written
out: a sixth of the page's time).

A proposal page's article (where and what, title, badges, author, photo, text) and its follow-up (the answer,
the status and the timeline) are the same for every reader: they are kept as HTML per proposal and language.
Its comments (up to 50 threads with their replies) are the same for every reader who is not signed in, and for
every signed-in reader who neither moderates the proposal nor commented on it (links to report every comment,
and to reply if they may comment): they are kept as HTML per proposal, page, language and audience. The others
(authors of a comment, who see their own hidden ones; moderators, with their links; a reader replying to a
thread, whose form is open) get them built for them. What is for the reader (the support button, the notices,
the forms, the links to edit, withdraw, report or moderate) is rendered at each view. Article, follow-up and
comments share one version, which a page reads once: any change of what they show raises it (a new comment, a
new name, an edited or moderated proposal, a new status), not a support or a new comment's counter.

What a card of the list shows the same to every reader (its title, where, who and what, its status) is kept as
HTML per proposal and language, until one of these changes: not at a support or a comment, whose counts the list
writes at each view with the reader's support button. A view of the list reads the versions of its filters, of
the published ids and of the cards in one statement (list_versions).

The ids of the published proposals are kept too: every visitor's random order of the list is drawn over them
(services.Shuffle), and the page's ids are read from them without sorting the table. They change when a
proposal is published, hidden or withdrawn; not at a support, which only sets a counter.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from dataclasses import dataclass, field

from markupsafe import Markup

from participation import page_cache
from participation.accounts.models import User
from participation.contract.models import Contract, ContractNode, Contribution, ContributionEvent
from participation.pagination import Page
from participation.proposals import services
from participation.proposals.models import Comment, Proposal
from participation.territory.models import QPV, Conseil, ConseilQPV

FAMILY = "proposal_filters"
PAGE_FAMILY = "proposal_pages"
PUBLISHED_FAMILY = "published_proposals"
CARD_FAMILY = "proposal_cards"
# Cards kept per process: every published proposal of the reference dataset (bench/) in one language, some 6 MB.
MAX_CARDS = 10_000
MAX_SELECTS = 200  # rendered selects kept per version: languages × choices made (then they start again)

for _model in (Conseil, ConseilQPV, QPV, Contract, ContractNode):
    page_cache.watch(FAMILY, _model)
# The names a proposal page and a card show: its author's, its conseil's, its quartier's.
for _family in (PAGE_FAMILY, CARD_FAMILY):
    page_cache.watch(_family, User, columns=("display_name", "deleted_at"))
    page_cache.watch(_family, Conseil, columns=("name",))
    page_cache.watch(_family, QPV, columns=("name",))
page_cache.watch(PAGE_FAMILY, Comment)  # new, hidden, restored, deleted
# Every column of a proposal its article shows; not its counters, which a support or a comment sets.
page_cache.watch(PAGE_FAMILY, Proposal, columns=(
    "conseil_id", "qpv_id", "author_id", "on_behalf_name", "title", "body_html", "theme", "place", "image_name",
    "image_alt", "state", "created_at", "withdrawn_at", "threshold_reached_at", "contribution_id"))
page_cache.watch(PAGE_FAMILY, Contribution)  # status, reason, answer, merged into
page_cache.watch(PAGE_FAMILY, ContributionEvent)  # the timeline
page_cache.watch(PUBLISHED_FAMILY, Proposal, columns=("state",))  # published, hidden, withdrawn: not a support
# What a card shows: not the counters, nor the state (a card is listed while its proposal is published).
page_cache.watch(CARD_FAMILY, Proposal, columns=(
    "conseil_id", "qpv_id", "author_id", "on_behalf_name", "title", "theme", "threshold_reached_at",
    "contribution_id"))
page_cache.watch(CARD_FAMILY, Contribution, columns=("status",))
page_cache.keep_at_most(CARD_FAMILY, MAX_CARDS)


@dataclass
class KeptFilters:
    """The options of the filters, and their selects as rendered from these very options."""

    options: services.FilterOptions
    selects: dict[Hashable, Markup] = field(default_factory=dict)

    def selects_html(self, key: Hashable, render: Callable[[], Markup]) -> Markup:
        html = self.selects.get(key)
        if html is None:
            if len(self.selects) >= MAX_SELECTS:
                self.selects.clear()
            html = self.selects[key] = render()
        return html


@dataclass(frozen=True)
class ListVersions:
    """The versions of what a view of the list keeps, read together before anything else."""

    filters: int
    published: int
    cards: int


def list_versions() -> ListVersions:
    found = page_cache.current_versions(FAMILY, PUBLISHED_FAMILY, CARD_FAMILY)
    return ListVersions(filters=found[FAMILY], published=found[PUBLISHED_FAMILY], cards=found[CARD_FAMILY])


def filters(version: int) -> KeptFilters:
    """The filters, shared by the requests of this process: read them, never change the options."""
    return page_cache.kept_at(FAMILY, version, "filters", lambda: KeptFilters(services.filter_options()))


def card(version: int, proposal_id: int, language: str, build: Callable[[], Markup]) -> Markup:
    """What a proposal's card shows the same to every reader, kept per proposal and language."""
    return page_cache.kept_at(CARD_FAMILY, version, (proposal_id, language), build)


def page_version() -> int:
    """The version of the proposal pages' kept parts, read once by a page before it reads anything else."""
    return page_cache.current_version(PAGE_FAMILY)


@dataclass(frozen=True)
class KeptArticle:
    """What a proposal page shows the same to every reader, as HTML: the article's head (where and what, title,
    badges) and body (author, photo, text, place), and the follow-up (answer, status, timeline)."""

    head: Markup
    body: Markup
    follow_up: Markup


def article(version: int, proposal_id: int, language: str, build: Callable[[], KeptArticle]) -> KeptArticle:
    """A proposal's article and follow-up, kept per proposal and language."""
    return page_cache.kept_at(PAGE_FAMILY, version, ("article", proposal_id, language), build)


@dataclass(frozen=True)
class KeptComments:
    """A page of a proposal's comments as an audience sees it: the threads as HTML, and where the page stands."""

    html: Markup
    page: Page  # number and total only (no comment objects kept)


def comments(version: int, proposal_id: int, number: int, language: str, audience: Hashable,
             build: Callable[[], KeptComments]) -> KeptComments:
    """The comments of a proposal for an audience (the public, or readers who may reply or not), kept per
    proposal, page, language and audience."""
    return page_cache.kept_at(PAGE_FAMILY, version, ("comments", proposal_id, number, language, audience), build)


def published(version: int) -> services.PublishedProposals:
    """The ids of the published proposals, which the random orders of the list are drawn over, kept until a
    proposal is published, hidden or withdrawn (a support or a comment changes nothing of them)."""
    return page_cache.kept_at(PUBLISHED_FAMILY, version, "ids", services.published_proposals)
