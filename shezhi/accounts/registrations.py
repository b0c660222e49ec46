"""What accounts registers with the kernel: the user pages' navigation and record type."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from shezhi.core import registry
from shezhi.core.records import register_record_type

from .models import User
from .permissions import can_manage_users

registry.register_nav(
    registry.NavItem(
        "users", _("用户"), "accounts:user_list", icon="users", order=95, visible=can_manage_users
    )
)
# A user's History tab and phone reveal follow the user pages' gate.
register_record_type(User, can_access=can_manage_users)
