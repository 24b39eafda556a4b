from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser


def test_public_pages_are_accessible_in_both_languages(page, a11y, roles):
    for language in ("fr", "en"):
        for url in ["/", "/conseils", f"/conseils/{roles.conseil.slug}", "/accessibilite", "/donnees-personnelles",
                    "/mentions-legales", "/connexion", "/inscription", "/mot-de-passe-oublie", "/page-absente"]:
            page.goto(url)
            a11y(page)
        if language == "fr":
            page.select_option("#language-select", "en")
            page.click("form.language-switch button")
            a11y(page)
            assert page.locator("html").get_attribute("lang") == "en"


def test_skip_link_reaches_the_main_content(page, a11y):
    page.goto("/")
    a11y(page)
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip-link"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "contenu"
