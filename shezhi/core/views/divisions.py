"""Division pages: the list (filters, search, sort, export) and a division's detail page."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from shezhi.core import selectors
from shezhi.core.forms import FilterForm, yes_no_field
from shezhi.core.models import Division
from shezhi.core.scoping import is_within
from shezhi.core.views.detail import render_detail
from shezhi.core.views.listing import Column, ListPage


def _yes_no(value: bool) -> str:
    return _("是") if value else _("否")


class DivisionFilterForm(FilterForm):
    level = forms.ChoiceField(
        label=gettext_lazy("层级"),
        choices=[("", gettext_lazy("全部层级")), *Division.Level.choices],
    )
    is_current = yes_no_field(gettext_lazy("现行"))
    parent = forms.RegexField(
        label=gettext_lazy("上级区划代码"),
        regex=r"^\d{6}(\d{3}){0,2}$",
        error_messages={"invalid": gettext_lazy("区划代码应为6位、9位或12位数字。")},
        widget=forms.TextInput(attrs={"inputmode": "numeric", "placeholder": "440118"}),
    )
    lookups = {"parent": "parent_id"}


class DivisionList(ListPage):
    template_name = "core/division_list.html"
    title = gettext_lazy("行政区划")
    columns = (
        # Code order, sorted by path: see DivisionQuerySet.in_code_order.
        Column("code", gettext_lazy("区划代码"), sort="path", value=lambda d: d.code),
        Column("name", gettext_lazy("名称"), sort="name", value=lambda d: d.name),
        Column("level", gettext_lazy("层级"), sort="level", value=lambda d: d.get_level_display()),
        Column(
            "parent",
            gettext_lazy("上级"),
            sort="parent_id",
            value=lambda d: d.parent.name if d.parent else "",
        ),
        Column("parent_code", gettext_lazy("上级区划代码"), value=lambda d: d.parent_id or ""),
        Column(
            "is_current",
            gettext_lazy("现行"),
            sort="is_current",
            value=lambda d: _yes_no(d.is_current),
        ),
        Column("valid_from", gettext_lazy("启用年份"), value=lambda d: d.valid_from),
        Column("valid_until", gettext_lazy("撤销年份"), value=lambda d: d.valid_until),
    )
    search_fields = ("name__icontains", "code__startswith")
    search_placeholder = gettext_lazy("名称或代码")
    filter_form_class = DivisionFilterForm
    default_sort = "code"
    export_name = gettext_lazy("行政区划")

    def queryset(self) -> QuerySet[Division]:
        return selectors.division_rows()


division_list = DivisionList.as_view()


def division_detail(request: HttpRequest, code: str) -> HttpResponse:
    division = get_object_or_404(selectors.division_rows().visible_to(request.user), code=code)
    context: dict[str, Any] = {
        "division": division,
        "breadcrumb_division": division,
        # Above the user's jurisdiction the parent is named, not linked: its page would 404.
        "parent_visible": division.parent is not None
        and is_within(request.user, division.parent.path),
        "children_url": f"?parent={division.code}",
    }
    tab = request.GET.get("tab", "")
    if tab != "history":
        context.update(selectors.division_children_overview(division))
    return render_detail(
        request, "core/division_detail.html", obj=division, title=division.name, context=context
    )
