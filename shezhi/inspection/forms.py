"""Forms of the inspection pages: filter, filing, decisions, rectification, configuration."""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from shezhi.core.forms import FilterForm, TablerForm
from shezhi.core.models import Division
from shezhi.core.scoping import prefix_q

from .models import Conclusion, FilingStatus, Mode

DIVISION_CODE = r"^\d{6}(\d{3}){0,2}$"


def _years() -> list[tuple[str, str]]:
    this = timezone.localdate().year
    return [(str(y), str(y)) for y in range(this, this - 8, -1)]


class FilingFilterForm(FilterForm):
    year = forms.TypedChoiceField(
        label=_("年度"), choices=[("", _("全部年度"))], coerce=int, empty_value=None
    )
    mode = forms.ChoiceField(label=_("方式"), choices=[("", _("全部方式")), *Mode.choices])
    status = forms.ChoiceField(
        label=_("状态"), choices=[("", _("全部状态")), *FilingStatus.choices]
    )
    conclusion = forms.ChoiceField(
        label=_("年检结论"), choices=[("", _("全部结论")), *Conclusion.choices]
    )
    division = forms.RegexField(
        label=_("登记管理机关所在区划"),
        regex=DIVISION_CODE,
        max_length=12,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "placeholder": "440118"}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = [("", _("全部年度")), *_years()]  # type: ignore[attr-defined]

    def apply(self, queryset: QuerySet[Any]) -> QuerySet[Any]:
        self.is_valid()
        cleaned = getattr(self, "cleaned_data", {})
        for name in ("year", "mode", "status", "conclusion"):
            value = cleaned.get(name)
            if value not in (None, ""):
                queryset = queryset.filter(**{name: value})
        code = cleaned.get("division")
        if code:
            path = Division.objects.filter(code=code).values_list("path", flat=True).first()
            queryset = (
                queryset.filter(prefix_q("authority_path", path)) if path else queryset.none()
            )
        return queryset


MONEY = {"max_digits": 14, "decimal_places": 2, "min_value": 0}


class FilingForm(TablerForm):
    activities = forms.CharField(
        label=_("业务活动情况"),
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=5000,
        required=False,
        help_text=_("本年度开展的主要业务活动；报送前必须填写。"),
    )
    income = forms.DecimalField(label=_("本年收入（元）"), **MONEY)  # type: ignore[arg-type]
    expenditure = forms.DecimalField(label=_("本年支出（元）"), **MONEY)  # type: ignore[arg-type]
    net_assets = forms.DecimalField(label=_("年末净资产（元）"), max_digits=14, decimal_places=2)
    staff_count = forms.IntegerField(label=_("从业人员数"), min_value=0, max_value=1_000_000)
    has_party_organization = forms.BooleanField(label=_("已建立党组织"), required=False)
    party_organization_name = forms.CharField(label=_("党组织名称"), max_length=200, required=False)
    party_activities = forms.IntegerField(
        label=_("本年党组织活动次数"), min_value=0, max_value=10_000
    )
    party_member_count = forms.IntegerField(label=_("党员人数"), min_value=0, max_value=100_000)
    instructor_name = forms.CharField(label=_("党建指导员"), max_length=50, required=False)


class FilingCreateForm(FilingForm):
    year = forms.TypedChoiceField(label=_("年度"), choices=(), coerce=int)

    field_order = ["year"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        last = timezone.localdate().year - 1
        self.fields["year"].choices = [(str(y), str(y)) for y in range(last, last - 5, -1)]  # type: ignore[attr-defined]


class DecisionForm(TablerForm):
    action = forms.ChoiceField(label=_("办理"), choices=())
    conclusion = forms.ChoiceField(
        label=_("年检结论"), choices=[("", "—"), *Conclusion.choices], required=False
    )
    reason = forms.CharField(
        label=_("意见或原因"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        required=False,
        help_text=_("退回时写明原因；基本合格或不合格时写明整改要求。"),
    )

    def __init__(self, *args: Any, actions: list[tuple[str, Any]] | None = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["action"].choices = actions or []  # type: ignore[attr-defined]


class RectificationForm(TablerForm):
    report = forms.CharField(
        label=_("整改情况"), widget=forms.Textarea(attrs={"rows": 4}), max_length=5000
    )


class VerifyForm(TablerForm):
    decision = forms.ChoiceField(
        label=_("核实结果"),
        choices=[("verify", _("整改到位")), ("reject", _("整改未到位，重新整改"))],
    )
    reason = forms.CharField(
        label=_("意见或原因"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        required=False,
    )


class ConfigForm(TablerForm):
    authority = forms.ModelChoiceField(label=_("登记管理机关"), queryset=Division.objects.none())
    year = forms.TypedChoiceField(label=_("年度"), choices=(), coerce=int)
    mode = forms.ChoiceField(label=_("方式"), choices=Mode.choices)
    window_opens_on = forms.DateField(
        label=_("报送开始日期"), widget=forms.DateInput(attrs={"type": "date"})
    )
    window_closes_on = forms.DateField(
        label=_("报送截止日期"), widget=forms.DateInput(attrs={"type": "date"})
    )
    supervisor_due_on = forms.DateField(
        label=_("业务主管单位初审截止日期"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    def __init__(
        self,
        *args: Any,
        authorities: QuerySet[Division] | None = None,
        editing: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["authority"]
        field.queryset = authorities if authorities is not None else Division.objects.none()  # type: ignore[attr-defined]
        this = timezone.localdate().year
        self.fields["year"].choices = [(str(y), str(y)) for y in range(this + 1, this - 6, -1)]  # type: ignore[attr-defined]
        if editing:
            del self.fields["authority"]
            del self.fields["year"]


def default_window(year: int) -> dict[str, date]:
    """The national calendar: to the supervising unit by 31 March, to the authority by 31 May
    of the following year (DOMAIN.md §7)."""
    return {
        "window_opens_on": date(year + 1, 1, 1),
        "supervisor_due_on": date(year + 1, 3, 31),
        "window_closes_on": date(year + 1, 5, 31),
    }
