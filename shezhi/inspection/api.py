"""/api/v1/inspection/: annual inspections and annual work reports, scoped like the pages.

Reads go through `visible_to(caller)` (404 outside the caller's view); writes go through the same
services as the pages. An action the filing's state does not allow answers 409 with `status`,
`requested` and `allowed` (the actions it does allow); two officers deciding at once: one wins,
the other gets that 409. Rules answer 422 at the field concerned (`body.year` for the exemption
of a new organization, with its citation).
"""

# No `from __future__ import annotations`: ninja resolves operation annotations in the globals of
# the function it registers.

from datetime import date
from decimal import Decimal
from typing import Any, Literal

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, QueryDict
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from . import permissions, selectors, services
from .forms import FilingFilterForm
from .models import Conclusion, Filing, FilingStatus, Mode, RectificationStatus

router = Router(tags=["inspection"])


def _user(request: HttpRequest) -> Any:
    return request.auth  # type: ignore[attr-defined]


def _reader(request: HttpRequest) -> Any:
    user = _user(request)
    if not permissions.can_view_inspection(user):
        raise PermissionDenied
    return user


# --- schemas -------------------------------------------------------------------------------------


class InspectionOrgBrief(Schema):
    id: int
    name: str
    credit_code: str


class InspectionAuthorityBrief(Schema):
    code: str
    name: str


class RectificationOut(Schema):
    status: RectificationStatus
    requirements: str
    ordered_on: date
    working_days: int
    due_on: date
    report: str
    submitted_on: date | None
    verified_on: date | None
    rejection_reason: str
    rounds: int


class FilingOut(Schema):
    id: int
    organization: InspectionOrgBrief
    authority: InspectionAuthorityBrief
    year: int
    mode: Mode
    status: FilingStatus
    status_label: str
    conclusion: Conclusion | Literal[""]
    submitted_on: date | None
    decided_on: date | None

    @staticmethod
    def resolve_status_label(obj: Filing) -> str:
        return str(obj.get_status_display())


class FilingDetailOut(FilingOut):
    activities: str
    income: Decimal
    expenditure: Decimal
    net_assets: Decimal
    staff_count: int
    has_party_organization: bool
    party_organization_name: str
    party_activities: int
    party_member_count: int
    instructor_name: str
    party_prefill: dict[str, Any] = Field(
        description="What the party module recorded when the filing was opened."
    )
    supervisor_opinion: str
    decision_reason: str
    return_reason: str
    allowed_actions: list[str]
    rectification: RectificationOut | None

    @staticmethod
    def resolve_allowed_actions(obj: Filing) -> list[str]:
        return sorted(services.filing_actions(obj))

    @staticmethod
    def resolve_rectification(obj: Filing) -> Any:
        return selectors.rectification_of(obj)


class FilingFilter(Schema):
    year: int | None = None
    mode: Mode | None = None
    status: FilingStatus | None = None
    conclusion: Conclusion | None = None
    division: str | None = Field(None, pattern=r"^\d{6}(\d{3}){0,2}$")
    q: str | None = Field(None, max_length=100)


class FilingFacts(Schema):
    activities: str | None = Field(None, max_length=5000)
    income: Decimal | None = Field(None, ge=0, max_digits=14, decimal_places=2)
    expenditure: Decimal | None = Field(None, ge=0, max_digits=14, decimal_places=2)
    net_assets: Decimal | None = Field(None, max_digits=14, decimal_places=2)
    staff_count: int | None = Field(None, ge=0, le=1_000_000)
    has_party_organization: bool | None = None
    party_organization_name: str | None = Field(None, max_length=200)
    party_activities: int | None = Field(None, ge=0, le=10_000)
    party_member_count: int | None = Field(None, ge=0, le=100_000)
    instructor_name: str | None = Field(None, max_length=50)


class FilingIn(FilingFacts):
    year: int = Field(..., ge=2000, le=2100)


class DecisionIn(Schema):
    action: Literal["accept", "supervisor_approve", "conclude", "publish", "return"]
    reason: str = Field("", max_length=2000)
    conclusion: Conclusion | Literal[""] = ""


class RectificationIn(Schema):
    report: str = Field(..., max_length=5000)


class VerifyIn(Schema):
    approve: bool
    reason: str = Field("", max_length=2000)


class CompletionRowOut(Schema):
    authority_code: str
    authority_name: str
    mode: str
    due: int
    filed: int
    rate: float | None = Field(description="filed / due as a fraction (0.9843 = 98.43%).")
    missed: int
    missed_two_years: int
    missed_three_years: int
    exempt: int


class CompletionOut(Schema):
    year: int
    rows: list[CompletionRowOut]
    total: CompletionRowOut


# --- operations ----------------------------------------------------------------------------------


def _detail(user: Any, pk: int) -> Filing:
    return selectors.filing_for(user, pk)


@router.get("/completion", response=CompletionOut, summary="Completion figures per authority")
def completion(
    request: HttpRequest,
    year: int = Query(..., ge=2000, le=2100),
    division: str | None = Query(None, pattern=r"^\d{6}(\d{3}){0,2}$"),
) -> Any:
    user = _user(request)
    if not permissions.is_inspection_officer(user):
        raise PermissionDenied
    rows = selectors.completion_figures(user, year, division=division)
    return {"year": year, "rows": rows, "total": selectors.completion_total(rows, year)}


@router.get("/", response=list[FilingOut], summary="Filings")
@paginate
def filing_list(request: HttpRequest, filters: Query[FilingFilter]) -> Any:
    user = _reader(request)
    values = filters.dict()
    q = (values.pop("q") or "").replace("\x00", "").strip()
    query = QueryDict(mutable=True)
    for key, value in values.items():
        if value not in (None, ""):
            query[key] = str(value)
    rows = FilingFilterForm(query).apply(selectors.filing_rows().visible_to(user))
    if q:
        from django.db.models import Q

        rows = rows.filter(
            Q(organization__name__icontains=q) | Q(organization__credit_code__startswith=q)
        )
    return rows.order_by("authority_path", "-year", "pk")


@router.get("/{filing_id}", response=FilingDetailOut, summary="One filing")
def filing_detail(request: HttpRequest, filing_id: int) -> Any:
    return _detail(_reader(request), filing_id)


@router.post("/", response={201: FilingDetailOut}, summary="Open a filing (organization account)")
def filing_create(request: HttpRequest, payload: FilingIn) -> Any:
    user = _reader(request)
    if not permissions.is_filing_organization(user):
        raise PermissionDenied
    data = payload.dict()
    year = data.pop("year")
    filing = services.filing_create(
        actor=user, organization=user.organization, year=year, data=data
    )
    return Status(201, _detail(user, filing.pk))


@router.patch("/{filing_id}", response=FilingDetailOut, summary="Correct a draft")
def filing_update(request: HttpRequest, filing_id: int, payload: FilingFacts) -> Any:
    user = _reader(request)
    filing = _detail(user, filing_id)
    data = payload.dict(exclude_unset=True)
    services.filing_update(actor=user, filing=filing, data=data)
    return _detail(user, filing_id)


@router.post("/{filing_id}/submit", response=FilingDetailOut, summary="Submit a draft")
def filing_submit(request: HttpRequest, filing_id: int) -> Any:
    user = _reader(request)
    services.filing_submit(actor=user, filing=_detail(user, filing_id))
    return _detail(user, filing_id)


@router.post("/{filing_id}/decide", response=FilingDetailOut, summary="An officer's step")
def filing_decide(request: HttpRequest, filing_id: int, payload: DecisionIn) -> Any:
    user = _reader(request)
    services.filing_decide(
        actor=user,
        filing=_detail(user, filing_id),
        action=payload.action,
        reason=payload.reason,
        conclusion=payload.conclusion,
    )
    return _detail(user, filing_id)


def _rectification(user: Any, filing_id: int) -> Any:
    from django.http import Http404

    rectification = selectors.rectification_of(_detail(user, filing_id))
    if rectification is None:
        raise Http404
    return rectification


@router.post(
    "/{filing_id}/rectification",
    response=FilingDetailOut,
    summary="Report the rectification (organization account)",
)
def rectification_submit(request: HttpRequest, filing_id: int, payload: RectificationIn) -> Any:
    user = _reader(request)
    services.rectification_submit(
        actor=user, rectification=_rectification(user, filing_id), report=payload.report
    )
    return _detail(user, filing_id)


@router.post(
    "/{filing_id}/rectification/verify",
    response=FilingDetailOut,
    summary="Verify or reject the rectification",
)
def rectification_verify(request: HttpRequest, filing_id: int, payload: VerifyIn) -> Any:
    user = _reader(request)
    services.rectification_verify(
        actor=user,
        rectification=_rectification(user, filing_id),
        approve=payload.approve,
        reason=payload.reason,
    )
    return _detail(user, filing_id)
