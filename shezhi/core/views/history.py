"""The History tab: who changed what and when, from django-simple-history, for those who may see
the record.

`history_entries(obj, user)` turns a record's historical rows into entries with field-level diffs
(`diff_against`), verbose names, choice labels and masked personal data. Detail pages show them
through the `history_table` partial of core/history.html; `/history/<type>/<pk>/` shows the same
for any registered record type, including a deleted record, whose history stays readable to
those whose jurisdiction held its last version.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.db import models
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from shezhi.core import records
from shezhi.core.fields import BlindIndexField, EncryptedField
from shezhi.core.personal_data import mask
from shezhi.core.scoping import jurisdiction_q

HISTORY_LIMIT = 200
CHANGE_TYPES = {"+": gettext_lazy("创建"), "~": gettext_lazy("修改"), "-": gettext_lazy("删除")}
EMPTY = "—"


@dataclass(frozen=True)
class FieldChange:
    field: str
    label: Any
    old: str
    new: str


@dataclass(frozen=True)
class HistoryEntry:
    id: int
    at: datetime.datetime
    actor: Any  # the user, or None for changes made outside a request (imports, migrations)
    change_type: str
    change_type_label: Any
    changes: list[FieldChange]
    reason: str
    # An update whose previous version was never recorded (e.g. loaded by a data migration).
    no_previous: bool = False


def history_queryset(model: type[models.Model], pk: Any) -> models.QuerySet[Any]:
    history_model = model.history.model  # type: ignore[attr-defined]
    pk_name = model._meta.pk.attname
    return (
        history_model.objects.filter(**{pk_name: pk})
        .select_related("history_user")
        .order_by("-history_date", "-history_id")
    )


def _shown_fields(record: Any) -> dict[str, models.Field[Any, Any]]:
    # Editable tracked fields, as diff_against compares them. Blind indexes are derived values
    # and a surrogate id says nothing to an officer; a meaningful key (a division code) stays.
    pk = record.instance_type._meta.pk
    surrogate = (
        pk.name
        if isinstance(pk, models.AutoField | models.BigAutoField | models.SmallAutoField)
        else None
    )
    return {
        f.name: f
        for f in record.tracked_fields
        if f.editable and f.name != surrogate and not isinstance(f, BlindIndexField)
    }


def _related_key(field: models.Field[Any, Any]) -> type[models.Model] | None:
    return field.related_model if field.is_relation and field.many_to_one else None  # type: ignore[return-value]


class _Formatter:
    """Formats values for display, resolving foreign keys in one query per related model."""

    def __init__(self, user: Any) -> None:
        self.user = user
        self.wanted: dict[type[models.Model], set[Any]] = defaultdict(set)
        self.labels: dict[tuple[type[models.Model], Any], str] = {}

    def want(self, field: models.Field[Any, Any], value: Any) -> None:
        model = _related_key(field)
        if model is not None and value not in (None, ""):
            self.wanted[model].add(value)

    def resolve(self) -> None:
        for model, pks in self.wanted.items():
            queryset = model._default_manager.all()
            # A related record outside the user's jurisdiction keeps showing only its key.
            if hasattr(queryset, "visible_to"):
                queryset = queryset.visible_to(self.user)
            for pk, obj in queryset.in_bulk(list(pks)).items():
                self.labels[(model, pk)] = str(obj)

    def format(self, field: models.Field[Any, Any], value: Any) -> str:
        if value is None or value == "":
            return EMPTY
        if isinstance(field, EncryptedField):
            return mask(field.kind, value)
        model = _related_key(field)
        if model is not None:
            return self.labels.get((model, value), str(value))
        if field.choices:
            return str(dict(field.flatchoices).get(value, value))
        if isinstance(field, models.BooleanField):
            return _("是") if value else _("否")
        if isinstance(value, datetime.datetime):
            return (
                timezone.localtime(value).strftime("%Y-%m-%d %H:%M")
                if timezone.is_aware(value)
                else str(value)
            )
        return str(value)


def _raw_changes(
    record: Any, previous: Any | None
) -> tuple[list[tuple[models.Field[Any, Any], Any, Any]], bool]:
    fields = _shown_fields(record)
    if record.history_type == "+":
        return [
            (f, None, getattr(record, f.attname))
            for f in fields.values()
            if getattr(record, f.attname) not in (None, "")
        ], False
    if record.history_type == "-":
        return [], False
    if previous is None:
        return [], True
    delta = record.diff_against(previous, included_fields=list(fields))
    return [(fields[c.field], c.old, c.new) for c in delta.changes if c.field in fields], False


def history_entries(
    rows: list[Any], *, user: Any, limit: int = HISTORY_LIMIT
) -> list[HistoryEntry]:
    """Entries for historical rows given newest first; row `limit` (if present) is only used as
    the previous version of the oldest entry shown."""
    formatter = _Formatter(user)
    raw = []
    for index, record in enumerate(rows[:limit]):
        previous = rows[index + 1] if index + 1 < len(rows) else None
        changes, no_previous = _raw_changes(record, previous)
        for field, old, new in changes:
            formatter.want(field, old)
            formatter.want(field, new)
        raw.append((record, changes, no_previous))
    formatter.resolve()
    entries = []
    for record, changes, no_previous in raw:
        entries.append(
            HistoryEntry(
                id=record.history_id,
                at=record.history_date,
                actor=record.history_user,
                change_type=record.history_type,
                change_type_label=CHANGE_TYPES.get(record.history_type, record.history_type),
                changes=[
                    FieldChange(
                        field.name,
                        field.verbose_name,
                        formatter.format(field, old) if record.history_type != "+" else EMPTY,
                        formatter.format(field, new),
                    )
                    for field, old, new in changes
                ],
                reason=record.history_change_reason or "",
                no_previous=no_previous,
            )
        )
    return entries


def history_context(obj: models.Model, user: Any) -> dict[str, Any]:
    """What the `history_table` partial needs for a record the caller already fetched through
    visible_to."""
    rows = list(history_queryset(type(obj), obj.pk)[: HISTORY_LIMIT + 1])
    return {
        "history_entries": history_entries(rows, user=user),
        "history_truncated": len(rows) > HISTORY_LIMIT,
        "history_limit": HISTORY_LIMIT,
    }


def _deleted_record_rows(kind: records.RecordType, pk: str, user: Any) -> list[Any]:
    """History of a record that no longer exists, if the user's jurisdiction held its last
    version; [] otherwise."""
    rows = list(history_queryset(kind.model, pk)[: HISTORY_LIMIT + 1])
    if not rows or rows[0].history_type != "-":
        return []
    history_model = type(rows[0])
    last_visible = history_model.objects.filter(
        jurisdiction_q(user, path_lookup=kind.path_lookup), history_id=rows[0].history_id
    ).exists()
    return rows if last_visible else []


@require_GET
def history(request: HttpRequest, label: str, pk: str) -> HttpResponse:
    kind = records.record_type(label)
    if not kind.has_history:
        raise Http404
    records.check_access(kind, request.user)
    manager = kind.model._default_manager
    obj = manager.get_queryset().visible_to(request.user).filter(pk=pk).first()  # type: ignore[attr-defined]
    if obj is not None:
        context = history_context(obj, request.user)
        title = str(obj)
    else:
        # An existing record outside the jurisdiction answers like a missing one.
        if manager.filter(pk=pk).exists():
            raise Http404
        rows = _deleted_record_rows(kind, pk, request.user)
        if not rows:
            raise Http404
        context = {
            "history_entries": history_entries(rows, user=request.user),
            "history_truncated": len(rows) > HISTORY_LIMIT,
            "history_limit": HISTORY_LIMIT,
        }
        title = _("%(record)s（已删除）") % {"record": rows[0].instance}
    context.update(
        {
            "page_title": _("变更记录：%(record)s") % {"record": title},
            "object": obj,
            "record_type": kind,
        }
    )
    htmx = getattr(request, "htmx", None)
    template = (
        "core/history.html#history_table"
        if htmx and not htmx.history_restore_request
        else "core/history.html"
    )
    return render(request, template, context)
