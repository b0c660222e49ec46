"""Forms of the registry. They parse what a person typed; every rule is checked by the services
(validators.py), whose field errors the views put back on the fields."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.forms.utils import flatatt
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _

from shezhi.core.forms import FilterForm, TablerForm
from shezhi.core.models import Division

from . import selectors
from .models import Industry, OrgStatus, OrgType, SocialOrganization
from .rules import LEVEL_LABELS

PHONE_FIELD = "legal_representative_phone"


class QuickSelect(forms.Select):
    """A <select> whose options are joined in Python rather than rendered one template each:
    a province officer's division list has about 150 options, which Django's per-option
    templates turn into some 25 ms of every list page."""

    def render(
        self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None
    ) -> SafeString:
        final = self.build_attrs(self.attrs, attrs)
        final["name"] = name
        selected = set(self.format_value(value))
        options = format_html_join(
            "",
            '<option value="{}"{}>{}</option>',
            (
                (code, mark_safe(" selected") if str(code) in selected else "", label)
                for code, label in self.choices
            ),
        )
        return format_html("<select{}>{}</select>", flatatt(final), options)


def division_choices(divisions: QuerySet[Division]) -> list[tuple[str, str]]:
    """Options indented by depth below the first one (the user's own division)."""
    rows = list(divisions)
    top = min((d.depth for d in rows), default=1)
    return [(d.code, "\u3000" * (d.depth - top) + f"{d.name}（{d.code}）") for d in rows]


class OrganizationFilterForm(FilterForm):
    division = forms.ChoiceField(label=_("登记管理机关所在区划"), widget=QuickSelect)
    org_type = forms.ChoiceField(
        label=_("类型"), choices=[("", _("全部类型")), *OrgType.choices], widget=QuickSelect
    )
    level = forms.ChoiceField(
        label=_("登记层级"),
        choices=[("", _("全部层级")), *LEVEL_LABELS.items()],
        widget=QuickSelect,
    )
    status = forms.ChoiceField(
        label=_("状态"), choices=[("", _("全部状态")), *OrgStatus.choices], widget=QuickSelect
    )
    coverage = forms.ChoiceField(
        label=_("党建覆盖"),
        choices=[("", _("全部")), *selectors.CoverageFilter.choices],
        widget=QuickSelect,
    )

    def __init__(self, data: Any = None, *, user: Any = None, **kwargs: Any) -> None:
        super().__init__(data, **kwargs)
        self.divisions = {d.code: d for d in selectors.filter_divisions(user)}
        self.fields["division"].choices = [  # type: ignore[attr-defined]
            ("", _("全部区划")),
            *division_choices(self.divisions.values()),  # type: ignore[arg-type]
        ]

    def apply(self, queryset: QuerySet[Any]) -> QuerySet[Any]:
        self.is_valid()
        cleaned = getattr(self, "cleaned_data", {})
        return selectors.filter_organizations(
            queryset,
            division=self.divisions.get(cleaned.get("division") or ""),
            org_type=cleaned.get("org_type") or "",
            level=cleaned.get("level") or "",
            status=cleaned.get("status") or "",
            coverage=cleaned.get("coverage") or "",
        )


class PhoneFields(forms.Form):
    """The representative's phone on an edit form. The stored number is never put into the page
    (it is personal data: the field starts empty, and empty keeps it); a box clears it."""

    legal_representative_phone = forms.CharField(
        label=_("法定代表人电话"),
        required=False,
        max_length=30,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"}),
    )
    clear_phone = forms.BooleanField(label=_("删除已登记的电话"), required=False)

    def setup_phone(self, organization: SocialOrganization | None) -> None:
        from shezhi.core.personal_data import PersonalKind, mask

        if organization is None:
            del self.fields["clear_phone"]
            return
        current = organization.legal_representative_phone
        field = self.fields[PHONE_FIELD]
        if current:
            field.help_text = _("已登记：%(masked)s。留空表示不修改。") % {
                "masked": mask(PersonalKind.PHONE, current)
            }
        else:
            del self.fields["clear_phone"]

    def phone_change(self) -> dict[str, Any]:
        """{"legal_representative_phone": …} when the phone is to change, else {}."""
        value = (self.cleaned_data.get(PHONE_FIELD) or "").strip()
        if value:
            return {PHONE_FIELD: value}
        if self.cleaned_data.get("clear_phone"):
            return {PHONE_FIELD: None}
        return {}


class OrganizationForm(PhoneFields, TablerForm):
    """Registering or correcting an organization (registry officers)."""

    credit_code = forms.CharField(
        label=_("统一社会信用代码"),
        max_length=30,
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
        help_text=_("18位；民政部门登记的以5开头，第3至8位为登记管理机关的区划代码。"),
    )
    name = forms.CharField(label=_("名称"), max_length=200)
    org_type = forms.ChoiceField(label=_("类型"), choices=OrgType.choices)
    industry = forms.ChoiceField(label=_("行业领域"), choices=Industry.choices)
    registration_authority = forms.ChoiceField(label=_("登记管理机关"), widget=QuickSelect)
    business_supervisor = forms.CharField(label=_("业务主管单位"), max_length=200, required=False)
    address_division = forms.CharField(
        label=_("住所所在镇街或村居代码"),
        max_length=12,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
        help_text=_("9位乡镇（街道）或12位村（社区）代码，须在登记管理机关辖区内。"),
    )
    address = forms.CharField(label=_("住所"), max_length=300, required=False)
    legal_representative = forms.CharField(label=_("法定代表人"), max_length=50)
    founded_on = forms.DateField(
        label=_("成立登记日期"), widget=forms.DateInput(attrs={"type": "date"})
    )
    staff_count = forms.IntegerField(label=_("从业人员数"), required=False, initial=0)
    charter_has_party_clause = forms.BooleanField(label=_("章程含党建工作内容"), required=False)

    field_order = [
        "credit_code",
        "name",
        "org_type",
        "industry",
        "registration_authority",
        "business_supervisor",
        "address_division",
        "address",
        "legal_representative",
        PHONE_FIELD,
        "clear_phone",
        "founded_on",
        "staff_count",
        "charter_has_party_clause",
    ]

    def __init__(
        self,
        data: Any = None,
        *,
        user: Any,
        organization: SocialOrganization | None = None,
        **kwargs: Any,
    ) -> None:
        if organization is not None and data is None:
            kwargs["initial"] = {
                "credit_code": organization.credit_code,
                "name": organization.name,
                "org_type": organization.org_type,
                "industry": organization.industry,
                "registration_authority": organization.registration_authority_id,
                "business_supervisor": organization.business_supervisor,
                "address_division": organization.address_division_id,
                "address": organization.address,
                "legal_representative": organization.legal_representative,
                "founded_on": organization.founded_on,
                "staff_count": organization.staff_count,
                "charter_has_party_clause": organization.charter_has_party_clause,
            }
        super().__init__(data, **kwargs)
        choices = division_choices(selectors.registering_authorities(user))
        if organization is not None and organization.registration_authority_id not in {
            code for code, _label in choices
        }:
            # A record registered by an authority since abolished keeps showing it.
            authority = organization.registration_authority
            choices.insert(0, (authority.code, f"{authority.name}（{authority.code}）"))
        self.fields["registration_authority"].choices = choices  # type: ignore[attr-defined]
        self.setup_phone(organization)

    def facts(self) -> dict[str, Any]:
        """The cleaned values as the services take them."""
        data = self.cleaned_data
        facts = {
            name: data.get(name)
            for name in (
                "credit_code",
                "name",
                "org_type",
                "industry",
                "registration_authority",
                "business_supervisor",
                "address_division",
                "address",
                "legal_representative",
                "founded_on",
                "staff_count",
                "charter_has_party_clause",
            )
        }
        facts["staff_count"] = facts["staff_count"] if facts["staff_count"] is not None else 0
        facts.update(self.phone_change())
        return facts


class OwnOrganizationForm(PhoneFields, TablerForm):
    """What an organization account may keep up to date itself."""

    address = forms.CharField(label=_("住所"), max_length=300, required=False)
    staff_count = forms.IntegerField(label=_("从业人员数"), required=False)

    field_order = ["address", "staff_count", PHONE_FIELD, "clear_phone"]

    def __init__(
        self, data: Any = None, *, organization: SocialOrganization, **kwargs: Any
    ) -> None:
        if data is None:
            kwargs["initial"] = {
                "address": organization.address,
                "staff_count": organization.staff_count,
            }
        super().__init__(data, **kwargs)
        self.setup_phone(organization)

    def facts(self) -> dict[str, Any]:
        staff = self.cleaned_data.get("staff_count")
        facts = {
            "address": self.cleaned_data.get("address") or "",
            "staff_count": staff if staff is not None else 0,
        }
        facts.update(self.phone_change())
        return facts


def add_service_errors(form: forms.Form, error: ValidationError) -> None:
    """Put the service's field errors on the form's fields (the rest above the form)."""
    for name, messages in error.message_dict.items():
        form.add_error(name if name in form.fields else None, messages)


class StatusForm(TablerForm):
    to = forms.ChoiceField(
        label=_("办理事项"),
        choices=[
            (OrgStatus.DEREGISTERED, _("注销登记")),
            (OrgStatus.REVOKED, _("撤销登记")),
        ],
    )
    reason = forms.CharField(
        label=_("理由"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("如注销登记决定或行政处罚决定的文号。"),
    )


class ImportForm(TablerForm):
    file = forms.FileField(
        label=_("Excel 文件（.xlsx）"),
        widget=forms.ClearableFileInput(
            attrs={
                "accept": ".xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
            }
        ),
        help_text=_("请使用导入模板；不超过20 MB。"),
    )
