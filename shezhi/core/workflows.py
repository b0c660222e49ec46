"""Workflows are data plus one gate.

A stateful model declares `Status` choices and `ALLOWED_TRANSITIONS`; `transition` is the only code
that assigns `.status`. It checks the table, saves, records a `StatusChange`, and runs any follow-up
after the transaction commits.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.utils.translation import gettext as _

from .models import StatusChange


class TransitionNotAllowed(Exception):
    """A workflow action on a record in the wrong state (the API answers 409)."""

    def __init__(self, obj: models.Model, to: str, allowed: set[str]) -> None:
        self.obj, self.to, self.allowed = obj, to, allowed
        current = getattr(obj, "status", "")
        super().__init__(
            _("当前状态“%(current)s”不能变更为“%(to)s”；允许：%(allowed)s")
            % {"current": current, "to": to, "allowed": "、".join(sorted(allowed)) or _("无")}
        )


def allowed_transitions(obj: models.Model) -> set[str]:
    table: dict[str, set[str]] = type(obj).ALLOWED_TRANSITIONS  # type: ignore[attr-defined]
    return set(table.get(obj.status, set()))  # type: ignore[attr-defined]


@transaction.atomic
def transition(
    obj: models.Model,
    to: str,
    *,
    actor: Any | None,
    reason: str = "",
    update_fields: tuple[str, ...] = (),
    on_commit: Callable[[], None] | None = None,
) -> StatusChange:
    """Move `obj` to status `to`, or raise TransitionNotAllowed.

    The row is re-read under a lock so two officers deciding at once cannot both win.
    """
    model = type(obj)
    current = model._default_manager.select_for_update().values_list("status", flat=True).get(pk=obj.pk)
    obj.status = current  # type: ignore[attr-defined]
    allowed = allowed_transitions(obj)
    if to not in allowed:
        raise TransitionNotAllowed(obj, to, allowed)
    obj.status = to  # type: ignore[attr-defined]
    obj.save(update_fields=["status", *update_fields])
    change = StatusChange.objects.create(
        subject_type=ContentType.objects.get_for_model(model),
        subject_id=str(obj.pk),
        from_status=current,
        to_status=to,
        actor=actor if actor is not None and getattr(actor, "is_authenticated", False) else None,
        reason=reason,
    )
    if on_commit is not None:
        transaction.on_commit(on_commit)
    return change
