"""The kernel's benchmark cases (`shezhi bench`): seeding, the division and to-do lists, their
APIs, the home page's counts, and Django's admin changelist as the peer of the division list.

Each floor is hand-written SQL returning the same rows as the page (checked on every run), so
a ratio far above the others points at a query or at Python work worth fixing.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

import bench
from bench import RawPage, RawQuery, marks, path_range

from . import registry
from .models import Division
from .selectors import child_divisions
from .todos import OPEN_STATUSES, escalated_roles_seen_by

LIST_PAGE_SIZE = 25  # ListPage.per_page
API_PAGE_SIZE = 50  # NINJA_PAGINATION_PER_PAGE
SEARCH = "沙"  # a common place-name morpheme (沙 sand bar): a search with many matches


# --- divisions -----------------------------------------------------------------------------------


def division_page(ctx: bench.BenchContext, user: Any) -> RawPage:
    scope, params = path_range("d.path", user)
    return RawPage(
        rows=RawQuery(
            "SELECT d.code, d.name, d.level, p.name, d.parent_id, d.is_current, d.valid_from, "
            "d.valid_until FROM core_division d LEFT JOIN core_division p ON p.code = d.parent_id "
            f"WHERE {scope} ORDER BY d.path LIMIT {LIST_PAGE_SIZE}",
            params,
        ),
        count=RawQuery(f"SELECT COUNT(*) FROM core_division d WHERE {scope}", params),
    )


def division_search_page(ctx: bench.BenchContext, user: Any) -> RawPage:
    scope, params = path_range("path", user)
    where = f"{scope} AND is_current = %s AND name LIKE %s"
    params = [*params, True, f"%{SEARCH}%"]
    return RawPage(
        rows=RawQuery(
            f"SELECT code, name, level FROM core_division WHERE {where} "
            f"ORDER BY path LIMIT {API_PAGE_SIZE}",
            params,
        ),
        count=RawQuery(f"SELECT COUNT(*) FROM core_division WHERE {where}", params),
    )


bench.register(
    bench.PageCase(
        key="core.divisions.page",
        label=_("区划列表页"),
        url="/divisions/",
        floor=division_page,
        # The superuser too: the same rows as the admin changelist below.
        personas=("province", "county", "superuser"),
    )
)
bench.register(
    bench.PageCase(
        key="core.divisions.api",
        label=_("区划接口（搜索）"),
        url=f"/api/v1/divisions/?q={SEARCH}",
        floor=division_search_page,
        page_data=bench.api_page_data("code"),
    )
)
bench.register(
    bench.PageCase(
        key="core.divisions.admin",
        label=_("Django 管理后台区划列表"),
        url="/admin/core/division/",
        floor=division_page,
        page_data=bench.admin_page_data,
        personas=("superuser",),
        peer_of="core.divisions.page",
    )
)


# --- to-dos --------------------------------------------------------------------------------------


def todo_page(limit: int) -> Callable[[bench.BenchContext, Any], RawPage]:
    """The open tab of "My to-dos" (shezhi.core.todos.my_todos): assigned to the user's role at
    their division, or escalated to it or above from inside their jurisdiction."""

    def page(ctx: bench.BenchContext, user: Any) -> RawPage:
        division = user.division
        scope, scope_params = path_range("d.path", user)
        ancestors = division.ancestor_codes
        roles = sorted(escalated_roles_seen_by(user.role, division.level))
        where = (
            f"{scope} AND t.status IN ({marks(OPEN_STATUSES)}) "
            "AND ((t.role = %s AND t.division_id = %s) "
            f"OR (t.escalated_to_id IN ({marks(ancestors)}) AND t.role IN ({marks(roles)}) "
            "AND t.division_id <> %s))"
        )
        params = [
            *scope_params,
            *OPEN_STATUSES,
            user.role,
            division.code,
            *ancestors,
            *roles,
            division.code,
        ]
        joins = "FROM core_todo t JOIN core_division d ON d.code = t.division_id"
        return RawPage(
            rows=RawQuery(
                "SELECT t.id, t.kind, t.title, t.url, t.role, t.starts_on, t.working_days, "
                "t.due_on, t.status, t.escalated_at, t.closed_at, d.code, d.name, d.path, "
                f"e.code, e.name {joins} "
                "LEFT JOIN core_division e ON e.code = t.escalated_to_id "
                f"WHERE {where} ORDER BY t.due_on, t.id LIMIT {limit}",
                params,
            ),
            count=RawQuery(f"SELECT COUNT(*) {joins} WHERE {where}", params),
        )

    return page


bench.register(
    bench.PageCase(
        key="core.todos.page",
        label=_("我的待办页"),
        url="/todos/",
        floor=todo_page(LIST_PAGE_SIZE),
    )
)
bench.register(
    bench.PageCase(
        key="core.todos.api",
        label=_("待办接口"),
        url="/api/v1/todos/",
        floor=todo_page(API_PAGE_SIZE),
        page_data=bench.api_page_data("id"),
    )
)


# --- the home page's counts ----------------------------------------------------------------------


def _count_below(level: str) -> tuple[Any, Any, Any]:
    """The home page's count of `level` divisions under each child, its raw aggregate, and the
    aggregate's rows in the figure's shape ({child code: n}, zeros included)."""
    stat = registry.DIVISION_STATS[f"divisions_{level}"]

    def prepare(division: Division) -> Callable[[], dict[str, int]]:
        children = child_divisions(division)  # the page has them already: not the figure's
        return lambda: stat.count_by_child(division, children)

    def floor(division: Division) -> RawQuery:
        child_length = len(child_divisions(division)[0].path)
        scope = "path >= %s AND path < %s AND level = %s AND is_current = %s AND length(path) > %s"
        return RawQuery(
            f"SELECT substr(path, 1, %s), COUNT(*) FROM core_division WHERE {scope} GROUP BY 1",
            [child_length, division.path, division.path[:-1] + "0", level, True, child_length],
        )

    def floor_value(division: Division, rows: list[tuple[Any, ...]]) -> dict[str, int]:
        counts = dict(rows)
        return {child.code: counts.get(child.path, 0) for child in child_divisions(division)}

    return prepare, floor, floor_value


for _level, _label in (
    (Division.Level.TOWN, _("首页：各下级的乡镇（街道）数")),
    (Division.Level.VILLAGE, _("首页：各下级的村（社区）数")),
):
    _prepare, _floor, _floor_value = _count_below(_level)
    bench.register(
        bench.FigureCase(
            key=f"core.home.{_level}s_by_child",
            label=_label,
            prepare=_prepare,
            floor=_floor,
            floor_value=_floor_value,
            stat=f"divisions_{_level}",
        )
    )


# --- seeding -------------------------------------------------------------------------------------

bench.register(
    bench.SeedCase(
        key="core.seed.towns",
        label=_("演示数据：乡镇（街道）与村（社区）"),
        step="towns",
        rows={Division: Q(level__in=[Division.Level.TOWN, Division.Level.VILLAGE])},
    )
)


# --- the load run (`make load`, bench/load.py): the kernel's pages under concurrent officers ----


def _spread(values: list[str], count: int = 50) -> list[str]:
    """`count` values spread over the list, not just its first rows."""
    return values[:: max(1, len(values) // count)][:count]


def divisions_inside(user: Any) -> list[str]:
    """Towns and villages inside the officer's jurisdiction: the division pages they open."""
    levels = [Division.Level.TOWN, Division.Level.VILLAGE]
    codes = Division.objects.visible_to(user).filter(level__in=levels).order_by("code")
    return _spread(list(codes.values_list("code", flat=True)))


def search_terms(user: Any) -> list[str]:
    """What an officer types into the search: the first two characters of their villages' names."""
    names = Division.objects.visible_to(user).filter(level=Division.Level.VILLAGE)
    return _spread(sorted({name[:2] for name in names.values_list("name", flat=True)}), 20)


def _register_load_cases() -> None:
    from bench.load import LoadCase, register

    for case in (
        LoadCase("core.public.index", "/public/", signed_in=False, order=0),
        LoadCase("core.home", "/", order=10),
        LoadCase("core.divisions.page", "/divisions/", order=20),
        LoadCase("core.divisions.detail", "/divisions/{}/", samples=divisions_inside, order=21),
        LoadCase("core.divisions.api", "/api/v1/divisions/?q={}", samples=search_terms, order=22),
        LoadCase("core.todos.page", "/todos/", order=30),
    ):
        register(case)


_register_load_cases()
