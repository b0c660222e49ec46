"""What the registry registers with the kernel: navigation, record type, seeding step."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from shezhi.core import registry
from shezhi.core.records import register_record_type

from .models import SocialOrganization
from .permissions import can_view_registry

# The civil-affairs and party-committee officers, and an organization account for its own record.
registry.register_nav(
    registry.NavItem(
        "social_orgs",
        _("社会组织"),
        "social_orgs:list",
        icon="building",
        order=20,
        visible=can_view_registry,
    )
)

# The History tab, /history/social_orgs.socialorganization/<pk>/ and the phone reveal, with the
# same role gate as the pages.
register_record_type(SocialOrganization, can_access=can_view_registry)


def _register_seed_step() -> None:
    from .demo import seed_social_orgs

    registry.register_seed_step(
        registry.SeedStep("social_orgs", _("社会组织"), seed_social_orgs, order=40)
    )


_register_seed_step()
