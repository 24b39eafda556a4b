from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from tests.factories import PASSWORD, outbox

pytestmark = pytest.mark.browser


def test_resident_signs_up_verifies_changes_language_downloads_data_and_deletes_account(page, a11y, app):
    page.goto("/")
    a11y(page)
    page.get_by_role("link", name="S'inscrire").first.click()
    a11y(page)
    # A mistake first: the form keeps what was typed and says what is wrong next to the field.
    page.fill("#display_name", "Awa K.")
    page.fill("#email", "awa@example.org")
    page.fill("#password", "court")
    page.click("form.stack button[type=submit]")
    a11y(page)
    assert page.input_value("#display_name") == "Awa K."
    assert page.locator("#password-error").is_visible()
    page.fill("#password", PASSWORD)
    page.check("#accept_terms")
    page.click("form.stack button[type=submit]")
    a11y(page)
    assert "/inscription/verifiez-vos-mails" in page.url

    link = re.search(r"https?://\S+/inscription/verifier/\S+", outbox("awa@example.org")[-1].body).group(0)
    page.goto(link)
    a11y(page)
    page.get_by_role("button", name="Se déconnecter").click()
    a11y(page)

    page.goto("/connexion")
    a11y(page)
    page.fill("#email", "awa@example.org")
    page.fill("#password", PASSWORD)
    page.click("form.stack button[type=submit]")
    a11y(page)
    assert page.get_by_role("link", name="Mon compte").is_visible()

    page.select_option("#language-select", "en")
    page.click("form.language-switch button")
    a11y(page)
    assert page.locator("html").get_attribute("lang") == "en"
    page.get_by_role("link", name="My account").click()
    a11y(page)
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download my data").first.click()
    data = json.loads(Path(download_info.value.path()).read_text(encoding="utf-8"))
    assert data["account"]["email"] == "awa@example.org" and data["account"]["locale"] == "en"

    page.get_by_role("link", name="Delete my account").click()
    a11y(page)
    page.fill("#password", PASSWORD)
    page.check("#confirm")
    page.get_by_role("button", name="Delete my account for good").click()
    a11y(page)
    assert page.get_by_role("link", name="Sign in").is_visible()
