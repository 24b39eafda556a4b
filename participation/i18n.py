"""Languages: French by default, English complete. Locale choice and date formatting."""

from __future__ import annotations

import functools
from collections.abc import Callable, Hashable
from datetime import date, datetime
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

from babel import support
from babel.dates import format_date as babel_format_date
from babel.dates import format_datetime as babel_format_datetime
from flask import Flask, current_app, has_request_context, request, session
from flask_babel import Babel, get_locale, get_translations
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from wtforms.i18n import messages_path as wtforms_messages_path

from participation.config import ROOT

DEFAULT_LOCALE = "fr"
# Names are shown in their own language in the switch, so they are not translated.
LANGUAGES = {"fr": "Français", "en": "English"}
PARIS = ZoneInfo("Europe/Paris")
SESSION_KEY = "locale"


T = TypeVar("T")
PER_LANGUAGE_KEY = "participation.per_language"
# Values kept per process (the proposals' count labels alone may be some thousands): past that, all are made again
# as they are asked for.
PER_LANGUAGE_MAX = 5000


def per_language(name: Hashable, build: Callable[[], T]) -> T:
    """A value that depends on nothing but ``name`` and the language of the request (labels that many rows of a
    page repeat, or HTML rendered from them and the values ``name`` holds), made once per language and process:
    the catalogues do not change while it runs. Shared by the requests: read it, never change it (but for a memo
    of labels that only ever gains the ones asked for, as the proposals' count labels)."""
    kept: dict[tuple[Hashable, str], Any] = current_app.extensions.setdefault(PER_LANGUAGE_KEY, {})
    key = (name, str(get_locale()))
    value = kept.get(key)
    if value is None:
        if len(kept) >= PER_LANGUAGE_MAX:
            kept.clear()
        value = kept[key] = build()
    return value


def select_locale() -> str:
    """The user's saved choice, then this session's choice, then the browser's, then French."""
    if not has_request_context():
        return DEFAULT_LOCALE
    if current_user and current_user.is_authenticated and current_user.locale in LANGUAGES:
        return current_user.locale
    chosen = session.get(SESSION_KEY)
    if chosen in LANGUAGES:
        return chosen
    best = request.accept_languages.best_match(LANGUAGES.keys())
    return best or DEFAULT_LOCALE


def init_app(app: Flask, babel: Babel) -> None:
    babel.init_app(
        app,
        default_locale=DEFAULT_LOCALE,
        default_timezone="Europe/Paris",
        default_translation_directories=str(ROOT / "translations"),
        locale_selector=select_locale,
    )
    app.jinja_env.filters["when"] = format_when
    app.jinja_env.filters["day"] = format_day
    app.jinja_env.globals["LANGUAGES"] = LANGUAGES
    app.jinja_env.globals["current_locale"] = lambda: str(get_locale() or DEFAULT_LOCALE)

    @app.before_request
    def share_wtforms_catalogue() -> None:
        # Flask-WTF reads wtforms' own catalogue from disk once per request unless the request has one.
        request.wtforms_translations = WTFORMS_TRANSLATIONS

    @app.before_request
    def choose_locale_now() -> None:
        # The language is chosen once per request, before any commit: chosen later (at the first message), it
        # reads the signed-in person's language again from the database, since a commit expires every object.
        if request.endpoint != "static":
            get_locale()


class _WTFormsTranslations:
    """wtforms' built-in messages ("This field is required."...) in the request's language, each
    language's catalogue read once per process."""

    def ugettext(self, string: str) -> str:
        return _wtforms_catalogue(str(get_locale() or DEFAULT_LOCALE)).ugettext(string)

    def ungettext(self, singular: str, plural: str, n: int) -> str:
        return _wtforms_catalogue(str(get_locale() or DEFAULT_LOCALE)).ungettext(singular, plural, n)


@functools.cache
def _wtforms_catalogue(locale: str) -> support.Translations:
    return support.Translations.load(wtforms_messages_path(), [locale], domain="wtforms")


WTFORMS_TRANSLATIONS = _WTFormsTranslations()


# Patterns of dates in words, per language ("mardi 3 mars à 18 h 30").
_WHEN = {"fr": "EEEE d MMMM y 'à' H 'h' mm", "en": "EEEE d MMMM y 'at' h:mm a"}
_DAY = {"fr": "EEEE d MMMM y", "en": "EEEE d MMMM y"}


def _locale_name() -> str:
    locale = get_locale()
    return locale.language if locale else DEFAULT_LOCALE


def format_when(value: datetime | None) -> str:
    """A UTC datetime in words, in Europe/Paris time: "mardi 3 mars 2026 à 18 h 30"."""
    if value is None:
        return ""
    language = _locale_name()
    return babel_format_datetime(value, _WHEN.get(language, _WHEN["fr"]), tzinfo=PARIS, locale=language)


def paris_today() -> date:
    """Today in France, where the platform's days are counted (the server's clock may run on UTC: from 23:00 or
    22:00 UTC it is already tomorrow in Paris)."""
    return datetime.now(PARIS).date()


def format_day(value: date | datetime | None) -> str:
    """A date in words: "mardi 3 mars 2026"."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = value.astimezone(PARIS).date()
    language = _locale_name()
    return babel_format_date(value, _DAY.get(language, _DAY["fr"]), locale=language)


class Translator:
    """``gettext``/``ngettext`` as flask-babel's, with the request's catalogue looked up once.

    For pages that translate a string per row: each flask-babel call looks the catalogue up again
    through the request context, which costs more than the translation itself.
    """

    def __init__(self) -> None:
        self._translations = get_translations()

    def gettext(self, string: str, **variables) -> str:
        translated = self._translations.ugettext(string)
        return translated % variables if variables else translated

    def ngettext(self, singular: str, plural: str, num: int, **variables) -> str:
        variables.setdefault("num", num)
        return self._translations.ungettext(singular, plural, num) % variables


def language_label(code: str) -> str:
    return LANGUAGES.get(code, code)


LANGUAGE_CHOICES = [(code, name) for code, name in LANGUAGES.items()]
LANGUAGE_FIELD_LABEL = _l("Language")
