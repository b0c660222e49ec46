"""Benchmark cases of the inspection module (`shezhi bench`): the filings list page and list API
against the raw SQL of the same page of rows."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

import bench
from bench import RawPage, RawQuery, path_range

LIST_PAGE_SIZE = 25  # ListPage.per_page
API_PAGE_SIZE = 50  # NINJA_PAGINATION_PER_PAGE

# What a row shows: the filing, its organization, its authority and any rectification.
COLUMNS = (
    "SELECT f.id, f.year, f.mode, f.status, f.conclusion, f.submitted_on, o.name, o.credit_code, "
    "d.code, d.name, r.status "
    "FROM inspection_filing f "
    "JOIN social_orgs_socialorganization o ON o.id = f.organization_id "
    "JOIN core_division d ON d.code = f.authority_id "
    "LEFT JOIN inspection_rectification r ON r.filing_id = f.id "
)


def _page(user: Any, size: int) -> RawPage:
    scope, params = path_range("f.authority_path", user)
    return RawPage(
        # Literal fragments only, never input.
        rows=RawQuery(
            f"{COLUMNS}WHERE {scope} ORDER BY f.authority_path, f.year DESC, f.id LIMIT {size}",
            params,
        ),
        count=RawQuery(
            f"SELECT COUNT(*) FROM inspection_filing f WHERE {scope}",
            params,
        ),
    )


def filing_page(ctx: bench.BenchContext, user: Any) -> RawPage:
    """The list page's default order: authority, latest year first (FilingList)."""
    return _page(user, LIST_PAGE_SIZE)


def filing_api_page(ctx: bench.BenchContext, user: Any) -> RawPage:
    return _page(user, API_PAGE_SIZE)


bench.register(
    bench.PageCase(
        key="inspection.filings.page",
        label=_("年检（年报）列表页"),
        url="/inspection/",
        floor=filing_page,
    )
)
bench.register(
    bench.PageCase(
        key="inspection.filings.api",
        label=_("年检（年报）接口"),
        url="/api/v1/inspection/",
        floor=filing_api_page,
        page_data=bench.api_page_data("id"),
    )
)
