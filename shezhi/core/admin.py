"""Django admin, for superusers only: the working-day calendar, which officers never edit, and
the divisions, read-only.

A day saved here becomes source "manual", so `shezhi load_calendar` never overwrites it; the
change reaches due dates at once (workdays' cache is invalidated by its receiver) and open
to-dos whose deadline runs through that year get their due date recomputed.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db import transaction
from django.http import HttpRequest
from django.utils import dateformat
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from .models import CalendarDay, CalendarYear, Division
from .todos import todos_recompute_due


class SuperuserOnly:
    """Everyone else (staff included) neither sees nor edits these tables."""

    def has_module_permission(self, request: HttpRequest) -> bool:
        return request.user.is_active and request.user.is_superuser

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self.has_module_permission(request)

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return self.has_module_permission(request)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self.has_module_permission(request)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self.has_module_permission(request)


@admin.register(CalendarDay)
class CalendarDayAdmin(SuperuserOnly, SimpleHistoryAdmin):
    list_display = ("date", "weekday", "name", "is_workday", "source")
    list_filter = ("source", "is_workday")
    search_fields = ("name",)
    date_hierarchy = "date"
    readonly_fields = ("source",)
    ordering = ("-date",)

    @admin.display(description=_("星期"))
    def weekday(self, obj: CalendarDay) -> str:
        return dateformat.format(obj.date, "l")  # the weekday's name in the user's language

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> tuple[str, ...]:
        # The date is the key: moving a holiday means deleting one day and adding another.
        return ("date", "source") if obj is not None else ("source",)

    @transaction.atomic
    def save_model(self, request: HttpRequest, obj: CalendarDay, form: Any, change: bool) -> None:
        obj.source = CalendarDay.Source.MANUAL
        super().save_model(request, obj, form, change)
        todos_recompute_due(years=[obj.date.year])

    @transaction.atomic
    def delete_model(self, request: HttpRequest, obj: CalendarDay) -> None:
        super().delete_model(request, obj)
        todos_recompute_due(years=[obj.date.year])

    @transaction.atomic
    def delete_queryset(self, request: HttpRequest, queryset: Any) -> None:
        years = {day.year for day in queryset.dates("date", "year")}
        for obj in queryset:  # one by one, so each deletion is in the history
            obj.delete()
        todos_recompute_due(years=years)


@admin.register(CalendarYear)
class CalendarYearAdmin(SuperuserOnly, SimpleHistoryAdmin):
    """A year listed here counts as officially loaded; unlisted years warn and count weekends."""

    list_display = ("year", "source", "loaded_at")
    readonly_fields = ("source", "loaded_at")

    def save_model(self, request: HttpRequest, obj: CalendarYear, form: Any, change: bool) -> None:
        obj.source = CalendarDay.Source.MANUAL
        super().save_model(request, obj, form, change)


@admin.register(Division)
class DivisionAdmin(SuperuserOnly, admin.ModelAdmin):
    """Read-only: divisions change through `shezhi load_divisions` and `import_divisions`, which
    keep their history. Also the peer `shezhi bench` measures the division list page against:
    the admin a small IT team would ship, at the platform's page size."""

    list_display = ("code", "name", "level", "parent", "is_current")
    # The admin follows only non-null foreign keys by itself: without this, one query per row.
    list_select_related = ("parent",)
    list_filter = ("level", "is_current")
    search_fields = ("name", "code")
    list_per_page = 25

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
