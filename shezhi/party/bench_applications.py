"""Benchmark cases of business handling and instructors (`shezhi bench`, registered by
shezhi/party/bench.py): the application list page and API and the instructor list page and API,
each against the raw SQL of the same page of rows (same scoping, ORDER BY and LIMIT) and its
count."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

import bench
from bench import RawPage, RawQuery, path_range

LIST_PAGE_SIZE = 25  # ListPage.per_page
API_PAGE_SIZE = 50  # NINJA_PAGINATION_PER_PAGE

# --- applications --------------------------------------------------------------------------------

# What a row shows (selectors.application_rows): the application, its party organization (none
# for an establishment), the superior deciding it, the division, the applying organization and
# how many documents it has (a correlated count, as the selector's subquery).
APPLICATION_COLUMNS = (
    "SELECT a.id, a.kind, a.status, a.proposal, a.decision_reason, a.created_at, "
    "a.submitted_at, a.decided_at, p.id, p.name, p.kind, s.id, s.name, s.kind, d.code, d.name, "
    "d.level, o.id, o.name, "
    "(SELECT COUNT(*) FROM party_applicationdocument c WHERE c.application_id = a.id) "
    "FROM party_partyorgapplication a "
    "LEFT JOIN party_partyorganization p ON p.id = a.party_organization_id "
    "JOIN party_partyorganization s ON s.id = a.superior_id "
    "JOIN core_division d ON d.code = a.division_id "
    "LEFT JOIN social_orgs_socialorganization o ON o.id = a.social_org_id "
)


def _applications(user: Any, order: str, size: int) -> RawPage:
    scope, params = path_range("a.division_path", user)
    return RawPage(
        # Literal fragments and the jurisdiction range only, never input.
        rows=RawQuery(
            f"{APPLICATION_COLUMNS}WHERE {scope} ORDER BY {order} LIMIT {size}",
            params,
        ),
        count=RawQuery(
            f"SELECT COUNT(*) FROM party_partyorgapplication a WHERE {scope}",  # noqa: S608
            params,
        ),
    )


def application_page(ctx: bench.BenchContext, user: Any) -> RawPage:
    """The list page's default order, newest number first (ApplicationList: "-id", then pk)."""
    return _applications(user, "a.id DESC", LIST_PAGE_SIZE)


def application_api_page(ctx: bench.BenchContext, user: Any) -> RawPage:
    """The API's order: newest created first, ties by id descending (api.application_list)."""
    return _applications(user, "a.created_at DESC, a.id DESC", API_PAGE_SIZE)


bench.register(
    bench.PageCase(
        key="party.applications.page",
        label=_("党组织事项办理列表页"),
        url="/party/applications/",
        floor=application_page,
    )
)
bench.register(
    bench.PageCase(
        key="party.applications.api",
        label=_("党组织事项申请接口"),
        url="/api/v1/party/applications/",
        floor=application_api_page,
        page_data=bench.api_page_data("id"),
    )
)


# --- instructors ---------------------------------------------------------------------------------

# What a row shows (selectors.instructor_rows): the instructor, the division and how many
# organizations they follow now (a correlated count of the open assignments). The API also
# shows the phone (encrypted at rest; masked on the way out).
INSTRUCTOR_COLUMNS = (
    "SELECT i.id, i.name, i.phone, i.workplace, i.is_active, d.code, d.name, d.level, "
    "(SELECT COUNT(*) FROM party_instructorassignment s "
    "WHERE s.instructor_id = i.id AND s.ended_on IS NULL) "
    "FROM party_instructor i JOIN core_division d ON d.code = i.division_id "
)


def _instructors(user: Any, order: str, size: int) -> RawPage:
    scope, params = path_range("i.division_path", user)
    return RawPage(
        rows=RawQuery(
            f"{INSTRUCTOR_COLUMNS}WHERE {scope} ORDER BY {order} LIMIT {size}",
            params,
        ),
        count=RawQuery(
            f"SELECT COUNT(*) FROM party_instructor i WHERE {scope}",  # noqa: S608
            params,
        ),
    )


def instructor_page(ctx: bench.BenchContext, user: Any) -> RawPage:
    """The list page's default order: by division, then id (InstructorList: "division")."""
    return _instructors(user, "i.division_path, i.id", LIST_PAGE_SIZE)


def instructor_api_page(ctx: bench.BenchContext, user: Any) -> RawPage:
    """The API's order: by division, name, id (api.organizations.instructor_list)."""
    return _instructors(user, "i.division_path, i.name, i.id", API_PAGE_SIZE)


bench.register(
    bench.PageCase(
        key="party.instructors.page",
        label=_("党建指导员列表页"),
        url="/party/instructors/",
        floor=instructor_page,
    )
)
bench.register(
    bench.PageCase(
        key="party.instructors.api",
        label=_("党建指导员接口"),
        url="/api/v1/party/instructors/",
        floor=instructor_api_page,
        page_data=bench.api_page_data("id"),
    )
)
