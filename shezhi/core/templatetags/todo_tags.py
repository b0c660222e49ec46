"""`{% todo_clock todo as row %}`: a to-do's working-day clock and whether the user may act on it.

Computed from the row already loaded (division selected) and the cached calendar: no query.
"""

from __future__ import annotations

from typing import Any

from django import template

from shezhi.core.models import Todo
from shezhi.core.todos import TodoRow, todo_row

register = template.Library()


@register.simple_tag(takes_context=True)
def todo_clock(context: template.Context, todo: Todo) -> TodoRow:
    request: Any = context["request"]
    return todo_row(request.user, todo, today=context.get("today"))
