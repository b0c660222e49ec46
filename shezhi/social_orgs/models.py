"""The registry of social organizations (社会团体, 社会服务机构, 基金会)."""

from __future__ import annotations

from typing import ClassVar

from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from shezhi.core.fields import BlindIndexField, EncryptedField, PathField
from shezhi.core.import_jobs import ImportJob, stored_name
from shezhi.core.import_jobs import ImportStatus as ImportStatus  # (re-exported)
from shezhi.core.models import Division
from shezhi.core.personal_data import PersonalKind
from shezhi.core.scoping import ScopedQuerySet

from .credit_code import OrganizationType


class OrgType(models.TextChoices):
    SOCIAL_GROUP = "social_group", _("社会团体")
    SOCIAL_SERVICE = "social_service", _("社会服务机构")
    FOUNDATION = "foundation", _("基金会")


# The organization-type character of the credit code for each type (GB 32100-2015 Annex A).
CREDIT_CODE_TYPE: dict[str, str] = {
    OrgType.SOCIAL_GROUP: OrganizationType.SOCIAL_GROUP,
    OrgType.SOCIAL_SERVICE: OrganizationType.SOCIAL_SERVICE,
    OrgType.FOUNDATION: OrganizationType.FOUNDATION,
}


class Industry(models.TextChoices):
    """The Ministry of Civil Affairs' classification of social organizations by field."""

    SCIENCE = "science", _("科技与研究")
    ENVIRONMENT = "environment", _("生态环境")
    EDUCATION = "education", _("教育")
    HEALTH = "health", _("卫生")
    SOCIAL_SERVICE = "social_service", _("社会服务")
    CULTURE = "culture", _("文化")
    SPORTS = "sports", _("体育")
    LAW = "law", _("法律")
    BUSINESS = "business", _("工商服务业")
    RELIGION = "religion", _("宗教")
    RURAL = "rural", _("农业及农村发展")
    PROFESSION = "profession", _("职业及从业者组织")
    INTERNATIONAL = "international", _("国际及涉外组织")
    OTHER = "other", _("其他")


class OrgStatus(models.TextChoices):
    ACTIVE = "active", _("正常")
    ABNORMAL = "abnormal", _("列入活动异常名录")
    SERIOUS_VIOLATION = "serious_violation", _("列入严重违法失信名单")
    DEREGISTERED = "deregistered", _("已注销")
    REVOKED = "revoked", _("已撤销登记")


# Organizations that still exist and are supervised; deregistered and revoked ones are history.
LIVE_STATUSES = (OrgStatus.ACTIVE, OrgStatus.ABNORMAL, OrgStatus.SERIOUS_VIOLATION)


class SocialOrganizationQuerySet(ScopedQuerySet):
    # Who registered an organization decides who supervises it, and so who may see it.
    path_lookup = "authority_path"
    organization_lookup = "pk"

    def live(self) -> SocialOrganizationQuerySet:
        return self.filter(status__in=LIVE_STATUSES)


class SocialOrganization(models.Model):
    name = models.CharField(_("名称"), max_length=200)
    credit_code = models.CharField(_("统一社会信用代码"), max_length=18, unique=True)
    org_type = models.CharField(_("类型"), max_length=20, choices=OrgType.choices)
    registration_authority = models.ForeignKey(
        Division,
        verbose_name=_("登记管理机关"),
        on_delete=models.PROTECT,
        related_name="registered_organizations",
        help_text=_("省、地级市或县级民政部门所在区划，决定由谁监管。"),
    )
    # The authority's division path, kept with the row so that scoping and the statistics of
    # a division are one range scan of this table (Division paths never change for a code).
    authority_path = PathField(max_length=64, editable=False, db_index=True)
    business_supervisor = models.CharField(_("业务主管单位"), max_length=200, blank=True)
    address_division = models.ForeignKey(
        Division,
        verbose_name=_("住所所在镇街或村居"),
        on_delete=models.PROTECT,
        related_name="resident_organizations",
    )
    address = models.CharField(_("住所"), max_length=300, blank=True)
    legal_representative = models.CharField(_("法定代表人"), max_length=50)
    legal_representative_phone = EncryptedField(
        _("法定代表人电话"), kind=PersonalKind.PHONE, blank=True, null=True
    )
    legal_representative_phone_hash = BlindIndexField(source="legal_representative_phone")
    founded_on = models.DateField(_("成立登记日期"))
    industry = models.CharField(_("行业领域"), max_length=20, choices=Industry.choices)
    staff_count = models.PositiveIntegerField(_("从业人员数"), default=0)
    status = models.CharField(
        _("状态"), max_length=20, choices=OrgStatus.choices, default=OrgStatus.ACTIVE
    )
    charter_has_party_clause = models.BooleanField(_("章程含党建工作内容"), default=False)
    # Party-building facts about the organization, kept in step by the party module's
    # `coverage_refresh` whenever coverage, instructors or members change, so that coverage
    # figures for a whole province are one scan of this table. Nothing else writes them.
    organization_covered = models.BooleanField(_("党的组织覆盖"), default=False, editable=False)
    has_instructor = models.BooleanField(_("已选派党建指导员"), default=False, editable=False)
    full_member_count = models.PositiveIntegerField(_("正式党员数"), default=0, editable=False)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    history = HistoricalRecords(
        excluded_fields=[
            "updated_at",
            "organization_covered",
            "has_instructor",
            "full_member_count",
        ]
    )
    objects = SocialOrganizationQuerySet.as_manager()

    class Meta:
        verbose_name = _("社会组织")
        verbose_name_plural = _("社会组织")
        ordering = ["credit_code"]
        indexes = [
            models.Index(fields=["authority_path", "status"], name="org_scope_status"),
            # The lists' default order (authority, then name) read straight off the index: a
            # province-wide page stops after its 25 rows instead of sorting 59,455.
            models.Index(fields=["authority_path", "name"], name="org_scope_name"),
            models.Index(fields=["name"], name="org_name"),
            models.Index(fields=["org_type", "status"], name="org_type_status"),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args: object, **kwargs: object) -> None:
        self.authority_path = self.registration_authority.path
        super().save(*args, **kwargs)  # type: ignore[arg-type]

    @property
    def work_covered(self) -> bool:
        return self.organization_covered or self.has_instructor

    @property
    def level(self) -> str:
        """province, city or county: the level of the registering authority."""
        return self.registration_authority.level

    @property
    def division(self) -> Division:
        return self.registration_authority

    ALLOWED_TRANSITIONS: ClassVar[dict[str, set[str]]] = {
        OrgStatus.ACTIVE: {OrgStatus.ABNORMAL, OrgStatus.DEREGISTERED, OrgStatus.REVOKED},
        OrgStatus.ABNORMAL: {
            OrgStatus.ACTIVE,
            OrgStatus.SERIOUS_VIOLATION,
            OrgStatus.DEREGISTERED,
            OrgStatus.REVOKED,
        },
        OrgStatus.SERIOUS_VIOLATION: {OrgStatus.ABNORMAL, OrgStatus.ACTIVE, OrgStatus.REVOKED},
        OrgStatus.DEREGISTERED: set(),
        OrgStatus.REVOKED: set(),
    }


# --------------------------------------------------------------------------------------------
# xlsx imports (imports.py, tasks.py): one row per uploaded file, with its progress and report


def import_upload_to(instance: OrganizationImport, filename: str) -> str:
    return stored_name("social_orgs")


class OrganizationImport(ImportJob):
    file = models.FileField(_("文件"), upload_to=import_upload_to, max_length=200)
    processed_rows = models.PositiveIntegerField(_("已校验行数"), default=0)

    class Meta(ImportJob.Meta):
        verbose_name = _("社会组织导入")
        verbose_name_plural = _("社会组织导入")
