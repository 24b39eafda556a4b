"""The one helper through which views apply policies, and the ``can`` object templates use.

Each capability decides who may do what in its own ``policy.py`` (plain predicates whose first
argument is the user). Views call ``authorize(policy.can_x(current_user, thing))``; templates write
``can.proposals.can_support(proposal)``, which passes the current user for them.
"""

from __future__ import annotations

import importlib
from typing import Any, NoReturn

from flask import abort
from flask_login import current_user

from participation.extensions import login_manager


def deny() -> NoReturn:
    """Anonymous visitors are sent to sign in; signed-in people get a 403."""
    if not current_user.is_authenticated:
        abort(login_manager.unauthorized())
    abort(403)


def authorize(allowed: bool) -> None:
    if not allowed:
        deny()


class _CapabilityPolicies:
    def __init__(self, module: Any) -> None:
        self._module = module

    def __getattr__(self, name: str) -> Any:
        predicate = getattr(self._module, name)
        return lambda *args, **kwargs: predicate(current_user, *args, **kwargs)


class PolicyProxy:
    """``can.<capability>.<predicate>(...)`` in templates."""

    def __getattr__(self, capability: str) -> _CapabilityPolicies:
        if capability.startswith("_"):
            raise AttributeError(capability)
        return _CapabilityPolicies(importlib.import_module(f"participation.{capability}.policy"))


can = PolicyProxy()
