"""The "My to-dos" page: tabs, working-day clocks, the complete action, jurisdiction, queries."""

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

TODAY = date(2026, 9, 28)  # a Monday, after Mid-autumn and before National Day
URL = "/todos/"


@pytest.fixture(autouse=True)
def fresh_calendar() -> Iterator[None]:
    workdays.clear_cache()
    yield
    workdays.clear_cache()


@pytest.fixture(autouse=True)
def frozen_today(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: TODAY)


def make(title: str, starts_on: date, working_days: int = 3, code: str = COUNTY) -> Todo:
    return todos.todo_create(
        kind="core.review_divisions",
        title=title,
        role=Role.CIVIL_AFFAIRS_OFFICER,
        division=Division.objects.get(code=code),
        working_days=working_days,
        starts_on=starts_on,
    )


@pytest.fixture
def county(people: Personas, client: Client) -> Client:
    client.force_login(people.county_officer)
    return client


@pytest.mark.django_db
class TestThePage:
    def test_it_lists_my_to_dos_with_their_working_day_clock(self, county: Client) -> None:
        make("核对甲镇名单", date(2026, 9, 24))  # due Wed 30 Sept: Tue 29 and Wed 30 left
        make("核对乙镇名单", date(2026, 9, 24), working_days=1)  # due today
        make("核对丙镇名单", date(2026, 9, 10))  # due Tue 15 Sept: late by 9 working days
        make("邻区的事项", date(2026, 9, 24), code=NEIGHBOUR_COUNTY)
        response = county.get(URL)
        assert response.status_code == 200
        page = response.content.decode()
        assert "还剩 2 个工作日" in page
        assert "今日到期" in page
        assert "逾期 9 个工作日" in page  # Sun 20 Sept was a make-up workday
        assert "邻区的事项" not in page
        assert "增城区" in page and "2026-09-30" in page
        # Earliest due first.
        assert page.index("核对丙镇名单") < page.index("核对乙镇名单") < page.index("核对甲镇名单")
        assert "法定节假日安排尚未载入" not in page

    def test_it_has_tabs_for_open_overdue_and_done(self, people: Personas, county: Client) -> None:
        make("待办事项一", date(2026, 9, 24))
        late = make("逾期事项二", date(2026, 9, 10))
        todos.todos_refresh(TODAY)
        done = make("已办事项三", date(2026, 9, 24))
        todos.todo_complete(todo=done, actor=people.county_officer)
        overdue_page = county.get(URL, {"tab": "overdue"}).content.decode()
        assert late.title in overdue_page and "待办事项一" not in overdue_page
        done_page = county.get(URL, {"tab": "done"}).content.decode()
        assert done.title in done_page and late.title not in done_page
        assert "办结</button>" not in done_page
        open_page = county.get(URL).content.decode()
        assert "待办事项一" in open_page and late.title in open_page and done.title not in open_page

    def test_it_shows_the_banner_when_a_deadline_runs_into_a_year_without_data(
        self, county: Client
    ) -> None:
        with pytest.warns(workdays.CalendarDataMissing):
            make("跨年事项", date(2026, 12, 28), working_days=5)
        page = county.get(URL).content.decode()
        assert "2027年法定节假日安排尚未载入，期限按周末推算" in page

    def test_it_answers_htmx_with_the_results_only(self, county: Client) -> None:
        make("核对甲镇名单", date(2026, 9, 24))
        response = county.get(URL, headers={"HX-Request": "true", "HX-Target": "list-results"})
        body = response.content.decode()
        assert "核对甲镇名单" in body and "<html" not in body

    def test_it_costs_the_same_queries_for_3_or_12_rows(
        self, county: Client, django_assert_num_queries: DjangoAssertNumQueries
    ) -> None:
        for n in range(3):
            make(f"事项{n}", date(2026, 9, 24))
        county.get(URL)  # warms the calendar cache, as any earlier request would
        # session, user with division, page count, tab counts, deadline span, breadcrumb, rows
        # session, user, breadcrumb, tab counts and spans (one grouped query), count, page
        with django_assert_num_queries(6):
            assert county.get(URL).status_code == 200
        for n in range(3, 12):
            make(f"事项{n}", date(2026, 9, 10 + n))
        with django_assert_num_queries(6):
            assert "事项11" in county.get(URL).content.decode()


@pytest.mark.django_db
class TestCompleting:
    def test_the_county_officer_completes_their_to_do(
        self, people: Personas, county: Client
    ) -> None:
        todo = make("核对甲镇名单", date(2026, 9, 24))
        response = county.post(f"/todos/{todo.pk}/complete/", {"next": "/todos/?tab=open"})
        assert response.status_code == 302 and response["Location"] == "/todos/?tab=open"
        todo.refresh_from_db()
        assert todo.status == Todo.Status.DONE and todo.closed_by == people.county_officer

    def test_completing_twice_says_so_instead_of_failing(self, county: Client) -> None:
        todo = make("核对甲镇名单", date(2026, 9, 24))
        county.post(f"/todos/{todo.pk}/complete/")
        response = county.post(f"/todos/{todo.pk}/complete/", follow=True)
        assert "不能再办结" in response.content.decode()

    def test_it_refuses_an_outside_next_url(self, county: Client) -> None:
        todo = make("核对甲镇名单", date(2026, 9, 24))
        response = county.post(f"/todos/{todo.pk}/complete/", {"next": "https://evil.example/"})
        assert response["Location"] == "/todos/"

    def test_the_neighbouring_county_neither_sees_nor_completes_it(
        self, people: Personas, client: Client
    ) -> None:
        todo = make("核对甲镇名单", date(2026, 9, 24))
        client.force_login(people.neighbour_officer)
        assert "核对甲镇名单" not in client.get(URL).content.decode()
        assert client.post(f"/todos/{todo.pk}/complete/").status_code == 404
        assert Todo.objects.get(pk=todo.pk).status == Todo.Status.OPEN

    def test_the_city_officer_may_complete_it_only_once_escalated(
        self, people: Personas, client: Client
    ) -> None:
        todo = make("核对甲镇名单", date(2026, 9, 17))  # due Mon 21 Sept, 4 working days late
        client.force_login(people.city_officer)
        assert client.post(f"/todos/{todo.pk}/complete/").status_code == 403
        todos.todos_refresh(TODAY)
        page = client.get(URL).content.decode()
        assert "核对甲镇名单" in page and "已上报至广州市" in page
        assert client.post(f"/todos/{todo.pk}/complete/").status_code == 302
        assert Todo.objects.get(pk=todo.pk).status == Todo.Status.DONE

    def test_it_needs_post_and_the_csrf_token(self, people: Personas) -> None:
        todo = make("核对甲镇名单", date(2026, 9, 24))
        strict = Client(enforce_csrf_checks=True)
        strict.force_login(people.county_officer)
        assert strict.get(f"/todos/{todo.pk}/complete/").status_code == 405
        assert strict.post(f"/todos/{todo.pk}/complete/").status_code == 403
        assert Todo.objects.get(pk=todo.pk).status == Todo.Status.OPEN

    def test_anonymous_visitors_are_sent_to_sign_in(self, client: Client, people: Personas) -> None:
        todo = make("核对甲镇名单", date(2026, 9, 24))
        assert client.post(f"/todos/{todo.pk}/complete/").status_code == 302
        assert Todo.objects.get(pk=todo.pk).status == Todo.Status.OPEN
