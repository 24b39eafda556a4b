"""Every capability's tables, imported in one place for Alembic and ``create_all``."""

from participation.accounts.models import *  # noqa: F401,F403
from participation.audit import AuditEntry  # noqa: F401
from participation.consultations.models import *  # noqa: F401,F403
from participation.contract.models import *  # noqa: F401,F403
from participation.mail import OutboxMessage  # noqa: F401
from participation.minutes.models import *  # noqa: F401,F403
from participation.moderation.models import *  # noqa: F401,F403
from participation.page_cache import PageVersion  # noqa: F401
from participation.proposals.models import *  # noqa: F401,F403
from participation.reporting.models import *  # noqa: F401,F403
from participation.territory.models import *  # noqa: F401,F403
from participation.workshops.models import *  # noqa: F401,F403
