from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from flask import (
    abort,
    current_app,
    flash,
    get_template_attribute,
    jsonify,
    redirect,
    render_template,
    request,
    send_from_directory,
    session,
    url_for,
)
from flask_babel import get_locale, ngettext
from flask_babel import gettext as _
from flask_login import current_user
from itsdangerous import BadSignature, URLSafeTimedSerializer
from markupsafe import Markup
from sqlalchemy import select

from participation import audit
from participation.accounts.forms import EmptyForm
from participation.contract.models import ContributionStatus
from participation.errors import DomainError
from participation.extensions import db, limiter
from participation.forms import SelectChoice, choices
from participation.i18n import per_language
from participation.moderation import services as moderation
from participation.moderation.models import ReportReason
from participation.pagination import Page
from participation.permissions import authorize
from participation.proposals import blueprint, page_cache, policy, services
from participation.proposals.forms import (
    THEME_LABELS,
    AnswerForm,
    AssistedProposalForm,
    AssistedSupportForm,
    CommentForm,
    ProposalForm,
    ReportForm,
    SettingsForm,
    StatusForm,
    SupportForm,
)
from participation.proposals.models import Comment, Phase, Proposal, ProposalSettings, ProposalState, Theme
from participation.sanitize import render_markdown
from participation.templating import shown_name
from participation.territory import services as territory
from participation.territory.models import QPV, Conseil

POST_LIMIT = "20 per minute;200 per hour"
SUPPORT_LIMIT = "60 per minute"
SEED_KEY = "proposals_seed"
PHOTO_TOKEN_AGE = 24 * 3600
UPLOAD_ENDPOINTS = {"proposals.new_proposal", "proposals.assisted_proposal", "proposals.edit_proposal"}


@blueprint.url_value_preprocessor
def allow_photo_uploads(endpoint: str | None, values: dict[str, Any] | None) -> None:
    """Let the proposal forms receive a body larger than the photo limit.

    A photo over the limit is then refused next to its field, with everything typed kept, instead of
    a bare 413. This runs before every ``before_request`` (the CSRF check reads the form there).
    """
    if endpoint in UPLOAD_ENDPOINTS:
        request.max_content_length = int(current_app.config.get("PROPOSAL_UPLOAD_BODY_MAX")
                                          or 4 * services.image_limit())


def _safe_next(default: str) -> str:
    target = request.form.get("next") or ""
    parts = urlsplit(target)
    if target.startswith("/") and not target.startswith("//") and not parts.scheme and not parts.netloc:
        return target
    return default


def _wants_json() -> bool:
    return request.accept_mimetypes.best == "application/json"


def _load(proposal_id: int, light: bool = False) -> Proposal:
    """The proposal if this person may see it; 404 otherwise (hidden content is not revealed).

    ``light`` loads the row alone, for the support buttons (the rest loads lazily if ever needed).
    """
    proposal = db.session.get(Proposal, proposal_id) if light else services.load_proposal(proposal_id)
    if proposal is None or not policy.can_view(current_user, proposal):
        abort(404)
    return proposal


# ---------------------------------------------------------------- list


def _filter_choices(options: services.FilterOptions) -> dict[str, list[SelectChoice]]:
    statuses = [("", _("All statuses")), (services.TO_EXAMINE, _("To be examined by the conseil"))]
    statuses += [(status.value, _status_label(status)) for status in ContributionStatus]
    return {
        "conseil": choices([("", _("All conseils"))] + [(slug, name) for slug, (_id, name) in
                                                          options.conseils.items()]),
        "quartier": choices([("", _("All quartiers"))] + [(code, name) for code, (_id, name) in
                                                           options.qpvs.items()]),
        "theme": choices([("", _("All themes"))] + [(t.value, label) for t, label in THEME_LABELS.items()]),
        "status": choices(statuses),
        "objectif": choices([("", _("Whole contrat de ville"))]
                            + [(str(node_id), "\u2003" * depth + label) for depth, node_id, label in options.nodes]),
        "sort": choices([("random", _("In random order")), ("recent", _("Most recent first")),
                         ("supports", _("Most supported first")), ("comments", _("Most commented first"))]),
    }


def card_labels() -> dict[str, Any]:
    """What every card of a list repeats, translated once per language."""
    return per_language("proposal_cards", _card_labels)


def _card_labels() -> dict[str, Any]:
    from flask_babel import gettext

    return {
        "support": _("Support"), "withdraw": _("Withdraw my support"), "supported": _("You support it."),
        "sign_in": _("Sign in to support it"), "to_examine": _("To be examined by the conseil"),
        # Patterns filled per card with the |format filter (gettext leaves them as they are without values).
        "proposed_by": gettext("Proposed by %(name)s"),
        "assisted": gettext("Proposed by %(name)s, entered with their consent by the team of the conseil"),
        "themes": {theme: str(label) for theme, label in THEME_LABELS.items()},
        "statuses": {status.value: _status_label(status) for status in ContributionStatus},
    }


def comment_labels() -> dict[str, Markup]:
    """What every comment of a page repeats, translated once per language; Markup as the templates' ``_()`` gives
    it (``%`` then escapes the name put into a pattern: gettext leaves a pattern as it is without values)."""
    return per_language("proposal_comments", _comment_labels)


def _comment_labels() -> dict[str, Markup]:
    strings = {
        "hidden_for_others": _("This comment was hidden by the team of the conseil citoyen."),
        "hidden": _("Hidden by the team of the conseil citoyen."), "reason": _("Reason:"),
        "appeal": _("Ask for a second review"), "report": _("Report"), "moderate": _("Moderate"),
        "comment_of": _("the comment of %(name)s"), "reply": _("Reply"), "to": _("to %(name)s"),
        "your_reply": _("Your reply"), "publish_reply": _("Publish the reply"),
    }
    return {key: Markup(string) for key, string in strings.items()}  # noqa: S704 - our catalogue


def _status_label(status: ContributionStatus) -> str:
    from participation.contract.services import status_label

    return status_label(status)


def _visitor_seed() -> int:
    """Each visitor sees the random order drawn for them, the same from page to page."""
    seed = session.get(SEED_KEY)
    if not isinstance(seed, int) or seed <= 0:
        seed = services.new_seed()
        session[SEED_KEY] = seed
    return seed


@blueprint.route("/propositions")
def list_proposals():
    versions = page_cache.list_versions()
    kept = page_cache.filters(versions.filters)
    options = kept.options
    args = request.args
    offered_nodes = {str(node_id) for _depth, node_id, _label in options.nodes}
    selected = {
        "conseil": args.get("conseil", "") if args.get("conseil") in options.conseils else "",
        "quartier": args.get("quartier", "") if args.get("quartier") in options.qpvs else "",
        "theme": args.get("theme", "") if args.get("theme") in {t.value for t in Theme} else "",
        "status": args.get("status", "") if args.get("status") in (
            {s.value for s in ContributionStatus} | {services.TO_EXAMINE}) else "",
        "objectif": args.get("objectif", "") if args.get("objectif") in offered_nodes else "",
        "sort": args.get("sort", "random") if args.get("sort") in services.SORTS else "random",
        "q": args.get("q", "")[:100],
    }
    filters = services.Filters(
        conseil_id=options.conseils[selected["conseil"]][0] if selected["conseil"] else None,
        qpv_id=options.qpvs[selected["quartier"]][0] if selected["quartier"] else None,
        theme=Theme(selected["theme"]) if selected["theme"] else None,
        status=selected["status"] or None, q=selected["q"], sort=selected["sort"],
        node_ids=options.below(int(selected["objectif"])) if selected["objectif"] else None,
    )
    seed = _visitor_seed() if filters.sort == "random" else 0
    user = current_user._get_current_object()
    page = services.list_proposals(filters, seed, args.get("page", 1, type=int), supporter=user,
                                   published=lambda: page_cache.published(versions.published))
    here = request.full_path if request.query_string else request.path
    language = str(get_locale())
    labels = card_labels()
    selects = kept.selects_html(
        (language, tuple(value for name, value in selected.items() if name != "q")),
        lambda: Markup(render_template("proposals/_filter_selects.html",  # noqa: S704 - our template
                                       options=_filter_choices(options), selected=selected)))
    return render_template(
        "proposals/list_proposals.html", page=page, selected=selected, selects=selects,
        labels=labels, cards=_cards(user, page.items, page.supported, here, labels, options, versions.cards, language),
        filtered=any(selected[key] for key in ("conseil", "quartier", "theme", "status", "objectif", "q")),
    )


@dataclass
class Card:
    """What a card of the list shows, worked out once per card here rather than by macros in the template."""

    proposal: services.ProposalCard
    url: str
    summary: Markup  # what it shows the same to every reader (_card.html): kept
    supports: str  # "12 soutiens"
    comments: str
    support: str  # the support block: "withdraw", "support", "supported", "sign_in" or ""
    action: str  # where the support form posts, or the sign-in link
    next_url: str


def _cards(user: Any, proposals: list[services.ProposalCard], supported: set[int], here: str, labels: dict[str, Any],
           options: services.FilterOptions, card_version: int, language: str) -> list[Card]:
    """What each card shows; what it shows the same to every reader is kept at ``card_version`` per language
    (page_cache.card)."""
    # One URL built by the router per route, the others by putting each id in its place (same route, same shape;
    # the id is the last occurrence of the marker, whatever the query string holds, and quoting leaves digits).
    marker = "987654321"

    def pattern(url: str) -> Callable[[int], str]:
        before, _marker, after = url.rpartition(marker)
        return lambda proposal_id: f"{before}{proposal_id}{after}"

    show_url, support_url, withdraw_url = (pattern(url_for(f"proposals.{endpoint}", proposal_id=int(marker)))
                                           for endpoint in ("show_proposal", "support", "withdraw_support"))
    sign_in_url = pattern(url_for("accounts.sign_in", next=f"{here}#proposition-{marker}"))

    # The labels of the counts, per language: filled as counts are met (as many as the largest count, some
    # thousands at most), one lookup per card instead of the language's at each count.
    count_labels: dict[tuple[str, int], str] = per_language("proposal_counts", dict)

    def count_label(kind: str, count: int) -> str:
        label = count_labels.get((kind, count))
        if label is None:
            label = count_labels[kind, count] = (
                ngettext("%(num)d support", "%(num)d supports", count) if kind == "support"
                else ngettext("%(num)d comment", "%(num)d comments", count))
        return label

    def summary(proposal: services.ProposalCard, url: str) -> Markup:
        author = (labels["assisted"] % {"name": proposal.on_behalf_name} if proposal.is_assisted
                  else labels["proposed_by"] % {"name": shown_name(proposal.author)})
        return Markup(get_template_attribute("proposals/_card.html", "card_summary")(  # noqa: S704 - our template
            proposal, url, options.place_name(proposal), author, labels))

    cards = []
    for proposal in proposals:
        is_supported = proposal.id in supported
        if is_supported and policy.can_withdraw_support(user, proposal):
            support = "withdraw"
        elif not is_supported and policy.can_support(user, proposal):
            support = "support"
        elif is_supported:
            support = "supported"
        elif policy.is_invited_to_sign_in_to_support(user, proposal):
            support = "sign_in"
        else:
            support = ""
        next_url = f"{here}#proposition-{proposal.id}"
        if support == "sign_in":
            action = sign_in_url(proposal.id)
        elif support in ("support", "withdraw"):
            action = (support_url if support == "support" else withdraw_url)(proposal.id)
        else:
            action = ""
        url = show_url(proposal.id)
        cards.append(Card(
            proposal=proposal, url=url,
            summary=page_cache.card(card_version, proposal.id, language,
                                    lambda proposal=proposal, url=url: summary(proposal, url)),
            supports=count_label("support", proposal.support_count),
            comments=count_label("comment", proposal.comment_count),
            support=support, action=action, next_url=next_url,
        ))
    return cards


# ---------------------------------------------------------------- new proposal (and assisted entry)


def _photo_serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="participation.proposals.photo")


def _photo_token(name: str) -> str:
    return _photo_serializer().dumps({"name": name, "user": current_user.id})


def _photo_from_token(token: str) -> str | None:
    try:
        data = _photo_serializer().loads(token, max_age=PHOTO_TOKEN_AGE)
    except BadSignature:
        return None
    if not isinstance(data, dict) or data.get("user") != current_user.id:
        return None
    name = data.get("name")
    return name if isinstance(name, str) and services.image_path(name) is not None else None


def _received_photo(form: ProposalForm, current: str | None) -> str | None:
    """The photo of the form: a new upload (checked and re-encoded now), the one kept, or none."""
    if form.remove_photo.data:
        return None
    upload = form.photo.data
    if upload is not None and getattr(upload, "filename", ""):
        data = upload.stream.read(services.image_limit() + 1)
        return services.store_image(data)
    return current


def _where_choices(conseils: list[Conseil]) -> list[SelectChoice]:
    pairs = [("", _("Choose a quartier"))]
    for conseil in conseils:
        for qpv in conseil.qpvs:
            label = qpv.name if len(conseils) == 1 else f"{qpv.name} – {conseil.name}"
            pairs.append((f"{conseil.id}:{qpv.id}", label))
    return choices(pairs)


def _proposal_data(form: ProposalForm, image_name: str | None) -> services.ProposalData:
    conseil_id, _sep, qpv_id = form.where.data.partition(":")
    return services.ProposalData(
        title=form.title.data, body=form.body.data, theme=Theme(form.theme.data), conseil_id=int(conseil_id),
        qpv_id=int(qpv_id) if qpv_id.isdigit() else None, place=form.place.data, image_name=image_name,
        image_alt=form.photo_alt.data,
    )


def _proposal_form_view(assisted: bool):
    if assisted:
        authorize(policy.can_enter_on_behalf_anywhere(current_user))
        from participation.territory.services import roles_of

        conseils = services.conseils_accepting_proposals(roles_of(current_user).animator_of)
        form: ProposalForm = AssistedProposalForm()
    else:
        authorize(policy.can_propose(current_user))
        conseils = services.conseils_accepting_proposals()
        form = ProposalForm()
    form.where.choices = _where_choices(conseils)
    template = "proposals/assisted_proposal.html" if assisted else "proposals/new_proposal.html"
    if not conseils:
        return render_template(template, form=form, conseils=conseils, preview=None)
    if request.method == "GET":
        return render_template(template, form=form, conseils=conseils, preview=None)
    image_name = _photo_from_token(form.photo_token.data) if form.photo_token.data else None
    valid = form.validate_on_submit()
    if "csrf_token" not in form.errors:
        # The photo is kept even when another field needs correcting: nobody has to choose it again.
        try:
            image_name = _received_photo(form, image_name)
        except services.InvalidImage as error:
            form.photo.errors = [*form.photo.errors, error.message]
            valid = False
    form.photo_token.data = _photo_token(image_name) if image_name else ""
    form.remove_photo.data = False
    if not valid:
        return render_template(template, form=form, conseils=conseils, preview=None, image_name=image_name), 422
    data = _proposal_data(form, image_name)
    if request.form.get("action") == "publish" and form.previewed.data == "1":
        on_behalf = None
        if assisted:
            on_behalf = services.AssistedEntry(name=form.resident_name.data, consent=form.consent.data)
            authorize(policy.can_enter_on_behalf(current_user, db.session.get(Conseil, data.conseil_id)))
        try:
            proposal = services.submit_proposal(current_user, data, assisted=on_behalf)
        except DomainError as error:
            db.session.rollback()
            flash(error.message, "error")
            return render_template(template, form=form, conseils=conseils, preview=None,
                                   image_name=image_name), 409
        if assisted:
            audit.record(current_user, "proposal.assisted_entry", "proposal", proposal.id,
                         conseil_id=proposal.conseil_id, resident=proposal.on_behalf_name)
        db.session.commit()
        if proposal.state == ProposalState.pending:
            flash(_("Thank you! Your proposal will be published once the team of the conseil has read it."),
                  "success")
        else:
            flash(_("Your proposal is published. Share it with your neighbours so that they support it!"), "success")
        return redirect(url_for("proposals.show_proposal", proposal_id=proposal.id))
    form.previewed.data = "1"
    preview = {"data": data, "html": render_markdown(data.body),
               "qpv": db.session.get(QPV, data.qpv_id) if data.qpv_id else None}
    similar = services.similar_proposals(data.conseil_id, data.title, data.body)
    return render_template(template, form=form, conseils=conseils, preview=preview, similar=similar,
                           image_name=image_name)


@blueprint.route("/propositions/nouvelle", methods=["GET", "POST"])
@limiter.limit(POST_LIMIT, methods=["POST"])
def new_proposal():
    return _proposal_form_view(assisted=False)


@blueprint.route("/animation/propositions/saisie-assistee", methods=["GET", "POST"])
@limiter.limit(POST_LIMIT, methods=["POST"])
def assisted_proposal():
    return _proposal_form_view(assisted=True)


# ---------------------------------------------------------------- photos


@blueprint.route("/propositions/photos/<name>")
def photo(name: str):
    path = services.image_path(name)
    if path is None:
        abort(404)
    proposal = db.session.scalar(select(Proposal).where(Proposal.image_name == name))
    if proposal is None or not policy.can_view(current_user, proposal) or not path.exists():
        abort(404)
    response = send_from_directory(path.parent, path.name, mimetype="image/jpeg", max_age=3600)
    if not proposal.is_visible:
        response.headers["Cache-Control"] = "private, no-store"
    return response


@blueprint.route("/propositions/photos/apercu/<token>")
def draft_photo(token: str):
    """A photo sent with a proposal being previewed, shown only to the person who sent it."""
    if not current_user.is_authenticated:
        abort(404)
    name = _photo_from_token(token)
    path = services.image_path(name) if name else None
    if path is None or not path.exists():
        abort(404)
    response = send_from_directory(path.parent, path.name, mimetype="image/jpeg")
    response.headers["Cache-Control"] = "private, no-store"
    return response


# ---------------------------------------------------------------- one proposal


def _render_show(proposal: Proposal, *, comment_form: CommentForm | None = None,
                 reply_form: CommentForm | None = None, status_form: StatusForm | None = None,
                 answer_form: AnswerForm | None = None,
                 assisted_form: AssistedSupportForm | None = None, status: int = 200):
    number = request.args.get("page", 1, type=int)
    comments_html, decisions, threads = None, {}, []
    # The thread a reader replies to shows its reply form (a reply sent back with its error, or the thread's
    # "Reply" link followed without JavaScript): the comments are then built for this reader.
    replying_to = _replying_to(proposal, reply_form)
    # What the page shows the same to every reader is kept (page_cache): its version is read before the rest.
    version, language = page_cache.page_version(), str(get_locale())
    article = page_cache.article(version, proposal.id, language, lambda: _kept_article(proposal))
    facts = services.reader_facts(proposal, current_user)
    audience = policy.comments_audience(current_user, proposal, facts.commented) if replying_to is None else None
    if audience is not None:  # the same for all this audience: kept
        kept = page_cache.comments(version, proposal.id, number, language, audience,
                                   lambda: _kept_comments(proposal, number))
        comments_html, comments_page = kept.html, kept.page
    else:
        comments_page, threads = services.comment_threads(proposal, number)
        shown = [comment for thread in threads for comment in (thread.comment, *thread.replies)]
        hidden_ids = [comment.id for comment in shown if comment.is_hidden]
        decisions = moderation.last_decisions("proposal_comment", hidden_ids) if hidden_ids else {}
    proposal_decision = None
    if proposal.state == ProposalState.hidden:
        proposal_decision = moderation.last_decisions("proposal", [proposal.id]).get(proposal.id)
    can_answer = policy.can_set_status(current_user, proposal)
    if status_form is None and can_answer:
        status_form = StatusForm(formdata=None, data={"status": proposal.contribution.status.value})
    if status_form is not None:
        status_form.status.choices = choices((s.value, _status_label(s)) for s in ContributionStatus)
    if answer_form is None and can_answer:
        answer_form = AnswerForm(formdata=None, data={"answer": proposal.contribution.answer or ""})
    # A form is made only for a reader who may send it: the template shows the forms it is given.
    blank_comment_field = None
    if not policy.can_comment(current_user, proposal):
        comment_form = None
    elif comment_form is None:  # not one sent back with what was typed
        comment_form, blank_comment_field = CommentForm(formdata=None), _blank_comment_field()
    if policy.can_record_assisted_support(current_user, proposal):
        assisted_form = assisted_form or AssistedSupportForm(formdata=None, prefix="assisted")
    else:
        assisted_form = None
    return render_template(
        "proposals/show_proposal.html", proposal=proposal, article=article, rules=services.rules(proposal),
        labels=card_labels(),
        comment_labels=comment_labels(), viewer_id=current_user.id if current_user.is_authenticated else None,
        supported=facts.supports, assisted_supports=facts.assisted_supports,
        comments_page=comments_page, threads=threads, decisions=decisions, proposal_decision=proposal_decision,
        comments_html=comments_html,
        comment_form=comment_form, reply_form=reply_form,
        blank_comment_field=blank_comment_field,
        moderator=policy.can_moderate_proposal(current_user, proposal), replying_to=replying_to,
        page_number=comments_page.number,
        status_form=status_form, answer_form=answer_form,
        assisted_form=assisted_form,
        withdraw_form=EmptyForm(formdata=None) if policy.can_withdraw(current_user, proposal) else None,
        can_edit=policy.can_edit(current_user, proposal),
    ), status


def _blank_comment_field() -> Markup:
    """The comment form's empty text field with its label and hint, the same for every reader of a language:
    rendered once (WTForms took 0.3 ms to write it out at each view)."""
    return per_language("proposal_blank_comment_field", lambda: Markup(  # noqa: S704 - our template
        get_template_attribute("_macros/forms.html", "field")(CommentForm(formdata=None).body)))


def _replying_to(proposal: Proposal, reply_form: CommentForm | None) -> int | None:
    """The comment whose reply form the page shows open: that of a reply sent back with an error, or the one
    ``?repondre=`` names when the reader may comment (nothing otherwise)."""
    if reply_form is not None:
        parent_id = reply_form.parent_id.data or ""
        return int(parent_id) if parent_id.isdigit() else None
    if "repondre" not in request.args or not policy.can_comment(current_user, proposal):
        return None
    return request.args.get("repondre", type=int)


def _kept_article(proposal: Proposal) -> page_cache.KeptArticle:
    """A proposal's article and follow-up as every reader sees them (what each reader may do is not in them)."""
    services.load_shown_parts(proposal)
    parts = [Markup(get_template_attribute("proposals/_article.html", name)(proposal))  # noqa: S704 - our template
             for name in ("article_head", "article_body", "follow_up")]
    return page_cache.KeptArticle(*parts)


def _kept_comments(proposal: Proposal, number: int) -> page_cache.KeptComments:
    """A page of comments as its audience sees it (for a signed-in reader: one who wrote none of them, so that
    every link to report is there and nothing is theirs; a link to reply under each thread if they may)."""
    comments_page, threads = services.comment_threads(proposal, number)
    html = Markup(render_template(  # noqa: S704 - our template
        "proposals/_comments.html", proposal=proposal, threads=threads, decisions={},
        viewer_id=current_user.id if current_user.is_authenticated else None, moderator=False,
        comment_labels=comment_labels(), reply_form=None, replying_to=None,
        page_number=comments_page.number)) if threads else Markup("")
    page = Page(items=[], number=comments_page.number, per_page=comments_page.per_page, total=comments_page.total)
    return page_cache.KeptComments(html, page)


@blueprint.route("/propositions/<int:proposal_id>")
def show_proposal(proposal_id: int):
    return _render_show(_load(proposal_id))


@blueprint.route("/propositions/<int:proposal_id>/modifier", methods=["GET", "POST"])
@limiter.limit(POST_LIMIT, methods=["POST"])
def edit_proposal(proposal_id: int):
    proposal = _load(proposal_id)
    authorize(policy.can_edit(current_user, proposal))
    form = ProposalForm(obj=None if request.method == "POST" else proposal, data=None if request.method == "POST"
                        else {"where": f"{proposal.conseil_id}:{proposal.qpv_id or ''}",
                              "theme": proposal.theme.value, "photo_alt": proposal.image_alt or ""})
    form.where.choices = _where_choices([proposal.conseil])
    if proposal.qpv_id is None:
        form.where.choices.append(SelectChoice(value=f"{proposal.conseil_id}:", label=proposal.conseil.name))
    if form.validate_on_submit():
        try:
            image_name = _received_photo(form, proposal.image_name)
            services.edit_proposal(proposal, _proposal_data(form, image_name))
        except services.InvalidImage as error:
            form.photo.errors = [*form.photo.errors, error.message]
        except DomainError as error:
            db.session.rollback()
            flash(error.message, "error")
            return redirect(url_for("proposals.show_proposal", proposal_id=proposal.id))
        else:
            db.session.commit()
            flash(_("Your proposal has been changed."), "success")
            return redirect(url_for("proposals.show_proposal", proposal_id=proposal.id))
    status = 422 if request.method == "POST" else 200
    return render_template("proposals/edit_proposal.html", form=form, proposal=proposal), status


@blueprint.route("/propositions/<int:proposal_id>/retirer", methods=["POST"])
def withdraw_proposal(proposal_id: int):
    proposal = _load(proposal_id)
    authorize(policy.can_withdraw(current_user, proposal))
    if EmptyForm().validate_on_submit():
        services.withdraw_proposal(proposal, current_user)
        db.session.commit()
        flash(_("Your proposal has been withdrawn. It stays visible, marked as withdrawn."), "success")
    return redirect(url_for("proposals.show_proposal", proposal_id=proposal.id))


# ---------------------------------------------------------------- supports


def _support_response(proposal_id: int, count: int, supported: bool, message: str, status: int = 200):
    """The answer to a support or its withdrawal: JSON for the page's script, else back where the button was.
    It reads nothing of the proposal, which the commit expired (reading it again took one more statement)."""
    if _wants_json():
        return jsonify({
            "ok": status == 200, "supported": supported, "count": count,
            "count_label": ngettext("%(num)d support", "%(num)d supports", count),
            "message": message,
            "action": url_for("proposals.withdraw_support" if supported else "proposals.support",
                              proposal_id=proposal_id),
            "button": _("Withdraw my support") if supported else _("Support"),
        }), status
    flash(message, "success" if status == 200 else "error")
    return redirect(_safe_next(url_for("proposals.show_proposal", proposal_id=proposal_id) + "#soutien"))


@blueprint.route("/propositions/<int:proposal_id>/soutenir", methods=["POST"])
@limiter.limit(SUPPORT_LIMIT)
def support(proposal_id: int):
    proposal = _load(proposal_id, light=True)
    authorize(policy.can_take_part(current_user))
    if not SupportForm().validate_on_submit():
        abort(400)
    try:
        count = services.support(proposal, current_user)
    except DomainError as error:
        db.session.rollback()
        already = isinstance(error, services.AlreadySupported)
        return _support_response(proposal_id, proposal.support_count, already, error.message, 409)
    db.session.commit()
    return _support_response(proposal_id, count, True, _("Your support has been recorded. Thank you!"))


@blueprint.route("/propositions/<int:proposal_id>/soutenir/retirer", methods=["POST"])
@limiter.limit(SUPPORT_LIMIT)
def withdraw_support(proposal_id: int):
    proposal = _load(proposal_id, light=True)
    authorize(policy.can_take_part(current_user))
    if not SupportForm().validate_on_submit():
        abort(400)
    try:
        count = services.withdraw_support(proposal, current_user)
    except DomainError as error:
        db.session.rollback()
        return _support_response(proposal_id, proposal.support_count, False, error.message, 409)
    db.session.commit()
    return _support_response(proposal_id, count, False, _("Your support has been withdrawn."))


@blueprint.route("/propositions/<int:proposal_id>/soutien-assiste", methods=["POST"])
@limiter.limit(POST_LIMIT)
def assisted_support(proposal_id: int):
    proposal = _load(proposal_id)
    authorize(policy.can_enter_on_behalf(current_user, proposal.conseil))
    form = AssistedSupportForm(prefix="assisted")
    if form.validate_on_submit():
        try:
            services.assisted_support(proposal, current_user, services.AssistedEntry(
                name=form.resident_name.data, consent=form.consent.data))
        except DomainError as error:
            db.session.rollback()
            form.resident_name.errors = [error.message]
        else:
            audit.record(current_user, "proposal.assisted_support", "proposal", proposal.id,
                         conseil_id=proposal.conseil_id, resident=form.resident_name.data.strip())
            db.session.commit()
            flash(_("The support of %(name)s has been recorded.", name=form.resident_name.data.strip()), "success")
            return redirect(url_for("proposals.show_proposal", proposal_id=proposal.id) + "#soutien")
    return _render_show(proposal, assisted_form=form, status=422)


# ---------------------------------------------------------------- comments


@blueprint.route("/propositions/<int:proposal_id>/commentaires", methods=["POST"])
@limiter.limit(POST_LIMIT)
def add_comment(proposal_id: int):
    proposal = _load(proposal_id)
    authorize(policy.can_comment(current_user, proposal))
    form = CommentForm()
    parent = None
    if form.parent_id.data:
        parent = db.session.get(Comment, int(form.parent_id.data)) if form.parent_id.data.isdigit() else None
        if parent is None or parent.proposal_id != proposal.id or parent.is_hidden:
            form.parent_id.data = ""
            form.body.errors = [_("The comment you answer no longer exists.")]
            return _render_show(proposal, comment_form=form, status=422)
    if form.validate_on_submit():
        try:
            comment = services.add_comment(proposal, current_user, form.body.data, parent=parent)
        except DomainError as error:
            db.session.rollback()
            form.body.errors = [error.message]
        else:
            db.session.commit()
            flash(_("Your comment is published."), "success")
            return redirect(url_for("proposals.show_proposal", proposal_id=proposal.id)
                            + f"#commentaire-{comment.id}")
    if parent is not None:
        return _render_show(proposal, reply_form=form, status=422)
    return _render_show(proposal, comment_form=form, status=422)


# ---------------------------------------------------------------- reports


def _report_view(target_type: str, item: Any, proposal: Proposal, author: Any, excerpt: str):
    authorize(policy.can_report(current_user, author))
    form = ReportForm()
    if form.validate_on_submit():
        try:
            moderation.report(current_user, target_type, item, ReportReason(form.reason.data), form.details.data)
        except DomainError as error:
            db.session.rollback()
            flash(error.message, "info")
        else:
            db.session.commit()
            flash(_("Thank you. The team of the conseil citoyen will look at it."), "success")
        return redirect(url_for("proposals.show_proposal", proposal_id=proposal.id))
    status = 422 if request.method == "POST" else 200
    return render_template("proposals/report.html", form=form, proposal=proposal, excerpt=excerpt,
                           target_type=target_type), status


@blueprint.route("/propositions/<int:proposal_id>/signaler", methods=["GET", "POST"])
@limiter.limit(POST_LIMIT, methods=["POST"])
def report_proposal(proposal_id: int):
    proposal = _load(proposal_id)
    return _report_view("proposal", proposal, proposal, proposal.author, proposal.title)


@blueprint.route("/propositions/commentaires/<int:comment_id>/signaler", methods=["GET", "POST"])
@limiter.limit(POST_LIMIT, methods=["POST"])
def report_comment(comment_id: int):
    comment = db.session.get(Comment, comment_id)
    if comment is None or comment.is_hidden:
        abort(404)
    proposal = _load(comment.proposal_id)
    return _report_view("proposal_comment", comment, proposal, comment.author, comment.body)


# ---------------------------------------------------------------- status and answer


@blueprint.route("/propositions/<int:proposal_id>/statut", methods=["POST"])
def set_status(proposal_id: int):
    proposal = _load(proposal_id)
    authorize(policy.can_set_status(current_user, proposal))
    form = StatusForm()
    form.status.choices = choices((s.value, _status_label(s)) for s in ContributionStatus)
    if form.validate_on_submit():
        status = ContributionStatus(form.status.data)
        merged_into = None
        if status == ContributionStatus.merged:
            merged_into = services.load_proposal(form.merged_into.data) if form.merged_into.data else None
            if merged_into is None or merged_into.id == proposal.id or merged_into.contribution_id is None:
                form.merged_into.errors = [_("Enter the number of another published proposal.")]
                return _render_show(proposal, status_form=form, status=422)
        try:
            services.set_status(proposal, status, current_user, reason=form.reason.data, merged_into=merged_into)
        except DomainError as error:
            db.session.rollback()
            form.reason.errors = [error.message]
        else:
            audit.record(current_user, "proposal.status_changed", "proposal", proposal.id,
                         reason=(form.reason.data or "").strip() or None, conseil_id=proposal.conseil_id,
                         status=status.value)
            db.session.commit()
            flash(_("The status is now “%(status)s”. The people who took part are told.",
                    status=_status_label(status)), "success")
            return redirect(url_for("proposals.show_proposal", proposal_id=proposal.id) + "#suivi")
    return _render_show(proposal, status_form=form, status=422)


@blueprint.route("/propositions/<int:proposal_id>/reponse", methods=["POST"])
def answer(proposal_id: int):
    proposal = _load(proposal_id)
    authorize(policy.can_set_status(current_user, proposal))
    form = AnswerForm()
    if form.validate_on_submit():
        try:
            services.answer_proposal(proposal, form.answer.data, current_user)
        except DomainError as error:
            db.session.rollback()
            form.answer.errors = [error.message]
        else:
            audit.record(current_user, "proposal.answered", "proposal", proposal.id, conseil_id=proposal.conseil_id)
            db.session.commit()
            flash(_("The official answer is published. The people who took part are told."), "success")
            return redirect(url_for("proposals.show_proposal", proposal_id=proposal.id) + "#reponse")
    return _render_show(proposal, answer_form=form, status=422)


# ---------------------------------------------------------------- settings of the conseils


def _configurable_conseils() -> list[Conseil]:
    return [conseil for conseil in territory.list_conseils() if policy.can_configure(current_user, conseil)]


@blueprint.route("/animation/propositions")
def list_settings():
    authorize(policy.can_configure_any(current_user))
    conseils = _configurable_conseils()
    saved = {s.conseil_id: s for s in db.session.scalars(
        select(ProposalSettings).where(ProposalSettings.conseil_id.in_([c.id for c in conseils])))}
    rows = [(conseil, saved.get(conseil.id) or services.default_settings(conseil.id),
             moderation.settings_for(conseil.id)) for conseil in conseils]
    return render_template("proposals/list_settings.html", rows=rows,
                           can_assist=policy.can_enter_on_behalf_anywhere(current_user))


@blueprint.route("/animation/propositions/<slug>/reglages", methods=["GET", "POST"])
def edit_settings(slug: str):
    conseil = territory.get_conseil_by_slug(slug)
    if conseil is None:
        abort(404)
    authorize(policy.can_configure(current_user, conseil))
    settings, moderation_settings = services.settings_for(conseil.id), moderation.settings_for(conseil.id)
    form = SettingsForm(data=None if request.method == "POST" else {
        "phase": settings.phase.value, "support_threshold": settings.support_threshold,
        "max_supports_per_person": settings.max_supports_per_person,
        "edit_window_hours": settings.edit_window_hours, "pre_moderation": moderation_settings.pre_moderation,
        "auto_hide_threshold": moderation_settings.auto_hide_threshold,
    })
    if form.validate_on_submit():
        services.update_settings(conseil, services.SettingsData(
            phase=Phase(form.phase.data), support_threshold=form.support_threshold.data,
            max_supports_per_person=form.max_supports_per_person.data,
            edit_window_hours=form.edit_window_hours.data, pre_moderation=form.pre_moderation.data,
            auto_hide_threshold=form.auto_hide_threshold.data,
        ))
        audit.record(current_user, "proposals.settings_changed", "conseil", conseil.id, conseil_id=conseil.id,
                     phase=form.phase.data, support_threshold=form.support_threshold.data,
                     max_supports_per_person=form.max_supports_per_person.data,
                     pre_moderation=form.pre_moderation.data, auto_hide_threshold=form.auto_hide_threshold.data)
        db.session.commit()
        flash(_("The settings of %(name)s have been saved.", name=conseil.name), "success")
        return redirect(url_for("proposals.list_settings"))
    status = 422 if request.method == "POST" else 200
    return render_template("proposals/edit_settings.html", form=form, conseil=conseil), status

