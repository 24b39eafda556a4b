from __future__ import annotations

import pytest

from tests import factories


@pytest.fixture
def make_workshop(app):
    return factories.make_workshop


@pytest.fixture
def sign_up_guest(app):
    return factories.sign_up_guest


@pytest.fixture
def workshop(app, roles):
    """A workshop of the roles' conseil, in a week, 10 seats, with childcare and interpreting."""
    workshop = factories.make_workshop(roles.conseil, capacity=10, title="Atelier cadre de vie : les aires de jeux",
                                       offers_childcare=True, offers_interpreting=True,
                                       interpreting_languages="arabe, anglais", step_free_access=True)
    from participation.extensions import db

    db.session.commit()
    return workshop
