from __future__ import annotations

import html
import io
from datetime import timedelta

import openpyxl
import pytest
from sqlalchemy import select

from participation.audit import AuditEntry
from participation.contract.models import Contribution
from participation.db import utcnow
from participation.extensions import db
from participation.i18n import PER_LANGUAGE_KEY
from participation.sqlcount import count_statements
from participation.workshops import services
from participation.workshops.models import Attendance, RegistrationStatus, Theme, Workshop, WorkshopRegistration


def _page(response) -> str:
    """The text of a page as read (Jinja escapes apostrophes)."""
    return html.unescape(response.text)


def _token(response) -> str:
    assert response.status_code == 302 and "/inscriptions/" in response.location, response.status_code
    return response.location.rsplit("/", 1)[1]


def _guest(client, workshop, **fields):
    data = {"name": "Awa Diallo", "email": "awa@example.org", "adults": "0", "children": "0",
            "childcare_children": "0"}
    data.update(fields)
    return client.post(f"/ateliers/{workshop.id}/inscription", data=data)


# ---------------------------------------------------------------- public list and page


def test_the_list_shows_upcoming_workshops_and_past_ones_in_their_own_tab(client, roles, make_workshop):
    soon = make_workshop(roles.conseil, title="Atelier diagnostic en marchant aux Peupliers", capacity=12)
    full = make_workshop(roles.conseil, title="Réunion publique contrat de ville", capacity=1,
                         starts_in=timedelta(days=9))
    services.sign_up(full.id, services.RegistrationData(name="Awa", email="awa@example.org"))
    past = make_workshop(roles.conseil, title="Atelier d'hier", starts_in=timedelta(days=-1))
    cancelled = make_workshop(roles.conseil, title="Atelier annulé demain", cancelled_at=utcnow(),
                              cancellation_reason="Pluie", step_free_access=True, offers_childcare=True)
    db.session.commit()
    page = _page(client.get("/ateliers"))
    assert soon.title in page and full.title in page and cancelled.title in page and past.title not in page
    assert "12 places restantes" in page and "Complet : liste d'attente" in page and "Annulé" in page
    assert "Accès de plain-pied" in page and "Garde d'enfants" in page
    assert page.index(soon.title) < page.index(full.title)
    past_page = _page(client.get("/ateliers?periode=passes"))
    assert past.title in past_page and soon.title not in past_page and "A eu lieu" in past_page


def test_the_list_filters_by_conseil_quartier_and_theme(client, roles, make_workshop):
    here = make_workshop(roles.conseil, title="Atelier des Peupliers", qpv_id=roles.conseil.qpvs[0].id,
                         theme=Theme.youth)
    there = make_workshop(roles.other_conseil, title="Atelier de la Roseraie", theme=Theme.health)
    db.session.commit()
    by_conseil = _page(client.get(f"/ateliers?conseil={roles.conseil.slug}"))
    assert here.title in by_conseil and there.title not in by_conseil
    by_qpv = _page(client.get(f"/ateliers?quartier={roles.conseil.qpvs[0].code}"))
    assert here.title in by_qpv and there.title not in by_qpv
    by_theme = _page(client.get("/ateliers?theme=health"))
    assert there.title in by_theme and here.title not in by_theme
    for garbage in ("?theme=nimporte", "?conseil=%00", "?page=-4", "?page=abc", "?quartier=" + "x" * 5000):
        response = client.get("/ateliers" + garbage)
        assert response.status_code == 200
        assert here.title in _page(response)


def test_a_workshop_page_shows_place_offers_seats_and_the_sign_up_form(client, workshop):
    page = _page(client.get(f"/ateliers/{workshop.id}"))
    for text in (workshop.title, "Maison du projet", "Garde d'enfants", "Interprétariat : arabe, anglais",
                 "Accès de plain-pied", "10 places restantes", 'name="name"', 'name="email"', 'name="phone"',
                 'name="adults"', 'name="childcare_children"', 'name="interpreting_language"', 'name="access_need"',
                 f"/ateliers/{workshop.id}.ics"):
        assert text in page, text


def test_blank_sign_up_fields_are_rendered_once_per_language_and_offers(app, client, signed_in, roles,
                                                                        make_workshop):
    with_arabic = make_workshop(roles.conseil, offers_interpreting=True, interpreting_languages="arabe")
    with_tamil = make_workshop(roles.conseil, offers_interpreting=True, interpreting_languages="tamoul")
    childcare = make_workshop(roles.conseil, offers_childcare=True)

    def fields(workshop, language="fr", browser=client):
        page = _page(browser.get(f"/ateliers/{workshop.id}", headers={"Accept-Language": language}))
        start = page.index('name="name"')
        return page[start:page.index('type="submit"', start)]

    def kept() -> list:
        return [key for key in app.extensions.get(PER_LANGUAGE_KEY, {}) if key[0][0] == "workshops/_guest_fields.html"]

    first = fields(with_arabic)
    assert fields(with_arabic) == first and "Interprétariat proposé en : arabe" in first and len(kept()) == 1
    assert "Interprétariat proposé en : tamoul" in fields(with_tamil) and "arabe" not in fields(with_tamil)
    assert "Une garde d'enfants est organisée sur place." in fields(childcare)
    assert "Interpreting offered into: arabe" in fields(with_arabic, "en") and len(kept()) == 4
    with_arabic.interpreting_languages = "arabe, dari"
    db.session.commit()
    assert "Interprétariat proposé en : arabe, dari" in fields(with_arabic)  # the new offers at once
    # What a signed-in guest typed or was given is theirs: their fields are built for them.
    prefilled = fields(with_arabic, browser=signed_in(roles.unverified))
    assert f'value="{roles.unverified.email}"' in prefilled and roles.unverified.email not in fields(with_arabic)
    # A resident signing up in one tap gets blank needs, kept the same way, and their own name above them.
    member, neighbour = signed_in(roles.member), signed_in(roles.habitant)
    one_tap = _page(member.get(f"/ateliers/{with_tamil.id}"))
    assert "Vous vous inscrivez en tant que Membre." in one_tap and "Interprétariat proposé en : tamoul" in one_tap
    assert 'name="name"' not in one_tap and 'name="adults"' in one_tap
    assert "Vous vous inscrivez en tant que Habitante." in _page(neighbour.get(f"/ateliers/{with_tamil.id}"))
    assert [key for key in app.extensions[PER_LANGUAGE_KEY] if key[0][0] == "workshops/_one_tap_fields.html"]


def test_unknown_workshop_is_404(client):
    assert client.get("/ateliers/4242").status_code == 404
    assert client.post("/ateliers/4242/inscription", data={"name": "X"}).status_code == 404


def test_the_home_page_and_the_conseil_page_list_upcoming_workshops(client, roles, workshop, make_workshop):
    make_workshop(roles.other_conseil, title="Atelier d'ailleurs")
    db.session.commit()
    home = _page(client.get("/"))
    assert "Prochains ateliers" in home and workshop.title in home
    conseil_page = _page(client.get(f"/conseils/{roles.conseil.slug}"))
    assert "Prochains ateliers" in conseil_page and workshop.title in conseil_page
    assert "Atelier d'ailleurs" not in conseil_page


# ---------------------------------------------------------------- guests


def test_a_guest_signs_up_gets_the_mail_and_manages_the_registration(client, workshop, outbox):
    response = _guest(client, workshop, adults="1", children="2", childcare_children="1",
                      interpreting_language="Arabe")
    token = _token(response)
    page = client.get(f"/inscriptions/{token}")
    assert page.status_code == 200
    assert "Votre place est confirmée." in _page(page) and "Awa Diallo" in _page(page)
    assert page.headers["Cache-Control"] == "no-store" and "noindex" in page.headers["X-Robots-Tag"]
    mail = outbox("awa@example.org")[-1]
    assert mail.subject == f"Inscription confirmée : {workshop.title}"
    assert f"/inscriptions/{token}" in mail.body and f"/ateliers/{workshop.id}.ics" in mail.body
    registration = db.session.scalar(select(WorkshopRegistration))
    assert (registration.seats, registration.childcare_children, registration.interpreting_language) == \
        (4, 1, "Arabe")
    response = client.post(f"/inscriptions/{token}", data={"adults": "0", "children": "1",
                                                           "childcare_children": "1"})
    assert response.status_code == 302
    db.session.refresh(registration)
    assert registration.seats == 2 and registration.interpreting_language is None
    response = client.post(f"/inscriptions/{token}/annuler")
    assert response.status_code == 302
    db.session.refresh(registration)
    assert registration.status == RegistrationStatus.cancelled
    assert "Cette inscription est annulée." in _page(client.get(f"/inscriptions/{token}"))


def test_a_full_workshop_puts_the_guest_on_the_waitlist_and_shows_the_position(client, make_workshop):
    workshop = make_workshop(capacity=1)
    db.session.commit()
    _token(_guest(client, workshop, email="premiere@example.org"))
    assert "Complet" in _page(client.get(f"/ateliers/{workshop.id}"))
    token = _token(_guest(client, workshop, email="deuxieme@example.org"))
    page = _page(client.get(f"/inscriptions/{token}"))
    assert "Vous êtes numéro 1 sur la liste d'attente." in page


@pytest.mark.parametrize(("fields", "field_id", "message"), [
    ({"email": ""}, "email", "Donnez une adresse e-mail ou un numéro de téléphone"),
    ({"adults": "-1"}, "adults", "Indiquez un nombre entre 0 et 20."),
    ({"children": "deux"}, "children", "Indiquez un nombre entier"),
    ({"name": "A" * 10_000}, "name", "80 caractères"),
    ({"name": "   "}, "name", "Ce champ est obligatoire."),
    ({"children": "1", "childcare_children": "2"}, "childcare_children", "1 au maximum"),
    ({"email": "", "phone": "appelez-moi"}, "phone", "Indiquez un numéro de téléphone"),
    ({"adults": "15"}, "adults", "votre groupe est trop nombreux"),
])
def test_bad_input_gets_a_clear_message_next_to_the_field_and_keeps_what_was_typed(client, workshop, fields,
                                                                                  field_id, message):
    response = _guest(client, workshop, interpreting_language="Tamoul", **fields)
    assert response.status_code == 422
    assert message in _page(response)
    assert f'id="{field_id}-error"' in _page(response) and 'aria-invalid="true"' in _page(response)
    assert 'value="Tamoul"' in _page(response)
    assert db.session.scalar(select(WorkshopRegistration.id)) is None


def test_sign_up_after_closing_or_to_a_past_or_cancelled_workshop_is_explained(client, roles, make_workshop):
    closing = make_workshop(roles.conseil, starts_in=timedelta(minutes=90), signup_close_minutes=120)
    past = make_workshop(roles.conseil, starts_in=timedelta(days=-3))
    cancelled = make_workshop(roles.conseil, cancelled_at=utcnow(), cancellation_reason="Salle indisponible")
    db.session.commit()
    for workshop, text in ((closing, "Les inscriptions à cet atelier sont closes."),
                           (past, "Cet atelier a déjà eu lieu"), (cancelled, "Cet atelier a été annulé")):
        assert 'name="name"' not in _page(client.get(f"/ateliers/{workshop.id}"))
        response = _guest(client, workshop)
        assert response.status_code == 302 and response.location.endswith(f"/ateliers/{workshop.id}")
        assert text in _page(client.get(response.location))
    assert db.session.scalar(select(WorkshopRegistration.id)) is None


def test_unknown_token_is_a_404_page_and_an_expired_one_a_clear_page(client, make_workshop, sign_up_guest):
    assert client.get("/inscriptions/nimporte-quoi").status_code == 404
    assert client.post("/inscriptions/nimporte-quoi/annuler").status_code == 404
    assert client.get("/inscriptions/" + "a" * 3000).status_code == 404
    workshop = make_workshop(starts_in=timedelta(hours=-3), hours=2)
    _, token = sign_up_guest(workshop, now=utcnow() - timedelta(days=1))
    db.session.commit()
    response = client.get(f"/inscriptions/{token}")
    assert response.status_code == 410 and "Ce lien a expiré" in _page(response)
    assert client.post(f"/inscriptions/{token}/annuler").status_code == 410


def test_a_guest_cannot_see_or_cancel_another_guests_registration(client, workshop, sign_up_guest):
    mine, my_token = sign_up_guest(workshop, name="Awa Diallo")
    other, other_token = sign_up_guest(workshop, name="Joseph Mendy", email="joseph@example.org")
    db.session.commit()
    page = _page(client.get(f"/inscriptions/{my_token}"))
    assert "Awa Diallo" in page and "Joseph Mendy" not in page and "joseph@example.org" not in page
    client.post(f"/inscriptions/{my_token}/annuler", data={"registration_id": other.id})
    db.session.refresh(other)
    db.session.refresh(mine)
    assert other.status == RegistrationStatus.confirmed and mine.status == RegistrationStatus.cancelled
    assert client.get(f"/ateliers/{workshop.id}/mon-inscription").status_code == 302  # sign-in required
    assert "Joseph Mendy" not in _page(client.get(f"/ateliers/{workshop.id}"))


def test_cancelling_through_the_link_promotes_the_first_waitlisted(client, make_workshop, sign_up_guest, outbox):
    workshop = make_workshop(capacity=1)
    _, token = sign_up_guest(workshop)
    waiting, _ = sign_up_guest(workshop, email="attente@example.org")
    db.session.commit()
    client.post(f"/inscriptions/{token}/annuler")
    db.session.refresh(waiting)
    assert waiting.status == RegistrationStatus.confirmed
    assert outbox("attente@example.org")[-1].subject.startswith("Une place pour vous")


def test_asking_more_seats_than_left_is_refused_with_the_number_left(client, make_workshop, sign_up_guest):
    workshop = make_workshop(capacity=4)
    _, token = sign_up_guest(workshop)
    sign_up_guest(workshop, adults=1)
    db.session.commit()
    response = client.post(f"/inscriptions/{token}", data={"adults": "2", "children": "0"})
    assert response.status_code == 422 and "Il ne reste qu'1 place" in _page(response)
    assert 'id="adults-error"' in _page(response) and 'value="2"' in _page(response)


def test_the_same_address_again_gets_a_new_link_and_the_lost_link_form_answers_the_same(client, workshop,
                                                                                       outbox):
    first = _token(_guest(client, workshop))
    response = _guest(client, workshop, email="AWA@example.org")
    assert response.status_code == 302 and response.location.endswith(f"/ateliers/{workshop.id}")
    assert client.get(f"/inscriptions/{first}").status_code == 404
    assert outbox("awa@example.org")[-1].subject.startswith("Votre lien d'inscription")
    before = len(outbox())
    for email in ("awa@example.org", "personne@example.org"):
        response = client.post(f"/ateliers/{workshop.id}/lien-perdu", data={"email": email}, follow_redirects=True)
        assert "Si cette adresse est inscrite à l'atelier, un nouveau lien lui a été envoyé." in _page(response)
    assert len(outbox()) == before + 1
    assert client.post(f"/ateliers/{workshop.id}/lien-perdu", data={"email": "pas une adresse"}).status_code == 422


# ---------------------------------------------------------------- residents with an account


def test_a_resident_signs_up_in_one_tap_and_manages_from_the_workshop_page(signed_in, roles, workshop, outbox):
    client = signed_in(roles.habitant)
    page = _page(client.get(f"/ateliers/{workshop.id}"))
    assert 'name="name"' not in page and "Je viens accompagné·e" in page
    with count_statements() as counter:
        response = client.post(f"/ateliers/{workshop.id}/inscription", data={})
    assert _token(response)
    # Nothing is read after the commit: not the registration's status, nor the person's language for the message
    # (a commit expires every object, and reading one again would take one more statement and transaction).
    reads = [statement for statement in counter.statements if "FROM user_account" in statement]
    assert len(reads) == 1 and counter.statements[-1].lstrip().startswith("INSERT"), counter.statements
    registration = db.session.scalar(select(WorkshopRegistration))
    assert registration.user_id == roles.habitant.id and registration.seats == 1 and registration.email is None
    assert outbox(roles.habitant.email)[-1].subject.startswith("Inscription confirmée")
    page = _page(client.get(f"/ateliers/{workshop.id}"))
    assert "Votre place est confirmée." in page and "/mon-inscription" in page
    again = client.post(f"/ateliers/{workshop.id}/inscription", data={}, follow_redirects=True)
    assert "Vous êtes déjà inscrit·e à cet atelier." in _page(again)
    response = client.post(f"/ateliers/{workshop.id}/mon-inscription", data={"adults": "1", "children": "0"})
    assert response.status_code == 302
    db.session.refresh(registration)
    assert registration.seats == 2
    client.post(f"/ateliers/{workshop.id}/mon-inscription/annuler")
    db.session.refresh(registration)
    assert registration.status == RegistrationStatus.cancelled
    assert client.get(f"/ateliers/{workshop.id}/mon-inscription").status_code == 302


def test_an_unverified_account_signs_up_with_the_guest_form_prefilled(signed_in, roles, workshop):
    page = _page(signed_in(roles.unverified).get(f"/ateliers/{workshop.id}"))
    assert f'value="{roles.unverified.email}"' in page and 'name="name"' in page


# ---------------------------------------------------------------- animators


def test_back_office_pages_are_for_the_conseils_animators(client, signed_in, roles, workshop):
    pages = ["/animation/ateliers", f"/animation/ateliers/{workshop.id}", f"/animation/ateliers/{workshop.id}/modifier",
             f"/animation/ateliers/{workshop.id}/annuler", f"/animation/ateliers/{workshop.id}/feuille-emargement",
             f"/animation/ateliers/{workshop.id}/presences", f"/animation/ateliers/{workshop.id}/export.csv",
             "/animation/ateliers/nouveau"]
    for url in pages:
        response = client.get(url)
        assert response.status_code == 302 and "/connexion" in response.location, url
    for role in ("habitant", "member", "project_lead", "admin"):
        for url in pages:
            assert signed_in(getattr(roles, role)).get(url).status_code == 403, (role, url)
    other = signed_in(roles.other_animator)
    assert other.get("/animation/ateliers").status_code == 200
    assert workshop.title not in _page(other.get("/animation/ateliers"))
    for url in pages[1:-1]:
        assert other.get(url).status_code == 403, url
    animator = signed_in(roles.animator)
    for url in pages:
        assert animator.get(url).status_code == 200, url
    assert animator.get("/animation/ateliers/999").status_code == 404
    assert animator.get(f"/animation/ateliers/{workshop.id}/export.pdf").status_code == 404


def _workshop_form(conseil, **fields):
    day = (utcnow() + timedelta(days=14)).date()
    data = {"conseil_id": str(conseil.id), "title": "Atelier cadre de vie : les aires de jeux",
            "theme": "living_environment", "qpv_id": str(conseil.qpvs[0].id), "description": "Venez **nombreux**.",
            "day": day.isoformat(), "start_time": "18:30", "end_time": "20:30", "place": "École Jules-Ferry",
            "address": "4 rue des Écoles", "directions": "Bus 3, arrêt Mairie", "capacity": "25",
            "signup_close_minutes": "1440", "offers_childcare": "y", "offers_interpreting": "y",
            "interpreting_languages": "arabe, turc"}
    data.update(fields)
    return data


def test_an_animator_creates_a_workshop_and_bad_input_keeps_what_was_typed(signed_in, roles):
    client = signed_in(roles.animator)
    response = client.post("/animation/ateliers/nouveau", data=_workshop_form(roles.conseil, end_time="17:00"))
    assert response.status_code == 422 and "La fin doit être après le début." in _page(response)
    assert 'value="Atelier cadre de vie : les aires de jeux"' in _page(response)
    response = client.post("/animation/ateliers/nouveau", data=_workshop_form(roles.other_conseil))
    assert response.status_code == 422
    response = client.post("/animation/ateliers/nouveau", data=_workshop_form(roles.conseil, capacity="-3"))
    assert response.status_code == 422 and "Entre 1 et 2000 places." in _page(response)
    assert db.session.scalar(select(Workshop.id)) is None
    response = client.post("/animation/ateliers/nouveau", data=_workshop_form(roles.conseil))
    assert response.status_code == 302
    workshop = db.session.scalar(select(Workshop))
    assert (workshop.conseil_id, workshop.capacity, workshop.signup_close_minutes, workshop.created_by_id) == \
        (roles.conseil.id, 25, 1440, roles.animator.id)
    assert workshop.starts_at.astimezone(services.PARIS).strftime("%H:%M") == "18:30"
    assert "<strong>nombreux</strong>" in workshop.description_html
    copy = _page(client.get(f"/animation/ateliers/nouveau?depuis={workshop.id}"))
    assert 'value="Atelier cadre de vie : les aires de jeux"' in copy and 'value="18:30"' in copy
    assert signed_in(roles.other_animator).get(f"/animation/ateliers/nouveau?depuis={workshop.id}").status_code == 403


def test_raising_the_capacity_promotes_and_lowering_below_taken_is_refused(signed_in, roles, make_workshop,
                                                                          sign_up_guest, outbox):
    # At 18:00 (Paris) in a week, whatever the time the test runs: the form posts the workshop's own day and hours,
    # and a workshop starting at 23:00 would end the next day, which the form refuses.
    evening = (utcnow().astimezone(services.PARIS) + timedelta(days=7)).replace(hour=18, minute=0, second=0,
                                                                                 microsecond=0)
    workshop = make_workshop(roles.conseil, capacity=1, starts_in=evening - utcnow())
    sign_up_guest(workshop)
    waiting, _ = sign_up_guest(workshop, email="attente@example.org")
    db.session.commit()
    client = signed_in(roles.animator)
    page = _page(client.get(f"/animation/ateliers/{workshop.id}/modifier"))
    day = workshop.starts_at.astimezone(services.PARIS)
    form = _workshop_form(roles.conseil, title=workshop.title, day=day.date().isoformat(),
                          start_time=day.strftime("%H:%M"), end_time=workshop.ends_at.astimezone(services.PARIS)
                          .strftime("%H:%M"), place=workshop.place, address=workshop.address, capacity="2")
    assert 'value="1"' in page
    response = client.post(f"/animation/ateliers/{workshop.id}/modifier", data=form, follow_redirects=True)
    assert "1 personne de la liste d'attente a obtenu une place" in _page(response)
    db.session.refresh(waiting)
    assert waiting.status == RegistrationStatus.confirmed
    response = client.post(f"/animation/ateliers/{workshop.id}/modifier", data={**form, "capacity": "1"})
    assert response.status_code == 422 and "2 places sont déjà attribuées" in _page(response)


def test_cancelling_a_workshop_tells_everyone_and_lists_phone_only_people(signed_in, roles, workshop,
                                                                         sign_up_guest, outbox):
    sign_up_guest(workshop, email="awa@example.org")
    sign_up_guest(workshop, name="Joseph Mendy", phone="06 12 34 56 78")
    db.session.commit()
    client = signed_in(roles.animator)
    assert "2 personnes sont inscrites" in _page(client.get(f"/animation/ateliers/{workshop.id}/annuler"))
    response = client.post(f"/animation/ateliers/{workshop.id}/annuler", data={"reason": "  "})
    assert response.status_code == 422
    response = client.post(f"/animation/ateliers/{workshop.id}/annuler", data={"reason": "La salle est inondée."})
    assert response.status_code == 200 and "Joseph Mendy" in _page(response) and "06 12 34 56 78" in _page(response)
    assert outbox("awa@example.org")[-1].subject.startswith("Atelier annulé")
    db.session.refresh(workshop)
    assert workshop.is_cancelled
    public = _page(client.get(f"/ateliers/{workshop.id}"))
    assert "Cet atelier est annulé." in public and "La salle est inondée." in public


def test_the_registrations_page_totals_the_needs(signed_in, roles, workshop, sign_up_guest):
    sign_up_guest(workshop, name="Awa", children=3, childcare_children=2, interpreting_language="Arabe")
    sign_up_guest(workshop, name="Joseph", interpreting_language="arabe", access_details="fauteuil")
    sign_up_guest(workshop, name="Fatou", adults=1, interpreting_language="Tamoul")
    db.session.commit()
    page = _page(signed_in(roles.animator).get(f"/animation/ateliers/{workshop.id}"))
    assert "Enfants à garder</dt><dd>2</dd>" in page
    assert "Personnes en tout</dt><dd>7</dd>" in page
    assert "Arabe : 2 inscriptions" in page and "Tamoul : 1 inscription" in page
    assert "Autre besoin : 1 inscription" in page and "invite" in page  # contacts shown to the team


def test_the_sign_in_sheet_lists_confirmed_people_without_contacts(signed_in, roles, make_workshop, sign_up_guest):
    workshop = make_workshop(roles.conseil, capacity=5)
    sign_up_guest(workshop, name="Zoé Martin", email="zoe@example.org", children=1)
    sign_up_guest(workshop, name="Waitlisted Wendy", adults=3)
    db.session.commit()
    page = _page(signed_in(roles.animator).get(f"/animation/ateliers/{workshop.id}/feuille-emargement"))
    assert "Zoé Martin" in page and "Waitlisted Wendy" not in page and "zoe@example.org" not in page
    assert "Signature" in page and "data-print" in page


def test_attendance_is_taken_from_a_phone_form_and_in_json(signed_in, roles, make_workshop, sign_up_guest):
    workshop = make_workshop(roles.conseil, starts_in=timedelta(minutes=30))
    awa, _ = sign_up_guest(workshop, name="Awa", now=utcnow() - timedelta(days=1))
    joseph, _ = sign_up_guest(workshop, name="Joseph", now=utcnow() - timedelta(days=1))
    later = make_workshop(roles.conseil, starts_in=timedelta(days=3))
    db.session.commit()
    client = signed_in(roles.animator)
    assert "à partir de trois heures avant" in _page(client.get(f"/animation/ateliers/{later.id}/presences"))
    page = _page(client.get(f"/animation/ateliers/{workshop.id}/presences"))
    assert f'name="attendance-{awa.id}"' in page
    response = client.post(f"/animation/ateliers/{workshop.id}/presences",
                           data={f"attendance-{awa.id}": "present", f"attendance-{joseph.id}": "absent"},
                           follow_redirects=True)
    assert "Présences enregistrées : 1 présent·es, 1 absent·es." in _page(response)
    response = client.post(f"/animation/ateliers/{workshop.id}/presences", data={f"attendance-{joseph.id}": "present"},
                           headers={"Accept": "application/json"})
    assert response.json["present"] == 2
    assert response.json["summary"] == "2 présent·es, 0 absent·es, 0 non renseigné·es."
    db.session.refresh(awa)
    assert awa.attendance == Attendance.present
    response = client.post(f"/animation/ateliers/{later.id}/presences", data={f"attendance-{awa.id}": "present"},
                           headers={"Accept": "application/json"})
    assert response.status_code == 409


def test_the_animators_list_shows_no_show_counts(signed_in, roles, make_workshop, sign_up_guest):
    workshop = make_workshop(roles.conseil, starts_in=timedelta(hours=-3), hours=2, title="Atelier passé")
    earlier = utcnow() - timedelta(days=2)
    present, _ = sign_up_guest(workshop, now=earlier)
    absent, _ = sign_up_guest(workshop, now=earlier)
    present.attendance, absent.attendance = Attendance.present, Attendance.absent
    db.session.commit()
    page = _page(signed_in(roles.animator).get("/animation/ateliers?periode=passes"))
    assert "Atelier passé" in page and "1 présent·e" in page and "1 absent·e" in page


def test_exports_leave_contacts_out_unless_asked_and_are_logged(signed_in, roles, workshop, sign_up_guest):
    sign_up_guest(workshop, name="=HYPERLINK(\"http://x\")", email="awa@example.org", phone="0612345678",
                  children=1, childcare_children=1, interpreting_language="Arabe")
    db.session.commit()
    client = signed_in(roles.animator)
    response = client.get(f"/animation/ateliers/{workshop.id}/export.csv")
    assert response.status_code == 200 and response.headers["Content-Type"].startswith("text/csv")
    body = response.data.decode("utf-8")
    assert body.startswith("\ufeffNom;Statut;")
    assert "awa@example.org" not in body and "0612345678" not in body
    assert "'=HYPERLINK" in body and ";Arabe;" in body
    with_contacts = client.get(f"/animation/ateliers/{workshop.id}/export.csv?coordonnees=1").data.decode()
    assert "E-mail;Téléphone" in with_contacts and "awa@example.org" in with_contacts
    xlsx = client.get(f"/animation/ateliers/{workshop.id}/export.xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx.data)).active
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert rows[0][:2] == ["Nom", "Statut"] and "awa@example.org" not in str(rows)
    assert rows[1][1] == "Confirmée" and rows[1][5] == 2
    entries = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "workshop.registrations_exported")
                                 .order_by(AuditEntry.id)).all()
    assert [(e.actor_id, e.details["format"], e.details["with_contacts"]) for e in entries] == [
        (roles.animator.id, "csv", False), (roles.animator.id, "csv", True), (roles.animator.id, "xlsx", False)]


def test_conclusions_are_written_after_the_workshop_and_published_as_a_contribution(client, signed_in, roles,
                                                                                   make_workshop, sign_up_guest):
    upcoming = make_workshop(roles.conseil)
    workshop = make_workshop(roles.conseil, starts_in=timedelta(hours=-2), title="Atelier diagnostic en marchant")
    db.session.commit()
    animator = signed_in(roles.animator)
    assert animator.get(f"/animation/ateliers/{upcoming.id}/conclusions").status_code == 403
    assert signed_in(roles.other_animator).get(f"/animation/ateliers/{workshop.id}/conclusions").status_code == 403
    assert animator.post(f"/animation/ateliers/{workshop.id}/conclusions", data={"conclusions": " "}).status_code == 422
    response = animator.post(f"/animation/ateliers/{workshop.id}/conclusions",
                             data={"conclusions": "Les habitants demandent **des bancs** rue des Lilas."})
    assert response.status_code == 302
    assert "<strong>des bancs</strong>" in _page(client.get(f"/ateliers/{workshop.id}"))
    response = animator.post(f"/animation/ateliers/{workshop.id}/conclusions/publier")
    contribution = db.session.scalar(select(Contribution))
    assert response.status_code == 302 and response.location.endswith(f"/suivi/{contribution.id}")
    follow_up = _page(client.get(f"/suivi/{contribution.id}"))
    assert "Atelier diagnostic en marchant" in follow_up and f"/ateliers/{workshop.id}" in follow_up
    assert f"/suivi/{contribution.id}" in _page(client.get(f"/ateliers/{workshop.id}"))


def test_pages_render_in_english(client, workshop, sign_up_guest):
    _, token = sign_up_guest(workshop)
    db.session.commit()
    client.post("/langue", data={"language": "en", "next": "/"})
    assert "Upcoming workshops" in _page(client.get("/"))
    assert "seats left" in _page(client.get("/ateliers"))
    assert "I sign up" in _page(client.get(f"/ateliers/{workshop.id}"))
    assert "Your seat is confirmed." in _page(client.get(f"/inscriptions/{token}"))
