"""Revealing a masked personal-data value: a deliberate, permitted, logged action.

POST only (with CSRF), for users with `can_reveal_personal_data`, on a record they may see
(fetched through visible_to: 404 otherwise), and only for EncryptedField fields. The reveal is
logged before the value leaves the server; the response is never cached.
"""

from __future__ import annotations

from django.core.exceptions import FieldDoesNotExist, PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from shezhi.core import records
from shezhi.core.audit import personal_data_reveal
from shezhi.core.fields import EncryptedField
from shezhi.core.permissions import can_reveal_personal_data


def client_ip(request: HttpRequest) -> str | None:
    # REMOTE_ADDR only: X-Forwarded-For is client-controlled unless a trusted proxy rewrites
    # it, and a deployment behind one sets REMOTE_ADDR there (e.g. gunicorn --forwarded-allow-ips).
    return request.META.get("REMOTE_ADDR") or None


@never_cache
@require_POST
def reveal(request: HttpRequest, label: str, pk: str, field: str) -> HttpResponse:
    if not can_reveal_personal_data(request.user):
        raise PermissionDenied
    obj = records.visible_record(request.user, label, pk)
    try:
        model_field = obj._meta.get_field(field)
    except FieldDoesNotExist:
        raise Http404 from None
    if not isinstance(model_field, EncryptedField):
        raise Http404
    value = getattr(obj, field) or ""
    htmx = getattr(request, "htmx", None)
    reason = (request.POST.get("reason") or (htmx.prompt if htmx else None) or "").strip()
    personal_data_reveal(
        actor=request.user, subject=obj, field=field, ip_address=client_ip(request), reason=reason
    )
    context = {
        "page_title": model_field.verbose_name,
        "object": obj,
        "field_label": model_field.verbose_name,
        "value": value,
        "reason": reason,
        "back_url": request.POST.get("next") or "",
    }
    template = "core/personal_reveal.html#value" if htmx else "core/personal_reveal.html"
    return render(request, template, context)
