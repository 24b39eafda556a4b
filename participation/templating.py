"""Jinja globals and filters shared by every page."""

from __future__ import annotations

from typing import Any

from flask import Flask, current_app, request, url_for
from flask_babel import gettext as _
from markupsafe import Markup

from participation.permissions import can


def shown_name(user: Any) -> str:
    """The name shown for a person; accounts deleted since are "former participant"."""
    if user is None or user.is_deleted:
        return _("former participant")
    return user.display_name


def url_for_page(page: int) -> str:
    """The current URL with another page number (keeps filters)."""
    args = request.args.to_dict(flat=False)
    args["page"] = [str(page)]
    return url_for(request.endpoint or "pages.home", **(request.view_args or {}), **args)


def init_app(app: Flask) -> None:
    app.jinja_env.add_extension("jinja2.ext.do")
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
    app.jinja_env.globals.update(can=can, shown_name=shown_name, url_for_page=url_for_page)

    @app.context_processor
    def layout_context() -> dict[str, Any]:
        return {
            "platform_name": current_app.config["PLATFORM_NAME"],
            "territory_name": current_app.config["TERRITORY_NAME"],
        }

    @app.template_filter("nl2br")
    def nl2br(value: str) -> Markup:
        escaped = Markup.escape(value or "")
        return Markup("<br>").join(escaped.split("\n"))

    @app.template_filter("stored_html")
    def stored_html(value: str | None) -> Markup:
        """HTML that ``sanitize.clean_html`` produced on write (the only |safe-like path)."""
        return Markup(value or "")  # noqa: S704 - cleaned by sanitize.clean_html when written
