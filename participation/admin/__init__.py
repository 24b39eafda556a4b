"""Platform administration: conseils, members, animators, users and roles, QPV import."""

from flask import Blueprint, Flask
from flask_babel import lazy_gettext as _l

from participation.registry import NavItem, Registry

blueprint = Blueprint("admin", __name__, url_prefix="/admin")


def init_app(app: Flask, registry: Registry) -> None:
    from participation.admin import views  # noqa: F401 - routes
    from participation.admin.policy import can_administer

    registry.nav.append(NavItem("admin.index", _l("Administration"), 990, visible=can_administer))
