"""Template tags of the UI kit: the jurisdiction breadcrumb and masked personal data."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django import template
from django.core.exceptions import ImproperlyConfigured
from django.db import models
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.html import format_html

from shezhi.core.fields import EncryptedField
from shezhi.core.models import Division
from shezhi.core.permissions import can_reveal_personal_data
from shezhi.core.personal_data import mask
from shezhi.core.records import RECORD_TYPES, label_of
from shezhi.core.scoping import is_within

register = template.Library()


@dataclass(frozen=True)
class Crumb:
    division: Division
    # Above the user's jurisdiction a link would only lead to a 404: show the name as text.
    linkable: bool


@register.simple_tag(takes_context=True)
def division_ancestors(context: dict[str, Any], division: Division) -> list[Crumb]:
    """The chain province → … → division, fetched in one query."""
    user = context.get("user") or getattr(context.get("request"), "user", None)
    by_code = Division.objects.in_bulk(division.ancestor_codes)
    chain = [by_code[code] for code in division.ancestor_codes if code in by_code]
    return [Crumb(d, user is not None and is_within(user, d.path)) for d in chain]


@register.simple_tag(takes_context=True)
def personal(
    context: template.Context, obj: models.Model, field_name: str, reveal: bool = True
) -> str:
    """`{% personal obj "phone" %}`: the masked value, plus a reveal button for those allowed.

    Only EncryptedField values go through here; the full value never reaches the page unless the
    user asks for it through the logged reveal view.
    """
    field = obj._meta.get_field(field_name)
    if not isinstance(field, EncryptedField):
        raise ImproperlyConfigured(f"{obj._meta.label}.{field_name} is not an EncryptedField")
    value = getattr(obj, field_name)
    if not value:
        return "—"
    masked = mask(field.kind, value)
    request = context.get("request")
    user = getattr(request, "user", None)
    label = label_of(obj)
    kind = RECORD_TYPES.get(label)
    allowed = (
        reveal
        and request is not None
        and kind is not None
        and can_reveal_personal_data(user)
        and kind.can_access(user)
    )
    if not allowed:
        return format_html('<span class="personal-data font-monospace">{}</span>', masked)
    return render_to_string(
        "components/personal.html",
        {
            "masked": masked,
            "element_id": f"pd-{label.replace('.', '-')}-{obj.pk}-{field_name}",
            "reveal_url": reverse("core:reveal_personal", args=[label, obj.pk, field_name]),
            "field_label": field.verbose_name,
        },
        request=request,
    )


@register.simple_tag
def is_nav_active(request: Any, url: str) -> bool:
    """A module's entry stays highlighted on its detail pages: "/divisions/440118/" is under
    "/divisions/". The home page ("/") is active only on itself."""
    path = getattr(request, "path", "")
    return path == url if url == "/" else path.startswith(url)


@register.filter
def percent(fraction: float | None, places: int = 1) -> str:
    """0.9843 → "98.4%": rates are kept as fractions and shown as percentages."""
    if fraction is None:
        return "—"
    return f"{fraction * 100:.{places}f}%"
