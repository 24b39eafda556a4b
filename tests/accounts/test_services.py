from __future__ import annotations

import pytest

from participation.accounts import services
from participation.accounts.models import PlatformRole
from participation.errors import DomainError
from participation.extensions import db
from tests.factories import PASSWORD


def _register(email="Nouvelle@Example.org", name="Nouvelle"):
    return services.register(services.Registration(email=email, password=PASSWORD, display_name=name),
                             verify_url_for=lambda token: f"https://x/verifier/{token}")


def test_registration_lowercases_email_and_mails_a_verification_link(app, outbox):
    user = _register()
    assert user.email == "nouvelle@example.org"
    assert not user.is_verified
    [mail] = outbox()
    assert mail.recipient == "nouvelle@example.org"
    assert "https://x/verifier/" in mail.body


def test_registration_with_a_taken_address_creates_nothing_and_warns_the_owner(app, make_user, outbox):
    owner = make_user("deja@example.org")
    assert _register(email="DEJA@example.org") is None
    [mail] = outbox()
    assert mail.recipient == owner.email
    assert "verifier" not in mail.body


def test_verification_token_verifies_once_and_rejects_tampering(app):
    user = _register()
    token = services.make_verification_token(user)
    assert services.verify_email(token) is user
    assert user.is_verified
    with pytest.raises(services.InvalidToken):
        services.verify_email(token + "x")


def test_verification_token_of_an_old_address_is_refused(app):
    user = _register()
    token = services.make_verification_token(user)
    user.email = "autre@example.org"
    with pytest.raises(services.InvalidToken):
        services.verify_email(token)


def test_authenticate_accepts_any_case_and_refuses_wrong_passwords(app, make_user):
    user = make_user("marie@example.org")
    assert services.authenticate("MARIE@example.org ", PASSWORD) is user
    assert services.authenticate("marie@example.org", "wrong password") is None
    assert services.authenticate("nobody@example.org", PASSWORD) is None


def test_password_reset_link_works_once(app, make_user, outbox):
    user = make_user("reset@example.org")
    services.request_password_reset("reset@example.org", reset_url_for=lambda t: f"/mot-de-passe/{t}")
    token = outbox()[-1].body.split("/mot-de-passe/")[1].split()[0]
    assert services.user_for_reset_token(token) is user
    services.set_password(user, "a brand new password")
    with pytest.raises(services.InvalidToken):
        services.user_for_reset_token(token)
    assert services.authenticate("reset@example.org", "a brand new password") is user


def test_password_reset_for_unknown_address_sends_nothing(app, outbox):
    services.request_password_reset("ghost@example.org", reset_url_for=lambda t: t)
    assert outbox() == []


def test_changing_the_password_ends_other_sessions(app, make_user):
    user = make_user()
    old_session = user.get_id()
    services.set_password(user, "another long password")
    assert services.load_session_user(old_session) is None
    assert services.load_session_user(user.get_id()) is user


def test_export_contains_the_account_and_registered_sections(app, make_user, make_conseil, make_member):
    user = make_user("export@example.org", name="Awa")
    make_member(make_conseil("Conseil A"), user)
    data = services.export_user_data(user)
    assert data["account"]["email"] == "export@example.org"
    assert data["account"]["display_name"] == "Awa"
    assert data["memberships"][0]["conseil"] == "Conseil A"


def test_deleting_an_account_erases_personal_data_and_keeps_the_row(app, make_user):
    user = make_user("bye@example.org", roles=(PlatformRole.project_lead,), birth_year=1980)
    services.delete_account(user)
    db.session.commit()
    assert user.email is None and user.password_hash is None and user.birth_year is None
    assert user.is_deleted and not user.is_active
    assert user.role_grants == []
    assert services.find_by_email("bye@example.org") is None
    # The address can be used again for a new account.
    assert services.create_user("bye@example.org", PASSWORD, "Nouveau").id != user.id


def test_create_user_refuses_a_taken_address_whatever_the_case(app, make_user):
    make_user("taken@example.org")
    with pytest.raises(DomainError):
        services.create_user("TAKEN@example.org", PASSWORD, "Double")


def test_set_roles_gives_and_removes(app, make_user):
    user, admin = make_user(), make_user()
    services.set_roles(user, {PlatformRole.admin, PlatformRole.project_lead}, granted_by=admin)
    assert user.is_admin and user.is_project_lead
    services.set_roles(user, {PlatformRole.project_lead}, granted_by=admin)
    assert not user.is_admin and user.is_project_lead
