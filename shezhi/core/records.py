"""Record types: the scoped models whose records have a page, a History tab and revealable fields.

Generic routes (/history/<type>/<pk>/, /personal/<type>/<pk>/<field>/) name a record by
"<app_label>.<model>" and its primary key. Only types registered here are served, and every
record is fetched through `visible_to(user)` first: "not yours" answers 404, like elsewhere.
A type may add a role gate (`can_access`): failing it answers 403, as the record's own pages do.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ImproperlyConfigured, ObjectDoesNotExist, PermissionDenied
from django.db import models
from django.http import Http404


def _signed_in(user: Any) -> bool:
    return bool(user.is_authenticated)


@dataclass(frozen=True)
class RecordType:
    model: type[models.Model]
    can_access: Callable[[Any], bool] = field(default=_signed_in)

    @property
    def label(self) -> str:
        return label_of(self.model)

    @property
    def path_lookup(self) -> str:
        return self.model._default_manager.get_queryset().path_lookup  # type: ignore[attr-defined]

    @property
    def has_history(self) -> bool:
        return hasattr(self.model, "history")


RECORD_TYPES: dict[str, RecordType] = {}


def label_of(model: type[models.Model] | models.Model) -> str:
    return model._meta.label_lower


def register_record_type(
    model: type[models.Model], *, can_access: Callable[[Any], bool] = _signed_in
) -> RecordType:
    if not hasattr(model._default_manager.get_queryset(), "visible_to"):
        raise ImproperlyConfigured(
            f"{model.__name__} is not scoped: its queryset has no visible_to()"
        )
    item = RecordType(model, can_access)
    existing = RECORD_TYPES.get(item.label)
    if existing is not None and existing != item:
        raise ValueError(f"{item.label!r} is registered twice")
    RECORD_TYPES[item.label] = item
    return item


def record_type(label: str) -> RecordType:
    try:
        return RECORD_TYPES[label]
    except KeyError:
        raise Http404 from None


def check_access(kind: RecordType, user: Any) -> None:
    if not kind.can_access(user):
        raise PermissionDenied


def visible_record(user: Any, label: str, pk: str) -> models.Model:
    """The record, if this user may see it: 403 for a role that may not open the type at all,
    404 for a record outside the user's jurisdiction or that does not exist."""
    kind = record_type(label)
    check_access(kind, user)
    queryset = kind.model._default_manager.get_queryset().visible_to(user)  # type: ignore[attr-defined]
    try:
        return queryset.get(pk=pk)
    except (ObjectDoesNotExist, ValueError, TypeError):
        raise Http404 from None
