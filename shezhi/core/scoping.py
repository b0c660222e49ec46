"""Jurisdiction scoping, written once.

Every queryset behind a page, API call or export is filtered by `jurisdiction_q`: a user sees the
rows whose division path starts with the path of their own division. "Not yours" and "does not
exist" therefore look the same (404), and a county officer never learns of another county's rows.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar, Self

from django.db import models
from django.db.models import Q

from .roles import ORGANIZATION_ROLES, Role

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from shezhi.accounts.models import User


NOTHING = Q(pk__in=[])


def jurisdiction_path(user: User | AnonymousUser) -> str | None:
    """The division path a user's view is rooted at; "" for everything; None for nothing."""
    if not user.is_authenticated or not user.is_active:
        return None
    if user.is_superuser:
        return ""
    if getattr(user, "role", "") in ORGANIZATION_ROLES:
        return None
    division = getattr(user, "division", None)
    return division.path if division is not None else None


def jurisdiction_q(
    user: User | AnonymousUser,
    *,
    path_lookup: str,
    organization_lookup: str | None = None,
    party_organization_lookup: str | None = None,
) -> Q:
    """The one filter deciding which rows a user may see, for a model whose division path is
    reached through `path_lookup` (e.g. "path", "division__path").

    Accounts that act for one organization instead of a jurisdiction see the rows that belong to
    it: `organization_lookup` leads from a row to its social organization's id, and
    `party_organization_lookup` to its party organization's id; a model without the lookup shows
    such accounts nothing.
    """
    if user.is_authenticated and user.is_active and not user.is_superuser:
        if user.role == Role.ORGANIZATION_ACCOUNT:
            return _bound_q(organization_lookup, getattr(user, "organization_id", None))
        if user.role == Role.BRANCH_SECRETARY:
            return _bound_q(party_organization_lookup, getattr(user, "party_organization_id", None))
    root = jurisdiction_path(user)
    if root is None:
        return NOTHING
    if root == "":
        return Q()
    return prefix_q(path_lookup, root)


def _bound_q(lookup: str | None, bound_id: int | None) -> Q:
    if lookup is None or bound_id is None:
        return NOTHING
    return Q(**{lookup: bound_id})


def prefix_q(path_lookup: str, prefix: str) -> Q:
    """Rows whose path starts with `prefix`, as an index range: paths end with "/", and "0" is
    the character after "/", so [p, p[:-1] + "0") holds exactly the paths below p (PathField)."""
    return Q(**{f"{path_lookup}__gte": prefix, f"{path_lookup}__lt": prefix[:-1] + "0"})


def is_within(user: User | AnonymousUser, path: str) -> bool:
    """The same rule for one path already in memory."""
    root = jurisdiction_path(user)
    return root is not None and path.startswith(root)


class ScopedQuerySet(models.QuerySet):
    """Base for the querysets of every scoped model: `Model.objects.visible_to(user)`."""

    path_lookup: ClassVar[str] = "division__path"
    organization_lookup: ClassVar[str | None] = None
    party_organization_lookup: ClassVar[str | None] = None

    def visible_to(self, user: Any) -> Self:
        return self.filter(
            jurisdiction_q(
                user,
                path_lookup=self.path_lookup,
                organization_lookup=self.organization_lookup,
                party_organization_lookup=self.party_organization_lookup,
            )
        )
