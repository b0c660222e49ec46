"""What the inspection module registers with the kernel: navigation, record types (History tab),
to-do kinds and its demo seeding step."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from shezhi.core import registry
from shezhi.core.records import register_record_type

from .models import Filing, InspectionConfig, Rectification
from .permissions import can_view_inspection, is_inspection_officer
from .services import RECTIFICATION_TODO, VERIFY_TODO

registry.register_nav(
    registry.NavItem(
        "inspection_filings",
        _("年检（年报）"),
        "inspection:filing_list",
        icon="report",
        order=40,
        visible=can_view_inspection,
    )
)
registry.register_nav(
    registry.NavItem(
        "inspection_completion",
        _("年检（年报）完成情况"),
        "inspection:completion",
        icon="chart-pie",
        order=41,
        visible=is_inspection_officer,
    )
)

register_record_type(Filing, can_access=can_view_inspection)
register_record_type(Rectification, can_access=can_view_inspection)
register_record_type(InspectionConfig, can_access=is_inspection_officer)

registry.register_todo_kind(registry.TodoKind(RECTIFICATION_TODO, _("年检整改")))
registry.register_todo_kind(registry.TodoKind(VERIFY_TODO, _("年检整改核实")))


def _register_seed_step() -> None:
    from .demo import SEED_STEP

    registry.register_seed_step(SEED_STEP)


_register_seed_step()
