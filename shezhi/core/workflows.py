"""Workflows are data plus one gate.

A stateful model declares `Status` choices and `ALLOWED_TRANSITIONS`; `transition` is the only code
that assigns `.status`. It checks the table, saves, records a `StatusChange`, and runs any follow-up
after the transaction commits.

A record may have another stateful field under the same discipline (a party member's development
`stage`): `transition(obj, to, field="stage", table=STAGE_TRANSITIONS, ...)` locks, checks, saves
and records that field the same way. Its StatusChange rows carry the field's values, which do not
overlap with the status values of the same model.
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

    def __init__(
        self, obj: models.Model, to: str, allowed: set[str], *, field: str = "status"
    ) -> None:
        self.obj, self.to, self.allowed, self.field = obj, to, allowed, field
        current = getattr(obj, field, "")
        # The value the record was in, for the API's 409 body (whatever the field is).
        self.current = current
        super().__init__(
            _("当前状态“%(current)s”不能变更为“%(to)s”；允许：%(allowed)s")
            % {"current": current, "to": to, "allowed": "、".join(sorted(allowed)) or _("无")}
        )


def allowed_transitions(
    obj: models.Model, *, field: str = "status", table: dict[str, set[str]] | None = None
) -> set[str]:
    if table is None:
        if field != "status":
            raise TypeError(f"transition of {field!r} needs its table")
        table = getattr(type(obj), "ALLOWED_TRANSITIONS")  # noqa: B009 (declared per model)
    return set(table.get(getattr(obj, field), set()))


@transaction.atomic
def transition(
    obj: models.Model,
    to: str,
    *,
    actor: Any | None,
    reason: str = "",
    update_fields: tuple[str, ...] = (),
    on_commit: Callable[[], None] | None = None,
    field: str = "status",
    table: dict[str, set[str]] | None = None,
) -> StatusChange:
    """Move `obj` to status `to` (or `field` to `to`, by `table`), or raise TransitionNotAllowed.

    The row is re-read under a lock so two officers deciding at once cannot both win.
    """
    model = type(obj)
    locked = model._default_manager.select_for_update()
    current = locked.values_list(field, flat=True).get(pk=obj.pk)
    setattr(obj, field, current)
    allowed = allowed_transitions(obj, field=field, table=table)
    if to not in allowed:
        raise TransitionNotAllowed(obj, to, allowed, field=field)
    setattr(obj, field, to)
    obj.save(update_fields=[field, *update_fields])
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
