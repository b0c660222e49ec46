"""What the kernel itself registers: its navigation entries and division statistics."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from . import registry
from . import workdays as _workdays  # noqa: F401  (connects its calendar-cache receivers)
from .models import Division
from .records import register_record_type

registry.register_nav(registry.NavItem("home", _("首页"), "core:home", icon="home", order=0))
registry.register_nav(
    registry.NavItem("todos", _("我的待办"), "core:todo_list", icon="checklist", order=1)
)
registry.register_nav(
    registry.NavItem("divisions", _("行政区划"), "core:division_list", icon="map", order=90)
)


def _count(level: str) -> registry.DivisionStat:
    from .selectors import count_below_by_child

    labels: dict[str, Any] = {
        Division.Level.TOWN: _("乡镇（街道）"),
        Division.Level.VILLAGE: _("村（社区）"),
    }
    return registry.DivisionStat(
        key=f"divisions_{level}",
        label=labels[level],
        count_by_child=lambda parent, children: count_below_by_child(parent, children, level=level),
        order=0 if level == Division.Level.TOWN else 1,
    )


# Division records have a History tab for anyone whose jurisdiction holds them.
register_record_type(Division)

registry.register_division_stat(_count(Division.Level.TOWN))
registry.register_division_stat(_count(Division.Level.VILLAGE))


# Seeding steps: official divisions, towns and villages, demo accounts (see core/demo.py).
def _register_seed_steps() -> None:
    from .demo import KERNEL_SEED_STEPS

    for step in KERNEL_SEED_STEPS:
        registry.register_seed_step(step)


_register_seed_steps()


# A kernel to-do kind, used by the demo and tests: a town or county checks its child divisions.
registry.register_todo_kind(registry.TodoKind("core.review_divisions", _("核对下辖区划")))
