from __future__ import annotations

from flask import current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_babel import refresh
from flask_login import current_user
from sqlalchemy import text
from wtforms import SelectField

from participation.accounts.forms import EmptyForm
from participation.extensions import csrf, db, limiter
from participation.forms import choices
from participation.i18n import LANGUAGE_CHOICES, LANGUAGES, SESSION_KEY
from participation.pages import blueprint
from participation.registry import get_registry, render_sections


class LanguageForm(EmptyForm):
    language = SelectField(choices=choices(LANGUAGE_CHOICES))


@blueprint.route("/")
def home():
    sections = render_sections(get_registry().sorted_home_sections())
    return render_template("pages/home.html", sections=sections)


@blueprint.route("/langue", methods=["POST"])
def change_language():
    form = LanguageForm()
    if form.validate_on_submit() and form.language.data in LANGUAGES:
        session[SESSION_KEY] = form.language.data
        if current_user.is_authenticated:
            current_user.locale = form.language.data
            db.session.commit()
        refresh()
        flash(_("The language has been changed."), "success")
    back = request.form.get("next", "")
    if not back.startswith("/") or back.startswith("//"):
        back = url_for("pages.home")
    return redirect(back)


def accessibility_status_label() -> str:
    """The RGAA compliance level stated in the footer of every page."""
    labels = {
        "full": _("fully compliant"),
        "partial": _("partially compliant"),
        "none": _("not compliant"),
    }
    return labels.get(current_app.config["ACCESSIBILITY_STATUS"], labels["partial"])


@blueprint.route("/accessibilite")
def accessibility():
    return render_template("pages/accessibility.html", status=current_app.config["ACCESSIBILITY_STATUS"])


@blueprint.route("/donnees-personnelles")
def personal_data():
    return render_template("pages/personal_data.html",
                           retention_days=current_app.config["PERSONAL_DATA_RETENTION_DAYS"])


@blueprint.route("/mentions-legales")
def legal_notice():
    return render_template("pages/legal_notice.html")


@blueprint.route("/sante")
@limiter.exempt
@csrf.exempt
def health():
    """For operators and load balancers: the app answers and the database too."""
    try:
        db.session.execute(text("SELECT 1"))
    except Exception:  # noqa: BLE001 - any database failure means unhealthy
        return {"status": "error", "database": "unreachable"}, 503
    return {"status": "ok", "database": "ok"}
