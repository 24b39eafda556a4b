"""Pages every visitor sees: home, accessibility statement, personal data, legal notice, health."""

from flask import Blueprint, Flask

from participation.registry import Registry

blueprint = Blueprint("pages", __name__)


def init_app(app: Flask, registry: Registry) -> None:
    from participation.pages import views  # noqa: F401 - routes

    app.jinja_env.globals["accessibility_status_label"] = views.accessibility_status_label
