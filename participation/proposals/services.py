"""Proposals of residents: submit, edit, withdraw, support, comment, status and answer, list and search.

A proposal is a contribution of the contract (DESIGN.md §4): it gets one when it is published, and its
status and official answer go through ``participation.contract.services``. Support and comment counts
are stored on the proposal and changed by SQL-side increments in the transaction that adds or removes
the row they count, so they stay exact under concurrent requests.
"""

from __future__ import annotations

import functools
import io
import math
import os
import re
import secrets
import unicodedata
import warnings
from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from flask import current_app
from flask_babel import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError
from sqlalchemy import BigInteger, Select, and_, bindparam, cast, delete, func, literal, or_, select, update
from sqlalchemy.orm import joinedload, selectinload
from sqlalchemy.orm.attributes import set_committed_value

from participation.accounts.models import User
from participation.contract import services as contract
from participation.contract.models import (
    Contribution,
    ContributionEvent,
    ContributionKind,
    ContributionLink,
    ContributionStatus,
    EventKind,
)
from participation.db import dialect_insert, inline, inline_param, utcnow
from participation.errors import DomainError
from participation.extensions import db
from participation.mail import queue_mail
from participation.moderation import services as moderation
from participation.pagination import Page
from participation.proposals.models import (
    SUPPORT_PHASES,
    Comment,
    Phase,
    Proposal,
    ProposalSettings,
    ProposalState,
    Support,
    Theme,
)
from participation.registry import Recipient
from participation.sanitize import render_markdown
from participation.territory import services as territory
from participation.territory.models import QPV, AnimatorAssignment, Conseil
from participation.urls import external_url

TITLE_MAX = 140
BODY_MAX = 5000
COMMENT_MAX = 3000
NAME_MAX = 80
HIDDEN_TITLE = "(Proposition masquée par la modération)"


class ProposalsClosed(DomainError):
    pass


class SupportsClosed(DomainError):
    pass


class AlreadySupported(DomainError):
    pass


class NotSupported(DomainError):
    pass


class SupportLimitReached(DomainError):
    pass


class OwnProposal(DomainError):
    pass


class NotEditable(DomainError):
    pass


class CommentsClosed(DomainError):
    pass


class ConsentRequired(DomainError):
    pass


class InvalidImage(DomainError):
    pass


class InvalidInput(DomainError):
    pass


# ---------------------------------------------------------------- settings


def default_settings(conseil_id: int) -> ProposalSettings:
    return ProposalSettings(conseil_id=conseil_id, phase=Phase.collecting, support_threshold=30,
                            max_supports_per_person=None, edit_window_hours=48)


def settings_for(conseil_id: int) -> ProposalSettings:
    """The conseil's rules for proposals; the defaults (collecting, threshold 30) when never saved."""
    settings = db.session.scalar(select(ProposalSettings).where(ProposalSettings.conseil_id == conseil_id))
    return settings or default_settings(conseil_id)


def rules(proposal: Proposal | ProposalCard) -> ProposalSettings | CardRules:
    """The rules of the proposal's conseil (eager-loaded on a proposal's page, read with the cards of lists)."""
    return proposal.settings or default_settings(proposal.conseil_id)


@dataclass
class SettingsData:
    phase: Phase
    support_threshold: int
    max_supports_per_person: int | None
    edit_window_hours: int
    pre_moderation: bool
    auto_hide_threshold: int


def update_settings(conseil: Conseil, data: SettingsData) -> ProposalSettings:
    """Set the conseil's phase, support threshold, supports per person, edit window and moderation mode."""
    settings = db.session.scalar(select(ProposalSettings).where(ProposalSettings.conseil_id == conseil.id))
    if settings is None:
        settings = ProposalSettings(conseil_id=conseil.id)
        db.session.add(settings)
    settings.phase = data.phase
    settings.support_threshold = max(1, data.support_threshold)
    settings.max_supports_per_person = data.max_supports_per_person or None
    settings.edit_window_hours = max(0, data.edit_window_hours)
    settings.updated_at = utcnow()
    moderation.save_settings(conseil.id, pre_moderation=data.pre_moderation,
                             auto_hide_threshold=data.auto_hide_threshold)
    db.session.flush()
    return settings


def conseils_accepting_proposals(conseil_ids: Collection[int] | None = None) -> list[Conseil]:
    """Active conseils whose phase is "collecting" (those without settings collect by default)."""
    query = (
        select(Conseil)
        .outerjoin(ProposalSettings, ProposalSettings.conseil_id == Conseil.id)
        .where(Conseil.archived_at.is_(None),
               or_(ProposalSettings.id.is_(None), ProposalSettings.phase == Phase.collecting))
        .options(selectinload(Conseil.qpv_links))
        .order_by(Conseil.name)
    )
    if conseil_ids is not None:
        query = query.where(Conseil.id.in_(conseil_ids))
    return list(db.session.scalars(query))


# ---------------------------------------------------------------- text


def normalize(text: str) -> str:
    """Lower case without accents and with single spaces: what search compares."""
    decomposed = unicodedata.normalize("NFKD", text or "")
    ascii_text = "".join(char for char in decomposed if not unicodedata.combining(char))
    return " ".join(ascii_text.lower().split())


_WORD = re.compile(r"[a-z0-9]+")
STOP_WORDS = frozenset(
    "avec dans pour plus sans sous sur chez vers entre leur leurs notre nos votre vos tous toutes tout toute "
    "cette ces cela celle celui comme mais donc quand quel quelle quels quelles elle elles nous vous ils "
    "etre avoir fait faire faut peut pourrait serait sont etait aussi tres bien encore deja merci bonjour "
    "quartier proposition propose proposons idee mettre place avoir".split()
)


def keywords(text: str, limit: int = 8) -> list[str]:
    """The significant words of a text (4 letters or more, no common French words), crudely singular."""
    words: list[str] = []
    for word in _WORD.findall(normalize(text)):
        if len(word) > 4 and word[-1] in "sx":
            word = word[:-1]
        if len(word) >= 4 and word not in STOP_WORDS and word not in words:
            words.append(word)
        if len(words) >= limit:
            break
    return words


def _search_text(title: str, body: str) -> str:
    return normalize(f"{title} {body}")


# ---------------------------------------------------------------- photos

ALLOWED_IMAGE_FORMATS = {"JPEG", "MPO", "PNG", "WEBP", "GIF"}
MAX_IMAGE_PIXELS = 40_000_000
MAX_IMAGE_SIDE = 1600
IMAGE_NAME = re.compile(r"^[A-Za-z0-9_-]{24}\.jpg$")


def image_dir() -> Path:
    path = Path(current_app.config["UPLOAD_DIR"]) / "proposals"
    path.mkdir(parents=True, exist_ok=True)
    return path


def image_path(name: str) -> Path | None:
    """Where a stored photo is, or None for a name we never produce (no path tricks)."""
    if not IMAGE_NAME.match(name or ""):
        return None
    return image_dir() / name


def image_limit() -> int:
    return int(current_app.config.get("PROPOSAL_IMAGE_MAX_BYTES") or current_app.config["MAX_CONTENT_LENGTH"])


def store_image(data: bytes) -> str:
    """Check that the bytes are a photo (from their content), re-encode it as JPEG without any metadata.

    Orientation is applied, the image is scaled down to 1600 px at most, and only pixels are written:
    EXIF (GPS position, camera, date) and other metadata are gone. Returns the random file name.
    """
    if len(data) > image_limit():
        raise InvalidImage(_("The photo is too large: at most %(size)d MB.", size=image_limit() // (1024 * 1024)))
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as probe:
                if probe.format not in ALLOWED_IMAGE_FORMATS:
                    raise InvalidImage(_("This file is not a photo in JPEG, PNG, WebP or GIF format."))
                width, height = probe.size
                if width * height > MAX_IMAGE_PIXELS:
                    raise InvalidImage(_("This photo has too many pixels."))
                probe.verify()
            with Image.open(io.BytesIO(data)) as original:
                original.seek(0)
                image = ImageOps.exif_transpose(original)
                image.thumbnail((MAX_IMAGE_SIDE, MAX_IMAGE_SIDE))
                if image.mode in ("RGBA", "LA", "P"):
                    image = image.convert("RGBA")
                    background = Image.new("RGB", image.size, (255, 255, 255))
                    background.paste(image, mask=image.getchannel("A"))
                    image = background
                elif image.mode != "RGB":
                    image = image.convert("RGB")
                output = io.BytesIO()
                image.save(output, "JPEG", quality=82, optimize=True, progressive=True)
    except InvalidImage:
        raise
    except (UnidentifiedImageError, Image.DecompressionBombError, Image.DecompressionBombWarning, OSError,
            SyntaxError, ValueError, EOFError) as error:
        raise InvalidImage(_("This file is not a photo in JPEG, PNG, WebP or GIF format.")) from error
    name = secrets.token_urlsafe(18) + ".jpg"
    target = image_dir() / name
    temporary = target.with_suffix(".tmp")
    temporary.write_bytes(output.getvalue())
    os.replace(temporary, target)
    return name


def purge_orphan_images(older_than: timedelta = timedelta(days=1)) -> int:
    """Delete photos sent for a preview but never published (older than a day): returns how many."""
    cutoff = (utcnow() - older_than).timestamp()
    used = set(db.session.scalars(select(Proposal.image_name).where(Proposal.image_name.is_not(None))))
    removed = 0
    for path in image_dir().glob("*.jpg"):
        if path.name not in used and path.stat().st_mtime < cutoff:
            path.unlink(missing_ok=True)
            removed += 1
    return removed


# ---------------------------------------------------------------- proposals


@dataclass
class ProposalData:
    title: str
    body: str
    theme: Theme
    conseil_id: int
    qpv_id: int | None = None
    place: str | None = None
    image_name: str | None = None
    image_alt: str | None = None
    created_at: datetime | None = None  # when it was proposed, if not now (demo, imports)


@dataclass
class AssistedEntry:
    """A resident met on the ground, for whom an animator enters a proposal or a support."""

    name: str
    consent: bool


def _check_text(data: ProposalData) -> None:
    if not data.title.strip() or not data.body.strip():
        raise InvalidInput(_("A proposal needs a title and a text."))
    if len(data.title.strip()) > TITLE_MAX or len(data.body) > BODY_MAX:
        raise InvalidInput(_("The title or the text is too long."))


def _check_assisted(assisted: AssistedEntry) -> str:
    name = (assisted.name or "").strip()[:NAME_MAX]
    if not name:
        raise InvalidInput(_("Write the name or initials of the resident."))
    if not assisted.consent:
        raise ConsentRequired(_("The resident must agree before you enter it for them."))
    return name


def _fill(proposal: Proposal, data: ProposalData) -> None:
    proposal.title = data.title.strip()
    proposal.body = data.body.strip()
    proposal.body_html = render_markdown(proposal.body)
    proposal.theme = data.theme
    proposal.qpv_id = data.qpv_id
    proposal.place = (data.place or "").strip()[:200] or None
    proposal.image_name = data.image_name
    proposal.image_alt = ((data.image_alt or "").strip()[:200] or None) if data.image_name else None
    proposal.search_text = _search_text(proposal.title, proposal.body)


def submit_proposal(author: User, data: ProposalData, *, assisted: AssistedEntry | None = None) -> Proposal:
    """Create a proposal in a conseil collecting them; it waits for approval when the conseil pre-moderates.

    With ``assisted``, ``author`` is the animator who enters it for a resident who agreed to it; it is
    published at once and shown as entered on the resident's behalf.
    """
    _check_text(data)
    if not settings_for(data.conseil_id).accepts_proposals:
        raise ProposalsClosed(_("This conseil citoyen is not collecting proposals at the moment."))
    proposal = Proposal(conseil_id=data.conseil_id, state=ProposalState.pending,
                        created_at=data.created_at or utcnow())
    if assisted is not None:
        proposal.on_behalf_name = _check_assisted(assisted)
        proposal.consent_recorded = True
        proposal.entered_by_id = author.id
    else:
        proposal.author_id = author.id
    _fill(proposal, data)
    db.session.add(proposal)
    db.session.flush()
    if assisted is not None or not moderation.settings_for(data.conseil_id).pre_moderation:
        publish(proposal, actor=author)
    return proposal


def publish(proposal: Proposal, actor: User | None = None) -> bool:
    """Make a pending or hidden proposal public; its contribution is created the first time."""
    now = utcnow()
    target_state = ProposalState.withdrawn if proposal.withdrawn_at is not None else ProposalState.published
    changed = db.session.execute(
        update(Proposal)
        .where(Proposal.id == proposal.id, Proposal.state.in_([ProposalState.pending, ProposalState.hidden]))
        .values(state=target_state, published_at=func.coalesce(Proposal.published_at, now)),
        execution_options={"synchronize_session": False},
    ).rowcount == 1
    db.session.refresh(proposal, ["state", "published_at"])
    if not changed:
        return False
    if proposal.contribution_id is None:
        actor_label = None
        if proposal.is_assisted:
            entered_by = db.session.get(User, proposal.entered_by_id) if proposal.entered_by_id else None
            actor_label = _("%(resident)s, entered by %(animator)s with their consent",
                            resident=proposal.on_behalf_name,
                            animator=entered_by.display_name if entered_by else _("an animator"))
        contribution = contract.create_contribution(
            ContributionKind.proposal, "proposal", proposal.id, proposal.title, conseil_id=proposal.conseil_id,
            actor=proposal.author or (None if proposal.is_assisted else actor), actor_label=actor_label,
            occurred_at=proposal.created_at,
        )
        proposal.contribution_id = contribution.id
        proposal.contribution = contribution
    elif proposal.contribution is not None:
        proposal.contribution.title = proposal.title
    db.session.flush()
    return True


def hide_proposal(proposal: Proposal) -> bool:
    """Take a proposal off public pages (moderation); its contribution keeps only a neutral title."""
    changed = db.session.execute(
        update(Proposal)
        .where(Proposal.id == proposal.id, Proposal.state != ProposalState.hidden)
        .values(state=ProposalState.hidden),
        execution_options={"synchronize_session": False},
    ).rowcount == 1
    db.session.refresh(proposal, ["state"])
    if changed and proposal.contribution is not None:
        proposal.contribution.title = HIDDEN_TITLE
    return changed


def can_still_edit(proposal: Proposal) -> bool:
    """The author edits during the conseil's window after submitting, and only until the first support."""
    if proposal.state not in (ProposalState.pending, ProposalState.published) or proposal.support_count > 0:
        return False
    window = timedelta(hours=rules(proposal).edit_window_hours)
    return utcnow() <= proposal.created_at + window


def edit_proposal(proposal: Proposal, data: ProposalData) -> None:
    """Change a proposal within the edit window and before its first support; a replaced photo is deleted."""
    _check_text(data)
    if not can_still_edit(proposal):
        raise NotEditable(_("This proposal can no longer be changed: it has supports or the time to edit it "
                            "is over. You can still withdraw it."))
    old_image = proposal.image_name
    data.conseil_id = proposal.conseil_id
    _fill(proposal, data)
    proposal.updated_at = utcnow()
    if proposal.contribution is not None:
        proposal.contribution.title = proposal.title
    db.session.flush()
    if old_image and old_image != proposal.image_name:
        path = image_path(old_image)
        if path is not None:
            path.unlink(missing_ok=True)


def withdraw_proposal(proposal: Proposal, actor: User) -> None:
    """The author withdraws the proposal: it stays visible, marked withdrawn, and is no longer supported."""
    if proposal.state not in (ProposalState.pending, ProposalState.published):
        raise NotEditable(_("This proposal cannot be withdrawn."))
    proposal.withdrawn_at = utcnow()
    proposal.state = ProposalState.withdrawn
    if proposal.contribution is not None:
        contract.add_event(proposal.contribution, EventKind.note, actor=actor,
                           text=_("Withdrawn by its author."))
    db.session.flush()


def load_proposal(proposal_id: int) -> Proposal | None:
    """One proposal with what its page reads at every view (author, conseil and its rules, contribution), in
    one statement. What the page shows the same to every reader, kept as HTML, reads more: ``load_shown_parts``."""
    return db.session.execute(_proposal_statement(), {"proposal_id": proposal_id}).scalar_one_or_none()


def load_shown_parts(proposal: Proposal) -> None:
    """Read again a proposal that ``load_proposal`` read, with all that its article and follow-up show: author,
    quartier, conseil, and its contribution's timeline with who recorded each event (a few events, joined rather
    than read by a second statement) and what it was merged into. Read after the version of the kept pages
    (page_cache.page_version), the values are at least as recent as that version."""
    db.session.execute(_shown_parts_statement(), {"proposal_id": proposal.id}).unique().all()


# Built once, their id a parameter: making a statement and its cache key again at every view took 0.4 ms of CPU.
@functools.cache
def _proposal_statement() -> Select[Any]:
    return select(Proposal).where(Proposal.id == bindparam("proposal_id")).options(
        joinedload(Proposal.author), joinedload(Proposal.conseil), joinedload(Proposal.settings),
        joinedload(Proposal.contribution))


@functools.cache
def _shown_parts_statement() -> Select[Any]:
    return select(Proposal).where(Proposal.id == bindparam("proposal_id")).execution_options(
        populate_existing=True).options(
        joinedload(Proposal.author), joinedload(Proposal.qpv), joinedload(Proposal.conseil),
        joinedload(Proposal.settings),  # read again too: populate_existing unloads what it is not given
        joinedload(Proposal.contribution).options(
            joinedload(Contribution.events).joinedload(ContributionEvent.actor),
            joinedload(Contribution.merged_into)))


# ---------------------------------------------------------------- supports


def _increment(proposal: Proposal, column: str, delta: int) -> int:
    """Add ``delta`` to a counter in SQL (exact under concurrency) and return the stored value."""
    counter = getattr(Proposal, column)
    value = db.session.execute(
        update(Proposal).where(Proposal.id == proposal.id).values({column: counter + delta}).returning(counter),
        execution_options={"synchronize_session": False},
    ).scalar_one()
    set_committed_value(proposal, column, value)
    return value


def _check_supports_open(proposal: Proposal) -> ProposalSettings:
    if proposal.state != ProposalState.published:
        raise SupportsClosed(_("This proposal can no longer be supported."))
    settings = rules(proposal)
    if not settings.supports_open:
        raise SupportsClosed(_("Supports are closed for the proposals of this conseil citoyen."))
    return settings


def support(proposal: Proposal, user: User) -> int:
    """One support per person and proposal while supports are open, within the conseil's limit per person.

    Returns the new number of supports; reaching the threshold marks the proposal for the conseil.
    """
    settings = _check_supports_open(proposal)
    if proposal.author_id == user.id:
        raise OwnProposal(_("You cannot support your own proposal: it already counts as yours."))
    if settings.max_supports_per_person:
        # One person's supports are counted one request at a time, so the limit holds under concurrency.
        db.session.execute(select(User.id).where(User.id == user.id).with_for_update())
        used = db.session.scalar(
            select(func.count(Support.id)).join(Proposal, Proposal.id == Support.proposal_id)
            .where(Support.user_id == user.id, Proposal.conseil_id == proposal.conseil_id,
                   Proposal.state == ProposalState.published)
        ) or 0
        if used >= settings.max_supports_per_person:
            raise SupportLimitReached(_(
                "You have used your %(limit)d supports in this conseil citoyen. Withdraw one to support this "
                "proposal.", limit=settings.max_supports_per_person))
    # One statement: a second support of the same person (a double tap, two tabs) inserts nothing and is told so.
    # (A savepoint around an ORM insert took three statements and a unit of work.)
    added = db.session.execute(
        dialect_insert()(Support).values(proposal_id=proposal.id, user_id=user.id)
        .on_conflict_do_nothing(index_elements=["proposal_id", "user_id"]).returning(Support.id)).scalar()
    if added is None:
        raise AlreadySupported(_("You already support this proposal."))
    count = _increment(proposal, "support_count", 1)
    _check_threshold(proposal, count, settings)
    return count


def withdraw_support(proposal: Proposal, user: User) -> int:
    """Withdraw one's support while supports are open; returns the new number of supports."""
    _check_supports_open(proposal)
    removed = db.session.execute(
        delete(Support).where(Support.proposal_id == proposal.id, Support.user_id == user.id),
        execution_options={"synchronize_session": False},
    ).rowcount
    if removed != 1:
        raise NotSupported(_("You do not support this proposal."))
    return _increment(proposal, "support_count", -1)


def assisted_support(proposal: Proposal, animator: User, assisted: AssistedEntry) -> int:
    """An animator records the support of a resident met on the ground, who agreed to it."""
    settings = _check_supports_open(proposal)
    name = _check_assisted(assisted)
    db.session.add(Support(proposal_id=proposal.id, user_id=None, entered_by_id=animator.id, on_behalf_name=name,
                           consent_recorded=True))
    db.session.flush()
    count = _increment(proposal, "support_count", 1)
    _check_threshold(proposal, count, settings)
    return count


# Under these statuses, a proposal that reached its threshold still waits for the conseil to examine it.
AWAITING_EXAMINATION = (ContributionStatus.received, ContributionStatus.under_study)


def awaits_examination(threshold_reached_at: datetime | None, status: ContributionStatus | None) -> bool:
    """Whether a proposal is "to be examined by the conseil": its badge on the cards and the page, and a filter of
    the list (``TO_EXAMINE``)."""
    return threshold_reached_at is not None and status in AWAITING_EXAMINATION


def _check_threshold(proposal: Proposal, count: int, settings: ProposalSettings) -> None:
    """The first time the count reaches the threshold: timeline event and mail to the conseil's animators."""
    if count < settings.support_threshold or proposal.threshold_reached_at is not None:
        return
    now = utcnow()
    marked = db.session.execute(
        update(Proposal).where(Proposal.id == proposal.id, Proposal.threshold_reached_at.is_(None))
        .values(threshold_reached_at=now),
        execution_options={"synchronize_session": False},
    ).rowcount == 1
    if not marked:
        return
    set_committed_value(proposal, "threshold_reached_at", now)
    if proposal.contribution is not None:
        contract.add_event(proposal.contribution, EventKind.threshold_reached,
                           text=_("%(count)d supports: to be examined by the conseil citoyen.", count=count))
    animators = db.session.scalars(
        select(User).join(AnimatorAssignment, AnimatorAssignment.user_id == User.id)
        .where(AnimatorAssignment.conseil_id == proposal.conseil_id, User.deleted_at.is_(None),
               User.email.is_not(None))
    )
    url = external_url("proposals.show_proposal", proposal_id=proposal.id)
    for animator in animators:
        queue_mail(animator.email, "proposals/threshold_reached", locale=animator.locale, proposal=proposal,
                   count=count, url=url)


def _assisted_supports() -> Any:
    """The number of supports an animator entered for residents met on the ground (they have no account), for the
    ``proposal_id`` parameter."""
    return (select(func.count(Support.id))
            .where(Support.proposal_id == bindparam("proposal_id"), Support.user_id.is_(None)).scalar_subquery())


@dataclass(frozen=True)
class ReaderFacts:
    """What a proposal's page says about its reader and its supports."""

    supports: bool  # the reader supports it
    commented: bool  # the reader wrote a comment or a reply on it, hidden ones included
    assisted_supports: int


def reader_facts(proposal: Proposal, user: Any) -> ReaderFacts:
    """The facts of a proposal's page for this reader, in one statement (none for a visitor when nobody
    supports the proposal)."""
    signed_in = user is not None and user.is_authenticated
    if not signed_in and not proposal.support_count:
        return ReaderFacts(False, False, 0)
    row = db.session.connection().execute(
        _READER_FACTS[signed_in], {"proposal_id": proposal.id, "reader_id": user.id if signed_in else None}).one()
    return ReaderFacts(bool(row[0]), bool(row[1]), row[2] or 0)


def _reader_facts_statement(signed_in: bool) -> Select[Any]:
    supports: Any = literal(False)
    commented: Any = literal(False)
    if signed_in:
        supports = select(Support.id).where(Support.proposal_id == bindparam("proposal_id"),
                                            Support.user_id == bindparam("reader_id")).exists()
        commented = select(Comment.id).where(Comment.proposal_id == bindparam("proposal_id"),
                                             Comment.author_id == bindparam("reader_id")).exists()
    return select(supports, commented, _assisted_supports())


# For a visitor and for a signed-in reader: built once and run as Core (0.15 instead of 0.6 ms of CPU).
_READER_FACTS = {False: _reader_facts_statement(False), True: _reader_facts_statement(True)}


# ---------------------------------------------------------------- comments


def add_comment(proposal: Proposal, author: User, text: str, parent: Comment | None = None) -> Comment:
    """Comment a published proposal, or reply to a comment (replies stay one level deep).

    The proposal's author, and for a reply the author of the comment, are told by mail if they wish.
    """
    if proposal.state != ProposalState.published:
        raise CommentsClosed(_("This proposal can no longer be commented."))
    text = (text or "").strip()
    if not text:
        raise InvalidInput(_("The comment is empty."))
    if len(text) > COMMENT_MAX:
        raise InvalidInput(_("The comment is too long."))
    if parent is not None:
        if parent.proposal_id != proposal.id:
            raise InvalidInput(_("This reply does not belong to this proposal."))
        if parent.parent_id is not None:
            parent = parent.parent
    comment = Comment(proposal_id=proposal.id, parent_id=parent.id if parent else None, author_id=author.id,
                      body=text, body_html=render_markdown(text))
    db.session.add(comment)
    db.session.flush()
    _increment(proposal, "comment_count", 1)
    url = external_url("proposals.show_proposal", proposal_id=proposal.id) + f"#commentaire-{comment.id}"
    told: set[int] = {author.id}
    for recipient, template in ((parent.author if parent else None, "proposals/new_reply"),
                                (proposal.author, "proposals/new_comment")):
        if recipient is None or recipient.id in told or not _wants_mail(recipient):
            continue
        told.add(recipient.id)
        queue_mail(recipient.email, template, locale=recipient.locale, proposal=proposal, comment=comment,
                   commenter=author.display_name, url=url)
    return comment


def _wants_mail(user: User) -> bool:
    return bool(user.email) and not user.is_deleted and user.notify_by_email


def hide_comment(comment: Comment) -> bool:
    """Hide a comment (moderation); the proposal's count of visible comments goes down once."""
    now = utcnow()
    changed = db.session.execute(
        update(Comment).where(Comment.id == comment.id, Comment.hidden_at.is_(None)).values(hidden_at=now),
        execution_options={"synchronize_session": False},
    ).rowcount == 1
    if changed:
        set_committed_value(comment, "hidden_at", now)
        _increment(comment.proposal, "comment_count", -1)
    return changed


def restore_comment(comment: Comment) -> bool:
    changed = db.session.execute(
        update(Comment).where(Comment.id == comment.id, Comment.hidden_at.is_not(None)).values(hidden_at=None),
        execution_options={"synchronize_session": False},
    ).rowcount == 1
    if changed:
        set_committed_value(comment, "hidden_at", None)
        _increment(comment.proposal, "comment_count", 1)
    return changed


def has_commented(proposal: Proposal, user: Any) -> bool:
    """Whether the person wrote a comment or a reply on this proposal (hidden ones included)."""
    return db.session.scalar(select(
        select(Comment.id).where(Comment.proposal_id == proposal.id, Comment.author_id == user.id).exists())) or False


@dataclass
class Thread:
    comment: Comment
    replies: list[Comment]


def comment_threads(proposal: Proposal, page: int, per_page: int = 50) -> tuple[Page, list[Thread]]:
    """A page of top-level comments, oldest first, each with its replies (two or three queries whatever the size)."""
    author = joinedload(Comment.author).load_only(User.id, User.display_name, User.deleted_at)
    top_level = select(Comment, func.count().over().label("total")).where(
        Comment.proposal_id == proposal.id, Comment.parent_id.is_(None))
    number = max(page, 1)
    rows = db.session.execute(top_level.options(author).order_by(Comment.id).limit(inline(per_page))
                              .offset(inline((number - 1) * per_page))).all()
    if not rows and number > 1:
        return comment_threads(proposal, 1, per_page)
    comments = [row.Comment for row in rows]
    replies: dict[int, list[Comment]] = {comment.id: [] for comment in comments}
    if comments:
        # proposal_id first: the thread index serves the replies of these comments.
        for reply in db.session.scalars(
            select(Comment).where(Comment.proposal_id == proposal.id, Comment.parent_id.in_(list(replies)))
            .options(author).order_by(Comment.id)
        ):
            replies[reply.parent_id].append(reply)
    page_info = Page(items=comments, number=number, per_page=per_page, total=rows[0].total if rows else 0)
    return page_info, [Thread(comment, replies[comment.id]) for comment in comments]


# ---------------------------------------------------------------- status and answer


def set_status(proposal: Proposal, status: ContributionStatus, actor: User, reason: str | None = None,
               merged_into: Proposal | None = None) -> None:
    """Change the public status through the contract (a reason for "not retained"); people are told."""
    if proposal.contribution is None:
        raise InvalidInput(_("This proposal is not published yet."))
    target = None
    if status == ContributionStatus.merged:
        target = merged_into.contribution if merged_into is not None else None
    contract.change_status(proposal.contribution, status, actor=actor, reason=reason, merged_into=target)


def answer_proposal(proposal: Proposal, text: str, actor: User) -> None:
    """Publish the official answer to the proposal; the timeline keeps every version."""
    if proposal.contribution is None:
        raise InvalidInput(_("This proposal is not published yet."))
    contract.answer(proposal.contribution, text, actor=actor)


def participants(contribution: Contribution) -> list[Recipient]:
    """Who took part in a proposal: its author and its supporters, if they keep notifications on."""
    users = db.session.scalars(
        select(User).where(or_(
            User.id.in_(select(Proposal.author_id).where(Proposal.id == contribution.source_id)),
            User.id.in_(select(Support.user_id).where(Support.proposal_id == contribution.source_id)),
        )).order_by(User.id)
    )
    return contract.recipients_from_users(users)


# ---------------------------------------------------------------- lists

SORTS = ("random", "recent", "supports", "comments")
TO_EXAMINE = "to_examine"
_PRIME = 2147483647  # 2**31 - 1: the seeds are drawn below it, and the shuffles' a and b from the seed


@dataclass
class Filters:
    conseil_id: int | None = None
    qpv_id: int | None = None
    theme: Theme | None = None
    status: str | None = None  # a ContributionStatus value, or TO_EXAMINE
    q: str = ""
    sort: str = "random"
    # Nodes of the contrat de ville (a node and those below it) the proposals are linked to.
    node_ids: Collection[int] | None = None


def new_seed() -> int:
    return secrets.randbelow(_PRIME - 2) + 1


@dataclass(frozen=True)
class PublishedProposals:
    """The ids of every published proposal, read at once (some 0.5 MB for 10,000 proposals), and the modulus of
    the random orders drawn over them."""

    ids: frozenset[int]
    modulus: int


def published_proposals() -> PublishedProposals:
    ids = frozenset(db.session.scalars(select(Proposal.id).where(Proposal.state == ProposalState.published)))
    return PublishedProposals(ids, shuffle_modulus(max(ids, default=0)))


@functools.cache
def shuffle_modulus(largest_id: int) -> int:
    """The first prime after the power of two above the largest id (1,024 at least): the random orders stay the
    same until the ids double, and at least half the positions hold an id."""
    candidate = max(1024, 1 << largest_id.bit_length()) + 1
    while any(candidate % divisor == 0 for divisor in range(3, math.isqrt(candidate) + 1, 2)):
        candidate += 2
    return candidate


@dataclass(frozen=True)
class Shuffle:
    """A visitor's random order of the proposals: proposal ``id`` comes at position (a·id + b) mod m.

    m is a prime above every id (shuffle_modulus), so the positions are a permutation of the ids. a and b are
    drawn from the visitor's seed: the same seed gives the same order, page after page; over visitors each
    proposal is as likely as any other to come first. The database sorts by the position (filtered lists), or
    the ids are read in order from the positions, each from the one before (the whole list, from the ids kept in
    memory): no row of the table is read but those of the page.
    """

    a: int
    b: int
    modulus: int

    @classmethod
    def from_seed(cls, seed: int, modulus: int) -> Shuffle:
        # Neither a nor its inverse (the step between the ids of consecutive positions) is near 0 or m: such a
        # step would show the ids almost in their order, forwards or backwards.
        margin = modulus // 16
        band = modulus - 2 * margin
        a = margin + pow(16807, seed, _PRIME) % band
        while not margin <= pow(a, -1, modulus) < modulus - margin:
            a = margin + (a - margin + 1) % band
        return cls(a, pow(48271, seed, _PRIME) % modulus, modulus)

    def position(self) -> Any:
        """The position of each proposal, as an SQL expression (within 64-bit integers: a and id are below 2³¹)."""
        return (cast(Proposal.id, BigInteger) * self.a + self.b) % self.modulus

    def page(self, ids: Collection[int], skip: int, count: int) -> list[int]:
        """The ``count`` ids of ``ids`` that come after the first ``skip`` of them in this order."""
        step = pow(self.a, -1, self.modulus)  # position v holds the id (v - b)·step mod m
        current, modulus, found = -self.b * step % self.modulus, self.modulus, []
        for _position in range(modulus):
            if current in ids:
                if skip:
                    skip -= 1
                else:
                    found.append(current)
                    if len(found) == count:
                        break
            current += step
            if current >= modulus:
                current -= modulus
        return found


def _filtered(filters: Filters) -> Select[Any]:
    """The ids of the published proposals that pass the filters (no order)."""
    query = select(Proposal.id).where(Proposal.state == ProposalState.published)
    if filters.conseil_id is not None:
        query = query.where(Proposal.conseil_id == filters.conseil_id)
    if filters.qpv_id is not None:
        query = query.where(Proposal.qpv_id == filters.qpv_id)
    if filters.theme is not None:
        query = query.where(Proposal.theme == filters.theme)
    if filters.status:
        if filters.status == TO_EXAMINE:
            query = query.where(Proposal.threshold_reached_at.is_not(None)).join(
                Contribution, Contribution.id == Proposal.contribution_id
            ).where(Contribution.status.in_(AWAITING_EXAMINATION))
        else:
            query = query.join(Contribution, Contribution.id == Proposal.contribution_id).where(
                Contribution.status == ContributionStatus(filters.status))
    if filters.node_ids:
        linked = select(ContributionLink.contribution_id).where(ContributionLink.node_id.in_(filters.node_ids))
        query = query.where(Proposal.contribution_id.in_(linked))
    words = normalize(filters.q).split()[:6]
    if words:
        query = query.where(and_(*(Proposal.search_text.contains(word, autoescape=True) for word in words)))
    return query


def _only_published(filters: Filters) -> bool:
    """No filter but the one every list has (published)."""
    return (filters.conseil_id is None and filters.qpv_id is None and filters.theme is None and not filters.status
            and not filters.node_ids and not normalize(filters.q).split())


def _order(filters: Filters, shuffle: Shuffle | None) -> tuple[Any, ...]:
    if filters.sort == "recent":
        return Proposal.created_at.desc(), Proposal.id.desc()
    if filters.sort == "supports":
        return Proposal.support_count.desc(), Proposal.id.desc()
    if filters.sort == "comments":
        return Proposal.comment_count.desc(), Proposal.id.desc()
    assert shuffle is not None
    return shuffle.position(), Proposal.id


def list_proposals(filters: Filters, seed: int, page: int, per_page: int = 20, supporter: Any = None,
                   published: Callable[[], PublishedProposals] = published_proposals) -> ProposalPage:
    """One page of published proposals, filtered and in the chosen order, with the total and, for ``supporter``
    (a signed-in person), whether they support each one. A page past the last one shows the last page.

    The whole list (no filter) is counted from the ids of the published proposals, ``published()`` (read from the
    table by default; the views keep them, proposals/page_cache.py). The random order (the default) draws the
    visitor's Shuffle over them too; the whole list in that order reads the page's ids from them, then its cards
    by id. Otherwise the page's ids are chosen from the proposal table alone (indexes serve the orders) in a
    subquery; only those rows are joined to the few columns of their author and status that a card shows, with
    the total of a filtered list as a scalar subquery: one statement.
    """
    supporter_id = supporter.id if supporter is not None and supporter.is_authenticated else None
    number = min(max(page, 1), MAX_OFFSET // per_page)
    whole_list, random = _only_published(filters), filters.sort not in ("recent", "supports", "comments")
    kept = published() if whole_list or random else None
    shuffle = Shuffle.from_seed(seed, kept.modulus) if kept is not None and random else None
    if kept is not None and whole_list:
        total = len(kept.ids)
        number = min(number, max(1, -(-total // per_page)))
        if shuffle is not None:
            rows = _rows_by_id(shuffle.page(kept.ids, (number - 1) * per_page, per_page), supporter_id)
        else:
            rows = _run_cards_page(_whole_list(filters.sort, supporter_id is not None), number, per_page,
                                   supporter_id)
    else:
        ids_query, order = _filtered(filters), _order(filters, shuffle)
        # A separate count: count(*) OVER () would spool every matching row before the LIMIT.
        total_query = select(func.count()).select_from(ids_query.subquery())
        rows = _card_rows(ids_query, order, total_query, number, per_page, supporter_id)
        if rows:
            total = rows[0].total
        else:
            total = db.session.scalar(total_query) or 0
            last = max(1, -(-total // per_page))
            if number > last:
                number = last
                rows = _card_rows(ids_query, order, total_query, number, per_page, supporter_id) if total else []
    return ProposalPage(items=[_card(row) for row in rows], number=number, per_page=per_page, total=total,
                        supported={row.id for row in rows if row.supported})


def _supported(for_supporter: bool) -> Any:
    """Whether the signed-in supporter (the ``supporter_id`` parameter) supports each proposal, as an SQL
    expression; false for a visitor."""
    if not for_supporter:
        return literal(False)
    return select(Support.id).where(Support.user_id == bindparam("supporter_id"),
                                    Support.proposal_id == Proposal.id).exists()


@dataclass
class ProposalPage(Page):
    """A page of the list: its items are ProposalCard."""

    supported: set[int] = field(default_factory=set)  # the ids on this page that the supporter supports


MAX_OFFSET = 2**31 - 1  # LIMIT and OFFSET are integers for the database


def _card_rows(ids_query: Select[Any], order: tuple[Any, ...], total_query: Select[Any] | None, number: int,
               per_page: int, supporter_id: int | None) -> list[Any]:
    return _run_cards_page(_cards_page(ids_query, order, total_query, supporter_id is not None), number, per_page,
                           supporter_id)


def _cards_page(ids_query: Select[Any], order: tuple[Any, ...], total_query: Select[Any] | None,
                for_supporter: bool) -> Select[Any]:
    """The cards of a page of ``ids_query`` in this order: the page's ids are chosen from the proposal table alone
    (``page_size`` and ``page_offset`` written into the SQL), then joined to what a card shows."""
    page_ids = (ids_query.order_by(*order).limit(inline_param("page_size")).offset(inline_param("page_offset"))
                .subquery())
    total = total_query.scalar_subquery() if total_query is not None else literal(None)
    # The outer ORDER BY repeats the order on the page's rows (a subquery's order is not kept by a join).
    return (_card_select(total.label("total"), _supported(for_supporter).label("supported"))
            .join(page_ids, page_ids.c.id == Proposal.id).order_by(*order))


def _run_cards_page(statement: Select[Any], number: int, per_page: int, supporter_id: int | None) -> list[Any]:
    return db.session.connection().execute(statement, {
        "page_size": per_page, "page_offset": (number - 1) * per_page, "supporter_id": supporter_id}).all()


@functools.cache
def _whole_list(sort: str, for_supporter: bool) -> Select[Any]:
    """A page of the whole list in a sort other than random, for a visitor or a signed-in supporter: built once
    (1 ms of CPU less a view than making the statement and its cache key at every view)."""
    whole_list = Filters(sort=sort)
    return _cards_page(_filtered(whole_list), _order(whole_list, None), None, for_supporter)


def _rows_by_id(ids: list[int], supporter_id: int | None) -> list[Any]:
    """The cards of these proposals, in this order (those hidden since their ids were read are left out)."""
    if not ids:
        return []
    statement = _CARDS_BY_ID[supporter_id is not None]
    found = {row.id: row for row in db.session.connection().execute(
        statement, {"ids": ids, "supporter_id": supporter_id})}
    return [found[proposal_id] for proposal_id in ids if proposal_id in found]


@dataclass(frozen=True)
class CardAuthor:
    """An author as a card names them (templating.shown_name reads these two)."""

    display_name: str
    is_deleted: bool


@dataclass(frozen=True)
class CardRules:
    """The phase of the proposal's conseil, which the rules of supports read (services.rules, policy)."""

    phase: Phase

    @property
    def supports_open(self) -> bool:
        return self.phase in SUPPORT_PHASES


@dataclass(frozen=True)
class ProposalCard:
    """A proposal as a card of the list shows it, read as plain columns. The ORM objects the cards were made of
    before (the proposal with its author, contribution and rules) took four times as long to build as reading the
    rows; the policy and the templates read the same attributes on either."""

    id: int
    title: str
    theme: Theme
    conseil_id: int
    qpv_id: int | None
    author_id: int | None
    author: CardAuthor | None
    on_behalf_name: str | None
    state: ProposalState
    support_count: int
    comment_count: int
    threshold_reached_at: datetime | None
    status: ContributionStatus | None  # of its contribution (None before it is published)
    settings: CardRules | None  # None when the conseil never saved its rules (the defaults apply)

    @property
    def is_assisted(self) -> bool:
        return self.on_behalf_name is not None

    @property
    def awaits_examination(self) -> bool:
        return awaits_examination(self.threshold_reached_at, self.status)


def _card_select(*extra: Any) -> Select[Any]:
    """What a card shows: a few columns of the proposal (not its long texts), its author's name, its status and its
    conseil's phase. The names of its quartier and conseil come from the filters' options
    (FilterOptions.place_name): two joins fewer."""
    return (
        select(Proposal.id, Proposal.title, Proposal.theme, Proposal.conseil_id, Proposal.qpv_id, Proposal.author_id,
               User.display_name, User.deleted_at, Proposal.on_behalf_name, Proposal.state, Proposal.support_count,
               Proposal.comment_count, Proposal.threshold_reached_at, Contribution.status, ProposalSettings.phase,
               *extra)
        .select_from(Proposal)
        .outerjoin(User, User.id == Proposal.author_id)
        .outerjoin(Contribution, Contribution.id == Proposal.contribution_id)
        .outerjoin(ProposalSettings, ProposalSettings.conseil_id == Proposal.conseil_id)
    )


def _cards_by_id(for_supporter: bool) -> Select[Any]:
    return _card_select(_supported(for_supporter).label("supported")).where(
        Proposal.id.in_(bindparam("ids", expanding=True)), Proposal.state == ProposalState.published)


# The cards of the random list's page, by id, for a visitor and for a signed-in supporter: built once, they are run
# on the session's connection as Core (the default list's query, made and looked up at every view before).
_CARDS_BY_ID = {False: _cards_by_id(False), True: _cards_by_id(True)}


def _card(row: Any) -> ProposalCard:
    return ProposalCard(
        id=row.id, title=row.title, theme=row.theme, conseil_id=row.conseil_id, qpv_id=row.qpv_id,
        author_id=row.author_id,
        author=CardAuthor(row.display_name, row.deleted_at is not None) if row.author_id is not None else None,
        on_behalf_name=row.on_behalf_name, state=row.state, support_count=row.support_count,
        comment_count=row.comment_count, threshold_reached_at=row.threshold_reached_at, status=row.status,
        settings=CardRules(row.phase) if row.phase is not None else None,
    )


@dataclass
class FilterOptions:
    """What the filters of the list offer, read as plain rows (two or three light queries)."""

    conseils: dict[str, tuple[int, str]]  # slug: (id, name)
    qpvs: dict[str, tuple[int, str]]  # code: (id, name)
    nodes: list[tuple[int, int, str]]  # (depth, id, "code – title") of the contract, down to objectives
    parent_of: dict[int, int | None]  # every live node of the contract, actions included

    def place_name(self, proposal: Proposal | ProposalCard) -> str:
        """The name of the proposal's quartier, or of its conseil (read from the database when not offered)."""
        if proposal.qpv_id is not None:
            name = self._qpv_names.get(proposal.qpv_id)
            return name if name is not None else db.session.get_one(QPV, proposal.qpv_id).name
        name = self._conseil_names.get(proposal.conseil_id)
        return name if name is not None else db.session.get_one(Conseil, proposal.conseil_id).name

    def __post_init__(self) -> None:
        self._qpv_names = {qpv_id: name for qpv_id, name in self.qpvs.values()}
        self._conseil_names = {conseil_id: name for conseil_id, name in self.conseils.values()}

    def below(self, node_id: int) -> set[int]:
        """The node and every node under it (a proposal linked to an action is under its objective)."""
        from participation.contract.structure import descendants

        return descendants(node_id, self.parent_of)


def filter_options() -> FilterOptions:
    from participation.contract.models import Contract, ContractNode, NodeLevel

    conseils: dict[str, tuple[int, str]] = {}
    qpvs: dict[str, tuple[int, str]] = {}
    for row in territory.live_places():
        conseils.setdefault(row.slug, (row.id, row.name))
        if row.code is not None:
            qpvs.setdefault(row.code, (row.qpv_id, row.qpv_name))
    qpvs = dict(sorted(qpvs.items(), key=lambda item: item[1][1]))
    current = select(Contract.id).order_by(Contract.starts_year.desc(), Contract.id.desc()).limit(1)
    rows = db.session.execute(
        select(ContractNode.id, ContractNode.parent_id, ContractNode.level, ContractNode.code, ContractNode.title)
        .where(ContractNode.contract_id == current.scalar_subquery(), ContractNode.deleted_at.is_(None))
        .order_by(ContractNode.position, ContractNode.id)
    ).all()
    children: dict[int | None, list[Any]] = {}
    for row in rows:
        children.setdefault(row.parent_id, []).append(row)
    nodes: list[tuple[int, int, str]] = []

    def visit(parent_id: int | None, depth: int) -> None:
        for row in children.get(parent_id, []):
            if row.level != NodeLevel.action:
                nodes.append((depth, row.id, f"{row.code} – {row.title}"))
                visit(row.id, depth + 1)

    visit(None, 0)
    return FilterOptions(conseils=conseils, qpvs=qpvs, nodes=nodes,
                         parent_of={row.id: row.parent_id for row in rows})


def similar_proposals(conseil_id: int, title: str, body: str, exclude_id: int | None = None,
                      limit: int = 5) -> list[Proposal]:
    """Published proposals of the same conseil sharing words with this title and text, best match first."""
    title_words = keywords(title)
    words = title_words + [word for word in keywords(body, 12) if word not in title_words][:4]
    if not words:
        return []
    query = (
        select(Proposal)
        .where(Proposal.conseil_id == conseil_id, Proposal.state == ProposalState.published,
               or_(*(Proposal.search_text.contains(word, autoescape=True) for word in words)))
        .order_by(Proposal.support_count.desc(), Proposal.id.desc())
        .limit(inline(100))
    )
    if exclude_id is not None:
        query = query.where(Proposal.id != exclude_id)
    scored = []
    for proposal in db.session.scalars(query):
        title_text = normalize(proposal.title)
        score = sum(2 for word in title_words if word in title_text)
        score += sum(1 for word in words if word in proposal.search_text)
        scored.append((score, proposal.support_count, proposal.id, proposal))
    scored.sort(key=lambda entry: entry[:3], reverse=True)
    return [entry[3] for entry in scored if entry[0] >= 2][:limit]


def pending_proposals(conseil_ids: Collection[int] | None, limit: int) -> list[Proposal]:
    query = select(Proposal).where(Proposal.state == ProposalState.pending).options(
        joinedload(Proposal.author), joinedload(Proposal.conseil)).order_by(Proposal.id).limit(inline(limit))
    if conseil_ids is not None:
        query = query.where(Proposal.conseil_id.in_(conseil_ids))
    return list(db.session.scalars(query))


def load_proposals(ids: Collection[int]) -> dict[int, Proposal]:
    if not ids:
        return {}
    query = select(Proposal).where(Proposal.id.in_(ids)).options(joinedload(Proposal.author),
                                                                  joinedload(Proposal.conseil))
    return {proposal.id: proposal for proposal in db.session.scalars(query)}


def load_comments(ids: Collection[int]) -> dict[int, Comment]:
    if not ids:
        return {}
    query = select(Comment).where(Comment.id.in_(ids)).options(
        joinedload(Comment.author), joinedload(Comment.proposal).joinedload(Proposal.conseil))
    return {comment.id: comment for comment in db.session.scalars(query)}
