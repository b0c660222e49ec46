from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from shezhi.core import selectors


def home(request: HttpRequest) -> HttpResponse:
    """The signed-in user's jurisdiction, its child divisions with counts, and their to-dos."""
    context = selectors.home_overview(request.user)
    return render(request, "core/home.html", {"page_title": _("首页"), **context})
