from __future__ import annotations

import pytest

from tests import factories


@pytest.fixture
def make_consultation(app):
    return factories.make_consultation


@pytest.fixture
def answer(app):
    return factories.answer_consultation


@pytest.fixture
def consultation(app, roles):
    """An open consultation of the roles' conseil, one question of each kind, on two pages."""
    consultation = factories.make_consultation(roles.conseil, pages=2)
    from participation.extensions import db

    db.session.commit()
    return consultation
