from __future__ import annotations

from flask import abort, render_template

from participation.contract import blueprint, services
from participation.contract.models import Contribution
from participation.extensions import db


@blueprint.route("/suivi/<int:contribution_id>")
def follow_up(contribution_id: int):
    contribution = db.session.get(Contribution, contribution_id)
    if contribution is None:
        abort(404)
    return render_template("contract/follow_up.html", contribution=contribution,
                           source_url=services.source_url(contribution))
