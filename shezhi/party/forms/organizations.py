"""Forms of party organizations, business handling and instructors (shezhi.core.forms pattern).

Forms parse what an officer typed; the rules live in services.organizations, which the API
calls too, so a page and the API cannot disagree about what is valid.
"""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from shezhi.core.forms import FilterForm, TablerForm, yes_no_field
from shezhi.core.models import Division
from shezhi.core.scoping import prefix_q
from shezhi.social_orgs.models import SocialOrganization

from ..models import (
    ApplicationKind,
    ApplicationStatus,
    Formation,
    PartyMember,
    PartyOrganization,
    PartyOrgKind,
    PartyOrgStatus,
    Post,
    TermYears,
)
from ..selectors.organizations import reelection_due_q

DIVISION_CODE = r"^\d{6}$"
KIND_CHOICES = [
    (k, label) for k, label in PartyOrgKind.choices if k != PartyOrgKind.LEADING_COMMITTEE
]


def _division_code_field() -> forms.RegexField:
    return forms.RegexField(
        label=_("所属区划代码"),
        regex=DIVISION_CODE,
        error_messages={"invalid": _("区划代码应为6位数字，如 440118。")},
        widget=forms.TextInput(attrs={"inputmode": "numeric", "placeholder": "440118"}),
    )


def _within_division(queryset: QuerySet[Any], code: str, path_lookup: str) -> QuerySet[Any]:
    """Rows answering to the division `code` or below it; an unknown code matches nothing."""
    division = Division.objects.filter(code=code).only("path").first()
    if division is None:
        return queryset.none()
    return queryset.filter(prefix_q(path_lookup, division.path))


class PartyOrganizationFilterForm(FilterForm):
    division = _division_code_field()
    kind = forms.ChoiceField(label=_("类别"), choices=[("", _("全部类别")), *PartyOrgKind.choices])
    formation = forms.ChoiceField(
        label=_("组建方式"), choices=[("", _("全部方式")), *Formation.choices]
    )
    status = forms.ChoiceField(
        label=_("状态"), choices=[("", _("全部状态")), *PartyOrgStatus.choices]
    )
    parent = forms.IntegerField(label=_("上级党组织编号"), min_value=1)
    reelection_due = yes_no_field(_("换届到期"))

    def apply(self, queryset: QuerySet[Any]) -> QuerySet[Any]:
        self.is_valid()
        cleaned = getattr(self, "cleaned_data", {})
        if cleaned.get("division"):
            queryset = _within_division(queryset, cleaned["division"], "division_path")
        for name in ("kind", "formation", "status"):
            if cleaned.get(name):
                queryset = queryset.filter(**{name: cleaned[name]})
        if cleaned.get("parent"):
            queryset = queryset.filter(parent_id=cleaned["parent"])
        due = cleaned.get("reelection_due")
        if due is True:
            queryset = queryset.filter(reelection_due_q())
        elif due is False:
            queryset = queryset.exclude(reelection_due_q())
        return queryset


class ApplicationFilterForm(FilterForm):
    kind = forms.ChoiceField(
        label=_("事项"), choices=[("", _("全部事项")), *ApplicationKind.choices]
    )
    status = forms.ChoiceField(
        label=_("状态"), choices=[("", _("全部状态")), *ApplicationStatus.choices]
    )
    division = _division_code_field()
    party_organization = forms.IntegerField(label=_("党组织编号"), min_value=1)

    def apply(self, queryset: QuerySet[Any]) -> QuerySet[Any]:
        self.is_valid()
        cleaned = getattr(self, "cleaned_data", {})
        if cleaned.get("division"):
            queryset = _within_division(queryset, cleaned["division"], "division_path")
        for name in ("kind", "status"):
            if cleaned.get(name):
                queryset = queryset.filter(**{name: cleaned[name]})
        if cleaned.get("party_organization"):
            queryset = queryset.filter(party_organization_id=cleaned["party_organization"])
        return queryset


class InstructorFilterForm(FilterForm):
    division = _division_code_field()
    is_active = yes_no_field(_("在任"))

    def apply(self, queryset: QuerySet[Any]) -> QuerySet[Any]:
        self.is_valid()
        cleaned = getattr(self, "cleaned_data", {})
        if cleaned.get("division"):
            queryset = _within_division(queryset, cleaned["division"], "division_path")
        if cleaned.get("is_active") is not None:
            queryset = queryset.filter(is_active=cleaned["is_active"])
        return queryset


# --- applications ----------------------------------------------------------------------------

CODE_SPLIT = re.compile(r"[\s,，;；、]+")


class CreditCodesField(forms.CharField):
    """Unified social credit codes, one per line (or separated by commas)."""

    widget = forms.Textarea(attrs={"rows": 3, "class": "font-monospace", "spellcheck": "false"})

    def to_python(self, value: Any) -> list[str]:  # type: ignore[override]
        text = super().to_python(value) or ""
        return [code.upper() for code in CODE_SPLIT.split(text) if code]


class SuperiorChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: PartyOrganization) -> str:
        return f"{obj.name}（{obj.division.name}）"


class ApplicationForm(TablerForm):
    """Base of the per-kind forms: `proposal()` is what the service validates."""

    def __init__(
        self, *args: Any, user: Any, organization: PartyOrganization | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        self.organization = organization

    def proposal(self) -> dict[str, Any]:
        raise NotImplementedError

    def superior(self) -> PartyOrganization | None:
        return None

    def add_service_errors(self, errors: dict[str, list[str]]) -> None:
        """Show the service's ValidationError on the fields it names (the rest on top)."""
        for field, messages in errors.items():
            target = field if field in self.fields else None
            for message in messages:
                self.add_error(target, message)


class CoveredOrganizationsMixin(forms.Form):
    covered_codes = CreditCodesField(
        label=_("覆盖的社会组织（统一社会信用代码）"),
        help_text=_(
            "每行一个；联合党支部覆盖2至5个单位，单独组建只填本单位；党委、党总支下设的党支部不填。"
        ),
        required=False,
    )

    def clean_covered_codes(self) -> list[int]:
        codes = self.cleaned_data["covered_codes"]
        found = dict(
            SocialOrganization.objects.visible_to(self.user)  # type: ignore[attr-defined]
            .filter(credit_code__in=codes)
            .values_list("credit_code", "pk")
        )
        missing = [code for code in codes if code not in found]
        if missing:
            raise forms.ValidationError(
                _("以下统一社会信用代码未找到，或不在您的管辖范围内：%(codes)s"),
                params={"codes": "、".join(missing)},
            )
        return [found[code] for code in codes]


def codes_of(ids: list[int]) -> str:
    codes = dict(SocialOrganization.objects.filter(pk__in=ids).values_list("pk", "credit_code"))
    return "\n".join(codes[pk] for pk in ids if pk in codes)


class EstablishForm(CoveredOrganizationsMixin, ApplicationForm):
    name = forms.CharField(label=_("党组织名称"), max_length=200)
    kind = forms.ChoiceField(label=_("类别"), choices=KIND_CHOICES)
    formation = forms.ChoiceField(label=_("组建方式"), choices=Formation.choices)
    superior_org = SuperiorChoiceField(
        label=_("上级党组织（审批单位）"),
        queryset=PartyOrganization.objects.none(),
        required=False,
        help_text=_("不选则由所在地的社会组织党委审批。"),
    )
    founded_on = forms.DateField(
        label=_("拟成立日期"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    term_years = forms.TypedChoiceField(
        label=_("任期"), choices=TermYears.choices, coerce=int, initial=TermYears.THREE
    )
    field_order = [
        "name",
        "kind",
        "formation",
        "covered_codes",
        "superior_org",
        "founded_on",
        "term_years",
    ]

    def __init__(self, *args: Any, superiors: QuerySet[PartyOrganization], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["superior_org"].queryset = superiors  # type: ignore[attr-defined]

    def proposal(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "name": data["name"],
            "kind": data["kind"],
            "formation": data["formation"],
            "covered_organizations": data["covered_codes"],
            "founded_on": data["founded_on"].isoformat() if data.get("founded_on") else None,
            "term_years": data["term_years"],
        }

    def superior(self) -> PartyOrganization | None:
        return self.cleaned_data.get("superior_org")

    @classmethod
    def initial_from(
        cls, proposal: dict[str, Any], superior: PartyOrganization | None
    ) -> dict[str, Any]:
        return {
            "name": proposal.get("name", ""),
            "kind": proposal.get("kind"),
            "formation": proposal.get("formation"),
            "covered_codes": codes_of(proposal.get("covered_organizations", [])),
            "superior_org": superior,
            "founded_on": proposal.get("founded_on"),
            "term_years": proposal.get("term_years", TermYears.THREE),
        }


class ChangeForm(CoveredOrganizationsMixin, ApplicationForm):
    """Prefilled with the organization's current facts; only what differs is proposed."""

    name = forms.CharField(label=_("党组织名称"), max_length=200)
    kind = forms.ChoiceField(label=_("类别"), choices=KIND_CHOICES)
    formation = forms.ChoiceField(label=_("组建方式"), choices=Formation.choices)
    term_years = forms.TypedChoiceField(label=_("任期"), choices=TermYears.choices, coerce=int)
    parent = SuperiorChoiceField(
        label=_("上级党组织"), queryset=PartyOrganization.objects.none(), required=False
    )
    field_order = ["name", "kind", "formation", "covered_codes", "term_years", "parent"]

    def __init__(self, *args: Any, superiors: QuerySet[PartyOrganization], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        organization = self.organization
        parents = superiors
        if organization is not None:
            parents = superiors.exclude(pk=organization.pk)
        self.fields["parent"].queryset = parents  # type: ignore[attr-defined]

    @classmethod
    def initial_from(
        cls, organization: PartyOrganization, proposal: dict[str, Any] | None = None
    ) -> dict[str, Any]:
        proposal = proposal or {}
        covered = proposal.get("covered_organizations") or list(
            organization.coverages.values_list("social_org_id", flat=True)
        )
        return {
            "name": proposal.get("name", organization.name),
            "kind": proposal.get("kind", organization.kind),
            "formation": proposal.get("formation", organization.formation),
            "covered_codes": codes_of(covered),
            "term_years": proposal.get("term_years", organization.term_years),
            "parent": proposal.get("parent", organization.parent_id),
        }

    def proposal(self) -> dict[str, Any]:
        organization = self.organization
        assert organization is not None  # noqa: S101 (the view always passes it)
        data = self.cleaned_data
        current = set(organization.coverages.values_list("social_org_id", flat=True))
        proposal: dict[str, Any] = {}
        for field in ("name", "kind", "formation", "term_years"):
            if data[field] != getattr(organization, field):
                proposal[field] = data[field]
        if set(data["covered_codes"]) != current:
            proposal["covered_organizations"] = data["covered_codes"]
        parent = data.get("parent")
        if parent is not None and parent.pk != organization.parent_id:
            proposal["parent"] = parent.pk
        return proposal


class MemberChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: PartyMember) -> str:
        return obj.name


class ReelectForm(ApplicationForm):
    term_started_on = forms.DateField(
        label=_("新一届任期开始日期"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("不填则为批准之日。"),
    )
    term_years = forms.TypedChoiceField(label=_("任期"), choices=TermYears.choices, coerce=int)
    secretary = MemberChoiceField(label=_("书记"), queryset=PartyMember.objects.none())
    deputy_secretary = MemberChoiceField(
        label=_("副书记"), queryset=PartyMember.objects.none(), required=False
    )
    organization_member = MemberChoiceField(
        label=_("组织委员"), queryset=PartyMember.objects.none(), required=False
    )
    publicity = MemberChoiceField(
        label=_("宣传委员"), queryset=PartyMember.objects.none(), required=False
    )
    discipline = MemberChoiceField(
        label=_("纪检委员"), queryset=PartyMember.objects.none(), required=False
    )
    members = forms.ModelMultipleChoiceField(
        label=_("委员"), queryset=PartyMember.objects.none(), required=False
    )
    POSTS = (
        ("secretary", Post.SECRETARY),
        ("deputy_secretary", Post.DEPUTY_SECRETARY),
        ("organization_member", Post.ORGANIZATION),
        ("publicity", Post.PUBLICITY),
        ("discipline", Post.DISCIPLINE),
    )

    def __init__(self, *args: Any, candidates: QuerySet[PartyMember], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, _post in self.POSTS:
            self.fields[name].queryset = candidates  # type: ignore[attr-defined]
        self.fields["members"].queryset = candidates  # type: ignore[attr-defined]

    @classmethod
    def initial_from(
        cls, organization: PartyOrganization, proposal: dict[str, Any] | None = None
    ) -> dict[str, Any]:
        proposal = proposal or {}
        initial: dict[str, Any] = {
            "term_years": proposal.get("term_years", organization.term_years),
            "term_started_on": proposal.get("term_started_on"),
        }
        by_post: dict[str, list[int]] = {}
        for item in proposal.get("posts", []):
            by_post.setdefault(item.get("post"), []).append(item.get("member"))
        for name, post in cls.POSTS:
            if by_post.get(post):
                initial[name] = by_post[post][0]
        initial["members"] = by_post.get(Post.MEMBER, [])
        return initial

    def proposal(self) -> dict[str, Any]:
        data = self.cleaned_data
        posts = [
            {"post": post, "member": data[name].pk} for name, post in self.POSTS if data.get(name)
        ]
        posts += [{"post": Post.MEMBER, "member": m.pk} for m in data.get("members") or []]
        started = data.get("term_started_on")
        return {
            "term_started_on": started.isoformat() if started else None,
            "term_years": data["term_years"],
            "posts": posts,
        }


class DissolveForm(ApplicationForm):
    reason = forms.CharField(
        label=_("撤销理由"), max_length=2000, widget=forms.Textarea(attrs={"rows": 4})
    )

    @classmethod
    def initial_from(
        cls, organization: PartyOrganization, proposal: dict[str, Any] | None = None
    ) -> dict[str, Any]:
        return {"reason": (proposal or {}).get("reason", "")}

    def proposal(self) -> dict[str, Any]:
        return {"reason": self.cleaned_data["reason"]}


class DecisionForm(TablerForm):
    decision = forms.ChoiceField(
        label=_("审批结果"),
        choices=[("approve", _("批准")), ("refuse", _("不予批准"))],
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label=_("审批意见"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("不予批准时必填。"),
    )


class WithdrawForm(TablerForm):
    reason = forms.CharField(
        label=_("撤回原因"), required=False, max_length=500, widget=forms.TextInput()
    )


class DocumentForm(TablerForm):
    title = forms.CharField(label=_("材料名称"), max_length=200, required=False)
    file = forms.FileField(
        label=_("文件"),
        help_text=_("PDF、JPG、PNG 或 DOCX，不超过 10 MB。"),
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png,.docx"}),
    )


# --- instructors -----------------------------------------------------------------------------


class InstructorForm(TablerForm):
    name = forms.CharField(label=_("姓名"), max_length=50)
    phone = forms.CharField(label=_("联系电话"), max_length=20, required=False)
    workplace = forms.CharField(label=_("工作单位及职务"), max_length=200, required=False)
    division = forms.ModelChoiceField(label=_("所属区划"), queryset=Division.objects.none())
    is_active = forms.BooleanField(label=_("在任"), required=False, initial=True)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["division"].queryset = (  # type: ignore[attr-defined]
            Division.objects.visible_to(user)
            .filter(
                level__in=[Division.Level.PROVINCE, Division.Level.CITY, Division.Level.COUNTY],
                is_current=True,
            )
            .order_by("code")
        )


class AssignForm(TablerForm):
    credit_code = forms.CharField(
        label=_("社会组织统一社会信用代码"),
        max_length=18,
        widget=forms.TextInput(attrs={"class": "font-monospace", "spellcheck": "false"}),
    )
    assigned_on = forms.DateField(
        label=_("选派日期"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_credit_code(self) -> SocialOrganization:
        code = self.cleaned_data["credit_code"].strip().upper()
        org = SocialOrganization.objects.visible_to(self.user).filter(credit_code=code).first()
        if org is None:
            raise forms.ValidationError(
                _("未找到该统一社会信用代码的社会组织，或不在您的管辖范围内。")
            )
        return org

    def clean_assigned_on(self) -> Any:
        value = self.cleaned_data.get("assigned_on")
        return value or timezone.localdate()
