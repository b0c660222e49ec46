"""The officers' pages of the registry: list, detail, register, correct, status, xlsx import.

Every organization is fetched through `visible_to(request.user)`: outside the jurisdiction (or
not the account's own organization) answers 404. Writes go through services.py, which check the
right again; the views ask the same predicates first to answer 403 and to hide buttons.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from shezhi.core.exports import XLSX_CONTENT_TYPE, xlsx_response
from shezhi.core.views.detail import render_detail
from shezhi.core.views.listing import Column, ListPage, is_partial_request

from .. import imports, selectors, services
from ..forms import (
    ImportForm,
    OrganizationFilterForm,
    OrganizationForm,
    OwnOrganizationForm,
    StatusForm,
    add_service_errors,
)
from ..models import OrganizationImport, SocialOrganization
from ..permissions import (
    can_change_organization_status,
    can_edit_organization,
    can_import_organizations,
    can_update_organization,
    can_view_registry,
    is_own_organization,
    is_registry_officer,
)
from ..validators import credit_code_warnings

IMPORT_PROGRESS_TARGET = "import-progress"
# Problems listed on the page; the downloadable report has all that were kept.
IMPORT_ERRORS_SHOWN = 200


def _require_viewer(request: HttpRequest) -> None:
    if not can_view_registry(request.user):
        raise PermissionDenied(_("您的角色不使用社会组织登记信息。"))


def _visible(request: HttpRequest, credit_code: str) -> SocialOrganization:
    _require_viewer(request)
    return selectors.visible_organization(request.user, credit_code)


class OrganizationList(ListPage):
    template_name = "social_orgs/organization_list.html"
    title = gettext_lazy("社会组织")
    columns = (
        Column("name", gettext_lazy("名称"), sort="name"),
        Column("credit_code", gettext_lazy("统一社会信用代码"), sort="credit_code"),
        Column("org_type", gettext_lazy("类型"), sort="org_type"),
        Column("authority", gettext_lazy("登记管理机关"), sort="authority_path"),
        Column("address_division", gettext_lazy("住所所在镇街或村居")),
        Column("founded_on", gettext_lazy("成立登记日期"), sort="founded_on"),
        Column("staff_count", gettext_lazy("从业人员数"), sort="staff_count", numeric=True),
        Column("status", gettext_lazy("状态"), sort="status"),
        Column("party", gettext_lazy("党建覆盖")),
    )
    search_fields = ("name__icontains",)  # see search_q: the credit code is searched too
    search_placeholder = gettext_lazy("名称或统一社会信用代码")
    filter_form_class = OrganizationFilterForm
    # By registering authority, then name: the officer's own level first, then each authority
    # below, in the order of the org_scope_name index (see selectors.ORDERINGS).
    default_sort = "authority"
    export_name = gettext_lazy("社会组织")

    def check_access(self) -> None:
        _require_viewer(self.request)

    def queryset(self) -> QuerySet[SocialOrganization]:
        return selectors.organization_rows()

    def search_q(self, term: str) -> Any:
        return selectors.search_q(term)

    def ordering(self) -> list[str]:
        return selectors.ordering(self.sort_key)

    @property
    def filter_form(self) -> OrganizationFilterForm:
        # The division choices depend on the user, which ListPage's form does not get.
        form = getattr(self, "_filter_form", None)
        if not isinstance(form, OrganizationFilterForm):
            form = OrganizationFilterForm(self.query, user=self.request.user)
            self._filter_form = form
        return form

    def export_columns(self) -> list[Column]:
        # The export has the import template's columns, so a file can go back in corrected.
        return [
            Column(column.key or column.header, column.label, value=column.export)
            for column in imports.COLUMNS
        ]

    def extra_context(self) -> dict[str, Any]:
        user = self.request.user
        return {
            "can_register": is_registry_officer(user),
            "can_import": can_import_organizations(user),
        }


organization_list = OrganizationList.as_view()


def _detail_context(request: HttpRequest, organization: SocialOrganization) -> dict[str, Any]:
    user = request.user
    return {
        "organization": organization,
        "breadcrumb_division": organization.registration_authority,
        "is_blank_spot": selectors.is_blank_spot(organization),
        "can_edit": can_update_organization(user, organization),
        "can_change_status": can_change_organization_status(user, organization)
        and bool(SocialOrganization.ALLOWED_TRANSITIONS.get(organization.status)),
        "status_form": StatusForm(auto_id="status_%s"),
    }


@require_GET
def organization_detail(request: HttpRequest, credit_code: str) -> HttpResponse:
    organization = _visible(request, credit_code)
    return render_detail(
        request,
        "social_orgs/organization_detail.html",
        obj=organization,
        title=organization.name,
        context=_detail_context(request, organization),
    )


def _after_save(request: HttpRequest, organization: SocialOrganization, message: str) -> None:
    messages.success(request, message)
    for warning in credit_code_warnings(organization.credit_code):
        messages.warning(request, warning)


@require_http_methods(["GET", "POST"])
def organization_create(request: HttpRequest) -> HttpResponseBase:
    if not is_registry_officer(request.user):
        raise PermissionDenied(_("只有县级以上民政部门的工作人员可以登记社会组织。"))
    form = OrganizationForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            organization = services.organization_create(actor=request.user, **form.facts())
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            _after_save(request, organization, _("已登记：%(name)s") % {"name": organization.name})
            return redirect("social_orgs:detail", organization.credit_code)
    return render(
        request,
        "social_orgs/organization_form.html",
        {"page_title": _("登记社会组织"), "form": form, "cancel_url": "social_orgs:list"},
    )


@require_http_methods(["GET", "POST"])
def organization_edit(request: HttpRequest, credit_code: str) -> HttpResponseBase:
    organization = _visible(request, credit_code)
    user = request.user
    form: OrganizationForm | OwnOrganizationForm
    if can_edit_organization(user, organization):
        form = OrganizationForm(request.POST or None, user=user, organization=organization)
    elif is_own_organization(user, organization):
        form = OwnOrganizationForm(request.POST or None, organization=organization)
    else:
        raise PermissionDenied(_("您无权修改该社会组织的信息。"))
    if request.method == "POST" and form.is_valid():
        try:
            services.organization_update(actor=user, organization=organization, **form.facts())
        except ValidationError as error:
            organization.refresh_from_db()
            add_service_errors(form, error)
        else:
            _after_save(request, organization, _("已保存：%(name)s") % {"name": organization.name})
            return redirect("social_orgs:detail", organization.credit_code)
    return render(
        request,
        "social_orgs/organization_form.html",
        {
            "page_title": _("修改：%(name)s") % {"name": organization.name},
            "form": form,
            "organization": organization,
            "breadcrumb_division": organization.registration_authority,
        },
    )


@require_POST
def organization_status(request: HttpRequest, credit_code: str) -> HttpResponseBase:
    organization = _visible(request, credit_code)
    if not can_change_organization_status(request.user, organization):
        raise PermissionDenied(_("只有登记管理机关（或其上级）的民政部门工作人员可以办理。"))
    form = StatusForm(request.POST, auto_id="status_%s")
    if form.is_valid():
        from shezhi.core.workflows import TransitionNotAllowed

        action = services.STATUS_ACTIONS[form.cleaned_data["to"]]
        try:
            action(
                actor=request.user, organization=organization, reason=form.cleaned_data["reason"]
            )
        except TransitionNotAllowed:
            messages.error(
                request,
                _("“%(name)s”当前为“%(status)s”，不能办理此事项。")
                % {"name": organization.name, "status": organization.get_status_display()},
            )
        else:
            messages.success(
                request,
                _("已办理：%(name)s 现为“%(status)s”。")
                % {"name": organization.name, "status": organization.get_status_display()},
            )
        return redirect("social_orgs:detail", organization.credit_code)
    context = _detail_context(request, organization)
    context["status_form"] = form
    response = render_detail(
        request,
        "social_orgs/organization_detail.html",
        obj=organization,
        title=organization.name,
        context=context,
    )
    response.status_code = 422
    return response


# --------------------------------------------------------------------------------------------
# xlsx import


def _require_importer(request: HttpRequest) -> None:
    if not can_import_organizations(request.user):
        raise PermissionDenied(_("只有县级以上民政部门的工作人员可以导入社会组织。"))


@require_http_methods(["GET", "POST"])
def import_page(request: HttpRequest) -> HttpResponseBase:
    _require_importer(request)
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            job = services.organization_import_start(
                actor=request.user, upload=form.cleaned_data["file"]
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return redirect("social_orgs:import_detail", job.pk)
    recent = OrganizationImport.objects.visible_to(request.user).select_related("created_by")[:10]
    return render(
        request,
        "social_orgs/import.html",
        {
            "page_title": _("导入社会组织"),
            "form": form,
            "recent": recent,
            "max_mb": imports.MAX_UPLOAD_BYTES // 1024 // 1024,
        },
        status=422 if form.errors else 200,
    )


@require_GET
def import_template(request: HttpRequest) -> HttpResponse:
    _require_importer(request)
    response = HttpResponse(
        imports.template_workbook(user=request.user), content_type=XLSX_CONTENT_TYPE
    )
    filename = _("社会组织导入模板") + ".xlsx"
    response["Content-Disposition"] = content_disposition_header(True, filename) or ""
    return response


@require_GET
def import_detail(request: HttpRequest, pk: int) -> HttpResponse:
    _require_importer(request)
    job = get_object_or_404(OrganizationImport.objects.visible_to(request.user), pk=pk)
    context = {
        "page_title": _("导入：%(name)s") % {"name": job.original_name},
        "job": job,
        "errors_shown": job.errors[:IMPORT_ERRORS_SHOWN],
        "errors_hidden": max(0, job.error_count - IMPORT_ERRORS_SHOWN),
        "progress_target": IMPORT_PROGRESS_TARGET,
    }
    partial = is_partial_request(request, IMPORT_PROGRESS_TARGET)
    template = "social_orgs/import_detail.html" + ("#progress" if partial else "")
    response = render(request, template, context)
    patch_vary_headers(response, ("HX-Request", "HX-Target"))
    return response


@require_GET
def import_errors(request: HttpRequest, pk: int) -> HttpResponseBase:
    _require_importer(request)
    job = get_object_or_404(OrganizationImport.objects.visible_to(request.user), pk=pk)
    stamp = timezone.localtime(job.created_at).strftime("%Y%m%d-%H%M")
    return xlsx_response(
        filename=_("导入问题清单") + f"-{stamp}.xlsx",
        headers=[_("行号"), _("列"), _("问题")],
        rows=imports.error_report(job.errors),
        sheet_title=_("问题清单"),
    )
