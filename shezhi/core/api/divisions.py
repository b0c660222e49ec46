"""/api/v1/divisions: look up and search administrative divisions within the caller's jurisdiction.

Both operations read through `Division.objects.visible_to(user)`, the same rule as the pages: a
code outside the jurisdiction and a code that does not exist both answer 404.
"""

# No `from __future__ import annotations` here: ninja resolves an operation's annotations in the
# globals of the function it registers, and @paginate's wrapper lives in ninja.pagination, where
# "DivisionFilter" would not resolve.

from typing import Any

from django.db.models import Q
from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate

from shezhi.core.models import Division
from shezhi.core.selectors import child_divisions

router = Router(tags=["divisions"])


class DivisionBrief(Schema):
    code: str
    name: str
    level: Division.Level


class DivisionOut(DivisionBrief):
    parent: str | None = Field(description="The parent's code; null for the province.")
    children: list[DivisionBrief]


class DivisionFilter(Schema):
    q: str = Field("", max_length=50, description="Part of the name, or the start of the code.")
    level: Division.Level | None = None
    include_abolished: bool = Field(False, description="Also list codes no longer in use.")


def division_search(user: Any, filters: DivisionFilter) -> Any:
    divisions = Division.objects.visible_to(user)
    if not filters.include_abolished:
        divisions = divisions.filter(is_current=True)
    if filters.level:
        divisions = divisions.filter(level=filters.level)
    q = filters.q.replace("\x00", "").strip()  # PostgreSQL refuses NUL in a string
    if q:
        match = Q(name__icontains=q)
        if q.isdigit():
            match |= Q(code__startswith=q)
        divisions = divisions.filter(match)
    return divisions.only("code", "name", "level").in_code_order()


@router.get("/", response=list[DivisionBrief], summary="Search divisions")
@paginate
def division_list(request: HttpRequest, filters: Query[DivisionFilter]) -> Any:
    return division_search(request.auth, filters)  # type: ignore[attr-defined]


@router.get("/{code}", response=DivisionOut, summary="One division and its children")
def division_detail(request: HttpRequest, code: str) -> Any:
    if not code.isdigit():  # not a code at all (and PostgreSQL refuses NUL): the same 404
        raise Http404
    user = request.auth  # type: ignore[attr-defined]
    division = get_object_or_404(Division.objects.visible_to(user), code=code)
    return {
        "code": division.code,
        "name": division.name,
        "level": division.level,
        "parent": division.parent_id,
        "children": child_divisions(division),
    }
