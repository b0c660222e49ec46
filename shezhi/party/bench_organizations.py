"""Benchmark cases of party organizations (`shezhi bench`, registered by shezhi/party/bench.py):
the party-organization list page and API against the raw SQL of the same page of rows."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

import bench
from bench import RawPage, RawQuery, path_range

LIST_PAGE_SIZE = 25  # ListPage.per_page
API_PAGE_SIZE = 50  # NINJA_PAGINATION_PER_PAGE

# What a row shows: the organization, its parent's name, its division, and how many social
# organizations it covers (a correlated count, as the selector's subquery).
COLUMNS = (
    "SELECT o.id, o.name, o.kind, o.formation, o.founded_on, o.term_years, o.term_started_on, "
    "o.status, o.dissolved_on, p.id, p.name, d.code, d.name, d.level, "
    "(SELECT COUNT(*) FROM party_coverage c WHERE c.party_organization_id = o.id) "
    "FROM party_partyorganization o "
    "LEFT JOIN party_partyorganization p ON p.id = o.parent_id "
    "JOIN core_division d ON d.code = o.division_id "
)


def _page(user: Any, order: str, size: int) -> RawPage:
    scope, params = path_range("o.division_path", user)
    return RawPage(
        # Literal fragments only, never input (the per-file S608 exemption covers bench.py).
        rows=RawQuery(f"{COLUMNS}WHERE {scope} ORDER BY {order} LIMIT {size}", params),
        count=RawQuery(
            f"SELECT COUNT(*) FROM party_partyorganization o WHERE {scope}",  # noqa: S608
            params,
        ),
    )


def organization_page(ctx: bench.BenchContext, user: Any) -> RawPage:
    """The list page's default order: by division, then id (PartyOrganizationList)."""
    return _page(user, "o.division_path, o.id", LIST_PAGE_SIZE)


def organization_api_page(ctx: bench.BenchContext, user: Any) -> RawPage:
    """The API's order: by division, name, id (api.organizations.organization_list)."""
    return _page(user, "o.division_path, o.name, o.id", API_PAGE_SIZE)


bench.register(
    bench.PageCase(
        key="party.organizations.page",
        label=_("党组织列表页"),
        url="/party/organizations/",
        floor=organization_page,
    )
)
bench.register(
    bench.PageCase(
        key="party.organizations.api",
        label=_("党组织接口"),
        url="/api/v1/party/organizations/",
        floor=organization_api_page,
        page_data=bench.api_page_data("id"),
    )
)
