"""Users with a role and a jurisdiction, and their personal API tokens."""

from __future__ import annotations

import hashlib
import secrets

from django.contrib.auth.models import AbstractUser, UserManager
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from shezhi.core.fields import BlindIndexField, EncryptedField
from shezhi.core.models import Division
from shezhi.core.personal_data import PersonalKind
from shezhi.core.roles import ORGANIZATION_ROLES, ROLE_LEVELS, Role
from shezhi.core.scoping import ScopedQuerySet


class UserQuerySet(ScopedQuerySet):
    path_lookup = "division__path"


class ShezhiUserManager(UserManager.from_queryset(UserQuerySet)):  # type: ignore[misc]
    def get_queryset(self) -> UserQuerySet:
        # Scoping reads request.user.division on every request: fetch it with the user.
        return super().get_queryset().select_related("division")


class User(AbstractUser):
    role = models.CharField(_("角色"), max_length=20, choices=Role.choices, blank=True)
    division = models.ForeignKey(
        Division,
        verbose_name=_("管辖区划"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="users",
    )
    # Organization accounts act for one social organization, branch secretaries for one party
    # organization; jurisdiction roles have a division instead (see core.scoping).
    organization = models.ForeignKey(
        "social_orgs.SocialOrganization",
        verbose_name=_("所属社会组织"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="accounts",
    )
    party_organization = models.ForeignKey(
        "party.PartyOrganization",
        verbose_name=_("所属党组织"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="accounts",
    )
    phone = EncryptedField(_("手机号码"), kind=PersonalKind.PHONE, blank=True, null=True)
    phone_hash = BlindIndexField(source="phone")

    history = HistoricalRecords(excluded_fields=["password", "last_login"])
    objects = ShezhiUserManager()  # type: ignore[misc]  # AbstractUser declares a ClassVar

    class Meta:
        verbose_name = _("用户")
        verbose_name_plural = _("用户")
        ordering = ["username"]
        permissions = [("reveal_personal_data", _("可查看完整的身份证号码和电话号码"))]

    def __str__(self) -> str:
        return self.get_full_name() or self.username

    def get_full_name(self) -> str:
        # Chinese names put the family name first, with no space: 王小明.
        return f"{self.last_name}{self.first_name}".strip()

    def clean(self) -> None:
        super().clean()
        if self.role in ROLE_LEVELS:
            if self.division is None:
                raise ValidationError({"division": _("该角色必须指定管辖区划。")})
            if self.division.level not in ROLE_LEVELS[self.role]:
                raise ValidationError({"division": _("该角色不能设在这一层级的区划。")})
        elif self.role in ORGANIZATION_ROLES and self.division is not None:
            raise ValidationError({"division": _("组织账号按所属组织授权，不设管辖区划。")})
        if self.role == Role.ORGANIZATION_ACCOUNT and self.organization_id is None:
            raise ValidationError({"organization": _("社会组织账号必须指定所属社会组织。")})
        if self.role == Role.BRANCH_SECRETARY and self.party_organization_id is None:
            raise ValidationError({"party_organization": _("党组织书记账号必须指定所属党组织。")})


def _digest(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


class ApiTokenQuerySet(models.QuerySet):
    def active(self) -> ApiTokenQuerySet:
        return self.filter(revoked_at__isnull=True, user__is_active=True)


class ApiToken(models.Model):
    """A personal API token. Only its SHA-256 is stored; the token is shown once, at creation."""

    PREFIX = "shz_"

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("名称"), max_length=100)
    digest = models.CharField(max_length=64, unique=True, editable=False)
    hint = models.CharField(_("末四位"), max_length=4, editable=False)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("最近使用"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("撤销时间"), null=True, blank=True)

    history = HistoricalRecords(excluded_fields=["last_used_at"])
    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        verbose_name = _("API 令牌")
        verbose_name_plural = _("API 令牌")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} (…{self.hint})"

    @classmethod
    def issue(cls, *, user: User, name: str) -> tuple[ApiToken, str]:
        raw = cls.PREFIX + secrets.token_urlsafe(32)
        token = cls(user=user, name=name, digest=_digest(raw), hint=raw[-4:])
        token._history_user = user  # type: ignore[attr-defined]  # personal: its owner issues it
        token.save()
        return token, raw

    @classmethod
    def authenticate(cls, raw: str) -> User | None:
        token = (
            cls.objects.active()
            .select_related("user__division")
            .filter(digest=_digest(raw))
            .first()
        )
        if token is None:
            return None
        cls.objects.filter(pk=token.pk).update(last_used_at=timezone.now())
        return token.user
