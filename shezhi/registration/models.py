"""Founding registration of social organizations with the four synchronizations (四同步,
shared/DOMAIN.md §0, §6): the application, the party members among its staff, and the files
(charter, party-building commitment letter) it carries.

The organization, its party organization and its members are written only on approval, in one
transaction (services.application_approve); until then everything lives on the application.
"""

from __future__ import annotations

import uuid
from typing import Any, ClassVar

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from shezhi.core.fields import EncryptedField, PathField
from shezhi.core.models import Division
from shezhi.core.personal_data import PersonalKind
from shezhi.core.roles import Role
from shezhi.core.scoping import ScopedQuerySet
from shezhi.party.models import Education, Instructor, PartyOrganization, PartyOrgKind, Stage
from shezhi.social_orgs.models import Industry, OrgType, SocialOrganization


class Status(models.TextChoices):
    DRAFT = "draft", _("草稿")
    SUBMITTED = "submitted", _("已提交")
    SUPPLEMENT_REQUESTED = "supplement_requested", _("待补正")
    ACCEPTED = "accepted", _("已受理")
    APPROVED = "approved", _("准予登记")
    REFUSED = "refused", _("不予登记")
    WITHDRAWN = "withdrawn", _("已撤回")


# What the applicant may still change; the officer's decisions start at submission.
EDITABLE_STATUSES = (Status.DRAFT, Status.SUPPLEMENT_REQUESTED)
OPEN_STATUSES = (Status.DRAFT, Status.SUBMITTED, Status.SUPPLEMENT_REQUESTED, Status.ACCEPTED)


class CoveragePlan(models.TextChoices):
    """How party work reaches the organization at registration (四同步 ①)."""

    ESTABLISH = "establish", _("同步成立党组织")
    JOINT_BRANCH = "joint_branch", _("加入联合党支部")
    INSTRUCTOR = "instructor", _("申请选派党建指导员")


# The kinds a newly registered organization may propose for its own party organization.
PROPOSED_KINDS = (PartyOrgKind.BRANCH, PartyOrgKind.GENERAL_BRANCH, PartyOrgKind.COMMITTEE)


class FoundingApplicationQuerySet(ScopedQuerySet):
    # The registering authority decides who handles the application, as for the registry.
    path_lookup = "division_path"

    def visible_to(self, user: Any) -> FoundingApplicationQuerySet:
        # An applicant account (an organization account not yet bound to a registered
        # organization) sees the applications it filed, nothing else.
        if (
            user.is_authenticated
            and user.is_active
            and not user.is_superuser
            and user.role == Role.ORGANIZATION_ACCOUNT
        ):
            if getattr(user, "organization_id", None) is not None:
                return self.filter(organization_id=user.organization_id)
            return self.filter(created_by=user)
        return super().visible_to(user)


def _stored(folder: str, filename: str) -> str:
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"registration/{folder}/{uuid.uuid4().hex}.{extension}"


def charter_upload_to(instance: FoundingApplication, filename: str) -> str:
    return _stored("charters", filename)


def commitment_upload_to(instance: FoundingApplication, filename: str) -> str:
    return _stored("commitments", filename)


class FoundingApplication(models.Model):
    """An application to register a new social organization (成立登记), with its 四同步."""

    # --- the organization ---------------------------------------------------------------------
    name = models.CharField(_("拟登记名称"), max_length=200)
    org_type = models.CharField(_("类型"), max_length=20, choices=OrgType.choices)
    registration_authority = models.ForeignKey(
        Division,
        verbose_name=_("登记管理机关"),
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("省、地级市或县级民政部门所在区划。"),
    )
    division_path = PathField(max_length=64, editable=False, db_index=True)
    address_division = models.ForeignKey(
        Division, verbose_name=_("住所所在镇街或村居"), on_delete=models.PROTECT, related_name="+"
    )
    address = models.CharField(_("住所"), max_length=300, blank=True)
    legal_representative = models.CharField(_("拟任法定代表人"), max_length=50)
    business_supervisor = models.CharField(_("业务主管单位"), max_length=200, blank=True)
    industry = models.CharField(_("行业领域"), max_length=20, choices=Industry.choices)
    staff_count = models.PositiveIntegerField(_("从业人员数"), default=0)
    # --- ③ the charter ------------------------------------------------------------------------
    charter_text = models.TextField(_("章程文本"), blank=True)
    charter_file = models.FileField(
        _("章程文件"), upload_to=charter_upload_to, max_length=200, blank=True
    )
    # --- ④ the commitment letter ----------------------------------------------------------------
    commitment_file = models.FileField(
        _("党建工作承诺书"), upload_to=commitment_upload_to, max_length=200, blank=True
    )
    commitment_signed_on = models.DateField(_("承诺书签署日期"), null=True, blank=True)
    # --- ① the party organization or work coverage ----------------------------------------------
    coverage_plan = models.CharField(
        _("党建工作覆盖方式"), max_length=20, choices=CoveragePlan.choices, blank=True
    )
    party_org_kind = models.CharField(
        _("拟成立党组织类别"),
        max_length=20,
        blank=True,
        choices=[(k.value, k.label) for k in PROPOSED_KINDS],
    )
    party_org_name = models.CharField(_("拟成立党组织名称"), max_length=200, blank=True)
    joint_branch = models.ForeignKey(
        PartyOrganization,
        verbose_name=_("拟加入的联合党支部"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    instructor = models.ForeignKey(
        Instructor,
        verbose_name=_("拟选派的党建指导员"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # --- the handling ---------------------------------------------------------------------------
    status = models.CharField(
        _("状态"), max_length=30, choices=Status.choices, default=Status.DRAFT
    )
    supplement_notice = models.TextField(_("一次性补正告知"), blank=True)
    decision_reason = models.TextField(_("决定理由"), blank=True)
    exemption_reason = models.TextField(_("四同步豁免理由"), blank=True)
    exemption_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("豁免决定人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    exemption_at = models.DateTimeField(_("豁免时间"), null=True, blank=True)
    organization = models.OneToOneField(
        SocialOrganization,
        verbose_name=_("登记的社会组织"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="founding_application",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("填报人"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    submitted_at = models.DateTimeField(_("提交时间"), null=True, blank=True)
    decided_at = models.DateTimeField(_("决定时间"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("决定人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    history = HistoricalRecords()
    objects = FoundingApplicationQuerySet.as_manager()

    ALLOWED_TRANSITIONS: ClassVar[dict[str, set[str]]] = {
        Status.DRAFT: {Status.SUBMITTED, Status.WITHDRAWN},
        Status.SUBMITTED: {
            Status.SUPPLEMENT_REQUESTED,
            Status.ACCEPTED,
            Status.REFUSED,
            Status.WITHDRAWN,
        },
        Status.SUPPLEMENT_REQUESTED: {Status.SUBMITTED, Status.WITHDRAWN},
        Status.ACCEPTED: {Status.APPROVED, Status.REFUSED, Status.WITHDRAWN},
        Status.APPROVED: set(),
        Status.REFUSED: set(),
        Status.WITHDRAWN: set(),
    }

    class Meta:
        verbose_name = _("成立登记申请")
        verbose_name_plural = _("成立登记申请")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["division_path", "status"], name="founding_scope"),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.division_path = self.registration_authority.path
        super().save(*args, **kwargs)

    @property
    def division(self) -> Division:
        return self.registration_authority

    @property
    def has_exemption(self) -> bool:
        return bool(self.exemption_reason and self.exemption_by_id)


class FoundingMember(models.Model):
    """A party member among the staff, as listed on the application (四同步 ②). Registered as a
    PartyMember, employed by the new organization, on approval."""

    application = models.ForeignKey(
        FoundingApplication, on_delete=models.CASCADE, related_name="members"
    )
    name = models.CharField(_("姓名"), max_length=50)
    id_number = EncryptedField(_("身份证号码"), kind=PersonalKind.ID_NUMBER)
    stage = models.CharField(_("发展阶段"), max_length=20, choices=Stage.choices)
    stage_on = models.DateField(_("进入该阶段日期"))
    education = models.CharField(_("学历"), max_length=20, choices=Education.choices)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("申请单位党员")
        verbose_name_plural = _("申请单位党员")
        ordering = ["application", "id"]
        constraints = [
            models.CheckConstraint(condition=~Q(name=""), name="founding_member_named"),
        ]

    def __str__(self) -> str:
        return self.name
