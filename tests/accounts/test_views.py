from __future__ import annotations

import json

import pytest

from participation.accounts.models import User
from participation.extensions import db
from tests.factories import PASSWORD


def _link(mail, marker):
    return "/" + mail.body.split("://", 1)[1].split("/", 1)[1].split()[0] if marker in mail.body else None


def test_sign_up_then_verify_then_signed_in(client, outbox):
    response = client.post("/inscription", data={
        "display_name": "Awa", "email": "awa@example.org", "password": PASSWORD, "accept_terms": "y"})
    assert response.status_code == 302 and response.location.endswith("/inscription/verifiez-vos-mails")
    user = db.session.query(User).filter_by(email="awa@example.org").one()
    assert not user.is_verified
    link = _link(outbox()[-1], "/inscription/verifier/")
    response = client.get(link)
    assert response.status_code == 302
    db.session.refresh(user)
    assert user.is_verified
    assert "Awa" not in client.get("/connexion").text or client.get("/compte").status_code == 200


def test_sign_up_errors_keep_what_was_typed(client):
    response = client.post("/inscription", data={"display_name": "Awa", "email": "pas-une-adresse",
                                                 "password": "court"})
    assert response.status_code == 200
    assert 'value="Awa"' in response.text and 'value="pas-une-adresse"' in response.text
    assert 'aria-invalid="true"' in response.text
    assert 'id="email-error"' in response.text and 'id="password-error"' in response.text
    assert db.session.query(User).count() == 0


def test_sign_up_with_a_taken_address_answers_like_a_new_one(client, make_user, outbox):
    make_user("pris@example.org")
    db.session.commit()
    response = client.post("/inscription", data={"display_name": "X", "email": "PRIS@example.org",
                                                 "password": PASSWORD, "accept_terms": "y"})
    assert response.status_code == 302 and response.location.endswith("/inscription/verifiez-vos-mails")
    assert db.session.query(User).count() == 1


def test_verify_with_a_bad_token_explains(client):
    response = client.get("/inscription/verifier/garbage", follow_redirects=True)
    assert response.status_code == 200
    assert 'class="notice notice-error"' in response.text


def test_sign_in_and_out(client, make_user):
    make_user("lea@example.org", name="Léa")
    db.session.commit()
    response = client.post("/connexion", data={"email": "Lea@Example.org", "password": PASSWORD})
    assert response.status_code == 302
    assert client.get("/compte").status_code == 200
    client.post("/deconnexion")
    assert client.get("/compte").status_code == 302


def test_wrong_password_gives_a_message_next_to_the_field_and_keeps_the_email(client, make_user):
    make_user("lea@example.org")
    db.session.commit()
    response = client.post("/connexion", data={"email": "lea@example.org", "password": "nope nope nope"})
    assert response.status_code == 200
    assert 'id="password-error"' in response.text and 'value="lea@example.org"' in response.text


@pytest.mark.parametrize("target,expected", [("/conseils", "/conseils"), ("https://evil.example/", "/"),
                                             ("//evil.example", "/")])
def test_sign_in_redirects_only_inside_the_site(client, make_user, target, expected):
    make_user("lea@example.org")
    db.session.commit()
    response = client.post(f"/connexion?next={target}", data={"email": "lea@example.org", "password": PASSWORD})
    assert response.location == expected


def test_private_pages_send_visitors_to_sign_in(client):
    response = client.get("/compte")
    assert response.status_code == 302 and "/connexion" in response.location


def test_forgot_password_says_the_same_whether_or_not_the_account_exists(client, make_user, outbox):
    make_user("known@example.org")
    db.session.commit()
    known = client.post("/mot-de-passe-oublie", data={"email": "known@example.org"}, follow_redirects=True)
    unknown = client.post("/mot-de-passe-oublie", data={"email": "unknown@example.org"}, follow_redirects=True)
    assert known.text.replace("known@", "") == unknown.text.replace("unknown@", "")
    assert len(outbox()) == 1


def test_reset_password_through_the_mailed_link(client, make_user, outbox):
    user = make_user("known@example.org")
    db.session.commit()
    client.post("/mot-de-passe-oublie", data={"email": "known@example.org"})
    link = _link(outbox()[-1], "/mot-de-passe/")
    mismatch = client.post(link, data={"password": "a new long password", "confirm": "different one"})
    assert mismatch.status_code == 200 and 'id="confirm-error"' in mismatch.text
    response = client.post(link, data={"password": "a new long password", "confirm": "a new long password"})
    assert response.status_code == 302
    assert client.post(link, data={"password": "x" * 12, "confirm": "x" * 12}).status_code == 302
    from participation.accounts.services import authenticate

    assert authenticate("known@example.org", "a new long password") is user


def test_profile_update_and_validation(signed_in, make_user, make_qpv):
    user, qpv = make_user(), make_qpv(name="Les Peupliers")
    db.session.commit()
    client = signed_in(user)
    page = client.get("/compte")
    assert "Les Peupliers" in page.text
    bad = client.post("/compte", data={"display_name": " ", "locale": "fr", "qpv_id": "999999", "gender": "",
                                       "birth_year": "1850"})
    assert bad.status_code == 200
    assert 'id="display_name-error"' in bad.text and 'id="qpv_id-error"' in bad.text
    assert 'id="birth_year-error"' in bad.text
    ok = client.post("/compte", data={"display_name": "Awa K.", "locale": "en", "qpv_id": str(qpv.id),
                                      "gender": "woman", "birth_year": "1990", "notify_by_email": "y"})
    assert ok.status_code == 302
    db.session.refresh(user)
    assert (user.display_name, user.locale, user.qpv_id, user.birth_year) == ("Awa K.", "en", qpv.id, 1990)
    # The message says so in the language just chosen.
    assert "Your profile has been saved." in client.get(ok.location).text


def test_download_my_data_is_json_and_logged(signed_in, make_user):
    from participation.audit import AuditEntry

    user = make_user("me@example.org")
    db.session.commit()
    response = signed_in(user).get("/compte/mes-donnees.json")
    assert response.status_code == 200
    assert "attachment" in response.headers["Content-Disposition"]
    assert json.loads(response.data)["account"]["email"] == "me@example.org"
    assert db.session.query(AuditEntry).filter_by(action="personal_data.exported").count() == 1


def test_delete_account_needs_the_password(signed_in, make_user):
    user = make_user("me@example.org")
    db.session.commit()
    client = signed_in(user)
    wrong = client.post("/compte/supprimer", data={"password": "wrong password", "confirm": "y"})
    assert wrong.status_code == 200 and 'id="password-error"' in wrong.text
    response = client.post("/compte/supprimer", data={"password": PASSWORD, "confirm": "y"})
    assert response.status_code == 302
    db.session.refresh(user)
    assert user.is_deleted and user.email is None
    assert client.get("/compte").status_code == 302


@pytest.mark.parametrize("app_overrides", [{"WTF_CSRF_ENABLED": True}])
def test_csrf_is_required_on_every_post(client):
    response = client.post("/connexion", data={"email": "a@example.org", "password": PASSWORD})
    assert response.status_code == 400
    assert "Accessibilité" in response.text


@pytest.mark.parametrize("app_overrides", [{"RATELIMIT_ENABLED": True}])
def test_sign_in_is_rate_limited(client):
    codes = [client.post("/connexion", data={"email": "a@example.org", "password": "x"}).status_code
             for _ in range(12)]
    assert codes[0] == 200 and codes[-1] == 429
    assert "Accessibilité" in client.post("/connexion", data={}).text
