"""Modules register, core discovers.

Each domain app's `AppConfig.ready()` registers its navigation, division statistics, demo seeding
steps and to-do kinds here, so adding a module never edits the kernel or the dashboards.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .models import Division


@dataclass(frozen=True)
class NavItem:
    key: str
    label: Any  # a lazy translation
    url_name: str
    icon: str = "circle"
    order: int = 100
    # Who sees the entry; the pages themselves check again.
    visible: Callable[[Any], bool] = field(default=lambda user: user.is_authenticated)


@dataclass(frozen=True)
class DivisionStat:
    """A count shown for each child division on the home page."""

    key: str
    label: Any
    # Given the parent division and its children, returns {child code: count} in one query.
    count_by_child: Callable[[Division, list[Division]], dict[str, int]]
    order: int = 100


@dataclass(frozen=True)
class SeedStep:
    key: str
    label: Any
    run: Callable[[Any], None]  # takes a shezhi.core.demo.SeedContext
    order: int = 100


@dataclass(frozen=True)
class TodoKind:
    key: str
    label: Any


NAV: dict[str, NavItem] = {}
DIVISION_STATS: dict[str, DivisionStat] = {}
SEED_STEPS: dict[str, SeedStep] = {}
TODO_KINDS: dict[str, TodoKind] = {}


def _register(table: dict[str, Any], item: Any) -> Any:
    if item.key in table and table[item.key] != item:
        raise ValueError(f"{item.key!r} is registered twice")
    table[item.key] = item
    return item


def register_nav(item: NavItem) -> NavItem:
    return _register(NAV, item)


def register_division_stat(item: DivisionStat) -> DivisionStat:
    return _register(DIVISION_STATS, item)


def register_seed_step(item: SeedStep) -> SeedStep:
    return _register(SEED_STEPS, item)


def register_todo_kind(item: TodoKind) -> TodoKind:
    return _register(TODO_KINDS, item)


def ordered(table: dict[str, Any]) -> Iterable[Any]:
    return sorted(table.values(), key=lambda item: (item.order, item.key))
