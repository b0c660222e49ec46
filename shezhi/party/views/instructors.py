"""Party-building instructors (党建指导员) and their assignments to social organizations: where
no party organization can form yet, an assigned instructor gives work coverage."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from shezhi.core.views.detail import render_detail
from shezhi.core.views.listing import Column, ListPage

from ..forms.organizations import AssignForm, InstructorFilterForm, InstructorForm
from ..models import Instructor, InstructorAssignment
from ..permissions import can_manage_instructors, can_view_instructors
from ..selectors import organizations as selectors
from ..services import organizations as services


def _check(user: Any) -> None:
    if not can_view_instructors(user):
        raise PermissionDenied


def _yes_no(value: bool) -> str:
    return _("是") if value else _("否")


class InstructorList(ListPage):
    template_name = "party/instructor_list.html"
    title = gettext_lazy("党建指导员")
    columns = (
        Column("name", gettext_lazy("姓名"), sort="name", value=lambda i: i.name),
        Column("workplace", gettext_lazy("工作单位及职务"), value=lambda i: i.workplace),
        Column(
            "division",
            gettext_lazy("所属区划"),
            sort="division_path",
            value=lambda i: i.division.name,
        ),
        Column(
            "open_assignments",
            gettext_lazy("指导的社会组织"),
            sort="open_assignments",
            value=lambda i: i.open_assignments,
            numeric=True,
        ),
        Column(
            "is_active",
            gettext_lazy("在任"),
            sort="is_active",
            value=lambda i: _yes_no(i.is_active),
        ),
    )
    search_fields = ("name__icontains", "workplace__icontains")
    search_placeholder = gettext_lazy("姓名或工作单位")
    filter_form_class = InstructorFilterForm
    default_sort = "division"
    # Phones are not exported: personal data leaves the platform only through a logged reveal.
    export_name = gettext_lazy("党建指导员")

    def check_access(self) -> None:
        _check(self.request.user)

    def queryset(self) -> QuerySet[Instructor]:
        return selectors.instructor_rows()

    def extra_context(self) -> dict[str, Any]:
        return {"can_manage": can_manage_instructors(self.request.user)}


instructor_list = InstructorList.as_view()


def instructor_detail(request: HttpRequest, pk: int) -> HttpResponse:
    _check(request.user)
    instructor = selectors.instructor_for(request.user, pk)
    context: dict[str, Any] = {
        "instructor": instructor,
        "breadcrumb_division": instructor.division,
        "can_manage": can_manage_instructors(request.user),
    }
    if request.GET.get("tab") != "history":
        context["assignments"] = selectors.instructor_assignments(instructor)
        context["assign_form"] = AssignForm(user=request.user)
    return render_detail(
        request,
        "party/instructor_detail.html",
        obj=instructor,
        title=instructor.name,
        context=context,
    )


def _form_page(
    request: HttpRequest, form: InstructorForm, instructor: Instructor | None, status: int = 200
) -> HttpResponse:
    title = _("修改党建指导员") if instructor else _("新增党建指导员")
    context = {"page_title": title, "form": form, "instructor": instructor}
    return render(request, "party/instructor_form.html", context, status=status)


def instructor_create(request: HttpRequest) -> HttpResponse:
    if not can_manage_instructors(request.user):
        raise PermissionDenied
    if request.method != "POST":
        initial = {"division": getattr(request.user, "division", None), "is_active": True}
        return _form_page(request, InstructorForm(user=request.user, initial=initial), None)
    form = InstructorForm(request.POST, user=request.user)
    if form.is_valid():
        data = form.cleaned_data
        try:
            instructor = services.instructor_create(
                actor=request.user,
                name=data["name"],
                division=data["division"],
                phone=data["phone"],
                workplace=data["workplace"],
            )
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                for error in errors:
                    form.add_error(field if field in form.fields else None, error)
        else:
            messages.success(request, _("已新增党建指导员：%(name)s") % {"name": instructor.name})
            return redirect("party:instructor_detail", instructor.pk)
    return _form_page(request, form, None, status=422)


def instructor_edit(request: HttpRequest, pk: int) -> HttpResponse:
    if not can_manage_instructors(request.user):
        raise PermissionDenied
    instructor = selectors.instructor_for(request.user, pk)
    if request.method != "POST":
        initial = {
            "name": instructor.name,
            "phone": instructor.phone or "",
            "workplace": instructor.workplace,
            "division": instructor.division,
            "is_active": instructor.is_active,
        }
        return _form_page(request, InstructorForm(user=request.user, initial=initial), instructor)
    form = InstructorForm(request.POST, user=request.user)
    if form.is_valid():
        try:
            services.instructor_update(
                actor=request.user, instructor=instructor, **form.cleaned_data
            )
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                for error in errors:
                    form.add_error(field if field in form.fields else None, error)
        else:
            messages.success(request, _("已保存。"))
            return redirect("party:instructor_detail", instructor.pk)
    return _form_page(request, form, instructor, status=422)


@require_POST
def instructor_assign(request: HttpRequest, pk: int) -> HttpResponse:
    if not can_manage_instructors(request.user):
        raise PermissionDenied
    instructor = selectors.instructor_for(request.user, pk)
    form = AssignForm(request.POST, user=request.user)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, str(error))
        return redirect("party:instructor_detail", instructor.pk)
    try:
        assignment = services.instructor_assign(
            actor=request.user,
            instructor=instructor,
            social_org=form.cleaned_data["credit_code"],
            assigned_on=form.cleaned_data["assigned_on"],
        )
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("已选派到“%(org)s”。") % {"org": assignment.social_org.name})
    return redirect("party:instructor_detail", instructor.pk)


@require_POST
def assignment_end(request: HttpRequest, pk: int, assignment_pk: int) -> HttpResponse:
    if not can_manage_instructors(request.user):
        raise PermissionDenied
    instructor = selectors.instructor_for(request.user, pk)
    assignment = (
        InstructorAssignment.objects.filter(instructor=instructor, pk=assignment_pk)
        .select_related("social_org")
        .first()
    )
    if assignment is None:
        raise Http404
    try:
        services.assignment_end(actor=request.user, assignment=assignment)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(
            request, _("已结束对“%(org)s”的指导。") % {"org": assignment.social_org.name}
        )
    return redirect("party:instructor_detail", instructor.pk)
