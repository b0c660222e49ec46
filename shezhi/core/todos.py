"""The one to-do/deadline service every module uses: services (writes) and selectors (reads).

A to-do says "this action is due from this role at this division within N working days". Its due
date comes from the working-day calendar (`workdays`), counted from the day after `starts_on`.
Once past due it turns overdue and is escalated to the level above; for every further
`SHEZHI_TODO_ESCALATION_DAYS` working days (default 5) it climbs one more level, up to the
province. Each level it reached keeps seeing it in "My to-dos" until it is done.

Who answers for an escalated to-do at a level: the to-do's own role when that role exists at the
level (a county civil-affairs officer's to-do goes to the city civil-affairs officer, a party-
committee officer's to the city party committee), otherwise the level's general officer: the
town officer at a town, the civil-affairs officer at a county, city or the province.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from functools import cache
from typing import Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.db import models, transaction
from django.db.models import Count, Max, Min, Q
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from . import registry, workdays
from .models import Division, Todo
from .roles import ROLE_LEVELS, Role
from .workflows import TransitionNotAllowed, transition

logger = logging.getLogger("shezhi.todos")

DEFAULT_ESCALATION_DAYS = 5
OPEN_STATUSES = (Todo.Status.OPEN, Todo.Status.OVERDUE)


class UnknownTodoKind(ValueError):
    """A module asked for a to-do of a kind nobody registered with core.registry."""


class Tab(models.TextChoices):
    """The filters of "My to-dos": everything still to do, the overdue part of it, done."""

    OPEN = "open", gettext_lazy("待办")
    OVERDUE = "overdue", gettext_lazy("已逾期")
    DONE = "done", gettext_lazy("已办结")


TAB_STATUSES: dict[str, tuple[str, ...]] = {
    Tab.OPEN: OPEN_STATUSES,
    Tab.OVERDUE: (Todo.Status.OVERDUE,),
    Tab.DONE: (Todo.Status.DONE,),
}


def escalation_days() -> int:
    """Working days overdue per further escalation level (settings.SHEZHI_TODO_ESCALATION_DAYS)."""
    value = getattr(settings, "SHEZHI_TODO_ESCALATION_DAYS", DEFAULT_ESCALATION_DAYS)
    if not isinstance(value, int) or value < 1:
        raise ImproperlyConfigured(
            f"SHEZHI_TODO_ESCALATION_DAYS must be a positive number of working days, not {value!r}"
        )
    return value


# --- who answers for what ------------------------------------------------------------------------


def supervising_role(todo_role: str, level: str) -> str:
    """The role that answers at `level` for an escalated to-do of `todo_role` (see module doc)."""
    if level in ROLE_LEVELS.get(todo_role, frozenset()):
        return todo_role
    return Role.TOWN_OFFICER if level == Division.Level.TOWN else Role.CIVIL_AFFAIRS_OFFICER


@cache
def escalated_roles_seen_by(user_role: str, level: str) -> frozenset[str]:
    """The to-do roles whose escalated to-dos a user of `user_role` at `level` answers for."""
    return frozenset(role for role in Role.values if supervising_role(role, level) == user_role)


def _mine_q(user: Any) -> Q | None:
    """Assigned to the user's role at their division, or escalated to their division or above it
    while still coming from below it. None when the user answers for no to-dos."""
    division = getattr(user, "division", None) if user.is_authenticated else None
    if division is None or not user.role:
        return None
    assigned = Q(role=user.role, division=division)
    roles = escalated_roles_seen_by(user.role, division.level)
    # escalated_to is an ancestor of the to-do's division; requiring it to be this division or
    # one above, while visible_to() keeps the to-do below, means the to-do passed through here.
    escalated = Q(escalated_to_id__in=division.ancestor_codes, role__in=roles) & ~Q(
        division=division
    )
    return assigned | escalated


def can_act_on_todo(user: Any, todo: Todo) -> bool:
    """Whether `user` may complete `todo`: the same rule as `my_todos`, on one row in memory.

    Needs `todo.division` loaded (the selectors select it), so a page asks this without queries.
    """
    division = getattr(user, "division", None) if user.is_authenticated else None
    if division is None or not user.role or not user.is_active:
        return False
    if todo.division_id == division.code:
        return todo.role == user.role
    return (
        todo.division.path.startswith(division.path)
        and todo.escalated_to_id in division.ancestor_codes
        and todo.role in escalated_roles_seen_by(user.role, division.level)
    )


# --- selectors -----------------------------------------------------------------------------------


def my_todos(user: Any, *, tab: str = Tab.OPEN) -> models.QuerySet[Todo]:
    """The user's to-dos on one tab, earliest due first, always inside their jurisdiction."""
    mine = _mine_q(user)
    if mine is None:
        return Todo.objects.none()
    statuses = TAB_STATUSES.get(tab, OPEN_STATUSES)
    order = ("-closed_at", "-id") if tab == Tab.DONE else ("due_on", "id")
    return (
        Todo.objects.visible_to(user)
        .filter(mine, status__in=statuses)
        .select_related("division", "escalated_to")
        .order_by(*order)
    )


@dataclass(frozen=True)
class TabSummary:
    """Per tab of "My to-dos": how many, and the dates they span (earliest start, latest due
    date; None when the tab is empty), which tell the page which calendar years it relies on."""

    counts: dict[str, int]
    spans: dict[str, tuple[date, date] | None]


def todo_tab_summary(user: Any) -> TabSummary:
    """Counts and date spans of every tab, in one grouped query (one pass over the user's
    to-dos, not one per figure: a province officer has thousands of escalated ones)."""
    counts = dict.fromkeys(Tab.values, 0)
    spans: dict[str, tuple[date, date] | None] = dict.fromkeys(Tab.values)
    mine = _mine_q(user)
    if mine is None:
        return TabSummary(counts, spans)
    by_status = {
        row["status"]: row
        for row in Todo.objects.visible_to(user)
        .filter(mine)
        .values("status")
        .annotate(n=Count("id"), first=Min("starts_on"), last=Max("due_on"))
        .order_by()
    }
    for tab, statuses in TAB_STATUSES.items():
        rows = [by_status[status] for status in statuses if status in by_status]
        counts[tab] = sum(row["n"] for row in rows)
        if rows:
            spans[tab] = (min(row["first"] for row in rows), max(row["last"] for row in rows))
    return TabSummary(counts, spans)


def todo_counts(user: Any) -> dict[str, int]:
    """How many of the user's to-dos are on each tab, in one grouped query."""
    return todo_tab_summary(user).counts


def visible_todo(user: Any, pk: int) -> Todo:
    """One to-do inside the user's jurisdiction, or 404 (not yours looks like not there)."""
    todo = (
        Todo.objects.visible_to(user)
        .select_related("division", "escalated_to")
        .filter(pk=pk)
        .first()
    )
    if todo is None:
        raise Http404(_("没有这条待办事项，或不在您的管辖范围内。"))
    return todo


@dataclass(frozen=True)
class TodoRow:
    """A to-do as pages and the API show it: with its working-day clock and what the user may do."""

    todo: Todo
    kind_label: str
    days_left: int | None  # working days from today to the due date; 0 = due today
    days_overdue: int | None  # working days past the due date
    is_overdue: bool
    can_complete: bool


def todo_row(user: Any, todo: Todo, *, today: date | None = None) -> TodoRow:
    today = today or timezone.localdate()
    kind = registry.TODO_KINDS.get(todo.kind)
    active = todo.status in OPEN_STATUSES
    late = active and today > todo.due_on
    return TodoRow(
        todo=todo,
        kind_label=str(kind.label) if kind else todo.kind,
        days_left=workdays.working_days_between(today, todo.due_on)
        if active and not late
        else None,
        days_overdue=workdays.working_days_between(todo.due_on, today) if late else None,
        is_overdue=late or todo.status == Todo.Status.OVERDUE,
        can_complete=active and can_act_on_todo(user, todo),
    )


def todo_rows(user: Any, todos: Iterable[Todo], *, today: date | None = None) -> list[TodoRow]:
    today = today or timezone.localdate()
    return [todo_row(user, todo, today=today) for todo in todos]


def todos_missing_years(todos: Iterable[Todo], *, today: date | None = None) -> list[int]:
    """Years without official holidays that a shown due date or clock was computed in."""
    today = today or timezone.localdate()
    spans = []
    for todo in todos:
        spans.append((todo.starts_on, todo.due_on))
        if todo.status in OPEN_STATUSES:
            spans.append((today, todo.due_on))
    return workdays.missing_years(workdays.years_spanned(*spans))


# --- services ------------------------------------------------------------------------------------


def _with_history_user(todo: Todo, actor: Any) -> Todo:
    # simple-history takes the author from the request in views; services name it explicitly so
    # tasks, commands and API calls are attributed too.
    if actor is not None and getattr(actor, "is_authenticated", False):
        todo._history_user = actor  # type: ignore[attr-defined]
    return todo


@transaction.atomic
def todo_create(
    *,
    kind: str,
    title: str,
    role: str,
    division: Division,
    working_days: int,
    starts_on: date | None = None,
    subject: models.Model | None = None,
    url: str = "",
    actor: Any = None,
) -> Todo:
    """Make `role` at `division` responsible for `title` within `working_days` working days,
    counted from the day after `starts_on` (today by default)."""
    if kind not in registry.TODO_KINDS:
        raise UnknownTodoKind(
            _(
                "待办类型“%(kind)s”未登记：请在模块的 AppConfig.ready() 中"
                "用 register_todo_kind 登记。"
            )
            % {"kind": kind}
        )
    levels = ROLE_LEVELS.get(role)
    if levels is None:
        raise ValidationError(
            {"role": _("角色“%(role)s”不按行政区划办理待办。") % {"role": role}}, code="invalid"
        )
    if division.level not in levels:
        raise ValidationError(
            {
                "division": _("%(division)s不是%(role)s所在的层级。")
                % {"division": division.name, "role": Role(role).label}
            },
            code="invalid",
        )
    if working_days < 0:
        raise ValidationError({"working_days": _("时限不能为负数。")}, code="invalid")
    starts_on = starts_on or timezone.localdate()
    todo = Todo(
        kind=kind,
        title=title,
        role=role,
        division=division,
        url=url,
        starts_on=starts_on,
        working_days=working_days,
        due_on=workdays.add_working_days(starts_on, working_days),
    )
    if subject is not None:
        todo.subject_type = ContentType.objects.get_for_model(subject)
        todo.subject_id = str(subject.pk)
    todo.full_clean()
    _with_history_user(todo, actor).save()
    return todo


@transaction.atomic
def todo_complete(*, todo: Todo, actor: Any, reason: str = "") -> Todo:
    """Mark the to-do done. The caller has checked `can_act_on_todo` (or acts for the system)."""
    todo.closed_at = timezone.now()
    todo.closed_by = actor if getattr(actor, "is_authenticated", False) else None
    _with_history_user(todo, actor)
    transition(
        todo, Todo.Status.DONE, actor=actor, reason=reason, update_fields=("closed_at", "closed_by")
    )
    return todo


@transaction.atomic
def todo_cancel(*, todo: Todo, actor: Any, reason: str = "") -> Todo:
    """Withdraw a to-do that is no longer needed (e.g. the application was withdrawn)."""
    todo.closed_at = timezone.now()
    todo.closed_by = actor if getattr(actor, "is_authenticated", False) else None
    _with_history_user(todo, actor)
    transition(
        todo,
        Todo.Status.CANCELLED,
        actor=actor,
        reason=reason,
        update_fields=("closed_at", "closed_by"),
    )
    return todo


def todos_complete_for(*, subject: models.Model, kind: str, actor: Any, reason: str = "") -> int:
    """Complete the open to-dos of `kind` about `subject`: what a module calls once the action
    a to-do asked for has happened. Returns how many were completed."""
    subject_type = ContentType.objects.get_for_model(subject)
    done = 0
    for todo in Todo.objects.open().filter(
        kind=kind, subject_type=subject_type, subject_id=str(subject.pk)
    ):
        try:
            todo_complete(todo=todo, actor=actor, reason=reason)
        except TransitionNotAllowed:
            continue  # closed meanwhile by someone else
        done += 1
    return done


@dataclass
class RefreshResult:
    marked_overdue: int = 0
    escalated: int = 0


def escalation_target(todo: Todo, *, today: date, per_level: int) -> str | None:
    """The division code an overdue to-do should have reached by `today`, or None when nothing
    lies above it. One level on the first overdue day, one more per `per_level` working days."""
    above = todo.division.ancestor_codes[:-1]  # province … parent
    if not above:
        return None
    overdue_days = max(workdays.working_days_between(todo.due_on, today), 0)
    steps = 1 + overdue_days // per_level
    return above[max(len(above) - steps, 0)]


def todos_refresh(today: date | None = None) -> RefreshResult:
    """Mark to-dos past their due date overdue and escalate them; the daily Celery task.

    A to-do is overdue from the first day after its due date. Escalation only ever moves up and
    happens once per level; a day the task missed is caught up in one step. Each to-do is its own
    transaction, so one failure does not undo the others.
    """
    today = today or timezone.localdate()
    per_level = escalation_days()
    result = RefreshResult()
    late = Todo.objects.open().filter(due_on__lt=today)
    # Ids first, rows in chunks: writing to rows an open cursor is still reading (SQLite) could
    # skip or repeat some of them.
    ids = list(late.order_by("id").values_list("id", flat=True))
    for start in range(0, len(ids), 500):
        chunk = late.filter(id__in=ids[start : start + 500]).select_related("division")
        for todo in chunk.order_by("id"):
            _refresh_one(todo, today=today, per_level=per_level, result=result)
    return result


def _refresh_one(todo: Todo, *, today: date, per_level: int, result: RefreshResult) -> None:
    target = escalation_target(todo, today=today, per_level=per_level)
    above = todo.division.ancestor_codes[:-1]
    current = above.index(todo.escalated_to_id) if todo.escalated_to_id in above else len(above)
    climbs = target is not None and above.index(target) < current
    if climbs:
        todo.escalated_to_id = target
        todo.escalated_at = timezone.now()
    try:
        with transaction.atomic():
            if todo.status == Todo.Status.OPEN:
                transition(
                    todo,
                    Todo.Status.OVERDUE,
                    actor=None,
                    reason=_("超过截止日 %(due)s 未办结") % {"due": todo.due_on.isoformat()},
                    update_fields=("escalated_to", "escalated_at") if climbs else (),
                )
                result.marked_overdue += 1
            elif climbs:
                # Locked re-read: an officer may have completed it since it was read.
                status = Todo.objects.select_for_update().values_list("status", flat=True)
                if status.get(pk=todo.pk) != Todo.Status.OVERDUE:
                    return
                todo.save(update_fields=["escalated_to", "escalated_at"])
    except TransitionNotAllowed:
        return  # completed or cancelled since it was read
    if climbs:
        result.escalated += 1
        logger.info("To-do %s escalated to %s", todo.pk, target)


def todos_recompute_due(*, years: Iterable[int]) -> int:
    """Recompute the due dates of open (not yet overdue) to-dos whose deadline runs through one
    of `years`, after that year's calendar changed. Overdue to-dos keep theirs: an escalation
    already happened on it. Returns how many due dates moved."""
    years = sorted(set(years))
    if not years:
        return 0
    moved = 0
    candidates = Todo.objects.filter(
        status=Todo.Status.OPEN,
        due_on__gte=date(years[0], 1, 1),
        starts_on__lte=date(years[-1], 12, 31),
    )
    for todo in candidates:
        if not workdays.years_spanned((todo.starts_on, todo.due_on)) & set(years):
            continue
        due_on = workdays.add_working_days(todo.starts_on, todo.working_days)
        if due_on != todo.due_on:
            todo.due_on = due_on
            todo.save(update_fields=["due_on"])
            moved += 1
    return moved
