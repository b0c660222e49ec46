from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _

from shezhi.core.models import Division


def division_list(request: HttpRequest) -> HttpResponse:
    divisions = Division.objects.visible_to(request.user).select_related("parent")[:100]
    return render(request, "core/division_list.html", {"page_title": _("行政区划"), "divisions": divisions})


def division_detail(request: HttpRequest, code: str) -> HttpResponse:
    division = get_object_or_404(Division.objects.visible_to(request.user), code=code)
    return render(request, "core/division_detail.html", {"page_title": division.name, "division": division})
