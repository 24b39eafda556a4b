from __future__ import annotations

from flask import abort, render_template
from flask_login import current_user

from participation.registry import get_registry
from participation.territory import blueprint, policy, services
from participation.territory.models import College


@blueprint.route("/conseils")
def list_conseils():
    return render_template("territory/list_conseils.html", conseils=services.list_conseils())


@blueprint.route("/conseils/<slug>")
def show_conseil(slug: str):
    conseil = services.get_conseil_by_slug(slug)
    if conseil is None:
        abort(404)
    members = services.current_members(conseil)
    full_view = policy.can_see_composition(current_user, conseil)
    shown = members if full_view else [m for m in members if m.listed_publicly and not m.user.is_deleted]
    colleges = {
        college: [m for m in shown if m.college == college] for college in (College.habitants, College.acteurs_locaux)
    }
    sections = [
        (section.template, section.context(conseil)) for section in get_registry().sorted_conseil_sections()
    ]
    return render_template(
        "territory/show_conseil.html",
        conseil=conseil,
        colleges=colleges,
        counts=services.composition(members),
        warnings=services.composition_warnings(conseil, members) if full_view else [],
        animators=services.animators_of(conseil),
        sections=sections,
    )
