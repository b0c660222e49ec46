"""Party-organization pages: the list (filters, search, export) and an organization's page."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy

from shezhi.core.scoping import is_within
from shezhi.core.views.detail import HISTORY, OVERVIEW, Tab, render_detail
from shezhi.core.views.listing import Column, ListPage, display

from ..forms.organizations import PartyOrganizationFilterForm
from ..models import ApplicationKind, PartyOrganization, PartyOrgStatus
from ..permissions import can_apply_for, can_view_party_organizations
from ..selectors import organizations as selectors

APPLICATIONS = Tab("applications", gettext_lazy("事项办理"))


def _check(user: Any) -> None:
    if not can_view_party_organizations(user):
        raise PermissionDenied


class PartyOrganizationList(ListPage):
    template_name = "party/organization_list.html"
    title = gettext_lazy("党组织")
    columns = (
        Column("name", gettext_lazy("名称"), sort="name", value=lambda o: o.name),
        Column("kind", gettext_lazy("类别"), sort="kind", value=lambda o: display(o, "kind")),
        Column(
            "formation",
            gettext_lazy("组建方式"),
            sort="formation",
            value=lambda o: display(o, "formation"),
        ),
        Column(
            "parent",
            gettext_lazy("上级党组织"),
            sort="parent__name",
            value=lambda o: o.parent.name if o.parent else "",
        ),
        Column(
            "division",
            gettext_lazy("所属区划"),
            sort="division_path",
            value=lambda o: o.division.name,
        ),
        Column(
            "covered_count",
            gettext_lazy("覆盖社会组织"),
            sort="covered_count",
            value=lambda o: o.covered_count,
            numeric=True,
        ),
        Column(
            "founded_on", gettext_lazy("成立日期"), sort="founded_on", value=lambda o: o.founded_on
        ),
        Column(
            "term_ends_on",
            gettext_lazy("本届任期届满"),
            sort="term_started_on",
            value=lambda o: o.term_ends_on,
        ),
        Column("status", gettext_lazy("状态"), sort="status", value=lambda o: display(o, "status")),
    )
    search_fields = ("name__icontains",)
    search_placeholder = gettext_lazy("党组织名称")
    filter_form_class = PartyOrganizationFilterForm
    default_sort = "division"
    export_name = gettext_lazy("党组织")

    def check_access(self) -> None:
        _check(self.request.user)

    def queryset(self) -> QuerySet[PartyOrganization]:
        return selectors.party_organization_rows()


organization_list = PartyOrganizationList.as_view()


def organization_detail(request: HttpRequest, pk: int) -> HttpResponse:
    _check(request.user)
    organization = selectors.party_organization_for(request.user, pk)
    context: dict[str, Any] = {
        "organization": organization,
        "breadcrumb_division": organization.division,
        # Above the user's jurisdiction the parent is named, not linked: its page would 404.
        "parent_visible": organization.parent is not None
        and is_within(request.user, organization.parent.division_path),
        "can_apply": {
            kind: organization.status == PartyOrgStatus.ACTIVE
            and can_apply_for(request.user, kind, organization.pk)
            for kind in (ApplicationKind.CHANGE, ApplicationKind.REELECT, ApplicationKind.DISSOLVE)
        },
    }
    tab = request.GET.get("tab", OVERVIEW.key)
    if tab == APPLICATIONS.key:
        context["applications"] = list(
            selectors.application_rows()
            .visible_to(request.user)
            .filter(party_organization=organization)
            .order_by("-created_at", "-pk")
        )
    elif tab != HISTORY.key:
        context["overview"] = selectors.party_organization_overview(organization)
    return render_detail(
        request,
        "party/organization_detail.html",
        obj=organization,
        title=organization.name,
        tabs=(OVERVIEW, APPLICATIONS, HISTORY),
        context=context,
    )
