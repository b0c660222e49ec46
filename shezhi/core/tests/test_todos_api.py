"""/api/v1/todos: my to-dos paginated, one to-do within the jurisdiction, completing it."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import pytest
from django.test import Client
from django.utils import timezone
from pytest_django import DjangoAssertNumQueries

from shezhi.core import todos, workdays
from shezhi.core.models import Division, Todo
from shezhi.core.roles import Role
from shezhi.core.testing import COUNTY, NEIGHBOUR_COUNTY, Personas

TODAY = date(2026, 9, 28)
URL = "/api/v1/todos/"
JSON = "application/json"


@pytest.fixture(autouse=True)
def fresh_calendar() -> Iterator[None]:
    workdays.clear_cache()
    yield
    workdays.clear_cache()


@pytest.fixture(autouse=True)
def frozen_today(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: TODAY)


def make(title: str, starts_on: date = date(2026, 9, 24), code: str = COUNTY) -> Todo:
    return todos.todo_create(
        kind="core.review_divisions",
        title=title,
        role=Role.CIVIL_AFFAIRS_OFFICER,
        division=Division.objects.get(code=code),
        working_days=3,
        starts_on=starts_on,
    )


@pytest.fixture
def county(people: Personas, client: Client) -> Client:
    client.force_login(people.county_officer)
    return client


@pytest.mark.django_db
class TestListing:
    def test_it_lists_my_to_dos_with_count_and_items(self, county: Client) -> None:
        make("核对甲镇名单")
        make("核对丙镇名单", starts_on=date(2026, 9, 10))
        make("邻区的事项", code=NEIGHBOUR_COUNTY)
        body = county.get(URL).json()
        assert body["count"] == 2
        first, second = body["items"]
        assert first["title"] == "核对丙镇名单" and first["is_overdue"]
        assert first["working_days_overdue"] == 9 and first["working_days_left"] is None
        assert second["due_on"] == "2026-09-30" and second["working_days_left"] == 2
        assert second["division"] == {"code": COUNTY, "name": "增城区"}
        assert second["kind_label"] == "核对下辖区划" and second["can_complete"]
        assert second["status"] == "open" and second["escalated_to"] is None

    def test_it_pages_with_limit_and_offset(self, county: Client) -> None:
        for n in range(5):
            make(f"事项{n}")
        body = county.get(URL, {"limit": 2, "offset": 4}).json()
        assert body["count"] == 5 and len(body["items"]) == 1

    def test_it_filters_by_tab(self, people: Personas, county: Client) -> None:
        done = make("已办事项")
        make("待办事项")
        todos.todo_complete(todo=done, actor=people.county_officer)
        items = county.get(URL, {"tab": "done"}).json()["items"]
        assert [item["title"] for item in items] == ["已办事项"]
        assert county.get(URL, {"tab": "bogus"}).status_code == 422

    def test_it_costs_the_same_queries_for_3_or_12_rows(
        self, county: Client, django_assert_num_queries: DjangoAssertNumQueries
    ) -> None:
        for n in range(3):
            make(f"事项{n}")
        county.get(URL)  # warms the calendar cache
        with django_assert_num_queries(4):  # session, user, count, rows (division selected)
            assert county.get(URL).json()["count"] == 3
        for n in range(3, 12):
            make(f"事项{n}", starts_on=date(2026, 9, 10 + n))
        with django_assert_num_queries(4):
            assert county.get(URL).json()["count"] == 12

    def test_it_needs_a_signed_in_caller(self, client: Client, people: Personas) -> None:
        assert client.get(URL).status_code == 401


@pytest.mark.django_db
class TestOneToDo:
    def test_it_answers_within_the_jurisdiction(self, people: Personas, client: Client) -> None:
        todo = make("核对甲镇名单")
        client.force_login(people.city_officer)  # above Zengcheng: may read, not act
        body = client.get(f"{URL}{todo.pk}").json()
        assert body["id"] == todo.pk and body["can_complete"] is False

    def test_the_neighbouring_county_gets_404(self, people: Personas, client: Client) -> None:
        todo = make("核对甲镇名单")
        client.force_login(people.neighbour_officer)
        response = client.get(f"{URL}{todo.pk}")
        assert response.status_code == 404 and response.json()["code"] == "not_found"
        assert client.get(f"{URL}999999").json() == response.json()  # same as not there at all


@pytest.mark.django_db
class TestCompleting:
    def test_the_county_officer_completes_it(self, people: Personas, county: Client) -> None:
        todo = make("核对甲镇名单")
        response = county.post(
            f"{URL}{todo.pk}/complete", {"note": "已核对"}, content_type="application/json"
        )
        assert response.status_code == 200, response.content
        assert response.json()["status"] == "done" and response.json()["can_complete"] is False
        todo.refresh_from_db()
        assert todo.status == Todo.Status.DONE and todo.closed_by == people.county_officer

    def test_it_needs_no_body(self, county: Client) -> None:
        todo = make("核对甲镇名单")
        # e.g. `curl -X POST`: no body at all
        assert county.generic("POST", f"{URL}{todo.pk}/complete").status_code == 200

    def test_a_closed_to_do_answers_409(self, county: Client) -> None:
        todo = make("核对甲镇名单")
        county.post(f"{URL}{todo.pk}/complete", content_type=JSON)
        response = county.post(f"{URL}{todo.pk}/complete", content_type=JSON)
        assert response.status_code == 409
        body = response.json()
        assert body["code"] == "conflict" and body["detail"] and body["status"] == "done"

    def test_the_neighbouring_county_gets_404(self, people: Personas, client: Client) -> None:
        todo = make("核对甲镇名单")
        client.force_login(people.neighbour_officer)
        assert client.post(f"{URL}{todo.pk}/complete", content_type=JSON).status_code == 404
        assert Todo.objects.get(pk=todo.pk).status == Todo.Status.OPEN

    def test_the_city_officer_gets_403_until_it_is_escalated(
        self, people: Personas, client: Client
    ) -> None:
        todo = make("核对甲镇名单", starts_on=date(2026, 9, 17))  # due Mon 21 Sept
        client.force_login(people.city_officer)
        response = client.post(f"{URL}{todo.pk}/complete", content_type=JSON)
        assert response.status_code == 403 and response.json()["code"] == "permission_denied"
        todos.todos_refresh(TODAY)
        assert [i["id"] for i in client.get(URL).json()["items"]] == [todo.pk]
        assert client.post(f"{URL}{todo.pk}/complete", content_type=JSON).status_code == 200
