from __future__ import annotations

import pytest

from tests.factories import PASSWORD, make_user

pytestmark = pytest.mark.browser


def _sign_in(page, a11y, email):
    page.goto("/connexion")
    a11y(page)
    page.fill("#email", email)
    page.fill("#password", PASSWORD)
    page.click("form.stack button[type=submit]")
    a11y(page)


def test_admin_adds_a_member_to_a_conseil(page, a11y, roles):
    make_user("samia@example.org", name="Samia R.")
    from participation.extensions import db

    db.session.commit()
    _sign_in(page, a11y, roles.admin.email)
    page.get_by_role("link", name="Administration").click()
    a11y(page)
    page.get_by_role("link", name="Conseils citoyens").last.click()
    a11y(page)
    page.get_by_role("link", name=roles.conseil.name).click()
    a11y(page)
    page.fill("#member-email", "samia@example.org")
    page.select_option("#member-college", "habitants")
    page.select_option("#member-seat", "suppleant")
    page.check("#member-listed_publicly")
    page.get_by_role("button", name="Ajouter le membre").click()
    a11y(page)
    assert page.get_by_role("cell", name="Samia R.", exact=True).is_visible()
    page.get_by_role("link", name="Voir la page publique").click()
    a11y(page)
    assert page.get_by_text("Samia R.").is_visible()


def test_back_office_and_account_pages_are_accessible_in_english(page, a11y, roles):
    _sign_in(page, a11y, roles.admin.email)
    page.select_option("#language-select", "en")
    page.click("form.language-switch button")
    a11y(page)
    for url in ["/admin/", "/admin/conseils", f"/admin/conseils/{roles.conseil.id}", "/admin/utilisateurs",
                f"/admin/utilisateurs/{roles.member.id}", "/admin/qpv", "/compte", "/compte/mot-de-passe",
                "/compte/supprimer", f"/conseils/{roles.conseil.slug}"]:
        page.goto(url)
        a11y(page)
        assert page.locator("html").get_attribute("lang") == "en"
