"""/api/v1/party/organizations, /applications and /instructors: party organizations, their
business handling and party-building instructors.

Every read goes through `visible_to(caller)` (404 outside the jurisdiction), every write through
the same services as the pages. Wrong workflow state answers 409; rules broken answer 422 naming
the field.

Creating or correcting a party organization's record directly (POST/PATCH .../organizations/) is
reserved to party-committee officers and superusers: it exists to bring in organizations approved
on paper before the platform (data migration) and to correct records. Everyone else establishes,
changes, re-elects or dissolves through an application (POST .../applications/) that the
superior organization decides; the record changes only when it is approved.
"""

# No `from __future__ import annotations`: ninja resolves operation annotations in the globals of
# the function it registers, and @paginate's wrapper lives in ninja.pagination.

from datetime import date, datetime
from typing import Any, Literal

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404, HttpRequest, QueryDict
from django.utils.translation import gettext as _
from ninja import Field, File, Form, Query, Router, Schema, Status
from ninja.errors import ValidationError as NinjaValidationError
from ninja.files import UploadedFile
from ninja.pagination import paginate
from pydantic import ValidationError as PydanticValidationError

from shezhi.core.api.divisions import DivisionBrief
from shezhi.core.models import Division
from shezhi.core.permissions import can_reveal_personal_data
from shezhi.core.personal_data import PersonalKind, mask
from shezhi.social_orgs.models import SocialOrganization

from ..forms.organizations import (
    ApplicationFilterForm,
    InstructorFilterForm,
    PartyOrganizationFilterForm,
)
from ..models import (
    ApplicationKind,
    ApplicationStatus,
    Formation,
    Instructor,
    InstructorAssignment,
    PartyOrganization,
    PartyOrgApplication,
    PartyOrgKind,
    PartyOrgStatus,
    Post,
)
from ..permissions import (
    can_apply_for,
    can_manage_instructors,
    can_register_party_organization,
    can_view_instructors,
    can_view_party_organizations,
    is_applicant_side,
    is_decider,
)
from ..selectors import organizations as selectors
from ..services import organizations as services
from ..views._documents import document_response

router = Router(tags=["party organizations"])

DIVISION_PATTERN = r"^\d{6}$"


def _user(request: HttpRequest) -> Any:
    return request.auth  # type: ignore[attr-defined]


def _reader(request: HttpRequest) -> Any:
    user = _user(request)
    if not can_view_party_organizations(user):
        raise PermissionDenied
    return user


def _filtered(form_class: Any, queryset: Any, values: dict[str, Any]) -> Any:
    """Apply a list page's filter form to the API's query: one definition of every filter."""
    query = QueryDict(mutable=True)
    for key, value in values.items():
        if value is None or value == "":
            continue
        query[key] = ("1" if value else "0") if isinstance(value, bool) else str(value)
    return form_class(query).apply(queryset)


def _text(value: str) -> str:
    return value.replace("\x00", "").strip()  # PostgreSQL refuses NUL in a string


# --- schemas ---------------------------------------------------------------------------------


class PartyOrgBrief(Schema):
    id: int
    name: str
    kind: PartyOrgKind


class PartyOrgOut(Schema):
    id: int
    name: str
    kind: PartyOrgKind
    kind_label: str
    formation: str = Field(
        description=(
            "alone, joint, area, industry, attached, delegated; empty for a leading committee."
        )
    )
    formation_label: str
    parent: PartyOrgBrief | None
    division: DivisionBrief = Field(description="The jurisdiction answering for it.")
    founded_on: date
    term_years: int
    term_started_on: date | None
    term_ends_on: date | None = Field(description="When the current term ends: re-election is due.")
    status: PartyOrgStatus
    dissolved_on: date | None
    covered_count: int = Field(description="Social organizations it covers.")

    @staticmethod
    def resolve_kind_label(obj: PartyOrganization) -> str:
        return str(obj.get_kind_display())

    @staticmethod
    def resolve_formation_label(obj: PartyOrganization) -> str:
        return str(obj.get_formation_display()) if obj.formation else ""

    @staticmethod
    def resolve_covered_count(obj: PartyOrganization) -> int:
        count = getattr(obj, "covered_count", None)
        return count if count is not None else obj.coverages.count()


class CoveredOrgOut(Schema):
    id: int
    name: str
    credit_code: str
    since: date
    full_member_count: int


class PostOut(Schema):
    post: Post
    post_label: str
    member_id: int
    member_name: str
    since: date


def _fact(name: str, description: str | None = None) -> Any:
    # The detail's extra facts are computed once by _detail() and kept beside the record in
    # `detail_facts` (some of their names are the model's own relations); ninja reads the dotted
    # alias from there. Answers and the OpenAPI document still use the field's own name.
    return Field(alias=f"detail_facts.{name}", description=description)


class PartyOrgDetailOut(PartyOrgOut):
    covered_organizations: list[CoveredOrgOut] = _fact("covered_organizations")
    posts: list[PostOut] = _fact("posts", "The sitting committee.")
    children: list[PartyOrgBrief] = _fact("children")
    members_on_roll: int = _fact("members_on_roll")
    full_members: int = _fact("full_members")
    members_by_stage: dict[str, int] = _fact("members_by_stage")
    reelection_due: bool = _fact("reelection_due")
    term_expired: bool = _fact("term_expired")


class PartyOrgFilter(Schema):
    division: str | None = Field(
        None,
        pattern=DIVISION_PATTERN,
        description="Division code; the division and everything below it.",
    )
    kind: PartyOrgKind | None = None
    formation: Formation | None = None
    status: PartyOrgStatus | None = None
    parent: int | None = Field(
        None, ge=1, description="Only the children of this party organization."
    )
    reelection_due: bool | None = Field(
        None, description="Term ends within the notice period (or has ended)."
    )
    q: str = Field("", max_length=100, description="Part of the name.")


class PartyOrgCreateIn(Schema):
    name: str = Field(min_length=1, max_length=200)
    kind: Literal["committee", "general_branch", "branch", "joint_branch"]
    formation: Formation
    covered_organizations: list[int] = Field(
        default_factory=list,
        description="Social organization ids (none for a branch inside a committee).",
    )
    parent: int | None = Field(
        None,
        description=(
            "The superior party organization; by default the social-organization party "
            "committee answering there."
        ),
    )
    founded_on: date
    term_years: Literal[3, 5] = 3
    term_started_on: date | None = Field(
        None, description="Start of the current term; by default the founding date."
    )


class PartyOrgUpdateIn(Schema):
    name: str | None = Field(None, min_length=1, max_length=200)
    kind: Literal["committee", "general_branch", "branch", "joint_branch"] | None = None
    formation: Formation | None = None
    covered_organizations: list[int] | None = Field(None, min_length=1)
    parent: int | None = None
    term_years: Literal[3, 5] | None = None
    founded_on: date | None = None
    term_started_on: date | None = None


def _detail(organization: PartyOrganization) -> PartyOrganization:
    """The organization with what the detail schema reads, computed in a fixed number of
    queries (the overview of the page)."""
    overview = selectors.party_organization_overview(organization)
    extra: dict[str, Any] = {
        "covered_count": len(overview.coverages),
        "covered_organizations": [
            {
                "id": c.social_org.pk,
                "name": c.social_org.name,
                "credit_code": c.social_org.credit_code,
                "since": c.since,
                "full_member_count": c.social_org.full_member_count,
            }
            for c in overview.coverages
        ],
        "posts": [
            {
                "post": p.post,
                "post_label": str(p.get_post_display()),
                "member_id": p.member_id,
                "member_name": p.member.name,
                "since": p.since,
            }
            for p in overview.posts
        ],
        "children": [{"id": c.pk, "name": c.name, "kind": c.kind} for c in overview.children],
        "members_on_roll": overview.members_on_roll,
        "full_members": overview.full_members,
        "members_by_stage": overview.members_by_stage,
        "reelection_due": overview.reelection_due,
        "term_expired": overview.term_expired,
    }
    organization.covered_count = extra["covered_count"]  # type: ignore[attr-defined]
    organization.detail_facts = extra  # type: ignore[attr-defined]
    return organization


# --- party organizations ---------------------------------------------------------------------


@router.get("/organizations/", response=list[PartyOrgOut], summary="Party organizations")
@paginate
def organization_list(request: HttpRequest, filters: Query[PartyOrgFilter]) -> Any:
    user = _reader(request)
    values = filters.dict()
    q = _text(values.pop("q") or "")
    rows = _filtered(
        PartyOrganizationFilterForm,
        selectors.party_organization_rows().visible_to(user),
        values,
    )
    if q:
        rows = rows.filter(name__icontains=q)
    return rows.order_by("division_path", "name", "pk")


@router.get(
    "/organizations/{organization_id}", response=PartyOrgDetailOut, summary="One party organization"
)
def organization_detail(request: HttpRequest, organization_id: int) -> Any:
    user = _reader(request)
    return _detail(selectors.party_organization_for(user, organization_id))


def _parent(parent_id: int | None) -> PartyOrganization | None:
    # A superior usually sits above the caller's jurisdiction, so it is not looked up through
    # visible_to; the service checks it is one that may lead an organization there.
    if parent_id is None:
        return None
    parent = PartyOrganization.objects.filter(pk=parent_id).first()
    if parent is None:
        raise NinjaValidationError(
            [{"loc": ["body", "parent"], "msg": _("上级党组织不存在。"), "type": "value_error"}]
        )
    return parent


@router.post(
    "/organizations/",
    response={201: PartyOrgDetailOut},
    summary="Register an existing party organization (data migration; party-committee officers)",
)
def organization_create(request: HttpRequest, payload: PartyOrgCreateIn) -> Any:
    user = _user(request)
    if not can_register_party_organization(user):
        raise PermissionDenied(
            _("只有社会组织党委工作人员可以直接登记党组织；其他情况请提交成立申请。")
        )
    organization = services.party_organization_register(
        actor=user,
        name=payload.name,
        kind=payload.kind,
        formation=payload.formation,
        covered_organizations=payload.covered_organizations,
        parent=_parent(payload.parent),
        founded_on=payload.founded_on,
        term_years=payload.term_years,
        term_started_on=payload.term_started_on,
    )
    return Status(201, _detail(selectors.party_organization_for(user, organization.pk)))


@router.patch(
    "/organizations/{organization_id}",
    response=PartyOrgDetailOut,
    summary="Correct a party organization's record (party-committee officers)",
)
def organization_update(
    request: HttpRequest, organization_id: int, payload: PartyOrgUpdateIn
) -> Any:
    user = _reader(request)
    organization = selectors.party_organization_for(user, organization_id)
    if not can_register_party_organization(user):
        raise PermissionDenied(
            _("只有社会组织党委工作人员可以直接更正党组织信息；其他情况请提交变更申请。")
        )
    changes = payload.dict(exclude_unset=True)
    if "parent" in changes and changes["parent"] is None:
        changes.pop("parent")
    if changes.get("kind") == PartyOrgKind.LEADING_COMMITTEE:
        changes.pop("kind")
    services.party_organization_update(actor=user, party_organization=organization, changes=changes)
    return _detail(selectors.party_organization_for(user, organization.pk))


# --- applications ----------------------------------------------------------------------------


class DocumentOut(Schema):
    id: int
    title: str
    uploaded_at: datetime
    download_url: str


class ApplicationOut(Schema):
    id: int
    kind: ApplicationKind
    kind_label: str
    status: ApplicationStatus
    status_label: str
    party_organization: PartyOrgBrief | None = Field(
        description="Null for an establishment until it is approved."
    )
    superior: PartyOrgBrief = Field(description="The party organization that decides.")
    social_org_id: int | None = Field(description="The social organization that applied, if any.")
    division: DivisionBrief
    proposal: dict[str, Any] = Field(
        description="What is asked for; its shape depends on `kind` (see the create operation)."
    )
    decision_reason: str
    created_at: datetime
    submitted_at: datetime | None
    decided_at: datetime | None
    document_count: int

    @staticmethod
    def resolve_kind_label(obj: PartyOrgApplication) -> str:
        return str(obj.get_kind_display())

    @staticmethod
    def resolve_status_label(obj: PartyOrgApplication) -> str:
        return str(obj.get_status_display())

    @staticmethod
    def resolve_document_count(obj: PartyOrgApplication) -> int:
        count = getattr(obj, "document_count", None)
        return count if count is not None else obj.documents.count()


class ApplicationDetailOut(ApplicationOut):
    documents: list[DocumentOut]

    @staticmethod
    def resolve_documents(obj: PartyOrgApplication) -> list[dict[str, Any]]:
        return obj.documents_out  # type: ignore[attr-defined]


class EstablishProposal(Schema):
    name: str = Field(min_length=1, max_length=200)
    kind: Literal["committee", "general_branch", "branch", "joint_branch"]
    formation: Formation
    covered_organizations: list[int] = Field(
        default_factory=list,
        description=(
            "Social organization ids: one for 'alone', 2–5 for a joint branch; none for a "
            "branch inside a committee or general branch."
        ),
    )
    founded_on: date | None = None
    term_years: Literal[3, 5] = 3


class ChangeProposal(Schema):
    name: str | None = Field(None, min_length=1, max_length=200)
    kind: Literal["committee", "general_branch", "branch", "joint_branch"] | None = None
    formation: Formation | None = None
    covered_organizations: list[int] | None = Field(None, min_length=1)
    term_years: Literal[3, 5] | None = None
    parent: int | None = None


class PostIn(Schema):
    post: Post
    member: int = Field(description="A full member of this party organization.")


class ReelectProposal(Schema):
    term_started_on: date | None = Field(None, description="By default the day of approval.")
    term_years: Literal[3, 5] = 3
    posts: list[PostIn] = Field(
        min_length=1, description="The new committee: exactly one secretary."
    )


class DissolveProposal(Schema):
    reason: str = Field(min_length=1, max_length=2000)


PROPOSALS: dict[str, type[Schema]] = {
    ApplicationKind.ESTABLISH: EstablishProposal,
    ApplicationKind.CHANGE: ChangeProposal,
    ApplicationKind.REELECT: ReelectProposal,
    ApplicationKind.DISSOLVE: DissolveProposal,
}


class ApplicationIn(Schema):
    kind: ApplicationKind
    party_organization: int | None = Field(
        None, description="Required for change, reelect and dissolve."
    )
    superior: int | None = Field(
        None,
        description=(
            "Establish only: the deciding organization; by default the social-organization "
            "party committee answering there."
        ),
    )
    proposal: dict[str, Any] = Field(
        description=(
            "establish: {name, kind, formation, covered_organizations: [ids], founded_on?, "
            "term_years?}; "
            "change: any of {name, kind, formation, covered_organizations, term_years, parent}; "
            "reelect: {term_started_on?, term_years?, posts: [{post, member}]}; dissolve: {reason}."
        )
    )


class ApplicationUpdateIn(Schema):
    superior: int | None = None
    proposal: dict[str, Any]


class ReasonIn(Schema):
    reason: str = Field("", max_length=2000)


class DecideIn(Schema):
    approve: bool
    reason: str = Field("", max_length=2000, description="Required when refusing.")


class ApplicationFilter(Schema):
    kind: ApplicationKind | None = None
    status: ApplicationStatus | None = None
    division: str | None = Field(None, pattern=DIVISION_PATTERN)
    party_organization: int | None = Field(None, ge=1)


def _proposal(kind: str, proposal: dict[str, Any]) -> dict[str, Any]:
    """The proposal's shape for its kind, checked at the edge (422 with its location)."""
    try:
        parsed = PROPOSALS[kind].model_validate(proposal)
    except PydanticValidationError as exc:
        errors = [
            {**error, "loc": ["body", "proposal", *error.get("loc", ())]}
            for error in exc.errors(include_url=False)
        ]
        raise NinjaValidationError(errors) from None
    data = parsed.model_dump(mode="json", exclude_unset=kind == ApplicationKind.CHANGE)
    if kind == ApplicationKind.CHANGE:
        data = {key: value for key, value in data.items() if value is not None}
    return data


def _application_detail(user: Any, pk: int) -> PartyOrgApplication:
    application = selectors.application_for(user, pk)
    documents = [
        {
            "id": d.pk,
            "title": d.title,
            "uploaded_at": d.uploaded_at,
            "download_url": f"/api/v1/party/applications/{application.pk}/documents/{d.pk}",
        }
        for d in selectors.documents_of(application)
    ]
    application.documents_out = documents  # type: ignore[attr-defined]
    application.document_count = len(documents)  # type: ignore[attr-defined]
    return application


@router.get(
    "/applications/", response=list[ApplicationOut], summary="Business-handling applications"
)
@paginate
def application_list(request: HttpRequest, filters: Query[ApplicationFilter]) -> Any:
    user = _reader(request)
    rows = _filtered(
        ApplicationFilterForm, selectors.application_rows().visible_to(user), filters.dict()
    )
    return rows.order_by("-created_at", "-pk")


@router.get(
    "/applications/{application_id}", response=ApplicationDetailOut, summary="One application"
)
def application_detail(request: HttpRequest, application_id: int) -> Any:
    return _application_detail(_reader(request), application_id)


@router.post("/applications/", response={201: ApplicationDetailOut}, summary="Draft an application")
def application_create(request: HttpRequest, payload: ApplicationIn) -> Any:
    user = _reader(request)
    organization = None
    if payload.kind != ApplicationKind.ESTABLISH:
        if payload.party_organization is None:
            raise NinjaValidationError(
                [
                    {
                        "loc": ["body", "party_organization"],
                        "msg": _("请选择要办理的党组织。"),
                        "type": "missing",
                    }
                ]
            )
        organization = selectors.party_organization_for(user, payload.party_organization)
    if not can_apply_for(user, payload.kind, organization.pk if organization else None):
        raise PermissionDenied(_("您不能为该党组织提交这类申请。"))
    application = services.application_create(
        actor=user,
        kind=payload.kind,
        proposal=_proposal(payload.kind, payload.proposal),
        party_organization=organization,
        superior=_parent(payload.superior) if payload.kind == ApplicationKind.ESTABLISH else None,
    )
    return Status(201, _application_detail(user, application.pk))


@router.patch(
    "/applications/{application_id}", response=ApplicationDetailOut, summary="Rewrite a draft"
)
def application_update(
    request: HttpRequest, application_id: int, payload: ApplicationUpdateIn
) -> Any:
    user = _reader(request)
    application = selectors.application_for(user, application_id)
    if not is_applicant_side(user, application):
        raise PermissionDenied
    services.application_update(
        actor=user,
        application=application,
        proposal=_proposal(application.kind, payload.proposal),
        superior=_parent(payload.superior),
    )
    return _application_detail(user, application.pk)


@router.post(
    "/applications/{application_id}/submit",
    response=ApplicationDetailOut,
    summary="Submit a draft to the superior",
)
def application_submit(request: HttpRequest, application_id: int) -> Any:
    user = _reader(request)
    application = selectors.application_for(user, application_id)
    if not is_applicant_side(user, application):
        raise PermissionDenied
    services.application_submit(actor=user, application=application)
    return _application_detail(user, application.pk)


@router.post(
    "/applications/{application_id}/withdraw",
    response=ApplicationDetailOut,
    summary="Withdraw an open application",
)
def application_withdraw(
    request: HttpRequest, application_id: int, payload: ReasonIn | None = None
) -> Any:
    user = _reader(request)
    application = selectors.application_for(user, application_id)
    if not is_applicant_side(user, application):
        raise PermissionDenied
    services.application_withdraw(
        actor=user, application=application, reason=payload.reason if payload else ""
    )
    return _application_detail(user, application.pk)


@router.post(
    "/applications/{application_id}/decide",
    response=ApplicationDetailOut,
    summary="Approve or refuse (the superior's officers)",
)
def application_decide(request: HttpRequest, application_id: int, payload: DecideIn) -> Any:
    user = _reader(request)
    application = selectors.application_for(user, application_id)
    if not is_decider(user, application):
        raise PermissionDenied(_("只有上级党组织的工作人员可以审批。"))
    # A decided application answers 409 (TransitionNotAllowed), also when another officer won.
    services.application_decide(
        actor=user, application=application, approve=payload.approve, reason=payload.reason
    )
    return _application_detail(user, application.pk)


@router.post(
    "/applications/{application_id}/documents",
    response={201: DocumentOut},
    summary="Attach a document (PDF, JPG, PNG or DOCX, at most 10 MB)",
)
def document_upload(
    request: HttpRequest,
    application_id: int,
    file: File[UploadedFile],
    title: Form[str] = "",
) -> Any:
    user = _reader(request)
    application = selectors.application_for(user, application_id)
    if not is_applicant_side(user, application):
        raise PermissionDenied
    document = services.document_attach(
        actor=user, application=application, file=file, title=_text(title)[:200]
    )
    return Status(
        201,
        {
            "id": document.pk,
            "title": document.title,
            "uploaded_at": document.uploaded_at,
            "download_url": f"/api/v1/party/applications/{application.pk}/documents/{document.pk}",
        },
    )


@router.get(
    "/applications/{application_id}/documents/{document_id}",
    summary="Download a document",
    response={200: None},
)
def document_download(request: HttpRequest, application_id: int, document_id: int) -> Any:
    user = _reader(request)
    application = selectors.application_for(user, application_id)
    return document_response(application, document_id)


# --- instructors -----------------------------------------------------------------------------


class AssignmentOut(Schema):
    id: int
    social_org: int = Field(alias="social_org_id")
    social_org_name: str
    assigned_on: date
    ended_on: date | None

    @staticmethod
    def resolve_social_org_name(obj: InstructorAssignment) -> str:
        return obj.social_org.name


class InstructorOut(Schema):
    id: int
    name: str
    phone: str | None = Field(description="Masked unless the caller may reveal personal data.")
    workplace: str
    division: DivisionBrief
    is_active: bool
    open_assignments: int

    @staticmethod
    def resolve_phone(obj: Instructor, context: Any) -> str | None:
        if not obj.phone:
            return None
        user = context["request"].auth
        return obj.phone if can_reveal_personal_data(user) else mask(PersonalKind.PHONE, obj.phone)

    @staticmethod
    def resolve_open_assignments(obj: Instructor) -> int:
        count = getattr(obj, "open_assignments", None)
        return count if count is not None else obj.assignments.filter(ended_on__isnull=True).count()


class InstructorDetailOut(InstructorOut):
    assignments: list[AssignmentOut]

    @staticmethod
    def resolve_assignments(obj: Instructor) -> list[InstructorAssignment]:
        return selectors.instructor_assignments(obj)


class InstructorFilter(Schema):
    division: str | None = Field(None, pattern=DIVISION_PATTERN)
    is_active: bool | None = None
    q: str = Field("", max_length=100, description="Part of the name or workplace.")


class InstructorIn(Schema):
    name: str = Field(min_length=1, max_length=50)
    division: str = Field(pattern=DIVISION_PATTERN, description="Province, city or county code.")
    phone: str = Field("", max_length=20)
    workplace: str = Field("", max_length=200)


class InstructorUpdateIn(Schema):
    name: str | None = Field(None, min_length=1, max_length=50)
    division: str | None = Field(None, pattern=DIVISION_PATTERN)
    phone: str | None = Field(None, max_length=20)
    workplace: str | None = Field(None, max_length=200)
    is_active: bool | None = None


class AssignIn(Schema):
    social_org: int = Field(description="The social organization's id.")
    assigned_on: date | None = None


class EndIn(Schema):
    ended_on: date | None = None


def _instructor_reader(request: HttpRequest) -> Any:
    user = _user(request)
    if not can_view_instructors(user):
        raise PermissionDenied
    return user


def _instructor_manager(request: HttpRequest) -> Any:
    user = _user(request)
    if not can_manage_instructors(user):
        raise PermissionDenied(_("只有社会组织党委工作人员可以管理党建指导员。"))
    return user


def _division(code: str) -> Division:
    division = Division.objects.filter(code=code).first()
    if division is None:
        raise NinjaValidationError(
            [{"loc": ["body", "division"], "msg": _("区划代码不存在。"), "type": "value_error"}]
        )
    return division


def _instructor_detail(user: Any, pk: int) -> Any:
    instructor = selectors.instructor_rows().visible_to(user).filter(pk=pk).first()
    if instructor is None:
        raise Http404
    return instructor


@router.get(
    "/instructors/",
    response=list[InstructorOut],
    summary="Party-building instructors",
    tags=["instructors"],
)
@paginate
def instructor_list(request: HttpRequest, filters: Query[InstructorFilter]) -> Any:
    user = _instructor_reader(request)
    values = filters.dict()
    q = _text(values.pop("q") or "")
    rows = _filtered(InstructorFilterForm, selectors.instructor_rows().visible_to(user), values)
    if q:
        rows = rows.filter(Q(name__icontains=q) | Q(workplace__icontains=q))
    return rows.order_by("division_path", "name", "pk")


@router.get(
    "/instructors/{instructor_id}",
    response=InstructorDetailOut,
    summary="One instructor and their assignments",
    tags=["instructors"],
)
def instructor_detail(request: HttpRequest, instructor_id: int) -> Any:
    return _instructor_detail(_instructor_reader(request), instructor_id)


@router.post(
    "/instructors/",
    response={201: InstructorDetailOut},
    summary="Add an instructor",
    tags=["instructors"],
)
def instructor_create(request: HttpRequest, payload: InstructorIn) -> Any:
    user = _instructor_manager(request)
    instructor = services.instructor_create(
        actor=user,
        name=_text(payload.name),
        division=_division(payload.division),
        phone=_text(payload.phone),
        workplace=_text(payload.workplace),
    )
    return Status(201, _instructor_detail(user, instructor.pk))


@router.patch(
    "/instructors/{instructor_id}",
    response=InstructorDetailOut,
    summary="Change an instructor (is_active false stands them down)",
    tags=["instructors"],
)
def instructor_update(request: HttpRequest, instructor_id: int, payload: InstructorUpdateIn) -> Any:
    user = _instructor_reader(request)
    instructor = selectors.instructor_for(user, instructor_id)
    _instructor_manager(request)
    changes = payload.dict(exclude_unset=True)
    if "division" in changes:
        if changes["division"] is None:
            changes.pop("division")
        else:
            changes["division"] = _division(changes["division"])
    if changes.get("name") is None:
        changes.pop("name", None)
    if changes.get("is_active") is None:
        changes.pop("is_active", None)
    for key in ("phone", "workplace"):
        if key in changes:
            changes[key] = _text(changes[key] or "")
    services.instructor_update(actor=user, instructor=instructor, **changes)
    return _instructor_detail(user, instructor.pk)


@router.post(
    "/instructors/{instructor_id}/assignments",
    response={201: AssignmentOut},
    summary="Assign an instructor to a social organization (work coverage)",
    tags=["instructors"],
)
def instructor_assign(request: HttpRequest, instructor_id: int, payload: AssignIn) -> Any:
    user = _instructor_reader(request)
    instructor = selectors.instructor_for(user, instructor_id)
    _instructor_manager(request)
    social_org = SocialOrganization.objects.visible_to(user).filter(pk=payload.social_org).first()
    if social_org is None:
        raise Http404
    assignment = services.instructor_assign(
        actor=user, instructor=instructor, social_org=social_org, assigned_on=payload.assigned_on
    )
    return Status(201, assignment)


@router.post(
    "/instructors/{instructor_id}/assignments/{assignment_id}/end",
    response=AssignmentOut,
    summary="End an assignment",
    tags=["instructors"],
)
def assignment_end(
    request: HttpRequest, instructor_id: int, assignment_id: int, payload: EndIn | None = None
) -> Any:
    user = _instructor_reader(request)
    instructor = selectors.instructor_for(user, instructor_id)
    _instructor_manager(request)
    assignment = (
        InstructorAssignment.objects.filter(instructor=instructor, pk=assignment_id)
        .select_related("social_org")
        .first()
    )
    if assignment is None:
        raise Http404
    return services.assignment_end(
        actor=user, assignment=assignment, ended_on=payload.ended_on if payload else None
    )
