"""Accounts: sign-up with e-mail verification, sign-in, password reset, profile, my data, deletion."""

from __future__ import annotations

import functools
import secrets
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import Select, bindparam, select
from sqlalchemy.orm import joinedload

from participation.accounts.models import Gender, PlatformRole, RoleGrant, User
from participation.db import utcnow
from participation.errors import DomainError
from participation.extensions import db
from participation.mail import queue_mail
from participation.registry import get_registry


def _password_hasher() -> PasswordHasher:
    """Argon2id with the library's defaults; the test configuration asks for cheap parameters."""
    hasher = current_app.extensions.get("participation.password_hasher")
    if hasher is None:
        if current_app.config.get("PASSWORD_HASH_CHEAP"):
            hasher = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
        else:
            hasher = PasswordHasher()
        current_app.extensions["participation.password_hasher"] = hasher
        # Spent on unknown e-mails too, so that sign-in takes as long whether the account exists or not.
        current_app.extensions["participation.dummy_hash"] = hasher.hash("not a real password")
    return hasher

VERIFY_MAX_AGE = 7 * 24 * 3600
RESET_MAX_AGE = 2 * 3600
MIN_PASSWORD_LENGTH = 10


class InvalidToken(DomainError):
    pass


def normalize_email(email: str) -> str:
    return email.strip().lower()


def hash_password(password: str) -> str:
    return _password_hasher().hash(password)


def new_session_token() -> str:
    return secrets.token_hex(16)


def find_by_email(email: str) -> User | None:
    return db.session.scalar(select(User).where(User.email == normalize_email(email)))


def load_session_user(session_id: str) -> User | None:
    """The user of a session cookie; the token part ends old sessions after a password change."""
    user_id, _, token = session_id.partition(":")
    if not user_id.isdigit() or not token:
        return None
    from participation.territory.services import remember_roles

    row = db.session.execute(_session_user_statement(), {"user_id": int(user_id)}).unique().first()
    if row is None:
        return None
    user, animates, sits = row
    if user.is_deleted or not secrets.compare_digest(user.session_token, token):
        return None
    remember_roles(user, animates, sits)
    return user


@functools.cache
def _session_user_statement() -> Select[Any]:
    """The user of a session with the platform roles and the conseils they animate and sit in, which every page's
    menus read: one statement instead of two. It runs at every signed-in request, so it is built once (its
    ``user_id`` a parameter): loading a user took 0.8 ms of CPU when it was made again at each request, 0.4 since."""
    from participation.territory.services import roles_columns

    return (select(User, *roles_columns()).where(User.id == bindparam("user_id"))
            .options(joinedload(User.role_grants)))


def _serializer(purpose: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=f"participation.{purpose}")


def make_verification_token(user: User) -> str:
    return _serializer("verify-email").dumps({"user": user.id, "email": user.email})


def make_reset_token(user: User) -> str:
    # The session token changes with the password, so a reset link works once.
    return _serializer("reset-password").dumps({"user": user.id, "session": user.session_token})


def _load(purpose: str, token: str, max_age: int) -> dict[str, Any]:
    try:
        data = _serializer(purpose).loads(token, max_age=max_age)
    except SignatureExpired as error:
        raise InvalidToken("expired") from error
    except BadSignature as error:
        raise InvalidToken("invalid") from error
    if not isinstance(data, dict):
        raise InvalidToken("invalid")
    return data


@dataclass
class Registration:
    email: str
    password: str
    display_name: str
    locale: str = "fr"


def register(data: Registration, verify_url_for: Any) -> User | None:
    """Create an unverified account and mail a verification link.

    When the address is taken, nothing is created and the owner is told by mail instead, so the
    answer on the page is the same either way (it must not reveal who has an account).
    """
    email = normalize_email(data.email)
    existing = find_by_email(email)
    if existing is not None:
        queue_mail(email, "accounts/already_registered", locale=existing.locale, user=existing)
        return None
    user = User(
        email=email,
        password_hash=hash_password(data.password),
        display_name=data.display_name.strip(),
        locale=data.locale,
        session_token=new_session_token(),
    )
    db.session.add(user)
    db.session.flush()
    queue_mail(email, "accounts/verify_email", locale=user.locale, user=user,
               url=verify_url_for(make_verification_token(user)))
    return user


def verify_email(token: str) -> User:
    """Mark the address of the token as verified (the link stays valid for a week)."""
    data = _load("verify-email", token, VERIFY_MAX_AGE)
    user = db.session.get(User, data.get("user"))
    if user is None or user.is_deleted or user.email != data.get("email"):
        raise InvalidToken("invalid")
    if user.email_verified_at is None:
        user.email_verified_at = utcnow()
    return user


def authenticate(email: str, password: str) -> User | None:
    """The verified or unverified account with this e-mail and password, or None."""
    user = find_by_email(email)
    hasher = _password_hasher()
    if user is None or user.password_hash is None or user.is_deleted:
        try:
            hasher.verify(current_app.extensions["participation.dummy_hash"], password)
        except VerificationError:
            pass
        return None
    try:
        hasher.verify(user.password_hash, password)
    except (VerificationError, InvalidHashError):
        return None
    if hasher.check_needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    user.last_login_at = utcnow()
    return user


def request_password_reset(email: str, reset_url_for: Any) -> None:
    """Mail a one-time reset link if the account exists; say nothing otherwise."""
    user = find_by_email(email)
    if user is None or user.is_deleted:
        return
    queue_mail(user.email or "", "accounts/reset_password", locale=user.locale, user=user,
               url=reset_url_for(make_reset_token(user)))


def user_for_reset_token(token: str) -> User:
    data = _load("reset-password", token, RESET_MAX_AGE)
    user = db.session.get(User, data.get("user"))
    if user is None or user.is_deleted or not secrets.compare_digest(user.session_token, str(data.get("session"))):
        raise InvalidToken("invalid")
    return user


def set_password(user: User, password: str) -> None:
    """Change the password and end every other session of this account."""
    user.password_hash = hash_password(password)
    user.session_token = new_session_token()
    # Following a link received by mail proves the address too.
    if user.email_verified_at is None:
        user.email_verified_at = utcnow()


def check_password(user: User, password: str) -> bool:
    if not user.password_hash:
        return False
    try:
        return _password_hasher().verify(user.password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


@dataclass
class Profile:
    display_name: str
    locale: str
    qpv_id: int | None
    gender: Gender | None
    birth_year: int | None
    notify_by_email: bool


def update_profile(user: User, profile: Profile) -> None:
    """Save what the person chose to tell about themselves."""
    user.display_name = profile.display_name.strip()
    user.locale = profile.locale
    user.qpv_id = profile.qpv_id
    user.gender = profile.gender
    user.birth_year = profile.birth_year
    user.notify_by_email = profile.notify_by_email


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def export_user_data(user: User) -> dict[str, Any]:
    """Everything the platform holds about this person, as JSON-ready data (GDPR art. 15 and 20)."""
    data: dict[str, Any] = {
        "account": {
            "email": user.email,
            "display_name": user.display_name,
            "locale": user.locale,
            "quartier": user.qpv.code if user.qpv else None,
            "gender": user.gender.value if user.gender else None,
            "birth_year": user.birth_year,
            "notify_by_email": user.notify_by_email,
            "created_at": _iso(user.created_at),
            "email_verified_at": _iso(user.email_verified_at),
            "last_login_at": _iso(user.last_login_at),
            "roles": sorted(grant.role.value for grant in user.role_grants),
        },
        "exported_at": utcnow().isoformat(),
    }
    for section, exporter in get_registry().user_data:
        data[section] = exporter(user)
    return data


def delete_account(user: User) -> None:
    """Erase the person's data; what they wrote stays, shown as written by a former participant."""
    for hook in get_registry().on_account_deletion:
        hook(user)
    user.email = None
    user.password_hash = None
    user.display_name = ""
    user.qpv_id = None
    user.gender = None
    user.birth_year = None
    user.notify_by_email = False
    user.last_login_at = None
    user.deleted_at = utcnow()
    user.session_token = new_session_token()
    user.role_grants.clear()


def create_user(email: str, password: str, display_name: str, *, roles: tuple[PlatformRole, ...] = (),
                verified: bool = True, locale: str = "fr") -> User:
    """Create an account directly (CLI, admin, demo), optionally verified and with roles."""
    email = normalize_email(email)
    if find_by_email(email) is not None:
        raise DomainError("email already used")
    user = User(
        email=email,
        password_hash=hash_password(password),
        display_name=display_name.strip(),
        locale=locale,
        session_token=new_session_token(),
        email_verified_at=utcnow() if verified else None,
    )
    user.role_grants = [RoleGrant(role=role) for role in roles]
    db.session.add(user)
    db.session.flush()
    return user


def set_roles(user: User, roles: set[PlatformRole], granted_by: User | None) -> None:
    """Give exactly these platform roles to the user (admin action, audited by the caller)."""
    current = {grant.role: grant for grant in user.role_grants}
    for role, grant in current.items():
        if role not in roles:
            user.role_grants.remove(grant)
    for role in roles - current.keys():
        user.role_grants.append(RoleGrant(role=role, granted_by_id=granted_by.id if granted_by else None))
