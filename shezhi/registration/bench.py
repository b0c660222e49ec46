"""Benchmark cases of founding registration (`shezhi bench` imports `shezhi.<app>.bench`): the
list page and the list API against the raw SQL of the same page of rows."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

import bench
from bench import RawPage, RawQuery, path_range

LIST_PAGE_SIZE = 25  # ListPage.per_page
API_PAGE_SIZE = 50  # NINJA_PAGINATION_PER_PAGE

# What a row shows: the application, its authority, its registered organization and how many
# members it lists (the selector's grouped count).
COLUMNS = (
    "SELECT a.id, a.name, a.org_type, a.status, a.submitted_at, a.decided_at, d.code, d.name, "
    "o.credit_code, COUNT(m.id) "
    "FROM registration_foundingapplication a "
    "JOIN core_division d ON d.code = a.registration_authority_id "
    "LEFT JOIN social_orgs_socialorganization o ON o.id = a.organization_id "
    "LEFT JOIN registration_foundingmember m ON m.application_id = a.id "
)


def _page(user: Any, size: int) -> RawPage:
    scope, params = path_range("a.division_path", user)
    return RawPage(
        # Literal fragments only, never input (the per-file S608 exemption covers bench.py).
        rows=RawQuery(
            f"{COLUMNS}WHERE {scope} GROUP BY a.id, d.code, o.id ORDER BY a.id DESC LIMIT {size}",
            params,
        ),
        count=RawQuery(
            f"SELECT COUNT(*) FROM registration_foundingapplication a WHERE {scope}",
            params,
        ),
    )


def application_page(ctx: bench.BenchContext, user: Any) -> RawPage:
    """The list page's default order: newest first (ApplicationList)."""
    return _page(user, LIST_PAGE_SIZE)


def application_api_page(ctx: bench.BenchContext, user: Any) -> RawPage:
    """The API's order: newest first (api.registration_list)."""
    return _page(user, API_PAGE_SIZE)


bench.register(
    bench.PageCase(
        key="registration.applications.page",
        label=_("成立登记列表页"),
        url="/registration/",
        floor=application_page,
    )
)
bench.register(
    bench.PageCase(
        key="registration.applications.api",
        label=_("成立登记接口"),
        url="/api/v1/registration/",
        floor=application_api_page,
        page_data=bench.api_page_data("id"),
    )
)
