from __future__ import annotations

from ninja.pagination import LimitOffsetPagination


class CountItemsPagination(LimitOffsetPagination):
    """limit/offset pagination answering {"count": N, "items": [...]}."""
