"""Who may do what in the registry: predicates asked alike by pages, the API and the services.

Registration is the act of a civil-affairs department (民政部门) at county level or above
(rules.AUTHORITY_LEVELS). An officer of that department may register and maintain the
organizations of their own level and of every level below inside their jurisdiction: a city
officer may correct a record of one of the city's districts, a district officer never a
city-registered one. An organization account keeps a few contact facts of its own organization
up to date; everything else about it is the registering authority's.
"""

from __future__ import annotations

from typing import Any

from shezhi.core.models import Division
from shezhi.core.roles import Role

from .models import SocialOrganization
from .rules import AUTHORITY_LEVELS

# What an organization account may change about its own organization (the rest is registered
# facts, changed only through the authority).
OWN_ORGANIZATION_FIELDS = frozenset({"address", "staff_count", "legal_representative_phone"})


def _active(user: Any) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_active)


def _officer_path(user: Any) -> str | None:
    """The division path a registry officer works at, "" for a superuser, None otherwise."""
    if not _active(user):
        return None
    if user.is_superuser:
        return ""
    if user.role != Role.CIVIL_AFFAIRS_OFFICER:
        return None
    division = getattr(user, "division", None)
    if division is None or division.level not in AUTHORITY_LEVELS:
        return None
    return str(division.path)


# Who works with the registry at all; the rows each sees are still scoped (visible_to). Town and
# village roles, windows and branch secretaries have no business with registration records.
VIEWER_ROLES = frozenset(
    {Role.CIVIL_AFFAIRS_OFFICER, Role.PARTY_COMMITTEE_OFFICER, Role.ORGANIZATION_ACCOUNT}
)


def can_view_registry(user: Any) -> bool:
    """May open the registry's pages and API (403 otherwise)."""
    return _active(user) and (user.is_superuser or user.role in VIEWER_ROLES)


def is_registry_officer(user: Any) -> bool:
    """A civil-affairs officer of a registering level (or a superuser): may open the forms."""
    return _officer_path(user) is not None


def can_register_organization(user: Any, authority: Division) -> bool:
    """May register an organization with `authority` as its registering authority: the officer's
    own division or one inside it."""
    root = _officer_path(user)
    return root is not None and authority.path.startswith(root)


def can_edit_organization(user: Any, organization: SocialOrganization) -> bool:
    """May change the registered facts (officers of the registering level or above)."""
    root = _officer_path(user)
    return root is not None and organization.authority_path.startswith(root)


def can_change_organization_status(user: Any, organization: SocialOrganization) -> bool:
    """May deregister or revoke (the registering authority's decisions)."""
    return can_edit_organization(user, organization)


def is_own_organization(user: Any, organization: SocialOrganization) -> bool:
    return bool(
        _active(user)
        and user.role == Role.ORGANIZATION_ACCOUNT
        and user.organization_id is not None
        and user.organization_id == organization.pk
    )


def editable_fields(user: Any, organization: SocialOrganization) -> frozenset[str] | None:
    """The fields `user` may change on `organization`: None for all of them, a set for a limited
    edit, an empty set for none."""
    if can_edit_organization(user, organization):
        return None
    if is_own_organization(user, organization):
        return OWN_ORGANIZATION_FIELDS
    return frozenset()


def can_update_organization(user: Any, organization: SocialOrganization) -> bool:
    return editable_fields(user, organization) != frozenset()


def can_import_organizations(user: Any) -> bool:
    return is_registry_officer(user)
