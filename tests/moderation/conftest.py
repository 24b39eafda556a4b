from __future__ import annotations

from tests.proposals.conftest import make_comment, make_proposal, make_supports, set_rules  # noqa: F401 - fixtures
