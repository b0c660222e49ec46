from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest

from . import registry


def platform(request: HttpRequest) -> dict[str, Any]:
    user = request.user
    nav = [item for item in registry.ordered(registry.NAV) if item.visible(user)]
    division = getattr(user, "division", None) if user.is_authenticated else None
    return {"site_name": settings.SHEZHI_SITE_NAME, "nav_items": nav, "user_division": division}
