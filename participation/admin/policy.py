"""Who may administer the platform."""

from participation.accounts.policy import can_administer

__all__ = ["can_administer"]
