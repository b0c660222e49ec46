"""Who may do what with accounts. Views, templates, navigation and the API ask these."""

from __future__ import annotations

from typing import Any

from shezhi.core.roles import Role

# Officers who administer the people of their jurisdiction: civil affairs, and the party
# committee for social organizations at the same levels.
USER_MANAGER_ROLES = frozenset({Role.CIVIL_AFFAIRS_OFFICER, Role.PARTY_COMMITTEE_OFFICER})


def can_manage_users(user: Any) -> bool:
    """May open the user pages (which list only users inside the user's own jurisdiction)."""
    if not user.is_authenticated or not user.is_active:
        return False
    if user.is_superuser:
        return True
    return user.role in USER_MANAGER_ROLES and user.division_id is not None
