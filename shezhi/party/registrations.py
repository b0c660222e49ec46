"""What the party module registers with the kernel: navigation, record types (History tab and
personal-data reveal), to-do kinds and demo seeding steps.

Party organizations and business handling register here; members, development and transfers add
their own entries in the marked section below.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from shezhi.core import registry
from shezhi.core.records import register_record_type

from .models import Instructor, PartyOrganization, PartyOrgApplication
from .permissions import (
    can_view_instructors,
    can_view_party_organizations,
    can_view_party_statistics,
)
from .services.organizations import DECISION_TODO, REELECTION_TODO

# --- party organizations, business handling, instructors -------------------------------------

registry.register_nav(
    registry.NavItem(
        "party_organizations",
        _("党组织"),
        "party:organization_list",
        icon="flag",
        order=30,
        visible=can_view_party_organizations,
    )
)
registry.register_nav(
    registry.NavItem(
        "party_applications",
        _("党组织事项办理"),
        "party:application_list",
        icon="file-check",
        order=31,
        visible=can_view_party_organizations,
    )
)
registry.register_nav(
    registry.NavItem(
        "party_instructors",
        _("党建指导员"),
        "party:instructor_list",
        icon="user-check",
        order=33,
        visible=can_view_instructors,
    )
)

register_record_type(PartyOrganization, can_access=can_view_party_organizations)
register_record_type(PartyOrgApplication, can_access=can_view_party_organizations)
# An instructor's phone is personal data: revealed through the logged view, by officers only.
register_record_type(Instructor, can_access=can_view_instructors)

registry.register_todo_kind(registry.TodoKind(DECISION_TODO, _("党组织事项审批")))
registry.register_todo_kind(registry.TodoKind(REELECTION_TODO, _("党组织换届提醒")))


def _register_seed_steps() -> None:
    from .demo_organizations import SEED_STEPS

    for step in SEED_STEPS:
        registry.register_seed_step(step)


_register_seed_steps()

# --- party members, development, transfers (members module) ----------------------------------


def _register_members() -> None:
    from .models import PartyMember
    from .permissions import can_view_members
    from .services.members import PROBATION_TODO, TALK_TODO
    from .services.transfers import DECISION_TODO as TRANSFER_DECISION_TODO
    from .services.transfers import EXPIRED_TODO as TRANSFER_EXPIRED_TODO

    registry.register_nav(
        registry.NavItem(
            "party_members",
            _("党员"),
            "party:member_list",
            icon="users-group",
            order=32,
            visible=can_view_members,
        )
    )
    registry.register_nav(
        registry.NavItem(
            "party_transfers",
            _("组织关系转接"),
            "party:transfer_list",
            icon="arrows-exchange",
            order=34,
            visible=can_view_members,
        )
    )
    # A member's History tab and the logged reveal of ID number and phone follow the member
    # pages' gate (and visible_to: a branch secretary reveals only their branch's members).
    register_record_type(PartyMember, can_access=can_view_members)
    for kind, label in (
        (TALK_TODO, _("与入党申请人谈话")),
        (PROBATION_TODO, _("预备党员转正")),
        (TRANSFER_DECISION_TODO, _("组织关系接收")),
        (TRANSFER_EXPIRED_TODO, _("组织关系介绍信过期")),
    ):
        registry.register_todo_kind(registry.TodoKind(kind, label))
    # Demo: members between the party organizations (50) and their committees (70).
    from .demo_members import SEED_STEP

    registry.register_seed_step(SEED_STEP)


_register_members()

# --- statistics and analysis -------------------------------------------------------------------

registry.register_nav(
    registry.NavItem(
        "party_coverage",
        _("党建统计"),
        "party:coverage",
        icon="chart-bar",
        order=29,
        visible=can_view_party_statistics,
    )
)
