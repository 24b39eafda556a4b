"""What the layout (templates/base.html) prints around every page, prepared once per language.

The header, the menus and the footer are the same on every page in a language, except for the menu entries
the visitor may see, where the language form comes back to, the CSRF token and the messages. Translating
their texts and building their links at each request cost about a millisecond a page (twenty-odd
translations and as many URLs), a tenth of a typical page. They are built once per language here, and the
template keeps only what depends on the request.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import Flask, current_app, request, url_for
from flask_babel import get_locale, gettext
from markupsafe import Markup

from participation.registry import NavItem, get_registry

CACHE_KEY = "participation.layouts"


@dataclass(frozen=True, slots=True)
class MenuEntry:
    item: NavItem  # its endpoint, and who may see it (checked at each request)
    url: str
    label: str


@dataclass(frozen=True, slots=True)
class Layout:
    locale: str
    stylesheet: str
    print_stylesheet: str
    icon: str
    script: str
    home: str
    change_language: str
    sign_in: str
    sign_up: str
    sign_out: str
    profile: str
    accessibility: str
    personal_data: str
    legal_notice: str
    nav: tuple[MenuEntry, ...]
    back_office: tuple[MenuEntry, ...]
    # Texts, as the template's own {{ _('…') }} gave them: translations are trusted markup, values are escaped.
    skip_to_content: Markup
    language: Markup
    change: Markup
    main_menu: Markup
    team_menu: Markup
    sign_out_label: Markup
    sign_in_label: Markup
    sign_up_label: Markup
    confirm_email: Markup
    send_link_again: Markup
    accessibility_line: Markup
    accessibility_statement: Markup
    personal_data_label: Markup
    legal_notice_label: Markup
    tagline: Markup


def _markup(translated: str, **values: str) -> Markup:
    """A translation as Jinja's i18n extension gives it: our own catalogue is trusted markup, values are escaped."""
    markup = Markup(translated)  # noqa: S704 - our own catalogue
    return markup % values if values else markup


def _build(locale: str) -> Layout:
    from participation.pages.views import accessibility_status_label

    registry = get_registry()
    config = current_app.config

    def entries(items: list[NavItem]) -> tuple[MenuEntry, ...]:
        return tuple(MenuEntry(item, url_for(item.endpoint), str(item.label)) for item in items)

    def static(filename: str) -> str:
        return url_for("static", filename=filename)

    return Layout(
        locale=locale,
        stylesheet=static("css/site.css"), print_stylesheet=static("css/print.css"), icon=static("favicon.svg"),
        script=static("js/enhance.js"),
        home=url_for("pages.home"), change_language=url_for("pages.change_language"),
        sign_in=url_for("accounts.sign_in"), sign_up=url_for("accounts.sign_up"),
        sign_out=url_for("accounts.sign_out"), profile=url_for("accounts.profile"),
        accessibility=url_for("pages.accessibility"), personal_data=url_for("pages.personal_data"),
        legal_notice=url_for("pages.legal_notice"),
        nav=entries(registry.sorted_nav()), back_office=entries(registry.sorted_back_office_nav()),
        skip_to_content=_markup(gettext("Skip to content")),
        language=_markup(gettext("Language")),
        change=_markup(gettext("Change")),
        main_menu=_markup(gettext("Main menu")),
        team_menu=_markup(gettext("Team menu")),
        sign_out_label=_markup(gettext("Sign out")),
        sign_in_label=_markup(gettext("Sign in")),
        sign_up_label=_markup(gettext("Sign up")),
        confirm_email=_markup(gettext("Confirm your e-mail address with the link we sent you to be able to take "
                                      "part.")),
        send_link_again=_markup(gettext("Send the link again")),
        accessibility_line=_markup(gettext("Accessibility: %(status)s"), status=accessibility_status_label()),
        accessibility_statement=_markup(gettext("Accessibility statement")),
        personal_data_label=_markup(gettext("Personal data")),
        legal_notice_label=_markup(gettext("Legal notice")),
        tagline=_markup(gettext("%(platform)s, the participation platform of the conseils citoyens of "
                                "%(territory)s."),
                        platform=config["PLATFORM_NAME"], territory=config["TERRITORY_NAME"]),
    )


def page_layout() -> Layout:
    """The layout of the request's language (built at its first page; at every page in debug mode, so that
    edited static files get their new address)."""
    locale = str(get_locale() or "fr")
    if current_app.debug:
        return _build(locale)
    layouts: dict[tuple[str, str], Layout] = current_app.extensions.setdefault(CACHE_KEY, {})
    key = (locale, request.script_root)
    layout = layouts.get(key)
    if layout is None:
        layout = layouts[key] = _build(locale)
    return layout


def init_app(app: Flask) -> None:
    app.jinja_env.globals["page_layout"] = page_layout
