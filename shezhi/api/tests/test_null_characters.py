"""A NUL character (\\u0000) in any input answers 422 naming the field, on SQLite as on PostgreSQL.

PostgreSQL refuses NUL in text, so without this the same request stores the character on SQLite
and answers 500 on PostgreSQL. Found by the API fuzz test (test_api_fuzz.py) on
POST /api/v1/todos/{id}/complete with {"note": "a\\u0000b"}.
"""

from __future__ import annotations

import json

import pytest
from django.test import Client

from shezhi.core import todos
from shezhi.core.models import Division, Todo
from shezhi.core.roles import Role
from shezhi.core.testing import COUNTY, Personas

from .conftest import bearer

pytestmark = pytest.mark.django_db

JSON = "application/json"


@pytest.fixture
def officer(people: Personas, token_for) -> dict[str, str]:
    return bearer(token_for(people.county_officer))


@pytest.fixture
def todo(people: Personas) -> Todo:
    return todos.todo_create(
        kind="core.review_divisions",
        title="核对下辖区划",
        role=Role.CIVIL_AFFAIRS_OFFICER,
        division=Division.objects.get(code=COUNTY),
        working_days=3,
    )


def invalid_locations(response) -> dict[tuple[object, ...], str]:
    assert response.status_code == 422, response.content
    body = response.json()
    assert body["code"] == "invalid"
    return {tuple(item["loc"]): item["msg"] for item in body["detail"]}


def test_it_refuses_a_nul_in_a_body_field_and_changes_nothing(
    client: Client, officer: dict[str, str], todo: Todo
) -> None:
    response = client.post(
        f"/api/v1/todos/{todo.pk}/complete",
        json.dumps({"note": "已核\u0000对"}),
        content_type=JSON,
        headers={**officer, "Accept-Language": "zh-hans"},
    )
    assert invalid_locations(response) == {("body", "note"): "不能包含空字符（NUL）。"}
    todo.refresh_from_db()
    assert todo.status == Todo.Status.OPEN


def test_it_names_nested_fields_and_keys(
    client: Client, officer: dict[str, str], todo: Todo
) -> None:
    body = {"note": "ok", "extra": [{"a\u0000": 1}, "\u0000"]}
    response = client.post(
        f"/api/v1/todos/{todo.pk}/complete", json.dumps(body), content_type=JSON, headers=officer
    )
    assert set(invalid_locations(response)) == {
        ("body", "extra", 0, "a\u0000"),
        ("body", "extra", 1),
    }


def test_it_refuses_a_nul_in_the_query_and_the_path(
    client: Client, officer: dict[str, str]
) -> None:
    response = client.get("/api/v1/divisions/", {"q": "增城\u0000"}, headers=officer)
    assert set(invalid_locations(response)) == {("query", "q")}
    response = client.get("/api/v1/divisions/4401%0018", headers=officer)
    assert set(invalid_locations(response)) == {("path", "code")}


def test_an_anonymous_caller_still_learns_only_401(client: Client, todo: Todo) -> None:
    response = client.post(
        f"/api/v1/todos/{todo.pk}/complete", json.dumps({"note": "\u0000"}), content_type=JSON
    )
    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"


def test_a_body_that_is_not_json_still_answers_400(
    client: Client, officer: dict[str, str], todo: Todo
) -> None:
    response = client.post(
        f"/api/v1/todos/{todo.pk}/complete", b"{\x00", content_type=JSON, headers=officer
    )
    assert response.status_code == 400
    assert response.json()["code"] == "bad_request"
