"""Party building in social organizations: party organizations, members, instructors, coverage,
business-handling applications and organization-relationship transfers (shared/DOMAIN.md §0, §4).
"""

from __future__ import annotations

from datetime import date
from typing import Any, ClassVar

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from shezhi.core.fields import BlindIndexField, EncryptedField, PathField
from shezhi.core.import_jobs import ImportJob, stored_name
from shezhi.core.models import Division
from shezhi.core.personal_data import PersonalKind
from shezhi.core.roles import Role
from shezhi.core.scoping import ScopedQuerySet, jurisdiction_q
from shezhi.social_orgs.models import SocialOrganization


class PartyOrgKind(models.TextChoices):
    # The social-organization party committees that lead the work (the provincial one and its
    # city/county counterparts) are not party organizations *in* social organizations: the
    # statistics leave them out.
    LEADING_COMMITTEE = "leading_committee", _("社会组织党委")
    COMMITTEE = "committee", _("党委")
    GENERAL_BRANCH = "general_branch", _("党总支")
    BRANCH = "branch", _("党支部")
    JOINT_BRANCH = "joint_branch", _("联合党支部")


class Formation(models.TextChoices):
    ALONE = "alone", _("单独组建")
    JOINT = "joint", _("联合组建")
    AREA = "area", _("区域组建")
    INDUSTRY = "industry", _("行业组建")
    ATTACHED = "attached", _("挂靠组建")
    DELEGATED = "delegated", _("委托组建")


class PartyOrgStatus(models.TextChoices):
    ACTIVE = "active", _("正常")
    DISSOLVED = "dissolved", _("已撤销")


class TermYears(models.IntegerChoices):
    # 2022 Party Constitution: terms of 3 to 5 years; villages and communities 5, others usually 3.
    THREE = 3, _("3年")
    FIVE = 5, _("5年")


class PartyOrganizationQuerySet(ScopedQuerySet):
    path_lookup = "division_path"
    party_organization_lookup = "pk"
    organization_lookup = "coverages__social_org"

    def active(self) -> PartyOrganizationQuerySet:
        return self.filter(status=PartyOrgStatus.ACTIVE)

    def in_social_orgs(self) -> PartyOrganizationQuerySet:
        return self.exclude(kind=PartyOrgKind.LEADING_COMMITTEE)


class PartyOrganization(models.Model):
    name = models.CharField(_("名称"), max_length=200)
    kind = models.CharField(_("类别"), max_length=20, choices=PartyOrgKind.choices)
    formation = models.CharField(
        _("组建方式"), max_length=20, choices=Formation.choices, blank=True
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("上级党组织"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    # The jurisdiction that answers for it: the registering authority of the organization it is
    # built in, or the division of a leading committee.
    division = models.ForeignKey(
        Division, verbose_name=_("所属区划"), on_delete=models.PROTECT, related_name="+"
    )
    division_path = PathField(max_length=64, editable=False, db_index=True)
    founded_on = models.DateField(_("成立日期"))
    term_years = models.PositiveSmallIntegerField(
        _("任期（年）"), choices=TermYears.choices, default=TermYears.THREE
    )
    term_started_on = models.DateField(_("本届任期开始"), null=True, blank=True)
    status = models.CharField(
        _("状态"), max_length=20, choices=PartyOrgStatus.choices, default=PartyOrgStatus.ACTIVE
    )
    dissolved_on = models.DateField(_("撤销日期"), null=True, blank=True)
    covered_organizations: models.ManyToManyField[SocialOrganization, Coverage] = (
        models.ManyToManyField(
            SocialOrganization,
            through="Coverage",
            verbose_name=_("覆盖的社会组织"),
            related_name="party_organizations",
        )
    )

    history = HistoricalRecords()
    objects = PartyOrganizationQuerySet.as_manager()

    ALLOWED_TRANSITIONS: ClassVar[dict[str, set[str]]] = {
        PartyOrgStatus.ACTIVE: {PartyOrgStatus.DISSOLVED},
        PartyOrgStatus.DISSOLVED: set(),
    }

    class Meta:
        verbose_name = _("党组织")
        verbose_name_plural = _("党组织")
        ordering = ["division_path", "name"]
        indexes = [
            models.Index(fields=["division_path", "kind", "status"], name="partyorg_scope"),
            models.Index(fields=["parent", "status"], name="partyorg_parent"),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.division_path = self.division.path
        super().save(*args, **kwargs)

    @property
    def term_ends_on(self) -> date | None:
        if self.term_started_on is None:
            return None
        start = self.term_started_on
        try:
            return start.replace(year=start.year + self.term_years)
        except ValueError:  # 29 February
            return start.replace(year=start.year + self.term_years, day=28)


class Coverage(models.Model):
    """A social organization covered by a party organization (alone or jointly).

    An organization belongs to at most one party organization at a time.
    """

    party_organization = models.ForeignKey(
        PartyOrganization, on_delete=models.CASCADE, related_name="coverages"
    )
    social_org = models.OneToOneField(
        SocialOrganization,
        verbose_name=_("社会组织"),
        on_delete=models.CASCADE,
        related_name="party_coverage",
    )
    since = models.DateField(_("纳入日期"))

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("党组织覆盖")
        verbose_name_plural = _("党组织覆盖")

    def __str__(self) -> str:
        return f"{self.party_organization} → {self.social_org}"


class Gender(models.TextChoices):
    MALE = "male", _("男")
    FEMALE = "female", _("女")


class Education(models.TextChoices):
    POSTGRADUATE = "postgraduate", _("研究生")
    UNDERGRADUATE = "undergraduate", _("大学本科")
    COLLEGE = "college", _("大学专科")
    SECONDARY = "secondary", _("中专")
    HIGH_SCHOOL = "high_school", _("高中")
    JUNIOR = "junior", _("初中及以下")


class Stage(models.TextChoices):
    """The steps of party-member development, in order (DOMAIN.md §4)."""

    APPLICANT = "applicant", _("入党申请人")
    ACTIVIST = "activist", _("入党积极分子")
    CANDIDATE = "candidate", _("发展对象")
    PROBATIONARY = "probationary", _("预备党员")
    FULL = "full", _("正式党员")


STAGE_ORDER: tuple[str, ...] = tuple(Stage.values)
# The date field recording when a member reached each stage.
STAGE_DATE_FIELD: dict[str, str] = {
    Stage.APPLICANT: "applied_on",
    Stage.ACTIVIST: "activist_on",
    Stage.CANDIDATE: "candidate_on",
    Stage.PROBATIONARY: "probationary_on",
    Stage.FULL: "full_on",
}


class MemberStatus(models.TextChoices):
    ACTIVE = "active", _("在册")
    LEFT = "left", _("已出党")
    DECEASED = "deceased", _("已去世")
    CANCELLED = "cancelled", _("取消预备党员资格")


class PartyMemberQuerySet(ScopedQuerySet):
    path_lookup = "division_path"
    party_organization_lookup = "branch"
    organization_lookup = "employer"

    def on_roll(self) -> PartyMemberQuerySet:
        return self.filter(status=MemberStatus.ACTIVE)


class PartyMember(models.Model):
    name = models.CharField(_("姓名"), max_length=50)
    gender = models.CharField(_("性别"), max_length=10, choices=Gender.choices)
    ethnicity = models.CharField(_("民族"), max_length=20, default="汉族")
    birth_date = models.DateField(_("出生日期"))
    id_number = EncryptedField(_("身份证号码"), kind=PersonalKind.ID_NUMBER)
    id_number_hash = BlindIndexField(source="id_number", unique=True)
    phone = EncryptedField(_("联系电话"), kind=PersonalKind.PHONE, blank=True, null=True)
    phone_hash = BlindIndexField(source="phone")
    education = models.CharField(_("学历"), max_length=20, choices=Education.choices)
    employer = models.ForeignKey(
        SocialOrganization,
        verbose_name=_("工作单位"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="party_members",
    )
    branch = models.ForeignKey(
        PartyOrganization,
        verbose_name=_("所在党组织"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="members",
    )
    # The jurisdiction answering for the member: the branch's, or the employer's authority.
    division = models.ForeignKey(
        Division, verbose_name=_("所属区划"), on_delete=models.PROTECT, related_name="+"
    )
    division_path = PathField(max_length=64, editable=False, db_index=True)
    stage = models.CharField(_("发展阶段"), max_length=20, choices=Stage.choices)
    applied_on = models.DateField(_("递交入党申请书日期"), null=True, blank=True)
    activist_on = models.DateField(_("确定为入党积极分子日期"), null=True, blank=True)
    candidate_on = models.DateField(_("确定为发展对象日期"), null=True, blank=True)
    probationary_on = models.DateField(_("接收为预备党员日期"), null=True, blank=True)
    full_on = models.DateField(_("转为正式党员日期"), null=True, blank=True)
    training_hours = models.PositiveSmallIntegerField(_("集中培训学时"), default=0)
    probation_extended = models.BooleanField(_("预备期已延长"), default=False)
    # The end of an extended probation (6 to 12 months beyond the first year, decided once).
    probation_extended_until = models.DateField(_("预备期延长至"), null=True, blank=True)
    sponsors = models.ManyToManyField(
        "self", verbose_name=_("入党介绍人"), symmetrical=False, blank=True, related_name="+"
    )
    is_mobile = models.BooleanField(_("流动党员"), default=False)
    is_lost_contact = models.BooleanField(_("失联党员"), default=False)
    status = models.CharField(
        _("党籍状态"), max_length=20, choices=MemberStatus.choices, default=MemberStatus.ACTIVE
    )

    history = HistoricalRecords()
    objects = PartyMemberQuerySet.as_manager()

    class Meta:
        verbose_name = _("党员")
        verbose_name_plural = _("党员")
        ordering = ["division_path", "name", "id"]
        indexes = [
            models.Index(fields=["division_path", "stage", "status"], name="member_scope"),
            models.Index(fields=["employer", "stage", "status"], name="member_employer"),
            models.Index(fields=["branch", "stage", "status"], name="member_branch"),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.division_path = self.division.path
        super().save(*args, **kwargs)

    @property
    def is_full_member(self) -> bool:
        return self.stage == Stage.FULL and self.status == MemberStatus.ACTIVE


def member_import_upload_to(instance: MemberImport, filename: str) -> str:
    return stored_name("party_members")


class MemberImport(ImportJob):
    """One uploaded xlsx file of party members, with its progress and report, and the warnings
    of its check (the same job as social_orgs.OrganizationImport)."""

    file = models.FileField(_("文件"), upload_to=member_import_upload_to, max_length=200)
    warning_count = models.PositiveIntegerField(_("提醒数"), default=0)
    warnings = models.JSONField(_("提醒清单"), default=list, blank=True)

    class Meta(ImportJob.Meta):
        verbose_name = _("党员导入")
        verbose_name_plural = _("党员导入")


class Post(models.TextChoices):
    SECRETARY = "secretary", _("书记")
    DEPUTY_SECRETARY = "deputy_secretary", _("副书记")
    ORGANIZATION = "organization", _("组织委员")
    PUBLICITY = "publicity", _("宣传委员")
    DISCIPLINE = "discipline", _("纪检委员")
    MEMBER = "member", _("委员")


class CommitteePost(models.Model):
    """A seat on a party organization's committee (支部委员会, 总支委员会, 党委)."""

    party_organization = models.ForeignKey(
        PartyOrganization, on_delete=models.CASCADE, related_name="posts"
    )
    member = models.ForeignKey(
        PartyMember, verbose_name=_("党员"), on_delete=models.PROTECT, related_name="posts"
    )
    post = models.CharField(_("职务"), max_length=20, choices=Post.choices)
    since = models.DateField(_("任职日期"))
    until = models.DateField(_("离任日期"), null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("委员职务")
        verbose_name_plural = _("委员职务")
        ordering = ["party_organization", "post"]
        constraints = [
            models.UniqueConstraint(
                fields=["party_organization", "post"],
                condition=Q(until__isnull=True, post__in=["secretary"]),
                name="one_sitting_secretary",
            )
        ]

    def __str__(self) -> str:
        return f"{self.party_organization} {self.get_post_display()} {self.member}"


class InstructorQuerySet(ScopedQuerySet):
    path_lookup = "division_path"


class Instructor(models.Model):
    """A party-building instructor (党建指导员), assigned where no organization can form yet."""

    name = models.CharField(_("姓名"), max_length=50)
    phone = EncryptedField(_("联系电话"), kind=PersonalKind.PHONE, blank=True, null=True)
    phone_hash = BlindIndexField(source="phone")
    workplace = models.CharField(_("工作单位及职务"), max_length=200, blank=True)
    division = models.ForeignKey(
        Division, verbose_name=_("所属区划"), on_delete=models.PROTECT, related_name="+"
    )
    division_path = PathField(max_length=64, editable=False, db_index=True)
    is_active = models.BooleanField(_("在任"), default=True)

    history = HistoricalRecords()
    objects = InstructorQuerySet.as_manager()

    class Meta:
        verbose_name = _("党建指导员")
        verbose_name_plural = _("党建指导员")
        ordering = ["division_path", "name"]

    def __str__(self) -> str:
        return self.name

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.division_path = self.division.path
        super().save(*args, **kwargs)


class InstructorAssignment(models.Model):
    instructor = models.ForeignKey(Instructor, on_delete=models.CASCADE, related_name="assignments")
    social_org = models.ForeignKey(
        SocialOrganization,
        verbose_name=_("社会组织"),
        on_delete=models.CASCADE,
        related_name="instructor_assignments",
    )
    assigned_on = models.DateField(_("选派日期"))
    ended_on = models.DateField(_("结束日期"), null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("党建指导员选派")
        verbose_name_plural = _("党建指导员选派")
        constraints = [
            models.UniqueConstraint(
                fields=["instructor", "social_org"],
                condition=Q(ended_on__isnull=True),
                name="one_open_assignment",
            )
        ]
        indexes = [models.Index(fields=["social_org", "ended_on"], name="assignment_org")]

    def __str__(self) -> str:
        return f"{self.instructor} → {self.social_org}"


class ApplicationKind(models.TextChoices):
    ESTABLISH = "establish", _("成立")
    CHANGE = "change", _("变更")
    REELECT = "reelect", _("换届")
    DISSOLVE = "dissolve", _("撤销")


class ApplicationStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    SUBMITTED = "submitted", _("已提交")
    APPROVED = "approved", _("已批准")
    REFUSED = "refused", _("不予批准")
    WITHDRAWN = "withdrawn", _("已撤回")


class PartyOrgApplicationQuerySet(ScopedQuerySet):
    path_lookup = "division_path"
    party_organization_lookup = "party_organization"

    def visible_to(self, user: Any) -> PartyOrgApplicationQuerySet:
        # An organization account sees what concerns its organization: the applications it
        # made (an establishment has no party organization yet) and those of the party
        # organization covering it. A subquery, not a join, so no row is counted twice.
        if (
            user.is_authenticated
            and user.is_active
            and not user.is_superuser
            and user.role == Role.ORGANIZATION_ACCOUNT
        ):
            org_id = getattr(user, "organization_id", None)
            if org_id is None:
                return self.none()
            covering = Coverage.objects.filter(social_org_id=org_id).values("party_organization")
            return self.filter(Q(social_org_id=org_id) | Q(party_organization__in=covering))
        return super().visible_to(user)


class PartyOrgApplication(models.Model):
    """Party-organization business handling: establish, change, re-elect or dissolve, decided by
    the superior organization. The party organization changes only when the decision is made."""

    kind = models.CharField(_("事项"), max_length=20, choices=ApplicationKind.choices)
    party_organization = models.ForeignKey(
        PartyOrganization,
        verbose_name=_("党组织"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="applications",
        help_text=_("成立申请在批准后才有党组织。"),
    )
    superior = models.ForeignKey(
        PartyOrganization,
        verbose_name=_("审批党组织"),
        on_delete=models.PROTECT,
        related_name="applications_to_decide",
    )
    # The social organization that applied (an establishment names it before any party
    # organization exists), so its account can follow the application.
    social_org = models.ForeignKey(
        SocialOrganization,
        verbose_name=_("申请单位"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="party_applications",
    )
    division = models.ForeignKey(
        Division, verbose_name=_("所属区划"), on_delete=models.PROTECT, related_name="+"
    )
    division_path = PathField(max_length=64, editable=False, db_index=True)
    # The proposed facts, validated by the service for each kind (name, kind, formation,
    # covered organizations, term, committee posts...).
    proposal = models.JSONField(_("申请内容"), default=dict, blank=True)
    status = models.CharField(
        _("状态"),
        max_length=20,
        choices=ApplicationStatus.choices,
        default=ApplicationStatus.DRAFT,
    )
    decision_reason = models.TextField(_("审批意见"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    submitted_at = models.DateTimeField(_("提交时间"), null=True, blank=True)
    decided_at = models.DateTimeField(_("审批时间"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    history = HistoricalRecords()
    objects = PartyOrgApplicationQuerySet.as_manager()

    ALLOWED_TRANSITIONS: ClassVar[dict[str, set[str]]] = {
        ApplicationStatus.DRAFT: {ApplicationStatus.SUBMITTED, ApplicationStatus.WITHDRAWN},
        ApplicationStatus.SUBMITTED: {
            ApplicationStatus.APPROVED,
            ApplicationStatus.REFUSED,
            ApplicationStatus.WITHDRAWN,
        },
        ApplicationStatus.APPROVED: set(),
        ApplicationStatus.REFUSED: set(),
        ApplicationStatus.WITHDRAWN: set(),
    }

    class Meta:
        verbose_name = _("党组织事项申请")
        verbose_name_plural = _("党组织事项申请")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["division_path", "status"], name="application_scope")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}：{self.proposal.get('name') or self.party_organization}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.division_path = self.division.path
        super().save(*args, **kwargs)


def application_upload_to(instance: ApplicationDocument, filename: str) -> str:
    return f"party/applications/{instance.application_id}/{filename}"


class ApplicationDocument(models.Model):
    """A document attached to an application; stored under MEDIA_ROOT, outside the web root."""

    application = models.ForeignKey(
        PartyOrgApplication, on_delete=models.CASCADE, related_name="documents"
    )
    title = models.CharField(_("材料名称"), max_length=200)
    file = models.FileField(_("文件"), upload_to=application_upload_to)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("上传时间"), auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("申请材料")
        verbose_name_plural = _("申请材料")
        ordering = ["uploaded_at"]

    def __str__(self) -> str:
        return self.title


class TransferStatus(models.TextChoices):
    SENT = "sent", _("已转出，待接收")
    RECEIVED = "received", _("已接收")
    REJECTED = "rejected", _("已退回")
    CANCELLED = "cancelled", _("已撤销")


class TransferQuerySet(ScopedQuerySet):
    def visible_to(self, user: Any) -> TransferQuerySet:
        # Both ends of a transfer see it: the sending side stays responsible until received.
        sending = jurisdiction_q(
            user, path_lookup="from_branch__division_path", party_organization_lookup="from_branch"
        )
        receiving = jurisdiction_q(
            user, path_lookup="to_branch__division_path", party_organization_lookup="to_branch"
        )
        return self.filter(sending | receiving)


class Transfer(models.Model):
    """An organization-relationship transfer (组织关系转接) of a member between branches."""

    member = models.ForeignKey(
        PartyMember, verbose_name=_("党员"), on_delete=models.PROTECT, related_name="transfers"
    )
    from_branch = models.ForeignKey(
        PartyOrganization, verbose_name=_("转出党组织"), on_delete=models.PROTECT, related_name="+"
    )
    to_branch = models.ForeignKey(
        PartyOrganization, verbose_name=_("转入党组织"), on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(
        _("状态"), max_length=20, choices=TransferStatus.choices, default=TransferStatus.SENT
    )
    sent_on = models.DateField(_("转出日期"))
    valid_until = models.DateField(_("介绍信有效期至"))
    decided_on = models.DateField(_("办理日期"), null=True, blank=True)
    reason = models.TextField(_("转接原因"), blank=True)
    decision_note = models.TextField(_("办理意见"), blank=True)

    history = HistoricalRecords()
    objects = TransferQuerySet.as_manager()

    ALLOWED_TRANSITIONS: ClassVar[dict[str, set[str]]] = {
        TransferStatus.SENT: {
            TransferStatus.RECEIVED,
            TransferStatus.REJECTED,
            TransferStatus.CANCELLED,
        },
        TransferStatus.RECEIVED: set(),
        TransferStatus.REJECTED: set(),
        TransferStatus.CANCELLED: set(),
    }

    class Meta:
        verbose_name = _("组织关系转接")
        verbose_name_plural = _("组织关系转接")
        ordering = ["-sent_on", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["member"], condition=Q(status="sent"), name="one_transfer_in_flight"
            )
        ]

    def __str__(self) -> str:
        return f"{self.member}：{self.from_branch} → {self.to_branch}"
