"""Reads of accounts that shape data for pages and exports."""

from __future__ import annotations

from typing import Any

from .models import User


def user_rows() -> Any:
    """Users as the user list and its export show them (not yet scoped: the list-page pattern
    applies `visible_to(user)`)."""
    return User.objects.select_related("division")


def user_detail(viewer: Any, pk: int) -> User | None:
    """A user the viewer's jurisdiction holds, or None."""
    return user_rows().visible_to(viewer).filter(pk=pk).first()
