"""Annual inspection (年度检查) or annual work report (年度工作报告), and rectification.

DOMAIN.md §7: the national annual inspection ends in a conclusion (qualified, basically qualified,
unqualified); Guangdong replaced it with an annual work report that is filed and published without
a conclusion (粤民规字〔2019〕3号). Which of the two applies is chosen per registration authority
and year (`InspectionConfig`); each filing keeps the mode it was filed under.
"""

from __future__ import annotations

from typing import ClassVar

from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from shezhi.core.fields import PathField
from shezhi.core.models import Division
from shezhi.core.scoping import ScopedQuerySet
from shezhi.social_orgs.models import SocialOrganization


class Mode(models.TextChoices):
    INSPECTION = "inspection", _("年度检查")
    REPORT = "report", _("年度工作报告")


class FilingStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    SUBMITTED = "submitted", _("已报送")
    SUPERVISOR_REVIEW = "supervisor_review", _("业务主管单位初审")
    AUTHORITY_REVIEW = "authority_review", _("登记管理机关审查")
    CONCLUDED = "concluded", _("已作出年检结论")
    PUBLISHED = "published", _("已公示")


class Conclusion(models.TextChoices):
    QUALIFIED = "qualified", _("合格")
    BASICALLY_QUALIFIED = "basically_qualified", _("基本合格")
    UNQUALIFIED = "unqualified", _("不合格")


# A filing counts as filed from its submission on; a returned one is a draft again until it is
# submitted anew (the completion figures read this).
FILED_STATUSES = (
    FilingStatus.SUBMITTED,
    FilingStatus.SUPERVISOR_REVIEW,
    FilingStatus.AUTHORITY_REVIEW,
    FilingStatus.CONCLUDED,
    FilingStatus.PUBLISHED,
)
FINAL_STATUSES = (FilingStatus.CONCLUDED, FilingStatus.PUBLISHED)
# Conclusions that order rectification within a deadline (DOMAIN.md §7).
RECTIFYING_CONCLUSIONS = (Conclusion.BASICALLY_QUALIFIED, Conclusion.UNQUALIFIED)

_REVIEW: dict[str, set[str]] = {
    FilingStatus.DRAFT: {FilingStatus.SUBMITTED},
    FilingStatus.SUBMITTED: {
        FilingStatus.SUPERVISOR_REVIEW,
        FilingStatus.AUTHORITY_REVIEW,
        FilingStatus.DRAFT,
    },
    FilingStatus.SUPERVISOR_REVIEW: {FilingStatus.AUTHORITY_REVIEW, FilingStatus.DRAFT},
    FilingStatus.CONCLUDED: set(),
    FilingStatus.PUBLISHED: set(),
}
# The two modes differ only in how the authority's review ends.
TRANSITIONS: dict[str, dict[str, set[str]]] = {
    Mode.INSPECTION: {
        **_REVIEW,
        FilingStatus.AUTHORITY_REVIEW: {FilingStatus.CONCLUDED, FilingStatus.DRAFT},
    },
    Mode.REPORT: {
        **_REVIEW,
        FilingStatus.AUTHORITY_REVIEW: {FilingStatus.PUBLISHED, FilingStatus.DRAFT},
    },
}


class InspectionConfigQuerySet(ScopedQuerySet):
    path_lookup = "authority_path"


class InspectionConfig(models.Model):
    """How one registration authority runs one year: the mode and the filing window."""

    authority = models.ForeignKey(
        Division, verbose_name=_("登记管理机关"), on_delete=models.PROTECT, related_name="+"
    )
    authority_path = PathField(max_length=64, editable=False, db_index=True)
    year = models.PositiveSmallIntegerField(_("年度"))
    mode = models.CharField(_("方式"), max_length=20, choices=Mode.choices)
    window_opens_on = models.DateField(_("报送开始日期"))
    window_closes_on = models.DateField(_("报送截止日期"))
    supervisor_due_on = models.DateField(_("业务主管单位初审截止日期"), null=True, blank=True)

    history = HistoricalRecords()
    objects = InspectionConfigQuerySet.as_manager()

    class Meta:
        verbose_name = _("年检（年报）安排")
        verbose_name_plural = _("年检（年报）安排")
        ordering = ["-year", "authority_path"]
        constraints = [
            models.UniqueConstraint(fields=["authority", "year"], name="inspection_config_once"),
        ]
        indexes = [models.Index(fields=["year", "authority_path"], name="inspection_config_year")]

    def __str__(self) -> str:
        return f"{self.authority.name} {self.year} {self.get_mode_display()}"

    def save(self, *args: object, **kwargs: object) -> None:
        self.authority_path = self.authority.path
        super().save(*args, **kwargs)  # type: ignore[arg-type]

    @property
    def division(self) -> Division:
        return self.authority


class FilingQuerySet(ScopedQuerySet):
    # The registration authority supervises; an organization account sees its own filings.
    path_lookup = "authority_path"
    organization_lookup = "organization_id"


class Filing(models.Model):
    """One organization's annual inspection or annual work report for one year."""

    organization = models.ForeignKey(
        SocialOrganization,
        verbose_name=_("社会组织"),
        on_delete=models.PROTECT,
        related_name="inspection_filings",
    )
    authority = models.ForeignKey(
        Division, verbose_name=_("登记管理机关"), on_delete=models.PROTECT, related_name="+"
    )
    authority_path = PathField(max_length=64, editable=False)
    year = models.PositiveSmallIntegerField(_("年度"))
    mode = models.CharField(_("方式"), max_length=20, choices=Mode.choices)
    status = models.CharField(
        _("状态"), max_length=20, choices=FilingStatus.choices, default=FilingStatus.DRAFT
    )
    conclusion = models.CharField(
        _("年检结论"), max_length=20, choices=Conclusion.choices, blank=True
    )

    # What the organization reports.
    activities = models.TextField(_("业务活动情况"), blank=True)
    income = models.DecimalField(_("本年收入（元）"), max_digits=14, decimal_places=2, default=0)
    expenditure = models.DecimalField(
        _("本年支出（元）"), max_digits=14, decimal_places=2, default=0
    )
    net_assets = models.DecimalField(
        _("年末净资产（元）"), max_digits=14, decimal_places=2, default=0
    )
    staff_count = models.PositiveIntegerField(_("从业人员数"), default=0)

    # Party building: facts the organization confirms or corrects; `party_prefill` keeps what the
    # party module said when the filing was opened, so a reviewer sees both.
    has_party_organization = models.BooleanField(_("已建立党组织"), default=False)
    party_organization_name = models.CharField(_("党组织名称"), max_length=200, blank=True)
    party_activities = models.PositiveIntegerField(_("本年党组织活动次数"), default=0)
    party_member_count = models.PositiveIntegerField(_("党员人数"), default=0)
    instructor_name = models.CharField(_("党建指导员"), max_length=50, blank=True)
    party_prefill = models.JSONField(_("党建预填信息"), default=dict, blank=True, editable=False)

    supervisor_opinion = models.TextField(_("业务主管单位初审意见"), blank=True)
    decision_reason = models.TextField(_("审查意见"), blank=True)
    return_reason = models.TextField(_("退回原因"), blank=True)
    submitted_on = models.DateField(_("报送日期"), null=True, blank=True)
    decided_on = models.DateField(_("办结日期"), null=True, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    history = HistoricalRecords()
    objects = FilingQuerySet.as_manager()

    class Meta:
        verbose_name = _("年检（年报）")
        verbose_name_plural = _("年检（年报）")
        ordering = ["-year", "authority_path", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "year"], name="inspection_filing_once"),
        ]
        indexes = [
            # Scoped lists (an authority's filings of a year) and the completion figures' lookups
            # (has this organization filed for that year?) read these.
            models.Index(fields=["authority_path", "year", "status"], name="inspection_scope"),
            models.Index(fields=["year", "organization", "status"], name="inspection_filed"),
        ]

    def __str__(self) -> str:
        return f"{self.organization} {self.year}"

    def save(self, *args: object, **kwargs: object) -> None:
        self.authority_path = self.authority.path
        super().save(*args, **kwargs)  # type: ignore[arg-type]

    @property
    def division(self) -> Division:
        return self.authority

    @property
    def transitions(self) -> dict[str, set[str]]:
        return TRANSITIONS[self.mode]

    @property
    def is_final(self) -> bool:
        return self.status in FINAL_STATUSES


class RectificationStatus(models.TextChoices):
    OPEN = "open", _("整改中")
    SUBMITTED = "submitted", _("已报送整改情况")
    VERIFIED = "verified", _("整改已核实")


class RectificationQuerySet(ScopedQuerySet):
    path_lookup = "filing__authority_path"
    organization_lookup = "filing__organization_id"


class Rectification(models.Model):
    """Rectification ordered by a basically-qualified or unqualified conclusion; a rejected
    report reopens the same rectification with a new deadline (History keeps each round)."""

    filing = models.OneToOneField(
        Filing, verbose_name=_("年检"), on_delete=models.CASCADE, related_name="rectification"
    )
    status = models.CharField(
        _("状态"),
        max_length=20,
        choices=RectificationStatus.choices,
        default=RectificationStatus.OPEN,
    )
    requirements = models.TextField(_("整改要求"))
    ordered_on = models.DateField(_("责令整改日期"))
    working_days = models.PositiveSmallIntegerField(_("整改时限（工作日）"))
    due_on = models.DateField(_("整改截止日期"))
    report = models.TextField(_("整改情况"), blank=True)
    submitted_on = models.DateField(_("报送日期"), null=True, blank=True)
    verified_on = models.DateField(_("核实日期"), null=True, blank=True)
    rejection_reason = models.TextField(_("未通过原因"), blank=True)
    rounds = models.PositiveSmallIntegerField(_("整改轮次"), default=1)

    history = HistoricalRecords()
    objects = RectificationQuerySet.as_manager()

    ALLOWED_TRANSITIONS: ClassVar[dict[str, set[str]]] = {
        RectificationStatus.OPEN: {RectificationStatus.SUBMITTED},
        RectificationStatus.SUBMITTED: {RectificationStatus.VERIFIED, RectificationStatus.OPEN},
        RectificationStatus.VERIFIED: set(),
    }

    class Meta:
        verbose_name = _("年检整改")
        verbose_name_plural = _("年检整改")

    def __str__(self) -> str:
        return f"{self.filing} {self.get_status_display()}"
