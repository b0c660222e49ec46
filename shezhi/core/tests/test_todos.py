"""The to-do service: due dates on the working-day calendar, overdue across a holiday,
escalation to the level above, registered kinds only, and transitions through the one gate."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import pytest
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.test import override_settings
from django.utils import timezone
from pytest_django import DjangoAssertNumQueries

from shezhi.core import todos, workdays
from shezhi.core.models import Division, StatusChange, Todo
from shezhi.core.roles import Role
from shezhi.core.tasks import refresh_todos
from shezhi.core.testing import CITY, COUNTY, PROVINCE, TOWN, VILLAGE, Personas
from shezhi.core.workflows import TransitionNotAllowed

# 2026: Mid-autumn Fri 25 – Sun 27 Sept, National Day Thu 1 – Wed 7 Oct, make-up Sat 10 Oct.
THURSDAY_BEFORE = date(2026, 9, 24)


@pytest.fixture(autouse=True)
def fresh_calendar() -> Iterator[None]:
    workdays.clear_cache()
    yield
    workdays.clear_cache()


def division(code: str) -> Division:
    return Division.objects.get(code=code)


def county_todo(
    *,
    working_days: int = 3,
    starts_on: date = THURSDAY_BEFORE,
    role: str = Role.CIVIL_AFFAIRS_OFFICER,
) -> Todo:
    return todos.todo_create(
        kind="core.review_divisions",
        title="核对下辖村（社区）名单",
        role=role,
        division=division(COUNTY),
        working_days=working_days,
        starts_on=starts_on,
    )


def refreshed(todo: Todo, today: date) -> Todo:
    todos.todos_refresh(today)
    todo.refresh_from_db()
    return todo


@pytest.mark.django_db
class TestCreating:
    def test_it_computes_the_due_date_on_the_working_day_calendar(self, people: Personas) -> None:
        todo = county_todo()
        assert (todo.status, todo.starts_on, todo.due_on) == (
            Todo.Status.OPEN,
            THURSDAY_BEFORE,
            date(2026, 9, 30),
        )
        assert todo in todos.my_todos(people.county_officer)

    def test_it_refuses_an_unknown_kind(self, people: Personas) -> None:
        with pytest.raises(todos.UnknownTodoKind, match=r"social_orgs\.nonexistent"):
            todos.todo_create(
                kind="social_orgs.nonexistent",
                title="?",
                role=Role.CIVIL_AFFAIRS_OFFICER,
                division=division(COUNTY),
                working_days=3,
            )
        assert not Todo.objects.exists()

    def test_it_refuses_a_role_not_found_at_that_level(self, people: Personas) -> None:
        with pytest.raises(ValidationError) as raised:
            county_todo(role=Role.VILLAGE_COMMITTEE)
        assert "division" in raised.value.message_dict
        with pytest.raises(ValidationError):
            county_todo(role=Role.ORGANIZATION_ACCOUNT)

    def test_it_links_the_subject_and_starts_today_by_default(self, people: Personas) -> None:
        subject = division(TOWN)
        todo = todos.todo_create(
            kind="core.review_divisions",
            title="核对本镇村（社区）名单",
            role=Role.TOWN_OFFICER,
            division=subject,
            working_days=5,
            subject=subject,
            actor=people.county_officer,
        )
        assert todo.subject == subject
        assert todo.starts_on == timezone.localdate()
        assert todo.history.first().history_user == people.county_officer


@pytest.mark.django_db
class TestBecomingOverdueAcrossAHoliday:
    def test_it_turns_overdue_the_day_after_the_due_date_not_before(self, people: Personas) -> None:
        todo = county_todo()  # Thursday 24 Sept, 3 working days → Wed 30 Sept
        for today in (date(2026, 9, 25), date(2026, 9, 29), date(2026, 9, 30)):
            assert refreshed(todo, today).status == Todo.Status.OPEN, today
        assert refreshed(todo, date(2026, 10, 1)).status == Todo.Status.OVERDUE
        change = StatusChange.objects.get(subject_id=str(todo.pk))
        assert (change.from_status, change.to_status, change.actor) == ("open", "overdue", None)

    def test_it_waits_out_national_day(self, people: Personas) -> None:
        # Tue 29 Sept + 3 working days: Wed 30 Sept, (1–7 Oct off), Thu 8, Fri 9 Oct.
        todo = county_todo(starts_on=date(2026, 9, 29))
        assert todo.due_on == date(2026, 10, 9)
        for today in (date(2026, 10, 2), date(2026, 10, 7), date(2026, 10, 9)):
            assert refreshed(todo, today).status == Todo.Status.OPEN, today
        assert refreshed(todo, date(2026, 10, 10)).status == Todo.Status.OVERDUE

    def test_the_daily_task_runs_the_refresh(self, people: Personas) -> None:
        todo = county_todo(starts_on=date(2020, 1, 2))
        assert refresh_todos.name == "shezhi.core.tasks.refresh_todos"
        result = refresh_todos.delay().get()
        assert result["marked_overdue"] == 1
        todo.refresh_from_db()
        assert todo.status == Todo.Status.OVERDUE


@pytest.mark.django_db
class TestEscalation:
    def test_the_city_officer_sees_a_county_to_do_once_it_is_overdue(
        self, people: Personas
    ) -> None:
        todo = county_todo()
        assert todo not in todos.my_todos(people.city_officer)
        todo = refreshed(todo, date(2026, 10, 1))
        assert todo.escalated_to_id == CITY and todo.escalated_at is not None
        assert todo in todos.my_todos(people.city_officer)
        assert todo in todos.my_todos(people.county_officer)  # still theirs to do
        assert todo not in todos.my_todos(people.province_officer)
        assert todo not in todos.my_todos(people.neighbour_officer)
        assert todo not in todos.my_todos(people.party_officer)
        assert todos.can_act_on_todo(people.city_officer, todo)
        assert not todos.can_act_on_todo(people.province_officer, todo)

    def test_it_escalates_once_per_level(self, people: Personas) -> None:
        todo = refreshed(county_todo(), date(2026, 10, 1))
        first_at = todo.escalated_at
        again = todos.todos_refresh(date(2026, 10, 8))
        assert (again.marked_overdue, again.escalated) == (0, 0)
        todo.refresh_from_db()
        assert (todo.escalated_to_id, todo.escalated_at) == (CITY, first_at)
        assert StatusChange.objects.filter(subject_id=str(todo.pk)).count() == 1

    def test_it_climbs_a_level_per_five_more_working_days_overdue(self, people: Personas) -> None:
        todo = county_todo()  # due Wed 30 Sept
        # Working days overdue: Thu 8 (1), Fri 9 (2), Sat 10 make-up (3), Mon 12 (4), Tue 13 (5).
        assert refreshed(todo, date(2026, 10, 12)).escalated_to_id == CITY
        todo = refreshed(todo, date(2026, 10, 13))
        assert todo.escalated_to_id == PROVINCE
        assert todo in todos.my_todos(people.province_officer)
        assert todo in todos.my_todos(people.city_officer)  # the level it passed through
        assert refreshed(todo, date(2026, 12, 31)).escalated_to_id == PROVINCE  # nothing above

    @override_settings(SHEZHI_TODO_ESCALATION_DAYS=2)
    def test_the_pace_is_a_setting(self, people: Personas) -> None:
        assert refreshed(county_todo(), date(2026, 10, 9)).escalated_to_id == PROVINCE

    @override_settings(SHEZHI_TODO_ESCALATION_DAYS=0)
    def test_a_bad_pace_stops_loudly(self, people: Personas) -> None:
        county_todo()
        with pytest.raises(ImproperlyConfigured, match="SHEZHI_TODO_ESCALATION_DAYS"):
            todos.todos_refresh(date(2026, 10, 9))

    def test_a_village_to_do_goes_to_the_town_officer_not_the_window(
        self, people: Personas
    ) -> None:
        todo = todos.todo_create(
            kind="core.review_divisions",
            title="公开本季度村务",
            role=Role.VILLAGE_COMMITTEE,
            division=division(VILLAGE),
            working_days=5,
            starts_on=date(2026, 3, 2),
        )
        todo = refreshed(todo, date(2026, 3, 10))
        assert todo.escalated_to_id == TOWN
        assert todo in todos.my_todos(people.town_officer)
        assert todo not in todos.my_todos(people.window_clerk)
        assert todo not in todos.my_todos(people.supervision_member)
        # Five working days later it reaches the county's civil-affairs officer.
        assert refreshed(todo, date(2026, 3, 17)).escalated_to_id == COUNTY
        assert todo in todos.my_todos(people.county_officer)

    def test_a_done_to_do_is_not_escalated(self, people: Personas) -> None:
        todo = county_todo()
        todos.todo_complete(todo=todo, actor=people.county_officer)
        assert todos.todos_refresh(date(2026, 12, 1)).escalated == 0
        todo.refresh_from_db()
        assert todo.escalated_to_id is None


@pytest.mark.django_db
class TestTransitions:
    def test_it_completes_an_open_or_overdue_to_do(self, people: Personas) -> None:
        todo = county_todo()
        todos.todo_complete(todo=todo, actor=people.county_officer, reason="已核对")
        todo.refresh_from_db()
        assert todo.status == Todo.Status.DONE
        assert todo.closed_by == people.county_officer and todo.closed_at is not None
        late = refreshed(county_todo(), date(2026, 10, 1))
        todos.todo_complete(todo=late, actor=people.city_officer)
        assert Todo.objects.get(pk=late.pk).status == Todo.Status.DONE

    def test_it_refuses_to_close_a_closed_to_do(self, people: Personas) -> None:
        todo = county_todo()
        todos.todo_complete(todo=todo, actor=people.county_officer)
        with pytest.raises(TransitionNotAllowed):
            todos.todo_complete(todo=todo, actor=people.county_officer)
        with pytest.raises(TransitionNotAllowed):
            todos.todo_cancel(todo=todo, actor=people.county_officer)
        cancelled = county_todo()
        todos.todo_cancel(todo=cancelled, actor=people.county_officer, reason="申请已撤回")
        with pytest.raises(TransitionNotAllowed):
            todos.todo_complete(todo=cancelled, actor=people.county_officer)
        assert Todo.objects.get(pk=cancelled.pk).status == Todo.Status.CANCELLED

    def test_a_stale_copy_cannot_complete_twice(self, people: Personas) -> None:
        todo = county_todo()
        stale = Todo.objects.get(pk=todo.pk)
        todos.todo_complete(todo=todo, actor=people.county_officer)
        with pytest.raises(TransitionNotAllowed):
            todos.todo_complete(todo=stale, actor=people.county_officer)

    def test_a_module_completes_the_to_dos_about_its_record(self, people: Personas) -> None:
        subject = division(TOWN)
        todo = todos.todo_create(
            kind="core.review_divisions",
            title="核对本镇村（社区）名单",
            role=Role.TOWN_OFFICER,
            division=subject,
            working_days=5,
            subject=subject,
        )
        assert (
            todos.todos_complete_for(subject=subject, kind="core.review_divisions", actor=None) == 1
        )
        assert Todo.objects.get(pk=todo.pk).status == Todo.Status.DONE


@pytest.mark.django_db
class TestCounts:
    def test_it_counts_by_tab_in_one_query(
        self, people: Personas, django_assert_num_queries: DjangoAssertNumQueries
    ) -> None:
        county_todo(working_days=20)  # still open on 1 Oct
        refreshed(county_todo(), date(2026, 10, 1))
        todos.todo_complete(todo=county_todo(), actor=people.county_officer)
        user = people.county_officer
        user.division  # noqa: B018  (loaded once per request anyway)
        with django_assert_num_queries(1):
            counts = todos.todo_counts(user)
        assert counts == {"open": 2, "overdue": 1, "done": 1}
        assert todos.todo_counts(people.neighbour_officer) == {"open": 0, "overdue": 0, "done": 0}
