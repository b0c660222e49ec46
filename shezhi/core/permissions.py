"""Action predicates of the kernel, asked alike by views, templates and the API."""

from __future__ import annotations

from typing import Any

REVEAL_PERMISSION = "accounts.reveal_personal_data"


def can_reveal_personal_data(user: Any) -> bool:
    """May see full ID and phone numbers (each reveal is still a deliberate, logged action)."""
    if not user.is_authenticated or not user.is_active:
        return False
    return bool(user.is_superuser or user.has_perm(REVEAL_PERMISSION))
