from __future__ import annotations

from datetime import date

from flask import Response, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from participation import audit
from participation.accounts.forms import EmptyForm
from participation.contract import annual_report
from participation.exports import FORMATS, Column, stream_export
from participation.extensions import db
from participation.forms import choices
from participation.i18n import paris_today
from participation.permissions import authorize
from participation.reporting import _locale, annex_pdf, blueprint, policy, services, snapshots
from participation.reporting.forms import DashboardFilterForm
from participation.territory.services import roles_of

FORMAT_LABELS = {"csv": "CSV (tableur)", "csv-opendata": "CSV (open data)", "xlsx": "XLSX", "ods": "ODS",
                 "json": "JSON"}


@blueprint.context_processor
def figure_locale() -> dict[str, str]:
    """The language of the figures, for ``format_figure`` (looked up once per page, not per figure)."""
    return {"figure_locale": _locale()}


def _allowed_conseils() -> frozenset[int] | None:
    """None: the whole territory (chef de projet); else the conseils the animator runs."""
    if policy.can_see_territory(current_user):
        return None
    return frozenset(roles_of(current_user).animator_of)


def _filters(places: services.Territory) -> tuple[DashboardFilterForm, services.DashboardScope, dict[str, str]]:
    """The filter form, the scope it describes, and the query arguments to carry to downloads."""
    allowed = _allowed_conseils()
    form = DashboardFilterForm(request.args)
    conseils = places.conseils
    if allowed is not None:
        conseils = [c for c in conseils if c.id in allowed]
    all_label = _("All") if allowed is None else _("All my conseils")
    form.conseil.choices = choices([("", all_label)] + [(str(c.id), c.name) for c in conseils])
    qpvs = [] if allowed is not None else places.qpvs
    form.qpv.choices = choices([("", _("All"))] + [(str(q.id), f"{q.name} ({q.code})") for q in qpvs])
    today = paris_today()
    first_day, last_day = date(today.year, 1, 1), today
    conseil_ids: set[int] | None = set(allowed) if allowed is not None else None
    qpv_id = None
    if form.validate():
        first_day = form.start.data or first_day
        last_day = form.end.data or (last_day if last_day >= first_day else first_day)
        if form.conseil.data and form.conseil.data.isdigit():
            chosen = {int(form.conseil.data)}
            conseil_ids = chosen if conseil_ids is None else conseil_ids & chosen
        if allowed is None and form.qpv.data and form.qpv.data.isdigit():
            qpv_id = int(form.qpv.data)
            covering = places.covering.get(qpv_id, set())
            conseil_ids = covering if conseil_ids is None else conseil_ids & covering
    scope = services.make_scope(first_day, last_day, conseil_ids, qpv_id)
    carried = {"start": first_day.isoformat(), "end": last_day.isoformat()}
    for name in ("conseil", "qpv"):
        if request.args.get(name, "").isdigit():
            carried[name] = request.args[name]
    return form, scope, carried


def _figures(scope: services.DashboardScope, places: services.Territory,
             carried: dict[str, str]) -> snapshots.DashboardFigures:
    """The figures of the scope, kept for a few minutes (committed so that the next request finds them)."""
    figures = snapshots.figures(
        scope, _locale(), lambda: services.all_tables(scope, places),
        lambda blocks: render_template("reporting/_blocks.html", blocks=blocks, carried=carried,
                                       formats=FORMAT_LABELS))
    if figures.stored:
        db.session.commit()
    return figures


@blueprint.route("/pilotage")
def dashboard():
    authorize(policy.can_see_dashboard(current_user))
    places = services.territory()
    form, scope, carried = _filters(places)
    return render_template("reporting/dashboard.html", form=form, scope=scope, figures=_figures(scope, places, carried),
                           carried=carried, min_group=services.MIN_GROUP, refresh_form=EmptyForm())


@blueprint.route("/pilotage/recalculer", methods=["POST"])
def refresh_dashboard():
    """Compute the figures of the scope again now (after an answer given a minute ago, say)."""
    authorize(policy.can_see_dashboard(current_user))
    _form, scope, carried = _filters(services.territory())
    if EmptyForm().validate_on_submit():
        snapshots.forget(scope, _locale())
        db.session.commit()
        flash(_("The figures have been computed again."), "success")
    return redirect(url_for("reporting.dashboard", **carried))


@blueprint.route("/pilotage/exports/indicateurs/<key>.<fmt>")
def export_indicator(key: str, fmt: str):
    authorize(policy.can_see_dashboard(current_user))
    if fmt not in FORMATS:
        abort(404)
    places = services.territory()
    _form, scope, carried = _filters(places)
    table = _figures(scope, places, carried).find(key)
    if table is None:
        abort(404)
    filename = f"{key}-{scope.first_day.isoformat()}-{scope.last_day.isoformat()}"
    return stream_export(fmt, filename, table.columns, table.rows)


@blueprint.route("/pilotage/exports")
def list_exports():
    authorize(policy.can_see_dashboard(current_user))
    tables = [t for t in services.export_tables() if not t.personal or policy.can_export_personal_data(current_user)]
    rounds = annual_report.rounds() if policy.can_export_annex(current_user) else []
    return render_template("reporting/list_exports.html", tables=tables, formats=FORMAT_LABELS, rounds=rounds)


@blueprint.route("/pilotage/exports/<table>.<fmt>")
def export_table(table: str, fmt: str):
    authorize(policy.can_see_dashboard(current_user))
    known = {t.key: t for t in services.export_tables()}
    if table not in known or fmt not in FORMATS:
        abort(404)
    if known[table].personal:
        authorize(policy.can_export_personal_data(current_user))
        audit.record(current_user, "export.personal_data", "export", None, table=table, format=fmt)
        db.session.commit()
    allowed = _allowed_conseils()
    columns: list[Column]
    if table == "contributions":
        columns, rows = services.contribution_columns(), services.contribution_rows(
            allowed, request.url_root.rstrip("/"))
    elif table == "chronologies":
        columns, rows = services.event_columns(), services.event_rows(allowed)
    elif table == "contrat":
        columns, rows = services.contract_columns(), services.contract_rows()
    else:
        columns, rows = services.opinion_columns(), services.opinion_rows(None, allowed)
    today = paris_today().isoformat()
    return stream_export(fmt, f"{table}-{today}", columns, rows)


@blueprint.route("/pilotage/rapport-annuel/<int:year>/annexe.<fmt>")
def annex(year: int, fmt: str):
    authorize(policy.can_export_annex(current_user))
    if fmt not in ("pdf", "ods") or not 2000 <= year <= 2100:
        abort(404)
    filename = f"annexe-rapport-annuel-{year}"
    if fmt == "ods":
        return stream_export("ods", filename, services.annex_columns(), services.annex_rows(year))
    data = services.annex(year)
    body = annex_pdf.annex_pdf(data, current_app.config["TERRITORY_NAME"])
    return Response(body, mimetype="application/pdf", headers={
        "Content-Disposition": f'attachment; filename="{filename}.pdf"', "Cache-Control": "no-store"})


def export_url(key: str, fmt: str, carried: dict[str, str]) -> str:
    return url_for("reporting.export_indicator", key=key, fmt=fmt, **carried)


blueprint.add_app_template_global(export_url, "indicator_export_url")
