"""My to-dos: the page listing what the signed-in user must do, and the complete action."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from shezhi.core import todos, workdays
from shezhi.core.models import Todo
from shezhi.core.views.listing import Column, ListPage
from shezhi.core.workflows import TransitionNotAllowed


class TodoList(ListPage):
    """Tabs for to do / overdue / done; the clock of each row is computed by {% todo_clock %}."""

    template_name = "core/todo_list.html"
    title = gettext_lazy("我的待办")
    columns = (
        Column("title", gettext_lazy("事项"), sort="title"),
        Column("division", gettext_lazy("办理单位"), sort="division__code"),
        Column("due_on", gettext_lazy("截止日"), sort="due_on"),
        Column("clock", gettext_lazy("剩余时限")),
        Column("status", gettext_lazy("状态"), sort="status"),
        Column("actions", gettext_lazy("操作")),
    )
    search_fields = ("title__icontains",)
    search_placeholder = gettext_lazy("事项名称")
    default_sort = "due_on"
    per_page = 25

    @property
    def tab(self) -> str:
        tab = self.query.get("tab", "")
        return tab if tab in todos.Tab.values else todos.Tab.OPEN

    def queryset(self) -> QuerySet[Todo]:
        return todos.my_todos(self.request.user, tab=self.tab)

    def extra_context(self) -> dict[str, Any]:
        today = timezone.localdate()
        summary = todos.todo_tab_summary(self.request.user)
        counts = summary.counts
        tabs = [
            {
                "key": tab.value,
                "label": tab.label,
                "count": counts[tab.value],
                "url": "?tab=" + tab.value,
                "active": tab.value == self.tab,
            }
            for tab in todos.Tab
        ]
        # The tab's date span tells which years the shown deadlines were computed in; a year
        # without official holidays gets the banner (workdays counts weekends only there).
        span = summary.spans[self.tab]
        missing: list[int] = []
        if span is not None:
            first, last = span
            spans = [(first, last)]
            if self.tab != todos.Tab.DONE:
                spans.append((today, last))
            missing = workdays.missing_years(workdays.years_spanned(*spans))
        return {
            "tab": self.tab,
            "tabs": tabs,
            "today": today,
            "calendar_notice": workdays.missing_years_notice(missing),
        }


todo_list = TodoList.as_view()


@require_POST
def todo_complete(request: HttpRequest, pk: int) -> HttpResponse:
    """Complete one to-do: 404 outside the jurisdiction, 403 when it is not the user's to act on."""
    todo = todos.visible_todo(request.user, pk)
    if not todos.can_act_on_todo(request.user, todo):
        raise PermissionDenied(_("这条待办不由您办理。"))
    try:
        todos.todo_complete(todo=todo, actor=request.user)
    except TransitionNotAllowed:
        messages.error(
            request,
            _("“%(title)s”已是“%(status)s”状态，不能再办结。")
            % {"title": todo.title, "status": todo.get_status_display()},
        )
    else:
        messages.success(request, _("已办结：%(title)s") % {"title": todo.title})
    next_url = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        next_url = reverse("core:todo_list")
    return redirect(next_url)
