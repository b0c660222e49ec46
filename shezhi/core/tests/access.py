"""Who may reach the kernel's pages and API operations (and the public face), for the access
matrix (shezhi/core/access_testing.py, run by test_access_matrix.py)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.utils import timezone

from shezhi.core import todos
from shezhi.core.access_testing import (
    AccessWorld,
    Route,
    everyone,
    only,
    redirect,
    row_tag,
    signed_in,
)
from shezhi.core.access_testing import Persona as P
from shezhi.core.models import Division, Todo
from shezhi.core.roles import Role
from shezhi.core.testing import CITY, COUNTY, NEIGHBOUR_COUNTY, NEIGHBOUR_TOWN, TOWN, grassroots

TODO_KIND = "core.review_divisions"

# Whose jurisdiction holds the Zengcheng town 440118100 (the superuser's holds everything).
SEE_ZENGCHENG_TOWN = (
    P.province_officer,
    P.city_officer,
    P.county_officer,
    P.party_officer,
    P.town_officer,
    P.window_clerk,
    P.superuser,
)
# Whose jurisdiction holds a county-level to-do of Zengcheng.
SEE_ZENGCHENG_COUNTY = (
    P.province_officer,
    P.city_officer,
    P.county_officer,
    P.party_officer,
    P.superuser,
)


def _town(w: AccessWorld) -> dict[str, Any]:
    return {"code": w.zengcheng_town.code}


def _foreign_town(w: AccessWorld) -> dict[str, Any]:
    return {"code": w.huangpu_town.code}


def _todo(w: AccessWorld) -> dict[str, Any]:
    return {"pk": w.zengcheng_todo.pk}


def _foreign_todo(w: AccessWorld) -> dict[str, Any]:
    return {"pk": w.huangpu_todo.pk}


ROUTES = [
    # --- the public face and the doors -------------------------------------------------------
    Route("public:index", everyone(200)),
    Route("core:healthz", everyone(200), why="load balancers probe it without signing in"),
    Route(
        "admin:index",
        everyone(redirect("admin:login")).but(superuser=200),
        why="the admin's own staff gate (admin_view); the rest of admin:* is excluded",
    ),
    # --- pages ---------------------------------------------------------------------------------
    Route("core:home", signed_in(200), lists_rows=True),
    Route("core:todo_list", signed_in(200), lists_rows=True, min_own_rows=300),
    Route(
        "core:todo_list",
        signed_in(403),
        query={"format": "xlsx"},
        why="the to-do list declares no export",
    ),
    Route(
        "core:todo_complete",
        only(redirect("core:todo_list"), P.county_officer, others=404).but(
            # They see the to-do but it is not theirs to act on (not escalated to them).
            province_officer=403,
            city_officer=403,
            party_officer=403,
            superuser=403,
        ),
        method="POST",
        kwargs=_todo,
        foreign=_foreign_todo,
    ),
    Route("core:division_list", signed_in(200), lists_rows=True, min_own_rows=300),
    Route(
        "core:division_list",
        signed_in(200),
        query={"format": "xlsx"},
        lists_rows=True,
        min_own_rows=300,
    ),
    Route(
        "core:division_detail",
        only(200, *SEE_ZENGCHENG_TOWN, others=404),
        kwargs=_town,
        foreign=_foreign_town,
    ),
    Route(
        "core:division_detail",
        only(200, *SEE_ZENGCHENG_TOWN, others=404),
        kwargs=_town,
        query={"tab": "history"},
    ),
    Route(
        "core:history",
        only(200, *SEE_ZENGCHENG_TOWN, others=404),
        kwargs=lambda w: {"label": "core.division", "pk": w.zengcheng_town.code},
        foreign=lambda w: {"label": "core.division", "pk": w.huangpu_town.code},
    ),
    # --- API -----------------------------------------------------------------------------------
    Route("GET /api/v1/divisions/", signed_in(200), lists_rows=True, min_own_rows=300),
    Route(
        "GET /api/v1/divisions/{code}",
        only(200, *SEE_ZENGCHENG_TOWN, others=404),
        kwargs=_town,
        foreign=_foreign_town,
    ),
    Route("GET /api/v1/todos/", signed_in(200), lists_rows=True, min_own_rows=300),
    Route(
        "GET /api/v1/todos/{todo_id}",
        only(200, *SEE_ZENGCHENG_COUNTY, others=404),
        kwargs=lambda w: {"todo_id": w.zengcheng_todo.pk},
        foreign=lambda w: {"todo_id": w.huangpu_todo.pk},
    ),
    Route(
        "POST /api/v1/todos/{todo_id}/complete",
        only(200, P.county_officer, others=404).but(
            province_officer=403, city_officer=403, party_officer=403, superuser=403
        ),
        kwargs=lambda w: {"todo_id": w.zengcheng_todo.pk},
        foreign=lambda w: {"todo_id": w.huangpu_todo.pk},
        body={"note": "访问矩阵"},
    ),
]


def _county_todo(county: str) -> Todo:
    return todos.todo_create(
        kind=TODO_KIND,
        title=f"核对下辖区划 {row_tag(county)}",
        role=Role.CIVIL_AFFAIRS_OFFICER,
        division=Division.objects.get(code=county),
        working_days=10,
    )


def build_world(world: AccessWorld) -> None:
    places = grassroots()
    world.add("zengcheng_town", places["town"])
    world.add("huangpu_town", places["neighbour_town"])
    # The county civil-affairs officer's own to-do, and the same in the neighbouring county.
    world.add("zengcheng_todo", _county_todo(COUNTY))
    world.add("huangpu_todo", _county_todo(NEIGHBOUR_COUNTY))


def _village_numbers(count: int) -> list[int]:
    # Village committees are numbered 001-399; 200 is the personas' village (core.testing).
    return [n for n in range(1, 400) if n != 200][:count]


def _division(code: str, name: str, level: str, parent: Division) -> Division:
    return Division(code=code, name=name, level=level, parent=parent, path=f"{parent.path}{code}/")


def build_many(world: AccessWorld) -> None:
    """On each side of the border: a second town, hundreds of villages, and hundreds of to-dos
    at the county, at the town and escalated from the second town, all tagged by division."""
    many, few = world.rows_per_side, max(world.rows_per_side // 5, 1)
    today = timezone.localdate()
    # Overdue to-dos of the second town climb to the county in Zengcheng, and to the city in
    # Huangpu, where Zengcheng's county officer must still not see them.
    sides = (
        (COUNTY, TOWN, "440118101", COUNTY),
        (NEIGHBOUR_COUNTY, NEIGHBOUR_TOWN, "440112101", CITY),
    )
    divisions: list[Division] = []
    rows: list[Todo] = []
    for county_code, town_code, other_code, escalated_to in sides:
        county = Division.objects.get(code=county_code)
        town = Division.objects.get(code=town_code)
        other = _division(other_code, f"探针镇{row_tag(other_code)}", Division.Level.TOWN, county)
        divisions.append(other)
        for parent, count in ((town, many), (other, few)):
            for n in _village_numbers(count):
                code = f"{parent.code}{n:03d}"
                divisions.append(
                    _division(code, f"探针村{row_tag(code)}", Division.Level.VILLAGE, parent)
                )
        for division, role, count, overdue in (
            (county, Role.CIVIL_AFFAIRS_OFFICER, many, False),
            (town, Role.TOWN_OFFICER, many, False),
            (other, Role.TOWN_OFFICER, few, True),
        ):
            for n in range(1, count + 1):
                rows.append(
                    Todo(
                        kind=TODO_KIND,
                        title=f"探针待办{row_tag(division.code, n)}",
                        role=role,
                        division=division,
                        starts_on=today - timedelta(days=30 if overdue else 0),
                        working_days=5 if overdue else 20,
                        due_on=today + timedelta(days=-20 if overdue else 28),
                        status=Todo.Status.OVERDUE if overdue else Todo.Status.OPEN,
                        escalated_to_id=escalated_to if overdue else None,
                    )
                )
    Division.objects.bulk_create(divisions)
    Todo.objects.bulk_create(rows)
    world.add("probe_divisions", divisions)
