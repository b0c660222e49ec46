"""The one form pattern: Tabler-styled widgets, inline errors, accessible descriptions.

Every form of the platform mixes in `TablerFormMixin` (or subclasses `TablerForm`). Its bound
fields add Tabler's classes to each widget (`form-control`, `form-select`, `form-check-input`)
and `is-invalid` when the field has errors. Django itself adds `aria-invalid` and points
`aria-describedby` at `<id>_helptext` and `<id>_error`; components/form_fields.html renders
elements with exactly those ids, so a screen reader reads the error with the field.

List pages filter with a `FilterForm`: a GET form whose cleaned values narrow a queryset.
"""

from __future__ import annotations

from functools import cached_property
from pathlib import Path
from typing import Any

from django import forms
from django.conf import settings
from django.db.models import QuerySet
from django.forms.boundfield import BoundField
from django.forms.renderers import BaseRenderer, DjangoTemplates
from django.utils.translation import gettext_lazy as _

_CHECK_WIDGETS = (forms.CheckboxInput, forms.RadioSelect, forms.CheckboxSelectMultiple)
_SELECT_WIDGETS = (forms.Select, forms.SelectMultiple, forms.NullBooleanSelect)


def widget_css_class(widget: forms.Widget) -> str:
    """Tabler's class for a widget; multi-choice checkboxes style their inputs the same way."""
    if isinstance(widget, _CHECK_WIDGETS):
        return "form-check-input"
    if isinstance(widget, _SELECT_WIDGETS):
        return "form-select"
    return "form-control"


class TablerBoundField(BoundField):
    def build_widget_attrs(
        self, attrs: dict[str, Any], widget: forms.Widget | None = None
    ) -> dict[str, Any]:
        attrs = super().build_widget_attrs(attrs, widget)
        widget = widget or self.field.widget
        if widget.is_hidden:
            return attrs
        classes = [
            str(attrs.get("class") or widget.attrs.get("class") or ""),
            widget_css_class(widget),
        ]
        if self.errors:
            classes.append("is-invalid")
        attrs["class"] = " ".join(dict.fromkeys(c for c in " ".join(classes).split() if c))
        return attrs

    @property
    def is_checkbox(self) -> bool:
        return isinstance(self.field.widget, forms.CheckboxInput)

    @property
    def is_choice_list(self) -> bool:
        return isinstance(self.field.widget, (forms.RadioSelect, forms.CheckboxSelectMultiple))


class TablerFormRenderer(DjangoTemplates):
    """Django's own form renderer, able to find the project's components/ templates too.

    (The stock one looks only in app directories and django/forms, so `{{ form }}` could not
    reach components/form_fields.html.)
    """

    @cached_property
    def engine(self) -> Any:
        project_dirs: list[Any] = list(settings.TEMPLATES[0].get("DIRS", []))  # type: ignore[call-overload]
        return self.backend(
            {
                "APP_DIRS": True,
                "DIRS": [Path(forms.__file__).parent / "templates", *project_dirs],
                "NAME": "shezhi-forms",
                "OPTIONS": {},
            }
        )


class TablerFormMixin:
    """Mix into any Django form (including django.contrib.auth's) to give it the platform's look."""

    bound_field_class: type[BoundField] | None = TablerBoundField
    default_renderer: BaseRenderer | type[BaseRenderer] | None = TablerFormRenderer
    # `{{ form }}` renders the same markup as `{% include "components/form_fields.html" %}`.
    template_name = "components/form_fields.html"


class TablerForm(TablerFormMixin, forms.Form):
    pass


class TablerModelForm(TablerFormMixin, forms.ModelForm):
    pass


class FilterForm(TablerForm):
    """The filters of a list page, read from the query string.

    Each non-empty cleaned value filters the queryset on the lookup named in `lookups`
    (default: the field's own name). Override `apply` for anything a lookup cannot say.
    Invalid values are shown inline and ignored, so a stale bookmark still lists something.
    """

    lookups: dict[str, str] = {}
    use_required_attribute = False

    def __init__(self, data: Any = None, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "filter_%s")
        super().__init__(data, **kwargs)
        for field in self.fields.values():
            field.required = False

    def apply(self, queryset: QuerySet[Any]) -> QuerySet[Any]:
        self.is_valid()
        cleaned = getattr(self, "cleaned_data", {})
        for name in self.fields:
            value = cleaned.get(name)
            if value in (None, "", [], ()):
                continue
            queryset = queryset.filter(**{self.lookups.get(name, name): value})
        return queryset

    @property
    def active_count(self) -> int:
        """How many filters narrow the list, for the "clear filters" link."""
        if not self.is_bound:
            return 0
        return sum(
            1 for name in self.fields if self.data.get(self.add_prefix(name)) not in (None, "")
        )


def yes_no_field(label: Any) -> forms.TypedChoiceField:
    """A tri-state filter: all / yes / no, kept in the query string as "", "1", "0"."""
    return forms.TypedChoiceField(
        label=label,
        choices=[("", _("全部")), ("1", _("是")), ("0", _("否"))],
        coerce=lambda value: value == "1",
        empty_value=None,
        required=False,
    )
