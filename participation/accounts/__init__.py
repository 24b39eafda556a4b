"""Accounts: sign-up, sign-in, password reset, profile, my data, deletion."""

from flask import Blueprint, Flask
from flask_babel import lazy_gettext as _l

from participation.registry import NavItem, Registry

blueprint = Blueprint("accounts", __name__)


def init_app(app: Flask, registry: Registry) -> None:
    from participation.accounts import views  # noqa: F401 - routes
    from participation.accounts.services import load_session_user
    from participation.extensions import login_manager

    login_manager.user_loader(load_session_user)
    login_manager.login_view = "accounts.sign_in"
    login_manager.login_message = _l("Please sign in to continue.")
    login_manager.login_message_category = "info"
    login_manager.session_protection = "basic"
    registry.nav.append(NavItem("accounts.profile", _l("My account"), 900,
                                visible=lambda user: user.is_authenticated))
