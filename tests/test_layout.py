"""The texts and links of the layout, prepared once per language."""

from __future__ import annotations

import re

from flask_babel import force_locale, gettext, refresh
from markupsafe import Markup

from participation import layout


def _layout(app, language: str, **headers) -> layout.Layout:
    with app.test_request_context("/", headers={"Accept-Language": language, **headers}):
        refresh()  # the test's app context outlives each request: forget the previous request's language
        return layout.page_layout()


def test_built_once_per_language_and_translated(app):
    french, english = _layout(app, "fr"), _layout(app, "en")
    assert _layout(app, "fr") is french and _layout(app, "en") is english
    assert (french.locale, english.locale) == ("fr", "en")
    assert english.skip_to_content == "Skip to content"
    with app.test_request_context("/"), force_locale("fr"):
        assert french.skip_to_content == gettext("Skip to content") != "Skip to content"
    assert french.home == "/" and french.stylesheet.startswith("/static/css/site.css?v=")
    assert [entry.url for entry in french.nav] == [entry.url for entry in english.nav]
    assert [entry.label for entry in french.nav] != [entry.label for entry in english.nav]


def test_rebuilt_at_each_page_in_debug_mode(app):
    app.debug = True
    assert _layout(app, "fr") is not _layout(app, "fr")


def test_configured_names_are_escaped_and_translations_kept_as_markup(app):
    app.config.update(PLATFORM_NAME="Quartiers <b>actifs</b>", TERRITORY_NAME="Val & Lys")
    english = _layout(app, "en")
    assert isinstance(english.tagline, Markup)
    assert str(english.tagline) == ("Quartiers &lt;b&gt;actifs&lt;/b&gt;, the participation platform of the "
                                    "conseils citoyens of Val &amp; Lys.")


def test_menus_show_each_visitor_their_entries(client, signed_in, roles):
    anonymous = client.get("/").text
    animator = signed_in(roles.animator).get("/").text
    assert 'class="back-office-nav"' not in anonymous and 'class="back-office-nav"' in animator
    # The menu entry of the page being shown is marked (the workshops page has tabs marked the same way).
    site_nav = re.search(r'<nav class="site-nav".*?</nav>', client.get("/ateliers").text, re.S).group(0)
    assert re.findall(r'<a href="([^"]+)"\s+aria-current="page"', site_nav) == ["/ateliers"]
