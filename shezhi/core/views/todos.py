from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from shezhi.core import selectors


def todo_list(request: HttpRequest) -> HttpResponse:
    todos = selectors.my_todos(request.user).select_related("division")
    return render(request, "core/todo_list.html", {"page_title": _("我的待办"), "todos": todos})
