"""Organization-relationship transfer pages: the list (both ends see a transfer: the sending
organization stays responsible until the member is received), a transfer's page with its
History, and the decisions: receive, reject (receiving side) and cancel (sending side)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from shezhi.core.forms import FilterForm
from shezhi.core.personal_data import PersonalKind, mask
from shezhi.core.views.actions import workflow_action
from shezhi.core.views.detail import render_detail
from shezhi.core.views.listing import Column, ListPage, display

from ..forms.members import TransferDecisionForm, TransferReceiveForm
from ..models import PartyMember, Transfer, TransferStatus
from ..permissions import (
    answers_for_branch,
    can_cancel_transfer,
    can_decide_transfer,
    can_view_members,
)
from ..selectors import members as selectors
from ..selectors.organizations import status_changes
from ..services import transfers as services


def _check(user: Any) -> None:
    if not can_view_members(user):
        raise PermissionDenied


class TransferFilterForm(FilterForm):
    status = forms.ChoiceField(
        label=gettext_lazy("状态"),
        choices=[("", gettext_lazy("全部状态")), *TransferStatus.choices],
    )
    direction = forms.ChoiceField(
        label=gettext_lazy("方向"),
        choices=[
            ("", gettext_lazy("转入和转出")),
            ("in", gettext_lazy("转入本单位")),
            ("out", gettext_lazy("由本单位转出")),
        ],
    )
    expired = forms.TypedChoiceField(
        label=gettext_lazy("介绍信已过期"),
        choices=[("", gettext_lazy("全部")), ("1", gettext_lazy("是"))],
        coerce=lambda value: value == "1",
        empty_value=None,
    )

    def __init__(self, *args: Any, user: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user

    def apply(self, queryset: QuerySet[Any]) -> QuerySet[Any]:
        self.is_valid()
        cleaned = getattr(self, "cleaned_data", {})
        if cleaned.get("status"):
            queryset = queryset.filter(status=cleaned["status"])
        direction = cleaned.get("direction")
        if direction and self.user is not None:
            # "In" = the receiving end is within the user's view, "out" = the sending end.
            from shezhi.core.scoping import jurisdiction_q

            path, org = (
                ("to_branch__division_path", "to_branch")
                if direction == "in"
                else ("from_branch__division_path", "from_branch")
            )
            queryset = queryset.filter(
                jurisdiction_q(self.user, path_lookup=path, party_organization_lookup=org)
            )
        if cleaned.get("expired"):
            queryset = queryset.filter(
                status=TransferStatus.SENT, valid_until__lt=timezone.localdate()
            )
        return queryset


class TransferList(ListPage):
    template_name = "party/transfer_list.html"
    title = gettext_lazy("组织关系转接")
    columns = (
        Column("member", gettext_lazy("党员"), sort="member__name", value=lambda t: t.member.name),
        Column(
            "from_branch",
            gettext_lazy("转出党组织"),
            sort="from_branch__name",
            value=lambda t: t.from_branch.name,
        ),
        Column(
            "to_branch",
            gettext_lazy("转入党组织"),
            sort="to_branch__name",
            value=lambda t: t.to_branch.name,
        ),
        Column("sent_on", gettext_lazy("转出日期"), sort="sent_on", value=lambda t: t.sent_on),
        Column(
            "valid_until",
            gettext_lazy("介绍信有效期至"),
            sort="valid_until",
            value=lambda t: t.valid_until,
        ),
        Column("status", gettext_lazy("状态"), sort="status", value=lambda t: display(t, "status")),
        Column(
            "decided_on", gettext_lazy("办理日期"), sort="decided_on", value=lambda t: t.decided_on
        ),
    )
    search_fields = ("member__name__icontains",)
    search_placeholder = gettext_lazy("党员姓名")
    filter_form_class = TransferFilterForm
    default_sort = "-sent_on"
    export_name = gettext_lazy("组织关系转接")

    def check_access(self) -> None:
        _check(self.request.user)

    @property
    def filter_form(self) -> FilterForm:
        # The direction filter needs the user; the list pattern builds forms from the query only.
        if not hasattr(self, "_filter_form"):
            self._filter_form: FilterForm = TransferFilterForm(self.query, user=self.request.user)
        return self._filter_form

    def queryset(self) -> QuerySet[Transfer]:
        return selectors.transfer_rows()

    def search_q(self, term: str) -> Q:
        return Q(member__name__icontains=term)

    def extra_context(self) -> dict[str, Any]:
        return {"today": timezone.localdate()}


transfer_list = TransferList.as_view()


def transfer_detail(request: HttpRequest, pk: int) -> HttpResponse:
    _check(request.user)
    transfer = selectors.transfer_for(request.user, pk)
    user = request.user
    member = transfer.member
    today = timezone.localdate()
    context: dict[str, Any] = {
        "transfer": transfer,
        "member": member,
        # The receiving side sees who it is asked to take in, masked; the member's own page
        # (and the logged reveal) stays with those who hold the member.
        "member_visible": PartyMember.objects.visible_to(user).filter(pk=member.pk).exists(),
        "masked_id_number": mask(PersonalKind.ID_NUMBER, member.id_number),
        "expired": transfer.status == TransferStatus.SENT and transfer.valid_until < today,
        "can_decide": can_decide_transfer(user, transfer),
        "can_cancel": can_cancel_transfer(user, transfer),
        "receive_form": TransferReceiveForm(user=user, initial={"on": today}),
        "decision_form": TransferDecisionForm(),
        "sending_side": answers_for_branch(user, transfer.from_branch),
        "status_changes": status_changes(transfer),
        "breadcrumb_division": transfer.to_branch.division,
    }
    title = _("组织关系转接：%(name)s") % {"name": member.name}
    return render_detail(
        request, "party/transfer_detail.html", obj=transfer, title=title, context=context
    )


def _transfer(request: HttpRequest, pk: int, allowed: Callable[[Any, Transfer], bool]) -> Transfer:
    """The transfer (404 outside the user's view) if `allowed` lets the user act on it (403)."""
    _check(request.user)
    transfer = selectors.transfer_for(request.user, pk)
    if not allowed(request.user, transfer):
        raise PermissionDenied
    return transfer


def _page(transfer: Transfer) -> str:
    return reverse("party:transfer_detail", args=[transfer.pk])


@require_POST
def transfer_receive(request: HttpRequest, pk: int) -> HttpResponse:
    transfer = _transfer(request, pk, can_decide_transfer)

    def receive(data: dict[str, Any]) -> Transfer:
        employer = data.get("employer")
        return services.transfer_receive(
            actor=request.user,
            transfer=transfer,
            on=data["on"],
            employer=employer if employer is not None else services.KEEP,
            note=data.get("note", ""),
        )

    return workflow_action(
        request,
        form=TransferReceiveForm(request.POST, user=request.user),
        step=receive,
        done=_("已接收%(name)s的组织关系。") % {"name": transfer.member.name},
        back=_page(transfer),
    )


def _with_reason(
    request: HttpRequest,
    pk: int,
    *,
    allowed: Callable[[Any, Transfer], bool],
    step: Callable[..., Transfer],
    missing: str,
    done: str,
) -> HttpResponse:
    """Reject (receiving side) or cancel (sending side): a decision on the letter with a reason."""
    transfer = _transfer(request, pk, allowed)
    return workflow_action(
        request,
        form=TransferDecisionForm(request.POST),
        invalid=missing,
        step=lambda data: step(actor=request.user, transfer=transfer, reason=data["reason"]),
        done=done,
        back=_page(transfer),
    )


@require_POST
def transfer_reject(request: HttpRequest, pk: int) -> HttpResponse:
    return _with_reason(
        request,
        pk,
        allowed=can_decide_transfer,
        step=services.transfer_reject,
        missing=_("请填写退回的原因。"),
        done=_("已退回组织关系介绍信。"),
    )


@require_POST
def transfer_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    return _with_reason(
        request,
        pk,
        allowed=can_cancel_transfer,
        step=services.transfer_cancel,
        missing=_("请填写撤销的原因。"),
        done=_("已撤销组织关系介绍信。"),
    )
