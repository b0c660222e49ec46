from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from .models import ApiToken


def profile(request: HttpRequest) -> HttpResponse:
    return render(request, "accounts/profile.html", {"page_title": _("我的账号")})


def token_list(request: HttpRequest) -> HttpResponse:
    tokens = ApiToken.objects.filter(user=request.user)
    return render(request, "accounts/token_list.html", {"page_title": _("API 令牌"), "tokens": tokens})


@receiver(user_logged_in)
def _greet(sender: object, request: HttpRequest | None, user: object, **kwargs: object) -> None:
    if request is not None and hasattr(request, "_messages"):
        messages.success(request, _("欢迎，%(user)s。") % {"user": user})
