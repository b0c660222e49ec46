"""Loading the calendar (`shezhi load_calendar`, also the data migration) and superusers'
corrections in the admin, which loading never overwrites and which move due dates."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import pytest
from django.core.management import call_command
from django.test import Client

from shezhi.core import todos, workdays
from shezhi.core.models import CalendarDay, CalendarYear, Division, Todo
from shezhi.core.roles import Role
from shezhi.core.testing import COUNTY, Personas

THURSDAY_BEFORE = date(2026, 9, 24)


@pytest.fixture(autouse=True)
def fresh_calendar() -> Iterator[None]:
    workdays.clear_cache()
    yield
    workdays.clear_cache()


def county_todo(**extra: object) -> Todo:
    values: dict = {
        "kind": "core.review_divisions",
        "title": "核对下辖村（社区）名单",
        "role": Role.CIVIL_AFFAIRS_OFFICER,
        "division": Division.objects.get(code=COUNTY),
        "working_days": 3,
        "starts_on": THURSDAY_BEFORE,
        **extra,
    }
    return todos.todo_create(**values)


@pytest.mark.django_db
class TestLoading:
    def test_it_was_seeded_by_the_migration(self) -> None:
        years = set(CalendarYear.objects.values_list("year", flat=True))
        assert set(range(2004, 2027)) <= years
        day = CalendarDay.objects.get(date=date(2026, 10, 10))
        assert day.is_workday and day.name == "国庆节" and day.source == CalendarDay.Source.PACKAGE

    def test_it_is_idempotent(self, capsys: pytest.CaptureFixture[str]) -> None:
        before = CalendarDay.objects.count()
        result = workdays.calendar_load_package()
        assert not result.changed
        assert CalendarDay.objects.count() == before
        call_command("load_calendar")
        assert "0 days added, 0 updated, 0 removed" in capsys.readouterr().out

    def test_it_restores_package_rows_and_records_history(self) -> None:
        CalendarDay.objects.filter(date=date(2026, 10, 1)).delete()
        CalendarDay.objects.filter(date=date(2026, 10, 2)).update(name="错误")
        result = workdays.calendar_load_package(years=[2026])
        assert (result.created, result.updated) == (1, 1)
        assert CalendarDay.objects.get(date=date(2026, 10, 2)).name == "国庆节"
        assert CalendarDay.history.filter(date=date(2026, 10, 1), history_type="+").exists()

    def test_it_removes_package_rows_the_package_no_longer_lists(self) -> None:
        CalendarDay.objects.create(
            date=date(2026, 3, 2),
            is_workday=False,
            name="旧数据",
            source=CalendarDay.Source.PACKAGE,
        )
        assert workdays.calendar_load_package(years=[2026]).removed == 1
        assert not CalendarDay.objects.filter(date=date(2026, 3, 2)).exists()

    def test_it_never_overwrites_a_day_entered_by_hand(self) -> None:
        CalendarDay.objects.filter(date=date(2026, 10, 10)).update(
            is_workday=False, name="本省调整", source=CalendarDay.Source.MANUAL
        )
        CalendarDay.objects.create(date=date(2026, 3, 3), is_workday=False, name="本地停工")
        result = workdays.calendar_load_package()
        assert result.kept_manual == 1 and result.removed == 0
        kept = CalendarDay.objects.get(date=date(2026, 10, 10))
        assert (kept.is_workday, kept.name) == (False, "本省调整")
        assert CalendarDay.objects.filter(date=date(2026, 3, 3)).exists()

    def test_it_recomputes_open_due_dates_when_it_changes_the_calendar(self) -> None:
        CalendarDay.objects.filter(date=date(2026, 9, 25)).delete()  # Mid-autumn Friday lost
        todo = county_todo()
        assert todo.due_on == date(2026, 9, 29)  # Fri 25, Mon 28, Tue 29
        call_command("load_calendar", "--year", "2026")
        todo.refresh_from_db()
        assert todo.due_on == date(2026, 9, 30)


@pytest.mark.django_db
class TestSuperusersEditDaysInTheAdmin:
    def test_a_day_entered_by_a_superuser_changes_due_dates(
        self, people: Personas, client: Client
    ) -> None:
        existing = county_todo()
        assert existing.due_on == date(2026, 9, 30)
        client.force_login(people.superuser)
        response = client.post(
            "/admin/core/calendarday/add/",
            {"date": "2026-09-28", "name": "台风停工"},  # is_workday unticked: a day off
        )
        assert response.status_code == 302, response.content.decode()[:2000]
        day = CalendarDay.objects.get(date=date(2026, 9, 28))
        assert day.source == CalendarDay.Source.MANUAL and not day.is_workday
        assert day.history.first().history_user == people.superuser

        # A new to-do counts around the new day off: Tue 29, Wed 30, then Thu 8 Oct.
        assert county_todo().due_on == date(2026, 10, 8)
        # An open one already running through that year moves with it.
        existing.refresh_from_db()
        assert existing.due_on == date(2026, 10, 8)
        # And loading the package again keeps the superuser's day.
        workdays.calendar_load_package()
        assert not CalendarDay.objects.get(date=date(2026, 9, 28)).is_workday

    def test_editing_a_package_day_makes_it_manual(self, people: Personas, client: Client) -> None:
        client.force_login(people.superuser)
        response = client.post(
            "/admin/core/calendarday/2026-10-10/change/",
            {"name": "国庆节（本省取消调休）"},
        )
        assert response.status_code == 302
        day = CalendarDay.objects.get(date=date(2026, 10, 10))
        assert day.source == CalendarDay.Source.MANUAL and not day.is_workday
        assert not workdays.is_workday(date(2026, 10, 10))

    def test_staff_who_are_not_superusers_cannot_open_it(
        self, people: Personas, client: Client
    ) -> None:
        people.city_officer.is_staff = True
        people.city_officer.save()
        client.force_login(people.city_officer)
        assert client.get("/admin/core/calendarday/").status_code == 403
        assert client.get("/admin/core/calendaryear/").status_code == 403

    def test_a_superuser_marks_a_year_loaded(self, people: Personas, client: Client) -> None:
        client.force_login(people.superuser)
        assert client.get("/admin/core/calendarday/").status_code == 200
        response = client.post("/admin/core/calendaryear/add/", {"year": "2027"})
        assert response.status_code == 302
        assert workdays.calendar_coverage(2027).source == CalendarDay.Source.MANUAL
