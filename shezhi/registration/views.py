"""Founding registration pages: the officers' list and the application's page with its
four-synchronization checklist and decisions; the applicant's form, submit and withdraw."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from shezhi.core.views.actions import workflow_action
from shezhi.core.views.detail import HISTORY, OVERVIEW, render_detail
from shezhi.core.views.listing import Column, ListPage, display
from shezhi.core.workflows import TransitionNotAllowed

from . import rules, selectors, services
from .forms import (
    ApplicationFilterForm,
    ApplicationForm,
    DecisionForm,
    ExemptionForm,
    MemberFormSet,
    WithdrawForm,
    member_rows,
)
from .models import FoundingApplication, Status
from .permissions import (
    can_decide,
    can_edit,
    can_file,
    can_view_registrations,
    can_withdraw,
    is_applicant_side,
    is_decider,
)


def _check(user: Any) -> None:
    if not can_view_registrations(user):
        raise PermissionDenied


def _application(
    request: HttpRequest, pk: int, allowed: Callable[[Any, FoundingApplication], bool]
) -> FoundingApplication:
    _check(request.user)
    application = selectors.application_for(request.user, pk)
    if not allowed(request.user, application):
        raise PermissionDenied
    return application


def _page(application: FoundingApplication) -> str:
    return reverse("registration:application_detail", args=[application.pk])


class ApplicationList(ListPage):
    template_name = "registration/application_list.html"
    title = gettext_lazy("成立登记")
    columns = (
        Column("id", gettext_lazy("编号"), sort="pk", value=lambda a: a.pk),
        Column("name", gettext_lazy("拟登记名称"), sort="name", value=lambda a: a.name),
        Column(
            "org_type",
            gettext_lazy("类型"),
            sort="org_type",
            value=lambda a: display(a, "org_type"),
        ),
        Column(
            "authority",
            gettext_lazy("登记管理机关"),
            sort="division_path",
            value=lambda a: a.registration_authority.name,
        ),
        Column(
            "members",
            gettext_lazy("党员数"),
            sort="member_count",
            value=lambda a: a.member_count,
            numeric=True,
        ),
        Column("status", gettext_lazy("状态"), sort="status", value=lambda a: display(a, "status")),
        Column(
            "submitted_at",
            gettext_lazy("提交时间"),
            sort="submitted_at",
            value=lambda a: a.submitted_at,
        ),
    )
    search_fields = ("name__icontains", "legal_representative__icontains")
    search_placeholder = gettext_lazy("名称或法定代表人")
    filter_form_class = ApplicationFilterForm
    default_sort = "-id"
    export_name = gettext_lazy("成立登记申请")

    def check_access(self) -> None:
        _check(self.request.user)

    def queryset(self) -> QuerySet[FoundingApplication]:
        return selectors.application_rows()

    def extra_context(self) -> dict[str, Any]:
        return {"can_file": can_file(self.request.user)}


application_list = ApplicationList.as_view()


def _render_form(
    request: HttpRequest,
    form: ApplicationForm,
    formset: Any,
    application: FoundingApplication | None,
    status: int = 200,
) -> HttpResponse:
    title = (
        _("修改成立登记申请 #%(pk)s") % {"pk": application.pk}
        if application is not None
        else _("成立登记申请")
    )
    return render(
        request,
        "registration/application_form.html",
        {"page_title": title, "form": form, "formset": formset, "application": application},
        status=status,
    )


def _save(
    request: HttpRequest,
    form: ApplicationForm,
    formset: Any,
    application: FoundingApplication | None,
) -> FoundingApplication | None:
    """Write the facts, the members and the files in one transaction; None with the errors put on
    the form when the services refuse."""
    try:
        with transaction.atomic():
            if application is None:
                application = services.application_create(
                    actor=request.user, members=member_rows(formset), **form.facts()
                )
            else:
                services.application_update(
                    actor=request.user,
                    application=application,
                    members=member_rows(formset),
                    **form.facts(),
                )
            charter = form.cleaned_data.get("charter_file")
            if charter:
                services.charter_attach(actor=request.user, application=application, file=charter)
            letter = form.cleaned_data.get("commitment_file")
            if letter:
                services.commitment_attach(
                    actor=request.user,
                    application=application,
                    file=letter,
                    signed_on=form.cleaned_data.get("commitment_signed_on"),
                )
    except ValidationError as exc:
        errors = exc.message_dict
        member_errors = [m for key, ms in errors.items() if key.startswith("members.") for m in ms]
        for message in member_errors:
            form.add_error(None, message)
        form.add_service_errors({k: v for k, v in errors.items() if not k.startswith("members.")})
        return None
    return application


def application_create(request: HttpRequest) -> HttpResponse:
    _check(request.user)
    if not can_file(request.user):
        raise PermissionDenied
    if request.method != "POST":
        return _render_form(
            request, ApplicationForm(user=request.user), MemberFormSet(prefix="members"), None
        )
    form = ApplicationForm(request.POST, request.FILES, user=request.user)
    formset = MemberFormSet(request.POST, prefix="members")
    if form.is_valid() and formset.is_valid():
        application = _save(request, form, formset, None)
        if application is not None:
            messages.success(request, _("申请已保存为草稿，核对四同步清单后提交。"))
            return redirect(_page(application))
    return _render_form(request, form, formset, None, status=422)


def application_edit(request: HttpRequest, pk: int) -> HttpResponse:
    application = _application(request, pk, is_applicant_side)
    if not can_edit(request.user, application):
        messages.error(
            request,
            _("申请当前为“%(status)s”，只有草稿或待补正的申请可以修改。")
            % {"status": application.get_status_display()},
        )
        return redirect(_page(application))
    if request.method != "POST":
        members = [
            {
                "name": m.name,
                "id_number": m.id_number,
                "stage": m.stage,
                "stage_on": m.stage_on,
                "education": m.education,
            }
            for m in selectors.members_of(application)
        ]
        return _render_form(
            request,
            ApplicationForm(user=request.user, initial=ApplicationForm.initial_from(application)),
            MemberFormSet(prefix="members", initial=members),
            application,
        )
    form = ApplicationForm(request.POST, request.FILES, user=request.user)
    formset = MemberFormSet(request.POST, prefix="members")
    if form.is_valid() and formset.is_valid():
        try:
            saved = _save(request, form, formset, application)
        except TransitionNotAllowed as exc:
            messages.error(request, str(exc))
            return redirect(_page(application))
        if saved is not None:
            messages.success(request, _("申请已修改。"))
            return redirect(_page(application))
    return _render_form(request, form, formset, application, status=422)


def application_detail(request: HttpRequest, pk: int) -> HttpResponse:
    _check(request.user)
    application = selectors.application_for(request.user, pk)
    user = request.user
    context: dict[str, Any] = {
        "application": application,
        "breadcrumb_division": application.registration_authority,
        "can_edit": can_edit(user, application),
        "can_submit": can_edit(user, application),
        "can_withdraw": can_withdraw(user, application),
        "can_decide": can_decide(user, application),
    }
    if request.GET.get("tab") != HISTORY.key:
        members = selectors.members_of(application)
        checklist = rules.four_synchronizations(application, members)
        context.update(
            {
                "members": members,
                "checklist": checklist,
                "blockers": rules.approval_blockers(application, members),
                "timeline": [
                    (change, Status(change.to_status).label)
                    for change in selectors.status_changes(application)
                    if change.to_status in Status.values
                ],
                "decision_form": DecisionForm(),
                "exemption_form": ExemptionForm(),
                "withdraw_form": WithdrawForm(),
            }
        )
    return render_detail(
        request,
        "registration/application_detail.html",
        obj=application,
        title=_("成立登记申请 #%(pk)s：%(name)s")
        % {"pk": application.pk, "name": application.name},
        tabs=(OVERVIEW, HISTORY),
        context=context,
    )


@require_POST
def application_submit(request: HttpRequest, pk: int) -> HttpResponse:
    application = _application(request, pk, is_applicant_side)
    return workflow_action(
        request,
        step=lambda data: services.application_submit(actor=request.user, application=application),
        done=_("已提交登记管理机关审查。"),
        back=_page(application),
    )


@require_POST
def application_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    application = _application(request, pk, is_applicant_side)
    form = WithdrawForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    return workflow_action(
        request,
        step=lambda data: services.application_withdraw(
            actor=request.user, application=application, reason=reason
        ),
        done=_("申请已撤回。"),
        back=_page(application),
    )


DONE = {
    "accept": gettext_lazy("已受理。"),
    "supplement": gettext_lazy("已一次性告知需补正的内容。"),
    "approve": gettext_lazy("已准予登记，社会组织、党员和党组织信息已写入。"),
    "refuse": gettext_lazy("已作出不予登记决定。"),
}


@require_POST
def application_decide(request: HttpRequest, pk: int) -> HttpResponse:
    # Not the registering authority's officer: 403. A state that no longer allows the step
    # (another officer was first): a message, from the row lock in the services.
    application = _application(request, pk, is_decider)
    return workflow_action(
        request,
        form=DecisionForm(request.POST),
        invalid=_("请选择办理结果。"),
        step=lambda data: services.application_decide(
            actor=request.user,
            application=application,
            action=data["action"],
            reason=data["reason"],
        ),
        done=lambda decided: str(DONE.get(request.POST.get("action", ""), _("已办理。"))),
        back=_page(application),
    )


@require_POST
def application_exempt(request: HttpRequest, pk: int) -> HttpResponse:
    application = _application(request, pk, is_decider)
    return workflow_action(
        request,
        form=ExemptionForm(request.POST),
        step=lambda data: services.exemption_record(
            actor=request.user, application=application, reason=data["reason"]
        ),
        done=_("已记录四同步豁免及理由。"),
        back=_page(application),
    )


FILES = {"charter": "charter_file", "commitment": "commitment_file"}
FILE_TITLES = {"charter": gettext_lazy("章程"), "commitment": gettext_lazy("党建工作承诺书")}


def file_response(application: FoundingApplication, which: str) -> FileResponse:
    """A stored charter or letter as an attachment nobody caches; `application` comes through
    the caller's scoping, the only way to the file."""
    if which not in FILES:
        raise Http404
    stored = getattr(application, FILES[which])
    if not stored:
        raise Http404
    extension, content_type = services.file_type(stored.name)
    try:
        handle = stored.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=f"{application.name}-{FILE_TITLES[which]}.{extension}",
        content_type=content_type,
    )
    response["Cache-Control"] = "private, no-store"
    return response


@require_GET
def file_download(request: HttpRequest, pk: int, which: str) -> FileResponse:
    _check(request.user)
    return file_response(selectors.application_for(request.user, pk), which)
