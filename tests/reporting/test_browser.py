"""Browser journey of the dashboard with kept figures: when they were computed, and computing them again."""

from __future__ import annotations

import pytest

from participation.extensions import db
from tests import factories
from tests.factories import PASSWORD

pytestmark = pytest.mark.browser


@pytest.fixture
def app_overrides():
    return {"DASHBOARD_CACHE_SECONDS": 300}


def test_the_chef_de_projet_sees_when_figures_were_computed_and_computes_them_again(page, a11y, roles):
    factories.make_contribution(roles.conseil, title="Un banc devant l'école")
    db.session.commit()
    page.goto("/connexion")
    a11y(page)
    page.fill("#email", roles.project_lead.email)
    page.fill("#password", PASSWORD)
    page.click("form.stack button[type=submit]")
    a11y(page)
    page.goto("/pilotage")
    a11y(page)
    assert page.get_by_text("Chiffres calculés le").is_visible()
    received = page.locator(".figures div", has_text="Contributions reçues").locator("dd")
    assert received.inner_text() == "1"

    factories.make_contribution(roles.conseil, title="Des jeux pour les petits")
    db.session.commit()
    page.reload()
    a11y(page)
    assert received.inner_text() == "1"  # kept for a few minutes, as the page says
    page.get_by_role("button", name="Les recalculer maintenant").click()
    a11y(page)
    assert page.get_by_text("Les chiffres ont été recalculés.").is_visible()
    assert received.inner_text() == "2"
