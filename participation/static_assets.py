"""Static files (CSS, scripts, icon) addressed by their content, so that browsers keep them.

``url_for("static", filename=…)`` adds ``?v=`` and the first characters of the file's SHA-256. A request
that names the file's current version gets it with a one-year, immutable cache lifetime: after the first
visit a phone asks for no stylesheet or script again until one changes, and then its address changes.
Any other request for a static file (no version, an old one) gets Flask's default: revalidated each time.
"""

from __future__ import annotations

import hashlib
import os
from functools import lru_cache
from typing import Any

from flask import Flask, Response, request
from werkzeug.security import safe_join

ONE_YEAR = 365 * 24 * 3600
VERSION_LENGTH = 12


@lru_cache(maxsize=256)
def _digest(path: str, mtime_ns: int, size: int) -> str:
    with open(path, "rb") as file:
        return hashlib.sha256(file.read()).hexdigest()[:VERSION_LENGTH]


def version_of(app: Flask, filename: str) -> str | None:
    """The version of a static file (its content's digest), or None when there is no such file."""
    if app.static_folder is None:
        return None
    path = safe_join(app.static_folder, filename)
    if path is None:  # outside the static folder
        return None
    try:
        stat = os.stat(path)
    except (OSError, ValueError):
        return None
    if not os.path.isfile(path):
        return None
    # Keyed on the modification time and size too, so that an edited file gets a new version without a restart.
    return _digest(path, stat.st_mtime_ns, stat.st_size)


def init_app(app: Flask) -> None:
    @app.url_defaults
    def add_version(endpoint: str, values: dict[str, Any]) -> None:
        if endpoint == "static" and "v" not in values and "filename" in values:
            version = version_of(app, values["filename"])
            if version is not None:
                values["v"] = version

    @app.after_request
    def keep_versioned_files(response: Response) -> Response:
        if (request.endpoint == "static" and response.status_code == 200 and request.view_args
                and request.args.get("v") == version_of(app, request.view_args.get("filename", ""))):
            response.cache_control.public = True
            response.cache_control.max_age = ONE_YEAR
            response.cache_control.immutable = True
            response.cache_control.no_cache = None
        return response
