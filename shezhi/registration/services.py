"""Writes of founding registration: file, edit, attach the charter and the commitment letter,
submit, request a supplement, accept, refuse, withdraw, record an exemption, approve.

Status moves only through `core.workflows.transition` (row lock, StatusChange row). Approval
writes everything in ONE transaction: the credit code, the organization (social_orgs services),
the members and the party organization / joint-branch coverage / instructor assignment (party
services), coverage facts and the party committee's take-over to-do. If any of it is refused,
nothing is written and the application stays accepted.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from shezhi.core.models import Division, Todo
from shezhi.core.personal_data import PersonalKind, normalize
from shezhi.core.roles import Role
from shezhi.core.todos import todo_cancel, todo_create, todos_complete_for
from shezhi.core.workflows import TransitionNotAllowed, transition
from shezhi.party.coverage import coverage_refresh
from shezhi.party.models import (
    STAGE_DATE_FIELD,
    Education,
    Formation,
    Instructor,
    PartyOrganization,
    PartyOrgKind,
    PartyOrgStatus,
    Stage,
)
from shezhi.party.selectors.organizations import leading_committee_for
from shezhi.party.services.members import member_create
from shezhi.party.services.organizations import (
    instructor_assign,
    party_organization_register,
    party_organization_update,
    sniff_document,
)
from shezhi.social_orgs.credit_code import issue_credit_code
from shezhi.social_orgs.models import CREDIT_CODE_TYPE, Industry, OrgType, SocialOrganization
from shezhi.social_orgs.services import organization_create

from . import rules
from .models import (
    EDITABLE_STATUSES,
    PROPOSED_KINDS,
    CoveragePlan,
    FoundingApplication,
    FoundingMember,
    Status,
)

REVIEW_TODO = "registration.review"
DECISION_TODO = "registration.decision"
TAKEOVER_TODO = "registration.party_takeover"
# 《行政许可法》第三十二条: incomplete materials are answered with a one-time notice within five
# days; 第四十二条: the decision within twenty (shared/DOMAIN.md §13). Working days.
REVIEW_WORKING_DAYS = 5
DECISION_WORKING_DAYS = 20
# The party committee takes the new organization's party organization (or its coverage) over
# within five working days of registration [P]: a setting.
DEFAULT_TAKEOVER_WORKING_DAYS = 5
DEFAULT_MAX_FILE_BYTES = 10 * 1024 * 1024
FILE_KINDS = {"pdf": "pdf", "docx": "docx"}
FILE_TYPES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}
REGISTERING_LEVELS = (Division.Level.PROVINCE, Division.Level.CITY, Division.Level.COUNTY)

FACT_FIELDS = (
    "name",
    "org_type",
    "registration_authority",
    "address_division",
    "address",
    "legal_representative",
    "business_supervisor",
    "industry",
    "staff_count",
    "charter_text",
    "commitment_signed_on",
    "coverage_plan",
    "party_org_kind",
    "party_org_name",
    "joint_branch",
    "instructor",
)
MEMBER_FIELDS = ("name", "id_number", "stage", "stage_on", "education")


def takeover_working_days() -> int:
    return int(
        getattr(
            settings, "SHEZHI_REGISTRATION_TAKEOVER_WORKING_DAYS", DEFAULT_TAKEOVER_WORKING_DAYS
        )
    )


def max_file_bytes() -> int:
    return int(getattr(settings, "SHEZHI_DOCUMENT_MAX_BYTES", DEFAULT_MAX_FILE_BYTES))


class NotEditable(TransitionNotAllowed):
    """A change to an application that is no longer with the applicant (409)."""

    def __init__(self, application: FoundingApplication) -> None:
        self.obj, self.to, self.field = application, application.status, "status"
        self.current = application.status
        self.allowed = set(FoundingApplication.ALLOWED_TRANSITIONS.get(application.status, set()))
        Exception.__init__(
            self,
            _("申请当前为“%(status)s”，只有草稿或待补正的申请可以修改。")
            % {"status": application.get_status_display()},
        )


def _attribute(obj: Any, actor: Any, reason: str = "") -> Any:
    if actor is not None and getattr(actor, "is_authenticated", False):
        obj._history_user = actor
    if reason:
        obj._change_reason = reason[:100]
    return obj


def _add(errors: dict[str, list[str]], key: str, message: str) -> None:
    errors.setdefault(key, []).append(str(message))


# --- facts -----------------------------------------------------------------------------------


def _division(value: Any, key: str, errors: dict[str, list[str]]) -> Division | None:
    if value is None or value == "":
        return None
    if isinstance(value, Division):
        return value
    division = Division.objects.filter(code=str(value).strip()).first()
    if division is None:
        _add(errors, key, _("区划代码 %(code)s 不存在。") % {"code": value})
    return division


def _member_rows(rows: Iterable[Mapping[str, Any]], errors: dict[str, list[str]]) -> list[Any]:
    members = []
    for index, row in enumerate(rows, start=1):
        unknown = set(row) - set(MEMBER_FIELDS)
        if unknown:
            raise TypeError(f"unknown member fields: {sorted(unknown)}")
        stage_on: Any = row.get("stage_on")
        member = FoundingMember(
            name=str(row.get("name") or "").strip(),
            id_number=normalize(PersonalKind.ID_NUMBER, str(row.get("id_number") or "")),
            stage=row.get("stage") or "",
            stage_on=stage_on,
            education=row.get("education") or "",
        )
        where = f"members.{index}"
        if not member.name:
            _add(errors, where, _("第 %(n)s 名党员：请填写姓名。") % {"n": index})
        if member.stage not in Stage.values:
            _add(errors, where, _("第 %(n)s 名党员：请选择发展阶段。") % {"n": index})
        if member.education not in Education.values:
            _add(errors, where, _("第 %(n)s 名党员：请选择学历。") % {"n": index})
        if not isinstance(member.stage_on, date):
            _add(errors, where, _("第 %(n)s 名党员：请填写进入该阶段的日期。") % {"n": index})
        elif member.stage_on > timezone.localdate():
            _add(errors, where, _("第 %(n)s 名党员：日期不能晚于今天。") % {"n": index})
        members.append(member)
    return members


def _clean(
    application: FoundingApplication, facts: Mapping[str, Any], *, actor: Any
) -> dict[str, list[str]]:
    """Set `facts` on `application` and answer every problem at once (field → messages).

    Only what can be checked while filing is refused here; what the four synchronizations ask
    (members' numbers, the charter's wording, the letter) is the checklist's, shown, not refused.
    """
    unknown = set(facts) - set(FACT_FIELDS)
    if unknown:
        raise TypeError(f"unknown application facts: {sorted(unknown)}")
    errors: dict[str, list[str]] = {}
    for key, value in facts.items():
        if key in ("registration_authority", "address_division"):
            value = _division(value, key, errors)
            if value is None:
                continue
        elif isinstance(value, str):
            value = value.replace("\x00", "").strip()
        elif key == "staff_count" and value is None:
            value = 0
        setattr(application, key, value)
    authority = (
        application.registration_authority if application.registration_authority_id else None
    )
    if authority is not None:
        if authority.level not in REGISTERING_LEVELS or not authority.is_current:
            _add(
                errors,
                "registration_authority",
                _("登记管理机关应为现行的省、地级市或县级民政部门所在区划。"),
            )
        elif (
            application.org_type == OrgType.FOUNDATION and authority.level == Division.Level.COUNTY
        ):
            _add(
                errors,
                "registration_authority",
                _("基金会由省或地级市民政部门登记（《基金会管理条例》第六条）。"),
            )
        from .permissions import is_registration_officer

        if (
            is_registration_officer(actor)
            and not Division.objects.visible_to(actor).filter(pk=authority.pk).exists()
        ):
            _add(
                errors,
                "registration_authority",
                _("您只能录入本级及下辖登记管理机关的申请。"),
            )
    address = application.address_division if application.address_division_id else None
    if (
        address is not None
        and authority is not None
        and (
            address.level not in (Division.Level.TOWN, Division.Level.VILLAGE)
            or not address.path.startswith(authority.path)
        )
    ):
        _add(errors, "address_division", _("住所应在登记管理机关辖区内的镇街或村居。"))
    if application.coverage_plan and application.coverage_plan not in CoveragePlan.values:
        _add(errors, "coverage_plan", _("请选择党建工作覆盖方式。"))
    if application.party_org_kind and application.party_org_kind not in PROPOSED_KINDS:
        _add(errors, "party_org_kind", _("请选择党委、党总支或党支部。"))
    joint = application.joint_branch
    if joint is not None and (
        joint.kind != PartyOrgKind.JOINT_BRANCH or joint.status != PartyOrgStatus.ACTIVE
    ):
        _add(errors, "joint_branch", _("请选择一个正常状态的联合党支部。"))
    if application.instructor is not None and not application.instructor.is_active:
        _add(errors, "instructor", _("该党建指导员已不在任。"))
    if application.commitment_signed_on and application.commitment_signed_on > timezone.localdate():
        _add(errors, "commitment_signed_on", _("签署日期不能晚于今天。"))
    try:
        application.full_clean(
            exclude=[
                "charter_file",
                "commitment_file",
                "registration_authority",
                "address_division",
            ]
            if errors
            else ["charter_file", "commitment_file"],
            validate_unique=False,
        )
    except ValidationError as exc:
        for key, messages in exc.message_dict.items():
            for message in messages:
                if message not in errors.get(key, []):
                    _add(errors, key, message)
    return errors


def _save_members(
    application: FoundingApplication, members: list[FoundingMember], actor: Any
) -> None:
    for old in application.members.all():
        _attribute(old, actor).delete()
    for member in members:
        member.application = application
        _attribute(member, actor).save()


@transaction.atomic
def application_create(
    *, actor: Any, members: Iterable[Mapping[str, Any]] = (), **facts: Any
) -> FoundingApplication:
    """File a draft. The caller has asked `permissions.can_file`."""
    application = FoundingApplication(
        created_by=actor if getattr(actor, "is_authenticated", False) else None
    )
    errors = _clean(application, facts, actor=actor)
    rows = _member_rows(members, errors)
    if errors:
        raise ValidationError(errors)
    _attribute(application, actor, _("填报")).save()
    _save_members(application, rows, actor)
    return application


@transaction.atomic
def application_update(
    *,
    actor: Any,
    application: FoundingApplication,
    members: Iterable[Mapping[str, Any]] | None = None,
    **facts: Any,
) -> FoundingApplication:
    """Change a draft or an application sent back for supplement; `members` (when given)
    replaces the listed members."""
    locked = FoundingApplication.objects.select_for_update().get(pk=application.pk)
    if locked.status not in EDITABLE_STATUSES:
        application.status = locked.status
        raise NotEditable(application)
    errors = _clean(application, facts, actor=actor)
    rows = _member_rows(members, errors) if members is not None else None
    if errors:
        raise ValidationError(errors)
    _attribute(application, actor, _("修改")).save()
    if rows is not None:
        _save_members(application, rows, actor)
    return application


# --- files -----------------------------------------------------------------------------------


def _checked_file(file: UploadedFile) -> str:
    """The kind of an uploaded charter or letter ("pdf" or "docx"), by its content; or refuse."""
    limit = max_file_bytes()
    if file.size is None or file.size > limit:
        raise ValidationError({"file": [_("文件不能超过 %(mb)s MB。") % {"mb": limit // 1048576}]})
    if file.size == 0:
        raise ValidationError({"file": [_("文件是空的。")]})
    original = (file.name or "").replace("\\", "/").rsplit("/", 1)[-1]
    extension = original.rpartition(".")[2].lower()
    kind = sniff_document(file)
    if kind not in FILE_KINDS or FILE_KINDS.get(extension) != kind:
        raise ValidationError(
            {"file": [_("只能上传 PDF 或 DOCX 文件，且扩展名须与文件内容一致。")]}
        )
    return kind


def docx_text(file: Any) -> str:
    """The paragraphs of a .docx as plain text (for checking the charter's wording)."""
    file.seek(0)
    try:
        with zipfile.ZipFile(file) as archive:
            xml = archive.read("word/document.xml").decode("utf-8", errors="replace")
    except (zipfile.BadZipFile, KeyError):
        return ""
    finally:
        file.seek(0)
    paragraphs = re.split(r"</w:p>", xml)
    texts = ["".join(re.findall(r"<w:t(?:\s[^>]*)?>([^<]*)</w:t>", p)) for p in paragraphs]
    return "\n".join(t for t in texts if t.strip())


def _editable(application: FoundingApplication) -> None:
    locked = FoundingApplication.objects.select_for_update().get(pk=application.pk)
    if locked.status not in EDITABLE_STATUSES:
        application.status = locked.status
        raise NotEditable(application)


@transaction.atomic
def charter_attach(*, actor: Any, application: FoundingApplication, file: UploadedFile) -> None:
    """Store the charter (PDF or DOCX, size-limited) under MEDIA_ROOT, served only by the
    permission-checked download. A DOCX's text fills an empty charter text, so its wording can
    be checked."""
    kind = _checked_file(file)
    _editable(application)
    if kind == "docx" and not application.charter_text.strip():
        application.charter_text = docx_text(file)
    application.charter_file.save(f"charter.{kind}", file, save=False)
    _attribute(application, actor, _("上传章程")).save()


@transaction.atomic
def commitment_attach(
    *,
    actor: Any,
    application: FoundingApplication,
    file: UploadedFile,
    signed_on: date | None = None,
) -> None:
    """Store the signed party-building commitment letter and its signing date."""
    kind = _checked_file(file)
    _editable(application)
    if signed_on is not None:
        if signed_on > timezone.localdate():
            raise ValidationError({"commitment_signed_on": [_("签署日期不能晚于今天。")]})
        application.commitment_signed_on = signed_on
    application.commitment_file.save(f"commitment.{kind}", file, save=False)
    _attribute(application, actor, _("上传党建工作承诺书")).save()


def file_type(name: str) -> tuple[str, str]:
    extension = name.rsplit(".", 1)[-1].lower()
    return extension, FILE_TYPES.get(extension, "application/octet-stream")


# --- to-dos ----------------------------------------------------------------------------------


def _open_todos(application: FoundingApplication, kind: str) -> list[Todo]:
    return list(
        Todo.objects.open().filter(
            kind=kind,
            subject_type=ContentType.objects.get_for_model(FoundingApplication),
            subject_id=str(application.pk),
        )
    )


def _url(application: FoundingApplication) -> str:
    return reverse("registration:application_detail", args=[application.pk])


def _officer_todo(application: FoundingApplication, kind: str, days: int, actor: Any) -> None:
    title = (
        _("成立登记申请待审查：%(name)s") if kind == REVIEW_TODO else _("成立登记待决定：%(name)s")
    ) % {"name": application.name}
    todo_create(
        kind=kind,
        title=title,
        role=Role.CIVIL_AFFAIRS_OFFICER,
        division=application.registration_authority,
        working_days=days,
        subject=application,
        url=_url(application),
        actor=actor,
    )


# --- the workflow ----------------------------------------------------------------------------


@transaction.atomic
def application_submit(*, actor: Any, application: FoundingApplication) -> FoundingApplication:
    """Hand the application to the registering authority (also after a supplement). A to-do
    for its civil-affairs officers: check the materials within five working days."""
    application.submitted_at = timezone.now()
    _attribute(application, actor, _("提交"))
    transition(application, Status.SUBMITTED, actor=actor, update_fields=("submitted_at",))
    _officer_todo(application, REVIEW_TODO, REVIEW_WORKING_DAYS, actor)
    return application


@transaction.atomic
def application_request_supplement(
    *, actor: Any, application: FoundingApplication, note: str = ""
) -> FoundingApplication:
    """One-time notice (一次性告知): everything the checklist finds missing, and the officer's
    note, at once. Asked once per application; after that the officer decides."""
    locked = FoundingApplication.objects.select_for_update().get(pk=application.pk)
    if locked.status != Status.SUBMITTED:
        application.status = locked.status
        raise TransitionNotAllowed(
            application,
            Status.SUPPLEMENT_REQUESTED,
            set(FoundingApplication.ALLOWED_TRANSITIONS.get(locked.status, set())),
        )
    if locked.supplement_notice:
        raise ValidationError(
            {"note": [_("已一次性告知过需补正的全部内容，不能再次要求补正，请受理或不予登记。")]}
        )
    items = rules.missing_items(application)
    note = note.strip()
    if note:
        items.append(note)
    if not items:
        raise ValidationError({"note": [_("材料齐全，无需补正：请说明需补正的内容，或受理。")]})
    application.supplement_notice = "\n".join(f"{n}. {item}" for n, item in enumerate(items, 1))
    _attribute(application, actor, _("一次性告知补正"))
    transition(
        application,
        Status.SUPPLEMENT_REQUESTED,
        actor=actor,
        reason=note,
        update_fields=("supplement_notice",),
    )
    todos_complete_for(subject=application, kind=REVIEW_TODO, actor=actor, reason=_("已告知补正"))
    return application


@transaction.atomic
def application_accept(*, actor: Any, application: FoundingApplication) -> FoundingApplication:
    _attribute(application, actor, _("受理"))
    transition(application, Status.ACCEPTED, actor=actor)
    todos_complete_for(subject=application, kind=REVIEW_TODO, actor=actor, reason=_("已受理"))
    _officer_todo(application, DECISION_TODO, DECISION_WORKING_DAYS, actor)
    return application


def _decided(application: FoundingApplication, actor: Any, reason: str) -> None:
    application.decided_at = timezone.now()
    application.decided_by = actor if getattr(actor, "is_authenticated", False) else None
    application.decision_reason = reason


@transaction.atomic
def application_refuse(
    *, actor: Any, application: FoundingApplication, reason: str
) -> FoundingApplication:
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": [_("不予登记须说明理由。")]})
    _decided(application, actor, reason)
    _attribute(application, actor, _("不予登记"))
    transition(
        application,
        Status.REFUSED,
        actor=actor,
        reason=reason,
        update_fields=("decided_at", "decided_by", "decision_reason"),
    )
    for kind in (REVIEW_TODO, DECISION_TODO):
        todos_complete_for(subject=application, kind=kind, actor=actor, reason=_("不予登记"))
    return application


@transaction.atomic
def application_withdraw(
    *, actor: Any, application: FoundingApplication, reason: str = ""
) -> FoundingApplication:
    _attribute(application, actor, _("撤回"))
    transition(application, Status.WITHDRAWN, actor=actor, reason=reason.strip())
    for kind in (REVIEW_TODO, DECISION_TODO):
        for todo in _open_todos(application, kind):
            todo_cancel(todo=todo, actor=actor, reason=_("申请已撤回"))
    return application


@transaction.atomic
def exemption_record(
    *, actor: Any, application: FoundingApplication, reason: str
) -> FoundingApplication:
    """Record who exempts the application from the failing synchronizations, and why. Only
    while it is being decided; the members' item cannot be exempted (rules.approval_blockers)."""
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": [_("豁免须说明理由。")]})
    locked = FoundingApplication.objects.select_for_update().get(pk=application.pk)
    if locked.status not in (Status.SUBMITTED, Status.ACCEPTED):
        application.status = locked.status
        raise TransitionNotAllowed(
            application,
            Status.APPROVED,
            set(FoundingApplication.ALLOWED_TRANSITIONS.get(locked.status, set())),
        )
    application.exemption_reason = reason
    application.exemption_by = actor if getattr(actor, "is_authenticated", False) else None
    application.exemption_at = timezone.now()
    _attribute(application, actor, _("记录四同步豁免")).save(
        update_fields=["exemption_reason", "exemption_by", "exemption_at"]
    )
    return application


# --- approval --------------------------------------------------------------------------------


def next_credit_code(authority: Division, org_type: str) -> str:
    """The next code of the civil-affairs series of `authority` for `org_type` (GB 32100-2015:
    5, type, the authority's division, "MJ" + sequence with its GB 11714 check, check character).
    The caller holds the authority's row lock, so two approvals cannot take the same number."""
    type_char = CREDIT_CODE_TYPE[org_type]
    last = (
        SocialOrganization.objects.filter(credit_code__startswith=f"5{type_char}{authority.code}MJ")
        .order_by("-credit_code")
        .values_list("credit_code", flat=True)
        .first()
    )
    sequence = int(last[10:16]) + 1 if last and last[10:16].isdigit() else 1
    return issue_credit_code(
        organization_type=type_char, division_code=authority.code, sequence=sequence
    )


@dataclass
class Approval:
    application: FoundingApplication
    organization: SocialOrganization
    party_organization: PartyOrganization | None


def _takeover_division(authority: Division) -> Division:
    """Where the party committee answers: the social-organization party committee at the
    registering division or the nearest one above it; the authority itself without one."""
    committee = leading_committee_for(authority)
    return committee.division if committee is not None else authority


@transaction.atomic
def application_approve(*, actor: Any, application: FoundingApplication) -> Approval:
    """准予登记. Refused (ValidationError, nothing written) while an item of the checklist fails
    without an exemption; of two officers deciding at once the second gets
    TransitionNotAllowed (409): the row lock is taken before anything is written."""
    locked = FoundingApplication.objects.select_for_update().get(pk=application.pk)
    if locked.status != Status.ACCEPTED:
        application.status = locked.status
        raise TransitionNotAllowed(
            application,
            Status.APPROVED,
            set(FoundingApplication.ALLOWED_TRANSITIONS.get(locked.status, set())),
        )
    members = list(application.members.all())
    blockers = rules.approval_blockers(application, members)
    if blockers:
        raise ValidationError(
            {
                "four_synchronizations": [
                    _("四同步未落实，不能准予登记：%(items)s")
                    % {"items": "；".join(str(check) for check in blockers)}
                ]
            }
        )
    authority = Division.objects.select_for_update().get(pk=application.registration_authority_id)
    today = timezone.localdate()
    why = _("成立登记申请 #%(pk)s 准予登记") % {"pk": application.pk}
    charter_ok = rules.charter_clause_present(application).ok
    organization = organization_create(
        actor=actor,
        name=application.name,
        credit_code=next_credit_code(authority, application.org_type),
        org_type=application.org_type,
        registration_authority=authority,
        business_supervisor=application.business_supervisor,
        address_division=application.address_division,
        address=application.address,
        legal_representative=application.legal_representative,
        founded_on=today,
        industry=application.industry,
        staff_count=application.staff_count,
        charter_has_party_clause=charter_ok,
    )
    for member in members:
        facts: dict[str, Any] = {
            "name": member.name,
            "id_number": member.id_number,
            "education": member.education,
            "employer": organization,
            STAGE_DATE_FIELD[member.stage]: member.stage_on,
        }
        member_create(actor=actor, stage=member.stage, reason=why, **facts)
    coverage_refresh([organization.pk])
    party_org: PartyOrganization | None = None
    full = sum(1 for m in members if m.stage == Stage.FULL)
    plan = application.coverage_plan
    if plan == CoveragePlan.ESTABLISH and full >= rules.ALONE_MIN_FULL_MEMBERS:
        party_org = party_organization_register(
            actor=actor,
            name=application.party_org_name,
            kind=application.party_org_kind,
            formation=Formation.ALONE,
            covered_organizations=[organization.pk],
            parent=None,
            founded_on=today,
        )
    elif plan == CoveragePlan.JOINT_BRANCH and application.joint_branch is not None:
        joint = application.joint_branch
        covered = list(joint.coverages.values_list("social_org_id", flat=True))
        party_organization_update(
            actor=None,  # the joint branch's other units may lie outside the officer's county
            party_organization=joint,
            changes={"covered_organizations": [*covered, organization.pk]},
        )
        party_org = joint
    elif plan == CoveragePlan.INSTRUCTOR and application.instructor is not None:
        instructor = Instructor.objects.get(pk=application.instructor.pk)
        instructor_assign(actor=actor, instructor=instructor, social_org=organization)
    coverage_refresh([organization.pk])
    application.organization = organization
    _decided(application, actor, "")
    _attribute(application, actor, why)
    transition(
        application,
        Status.APPROVED,
        actor=actor,
        update_fields=("organization", "decided_at", "decided_by", "decision_reason"),
    )
    todos_complete_for(subject=application, kind=DECISION_TODO, actor=actor, reason=_("准予登记"))
    if party_org is not None and plan == CoveragePlan.ESTABLISH:
        title = _("接收新登记社会组织的党组织：%(party)s（%(org)s）")
    elif party_org is not None:
        title = _("确认联合党支部覆盖新登记社会组织：%(party)s（%(org)s）")
    else:
        title = _("落实新登记社会组织的党建工作覆盖：%(org)s")
    todo_create(
        kind=TAKEOVER_TODO,
        title=title % {"party": party_org.name if party_org else "", "org": organization.name},
        role=Role.PARTY_COMMITTEE_OFFICER,
        division=_takeover_division(authority),
        working_days=takeover_working_days(),
        subject=application,
        url=_url(application),
        actor=actor,
    )
    return Approval(application, organization, party_org)


DECISIONS = ("accept", "supplement", "approve", "refuse")


def application_decide(
    *, actor: Any, application: FoundingApplication, action: str, reason: str = ""
) -> FoundingApplication:
    """The officer's one entry point: accept, request a supplement, approve or refuse."""
    if action == "accept":
        return application_accept(actor=actor, application=application)
    if action == "supplement":
        return application_request_supplement(actor=actor, application=application, note=reason)
    if action == "approve":
        return application_approve(actor=actor, application=application).application
    if action == "refuse":
        return application_refuse(actor=actor, application=application, reason=reason)
    raise ValidationError({"action": [_("请选择：受理、补正、准予登记或不予登记。")]})


# Kept for the demo and tests: which industries a founding application may name.
INDUSTRIES = Industry.values
