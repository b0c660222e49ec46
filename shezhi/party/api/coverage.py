"""/api/v1/party/coverage: the "two coverages" of a division and of each child division, the same
figures as the statistics page (shezhi/party/analysis.py)."""

# No `from __future__ import annotations`: ninja resolves the schemas at registration.

from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema
from ninja.errors import HttpError

from ..analysis import coverage_report
from ..findings import RULES_BY_CODE, findings
from ..views.coverage import statistics_division

router = Router(tags=["party"])


class MembersByStage(Schema):
    applicant: int
    activist: int
    candidate: int
    probationary: int
    full: int


class CoverageFigures(Schema):
    code: str
    name: str
    level: str
    social_orgs: int = Field(description="live organizations registered by authorities inside")
    organization_covered: int
    work_covered: int
    organization_coverage_rate: float = Field(description="a fraction, 0.9843 = 98.43%")
    work_coverage_rate: float
    party_organizations: int = Field(
        description="built in social organizations (no leading committees)"
    )
    party_organizations_direct: int = Field(description="directly under the provincial committee")
    members: int
    members_by_stage: MembersByStage
    blank_spots: int
    registered_here: int = Field(description="registered by this division's own authority")


class CoverageOut(CoverageFigures):
    children: list[CoverageFigures]


class CoverageQuery(Schema):
    division: str | None = Field(
        None, max_length=12, pattern=r"^\d{6}$", description="province, city or county code"
    )


@router.get("/coverage", response=CoverageOut, summary="两个覆盖统计")
def coverage(request: HttpRequest, query: Query[CoverageQuery]) -> dict[str, object]:
    division = statistics_division(request.auth, query.division)  # type: ignore[attr-defined]
    report = coverage_report(division)
    return {**report.total.as_dict(), "children": [c.as_dict() for c in report.children]}


class DivisionFindingOut(Schema):
    rule: str
    title: str
    citation: str
    subject_type: str
    subject_id: int
    subject_name: str
    url: str
    message: str


class DivisionFindingsOut(Schema):
    count: int
    items: list[DivisionFindingOut]


class FindingsQuery(CoverageQuery):
    rule: str | None = Field(
        None, description="one rule code, e.g. coverage.needs_own_organization"
    )
    limit: int = Field(50, ge=1, le=500)
    offset: int = Field(0, ge=0, le=10**9)


@router.get("/findings", response=DivisionFindingsOut, summary="党建规则发现的问题")
def findings_list(request: HttpRequest, query: Query[FindingsQuery]) -> dict[str, object]:
    division = statistics_division(request.auth, query.division)  # type: ignore[attr-defined]
    if query.rule is not None and query.rule not in RULES_BY_CODE:
        raise HttpError(422, _("未知的规则代码：%(rule)s") % {"rule": query.rule})
    count, items = findings(
        division,
        today=timezone.localdate(),
        rule=query.rule,
        offset=query.offset,
        limit=query.limit,
    )
    return {"count": count, "items": [item.as_dict() for item in items]}
