from __future__ import annotations

import pytest

from tests import factories


@pytest.fixture
def make_meeting(app):
    return factories.make_meeting


@pytest.fixture
def record_presence(app):
    return factories.record_presence


@pytest.fixture
def make_decision(app):
    return factories.make_decision


@pytest.fixture
def publish_minutes(app):
    return factories.publish_minutes
