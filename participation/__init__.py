"""participation: the citizen participation platform of the conseils citoyens."""

from __future__ import annotations

import importlib
import logging
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from flask import Flask

from participation.config import ROOT

# Capabilities in the order their navigation entries, home sections and demo data come.
CAPABILITIES = (
    "pages",
    "accounts",
    "territory",
    "contract",
    "proposals",
    "moderation",
    "consultations",
    "workshops",
    "minutes",
    "reporting",
    "admin",
)


def create_app(config: Mapping[str, Any] | None = None) -> Flask:
    """Build the application: the only place an app is made."""
    from participation import config as config_module
    from participation import errors, i18n, layout, registry, security, static_assets, templating, transactions
    from participation.extensions import babel, csrf, db, limiter, login_manager, migrate

    app = Flask(
        __name__,
        template_folder=str(ROOT / "templates"),
        static_folder=str(ROOT / "participation" / "static"),
        instance_path=str(ROOT / "instance"),
    )
    app.config.update(config if config is not None else config_module.from_environment())
    Path(app.config["INSTANCE_DIR"]).mkdir(parents=True, exist_ok=True)
    logging.basicConfig(level=app.config.get("LOG_LEVEL", "INFO"))

    db.init_app(app)
    transactions.init_app(app)
    migrate.init_app(app, db, directory=str(ROOT / "migrations"), render_as_batch=True, compare_type=True)
    csrf.init_app(app)
    limiter.init_app(app)
    login_manager.init_app(app)
    i18n.init_app(app, babel)
    templating.init_app(app)
    layout.init_app(app)
    static_assets.init_app(app)
    security.init_app(app)
    errors.init_app(app)

    from participation import models  # noqa: F401 - every table known to SQLAlchemy and Alembic

    capability_registry = registry.install(app)
    for name in CAPABILITIES:
        module = importlib.import_module(f"participation.{name}")
        # init_app imports the views, so the routes exist before the blueprint is registered.
        module.init_app(app, capability_registry)
        app.register_blueprint(module.blueprint)

    from participation import cli, sqlcount

    cli.init_app(app)
    sqlcount.init_app(app)
    return app
