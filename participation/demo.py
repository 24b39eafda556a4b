"""``flask demo load``: a fictional agglomeration, filled as a municipality would see it on day one.

Each capability may have a ``demo.py`` with ``load(context)``; they run in ``CAPABILITIES`` order, so
later capabilities find the people and conseils of earlier ones in the context. Every loader is
idempotent: it looks for what it made before and makes only what is missing.
"""

from __future__ import annotations

import importlib
import importlib.util
from dataclasses import dataclass, field
from typing import Any

from participation import CAPABILITIES
from participation.extensions import db

DEMO_PASSWORD = "participation-demo"  # noqa: S105 - printed on purpose: demo accounts only


@dataclass
class DemoContext:
    users: dict[str, Any] = field(default_factory=dict)
    conseils: dict[str, Any] = field(default_factory=dict)
    qpvs: dict[str, Any] = field(default_factory=dict)
    extra: dict[str, Any] = field(default_factory=dict)
    accounts: list[tuple[str, str, str]] = field(default_factory=list)  # (role, e-mail, name) to print


def load_demo() -> DemoContext:
    context = DemoContext()
    for name in CAPABILITIES:
        module_name = f"participation.{name}.demo"
        if importlib.util.find_spec(module_name) is None:
            continue
        importlib.import_module(module_name).load(context)
        db.session.flush()
    db.session.commit()
    return context
