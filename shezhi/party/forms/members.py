"""Forms of party members, development steps, transfers and committee posts.

Forms parse what an officer typed; the rules live in services (members, transfers, posts) and
rules.py, which the API and the import call too, so a page cannot disagree with them.
"""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from shezhi.core.forms import FilterForm, TablerForm, TablerModelForm, yes_no_field
from shezhi.core.models import Division
from shezhi.core.scoping import prefix_q
from shezhi.social_orgs.models import SocialOrganization
from shezhi.social_orgs.validators import normalize_credit_code

from ..models import MemberStatus, PartyMember, PartyOrganization, Post, Stage
from ..rules import EXTENSION_MAX_MONTHS, EXTENSION_MIN_MONTHS
from ..selectors.members import branch_choices, employer_choices, transfer_targets

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class MemberFilterForm(FilterForm):
    division = forms.RegexField(
        label=_("所属区划代码"),
        regex=r"^\d{6}(\d{3}){0,2}$",
        error_messages={"invalid": _("区划代码应为6位、9位或12位数字，如 440118。")},
        widget=forms.TextInput(attrs={"inputmode": "numeric", "placeholder": "440118"}),
    )
    stage = forms.ChoiceField(label=_("发展阶段"), choices=[("", _("全部阶段")), *Stage.choices])
    status = forms.ChoiceField(
        label=_("党籍状态"), choices=[("", _("全部")), *MemberStatus.choices]
    )
    branch = forms.IntegerField(label=_("党组织编号"), min_value=1)
    employer = forms.CharField(
        label=_("工作单位信用代码"),
        max_length=18,
        widget=forms.TextInput(attrs={"placeholder": "51440118…"}),
    )
    is_mobile = yes_no_field(_("流动党员"))
    is_lost_contact = yes_no_field(_("失联党员"))
    without_branch = yes_no_field(_("未编入党组织"))

    def apply(self, queryset: QuerySet[Any]) -> QuerySet[Any]:
        self.is_valid()
        cleaned = getattr(self, "cleaned_data", {})
        code = cleaned.get("division")
        if code:
            division = Division.objects.filter(code=code).only("path").first()
            if division is None:
                return queryset.none()
            queryset = queryset.filter(prefix_q("division_path", division.path))
        for name in ("stage", "status"):
            if cleaned.get(name):
                queryset = queryset.filter(**{name: cleaned[name]})
        if cleaned.get("branch"):
            queryset = queryset.filter(branch_id=cleaned["branch"])
        employer = (cleaned.get("employer") or "").strip()
        if employer:
            queryset = queryset.filter(
                Q(employer__credit_code=normalize_credit_code(employer))
                | Q(employer_id=int(employer) if employer.isdigit() and len(employer) < 12 else 0)
            )
        for name in ("is_mobile", "is_lost_contact"):
            if cleaned.get(name) is not None:
                queryset = queryset.filter(**{name: cleaned[name]})
        if cleaned.get("without_branch") is not None:
            queryset = queryset.filter(branch__isnull=cleaned["without_branch"])
        return queryset


class OrganizationChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.name}（{obj.credit_code}）"


class LookupField(forms.CharField):
    """A record typed by its code or exact name, found among the records the user may choose
    (thousands of them: no drop-down). `queryset` is set per form, already scoped."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", 200)
        super().__init__(*args, **kwargs)
        self.queryset: QuerySet[Any] = PartyOrganization.objects.none()

    def lookup(self, text: str) -> QuerySet[Any]:
        raise NotImplementedError

    def clean(self, value: Any) -> Any:
        text = (super().clean(value) or "").strip()
        if not text:
            return None
        found = list(self.lookup(text)[:2])
        if not found:
            raise forms.ValidationError(self.error_messages["not_found"])
        if len(found) > 1:
            raise forms.ValidationError(self.error_messages["ambiguous"])
        return found[0]


class EmployerField(LookupField):
    default_error_messages = {
        "not_found": _("在您的管辖范围内没有找到该社会组织：请填写统一社会信用代码或准确的全称。"),
        "ambiguous": _("有多个同名社会组织，请填写统一社会信用代码。"),
    }

    def lookup(self, text: str) -> QuerySet[Any]:
        code = normalize_credit_code(text)
        if len(code) == 18:
            return self.queryset.filter(credit_code=code)
        return self.queryset.filter(name=text)

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, SocialOrganization):
            return value.credit_code
        if isinstance(value, int):
            org = SocialOrganization.objects.filter(pk=value).only("credit_code").first()
            return org.credit_code if org else ""
        return value


class BranchField(LookupField):
    default_error_messages = {
        "not_found": _("在您的管辖范围内没有找到该党组织：请填写党组织编号或准确的全称。"),
        "ambiguous": _("有多个同名党组织，请填写党组织编号。"),
    }

    def lookup(self, text: str) -> QuerySet[Any]:
        if text.isdigit():
            return self.queryset.filter(pk=int(text))
        return self.queryset.filter(name=text)

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, PartyOrganization):
            return value.pk
        return value


class MemberForm(TablerModelForm):
    """Register or correct a member. Birth date and gender may be left empty: they are read
    from the ID number."""

    class Meta:
        model = PartyMember
        fields = (
            "name",
            "id_number",
            "gender",
            "birth_date",
            "ethnicity",
            "phone",
            "education",
            "employer",
            "branch",
            "stage",
            "applied_on",
            "activist_on",
            "candidate_on",
            "probationary_on",
            "full_on",
            "training_hours",
            "probation_extended_until",
            "is_mobile",
            "is_lost_contact",
        )
        widgets = {
            "birth_date": DATE_WIDGET,
            "applied_on": DATE_WIDGET,
            "activist_on": DATE_WIDGET,
            "candidate_on": DATE_WIDGET,
            "probationary_on": DATE_WIDGET,
            "full_on": DATE_WIDGET,
            "probation_extended_until": DATE_WIDGET,
        }

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["gender"].required = False
        self.fields["birth_date"].required = False
        self.fields["birth_date"].help_text = _("可留空，按身份证号码填写。")
        self.fields["id_number"].widget = forms.TextInput(attrs={"autocomplete": "off"})
        self.fields["phone"].widget = forms.TextInput(attrs={"autocomplete": "off"})
        employer = EmployerField(
            label=_("工作单位"),
            required=False,
            help_text=_("统一社会信用代码或全称。"),
        )
        employer.queryset = employer_choices(user)
        branch = BranchField(
            label=_("所在党组织"), required=False, help_text=_("党组织编号或全称。")
        )
        branch.queryset = branch_choices(user)
        self.fields["employer"], self.fields["branch"] = employer, branch
        if self.instance.pk is None:
            # An organization account registers its own staff; a secretary its own members.
            if getattr(user, "organization", None) is not None:
                self.initial.setdefault("employer", user.organization.credit_code)
            if getattr(user, "party_organization_id", None) is not None:
                self.initial.setdefault("branch", user.party_organization_id)
        editing = self.instance.pk is not None
        if editing:
            # The stage moves by a development step; the branch, once set, by a transfer;
            # an extension by its own decision.
            del self.fields["stage"]
            del self.fields["probation_extended_until"]
            if self.instance.branch_id is not None:
                del self.fields["branch"]
            for name in ("applied_on", "activist_on", "candidate_on", "probationary_on", "full_on"):
                if not _reached(self.instance.stage, name):
                    del self.fields[name]
        else:
            self.fields["stage"].initial = Stage.APPLICANT
        # Encrypted fields come back as plaintext; the form must not show an ID number to
        # someone who may not reveal it: ask for the full number again to change it.
        if editing:
            self.fields["id_number"].required = False
            self.fields["id_number"].help_text = _("留空则不修改。")
            self.initial["id_number"] = ""
            self.fields["phone"].help_text = _("留空则不修改；填写“-”清除。")
            self.initial["phone"] = ""

    def clean_id_number(self) -> str:
        value = (self.cleaned_data.get("id_number") or "").strip()
        if not value and self.instance.pk is not None:
            return self.instance.id_number  # unchanged
        return value

    def clean_phone(self) -> str | None:
        value = (self.cleaned_data.get("phone") or "").strip()
        if self.instance.pk is not None:
            if value == "-":
                return None
            if not value:
                return self.instance.phone
        return value or None

    def _post_clean(self) -> None:
        # The service validates the record (full_clean and the rules) with the actor: skip the
        # ModelForm's own model validation, which would run before the birth date is derived.
        pass


def _reached(stage: str, date_field: str) -> bool:
    from ..models import STAGE_DATE_FIELD, STAGE_ORDER

    reached = STAGE_ORDER[: STAGE_ORDER.index(stage) + 1]
    return date_field in {STAGE_DATE_FIELD[s] for s in reached}


class AdvanceForm(TablerForm):
    on = forms.DateField(label=_("日期"), widget=DATE_WIDGET)
    training_hours = forms.IntegerField(
        label=_("集中培训学时"), min_value=0, max_value=1000, required=False
    )
    sponsors = forms.ModelMultipleChoiceField(
        label=_("入党介绍人"),
        queryset=PartyMember.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("两名正式党员。"),
    )
    reason = forms.CharField(label=_("备注"), required=False, max_length=200)

    def __init__(self, *args: Any, member: PartyMember, to: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        from ..selectors.members import sponsor_choices

        self.fields["on"].initial = timezone.localdate()
        if to == Stage.PROBATIONARY:
            cast(
                forms.ModelMultipleChoiceField, self.fields["sponsors"]
            ).queryset = sponsor_choices(member)
            self.fields["sponsors"].initial = [s.pk for s in member.sponsors.all()]
            self.fields["training_hours"].initial = member.training_hours
        else:
            del self.fields["sponsors"]
            del self.fields["training_hours"]
        labels: dict[str, Any] = {
            Stage.ACTIVIST: _("确定为入党积极分子的日期"),
            Stage.CANDIDATE: _("列为发展对象的日期"),
            Stage.PROBATIONARY: _("支部大会接收为预备党员的日期"),
            Stage.FULL: _("支部大会讨论转正的日期"),
        }
        self.fields["on"].label = labels.get(to, _("日期"))


class ExtendForm(TablerForm):
    months = forms.IntegerField(
        label=_("延长月数"),
        min_value=1,
        max_value=24,
        initial=EXTENSION_MIN_MONTHS,
        help_text=_("不少于%(min)d个月，最长不超过%(max)d个月。")
        % {"min": EXTENSION_MIN_MONTHS, "max": EXTENSION_MAX_MONTHS},
    )
    on = forms.DateField(label=_("支部大会决定日期"), widget=DATE_WIDGET)
    reason = forms.CharField(label=_("原因"), widget=forms.Textarea(attrs={"rows": 3}))


class CancelProbationForm(TablerForm):
    on = forms.DateField(label=_("支部大会决定日期"), widget=DATE_WIDGET)
    reason = forms.CharField(label=_("原因"), widget=forms.Textarea(attrs={"rows": 3}))


class TransferTargetField(BranchField):
    """The receiving party organization: any in the province may receive a member."""

    default_error_messages = {
        "not_found": _("没有找到该党组织：请填写准确的全称或党组织编号。"),
        "ambiguous": _("有多个同名党组织，请填写党组织编号。"),
    }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.queryset = transfer_targets()


class TransferSendForm(TablerForm):
    to_branch = TransferTargetField(label=_("转入党组织"), help_text=_("党组织的全称或编号。"))
    sent_on = forms.DateField(label=_("转出日期"), widget=DATE_WIDGET)
    reason = forms.CharField(
        label=_("转接原因"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class TransferReceiveForm(TablerForm):
    on = forms.DateField(label=_("接收日期"), widget=DATE_WIDGET)
    employer = OrganizationChoiceField(
        label=_("新的工作单位"),
        queryset=SocialOrganization.objects.none(),
        required=False,
        help_text=_("工作单位随转接变化时选择；留空则不变。"),
    )
    note = forms.CharField(label=_("办理意见"), required=False, max_length=500)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["employer"]).queryset = employer_choices(
            user
        ).order_by("name")


class TransferDecisionForm(TablerForm):
    """Reject (receiving side) or cancel (sending side): a reason is required."""

    reason = forms.CharField(label=_("原因"), widget=forms.Textarea(attrs={"rows": 3}))


class PostAssignForm(TablerForm):
    member = forms.ModelChoiceField(label=_("党员"), queryset=PartyMember.objects.none())
    post = forms.ChoiceField(label=_("职务"), choices=Post.choices)
    since = forms.DateField(label=_("任职日期"), widget=DATE_WIDGET)

    def __init__(self, *args: Any, candidates: QuerySet[PartyMember], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["member"]).queryset = candidates


class PostEndForm(TablerForm):
    until = forms.DateField(label=_("离任日期"), widget=DATE_WIDGET)
    reason = forms.CharField(label=_("原因"), required=False, max_length=100)
