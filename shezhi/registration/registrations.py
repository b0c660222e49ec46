"""What founding registration registers with the kernel: navigation, the record type (History
tab), to-do kinds and its demo seeding step."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from shezhi.core import registry
from shezhi.core.records import register_record_type

from .models import FoundingApplication
from .permissions import can_view_registrations
from .services import DECISION_TODO, REVIEW_TODO, TAKEOVER_TODO

registry.register_nav(
    registry.NavItem(
        "registration",
        _("成立登记"),
        "registration:application_list",
        icon="file-plus",
        order=25,
        visible=can_view_registrations,
    )
)

register_record_type(FoundingApplication, can_access=can_view_registrations)

registry.register_todo_kind(registry.TodoKind(REVIEW_TODO, _("成立登记材料审查")))
registry.register_todo_kind(registry.TodoKind(DECISION_TODO, _("成立登记决定")))
registry.register_todo_kind(registry.TodoKind(TAKEOVER_TODO, _("接收新登记社会组织党建工作")))


def _register_seed_step() -> None:
    from .demo import SEED_STEP

    registry.register_seed_step(SEED_STEP)


_register_seed_step()
