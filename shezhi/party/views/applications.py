"""Business handling (党组织事项办理): applications to establish, change, re-elect or dissolve a
party organization, their documents, and the superior's decision."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from shezhi.core.scoping import jurisdiction_path, prefix_q
from shezhi.core.views.actions import workflow_action
from shezhi.core.views.detail import HISTORY, OVERVIEW, render_detail
from shezhi.core.views.listing import Column, ListPage, display
from shezhi.core.workflows import TransitionNotAllowed

from ..forms.organizations import (
    ApplicationFilterForm,
    ApplicationForm,
    ChangeForm,
    DecisionForm,
    DissolveForm,
    DocumentForm,
    EstablishForm,
    ReelectForm,
    WithdrawForm,
)
from ..models import (
    ApplicationKind,
    ApplicationStatus,
    PartyOrganization,
    PartyOrgApplication,
)
from ..permissions import (
    can_apply,
    can_apply_for,
    can_attach_documents,
    can_decide_application,
    can_edit_application,
    can_view_party_organizations,
    can_withdraw_application,
    is_applicant_side,
    is_decider,
    is_party_committee_officer,
)
from ..selectors import organizations as selectors
from ..services import organizations as services
from ._documents import document_response


def _check(user: Any) -> None:
    if not can_view_party_organizations(user):
        raise PermissionDenied


def _subject(application: PartyOrgApplication) -> str:
    if application.party_organization is not None:
        return application.party_organization.name
    return str(application.proposal.get("name", ""))


def _application(
    request: HttpRequest, pk: int, allowed: Callable[[Any, PartyOrgApplication], bool]
) -> PartyOrgApplication:
    """The application (404 outside the user's view) if `allowed` lets the user act on it (403)."""
    _check(request.user)
    application = selectors.application_for(request.user, pk)
    if not allowed(request.user, application):
        raise PermissionDenied
    return application


def _page(application: PartyOrgApplication) -> str:
    return reverse("party:application_detail", args=[application.pk])


class ApplicationList(ListPage):
    template_name = "party/application_list.html"
    title = gettext_lazy("党组织事项办理")
    columns = (
        Column("id", gettext_lazy("编号"), sort="pk", value=lambda a: a.pk),
        Column("kind", gettext_lazy("事项"), sort="kind", value=lambda a: display(a, "kind")),
        Column("subject", gettext_lazy("党组织"), value=_subject),
        Column(
            "superior",
            gettext_lazy("审批党组织"),
            sort="superior__name",
            value=lambda a: a.superior.name,
        ),
        Column("status", gettext_lazy("状态"), sort="status", value=lambda a: display(a, "status")),
        Column(
            "submitted_at",
            gettext_lazy("提交时间"),
            sort="submitted_at",
            value=lambda a: a.submitted_at,
        ),
        Column(
            "decided_at", gettext_lazy("审批时间"), sort="decided_at", value=lambda a: a.decided_at
        ),
        Column(
            "document_count",
            gettext_lazy("材料"),
            sort="document_count",
            value=lambda a: a.document_count,
            numeric=True,
        ),
    )
    search_fields = ("party_organization__name__icontains", "proposal__name__icontains")
    search_placeholder = gettext_lazy("党组织名称")
    filter_form_class = ApplicationFilterForm
    default_sort = "-id"
    export_name = gettext_lazy("党组织事项申请")

    def check_access(self) -> None:
        _check(self.request.user)

    @property
    def awaiting(self) -> bool:
        return self.query.get("awaiting") == "1"

    def queryset(self) -> QuerySet[PartyOrgApplication]:
        rows = selectors.application_rows()
        if self.awaiting:
            # "Awaiting my decision": submitted to a superior inside the officer's jurisdiction.
            root = jurisdiction_path(self.request.user)
            if root is None or not (
                self.request.user.is_superuser or is_party_committee_officer(self.request.user)
            ):
                return rows.none()
            rows = rows.filter(status=ApplicationStatus.SUBMITTED)
            if root:
                rows = rows.filter(prefix_q("superior__division_path", root))
        return rows

    def extra_context(self) -> dict[str, Any]:
        user = self.request.user
        return {
            "awaiting": self.awaiting,
            "can_decide_any": user.is_superuser or is_party_committee_officer(user),
            "can_establish": can_apply(user, ApplicationKind.ESTABLISH),
        }


application_list = ApplicationList.as_view()


FORMS: dict[str, type[ApplicationForm]] = {
    ApplicationKind.ESTABLISH: EstablishForm,
    ApplicationKind.CHANGE: ChangeForm,
    ApplicationKind.REELECT: ReelectForm,
    ApplicationKind.DISSOLVE: DissolveForm,
}


def _form(
    request: HttpRequest,
    kind: str,
    organization: PartyOrganization | None,
    *,
    data: Any = None,
    initial: dict[str, Any] | None = None,
) -> ApplicationForm:
    user = request.user
    options: dict[str, Any] = {"user": user, "organization": organization, "initial": initial}
    if kind in (ApplicationKind.ESTABLISH, ApplicationKind.CHANGE):
        options["superiors"] = selectors.superior_choices(user)
    elif kind == ApplicationKind.REELECT:
        assert organization is not None  # noqa: S101 (views pass it for every kind but establish)
        options["candidates"] = selectors.full_members_of(organization)
    return FORMS[kind](data, **options)


def _initial(
    kind: str,
    organization: PartyOrganization | None,
    application: PartyOrgApplication | None,
    user: Any,
) -> dict[str, Any]:
    proposal = application.proposal if application is not None else None
    if kind == ApplicationKind.ESTABLISH:
        if application is not None:
            return EstablishForm.initial_from(application.proposal, application.superior)
        bound = getattr(user, "organization", None)
        return {"covered_codes": bound.credit_code} if bound is not None else {}
    assert organization is not None  # noqa: S101
    return FORMS[kind].initial_from(organization, proposal)  # type: ignore[attr-defined]


def _render_form(
    request: HttpRequest,
    form: ApplicationForm,
    kind: str,
    organization: PartyOrganization | None,
    application: PartyOrgApplication | None = None,
    status: int = 200,
) -> HttpResponse:
    label = ApplicationKind(kind).label
    title = (
        _("修改%(kind)s申请 #%(pk)s") % {"kind": label, "pk": application.pk}
        if application is not None
        else _("%(kind)s申请") % {"kind": label}
    )
    context = {
        "page_title": title,
        "form": form,
        "kind": kind,
        "organization": organization,
        "application": application,
        "breadcrumb_division": organization.division if organization else None,
    }
    return render(request, "party/application_form.html", context, status=status)


def application_create(request: HttpRequest, kind: str) -> HttpResponse:
    _check(request.user)
    if kind not in ApplicationKind.values:
        raise Http404
    organization = None
    if kind != ApplicationKind.ESTABLISH:
        try:
            pk = int(request.GET.get("organization", ""))
        except ValueError:
            raise Http404 from None
        organization = selectors.party_organization_for(request.user, pk)
    if not can_apply_for(request.user, kind, organization.pk if organization else None):
        raise PermissionDenied
    if request.method != "POST":
        form = _form(
            request, kind, organization, initial=_initial(kind, organization, None, request.user)
        )
        return _render_form(request, form, kind, organization)
    form = _form(request, kind, organization, data=request.POST)
    if form.is_valid():
        try:
            application = services.application_create(
                actor=request.user,
                kind=kind,
                proposal=form.proposal(),
                party_organization=organization,
                superior=form.superior(),
            )
        except ValidationError as exc:
            form.add_service_errors(exc.message_dict)
        else:
            messages.success(request, _("申请已保存为草稿，请上传材料后提交。"))
            return redirect("party:application_detail", application.pk)
    return _render_form(request, form, kind, organization, status=422)


def application_edit(request: HttpRequest, pk: int) -> HttpResponse:
    application = _application(request, pk, can_edit_application)
    kind, organization = application.kind, application.party_organization
    if request.method != "POST":
        form = _form(
            request,
            kind,
            organization,
            initial=_initial(kind, organization, application, request.user),
        )
        return _render_form(request, form, kind, organization, application)
    form = _form(request, kind, organization, data=request.POST)
    if form.is_valid():
        try:
            services.application_update(
                actor=request.user,
                application=application,
                proposal=form.proposal(),
                superior=form.superior(),
            )
        except ValidationError as exc:
            form.add_service_errors(exc.message_dict)
        except TransitionNotAllowed as exc:
            messages.error(request, str(exc))
            return redirect("party:application_detail", application.pk)
        else:
            messages.success(request, _("申请已修改。"))
            return redirect("party:application_detail", application.pk)
    return _render_form(request, form, kind, organization, application, status=422)


def application_detail(request: HttpRequest, pk: int) -> HttpResponse:
    _check(request.user)
    application = selectors.application_for(request.user, pk)
    user = request.user
    context: dict[str, Any] = {
        "application": application,
        "subject": _subject(application),
        "breadcrumb_division": application.division,
        "can_edit": can_edit_application(user, application),
        "can_withdraw": can_withdraw_application(user, application),
        "can_decide": can_decide_application(user, application),
        "can_attach": can_attach_documents(user, application),
    }
    if request.GET.get("tab") != HISTORY.key:
        context.update(
            {
                "proposal_rows": selectors.proposal_rows(application),
                "documents": selectors.documents_of(application),
                "timeline": [
                    (change, ApplicationStatus(change.to_status).label)
                    for change in selectors.status_changes(application)
                    if change.to_status in ApplicationStatus.values
                ],
                "decision_form": DecisionForm(),
                "withdraw_form": WithdrawForm(),
                "document_form": DocumentForm(),
            }
        )
    return render_detail(
        request,
        "party/application_detail.html",
        obj=application,
        title=_("%(kind)s申请 #%(pk)s：%(subject)s")
        % {
            "kind": application.get_kind_display(),
            "pk": application.pk,
            "subject": _subject(application),
        },
        tabs=(OVERVIEW, HISTORY),
        context=context,
    )


@require_POST
def application_submit(request: HttpRequest, pk: int) -> HttpResponse:
    application = _application(request, pk, is_applicant_side)
    return workflow_action(
        request,
        step=lambda data: services.application_submit(actor=request.user, application=application),
        done=lambda submitted: (
            _("已提交“%(superior)s”审批。") % {"superior": submitted.superior.name}
        ),
        back=_page(application),
    )


@require_POST
def application_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    application = _application(request, pk, is_applicant_side)
    # The reason is optional: one that does not fit is dropped, the withdrawal still goes ahead.
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


@require_POST
def application_decide(request: HttpRequest, pk: int) -> HttpResponse:
    # Not the superior's officer: 403. Already decided: a message (the state said no), also when
    # another officer decided first: the row lock let only one of them through.
    application = _application(request, pk, is_decider)
    return workflow_action(
        request,
        form=DecisionForm(request.POST),
        invalid=_("请选择审批结果。"),
        step=lambda data: services.application_decide(
            actor=request.user,
            application=application,
            approve=data["decision"] == "approve",
            reason=data["reason"],
        ),
        done=lambda decided: (
            _("已批准，党组织信息已更新。")
            if decided.status == ApplicationStatus.APPROVED
            else _("已作出不予批准决定。")
        ),
        back=_page(application),
    )


@require_POST
def document_upload(request: HttpRequest, pk: int) -> HttpResponse:
    application = _application(request, pk, can_attach_documents)
    return workflow_action(
        request,
        form=DocumentForm(request.POST, request.FILES),
        step=lambda data: services.document_attach(
            actor=request.user, application=application, file=data["file"], title=data["title"]
        ),
        done=lambda document: _("已上传：%(title)s") % {"title": document.title},
        back=_page(application),
    )


@require_GET
def document_download(request: HttpRequest, pk: int, document_pk: int) -> FileResponse:
    """The only way to a stored document: through the application's scoping, as an attachment."""
    _check(request.user)
    return document_response(selectors.application_for(request.user, pk), document_pk)
