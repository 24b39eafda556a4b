"""Who may do what with proposals: role-, phase- and state-aware predicates (DESIGN.md §2)."""

from __future__ import annotations

from typing import Any

from participation.accounts.policy import is_habitant, is_project_lead, is_signed_in
from participation.proposals.models import ProposalState
from participation.territory.policy import animates_any, is_animator_of


def _is_author(user: Any, proposal: Any) -> bool:
    return is_signed_in(user) and proposal.author_id is not None and proposal.author_id == user.id


def _rules(proposal: Any) -> Any:
    from participation.proposals.services import rules

    return rules(proposal)


def can_take_part(user: Any) -> bool:
    """Propose, support, comment: a registered person whose e-mail address is verified."""
    return is_habitant(user)


def can_propose(user: Any) -> bool:
    """Open the form for a new proposal (the conseil's phase is checked when it is sent)."""
    return is_habitant(user)


def can_view(user: Any, proposal: Any) -> bool:
    """Public once published; pending or hidden ones only for their author and the conseil's moderators."""
    if proposal.is_visible:
        return True
    return _is_author(user, proposal) or can_moderate_proposal(user, proposal)


def can_edit(user: Any, proposal: Any) -> bool:
    """The author, within the conseil's edit window and until the first support."""
    from participation.proposals.services import can_still_edit

    return _is_author(user, proposal) and is_habitant(user) and can_still_edit(proposal)


def can_withdraw(user: Any, proposal: Any) -> bool:
    """The author may withdraw a pending or published proposal at any time."""
    return _is_author(user, proposal) and proposal.state in (ProposalState.pending, ProposalState.published)


def can_support(user: Any, proposal: Any) -> bool:
    """A habitant other than the author, on a published proposal, while the conseil's supports are open."""
    return (is_habitant(user) and not _is_author(user, proposal) and proposal.state == ProposalState.published
            and _rules(proposal).supports_open)


def is_invited_to_sign_in_to_support(user: Any, proposal: Any) -> bool:
    """A visitor is offered to sign in to support a published proposal while the conseil's supports are open."""
    return (not is_signed_in(user) and proposal.state == ProposalState.published
            and _rules(proposal).supports_open)


def can_withdraw_support(user: Any, proposal: Any) -> bool:
    """A habitant who supports a proposal may withdraw while supports are open."""
    return is_habitant(user) and proposal.state == ProposalState.published and _rules(proposal).supports_open


def can_comment(user: Any, proposal: Any) -> bool:
    """A habitant, on a published proposal (whatever the phase)."""
    return is_habitant(user) and proposal.state == ProposalState.published


def can_report(user: Any, author: Any) -> bool:
    """Anyone signed in may report a proposal or a comment, except their own."""
    return is_signed_in(user) and (author is None or author.id != user.id)


def can_moderate_proposal(user: Any, proposal: Any) -> bool:
    """The animators of the proposal's conseil and the chef de projet."""
    return is_project_lead(user) or is_animator_of(user, proposal.conseil)


def comments_audience(user: Any, proposal: Any, commented: bool | None = None) -> str | None:
    """Whose view of a proposal's comments is the same as others': "public" (not signed in); "may_reply" or
    "reader" (signed in, neither moderating the proposal nor having commented on it, so that every comment may
    be reported and none is theirs); None for the others, who get the comments as only they see them (their own
    hidden comments, the moderation links). ``commented``: whether the user commented, when already read."""
    from participation.proposals.services import has_commented

    if not is_signed_in(user):
        return "public"
    if can_moderate_proposal(user, proposal):
        return None
    if commented if commented is not None else has_commented(proposal, user):
        return None
    return "may_reply" if can_comment(user, proposal) else "reader"


def can_set_status(user: Any, proposal: Any) -> bool:
    """Status and official answer: the animators of the proposal's conseil and the chef de projet."""
    return proposal.contribution_id is not None and can_moderate_proposal(user, proposal)


def can_enter_on_behalf(user: Any, conseil: Any) -> bool:
    """Assisted entry ("aller-vers"): an animator of the conseil, for a resident met on the ground."""
    return is_animator_of(user, conseil)


def can_record_assisted_support(user: Any, proposal: Any) -> bool:
    """The page offers an animator of the conseil to record a resident's support while the proposal takes them."""
    return (proposal.state == ProposalState.published and _rules(proposal).supports_open
            and can_enter_on_behalf(user, proposal.conseil))


def can_enter_on_behalf_anywhere(user: Any) -> bool:
    return animates_any(user)


def can_configure(user: Any, conseil: Any) -> bool:
    """Phase, threshold, limit, edit window and moderation mode: the conseil's animators, the chef de projet."""
    return is_project_lead(user) or is_animator_of(user, conseil)


def can_configure_any(user: Any) -> bool:
    return is_project_lead(user) or animates_any(user)
