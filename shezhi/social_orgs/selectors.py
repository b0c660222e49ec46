"""Reads of the social-organization registry."""

from __future__ import annotations

from django.db.models import Q

from .models import LIVE_STATUSES


def blank_spot_q(prefix: str = "") -> Q:
    """Organizations that should have a party organization and do not (党建工作“空白点”).

    A live organization without organization coverage is a blank spot when it has three or more
    full members (it must form its own organization: 《中国共产党章程》第三十条, 《关于加强社会组织
    党的建设工作的意见（试行）》中办发〔2015〕51号) or when no instructor reaches it either (no work
    coverage: the same 意见, "两个覆盖"). shared/DOMAIN.md §0. `prefix` reaches the organization
    from a related model, e.g. "employer__".
    """
    return Q(**{f"{prefix}status__in": LIVE_STATUSES, f"{prefix}organization_covered": False}) & (
        Q(**{f"{prefix}full_member_count__gte": 3}) | Q(**{f"{prefix}has_instructor": False})
    )
