"""Forms of founding registration: the application with its members and files, the list's
filters, and the officer's decision."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from shezhi.core.forms import FilterForm, TablerForm
from shezhi.core.models import Division
from shezhi.core.scoping import prefix_q
from shezhi.party.models import (
    Education,
    Instructor,
    PartyOrganization,
    PartyOrgKind,
    PartyOrgStatus,
    Stage,
)
from shezhi.social_orgs.models import Industry, OrgType

from .models import PROPOSED_KINDS, CoveragePlan, FoundingApplication, Status
from .permissions import is_registration_officer
from .services import DECISIONS

DIVISION_CODE = r"^\d{6}$"
ANY_DIVISION_CODE = r"^\d{6}(\d{3}){0,2}$"
FACT_NAMES = (
    "name",
    "org_type",
    "registration_authority",
    "address_division",
    "address",
    "legal_representative",
    "business_supervisor",
    "industry",
    "staff_count",
    "charter_text",
    "commitment_signed_on",
    "coverage_plan",
    "party_org_kind",
    "party_org_name",
    "joint_branch",
    "instructor",
)


class ApplicationFilterForm(FilterForm):
    status = forms.ChoiceField(label=_("状态"), choices=[("", _("全部状态")), *Status.choices])
    division = forms.RegexField(
        label=_("登记管理机关区划代码"),
        regex=DIVISION_CODE,
        error_messages={"invalid": _("区划代码应为6位数字，如 440118。")},
        widget=forms.TextInput(attrs={"inputmode": "numeric", "placeholder": "440118"}),
    )
    org_type = forms.ChoiceField(label=_("类型"), choices=[("", _("全部类型")), *OrgType.choices])

    def apply(self, queryset: QuerySet[Any]) -> QuerySet[Any]:
        self.is_valid()
        cleaned = getattr(self, "cleaned_data", {})
        if cleaned.get("division"):
            division = Division.objects.filter(code=cleaned["division"]).only("path").first()
            if division is None:
                return queryset.none()
            queryset = queryset.filter(prefix_q("division_path", division.path))
        for name in ("status", "org_type"):
            if cleaned.get(name):
                queryset = queryset.filter(**{name: cleaned[name]})
        return queryset


class ApplicationForm(TablerForm):
    name = forms.CharField(label=_("拟登记名称"), max_length=200)
    org_type = forms.ChoiceField(label=_("类型"), choices=OrgType.choices)
    registration_authority = forms.RegexField(
        label=_("登记管理机关区划代码"),
        regex=DIVISION_CODE,
        help_text=_("省、地级市或县级区划的6位代码，如 440118（增城区）。"),
        error_messages={"invalid": _("区划代码应为6位数字。")},
    )
    address_division = forms.RegexField(
        label=_("住所所在镇街或村居代码"),
        regex=ANY_DIVISION_CODE,
        help_text=_("9位镇街代码或12位村居代码。"),
        error_messages={"invalid": _("区划代码应为9位或12位数字。")},
    )
    address = forms.CharField(label=_("住所"), max_length=300, required=False)
    legal_representative = forms.CharField(label=_("拟任法定代表人"), max_length=50)
    business_supervisor = forms.CharField(label=_("业务主管单位"), max_length=200, required=False)
    industry = forms.ChoiceField(label=_("行业领域"), choices=Industry.choices)
    staff_count = forms.IntegerField(label=_("从业人员数"), min_value=0, max_value=1_000_000)
    charter_text = forms.CharField(
        label=_("章程文本"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("须含党建工作条款（民函〔2018〕78号、民函〔2019〕54号）；上传 DOCX 时可留空。"),
    )
    charter_file = forms.FileField(
        label=_("章程文件"), required=False, help_text=_("PDF 或 DOCX，不超过 10 MB。")
    )
    commitment_file = forms.FileField(
        label=_("党建工作承诺书（签字盖章）"),
        required=False,
        help_text=_("PDF 或 DOCX，不超过 10 MB。"),
    )
    commitment_signed_on = forms.DateField(
        label=_("承诺书签署日期"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    coverage_plan = forms.ChoiceField(
        label=_("党建工作覆盖方式"),
        required=False,
        choices=[("", _("（请选择）")), *CoveragePlan.choices],
        help_text=_(
            "正式党员3名以上的，应同步申请成立党组织；不足3名的，加入联合党支部或申请选派党建指导员。"
        ),
    )
    party_org_kind = forms.ChoiceField(
        label=_("拟成立党组织类别"),
        required=False,
        choices=[("", _("（请选择）")), *[(k.value, k.label) for k in PROPOSED_KINDS]],
    )
    party_org_name = forms.CharField(label=_("拟成立党组织名称"), max_length=200, required=False)
    joint_branch = forms.ModelChoiceField(
        label=_("拟加入的联合党支部"), required=False, queryset=PartyOrganization.objects.none()
    )
    instructor = forms.ModelChoiceField(
        label=_("拟选派的党建指导员"), required=False, queryset=Instructor.objects.none()
    )

    def __init__(self, *args: Any, user: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        joint = PartyOrganization.objects.filter(
            kind=PartyOrgKind.JOINT_BRANCH, status=PartyOrgStatus.ACTIVE
        ).order_by("division_path", "name")
        instructors = Instructor.objects.filter(is_active=True).order_by("division_path", "name")
        if user is not None and is_registration_officer(user):
            joint = joint.visible_to(user)
            instructors = instructors.visible_to(user)
        self.fields["joint_branch"].queryset = joint  # type: ignore[attr-defined]
        self.fields["instructor"].queryset = instructors  # type: ignore[attr-defined]

    @staticmethod
    def initial_from(application: FoundingApplication) -> dict[str, Any]:
        initial = {name: getattr(application, name) for name in FACT_NAMES}
        initial["registration_authority"] = application.registration_authority_id
        initial["address_division"] = application.address_division_id
        return initial

    def facts(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {name: data.get(name) for name in FACT_NAMES} | {
            "org_type": data["org_type"],
            "coverage_plan": data.get("coverage_plan") or "",
            "party_org_kind": data.get("party_org_kind") or "",
        }

    def add_service_errors(self, errors: dict[str, list[str]]) -> None:
        for key, messages in errors.items():
            for message in messages:
                self.add_error(key if key in self.fields else None, message)


class MemberForm(TablerForm):
    name = forms.CharField(label=_("姓名"), max_length=50, required=False)
    id_number = forms.CharField(label=_("身份证号码"), max_length=18, required=False)
    stage = forms.ChoiceField(
        label=_("发展阶段"), required=False, choices=[("", "—"), *Stage.choices]
    )
    stage_on = forms.DateField(
        label=_("进入该阶段日期"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    education = forms.ChoiceField(
        label=_("学历"), required=False, choices=[("", "—"), *Education.choices]
    )

    def row(self) -> dict[str, Any] | None:
        """The member as the services take it; None for a row left blank."""
        data = getattr(self, "cleaned_data", {})
        if not any(data.get(name) for name in ("name", "id_number", "stage", "stage_on")):
            return None
        return {
            "name": data.get("name") or "",
            "id_number": data.get("id_number") or "",
            "stage": data.get("stage") or "",
            "stage_on": data.get("stage_on"),
            "education": data.get("education") or "",
        }


MemberFormSet = forms.formset_factory(MemberForm, extra=5, max_num=200, validate_max=True)


def member_rows(formset: Any) -> list[dict[str, Any]]:
    rows = [form.row() for form in formset.forms]
    return [row for row in rows if row is not None]


class DecisionForm(TablerForm):
    action = forms.ChoiceField(
        label=_("办理"),
        choices=[
            ("accept", _("受理")),
            ("supplement", _("一次性告知补正")),
            ("approve", _("准予登记")),
            ("refuse", _("不予登记")),
        ],
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label=_("意见或理由"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("不予登记时必填；补正时写明清单之外需补正的内容。"),
    )

    def clean_action(self) -> str:
        action = self.cleaned_data["action"]
        assert action in DECISIONS  # noqa: S101 (the choices are the services' decisions)
        return str(action)


class ExemptionForm(TablerForm):
    reason = forms.CharField(
        label=_("豁免理由"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )


class WithdrawForm(TablerForm):
    reason = forms.CharField(label=_("撤回原因"), required=False, max_length=500)
