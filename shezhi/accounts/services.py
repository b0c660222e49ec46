"""Writes of accounts. Views, the API and commands call these, so behaviour cannot diverge."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import ApiToken, User

# More live tokens than this is a sign of tokens being created instead of reused or revoked.
MAX_ACTIVE_TOKENS = 20


@transaction.atomic
def api_token_issue(*, actor: User, name: str) -> tuple[ApiToken, str]:
    """Issue a personal API token for `actor`. Returns the token and its raw value, which is
    shown once and never stored (only its SHA-256 is)."""
    name = name.strip()
    if not name:
        raise ValidationError({"name": _("请填写令牌名称，例如使用它的程序或用途。")})
    max_length = ApiToken._meta.get_field("name").max_length or 100
    if len(name) > max_length:
        raise ValidationError({"name": _("名称最多 %(limit)s 个字符。") % {"limit": max_length}})
    # Lock the owner's row so two concurrent requests cannot both pass the checks below.
    User.objects.select_for_update(of=("self",)).filter(pk=actor.pk).first()
    live = ApiToken.objects.filter(user=actor, revoked_at__isnull=True)
    if live.filter(name=name).exists():
        raise ValidationError({"name": _("已有同名的有效令牌，请换一个名称或先撤销原令牌。")})
    if live.count() >= MAX_ACTIVE_TOKENS:
        raise ValidationError(
            {
                "name": _("有效令牌已达 %(limit)s 个，请先撤销不再使用的令牌。")
                % {"limit": MAX_ACTIVE_TOKENS}
            }
        )
    return ApiToken.issue(user=actor, name=name)


@transaction.atomic
def api_token_revoke(*, actor: User, token: ApiToken) -> ApiToken:
    """Revoke a token: it stops working at once. Revoking twice changes nothing."""
    if token.user_id != actor.pk and not actor.is_superuser:
        raise PermissionDenied(_("只能撤销自己的令牌。"))
    token = ApiToken.objects.select_for_update().get(pk=token.pk)
    if token.revoked_at is not None:
        return token
    token.revoked_at = timezone.now()
    token._history_user = actor  # type: ignore[attr-defined]  # simple-history: who revoked
    token.save(update_fields=["revoked_at"])
    return token
