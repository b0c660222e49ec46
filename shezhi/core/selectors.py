"""Reads that shape data for pages and the API."""

from __future__ import annotations

from typing import Any

from django.db.models import Count
from django.db.models.functions import Substr

from . import registry
from .models import Division
from .scoping import prefix_q


def child_divisions(division: Division) -> list[Division]:
    return list(division.children.filter(is_current=True).order_by("code"))


def count_below_by_child(
    parent: Division, children: list[Division], *, level: str
) -> dict[str, int]:
    """How many current divisions of `level` lie under each child, in one grouped query."""
    if not children:
        return {}
    prefix_length = len(children[0].path)  # siblings share one level, so one path length
    rows = (
        Division.objects.filter(prefix_q("path", parent.path), level=level, is_current=True)
        # A child is not "under" itself: a town row must not count itself as one town.
        .exclude(code__in=[child.code for child in children])
        .annotate(child_path=Substr("path", 1, prefix_length))
        .values("child_path")
        .annotate(n=Count("code"))
    )
    counts = {row["child_path"]: row["n"] for row in rows}
    return {child.code: counts.get(child.path, 0) for child in children}


def home_overview(user: Any) -> dict[str, Any]:
    division = getattr(user, "division", None)
    children = child_divisions(division) if division else []
    stats = list(registry.ordered(registry.DIVISION_STATS))
    counts = (
        {stat.key: stat.count_by_child(division, children) for stat in stats} if division else {}
    )
    rows = [
        {"division": child, "counts": [counts[stat.key].get(child.code, 0) for stat in stats]}
        for child in children
    ]
    todos = list(my_todos(user).select_related("division")[:10])
    return {"division": division, "stats": stats, "rows": rows, "todos": todos}


def my_todos(user: Any) -> Any:
    """Open to-dos for the user's role at their division, and those escalated to it."""
    from .todos import my_todos as open_todos  # the to-do rules live with the to-do service

    return open_todos(user)


def division_rows() -> Any:
    """Divisions as list pages and exports show them, with the parent each row names.

    Not yet scoped: the list-page pattern applies `visible_to(user)` to it (views/listing.py).
    """
    return Division.objects.select_related("parent")


def division_children_overview(division: Division) -> dict[str, Any]:
    """The child divisions of `division` with the registered counts (one query per statistic)."""
    children = child_divisions(division)
    stats = list(registry.ordered(registry.DIVISION_STATS))
    counts = {stat.key: stat.count_by_child(division, children) for stat in stats}
    rows = [
        {"division": child, "counts": [counts[stat.key].get(child.code, 0) for stat in stats]}
        for child in children
    ]
    return {"child_stats": stats, "child_rows": rows}
