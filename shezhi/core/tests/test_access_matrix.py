"""The access matrix: every page route and API operation, declared in each app's tests/access.py,
requested as every persona (shezhi/core/access_testing.py). Run it alone with
`pytest -k access_matrix`."""

from __future__ import annotations

import pytest

from shezhi.core import access_testing as matrix

pytestmark = pytest.mark.django_db


@pytest.fixture
def routes() -> list[matrix.Route]:
    return matrix.declared_routes()


def test_it_declares_every_route_and_operation(routes: list[matrix.Route]) -> None:
    world = matrix.build_world()
    problems = matrix.coverage_problems(routes, matrix.url_patterns(), matrix.api_operations(world))
    if problems:
        pytest.fail(
            "Access declarations are out of step with the site:\n"
            + "\n".join(f"- {problem}" for problem in problems),
            pytrace=False,
        )


def test_it_answers_every_persona_as_declared(routes: list[matrix.Route]) -> None:
    world = matrix.build_world()
    matrix.assert_no_mismatches(matrix.run_matrix(world, routes), "Access matrix")


def test_it_answers_another_countys_object_like_a_missing_one(
    routes: list[matrix.Route],
) -> None:
    world = matrix.build_world()
    matrix.assert_no_mismatches(
        matrix.run_foreign_probes(world, routes), "Cross-jurisdiction probes"
    )


def test_it_lists_only_rows_inside_the_jurisdiction(routes: list[matrix.Route]) -> None:
    world = matrix.build_world(many=True)
    matrix.assert_no_mismatches(matrix.run_leak_probes(world, routes), "Leak probes")


def test_it_refuses_unsafe_requests_without_the_sessions_csrf_token(
    routes: list[matrix.Route],
) -> None:
    world = matrix.build_world()
    matrix.assert_no_mismatches(matrix.run_csrf_checks(world, routes), "CSRF checks")


def test_it_answers_an_undeclared_way_of_signing_in_as_nobody(
    routes: list[matrix.Route],
) -> None:
    world = matrix.build_world()
    matrix.assert_no_mismatches(
        matrix.run_cross_mechanism_checks(world, routes), "Ways of signing in"
    )
