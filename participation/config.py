"""Settings read from the environment. Every variable is documented in the README."""

from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


class ConfigError(RuntimeError):
    pass


def _bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value not in (None, "") else default


def _database_url(url: str) -> str:
    # Operators paste URLs such as postgres://...; SQLAlchemy wants the psycopg 3 driver named.
    if url.startswith("postgres://"):
        url = "postgresql://" + url[len("postgres://") :]
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://") :]
    return url


def from_environment() -> dict[str, object]:
    """Build the configuration mapping of a running platform from environment variables."""
    env = os.environ.get("PARTICIPATION_ENV", "production")
    development = env == "development"
    instance = Path(os.environ.get("INSTANCE_PATH", ROOT / "instance"))
    secret = os.environ.get("SECRET_KEY")
    if not secret:
        if not development:
            raise ConfigError("SECRET_KEY must be set outside development (PARTICIPATION_ENV=development).")
        secret = "development-only-secret-key"  # noqa: S105 - development only, refused elsewhere
    redis_url = os.environ.get("REDIS_URL")
    return {
        "ENV_NAME": env,
        "SECRET_KEY": secret,
        "INSTANCE_DIR": str(instance),
        "SQLALCHEMY_DATABASE_URI": _database_url(
            os.environ.get("DATABASE_URL", f"sqlite:///{instance / 'participation.sqlite'}")
        ),
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
        "SESSION_COOKIE_SECURE": _bool("SESSION_COOKIE_SECURE", not development),
        "REMEMBER_COOKIE_SECURE": _bool("SESSION_COOKIE_SECURE", not development),
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "REMEMBER_COOKIE_HTTPONLY": True,
        "PREFERRED_URL_SCHEME": "http" if development else "https",
        "SERVER_NAME": os.environ.get("SERVER_NAME") or None,
        # Address of the platform in links of mails sent by scheduled jobs (outside any request).
        "PUBLIC_URL": os.environ.get("PUBLIC_URL", "http://127.0.0.1:5000"),
        "MAX_CONTENT_LENGTH": _int("MAX_UPLOAD_BYTES", 8 * 1024 * 1024),
        "UPLOAD_DIR": os.environ.get("UPLOAD_DIR", str(instance / "uploads")),
        "MAIL_BACKEND": os.environ.get("MAIL_BACKEND", "console" if development else "smtp"),
        "MAIL_SERVER": os.environ.get("MAIL_SERVER", "localhost"),
        "MAIL_PORT": _int("MAIL_PORT", 25),
        "MAIL_USERNAME": os.environ.get("MAIL_USERNAME") or None,
        "MAIL_PASSWORD": os.environ.get("MAIL_PASSWORD") or None,
        "MAIL_USE_TLS": _bool("MAIL_USE_TLS", False),
        "MAIL_USE_SSL": _bool("MAIL_USE_SSL", False),
        "MAIL_DEFAULT_SENDER": os.environ.get("MAIL_DEFAULT_SENDER", "participation@localhost"),
        "MAIL_MAX_ATTEMPTS": _int("MAIL_MAX_ATTEMPTS", 8),
        "RATELIMIT_ENABLED": _bool("RATELIMIT_ENABLED", True),
        "RATELIMIT_STORAGE_URI": redis_url or "memory://",
        "RATELIMIT_HEADERS_ENABLED": True,
        "REDIS_URL": redis_url,
        "PLATFORM_NAME": os.environ.get("PLATFORM_NAME", "Participation"),
        "TERRITORY_NAME": os.environ.get("TERRITORY_NAME", "Agglomération de Val-de-Lys"),
        "ACCESSIBILITY_STATUS": os.environ.get("ACCESSIBILITY_STATUS", "partial"),
        "PERSONAL_DATA_RETENTION_DAYS": _int("PERSONAL_DATA_RETENTION_DAYS", 90),
        "LOG_LEVEL": os.environ.get("LOG_LEVEL", "INFO"),
        "SQL_COUNT_HEADER": _bool("SQL_COUNT_HEADER", False),
        "DASHBOARD_CACHE_SECONDS": _int("DASHBOARD_CACHE_SECONDS", 300),
    }


def for_tests(database_url: str, instance_dir: str) -> dict[str, object]:
    """The configuration the test-suite builds every app with."""
    return {
        "ENV_NAME": "test",
        "TESTING": True,
        "SECRET_KEY": "test-secret-key",
        "INSTANCE_DIR": instance_dir,
        "SQLALCHEMY_DATABASE_URI": _database_url(database_url),
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
        "SESSION_COOKIE_SECURE": False,
        "REMEMBER_COOKIE_SECURE": False,
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "PREFERRED_URL_SCHEME": "http",
        "SERVER_NAME": None,
        "PUBLIC_URL": "http://participation.test",
        "MAX_CONTENT_LENGTH": 8 * 1024 * 1024,
        "UPLOAD_DIR": str(Path(instance_dir) / "uploads"),
        "MAIL_BACKEND": "outbox-only",
        "MAIL_SERVER": "127.0.0.1",
        "MAIL_PORT": 25,
        "MAIL_USERNAME": None,
        "MAIL_PASSWORD": None,
        "MAIL_USE_TLS": False,
        "MAIL_USE_SSL": False,
        "MAIL_DEFAULT_SENDER": "participation@example.org",
        "MAIL_MAX_ATTEMPTS": 3,
        "WTF_CSRF_ENABLED": False,
        "PASSWORD_HASH_CHEAP": True,
        "RATELIMIT_ENABLED": False,
        "RATELIMIT_STORAGE_URI": "memory://",
        "RATELIMIT_HEADERS_ENABLED": True,
        "REDIS_URL": None,
        "PLATFORM_NAME": "Participation",
        "TERRITORY_NAME": "Agglomération de Val-de-Lys",
        "ACCESSIBILITY_STATUS": "partial",
        "PERSONAL_DATA_RETENTION_DAYS": 90,
        "LOG_LEVEL": "WARNING",
        "DASHBOARD_CACHE_SECONDS": 0,
    }
