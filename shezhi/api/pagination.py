"""limit/offset pagination answering exactly {"count": N, "items": [...]}.

Set as NINJA_PAGINATION_CLASS, so `@paginate` on any list operation uses it. A limit above
NINJA_PAGINATION_MAX_LIMIT is capped rather than refused (clients asking for "everything" get
the largest page); a limit below 1, an offset below 0 or above MAX_OFFSET, or a non-number
answers 422.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Field, Schema
from ninja.pagination import AsyncPaginationBase

MAX_OFFSET = 1_000_000_000


def max_limit() -> int:
    return int(settings.NINJA_PAGINATION_MAX_LIMIT)


class LimitOffset(Schema):
    limit: int = Field(
        settings.NINJA_PAGINATION_PER_PAGE,
        ge=1,
        description=f"Page size; at most {settings.NINJA_PAGINATION_MAX_LIMIT} (larger is capped).",
    )
    # Bounded so that the database's 64-bit OFFSET cannot overflow into a 500.
    offset: int = Field(0, ge=0, le=MAX_OFFSET, description="Rows to skip.")


class CountItemsPagination(AsyncPaginationBase):
    Input = LimitOffset  # type: ignore[assignment]  # ninja declares its own Input class

    class Output(Schema):
        count: int
        items: list[Any]

    def _window(self, queryset: Any, pagination: LimitOffset) -> tuple[Any, int, int]:
        if isinstance(queryset, QuerySet) and not queryset.ordered:
            # Without an order, pages may overlap or skip rows between two requests.
            queryset = queryset.order_by("pk")
        return queryset, pagination.offset, min(pagination.limit, max_limit())

    def paginate_queryset(
        self, queryset: Any, pagination: LimitOffset, request: HttpRequest, **params: Any
    ) -> dict[str, Any]:
        queryset, offset, limit = self._window(queryset, pagination)
        return {
            "count": self._items_count(queryset),
            "items": list(queryset[offset : offset + limit]),
        }

    async def apaginate_queryset(
        self, queryset: Any, pagination: LimitOffset, request: HttpRequest, **params: Any
    ) -> dict[str, Any]:
        queryset, offset, limit = self._window(queryset, pagination)
        if isinstance(queryset, QuerySet):
            items = [row async for row in queryset[offset : offset + limit]]
        else:
            items = list(queryset[offset : offset + limit])
        return {"count": await self._aitems_count(queryset), "items": items}
