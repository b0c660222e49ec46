"""Jurisdiction scoping, written once.

Every queryset behind a page, API call or export is filtered by `jurisdiction_q`: a user sees the
rows whose division path starts with the path of their own division. "Not yours" and "does not
exist" therefore look the same (404), and a county officer never learns of another county's rows.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar, Self

from django.db import models
from django.db.models import Q

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
    division = getattr(user, "division", None)
    return division.path if division is not None else None


def jurisdiction_q(user: User | AnonymousUser, *, path_lookup: str) -> Q:
    """The one filter deciding which rows a user may see, for a model whose division path is
    reached through `path_lookup` (e.g. "path", "division__path")."""
    root = jurisdiction_path(user)
    if root is None:
        return NOTHING
    if root == "":
        return Q()
    return prefix_q(path_lookup, root)


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

    def visible_to(self, user: Any) -> Self:
        return self.filter(jurisdiction_q(user, path_lookup=self.path_lookup))
