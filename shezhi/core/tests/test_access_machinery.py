"""The access matrix's machinery catches what it is for: faulty views behind scratch URLs (this
module is their URLconf), declared as they should behave, must each show up as a mismatch.

The faults: an unguarded page, a page without its role gate, a detail page that answers 403 for
another county's record, a list that skips visible_to(), a CSRF-exempt write, a page that takes
API tokens, a route nobody declared and a declaration of a route that is gone.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import include, path
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from shezhi import urls as site_urls
from shezhi.api.auth import personal_token
from shezhi.core import access_testing as matrix
from shezhi.core import todos
from shezhi.core.access_testing import Persona as P
from shezhi.core.access_testing import Route, only, signed_in
from shezhi.core.models import Todo
from shezhi.core.scoping import is_within

pytestmark = [pytest.mark.django_db, pytest.mark.urls(__name__)]


def _titles(queryset: Any) -> HttpResponse:
    return HttpResponse("<ul>" + "".join(f"<li>{t.title}</li>" for t in queryset) + "</ul>")


def unguarded_todos(request: HttpRequest) -> HttpResponse:
    """Fault: under /public/, so nobody has to sign in, and every county's to-dos."""
    return _titles(Todo.objects.all())


def ungated_todos(request: HttpRequest) -> HttpResponse:
    """Fault: signed in is enough, though only officers may open it (no role gate)."""
    return _titles(Todo.objects.visible_to(request.user)[:5])


def todo_peek(request: HttpRequest, pk: int) -> HttpResponse:
    """Fault: 403 for another county's to-do, which tells that it exists."""
    todo = get_object_or_404(Todo.objects.select_related("division"), pk=pk)
    if not is_within(request.user, todo.division.path):
        raise PermissionDenied
    return HttpResponse(todo.title)


@csrf_exempt
@require_POST
def todo_close(request: HttpRequest, pk: int) -> HttpResponse:
    """Fault: a write with the CSRF check switched off."""
    todo = todos.visible_todo(request.user, pk)
    todos.todo_complete(todo=todo, actor=request.user)
    return redirect("core:todo_list")


def whoami(request: HttpRequest) -> HttpResponse:
    """Fault: a page that signs in whoever shows an API token."""
    user = request.user if request.user.is_authenticated else personal_token(request)
    if user is None:
        return redirect("accounts:login")
    return HttpResponse(user.username)


def forgotten(request: HttpRequest) -> HttpResponse:
    return HttpResponse("nobody declared me")


scratch_patterns = [
    path("public/scratch/todos/", unguarded_todos, name="unguarded_todos"),
    path("public/scratch/whoami/", whoami, name="whoami"),
    path("scratch/todos/", ungated_todos, name="ungated_todos"),
    path("scratch/todos/<int:pk>/", todo_peek, name="todo_peek"),
    path("scratch/todos/<int:pk>/close/", todo_close, name="todo_close"),
    path("scratch/forgotten/", forgotten, name="forgotten"),
]
urlpatterns = [*site_urls.urlpatterns, path("", include((scratch_patterns, "scratch")))]

OFFICERS = (P.province_officer, P.city_officer, P.county_officer, P.neighbour_officer)

UNGUARDED = Route("scratch:unguarded_todos", signed_in(200), lists_rows=True)
UNGATED = Route("scratch:ungated_todos", only(200, *OFFICERS, P.superuser))
PEEK = Route(
    "scratch:todo_peek",
    only(200, P.province_officer, P.city_officer, P.county_officer, P.superuser, others=404),
    kwargs=lambda w: {"pk": w.zengcheng_todo.pk},
    foreign=lambda w: {"pk": w.huangpu_todo.pk},
)
CLOSE = Route(
    "scratch:todo_close",
    only(matrix.redirect("core:todo_list"), P.county_officer, others=404),
    method="POST",
    kwargs=lambda w: {"pk": w.zengcheng_todo.pk},
)
WHOAMI = Route("scratch:whoami", signed_in(200))


def _found(problems: list[matrix.Mismatch]) -> set[tuple[str, str, str]]:
    return {(p.check, p.route, p.persona) for p in problems}


@pytest.fixture
def world() -> matrix.AccessWorld:
    return matrix.build_world()


def test_it_names_an_undeclared_route_and_a_declaration_of_a_gone_one(
    world: matrix.AccessWorld,
) -> None:
    routes = [*matrix.declared_routes(), UNGUARDED, UNGATED, PEEK, CLOSE, WHOAMI]
    routes.append(Route("scratch:gone", signed_in(200)))
    problems = matrix.coverage_problems(routes, matrix.url_patterns(), matrix.api_operations(world))
    # Only the scratch routes: whether the site's own routes are declared is the matrix's test.
    assert [problem for problem in problems if "scratch" in problem] == [
        "route scratch:forgotten (scratch/forgotten/) has no access declaration: add a Route to "
        "shezhi/<app>/tests/access.py",
        "declaration GET scratch:gone names a route that no longer exists",
    ]


def test_it_names_an_undeclared_api_operation_and_a_stale_exclusion() -> None:
    routes = [Route("GET /api/v1/me", signed_in(200))]
    problems = matrix.coverage_problems(
        routes, [], {"GET /api/v1/me", "GET /api/v1/new"}, matrix.EXCLUDED
    )
    assert "API operation GET /api/v1/new has no access declaration" in problems[0]
    assert any("exclusion 'set_language" in problem for problem in problems)


def test_it_catches_an_unguarded_page_and_a_missing_role_gate(world: matrix.AccessWorld) -> None:
    problems = matrix.run_matrix(world, [UNGUARDED, UNGATED])
    found = _found(problems)
    assert ("matrix", "GET scratch:unguarded_todos", "anonymous") in found
    # Every persona outside OFFICERS got the page instead of 403.
    ungated = {persona for check, route, persona in found if route == "GET scratch:ungated_todos"}
    assert ungated == {p.value for p in matrix.SIGNED_IN if p not in (*OFFICERS, P.superuser)}
    table = matrix.mismatch_table(problems)
    assert "scratch:unguarded_todos" in table and "302 → sign-in" in table


def test_it_catches_a_403_that_tells_another_countys_record_exists(
    world: matrix.AccessWorld,
) -> None:
    problems = matrix.run_foreign_probes(world, [PEEK])
    assert _found(problems) == {
        ("foreign", "GET scratch:todo_peek", persona.value) for persona in matrix.FOREIGN_PROBES
    }
    assert {p.got for p in problems} == {"403"}
    # The matrix itself declares the neighbour's 404 and catches the 403 as well.
    assert ("matrix", "GET scratch:todo_peek", "neighbour_officer") in _found(
        matrix.run_matrix(world, [PEEK])
    )


def test_it_catches_a_list_that_shows_another_countys_rows() -> None:
    world = matrix.build_world(many=True, rows_per_side=30)
    problems = matrix.run_leak_probes(world, [UNGUARDED])
    assert _found(problems) == {
        ("leak", "GET scratch:unguarded_todos", persona.value) for persona in matrix.LEAK_PROBES
    }
    assert all("outside:" in p.got for p in problems)
    # A list that shows none of the probe's own rows fails too.
    empty = Route("public:index", matrix.everyone(200), lists_rows=True)
    assert {p.got for p in matrix.run_leak_probes(world, [empty])} == {"0 own rows"}


def test_it_catches_a_write_without_csrf_protection(world: matrix.AccessWorld) -> None:
    problems = matrix.run_csrf_checks(world, [CLOSE])
    assert {(p.via, p.expected) for p in problems} == {
        ("no token", "403"),
        ("no token", "no write"),
        ("another session's token", "403"),
        ("another session's token", "no write"),
    }
    assert all(p.persona == "county_officer" for p in problems)
    assert any("core_todo" in p.got for p in problems)


def test_it_catches_a_page_that_accepts_api_tokens(world: matrix.AccessWorld) -> None:
    problems = matrix.run_cross_mechanism_checks(world, [WHOAMI])
    assert _found(problems) == {
        ("mechanism", "GET scratch:whoami", persona.value)
        for persona in matrix.CROSS_MECHANISM_PROBES
    }


def test_it_passes_the_same_routes_declared_as_they_behave(world: matrix.AccessWorld) -> None:
    # The declarations above are right about every persona they do not expect to catch.
    as_built = Route(
        "scratch:ungated_todos",
        signed_in(200),
    )
    assert matrix.run_matrix(world, [as_built, WHOAMI]) == []


def test_it_refuses_a_declaration_that_forgets_a_persona() -> None:
    incomplete = matrix.Outcomes({P.county_officer: matrix.Expect(200)})
    with pytest.raises(ValueError, match="no expectation for"):
        Route("core:home", incomplete)
    with pytest.raises(ValueError, match="no persona named"):
        signed_in(200).but(county_officr=403)
