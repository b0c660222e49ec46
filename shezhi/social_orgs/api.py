"""/api/v1/social-orgs: the registry, scoped as the pages are, written through the same services.

Reads go through `visible_to(caller)`: an organization outside the caller's jurisdiction (or not
an organization account's own) answers 404 like one that does not exist. Writes call
`services.organization_create/update/deregister/revoke`, so the API refuses exactly what the
pages refuse: 403 for a caller without the right, 422 with one item per field (`loc` names the
field, `msg` what is wrong, for credit codes the character position), 409 for a status change the
workflow does not allow. The legal representative's phone is masked unless the caller may reveal
personal data (core.permissions.can_reveal_personal_data).
"""

# No `from __future__ import annotations`: ninja resolves an operation's annotations in the
# globals of the function it registers, and @paginate's wrapper lives in ninja.pagination.

import datetime
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from shezhi.core.api.divisions import DivisionBrief
from shezhi.core.models import Division
from shezhi.core.permissions import can_reveal_personal_data
from shezhi.core.personal_data import PersonalKind, mask

from . import selectors, services
from .models import Industry, OrgStatus, OrgType, SocialOrganization
from .permissions import can_view_registry, is_registry_officer
from .selectors import CoverageFilter
from .validators import credit_code_warnings

router = Router(tags=["social-orgs"])


class OrganizationOut(Schema):
    credit_code: str
    name: str
    org_type: OrgType
    org_type_label: str
    industry: Industry
    industry_label: str
    registration_authority: DivisionBrief
    level: str = Field(description="province, city or county: the registering authority's level.")
    business_supervisor: str
    address_division: DivisionBrief
    address: str
    legal_representative: str
    legal_representative_phone: str | None = Field(
        description="Masked (138****5678) unless the caller may reveal personal data."
    )
    founded_on: datetime.date
    staff_count: int
    status: OrgStatus
    status_label: str
    charter_has_party_clause: bool
    organization_covered: bool = Field(description="A party organization covers it.")
    has_instructor: bool = Field(description="A party-building instructor is assigned.")
    work_covered: bool = Field(description="Organization coverage or an instructor.")
    full_member_count: int
    is_blank_spot: bool = Field(description="selectors.blank_spot_q, one definition.")
    updated_at: datetime.datetime

    @staticmethod
    def resolve_org_type_label(obj: SocialOrganization) -> str:
        return str(obj.get_org_type_display())

    @staticmethod
    def resolve_industry_label(obj: SocialOrganization) -> str:
        return str(obj.get_industry_display())

    @staticmethod
    def resolve_status_label(obj: SocialOrganization) -> str:
        return str(obj.get_status_display())

    @staticmethod
    def resolve_level(obj: SocialOrganization) -> str:
        return str(obj.registration_authority.level)

    @staticmethod
    def resolve_legal_representative_phone(obj: SocialOrganization, context: Any) -> str | None:
        phone = obj.legal_representative_phone
        if not phone:
            return None
        if can_reveal_personal_data(context["request"].auth):
            return phone
        return mask(PersonalKind.PHONE, phone)

    @staticmethod
    def resolve_is_blank_spot(obj: SocialOrganization) -> bool:
        return selectors.is_blank_spot(obj)


class OrganizationWriteOut(OrganizationOut):
    warnings: list[str] = Field(
        description="Doubts that do not refuse the record, e.g. the position-17 check."
    )

    @staticmethod
    def resolve_warnings(obj: SocialOrganization) -> list[str]:
        return credit_code_warnings(obj.credit_code)


class OrganizationFilter(Schema):
    q: str = Field("", max_length=50, description="Part of the name or the start of the code.")
    division: str = Field(
        "",
        max_length=12,
        description="A division code: organizations registered by it or by any division inside.",
    )
    org_type: OrgType | None = None
    level: str | None = Field(
        None,
        pattern="^(province|city|county)$",
        description="The registering authority's level: province, city or county.",
    )
    status: OrgStatus | None = None
    coverage: CoverageFilter | None = Field(
        None, description="organization, work_only (instructor only) or blank_spot."
    )
    sort: str = Field(
        "authority",
        pattern="^-?(authority|name|credit_code|org_type|founded_on|staff_count|status)$",
        description="authority (registering authority, then name), name, …; - for descending.",
    )


class OrganizationIn(Schema):
    credit_code: str = Field(max_length=30)
    name: str = Field(max_length=200)
    org_type: OrgType
    industry: Industry
    registration_authority: str = Field(max_length=12, description="Division code (6 digits).")
    business_supervisor: str = Field("", max_length=200)
    address_division: str = Field(
        max_length=12, description="Town (9 digits) or village (12 digits) code."
    )
    address: str = Field("", max_length=300)
    legal_representative: str = Field(max_length=50)
    legal_representative_phone: str | None = Field(None, max_length=30)
    founded_on: datetime.date
    staff_count: int = Field(0, ge=0, le=1_000_000)
    charter_has_party_clause: bool = False


class OrganizationPatch(Schema):
    """Only the fields sent change. An organization account may send address, staff_count and
    legal_representative_phone only (403 otherwise)."""

    credit_code: str | None = Field(None, max_length=30)
    name: str | None = Field(None, max_length=200)
    org_type: OrgType | None = None
    industry: Industry | None = None
    registration_authority: str | None = Field(None, max_length=12)
    business_supervisor: str | None = Field(None, max_length=200)
    address_division: str | None = Field(None, max_length=12)
    address: str | None = Field(None, max_length=300)
    legal_representative: str | None = Field(None, max_length=50)
    legal_representative_phone: str | None = Field(None, max_length=30)
    founded_on: datetime.date | None = None
    staff_count: int | None = Field(None, ge=0, le=1_000_000)
    charter_has_party_clause: bool | None = None


class StatusIn(Schema):
    reason: str = Field(max_length=500, description="E.g. the number of the decision.")


def _caller(request: HttpRequest) -> Any:
    """The caller, if their role works with the registry at all (403 otherwise, as the pages)."""
    user = request.auth  # type: ignore[attr-defined]
    if not can_view_registry(user):
        raise PermissionDenied
    return user


def _visible_division(user: Any, code: str) -> Division | None:
    """The division to filter by, if the caller's jurisdiction holds it."""
    if not (code.isascii() and code.isdigit()):
        return None
    return Division.objects.visible_to(user).filter(code=code).first()


@router.get("/", response=list[OrganizationOut], summary="List and search organizations")
@paginate
def organization_list(request: HttpRequest, filters: Query[OrganizationFilter]) -> Any:
    user = _caller(request)
    rows: Any = selectors.organization_rows()
    rows = rows.visible_to(user)
    division = None
    if filters.division.strip():
        division = _visible_division(user, filters.division.strip())
        if division is None:
            # Outside the jurisdiction and unknown look alike: nothing matches.
            return rows.none()
    rows = selectors.filter_organizations(
        rows,
        division=division,
        org_type=filters.org_type or "",
        level=filters.level or "",
        status=filters.status or "",
        coverage=filters.coverage or "",
        q=filters.q.replace("\x00", "").strip(),
    )
    return rows.order_by(*selectors.ordering(filters.sort))


@router.get("/{credit_code}", response=OrganizationOut, summary="One organization")
def organization_detail(request: HttpRequest, credit_code: str) -> Any:
    return selectors.visible_organization(_caller(request), credit_code)


@router.post("/", response={201: OrganizationWriteOut}, summary="Register an organization")
def organization_create(request: HttpRequest, payload: OrganizationIn) -> Any:
    user = _caller(request)
    if not is_registry_officer(user):
        raise PermissionDenied
    organization = services.organization_create(actor=user, **payload.dict())
    return Status(201, selectors.visible_organization(user, organization.credit_code))


@router.patch(
    "/{credit_code}", response=OrganizationWriteOut, summary="Correct an organization's facts"
)
def organization_update(request: HttpRequest, credit_code: str, payload: OrganizationPatch) -> Any:
    user = _caller(request)
    organization = selectors.visible_organization(user, credit_code)
    changes = payload.dict(exclude_unset=True)
    services.organization_update(actor=user, organization=organization, **changes)
    return selectors.visible_organization(user, organization.credit_code)


@router.post("/{credit_code}/deregister", response=OrganizationOut, summary="Deregister (注销登记)")
def organization_deregister(request: HttpRequest, credit_code: str, payload: StatusIn) -> Any:
    user = _caller(request)
    organization = selectors.visible_organization(user, credit_code)
    services.organization_deregister(actor=user, organization=organization, reason=payload.reason)
    return organization


@router.post("/{credit_code}/revoke", response=OrganizationOut, summary="Revoke (撤销登记)")
def organization_revoke(request: HttpRequest, credit_code: str, payload: StatusIn) -> Any:
    user = _caller(request)
    organization = selectors.visible_organization(user, credit_code)
    services.organization_revoke(actor=user, organization=organization, reason=payload.reason)
    return organization
