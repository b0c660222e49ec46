"""The registry's benchmark cases (`shezhi bench`): the officers' list page and list API (plain,
and filtered to blank spots), the public search, and the seeding step, each against the raw SQL
that returns the same rows."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

import bench
from bench import RawPage, RawQuery, marks, path_range
from shezhi.core.roles import Role

from .models import LIVE_STATUSES, SocialOrganization

LIST_PAGE_SIZE = 25  # ListPage.per_page
API_PAGE_SIZE = 50  # NINJA_PAGINATION_PER_PAGE
PUBLIC_PAGE_SIZE = 20  # views.public.PER_PAGE
PUBLIC_TERM = "协会"  # in thousands of names: a search with many matches

_COLUMNS = (
    "o.{key}, o.name, o.credit_code, o.org_type, o.industry, o.status, o.founded_on, "
    "o.staff_count, o.legal_representative, o.legal_representative_phone, "
    "o.organization_covered, o.has_instructor, o.full_member_count, "
    "a.code, a.name, a.level, a.path, v.code, v.name, v.path"
)
_JOINS = (
    "FROM social_orgs_socialorganization o "
    "JOIN core_division a ON a.code = o.registration_authority_id "
    "JOIN core_division v ON v.code = o.address_division_id"
)
# selectors.blank_spot_q, written out.
_BLANK_SPOT = (
    f"o.status IN ({marks(LIVE_STATUSES)}) AND o.organization_covered = %s "
    "AND (o.full_member_count >= %s OR o.has_instructor = %s)"
)
_BLANK_SPOT_PARAMS = [*LIVE_STATUSES, False, 3, False]


def organization_page(
    limit: int, *, key: str = "id", blank_spots: bool = False
) -> Callable[[bench.BenchContext, Any], RawPage]:
    """The officers' list (OrganizationList, or the list API): organizations registered inside
    the jurisdiction, by authority then name (the org_scope_name index), one page, and the
    count."""

    def page(ctx: bench.BenchContext, user: Any) -> RawPage:
        scope, params = path_range("o.authority_path", user)
        if blank_spots:
            scope = f"{scope} AND {_BLANK_SPOT}"
            params = [*params, *_BLANK_SPOT_PARAMS]
        return RawPage(
            rows=RawQuery(
                f"SELECT {_COLUMNS.format(key=key)} {_JOINS} WHERE {scope} "
                f"ORDER BY o.authority_path, o.name, o.id LIMIT {limit}",
                params,
            ),
            count=RawQuery(
                f"SELECT COUNT(*) FROM social_orgs_socialorganization o WHERE {scope}", params
            ),
        )

    return page


def public_page(ctx: bench.BenchContext, user: Any) -> RawPage:
    """The public search (selectors.public_search): by name, the whole province, no phones."""
    where = "o.name LIKE %s"
    params = [f"%{PUBLIC_TERM}%"]
    return RawPage(
        rows=RawQuery(
            "SELECT o.id, o.name, o.credit_code, o.org_type, o.status, o.founded_on, "
            f"o.legal_representative, a.code, a.name {_JOINS} WHERE {where} "
            f"ORDER BY o.name, o.id LIMIT {PUBLIC_PAGE_SIZE}",
            params,
        ),
        count=RawQuery(
            f"SELECT COUNT(*) FROM social_orgs_socialorganization o WHERE {where}", params
        ),
    )


bench.register(
    bench.PageCase(
        key="social_orgs.list.page",
        label=_("社会组织列表页"),
        url="/orgs/",
        floor=organization_page(LIST_PAGE_SIZE),
    )
)
bench.register(
    bench.PageCase(
        key="social_orgs.blank_spots.page",
        label=_("社会组织列表页（党建空白点）"),
        url="/orgs/?coverage=blank_spot",
        floor=organization_page(LIST_PAGE_SIZE, blank_spots=True),
    )
)
bench.register(
    bench.PageCase(
        key="social_orgs.list.api",
        label=_("社会组织接口"),
        url="/api/v1/social-orgs/",
        floor=organization_page(API_PAGE_SIZE, key="credit_code"),
        page_data=bench.api_page_data("credit_code"),
    )
)
bench.register(
    bench.PageCase(
        key="social_orgs.public.search",
        label=_("社会组织公开查询"),
        url=f"/public/orgs/?q={PUBLIC_TERM}",
        floor=public_page,
        personas=("county",),
    )
)
bench.register(
    bench.SeedCase(
        key="social_orgs.seed",
        label=_("演示数据：社会组织"),
        step="social_orgs",
        rows={
            SocialOrganization: Q(),
            # The step's organization accounts (org-<credit code>), written again by it.
            SocialOrganization.accounts.field.model: Q(role=Role.ORGANIZATION_ACCOUNT),
        },
    )
)
