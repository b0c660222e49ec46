"""/api/v1/party/members and /api/v1/party/transfers: party members, their development and their
organization-relationship transfers.

Reads go through `visible_to(caller)` like the pages (404 outside the caller's view); writes go
through the same services. The list takes the list page's filters (one definition: the page's
filter form). ID numbers and phones are masked unless the caller holds the reveal permission
(`accounts.reveal_personal_data`); every unmasked value answered is logged as a reveal.

Errors: a development step or transfer from the wrong state (skipping a stage, a member off the
roll, a letter already decided, a second letter in flight) answers 409 with `status` (the current
value), `requested` and `allowed`; a step the rules forbid (age, one year as activist, training,
sponsors, probation, an expired letter) answers 422 with the rule's message and its citation in
`detail[].msg`, located at the field concerned.
"""

# No `from __future__ import annotations`: ninja resolves operation annotations in the globals of
# the function it registers.

import logging
from datetime import date
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, QueryDict
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status

from shezhi.api.pagination import LimitOffset, max_limit
from shezhi.core.api.divisions import DivisionBrief
from shezhi.core.models import RevealLog
from shezhi.core.permissions import can_reveal_personal_data
from shezhi.core.personal_data import PersonalKind, mask
from shezhi.social_orgs.models import SocialOrganization

from .. import rules
from ..forms.members import MemberFilterForm
from ..models import (
    Education,
    Gender,
    MemberStatus,
    PartyMember,
    Stage,
    Transfer,
    TransferStatus,
)
from ..permissions import (
    answers_for_branch,
    can_develop_member,
    can_edit_member_records,
    can_handle_transfers,
    can_send_transfer,
    can_view_members,
)
from ..selectors import members as selectors
from ..services import members as services
from ..services import transfers as transfer_services

router = Router(tags=["party members"])
audit_log = logging.getLogger("shezhi.audit")

DIVISION_PATTERN = r"^\d{6}(\d{3}){0,2}$"


def _user(request: HttpRequest) -> Any:
    return request.auth  # type: ignore[attr-defined]


def _reader(request: HttpRequest) -> Any:
    user = _user(request)
    if not can_view_members(user):
        raise PermissionDenied
    return user


def _member(request: HttpRequest, member_id: int) -> PartyMember:
    return selectors.member_for(_reader(request), member_id)


def _text(value: str) -> str:
    return value.replace("\x00", "").strip()  # PostgreSQL refuses NUL in a string


# --- schemas -------------------------------------------------------------------------------------


class OrganizationBrief(Schema):
    id: int
    name: str
    credit_code: str


class BranchBrief(Schema):
    id: int
    name: str


class MemberBrief(Schema):
    id: int
    name: str


class MemberOut(Schema):
    id: int
    name: str
    gender: Gender
    gender_label: str
    ethnicity: str
    birth_date: date
    id_number: str = Field(description="Masked (440118********123X) unless the caller may reveal.")
    phone: str | None = Field(description="Masked (138****5678) unless the caller may reveal.")
    personal_data_masked: bool = Field(description="Whether id_number and phone are masked.")
    education: Education
    education_label: str
    employer: OrganizationBrief | None
    branch: BranchBrief | None
    division: DivisionBrief = Field(description="The jurisdiction answering for the member.")
    stage: Stage
    stage_label: str
    status: MemberStatus
    status_label: str
    applied_on: date | None
    activist_on: date | None
    candidate_on: date | None
    probationary_on: date | None
    full_on: date | None
    probation_extended: bool
    probation_extended_until: date | None
    training_hours: int
    is_mobile: bool
    is_lost_contact: bool

    @staticmethod
    def _revealed(context: Any) -> bool:
        # Set by the operation (_answer), which logged the reveal before answering.
        return bool(getattr(context["request"], "_party_reveal", False))

    @staticmethod
    def resolve_id_number(obj: PartyMember, context: Any) -> str:
        if MemberOut._revealed(context):
            return obj.id_number
        return mask(PersonalKind.ID_NUMBER, obj.id_number)

    @staticmethod
    def resolve_phone(obj: PartyMember, context: Any) -> str | None:
        if not obj.phone:
            return None
        return obj.phone if MemberOut._revealed(context) else mask(PersonalKind.PHONE, obj.phone)

    @staticmethod
    def resolve_personal_data_masked(obj: PartyMember, context: Any) -> bool:
        return not MemberOut._revealed(context)

    @staticmethod
    def resolve_gender_label(obj: PartyMember) -> str:
        return str(obj.get_gender_display())

    @staticmethod
    def resolve_education_label(obj: PartyMember) -> str:
        return str(obj.get_education_display())

    @staticmethod
    def resolve_stage_label(obj: PartyMember) -> str:
        return str(obj.get_stage_display())

    @staticmethod
    def resolve_status_label(obj: PartyMember) -> str:
        return str(obj.get_status_display())


class FindingOut(Schema):
    rule: str
    message: str
    citation: str
    severity: str


class MemberDetailOut(MemberOut):
    sponsors: list[MemberBrief]
    findings: list[FindingOut] = Field(description="What the rules say about the member now.")
    warnings: list[str] = Field(
        [], description="Doubtful but accepted facts of the write just made (create/update)."
    )

    @staticmethod
    def resolve_sponsors(obj: PartyMember) -> list[PartyMember]:
        return list(obj.sponsors.all())

    @staticmethod
    def resolve_findings(obj: PartyMember) -> list[dict[str, str]]:
        today = timezone.localdate()
        return [
            {"rule": f.rule, "message": f.message, "citation": f.citation, "severity": f.severity}
            for f in rules.member_findings(obj, today=today)
        ]

    @staticmethod
    def resolve_warnings(obj: PartyMember) -> list[str]:
        return list(getattr(obj, "_api_warnings", []))


class MemberPage(Schema):
    count: int
    items: list[MemberOut]


class MemberFilter(Schema):
    q: str = Field(
        "", max_length=100, description="Part of the name, or a complete ID or phone number."
    )
    division: str | None = Field(None, pattern=DIVISION_PATTERN, description="6, 9 or 12 digits.")
    stage: Stage | None = None
    status: MemberStatus | None = None
    branch: int | None = Field(None, ge=1, description="Party organization id.")
    employer: str | None = Field(None, max_length=18, description="The employer's credit code.")
    is_mobile: bool | None = None
    is_lost_contact: bool | None = None
    without_branch: bool | None = None


class MemberFacts(Schema):
    name: str | None = Field(None, max_length=50)
    id_number: str | None = Field(None, max_length=30, description="The full ID number.")
    gender: Gender | None = Field(None, description="Read from the ID number when left out.")
    birth_date: date | None = Field(None, description="Read from the ID number when left out.")
    ethnicity: str | None = Field(None, max_length=20)
    phone: str | None = Field(None, max_length=30)
    education: Education | None = None
    employer_id: int | None = Field(None, description="A social organization id.")
    employer_credit_code: str | None = Field(None, max_length=18)
    branch_id: int | None = Field(None, description="A party organization id.")
    applied_on: date | None = None
    activist_on: date | None = None
    candidate_on: date | None = None
    probationary_on: date | None = None
    full_on: date | None = None
    training_hours: int | None = Field(None, ge=0, le=1000)
    is_mobile: bool | None = None
    is_lost_contact: bool | None = None
    sponsor_ids: list[int] | None = Field(None, max_length=10)


class MemberCreateIn(MemberFacts):
    name: str = Field(..., min_length=1, max_length=50)
    id_number: str = Field(..., min_length=1, max_length=30)
    education: Education
    stage: Stage = Field(Stage.APPLICANT, description="The stage reached, with its dates.")
    probation_extended_until: date | None = None


class AdvanceIn(Schema):
    to: Stage = Field(description="The next stage; any other answers 409.")
    on: date = Field(description="The day the step was decided (not in the future).")
    sponsor_ids: list[int] | None = Field(
        None, max_length=10, description="To probationary: the two full members sponsoring."
    )
    training_hours: int | None = Field(None, ge=0, le=1000)
    reason: str = Field("", max_length=200)


class ExtendIn(Schema):
    months: int = Field(ge=1, le=24, description="6 to 12 (细则第三十二条); others answer 422.")
    on: date
    reason: str = Field(..., min_length=1, max_length=500)


class CancelIn(Schema):
    on: date
    reason: str = Field(..., min_length=1, max_length=500)


class TransferOut(Schema):
    id: int
    member: MemberBrief
    from_branch: BranchBrief
    to_branch: BranchBrief
    status: TransferStatus
    status_label: str
    sent_on: date
    valid_until: date
    expired: bool = Field(description="Still waiting and past the letter's validity.")
    decided_on: date | None
    reason: str
    decision_note: str

    @staticmethod
    def resolve_status_label(obj: Transfer) -> str:
        return str(obj.get_status_display())

    @staticmethod
    def resolve_expired(obj: Transfer) -> bool:
        return obj.status == TransferStatus.SENT and obj.valid_until < timezone.localdate()


class TransferPage(Schema):
    count: int
    items: list[TransferOut]


class TransferIn(Schema):
    to_branch_id: int = Field(description="Any active party organization.")
    sent_on: date | None = None
    reason: str = Field("", max_length=500)


class ReceiveIn(Schema):
    on: date | None = None
    employer_id: int | None = Field(None, description="The new employer, if it changes.")
    note: str = Field("", max_length=500)


class MemberReasonIn(Schema):
    reason: str = Field(..., min_length=1, max_length=500)


class TransferFilter(Schema):
    status: TransferStatus | None = None


# --- helpers -------------------------------------------------------------------------------------


def _filtered(queryset: QuerySet[PartyMember], filters: MemberFilter) -> QuerySet[PartyMember]:
    """The list page's filter form applied to the API's query: one definition of every filter."""
    query = QueryDict(mutable=True)
    for key, value in filters.dict(exclude={"q"}).items():
        if value is None or value == "":
            continue
        query[key] = ("1" if value else "0") if isinstance(value, bool) else str(value)
    queryset = MemberFilterForm(query).apply(queryset)
    term = _text(filters.q)
    if term:
        queryset = queryset.filter(selectors.member_search_q(term))
    return queryset


def _log_reveals(user: Any, members: list[PartyMember], request: HttpRequest) -> None:
    """Unmasked values answered are reveals: one RevealLog row per value, in one insert."""
    from shezhi.core.views.personal import client_ip

    subject_type = ContentType.objects.get_for_model(PartyMember)
    ip = client_ip(request)
    entries = [
        RevealLog(
            user=user,
            subject_type=subject_type,
            subject_id=str(member.pk),
            field=field,
            reason="API",
            ip_address=ip,
        )
        for member in members
        for field in ("id_number", "phone")
        if getattr(member, field)
    ]
    if entries:
        RevealLog.objects.bulk_create(entries)
        audit_log.info(
            "personal data revealed through the API: user=%s members=%d values=%d path=%s",
            user.username,
            len(members),
            len(entries),
            request.path,
            extra={"event": "reveal_personal_data", "user_id": user.pk},
        )


def _answer(request: HttpRequest, members: list[PartyMember]) -> bool:
    """Whether to answer unmasked values (and log them)."""
    user = _user(request)
    reveal = can_reveal_personal_data(user)
    if reveal:
        _log_reveals(user, members, request)
    request._party_reveal = reveal  # type: ignore[attr-defined]
    return reveal


def _facts(payload: MemberFacts, *, user: Any, only_set: bool) -> dict[str, Any]:
    """The payload as the services' keyword facts (ids resolved within the caller's choices)."""
    data = payload.dict(exclude_unset=only_set)
    facts: dict[str, Any] = {}
    errors: dict[str, list[str]] = {}
    for key in (
        "name",
        "id_number",
        "gender",
        "birth_date",
        "ethnicity",
        "phone",
        "education",
        "applied_on",
        "activist_on",
        "candidate_on",
        "probationary_on",
        "full_on",
        "training_hours",
        "is_mobile",
        "is_lost_contact",
        "probation_extended_until",
    ):
        if key in data:
            value = data[key]
            if isinstance(value, str):
                value = _text(value)
            if key in ("gender", "ethnicity", "phone") and value in (None, ""):
                value = {"gender": "", "ethnicity": "汉族", "phone": None}[key]
            if key in ("training_hours",) and value is None:
                value = 0
            if key in ("is_mobile", "is_lost_contact") and value is None:
                value = False
            facts[key] = value
    from ..selectors.members import branch_choices, employer_choices

    if "employer_id" in data or "employer_credit_code" in data:
        employer = None
        if data.get("employer_id") is not None:
            employer = employer_choices(user).filter(pk=data["employer_id"]).first()
            if employer is None:
                errors["employer_id"] = [_("不能选择该工作单位：它不在您的管辖范围内。")]
        elif data.get("employer_credit_code"):
            from shezhi.social_orgs.validators import normalize_credit_code

            code = normalize_credit_code(data["employer_credit_code"])
            employer = employer_choices(user).filter(credit_code=code).first()
            if employer is None:
                errors["employer_credit_code"] = [_("不能选择该工作单位：它不在您的管辖范围内。")]
        facts["employer"] = employer
    if "branch_id" in data:
        branch = None
        if data["branch_id"] is not None:
            branch = branch_choices(user).filter(pk=data["branch_id"]).first()
            if branch is None:
                errors["branch_id"] = [_("不能选择该党组织：它不在您的管辖范围内或已撤销。")]
        facts["branch"] = branch
    if errors:
        raise ValidationError(errors)
    return facts


def _sponsors(user: Any, ids: list[int] | None) -> list[PartyMember] | None:
    if ids is None:
        return None
    found = list(PartyMember.objects.visible_to(user).filter(pk__in=ids))
    if len(found) != len(set(ids)):
        raise ValidationError({"sponsor_ids": [_("入党介绍人须是您能查看的党员。")]})
    return found


def _detail(
    request: HttpRequest, member: PartyMember, warnings: list[str] | None = None
) -> PartyMember:
    """The member as the detail schema reads it (re-read with its relations), reveal logged."""
    fresh: PartyMember | None = (
        selectors.member_rows().prefetch_related("sponsors").filter(pk=member.pk).first()
    )
    member = fresh or member
    member._api_warnings = list(warnings or [])  # type: ignore[attr-defined]
    _answer(request, [member])
    return member


# --- members -------------------------------------------------------------------------------------


@router.get("/members/", response=MemberPage, summary="Party members (the list page's filters)")
def member_list(
    request: HttpRequest, filters: Query[MemberFilter], page: Query[LimitOffset]
) -> dict[str, Any]:
    user = _reader(request)
    queryset = _filtered(selectors.member_rows().visible_to(user), filters).order_by(
        "division_path", "name", "pk"
    )
    limit = min(page.limit, max_limit())
    items = list(queryset[page.offset : page.offset + limit])
    _answer(request, items)
    return {"count": queryset.count(), "items": items}


@router.get("/members/{member_id}", response=MemberDetailOut, summary="One party member")
def member_detail(request: HttpRequest, member_id: int) -> Any:
    member = _member(request, member_id)
    return _detail(request, member)


@router.post(
    "/members/", response={201: MemberDetailOut}, summary="Register a party member (any stage)"
)
def member_create(request: HttpRequest, payload: MemberCreateIn) -> Any:
    user = _reader(request)
    if not can_edit_member_records(user):
        raise PermissionDenied
    facts = _facts(payload, user=user, only_set=False)
    facts.pop("probation_extended_until", None)
    sponsors = _sponsors(user, payload.sponsor_ids) or []
    result = services.member_create(
        actor=user,
        stage=payload.stage,
        sponsors=sponsors,
        probation_extended_until=payload.probation_extended_until,
        **facts,
    )
    return Status(201, _detail(request, result.member, result.warnings))


@router.patch("/members/{member_id}", response=MemberDetailOut, summary="Correct a member")
def member_update(request: HttpRequest, member_id: int, payload: MemberFacts) -> Any:
    member = _member(request, member_id)
    user = _user(request)
    if not can_edit_member_records(user):
        raise PermissionDenied
    changes = _facts(payload, user=user, only_set=True)
    changes.pop("probation_extended_until", None)
    sponsors = (
        _sponsors(user, payload.sponsor_ids)
        if "sponsor_ids" in payload.dict(exclude_unset=True)
        else None
    )
    result = services.member_update(actor=user, member=member, sponsors=sponsors, **changes)
    return _detail(request, result.member, result.warnings)


def _developer(request: HttpRequest, member_id: int) -> tuple[Any, PartyMember]:
    member = _member(request, member_id)
    user = _user(request)
    if not can_develop_member(user, member):
        raise PermissionDenied
    return user, member


@router.post(
    "/members/{member_id}/advance",
    response=MemberDetailOut,
    summary="Record the next development step",
)
def member_advance(request: HttpRequest, member_id: int, payload: AdvanceIn) -> Any:
    user, member = _developer(request, member_id)
    result = services.member_advance(
        actor=user,
        member=member,
        to=payload.to,
        on=payload.on,
        sponsors=_sponsors(user, payload.sponsor_ids),
        training_hours=payload.training_hours,
        reason=_text(payload.reason),
    )
    return _detail(request, result.member, result.warnings)


@router.post(
    "/members/{member_id}/extend-probation",
    response=MemberDetailOut,
    summary="Extend the probation (once, 6 to 12 months)",
)
def member_extend_probation(request: HttpRequest, member_id: int, payload: ExtendIn) -> Any:
    user, member = _developer(request, member_id)
    result = services.member_extend_probation(
        actor=user,
        member=member,
        months=payload.months,
        on=payload.on,
        reason=_text(payload.reason),
    )
    return _detail(request, result.member)


@router.post(
    "/members/{member_id}/cancel-probation",
    response=MemberDetailOut,
    summary="Cancel a probationary member's status",
)
def member_cancel_probation(request: HttpRequest, member_id: int, payload: CancelIn) -> Any:
    user, member = _developer(request, member_id)
    result = services.member_cancel_probation(
        actor=user, member=member, on=payload.on, reason=_text(payload.reason)
    )
    return _detail(request, result.member)


# --- transfers -----------------------------------------------------------------------------------


@router.get(
    "/members/{member_id}/transfers",
    response=list[TransferOut],
    summary="A member's organization-relationship transfers",
)
def member_transfers(request: HttpRequest, member_id: int) -> Any:
    return selectors.member_transfers(_member(request, member_id))


@router.post(
    "/members/{member_id}/transfers",
    response={201: TransferOut},
    summary="Send a member's organization relationship to another party organization",
)
def transfer_send(request: HttpRequest, member_id: int, payload: TransferIn) -> Any:
    member = _member(request, member_id)
    user = _user(request)
    if not can_send_transfer(user, member):
        raise PermissionDenied
    to_branch = selectors.transfer_targets().filter(pk=payload.to_branch_id).first()
    if to_branch is None:
        raise ValidationError({"to_branch_id": [_("没有这个正常状态的党组织。")]})
    transfer = transfer_services.transfer_send(
        actor=user,
        member=member,
        to_branch=to_branch,
        sent_on=payload.sent_on,
        reason=_text(payload.reason),
    )
    return Status(201, selectors.transfer_rows().get(pk=transfer.pk))


@router.get("/transfers/", response=TransferPage, summary="Transfers, sending or receiving side")
def transfer_list(
    request: HttpRequest, filters: Query[TransferFilter], page: Query[LimitOffset]
) -> dict[str, Any]:
    user = _reader(request)
    queryset = selectors.transfer_rows().visible_to(user).order_by("-sent_on", "-pk")
    if filters.status:
        queryset = queryset.filter(status=filters.status)
    limit = min(page.limit, max_limit())
    return {
        "count": queryset.count(),
        "items": list(queryset[page.offset : page.offset + limit]),
    }


def _transfer(request: HttpRequest, transfer_id: int) -> Transfer:
    return selectors.transfer_for(_reader(request), transfer_id)


def _receiving_side(user: Any, transfer: Transfer) -> None:
    # The side decides who may act (403); the letter's state whether it still can (409).
    if not (can_handle_transfers(user) and answers_for_branch(user, transfer.to_branch)):
        raise PermissionDenied(_("只有转入党组织可以接收或退回。"))


@router.get("/transfers/{transfer_id}", response=TransferOut, summary="One transfer")
def transfer_detail(request: HttpRequest, transfer_id: int) -> Any:
    return _transfer(request, transfer_id)


@router.post(
    "/transfers/{transfer_id}/receive",
    response=TransferOut,
    summary="Receive the member (receiving side)",
)
def transfer_receive(request: HttpRequest, transfer_id: int, payload: ReceiveIn) -> Any:
    transfer = _transfer(request, transfer_id)
    user = _user(request)
    _receiving_side(user, transfer)
    employer: Any = transfer_services.KEEP
    if payload.employer_id is not None:
        employer = get_object_or_404(SocialOrganization, pk=payload.employer_id)
    transfer_services.transfer_receive(
        actor=user, transfer=transfer, on=payload.on, employer=employer, note=_text(payload.note)
    )
    return selectors.transfer_rows().get(pk=transfer.pk)


@router.post(
    "/transfers/{transfer_id}/reject",
    response=TransferOut,
    summary="Send the letter back with a reason (receiving side)",
)
def transfer_reject(request: HttpRequest, transfer_id: int, payload: MemberReasonIn) -> Any:
    transfer = _transfer(request, transfer_id)
    user = _user(request)
    _receiving_side(user, transfer)
    transfer_services.transfer_reject(actor=user, transfer=transfer, reason=_text(payload.reason))
    return selectors.transfer_rows().get(pk=transfer.pk)


@router.post(
    "/transfers/{transfer_id}/cancel",
    response=TransferOut,
    summary="Withdraw a letter not yet received (sending side)",
)
def transfer_cancel(request: HttpRequest, transfer_id: int, payload: MemberReasonIn) -> Any:
    transfer = _transfer(request, transfer_id)
    user = _user(request)
    if not (can_handle_transfers(user) and answers_for_branch(user, transfer.from_branch)):
        raise PermissionDenied(_("只有转出党组织可以撤销介绍信。"))
    transfer_services.transfer_cancel(actor=user, transfer=transfer, reason=_text(payload.reason))
    return selectors.transfer_rows().get(pk=transfer.pk)
