"""The statistics page (统计分析): the "two coverages" of a division and of each child division,
with drill-down, a table beside every chart, and an xlsx export of the same figures."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponseBase
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from shezhi.core.exports import xlsx_response
from shezhi.core.models import Division

from ..analysis import LEVELS_WITH_FIGURES, Figures, coverage_report
from ..models import PartyOrgKind, Stage
from ..permissions import can_view_party_statistics


def statistics_division(user: Any, code: str | None) -> Division:
    """The division asked for, if the user may see its figures: 404 outside the jurisdiction
    (like any record), and only levels that register organizations."""
    if not can_view_party_statistics(user):
        raise PermissionDenied
    visible = Division.objects.visible_to(user).filter(level__in=LEVELS_WITH_FIGURES)
    division = visible.filter(code=code or getattr(user, "division_id", None) or "440000").first()
    if division is None:
        raise Http404
    return division


def figure_columns() -> list[tuple[str, str]]:
    return [
        ("name", _("区划")),
        ("code", _("区划代码")),
        ("social_orgs", _("社会组织")),
        ("organization_covered", _("组织覆盖")),
        ("organization_coverage_rate", _("组织覆盖率")),
        ("work_covered", _("工作覆盖")),
        ("work_coverage_rate", _("工作覆盖率")),
        ("party_organizations", _("党组织")),
        ("party_organizations_direct", _("省社会组织党委直属")),
        ("members", _("党员")),
        ("blank_spots", _("空白点")),
        ("registered_here", _("本级登记")),
    ]


def coverage(request: HttpRequest) -> HttpResponseBase:
    division = statistics_division(request.user, request.GET.get("division"))
    report = coverage_report(division)
    columns = figure_columns()
    rows = [report.total, *report.children]
    if request.GET.get("format") == "xlsx":
        stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
        return xlsx_response(
            filename=f"{_('党建两个覆盖统计')}-{division.code}-{stamp}.xlsx",
            headers=[label for _key, label in columns],
            rows=([f.as_dict()[key] for key, _label in columns] for f in rows),
            sheet_title=division.name,
        )
    total = report.total.as_dict()
    chart = {
        "children": [
            {
                "code": child.division.code,
                "name": child.division.name,
                "organization_coverage_rate": child.orgs.organization_coverage_rate,
                "work_coverage_rate": child.orgs.work_coverage_rate,
                "blank_spots": child.orgs.blank_spots,
            }
            for child in report.children
        ],
        "stages": [
            {"name": str(label), "value": total["members_by_stage"][value]}
            for value, label in Stage.choices
        ],
        "labels": {
            "organization": _("组织覆盖率"),
            "work": _("工作覆盖率"),
        },
    }
    ancestors = [d for d in _ancestors(division) if d.code != division.code]
    return render(
        request,
        "party/coverage.html",
        {
            "page_title": _("党建统计分析"),
            "division": division,
            "ancestors": ancestors,
            "total": total,
            "figures": report.total,
            "children": [child.as_dict() for child in report.children],
            "by_type": _by_type(report.total),
            "by_kind": _by_kind(report.total),
            "stages": [(label, total["members_by_stage"][value]) for value, label in Stage.choices],
            "chart": chart,
        },
    )


def _ancestors(division: Division) -> list[Division]:
    by_code = Division.objects.in_bulk(division.ancestor_codes)
    return [by_code[code] for code in division.ancestor_codes if code in by_code]


def _by_type(figures: Figures) -> list[dict[str, Any]]:
    from shezhi.social_orgs.models import OrgType

    return [
        {
            "label": label,
            "social_orgs": figures.orgs_by_type[value].social_orgs,
            "organization_covered": figures.orgs_by_type[value].organization_covered,
            "organization_coverage_rate": figures.orgs_by_type[value].organization_coverage_rate,
            "work_coverage_rate": figures.orgs_by_type[value].work_coverage_rate,
            "blank_spots": figures.orgs_by_type[value].blank_spots,
        }
        for value, label in OrgType.choices
    ]


def _by_kind(figures: Figures) -> list[tuple[str, int]]:
    return [
        (str(label), figures.party_organizations_by_kind.get(value, 0))
        for value, label in PartyOrgKind.choices
        if value != PartyOrgKind.LEADING_COMMITTEE
    ]
