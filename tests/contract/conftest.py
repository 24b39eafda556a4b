from __future__ import annotations

import pytest

from tests import factories


@pytest.fixture
def make_contract(app):
    return factories.make_contract


@pytest.fixture
def make_contribution(app):
    return factories.make_contribution


@pytest.fixture
def contract(app):
    return factories.make_contract()


@pytest.fixture
def node_of(contract):
    return lambda code: factories.node(contract, code)
