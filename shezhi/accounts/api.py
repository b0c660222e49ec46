"""/api/v1/me and /api/v1/tokens: the caller, and the caller's own personal tokens.

Tokens are created only on the page (/accounts/tokens/), where the raw value is shown once to a
person; the API lists and revokes them, so a client can retire its own token.
"""

# No `from __future__ import annotations`: ninja resolves an operation's annotations in the
# globals of the function it registers, and @paginate's wrapper lives in ninja.pagination.

from datetime import datetime
from typing import Any

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Router, Schema
from ninja.pagination import paginate

from shezhi.core.api.divisions import DivisionBrief

from .models import ApiToken
from .services import api_token_revoke

router = Router(tags=["accounts"])


class MeOut(Schema):
    username: str
    name: str
    role: str
    role_label: str
    jurisdiction: DivisionBrief | None


class TokenOut(Schema):
    id: int
    name: str
    hint: str
    created_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None


@router.get("/me", response=MeOut, summary="The caller: role and jurisdiction")
def me(request: HttpRequest) -> dict[str, Any]:
    user = request.auth  # type: ignore[attr-defined]
    return {
        "username": user.username,
        "name": user.get_full_name() or user.username,
        "role": user.role,
        "role_label": str(user.get_role_display()) if user.role else "",
        "jurisdiction": user.division,
    }


@router.get("/tokens", response=list[TokenOut], summary="The caller's personal tokens")
@paginate
def token_list(request: HttpRequest) -> Any:
    return ApiToken.objects.filter(user=request.auth).order_by("-created_at", "-pk")  # type: ignore[attr-defined]


@router.delete("/tokens/{token_id}", response=TokenOut, summary="Revoke one of the caller's tokens")
def token_revoke(request: HttpRequest, token_id: int) -> ApiToken:
    # Another user's token answers 404, like a token that does not exist.
    token = get_object_or_404(ApiToken.objects.filter(user=request.auth), pk=token_id)  # type: ignore[attr-defined]
    return api_token_revoke(actor=request.auth, token=token)  # type: ignore[attr-defined]
