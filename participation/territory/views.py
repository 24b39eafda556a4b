from __future__ import annotations

from flask import abort, render_template
from flask_babel import gettext as _
from flask_login import current_user

from participation.registry import get_registry, render_sections
from participation.territory import blueprint, policy, services
from participation.territory.models import College, Seat


@blueprint.route("/conseils")
def list_conseils():
    return render_template("territory/list_conseils.html", conseils=services.list_conseils())


@blueprint.route("/conseils/<slug>")
def show_conseil(slug: str):
    conseil = services.get_conseil_by_slug(slug)
    if conseil is None:
        abort(404)
    full_view = policy.can_see_composition(current_user, conseil)
    shown = services.member_lines(conseil, listed_only=not full_view)
    counts = services.composition_of(conseil)
    habitants = [m for m in shown if m.college == College.habitants]
    local_actors = [m for m in shown if m.college == College.acteurs_locaux]
    sections = render_sections(get_registry().sorted_conseil_sections(), conseil, conseil=conseil)
    return render_template(
        "territory/show_conseil.html",
        conseil=conseil,
        habitants=habitants,
        local_actors=local_actors,
        counts=counts,
        warnings=services.composition_warnings(conseil, counts) if full_view else [],
        animators=services.animators_of(conseil),
        sections=sections,
        seat_labels={Seat.titulaire: _("Titulaire"), Seat.suppleant: _("Suppléant")},
    )
