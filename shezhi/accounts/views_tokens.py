"""A user's personal API tokens: list, create (the raw token is shown once), revoke.

Each user sees and revokes only their own tokens; another user's token id answers 404.
"""

from __future__ import annotations

from typing import cast

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from shezhi.core.forms import TablerForm

from .models import ApiToken, User
from .services import api_token_issue, api_token_revoke


class ApiTokenForm(TablerForm):
    name = forms.CharField(
        label=gettext_lazy("名称"),
        max_length=100,
        help_text=gettext_lazy("写明用途或使用它的程序，例如“区级数据同步脚本”。"),
    )


def _user(request: HttpRequest) -> User:
    # Every page outside /public/ is behind sign-in (LoginRequiredOutsidePublic).
    return cast(User, request.user)


def _render_list(request: HttpRequest, form: ApiTokenForm, status: int = 200) -> HttpResponse:
    tokens = ApiToken.objects.filter(user=_user(request)).order_by("-created_at")
    context = {"page_title": _("API 令牌"), "tokens": tokens, "form": form}
    return render(request, "accounts/token_list.html", context, status=status)


def token_list(request: HttpRequest) -> HttpResponse:
    return _render_list(request, ApiTokenForm())


def token_create(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        return redirect("accounts:token_list")
    form = ApiTokenForm(request.POST)
    if not form.is_valid():
        return _render_list(request, form, status=422)
    try:
        token, raw = api_token_issue(actor=_user(request), name=form.cleaned_data["name"])
    except ValidationError as exc:
        for field, errors in exc.message_dict.items():
            for error in errors:
                form.add_error(field if field in form.fields else None, error)
        return _render_list(request, form, status=422)
    context = {"page_title": _("令牌已创建"), "token": token, "raw_token": raw}
    response = render(request, "accounts/token_created.html", context)
    # The raw token is in this page only: keep it out of every cache and the back-forward cache.
    add_never_cache_headers(response)
    return response


@require_POST
def token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    token = get_object_or_404(ApiToken.objects.filter(user=_user(request)), pk=pk)
    api_token_revoke(actor=_user(request), token=token)
    messages.success(
        request, _("令牌“%(name)s”已撤销，使用它的程序将无法再访问。") % {"name": token.name}
    )
    return redirect("accounts:token_list")
