"""Pages of the inspection module: the officers' list, a filing's page with its decisions, the
organization's forms, the completion figures, the yearly configuration (STYLE §12: thin views
over selectors and services)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from shezhi.core.exports import xlsx_response
from shezhi.core.views.actions import workflow_action
from shezhi.core.views.detail import render_detail
from shezhi.core.views.listing import Column, ListPage, display
from shezhi.core.workflows import TransitionNotAllowed

from . import permissions, rules, selectors, services
from .forms import (
    ConfigForm,
    DecisionForm,
    FilingCreateForm,
    FilingFilterForm,
    FilingForm,
    RectificationForm,
    VerifyForm,
    default_window,
)
from .models import Filing, InspectionConfig, Mode
from .services import Action

ACTION_LABELS: dict[str, Any] = {
    Action.ACCEPT: gettext_lazy("受理"),
    Action.SUPERVISOR_APPROVE: gettext_lazy("业务主管单位初审同意"),
    Action.CONCLUDE: gettext_lazy("作出年检结论"),
    Action.PUBLISH: gettext_lazy("审查通过并公示"),
    Action.RETURN: gettext_lazy("退回修改"),
}


def _check(user: Any) -> None:
    if not permissions.can_view_inspection(user):
        raise PermissionDenied


def _rate(value: float | None) -> str:
    return f"{value * 100:.2f}%" if value is not None else "—"


class FilingList(ListPage):
    template_name = "inspection/filing_list.html"
    title = gettext_lazy("年检（年报）")
    columns = (
        Column(
            "organization",
            gettext_lazy("社会组织"),
            sort="organization__name",
            value=lambda f: f.organization.name,
        ),
        Column(
            "credit_code",
            gettext_lazy("统一社会信用代码"),
            value=lambda f: f.organization.credit_code,
        ),
        Column(
            "authority",
            gettext_lazy("登记管理机关"),
            sort="authority_path",
            value=lambda f: f.authority.name,
        ),
        Column("year", gettext_lazy("年度"), sort="year", value=lambda f: f.year),
        Column("mode", gettext_lazy("方式"), sort="mode", value=lambda f: display(f, "mode")),
        Column("status", gettext_lazy("状态"), sort="status", value=lambda f: display(f, "status")),
        Column(
            "conclusion",
            gettext_lazy("年检结论"),
            sort="conclusion",
            value=lambda f: display(f, "conclusion"),
        ),
        Column(
            "submitted_on",
            gettext_lazy("报送日期"),
            sort="submitted_on",
            value=lambda f: f.submitted_on,
        ),
    )
    search_fields = ("organization__name__icontains", "organization__credit_code__startswith")
    search_placeholder = gettext_lazy("组织名称或信用代码")
    filter_form_class = FilingFilterForm
    # An authority's filings together, the latest year first (index inspection_scope).
    default_sort = "authority"
    export_name = gettext_lazy("年检（年报）")

    def check_access(self) -> None:
        _check(self.request.user)

    def queryset(self) -> QuerySet[Filing]:
        return selectors.filing_rows()

    def ordering(self) -> list[str]:
        if self.sort_key == "authority":
            return ["authority_path", "-year", "pk"]
        return super().ordering()

    def extra_context(self) -> dict[str, Any]:
        user = self.request.user
        return {"can_file": permissions.is_filing_organization(user)}


filing_list = FilingList.as_view()


def _filing_page(filing: Filing) -> str:
    return reverse("inspection:filing_detail", args=[filing.pk])


def filing_detail(request: HttpRequest, pk: int) -> HttpResponse:
    _check(request.user)
    user = request.user
    filing = selectors.filing_for(user, pk)
    rectification = selectors.rectification_of(filing)
    actions = services.filing_actions(filing)
    officer_actions = [
        (action, ACTION_LABELS[action]) for action in services.OFFICER_ACTIONS if action in actions
    ]
    context: dict[str, Any] = {
        "filing": filing,
        "organization": filing.organization,
        "rectification": rectification,
        "prefill": filing.party_prefill or {},
        "can_edit": permissions.can_edit_filing(user, filing),
        "can_decide": permissions.can_decide_filing(user, filing) and officer_actions,
        "decision_form": DecisionForm(actions=officer_actions),
        "can_report": rectification is not None
        and permissions.can_report_rectification(user, rectification),
        "can_verify": rectification is not None
        and permissions.can_verify_rectification(user, rectification),
        "rectification_form": RectificationForm(),
        "verify_form": VerifyForm(),
        "status_changes": selectors.status_changes(filing),
        "breadcrumb_division": filing.authority,
        "is_inspection": filing.mode == Mode.INSPECTION,
    }
    title = _("%(org)s %(year)s年度%(mode)s") % {
        "org": filing.organization.name,
        "year": filing.year,
        "mode": filing.get_mode_display(),
    }
    return render_detail(
        request, "inspection/filing_detail.html", obj=filing, title=title, context=context
    )


def _own_organization(request: HttpRequest) -> Any:
    user = request.user
    if not permissions.is_filing_organization(user):
        raise PermissionDenied
    return user.organization  # type: ignore[union-attr]


def _apply_errors(form: forms.BaseForm, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


def _render_form(
    request: HttpRequest,
    form: forms.BaseForm,
    *,
    filing: Filing | None,
    organization: Any,
    prefill: dict[str, Any],
    status: int = 200,
) -> HttpResponse:
    title = _("修改年检（年报）") if filing else _("填报年检（年报）")
    return render(
        request,
        "inspection/filing_form.html",
        {
            "page_title": title,
            "form": form,
            "filing": filing,
            "organization": organization,
            "prefill": prefill,
        },
        status=status,
    )


def filing_create(request: HttpRequest) -> HttpResponse:
    organization = _own_organization(request)
    year = timezone.localdate().year - 1
    prefill = selectors.party_facts(organization, year)
    if request.method != "POST":
        initial = {"year": year, **services.filing_initial(organization, year)}
        initial.setdefault("party_activities", 0)
        initial.update(income=0, expenditure=0, net_assets=0)
        return _render_form(
            request,
            FilingCreateForm(initial=initial),
            filing=None,
            organization=organization,
            prefill=prefill,
        )
    form = FilingCreateForm(request.POST)
    if form.is_valid():
        data = dict(form.cleaned_data)
        chosen = data.pop("year")
        try:
            filing = services.filing_create(
                actor=request.user, organization=organization, year=chosen, data=data
            )
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, _("已保存草稿，核对后请报送。"))
            return redirect(_filing_page(filing))
    return _render_form(
        request, form, filing=None, organization=organization, prefill=prefill, status=422
    )


def filing_edit(request: HttpRequest, pk: int) -> HttpResponseBase:
    _check(request.user)
    filing = selectors.filing_for(request.user, pk)
    if not permissions.is_filing_organization(request.user):
        raise PermissionDenied
    if not permissions.can_edit_filing(request.user, filing):
        messages.error(request, _("已报送的年检（年报）不能修改；被退回后可以修改。"))
        return redirect(_filing_page(filing))
    prefill = filing.party_prefill or {}
    if request.method != "POST":
        initial = {name: getattr(filing, name) for name in services.REPORTED_FIELDS}
        return _render_form(
            request,
            FilingForm(initial=initial),
            filing=filing,
            organization=filing.organization,
            prefill=prefill,
        )
    form = FilingForm(request.POST)
    if form.is_valid():
        try:
            services.filing_update(actor=request.user, filing=filing, data=form.cleaned_data)
        except ValidationError as exc:
            _apply_errors(form, exc)
        except TransitionNotAllowed as exc:
            messages.error(request, str(exc))
            return redirect(_filing_page(filing))
        else:
            messages.success(request, _("已保存。"))
            return redirect(_filing_page(filing))
    return _render_form(
        request,
        form,
        filing=filing,
        organization=filing.organization,
        prefill=prefill,
        status=422,
    )


def _acting(request: HttpRequest, pk: int, allowed: Any) -> Filing:
    _check(request.user)
    filing = selectors.filing_for(request.user, pk)
    if not allowed(request.user):
        raise PermissionDenied
    return filing


@require_POST
def filing_submit(request: HttpRequest, pk: int) -> HttpResponse:
    filing = _acting(request, pk, permissions.is_filing_organization)
    return workflow_action(
        request,
        step=lambda data: services.filing_submit(actor=request.user, filing=filing),
        done=_("已报送。"),
        back=_filing_page(filing),
    )


@require_POST
def filing_decide(request: HttpRequest, pk: int) -> HttpResponse:
    filing = _acting(request, pk, permissions.is_inspection_officer)
    form = DecisionForm(
        request.POST, actions=[(a, ACTION_LABELS[a]) for a in services.OFFICER_ACTIONS]
    )
    return workflow_action(
        request,
        form=form,
        step=lambda data: services.filing_decide(
            actor=request.user,
            filing=filing,
            action=data["action"],
            reason=data.get("reason", ""),
            conclusion=data.get("conclusion", ""),
        ),
        done=_("已办理。"),
        back=_filing_page(filing),
    )


def _rectification(request: HttpRequest, filing: Filing) -> Any:
    rectification = selectors.rectification_of(filing)
    if rectification is None:
        messages.error(request, _("这份年检没有整改事项。"))
    return rectification


@require_POST
def rectification_submit(request: HttpRequest, pk: int) -> HttpResponse:
    filing = _acting(request, pk, permissions.is_filing_organization)
    rectification = _rectification(request, filing)
    if rectification is None:
        return redirect(_filing_page(filing))
    return workflow_action(
        request,
        form=RectificationForm(request.POST),
        step=lambda data: services.rectification_submit(
            actor=request.user, rectification=rectification, report=data["report"]
        ),
        done=_("已报送整改情况。"),
        back=_filing_page(filing),
    )


@require_POST
def rectification_verify(request: HttpRequest, pk: int) -> HttpResponse:
    filing = _acting(request, pk, permissions.is_inspection_officer)
    rectification = _rectification(request, filing)
    if rectification is None:
        return redirect(_filing_page(filing))
    return workflow_action(
        request,
        form=VerifyForm(request.POST),
        step=lambda data: services.rectification_verify(
            actor=request.user,
            rectification=rectification,
            approve=data["decision"] == "verify",
            reason=data.get("reason", ""),
        ),
        done=_("已办理整改核实。"),
        back=_filing_page(filing),
    )


# --- completion figures --------------------------------------------------------------------------

COMPLETION_HEADERS = (
    gettext_lazy("登记管理机关"),
    gettext_lazy("方式"),
    gettext_lazy("应报数"),
    gettext_lazy("已报数"),
    gettext_lazy("报送率"),
    gettext_lazy("未报"),
    gettext_lazy("连续两年未报"),
    gettext_lazy("连续三年未报"),
    gettext_lazy("免报（新成立）"),
)


def completion(request: HttpRequest) -> HttpResponseBase:
    user = request.user
    if not permissions.is_inspection_officer(user):
        raise PermissionDenied
    years = selectors.completion_years(user)
    try:
        year = int(request.GET.get("year", ""))
    except ValueError:
        year = years[0] if years else timezone.localdate().year - 1
    division = request.GET.get("division", "").strip()[:12] or None
    if division is not None and not division.isdigit():
        division = None
    rows = selectors.completion_figures(user, year, division=division)
    total = selectors.completion_total(rows, year)
    if request.GET.get("format") == "xlsx":
        return xlsx_response(
            filename=f"{_('年检年报完成情况')}-{year}.xlsx",
            headers=list(COMPLETION_HEADERS),
            rows=(
                [
                    r.authority_name,
                    r.mode_label,
                    r.due,
                    r.filed,
                    _rate(r.rate),
                    r.missed,
                    r.missed_two_years,
                    r.missed_three_years,
                    r.exempt,
                ]
                for r in [*rows, total]
            ),
            sheet_title=str(year),
        )
    return render(
        request,
        "inspection/completion.html",
        {
            "page_title": _("年检（年报）完成情况"),
            "year": year,
            "years": years,
            "division": division or "",
            "rows": rows,
            "total": total,
            "headers": COMPLETION_HEADERS,
            "exemption": rules.EXEMPTION_CITATION,
        },
    )


# --- configuration -------------------------------------------------------------------------------


def config_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not permissions.can_manage_configs(user):
        raise PermissionDenied
    years = selectors.completion_years(user)
    try:
        year = int(request.GET.get("year", ""))
    except ValueError:
        year = years[0] if years else timezone.localdate().year - 1
    configs = (
        selectors.config_rows().visible_to(user).filter(year=year).order_by("authority_path", "pk")
    )
    return render(
        request,
        "inspection/config_list.html",
        {
            "page_title": _("年检（年报）安排"),
            "year": year,
            "years": years,
            "configs": [(config, permissions.can_edit_config(user, config)) for config in configs],
        },
    )


def _config_form_page(
    request: HttpRequest, form: ConfigForm, config: InspectionConfig | None, status: int = 200
) -> HttpResponse:
    return render(
        request,
        "inspection/config_form.html",
        {
            "page_title": _("修改年检（年报）安排") if config else _("新增年检（年报）安排"),
            "form": form,
            "config": config,
        },
        status=status,
    )


def config_create(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not permissions.can_manage_configs(user):
        raise PermissionDenied
    authorities = selectors.config_authorities(user)
    if request.method != "POST":
        year = timezone.localdate().year
        initial = {"year": year, "mode": Mode.REPORT, **default_window(year)}
        return _config_form_page(
            request, ConfigForm(initial=initial, authorities=authorities), None
        )
    form = ConfigForm(request.POST, authorities=authorities)
    if form.is_valid():
        try:
            config = services.config_save(actor=user, data=form.cleaned_data)
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, _("已保存。"))
            return redirect(reverse("inspection:config_list") + f"?year={config.year}")
    return _config_form_page(request, form, None, status=422)


def config_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    if not permissions.can_manage_configs(user):
        raise PermissionDenied
    config = get_object_or_404(InspectionConfig.objects.visible_to(user), pk=pk)
    if not permissions.can_edit_config(user, config):
        raise PermissionDenied
    if request.method != "POST":
        initial = {
            "mode": config.mode,
            "window_opens_on": config.window_opens_on,
            "window_closes_on": config.window_closes_on,
            "supervisor_due_on": config.supervisor_due_on,
        }
        return _config_form_page(request, ConfigForm(initial=initial, editing=True), config)
    form = ConfigForm(request.POST, editing=True)
    if form.is_valid():
        try:
            services.config_save(actor=user, data=form.cleaned_data, config=config)
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, _("已保存。"))
            return redirect(reverse("inspection:config_list") + f"?year={config.year}")
    return _config_form_page(request, form, config, status=422)


# --- public face ---------------------------------------------------------------------------------


def public_filings(request: HttpRequest, credit_code: str) -> HttpResponse:
    """Published annual reports and concluded inspections of one organization, for anyone."""
    from shezhi.social_orgs.selectors import public_organization

    if request.method not in ("GET", "HEAD"):
        from django.http import HttpResponseNotAllowed

        return HttpResponseNotAllowed(["GET", "HEAD"])
    organization = public_organization(credit_code)
    return render(
        request,
        "inspection/public/filings.html",
        {
            "page_title": _("%(name)s 年检（年报）公示") % {"name": organization.name},
            "organization": organization,
            "filings": list(selectors.public_filings(organization)),
        },
    )
