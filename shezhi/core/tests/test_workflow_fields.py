"""The workflow gate for a stateful field other than `status` (a party member's development
stage): the same lock, table check, save and StatusChange row."""

from __future__ import annotations

from datetime import date

import pytest

from shezhi.core.models import Division, StatusChange, Todo
from shezhi.core.roles import Role
from shezhi.core.testing import Personas
from shezhi.core.workflows import TransitionNotAllowed, allowed_transitions, transition

pytestmark = pytest.mark.django_db

# A forward-only table over the to-do's `kind` field, standing in for any second state field.
TABLE = {"draft": {"ready"}, "ready": {"done"}, "done": set()}


def record() -> Todo:
    return Todo.objects.create(
        kind="draft",
        title="样例",
        role=Role.TOWN_OFFICER,
        division=Division.objects.get(code="440118"),
        starts_on=date(2026, 1, 5),
        working_days=5,
        due_on=date(2026, 1, 12),
    )


def test_it_moves_another_field_by_its_own_table(people: Personas) -> None:
    todo = record()
    change = transition(
        todo, "ready", actor=people.county_officer, field="kind", table=TABLE, reason="下一步"
    )
    todo.refresh_from_db()
    assert todo.kind == "ready" and todo.status == Todo.Status.OPEN
    assert (change.from_status, change.to_status, change.reason) == ("draft", "ready", "下一步")
    assert StatusChange.objects.filter(subject_id=str(todo.pk)).count() == 1


def test_it_refuses_a_move_the_table_does_not_allow_and_reports_the_field(
    people: Personas,
) -> None:
    todo = record()
    with pytest.raises(TransitionNotAllowed) as caught:
        transition(todo, "done", actor=None, field="kind", table=TABLE)
    assert caught.value.field == "kind" and caught.value.current == "draft"
    assert caught.value.allowed == {"ready"}
    todo.refresh_from_db()
    assert todo.kind == "draft"
    assert not StatusChange.objects.filter(subject_id=str(todo.pk)).exists()


def test_it_reads_the_current_value_under_the_lock_not_the_stale_instance(
    people: Personas,
) -> None:
    todo = record()
    stale = Todo.objects.get(pk=todo.pk)
    transition(todo, "ready", actor=None, field="kind", table=TABLE)
    with pytest.raises(TransitionNotAllowed):
        transition(stale, "ready", actor=None, field="kind", table=TABLE)


def test_a_field_other_than_status_needs_its_table(people: Personas) -> None:
    todo = record()
    with pytest.raises(TypeError):
        allowed_transitions(todo, field="kind")
    assert allowed_transitions(todo) == {
        Todo.Status.OVERDUE,
        Todo.Status.DONE,
        Todo.Status.CANCELLED,
    }
