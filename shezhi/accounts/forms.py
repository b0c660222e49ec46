"""Forms of accounts, in the platform's one form pattern (shezhi.core.forms)."""

from __future__ import annotations

from django import forms
from django.contrib.auth import forms as auth_forms
from django.utils.translation import gettext_lazy as _

from shezhi.core.forms import FilterForm, TablerFormMixin
from shezhi.core.models import Division
from shezhi.core.roles import Role


class LoginForm(TablerFormMixin, auth_forms.AuthenticationForm):
    pass


class PasswordChangeForm(TablerFormMixin, auth_forms.PasswordChangeForm):
    pass


class UserFilterForm(FilterForm):
    role = forms.ChoiceField(label=_("角色"), choices=[("", _("全部角色")), *Role.choices])
    level = forms.ChoiceField(
        label=_("区划层级"), choices=[("", _("全部层级")), *Division.Level.choices]
    )
    is_active = forms.TypedChoiceField(
        label=_("状态"),
        choices=[("", _("全部")), ("1", _("启用")), ("0", _("停用"))],
        coerce=lambda value: value == "1",
        empty_value=None,
    )
    lookups = {"level": "division__level"}
