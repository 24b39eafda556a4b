from __future__ import annotations

import re
from datetime import timedelta

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from participation.db import utcnow
from participation.extensions import db
from participation.workshops import services
from participation.workshops.models import Attendance, RegistrationStatus, WorkshopRegistration
from tests.factories import PASSWORD

pytestmark = pytest.mark.browser


def _path_in(mail) -> str:
    match = re.search(r"https?://[^/\s]+(/inscriptions/\S+)", mail.body)
    assert match, mail.body
    return match.group(1)


def _registration(email: str) -> WorkshopRegistration:
    db.session.expire_all()
    registration = db.session.scalar(select(WorkshopRegistration).where(WorkshopRegistration.email == email))
    db.session.commit()  # end the read: the server may write next
    return registration


def _sign_up_as_guest(page, a11y, workshop, name: str, email: str) -> None:
    page.goto(f"/ateliers/{workshop.id}")
    a11y(page)
    page.fill("#name", name)
    page.fill("#email", email)
    page.locator("form.signup-form button[type=submit]").click()
    a11y(page)


def test_guest_signs_up_gets_the_mail_cancels_and_the_first_waitlisted_is_promoted(page, a11y, make_workshop,
                                                                                    outbox):
    workshop = make_workshop(capacity=3, title="Atelier cadre de vie : les aires de jeux", offers_childcare=True)
    db.session.commit()

    # A mistake first: no contact given. The error is shown and tied to the field.
    page.goto(f"/ateliers/{workshop.id}")
    a11y(page)
    page.fill("#name", "Awa Diallo")
    page.locator("form.signup-form button[type=submit]").click()
    a11y(page)
    assert page.locator("#email-error").is_visible()
    assert page.locator("#name").input_value() == "Awa Diallo"
    assert page.evaluate("document.activeElement.id") == "error-summary"

    # The guest signs up with companions.
    page.fill("#email", "awa@example.org")
    if not page.locator("#adults").is_visible():
        page.locator(".signup-form summary").click()
    page.fill("#children", "2")
    page.fill("#childcare_children", "2")
    page.locator("form.signup-form button[type=submit]").click()
    a11y(page)
    assert "/inscriptions/" in page.url
    assert page.get_by_text("Votre place est confirmée.").is_visible()

    # A second guest finds the workshop full and joins the waitlist.
    _sign_up_as_guest(page, a11y, workshop, "Joseph Mendy", "joseph@example.org")
    assert page.get_by_text("Vous êtes numéro 1 sur la liste d'attente.").is_visible()

    # The first guest reads the mail, follows the private link and cancels.
    mail = outbox("awa@example.org")[-1]
    db.session.commit()
    assert mail.subject == "Inscription confirmée : Atelier cadre de vie : les aires de jeux"
    page.goto(_path_in(mail))
    a11y(page)
    page.get_by_role("button", name="Annuler mon inscription").click()
    a11y(page)
    assert page.get_by_text("Cette inscription est annulée.").is_visible()
    assert _registration("awa@example.org").status == RegistrationStatus.cancelled

    # The first waitlisted person got the seat and was told.
    assert _registration("joseph@example.org").status == RegistrationStatus.confirmed
    promoted = outbox("joseph@example.org")[-1]
    db.session.commit()
    assert promoted.subject.startswith("Une place pour vous")
    page.goto(_path_in(outbox("joseph@example.org")[0]))
    db.session.commit()
    a11y(page)
    assert page.get_by_text("Votre place est confirmée.").is_visible()


def test_animator_takes_attendance_on_a_phone(page, a11y, roles, make_workshop, sign_up_guest):
    workshop = make_workshop(roles.conseil, starts_in=timedelta(minutes=20), title="Réunion publique contrat de ville")
    earlier = utcnow() - timedelta(days=2)
    awa, _ = sign_up_guest(workshop, name="Awa Diallo", now=earlier)
    joseph, _ = sign_up_guest(workshop, name="Joseph Mendy", now=earlier, children=1)
    db.session.commit()
    awa_id, joseph_id = awa.id, joseph.id

    page.goto("/connexion")
    a11y(page)
    page.fill("#email", roles.animator.email)
    page.fill("#password", PASSWORD)
    page.click("form.stack button[type=submit]")
    a11y(page)
    page.get_by_role("navigation", name="Menu de l'équipe").get_by_role("link", name="Mes ateliers").click()
    a11y(page)
    page.get_by_role("link", name="Réunion publique contrat de ville").click()
    a11y(page)
    page.get_by_role("link", name="Présences").click()
    a11y(page)

    # Each tap is saved at once (progressive enhancement), the totals follow.
    page.click(f"label[for=present-{awa_id}]")
    expect(page.locator("#attendance-totals")).to_contain_text("1 présent")
    expect(page.locator(f"fieldset:has(#present-{awa_id}) .attendance-saved")).to_have_text("Enregistré")
    page.click(f"label[for=absent-{joseph_id}]")
    expect(page.locator("#attendance-totals")).to_contain_text("1 absent")
    a11y(page)
    db.session.expire_all()
    assert db.session.get(WorkshopRegistration, awa_id).attendance == Attendance.present
    assert db.session.get(WorkshopRegistration, joseph_id).attendance == Attendance.absent
    db.session.commit()

    # The button still saves everything (what happens without JavaScript).
    page.click(f"label[for=present-{joseph_id}]")
    page.get_by_role("button", name="Enregistrer les présences").click()
    a11y(page)
    assert page.get_by_text("Présences enregistrées : 2 présent·es, 0 absent·es.").is_visible()
    assert page.locator(f"#present-{joseph_id}").is_checked()
    db.session.expire_all()
    assert db.session.get(WorkshopRegistration, joseph_id).attendance == Attendance.present
    db.session.commit()


def test_workshop_pages_are_accessible_in_both_languages(page, a11y, roles, make_workshop, sign_up_guest):
    workshop = make_workshop(roles.conseil, capacity=2, offers_childcare=True, offers_interpreting=True,
                             interpreting_languages="arabe", step_free_access=True,
                             accessibility_info="Boucle magnétique")
    _, token = sign_up_guest(workshop, name="Awa Diallo", children=1, childcare_children=1,
                             interpreting_language="arabe")
    sign_up_guest(workshop, name="Joseph Mendy", adults=1)
    past = make_workshop(roles.conseil, starts_in=timedelta(days=-1), conclusions="Des bancs.",
                         conclusions_html="<p>Des bancs.</p>")
    _, old_token = sign_up_guest(past, now=utcnow() - timedelta(days=3))
    services.publish_conclusions(past, roles.animator)
    db.session.commit()
    public = ["/ateliers", "/ateliers?periode=passes&theme=living_environment", f"/ateliers/{workshop.id}",
              f"/ateliers/{past.id}", f"/inscriptions/{token}", f"/inscriptions/{old_token}", "/inscriptions/inconnu",
              f"/ateliers/{workshop.id}/lien-perdu", "/", f"/conseils/{roles.conseil.slug}"]
    team = ["/animation/ateliers", "/animation/ateliers?periode=passes", "/animation/ateliers/nouveau",
            f"/animation/ateliers/nouveau?depuis={workshop.id}", f"/animation/ateliers/{workshop.id}",
            f"/animation/ateliers/{workshop.id}/modifier", f"/animation/ateliers/{workshop.id}/annuler",
            f"/animation/ateliers/{workshop.id}/feuille-emargement", f"/animation/ateliers/{past.id}/presences",
            f"/animation/ateliers/{past.id}/conclusions"]
    for language in ("fr", "en"):
        if language == "en":
            page.goto("/")
            a11y(page)
            page.select_option("#language-select", "en")
            page.click("form.language-switch button")
            a11y(page)
        for url in public:
            page.goto(url)
            a11y(page)
    roles.animator.locale = "en"  # the team pages in English too (the account's language wins)
    db.session.commit()
    page.goto("/connexion")
    a11y(page)
    page.fill("#email", roles.animator.email)
    page.fill("#password", PASSWORD)
    page.click("form.stack button[type=submit]")
    a11y(page)
    for url in team:
        page.goto(url)
        a11y(page)
    # A form sent with mistakes is accessible too.
    page.goto("/animation/ateliers/nouveau")
    a11y(page)
    page.get_by_role("button", name="Publish the workshop").click()
    a11y(page)
    assert page.locator("#error-summary").is_visible()
