"""The one detail-page pattern: a header, facts, and tabs, one of which is History.

    def division_detail(request, code):
        division = get_object_or_404(Division.objects.visible_to(request.user), code=code)
        return render_detail(request, "core/division_detail.html", obj=division,
                             title=division.name, context={...})

The template extends components/detail_page.html, fills `facts`, and defines the tab panes in
`{% block tabs %}{% partialdef tabs inline %}…{% endpartialdef %}{% endblock %}`, including
`{% include "core/history.html#history_table" %}` when `active_tab == "history"`. Tabs are
plain links (`?tab=history`); htmx swaps only the `tabs` partial and pushes the URL.
History is computed only when its tab is open.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db import models
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext_lazy as _

from shezhi.core.records import label_of
from shezhi.core.views.history import history_context
from shezhi.core.views.listing import is_partial_request, url_with

TABS_TARGET = "detail-tabs"


@dataclass(frozen=True)
class Tab:
    key: str
    label: Any


@dataclass(frozen=True)
class TabLink:
    tab: Tab
    url: str
    active: bool


OVERVIEW = Tab("overview", _("概况"))
HISTORY = Tab("history", _("变更记录"))


def render_detail(
    request: HttpRequest,
    template_name: str,
    *,
    obj: models.Model,
    title: Any,
    tabs: Sequence[Tab] = (OVERVIEW, HISTORY),
    context: dict[str, Any] | None = None,
) -> HttpResponse:
    """Render a record fetched through visible_to, with the tab named by `?tab=`."""
    keys = [tab.key for tab in tabs]
    active = request.GET.get("tab", keys[0])
    if active not in keys:
        active = keys[0]
    links = [
        TabLink(
            tab,
            url_with(request.GET, tab=None if tab.key == keys[0] else tab.key),
            tab.key == active,
        )
        for tab in tabs
    ]
    full_context: dict[str, Any] = {
        "page_title": title,
        "object": obj,
        "record_label": label_of(obj),
        "tab_links": links,
        "active_tab": active,
        "tabs_target": TABS_TARGET,
        **(context or {}),
    }
    if active == HISTORY.key:
        full_context.update(history_context(obj, request.user))
    partial = is_partial_request(request, TABS_TARGET)
    response = render(request, template_name + "#tabs" if partial else template_name, full_context)
    patch_vary_headers(response, ("HX-Request", "HX-Target"))
    return response
