"""/api/v1/todos: the caller's to-dos, one to-do, and completing it.

Reads go through the same selectors as the "My to-dos" page (`shezhi.core.todos`): the list is
the caller's own to-dos (their role at their division, or escalated to them); one to-do can be
read anywhere inside the caller's jurisdiction and answers 404 outside it. Completing needs the
same right as on the page (403 otherwise); a to-do already done or cancelled answers 409.
"""

# No `from __future__ import annotations`: ninja resolves operation annotations in the globals of
# the function it registers, and @paginate's wrapper lives in ninja.pagination.

from datetime import date, datetime
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate

from shezhi.core import todos
from shezhi.core.models import Todo
from shezhi.core.roles import Role

router = Router(tags=["todos"])


class TodoDivision(Schema):
    code: str
    name: str


class TodoOut(Schema):
    id: int
    kind: str
    kind_label: str = Field(
        description="The registered label of the kind, in the caller's language."
    )
    title: str
    role: Role
    division: TodoDivision = Field(description="Where the to-do is due.")
    url: str = Field(description="Where in the platform the action is done; may be empty.")
    starts_on: date = Field(description="The day the clock starts; it runs from the day after.")
    working_days: int
    due_on: date = Field(description="The last working day to act on it.")
    status: Todo.Status
    is_overdue: bool = Field(description="Past its due date (even before the daily refresh ran).")
    working_days_left: int | None = Field(
        description=(
            "Working days after today up to the due date; 0 = due today; null when late or closed."
        )
    )
    working_days_overdue: int | None = Field(
        description="Working days past the due date, when late."
    )
    escalated_to: TodoDivision | None = Field(description="The highest level it was escalated to.")
    escalated_at: datetime | None
    closed_at: datetime | None
    can_complete: bool = Field(description="Whether the caller may complete it now.")

    # The clock and the caller's right come from one todo_row() per to-do, cached on the object.
    @staticmethod
    def _row(obj: Todo, context: Any) -> todos.TodoRow:
        row = getattr(obj, "_api_row", None)
        if row is None:
            user = context["request"].auth
            row = todos.todo_row(user, obj, today=timezone.localdate())
            obj._api_row = row  # type: ignore[attr-defined]
        return row

    @staticmethod
    def resolve_kind_label(obj: Todo, context: Any) -> str:
        return TodoOut._row(obj, context).kind_label

    @staticmethod
    def resolve_is_overdue(obj: Todo, context: Any) -> bool:
        return TodoOut._row(obj, context).is_overdue

    @staticmethod
    def resolve_working_days_left(obj: Todo, context: Any) -> int | None:
        return TodoOut._row(obj, context).days_left

    @staticmethod
    def resolve_working_days_overdue(obj: Todo, context: Any) -> int | None:
        return TodoOut._row(obj, context).days_overdue

    @staticmethod
    def resolve_can_complete(obj: Todo, context: Any) -> bool:
        return TodoOut._row(obj, context).can_complete


class TodoFilter(Schema):
    tab: todos.Tab = Field(
        todos.Tab.OPEN, description="open: still to do (overdue included); overdue; done."
    )


class TodoCompleteIn(Schema):
    note: str = Field("", max_length=500, description="Optional remark kept with the change.")


@router.get("/", response=list[TodoOut], summary="My to-dos")
@paginate
def todo_list(request: HttpRequest, filters: Query[TodoFilter]) -> Any:
    return todos.my_todos(request.auth, tab=filters.tab)  # type: ignore[attr-defined]


@router.get("/{todo_id}", response=TodoOut, summary="One to-do in my jurisdiction")
def todo_detail(request: HttpRequest, todo_id: int) -> Any:
    return todos.visible_todo(request.auth, todo_id)  # type: ignore[attr-defined]


@router.post("/{todo_id}/complete", response=TodoOut, summary="Complete a to-do")
def todo_complete(request: HttpRequest, todo_id: int, payload: TodoCompleteIn | None = None) -> Any:
    user = request.auth  # type: ignore[attr-defined]
    todo = todos.visible_todo(user, todo_id)
    if not todos.can_act_on_todo(user, todo):
        raise PermissionDenied(_("这条待办不由您办理。"))
    # TransitionNotAllowed (already done or cancelled) answers 409 through shezhi.api.errors.
    todos.todo_complete(todo=todo, actor=user, reason=payload.note if payload else "")
    return todo
