"""Account pages: the signed-in user's profile, and the user list and detail for officers who
manage users. (API tokens live in views_tokens.py.)"""

from __future__ import annotations

import re

from django.contrib import messages
from django.contrib.auth.signals import user_logged_in
from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.dispatch import receiver
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from shezhi.core.fields import hash_for_lookup
from shezhi.core.personal_data import PersonalKind, mask
from shezhi.core.views.detail import render_detail
from shezhi.core.views.listing import Column, ListPage

from . import selectors
from .forms import UserFilterForm
from .models import User
from .permissions import can_manage_users

PHONE_LIKE = re.compile(r"^\+?[\d\s\-()]{7,20}$")


def profile(request: HttpRequest) -> HttpResponse:
    return render(request, "accounts/profile.html", {"page_title": _("我的账号")})


def _yes_no(value: bool) -> str:
    return _("是") if value else _("否")


class UserList(ListPage):
    """Users whose division lies inside the officer's jurisdiction."""

    template_name = "accounts/user_list.html"
    title = gettext_lazy("用户")
    columns = (
        Column("username", gettext_lazy("用户名"), sort="username", value=lambda u: u.username),
        Column("name", gettext_lazy("姓名"), sort="last_name", value=lambda u: u.get_full_name()),
        Column("role", gettext_lazy("角色"), sort="role", value=lambda u: u.get_role_display()),
        Column(
            "division",
            gettext_lazy("管辖区划"),
            sort="division_id",
            value=lambda u: u.division.name if u.division else "",
        ),
        Column("division_code", gettext_lazy("区划代码"), value=lambda u: u.division_id or ""),
        # Masked in the export as on the page; the full number needs a logged reveal.
        Column(
            "phone", gettext_lazy("手机号码"), value=lambda u: mask(PersonalKind.PHONE, u.phone)
        ),
        Column(
            "is_active",
            gettext_lazy("启用"),
            sort="is_active",
            value=lambda u: _yes_no(u.is_active),
        ),
        Column(
            "last_login", gettext_lazy("最近登录"), sort="last_login", value=lambda u: u.last_login
        ),
    )
    search_fields = (
        "username__icontains",
        "first_name__icontains",
        "last_name__icontains",
        "division__name__icontains",
    )
    search_placeholder = gettext_lazy("用户名、姓名、区划或完整手机号")
    filter_form_class = UserFilterForm
    default_sort = "username"
    export_name = gettext_lazy("用户")

    def check_access(self) -> None:
        if not can_manage_users(self.request.user):
            raise PermissionDenied

    def queryset(self) -> QuerySet[User]:
        return selectors.user_rows()

    def search_q(self, term: str) -> Q:
        condition = super().search_q(term)
        # Phones are encrypted: only a complete number can be found, through its blind index.
        if PHONE_LIKE.match(term):
            condition |= Q(phone_hash=hash_for_lookup(PersonalKind.PHONE, term))
        return condition


user_list = UserList.as_view()


def user_detail(request: HttpRequest, pk: int) -> HttpResponse:
    if not can_manage_users(request.user):
        raise PermissionDenied
    account = selectors.user_detail(request.user, pk)
    if account is None:
        raise Http404
    context = {"account": account, "breadcrumb_division": account.division}
    return render_detail(
        request, "accounts/user_detail.html", obj=account, title=str(account), context=context
    )


@receiver(user_logged_in)
def _greet(sender: object, request: HttpRequest | None, user: object, **kwargs: object) -> None:
    if request is not None and hasattr(request, "_messages"):
        messages.success(request, _("欢迎，%(user)s。") % {"user": user})
