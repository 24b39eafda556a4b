from __future__ import annotations

import json
from urllib.parse import urlsplit

from flask import Response, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_babel import refresh
from flask_login import current_user, login_required, login_user, logout_user
from sqlalchemy import select

from participation import audit
from participation.accounts import blueprint, services
from participation.accounts.forms import (
    ChangePasswordForm,
    DeleteAccountForm,
    EmptyForm,
    ForgotPasswordForm,
    ProfileForm,
    ResetPasswordForm,
    SignInForm,
    SignUpForm,
)
from participation.accounts.models import Gender
from participation.extensions import db, limiter
from participation.forms import SelectChoice, choices
from participation.i18n import SESSION_KEY
from participation.territory.models import QPV

AUTH_LIMIT = "10 per minute;50 per hour"


def _safe_next(default: str) -> str:
    target = request.args.get("next") or request.form.get("next") or ""
    parts = urlsplit(target)
    if target.startswith("/") and not target.startswith("//") and not parts.scheme and not parts.netloc:
        return target
    return default


@blueprint.route("/inscription", methods=["GET", "POST"])
@limiter.limit(AUTH_LIMIT, methods=["POST"])
def sign_up():
    if current_user.is_authenticated:
        return redirect(url_for("pages.home"))
    form = SignUpForm()
    if form.validate_on_submit():
        services.register(
            services.Registration(
                email=form.email.data, password=form.password.data,
                display_name=form.display_name.data, locale=session.get(SESSION_KEY) or _current_language(),
            ),
            verify_url_for=lambda token: url_for("accounts.verify_email", token=token, _external=True),
        )
        db.session.commit()
        return redirect(url_for("accounts.check_your_mail"))
    return render_template("accounts/sign_up.html", form=form)


def _current_language() -> str:
    from participation.i18n import select_locale

    return select_locale()


@blueprint.route("/inscription/verifiez-vos-mails")
def check_your_mail():
    return render_template("accounts/check_your_mail.html")


@blueprint.route("/inscription/verifier/<token>")
def verify_email(token: str):
    try:
        user = services.verify_email(token)
    except services.InvalidToken:
        flash(_("This verification link is invalid or has expired. Sign in to get a new one."), "error")
        return redirect(url_for("accounts.sign_in"))
    db.session.commit()
    flash(_("Your e-mail address is verified. Welcome!"), "success")
    if not current_user.is_authenticated:
        login_user(user)
    return redirect(url_for("pages.home"))


@blueprint.route("/inscription/renvoyer", methods=["POST"])
@login_required
@limiter.limit("3 per minute;10 per hour")
def resend_verification():
    form = EmptyForm()
    if form.validate_on_submit() and not current_user.is_verified:
        from participation.mail import queue_mail

        queue_mail(current_user.email, "accounts/verify_email", locale=current_user.locale, user=current_user,
                   url=url_for("accounts.verify_email", token=services.make_verification_token(current_user),
                               _external=True))
        db.session.commit()
        flash(_("A new verification link was sent to %(email)s.", email=current_user.email), "success")
    return redirect(url_for("accounts.profile"))


@blueprint.route("/connexion", methods=["GET", "POST"])
@limiter.limit(AUTH_LIMIT, methods=["POST"])
def sign_in():
    if current_user.is_authenticated:
        return redirect(_safe_next(url_for("pages.home")))
    form = SignInForm()
    if form.validate_on_submit():
        user = services.authenticate(form.email.data, form.password.data)
        if user is not None:
            db.session.commit()
            login_user(user, remember=form.remember.data)
            session.pop(SESSION_KEY, None)
            flash(_("You are signed in."), "success")
            return redirect(_safe_next(url_for("pages.home")))
        form.password.errors.append(_("E-mail address or password incorrect."))
    return render_template("accounts/sign_in.html", form=form, next=_safe_next(""))


@blueprint.route("/deconnexion", methods=["POST"])
def sign_out():
    form = EmptyForm()
    if form.validate_on_submit() and current_user.is_authenticated:
        logout_user()
        flash(_("You are signed out."), "success")
    return redirect(url_for("pages.home"))


@blueprint.route("/mot-de-passe-oublie", methods=["GET", "POST"])
@limiter.limit(AUTH_LIMIT, methods=["POST"])
def forgot_password():
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        services.request_password_reset(
            form.email.data,
            reset_url_for=lambda token: url_for("accounts.reset_password", token=token, _external=True),
        )
        db.session.commit()
        flash(_("If an account uses this address, a link to choose a new password has been sent to it. "
                "It works for two hours."), "success")
        return redirect(url_for("accounts.sign_in"))
    return render_template("accounts/forgot_password.html", form=form)


@blueprint.route("/mot-de-passe/<token>", methods=["GET", "POST"])
@limiter.limit(AUTH_LIMIT, methods=["POST"])
def reset_password(token: str):
    try:
        user = services.user_for_reset_token(token)
    except services.InvalidToken:
        flash(_("This link is invalid or has expired. Ask for a new one."), "error")
        return redirect(url_for("accounts.forgot_password"))
    form = ResetPasswordForm()
    if form.validate_on_submit():
        services.set_password(user, form.password.data)
        db.session.commit()
        logout_user()
        login_user(user)
        flash(_("Your password has been changed."), "success")
        return redirect(url_for("pages.home"))
    return render_template("accounts/reset_password.html", form=form)


def _qpv_choices() -> list[SelectChoice]:
    qpvs = db.session.execute(select(QPV.id, QPV.name, QPV.code).order_by(QPV.name)).all()
    return choices([("", _("I prefer not to say"))] + [(str(q.id), f"{q.name} ({q.code})") for q in qpvs])


@blueprint.route("/compte", methods=["GET", "POST"])
@login_required
def profile():
    form = ProfileForm(
        obj=None if request.method == "POST" else current_user,
        data=None if request.method == "POST" else {
            "qpv_id": str(current_user.qpv_id or ""),
            "gender": current_user.gender.value if current_user.gender else "",
        },
    )
    form.qpv_id.choices = _qpv_choices()
    if form.validate_on_submit():
        services.update_profile(current_user, services.Profile(
            display_name=form.display_name.data,
            locale=form.locale.data,
            qpv_id=int(form.qpv_id.data) if form.qpv_id.data else None,
            gender=Gender(form.gender.data) if form.gender.data else None,
            birth_year=form.birth_year.data,
            notify_by_email=form.notify_by_email.data,
        ))
        db.session.commit()
        refresh()  # the message in the language just chosen
        flash(_("Your profile has been saved."), "success")
        return redirect(url_for("accounts.profile"))
    return render_template("accounts/profile.html", form=form, resend_form=EmptyForm())


@blueprint.route("/compte/mot-de-passe", methods=["GET", "POST"])
@login_required
def change_password():
    form = ChangePasswordForm()
    if form.validate_on_submit():
        if services.check_password(current_user, form.current_password.data):
            services.set_password(current_user, form.password.data)
            db.session.commit()
            login_user(current_user)
            flash(_("Your password has been changed."), "success")
            return redirect(url_for("accounts.profile"))
        form.current_password.errors.append(_("This is not your current password."))
    return render_template("accounts/change_password.html", form=form)


@blueprint.route("/compte/mes-donnees.json")
@login_required
def download_data():
    data = services.export_user_data(current_user)
    audit.record(current_user, "personal_data.exported", "user", current_user.id)
    db.session.commit()
    return Response(
        json.dumps(data, ensure_ascii=False, indent=2),
        mimetype="application/json",
        headers={"Content-Disposition": 'attachment; filename="mes-donnees-participation.json"'},
    )


@blueprint.route("/compte/supprimer", methods=["GET", "POST"])
@login_required
def delete_account():
    form = DeleteAccountForm()
    if form.validate_on_submit():
        if services.check_password(current_user, form.password.data):
            user = current_user._get_current_object()
            services.delete_account(user)
            db.session.commit()
            logout_user()
            flash(_("Your account has been deleted. What you wrote stays, signed “former participant”."),
                  "success")
            return redirect(url_for("pages.home"))
        form.password.errors.append(_("This is not your current password."))
    return render_template("accounts/delete_account.html", form=form)
