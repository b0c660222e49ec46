"""/api/v1/registration: founding applications, scoped like the pages.

Every read goes through `visible_to(caller)` (404 outside the jurisdiction), every write through
the services. A wrong state answers 409 with the allowed actions (api/errors.py); a refused rule
(the four synchronizations at approval among them) 422 naming the field. ID numbers are always
masked here: the full number is only ever entered, never answered.
"""

# No `from __future__ import annotations`: ninja resolves operation annotations at runtime.

from datetime import date, datetime
from typing import Any, Literal

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, QueryDict
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from shezhi.core.personal_data import PersonalKind, mask
from shezhi.party.models import Education, PartyOrganization, PartyOrgKind, Stage
from shezhi.social_orgs.models import Industry, OrgType

from . import rules, selectors, services
from .forms import ApplicationFilterForm
from .models import CoveragePlan, FoundingApplication
from .models import Status as AppStatus
from .permissions import can_file, can_view_registrations, is_applicant_side, is_decider

router = Router(tags=["founding registration"])


def _reader(request: HttpRequest) -> Any:
    user = request.auth  # type: ignore[attr-defined]
    if not can_view_registrations(user):
        raise PermissionDenied
    return user


# --- schemas ---------------------------------------------------------------------------------


class RegistrationMemberIn(Schema):
    name: str = Field(max_length=50)
    id_number: str = Field(max_length=18, description="GB 11643 resident ID number.")
    stage: Stage
    stage_on: date = Field(description="The date the member reached this stage.")
    education: Education


class RegistrationMemberOut(Schema):
    name: str
    id_number: str = Field(description="Masked.")
    stage: str
    stage_on: date
    education: str


class RegistrationFactsIn(Schema):
    name: str | None = Field(None, max_length=200)
    org_type: OrgType | None = None
    registration_authority: str | None = Field(None, pattern=r"^\d{6}$")
    address_division: str | None = Field(None, pattern=r"^\d{6}(\d{3}){0,2}$")
    address: str | None = Field(None, max_length=300)
    legal_representative: str | None = Field(None, max_length=50)
    business_supervisor: str | None = Field(None, max_length=200)
    industry: Industry | None = None
    staff_count: int | None = Field(None, ge=0, le=1_000_000)
    charter_text: str | None = Field(None, max_length=100_000)
    commitment_signed_on: date | None = None
    coverage_plan: CoveragePlan | Literal[""] | None = None
    party_org_kind: Literal["branch", "general_branch", "committee", ""] | None = None
    party_org_name: str | None = Field(None, max_length=200)
    joint_branch: int | None = Field(None, description="Id of an active joint branch.")
    instructor: int | None = Field(None, description="Id of an active instructor.")
    members: list[RegistrationMemberIn] | None = Field(
        None, description="Replaces the listed party members."
    )


class RegistrationCreateIn(RegistrationFactsIn):
    name: str = Field(max_length=200)
    org_type: OrgType
    registration_authority: str = Field(pattern=r"^\d{6}$")
    address_division: str = Field(pattern=r"^\d{6}(\d{3}){0,2}$")
    legal_representative: str = Field(max_length=50)
    industry: Industry


class RegistrationCheckOut(Schema):
    key: str
    title: str
    ok: bool
    message: str
    citation: str
    missing: list[str]


class RegistrationOut(Schema):
    id: int
    name: str
    org_type: str
    org_type_label: str
    registration_authority: str = Field(description="Division code of the authority.")
    registration_authority_name: str
    status: str
    status_label: str
    member_count: int
    credit_code: str | None
    submitted_at: datetime | None
    decided_at: datetime | None

    @staticmethod
    def resolve_org_type_label(obj: FoundingApplication) -> str:
        return str(obj.get_org_type_display())

    @staticmethod
    def resolve_registration_authority(obj: FoundingApplication) -> str:
        return obj.registration_authority_id

    @staticmethod
    def resolve_registration_authority_name(obj: FoundingApplication) -> str:
        return obj.registration_authority.name

    @staticmethod
    def resolve_status_label(obj: FoundingApplication) -> str:
        return str(obj.get_status_display())

    @staticmethod
    def resolve_credit_code(obj: FoundingApplication) -> str | None:
        return obj.organization.credit_code if obj.organization_id else None  # type: ignore[union-attr]


class RegistrationDetailOut(RegistrationOut):
    address_division: str
    address: str
    legal_representative: str
    business_supervisor: str
    industry: str
    staff_count: int
    charter_text: str
    has_charter_file: bool
    has_commitment_file: bool
    commitment_signed_on: date | None
    coverage_plan: str
    party_org_kind: str
    party_org_name: str
    joint_branch: int | None
    instructor: int | None
    supplement_notice: str
    decision_reason: str
    exemption_reason: str
    members: list[RegistrationMemberOut]
    checklist: list[RegistrationCheckOut]
    allowed_actions: list[str]

    @staticmethod
    def resolve_address_division(obj: FoundingApplication) -> str:
        return obj.address_division_id

    @staticmethod
    def resolve_has_charter_file(obj: FoundingApplication) -> bool:
        return bool(obj.charter_file)

    @staticmethod
    def resolve_has_commitment_file(obj: FoundingApplication) -> bool:
        return bool(obj.commitment_file)

    @staticmethod
    def resolve_joint_branch(obj: FoundingApplication) -> int | None:
        return obj.joint_branch_id

    @staticmethod
    def resolve_instructor(obj: FoundingApplication) -> int | None:
        return obj.instructor_id

    @staticmethod
    def resolve_members(obj: FoundingApplication) -> list[dict[str, Any]]:
        return obj.members_out  # type: ignore[attr-defined]


class RegistrationDecideIn(Schema):
    action: Literal["accept", "supplement", "approve", "refuse"]
    reason: str = Field("", max_length=2000)


class RegistrationFilter(Schema):
    status: AppStatus | None = None
    division: str | None = Field(None, pattern=r"^\d{6}$")
    org_type: OrgType | None = None
    q: str | None = Field(None, max_length=100)


def _detail(user: Any, pk: int) -> FoundingApplication:
    application = selectors.application_for(user, pk)
    members = selectors.members_of(application)
    application.member_count = len(members)  # type: ignore[attr-defined]
    application.members_out = [  # type: ignore[attr-defined]
        {
            "name": m.name,
            "id_number": mask(PersonalKind.ID_NUMBER, m.id_number),
            "stage": m.stage,
            "stage_on": m.stage_on,
            "education": m.education,
        }
        for m in members
    ]
    application.checklist = [  # type: ignore[attr-defined]
        {**check.__dict__, "missing": list(check.missing)}
        for check in rules.four_synchronizations(application, members)
    ]
    application.allowed_actions = sorted(  # type: ignore[attr-defined]
        FoundingApplication.ALLOWED_TRANSITIONS.get(application.status, set())
    )
    return application


def _facts(payload: Schema) -> tuple[dict[str, Any], list[dict[str, Any]] | None]:
    data = payload.dict(exclude_unset=True)
    members = data.pop("members", None)
    if "joint_branch" in data:
        data["joint_branch"] = (
            PartyOrganization.objects.filter(
                pk=data["joint_branch"], kind=PartyOrgKind.JOINT_BRANCH
            ).first()
            if data["joint_branch"]
            else None
        )
        if data["joint_branch"] is None and payload.joint_branch:  # type: ignore[attr-defined]
            from django.core.exceptions import ValidationError

            raise ValidationError({"joint_branch": [_("联合党支部不存在。")]})
    if "instructor" in data:
        from shezhi.party.models import Instructor

        value = data["instructor"]
        data["instructor"] = Instructor.objects.filter(pk=value).first() if value else None
        if value and data["instructor"] is None:
            from django.core.exceptions import ValidationError

            raise ValidationError({"instructor": [_("党建指导员不存在。")]})
    for key in ("coverage_plan", "party_org_kind"):
        if key in data and data[key] is None:
            data[key] = ""
    for key in (
        "name",
        "address",
        "legal_representative",
        "business_supervisor",
        "charter_text",
        "party_org_name",
    ):
        if key in data and data[key] is None:
            data[key] = ""
        elif key in data:
            data[key] = data[key].replace("\x00", "")
    return data, members


# --- operations ------------------------------------------------------------------------------


@router.get("/", response=list[RegistrationOut], summary="Founding applications")
@paginate
def registration_list(request: HttpRequest, filters: Query[RegistrationFilter]) -> Any:
    user = _reader(request)
    query = QueryDict(mutable=True)
    values = filters.dict()
    for key in ("status", "division", "org_type"):
        if values.get(key):
            query[key] = str(values[key])
    rows = ApplicationFilterForm(query).apply(selectors.application_rows().visible_to(user))
    term = (values.get("q") or "").strip()
    if term:
        rows = rows.filter(name__icontains=term)
    return rows.order_by("-id")


@router.get("/{application_id}", response=RegistrationDetailOut, summary="One application")
def registration_detail(request: HttpRequest, application_id: int) -> Any:
    return _detail(_reader(request), application_id)


@router.post("/", response={201: RegistrationDetailOut}, summary="File a founding application")
def registration_create(request: HttpRequest, payload: RegistrationCreateIn) -> Any:
    user = _reader(request)
    if not can_file(user):
        raise PermissionDenied(_("只有县级以上民政部门工作人员或申请人账号可以填报成立登记申请。"))
    facts, members = _facts(payload)
    application = services.application_create(actor=user, members=members or [], **facts)
    return Status(201, _detail(user, application.pk))


@router.patch("/{application_id}", response=RegistrationDetailOut, summary="Change a draft")
def registration_update(
    request: HttpRequest, application_id: int, payload: RegistrationFactsIn
) -> Any:
    user = _reader(request)
    application = selectors.application_for(user, application_id)
    if not is_applicant_side(user, application):
        raise PermissionDenied
    facts, members = _facts(payload)
    services.application_update(actor=user, application=application, members=members, **facts)
    return _detail(user, application.pk)


@router.post(
    "/{application_id}/submit", response=RegistrationDetailOut, summary="Submit to the authority"
)
def registration_submit(request: HttpRequest, application_id: int) -> Any:
    user = _reader(request)
    application = selectors.application_for(user, application_id)
    if not is_applicant_side(user, application):
        raise PermissionDenied
    services.application_submit(actor=user, application=application)
    return _detail(user, application.pk)


@router.post(
    "/{application_id}/decide",
    response=RegistrationDetailOut,
    summary="Accept, request a supplement, approve or refuse (the registering authority)",
)
def registration_decide(
    request: HttpRequest, application_id: int, payload: RegistrationDecideIn
) -> Any:
    user = _reader(request)
    application = selectors.application_for(user, application_id)
    if not is_decider(user, application):
        raise PermissionDenied(_("只有登记管理机关的工作人员可以办理。"))
    services.application_decide(
        actor=user, application=application, action=payload.action, reason=payload.reason
    )
    return _detail(user, application.pk)
