"""Party-member pages: the list (filters, search by name or full ID number, masked export), a
member's page (facts, development, transfers, posts, History), registering and correcting a
member, the development steps, committee posts of a party organization, and the xlsx import.

Views parse and render; services decide (services/members.py, posts.py, member_imports.py).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.db.models import Q, QuerySet
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from shezhi.core.exports import XLSX_CONTENT_TYPE, xlsx_response
from shezhi.core.views.actions import workflow_action
from shezhi.core.views.detail import HISTORY, OVERVIEW, Tab, render_detail
from shezhi.core.views.listing import Column, ListPage
from shezhi.core.workflows import TransitionNotAllowed
from shezhi.social_orgs.models import ImportStatus

from .. import imports, rules
from ..forms.members import (
    AdvanceForm,
    CancelProbationForm,
    ExtendForm,
    MemberFilterForm,
    MemberForm,
    PostAssignForm,
    PostEndForm,
    TransferSendForm,
)
from ..models import (
    CommitteePost,
    MemberImport,
    MemberStatus,
    PartyMember,
    PartyOrganization,
    Stage,
)
from ..permissions import (
    answers_for_branch,
    can_develop_member,
    can_edit_member_records,
    can_import_members,
    can_manage_posts,
    can_send_transfer,
    can_view_members,
)
from ..selectors import members as selectors
from ..services import member_imports, posts
from ..services import members as services
from ..services import transfers as transfer_services

DEVELOPMENT = Tab("development", gettext_lazy("发展与转接"))
POSTS = Tab("posts", gettext_lazy("任职"))


def _check(user: Any) -> None:
    if not can_view_members(user):
        raise PermissionDenied


def _form_errors(form: Any, exc: ValidationError) -> None:
    """Put a service's errors next to the form's fields (or on top when no field matches)."""
    if hasattr(exc, "error_dict"):
        for key, errors in exc.message_dict.items():
            target = key if key in form.fields else None
            for error in errors:
                form.add_error(target if key != NON_FIELD_ERRORS else None, error)
    else:
        for error in exc.messages:
            form.add_error(None, error)


def _warn(request: HttpRequest, warnings: list[str]) -> None:
    for warning in warnings:
        messages.warning(request, warning)


# --- the list ------------------------------------------------------------------------------------


class MemberList(ListPage):
    """Members inside the user's view: a jurisdiction, a branch's members, an organization's
    staff. ID numbers and phones are masked, on the page and in the export."""

    template_name = "party/member_list.html"
    title = gettext_lazy("党员")
    columns = (
        Column("name", gettext_lazy("姓名"), sort="name"),
        Column("gender", gettext_lazy("性别"), sort="gender"),
        Column("id_number", gettext_lazy("身份证号码")),
        Column("stage", gettext_lazy("发展阶段"), sort="stage"),
        Column("branch", gettext_lazy("所在党组织"), sort="branch__name"),
        Column("employer", gettext_lazy("工作单位"), sort="employer__name"),
        Column("division", gettext_lazy("所属区划"), sort="division_path"),
        Column("flags", gettext_lazy("标记")),
    )
    search_fields = ("name__icontains",)
    search_placeholder = gettext_lazy("姓名，或完整的身份证号码、手机号码")
    filter_form_class = MemberFilterForm
    default_sort = "division"
    export_name = gettext_lazy("党员")

    def check_access(self) -> None:
        _check(self.request.user)

    def queryset(self) -> QuerySet[PartyMember]:
        return selectors.member_rows()

    def search_q(self, term: str) -> Q:
        return selectors.member_search_q(term)

    def export_columns(self) -> list[Column]:
        # The import template's columns, so an export lines up with it (masked personal data).
        return [Column(c.key or c.header, c.label, value=c.export) for c in imports.COLUMNS]

    def extra_context(self) -> dict[str, Any]:
        user = self.request.user
        return {
            "can_create": can_edit_member_records(user),
            "can_import": can_import_members(user),
        }


member_list = MemberList.as_view()


# --- one member ----------------------------------------------------------------------------------


def member_detail(request: HttpRequest, pk: int) -> HttpResponse:
    _check(request.user)
    member = selectors.member_for(request.user, pk)
    user = request.user
    today = timezone.localdate()
    following = rules.next_stage(member.stage) if member.status == MemberStatus.ACTIVE else None
    may_develop = can_develop_member(user, member)
    context: dict[str, Any] = {
        "member": member,
        "breadcrumb_division": member.division,
        "can_edit": can_edit_member_records(user),
        "can_develop": may_develop,
        "next_stage": following,
        "next_stage_label": dict(Stage.choices).get(following or "", ""),
        "is_probationary": member.stage == Stage.PROBATIONARY
        and member.status == MemberStatus.ACTIVE,
        "can_extend": may_develop
        and member.stage == Stage.PROBATIONARY
        and member.status == MemberStatus.ACTIVE
        and not member.probation_extended,
        "can_transfer": member.status == MemberStatus.ACTIVE and can_send_transfer(user, member),
        "branch_visible": member.branch is not None
        and PartyOrganization.objects.visible_to(user).filter(pk=member.branch_id).exists(),
        "probation_earliest_end": rules.probation_earliest_end(member),
        "probation_latest_end": rules.probation_latest_end(member),
        "sponsors": list(member.sponsors.all()),
    }
    tab = request.GET.get("tab", OVERVIEW.key)
    if tab == DEVELOPMENT.key:
        context["stage_changes"] = selectors.stage_changes(member)
        context["transfers"] = selectors.member_transfers(member)
        context["open_transfer"] = selectors.open_transfer(member)
    elif tab == POSTS.key:
        context["posts"] = selectors.member_posts(member)
    elif tab != HISTORY.key:
        context["findings"] = rules.member_findings(member, today=today)
        context["stage_rows"] = _stage_rows(member)
    return render_detail(
        request,
        "party/member_detail.html",
        obj=member,
        title=member.name,
        tabs=(OVERVIEW, DEVELOPMENT, POSTS, HISTORY),
        context=context,
    )


def _stage_rows(member: PartyMember) -> list[dict[str, Any]]:
    from ..models import STAGE_DATE_FIELD, STAGE_ORDER

    index = STAGE_ORDER.index(member.stage)
    return [
        {
            "stage": stage,
            "label": label,
            "on": getattr(member, STAGE_DATE_FIELD[stage]),
            "reached": STAGE_ORDER.index(stage) <= index,
            "current": stage == member.stage,
        }
        for stage, label in Stage.choices
    ]


def member_create(request: HttpRequest) -> HttpResponse:
    _check(request.user)
    if not can_edit_member_records(request.user):
        raise PermissionDenied
    form = MemberForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "stage"}
        try:
            result = services.member_create(
                actor=request.user, stage=form.cleaned_data["stage"], **data
            )
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            _warn(request, result.warnings)
            messages.success(request, _("已登记党员%(name)s。") % {"name": result.member.name})
            # A record the user cannot see (another organization's staff) would answer 404.
            if PartyMember.objects.visible_to(request.user).filter(pk=result.member.pk).exists():
                return redirect("party:member_detail", result.member.pk)
            return redirect("party:member_list")
    status = 422 if request.method == "POST" else 200
    context = {"page_title": _("登记党员"), "form": form, "member": None}
    return render(request, "party/member_form.html", context, status=status)


def member_edit(request: HttpRequest, pk: int) -> HttpResponse:
    _check(request.user)
    if not can_edit_member_records(request.user):
        raise PermissionDenied
    member = selectors.member_for(request.user, pk)
    form = MemberForm(request.POST or None, instance=member, user=request.user)
    if request.method == "POST" and form.is_valid():
        changes = {k: v for k, v in form.cleaned_data.items() if k in services.UPDATE_FIELDS}
        try:
            result = services.member_update(actor=request.user, member=member, **changes)
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            _warn(request, result.warnings)
            messages.success(request, _("已保存。"))
            if PartyMember.objects.visible_to(request.user).filter(pk=member.pk).exists():
                return redirect("party:member_detail", member.pk)
            return redirect("party:member_list")
    status = 422 if request.method == "POST" else 200
    context = {"page_title": _("更正党员信息：%(name)s") % {"name": member.name}, "form": form}
    context["member"] = member
    return render(request, "party/member_form.html", context, status=status)


# --- development steps ---------------------------------------------------------------------------


def _developable(request: HttpRequest, pk: int) -> PartyMember:
    _check(request.user)
    member = selectors.member_for(request.user, pk)
    if not can_develop_member(request.user, member):
        raise PermissionDenied
    return member


def _step(
    request: HttpRequest,
    member: PartyMember,
    form: Any,
    perform: Callable[[dict[str, Any]], HttpResponse],
    *,
    title: str,
    action: str = "",
) -> HttpResponse:
    """A step's page on a member: the form (200), its problems (422), or `perform` with the
    cleaned data, which takes the step and answers (its message and redirect). A step the state no
    longer allows (another officer was first) goes back to the member's page with the reason."""
    status = 200
    if request.method == "POST":
        status = 422
        if form.is_valid():
            try:
                return perform(form.cleaned_data)
            except TransitionNotAllowed as exc:
                messages.error(request, str(exc))
                return redirect("party:member_detail", member.pk)
            except ValidationError as exc:
                _form_errors(form, exc)
    context = {
        "page_title": title,
        "member": member,
        "form": form,
        "action": action,
        "probation_earliest_end": rules.probation_earliest_end(member),
    }
    return render(request, "party/member_step.html", context, status=status)


def member_advance(request: HttpRequest, pk: int) -> HttpResponse:
    member = _developable(request, pk)
    to = request.GET.get("to") or request.POST.get("to") or rules.next_stage(member.stage) or ""
    if to not in Stage.values:
        raise Http404
    form = AdvanceForm(request.POST or None, member=member, to=to)
    stage = dict(Stage.choices)[to]

    def advance(data: dict[str, Any]) -> HttpResponse:
        result = services.member_advance(
            actor=request.user,
            member=member,
            to=to,
            on=data["on"],
            sponsors=data.get("sponsors") if "sponsors" in form.fields else None,
            training_hours=data.get("training_hours"),
            reason=data.get("reason", ""),
        )
        _warn(request, result.warnings)
        messages.success(
            request, _("%(name)s已确定为%(stage)s。") % {"name": member.name, "stage": stage}
        )
        return redirect("party:member_detail", member.pk)

    title = _("%(name)s：%(stage)s") % {"name": member.name, "stage": stage}
    return _step(request, member, form, advance, title=title, action=f"?to={to}")


def _probation_step(
    request: HttpRequest,
    pk: int,
    form_class: type[ExtendForm | CancelProbationForm],
    service: Callable[..., Any],
    *,
    title: str,
    done: str,
) -> HttpResponse:
    """Extend or cancel a probation: the branch meeting's decision, its date and reason."""
    member = _developable(request, pk)
    form = form_class(request.POST or None, initial={"on": timezone.localdate()})

    def decide(data: dict[str, Any]) -> HttpResponse:
        service(actor=request.user, member=member, **data)
        messages.success(request, done)
        return redirect("party:member_detail", member.pk)

    return _step(request, member, form, decide, title=title % {"name": member.name})


def member_extend_probation(request: HttpRequest, pk: int) -> HttpResponse:
    return _probation_step(
        request,
        pk,
        ExtendForm,
        services.member_extend_probation,
        title=_("%(name)s：延长预备期"),
        done=_("已延长预备期。"),
    )


def member_cancel_probation(request: HttpRequest, pk: int) -> HttpResponse:
    return _probation_step(
        request,
        pk,
        CancelProbationForm,
        services.member_cancel_probation,
        title=_("%(name)s：取消预备党员资格"),
        done=_("已取消预备党员资格。"),
    )


def transfer_send(request: HttpRequest, pk: int) -> HttpResponse:
    _check(request.user)
    member = selectors.member_for(request.user, pk)
    if not can_send_transfer(request.user, member):
        raise PermissionDenied
    form = TransferSendForm(request.POST or None, initial={"sent_on": timezone.localdate()})

    def send(data: dict[str, Any]) -> HttpResponse:
        transfer = transfer_services.transfer_send(actor=request.user, member=member, **data)
        messages.success(
            request,
            _("已开具组织关系介绍信，有效期至 %(until)s。")
            % {"until": transfer.valid_until.isoformat()},
        )
        return redirect("party:transfer_detail", transfer.pk)

    title = _("%(name)s：转出组织关系") % {"name": member.name}
    return _step(request, member, form, send, title=title)


# --- committee posts -----------------------------------------------------------------------------


def _organization(request: HttpRequest, pk: int) -> PartyOrganization:
    _check(request.user)
    return get_object_or_404(
        PartyOrganization.objects.visible_to(request.user).select_related("division"), pk=pk
    )


def _may_manage_posts(user: Any, organization: PartyOrganization) -> bool:
    return can_manage_posts(user) and answers_for_branch(user, organization)


def organization_posts(request: HttpRequest, pk: int) -> HttpResponse:
    organization = _organization(request, pk)
    may_manage = _may_manage_posts(request.user, organization)
    form = PostAssignForm(
        request.POST or None,
        candidates=selectors.post_candidates(organization),
        initial={"since": timezone.localdate()},
    )
    status = 200
    if request.method == "POST":
        if not may_manage:
            raise PermissionDenied
        status = 422
        if form.is_valid():
            try:
                seat = posts.post_assign(
                    actor=request.user, organization=organization, **form.cleaned_data
                )
            except ValidationError as exc:
                _form_errors(form, exc)
            else:
                messages.success(
                    request,
                    _("%(name)s任%(post)s。")
                    % {"name": seat.member.name, "post": seat.get_post_display()},
                )
                return redirect("party:organization_posts", organization.pk)
    context = {
        "page_title": _("委员会：%(name)s") % {"name": organization.name},
        "organization": organization,
        "posts": selectors.organization_posts(organization),
        "form": form if may_manage else None,
        "end_form": PostEndForm(initial={"until": timezone.localdate()}),
        "breadcrumb_division": organization.division,
    }
    return render(request, "party/member_posts.html", context, status=status)


@require_POST
def post_end(request: HttpRequest, pk: int) -> HttpResponse:
    _check(request.user)
    seat = get_object_or_404(
        CommitteePost.objects.select_related("party_organization", "member").filter(
            party_organization__in=PartyOrganization.objects.visible_to(request.user)
        ),
        pk=pk,
    )
    if not _may_manage_posts(request.user, seat.party_organization):
        raise PermissionDenied
    return workflow_action(
        request,
        form=PostEndForm(request.POST),
        step=lambda data: posts.post_end(actor=request.user, post=seat, **data),
        done=_("%(name)s已离任%(post)s。")
        % {"name": seat.member.name, "post": seat.get_post_display()},
        back=reverse("party:organization_posts", args=[seat.party_organization_id]),
    )


# --- import --------------------------------------------------------------------------------------


def _importer(request: HttpRequest) -> None:
    _check(request.user)
    if not can_import_members(request.user):
        raise PermissionDenied


def member_import(request: HttpRequest) -> HttpResponse:
    """The upload page: the template, the upload form, the user's recent imports."""
    _importer(request)
    problem = ""
    if request.method == "POST":
        upload = request.FILES.get("file")
        if upload is None:
            problem = _("请选择要上传的 .xlsx 文件。")
        else:
            try:
                job = member_imports.member_import_start(actor=request.user, upload=upload)
            except ValidationError as exc:
                problem = "；".join(exc.messages)
            else:
                return redirect("party:member_import_detail", job.pk)
    context = {
        "page_title": _("导入党员"),
        "problem": problem,
        "jobs": list(MemberImport.objects.visible_to(request.user).order_by("-created_at")[:10]),
        "max_rows": imports.MAX_ROWS,
        "template_url": reverse("party:member_import_template"),
        "columns": [c for c in imports.COLUMNS if c.key],
    }
    return render(request, "party/member_import.html", context, status=422 if problem else 200)


def member_import_template(request: HttpRequest) -> HttpResponse:
    _importer(request)
    response = HttpResponse(imports.template_workbook(), content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = 'attachment; filename="party-members-template.xlsx"'
    return response


def _job(request: HttpRequest, pk: int) -> MemberImport:
    _importer(request)
    return get_object_or_404(MemberImport.objects.visible_to(request.user), pk=pk)


def member_import_detail(request: HttpRequest, pk: int) -> HttpResponse:
    job = _job(request, pk)
    context = {
        "page_title": _("党员导入：%(name)s") % {"name": job.original_name},
        "job": job,
        "errors": job.errors[:200],
        "warnings": job.warnings[:50],
        "is_invalid": job.status == ImportStatus.INVALID,
        "is_done": job.status == ImportStatus.DONE,
    }
    htmx = getattr(request, "htmx", None)
    template = "party/member_import_detail.html"
    if htmx and htmx.target == "import-progress":
        template += "#progress"
    return render(request, template, context)


def member_import_report(request: HttpRequest, pk: int) -> FileResponse:
    job = _job(request, pk)
    if not job.errors and not job.warnings:
        raise Http404
    rows = [[*e, _("问题")] for e in job.errors] + [[*w, _("提醒")] for w in job.warnings]
    return xlsx_response(
        filename=f"member-import-{job.pk}-report.xlsx",
        headers=[_("行"), _("列"), _("说明"), _("类别")],
        rows=([row or "", column, message, kind] for row, column, message, kind in rows),
        sheet_title=_("问题清单"),
    )
