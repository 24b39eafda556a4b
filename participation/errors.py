"""Translated error pages, and domain errors that views turn into messages."""

from __future__ import annotations

from flask import Flask, render_template
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException


class DomainError(Exception):
    """A rule of the platform refused an action; ``message`` is shown to the user as it is."""

    def __init__(self, message: str = "") -> None:
        super().__init__(message)
        self.message = message


ERROR_TITLES = {
    400: _l("The request could not be understood"),
    403: _l("You are not allowed to do this"),
    404: _l("Page not found"),
    405: _l("This action is not possible here"),
    413: _l("The file sent is too large"),
    429: _l("Too many attempts"),
    500: _l("Something went wrong on our side"),
}
ERROR_EXPLANATIONS = {
    400: _l("Please go back, check what you entered and try again."),
    403: _l("If you think you should have access, sign in or contact the team of your conseil citoyen."),
    404: _l("The address may be mistyped, or the page may have been moved or removed."),
    405: _l("Please go back to the previous page and use its buttons and forms."),
    413: _l("Please send a smaller file (photos are limited in size)."),
    429: _l("For your security, please wait a few minutes before trying again."),
    500: _l("The team has been told. Please try again in a few minutes; what you saved before is safe."),
}


def render_error(code: int):
    return (
        render_template(
            "errors/error.html",
            code=code,
            title=ERROR_TITLES.get(code, ERROR_TITLES[500]),
            explanation=ERROR_EXPLANATIONS.get(code, ERROR_EXPLANATIONS[500]),
        ),
        code,
    )


def init_app(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def csrf_error(error: CSRFError):
        return render_error(400)

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        code = error.code or 500
        if code not in ERROR_TITLES:
            return error
        response = render_error(code)
        if code == 405 and getattr(error, "valid_methods", None):
            return response[0], code, {"Allow": ", ".join(error.valid_methods)}
        return response

    @app.errorhandler(Exception)
    def unexpected_error(error: Exception):
        if isinstance(error, HTTPException):
            return http_error(error)
        app.logger.exception("Unhandled error", exc_info=error)
        from participation.extensions import db

        db.session.rollback()
        return render_error(500)
