"""Bulk writes of audited rows for the demo and the import: the rows through the ORM, their
"created" History rows copied in SQL.

simple-history's `bulk_create_with_history` builds a second model instance per row and inserts
it through the ORM, so a party member's ID number and phone are encrypted again (Fernet, per
value) and hashed again for the History row: at 100,000 members that was most of the time. The
copy below writes the same History rows (type "+", the date, the user, the reason) straight
from the rows just inserted, ciphertexts and blind indexes as they are, in one INSERT … SELECT
per batch, on SQLite and PostgreSQL alike.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from django.db import connection, models
from django.utils import timezone


def bulk_create_with_copied_history(
    model: type[models.Model],
    objs: Sequence[models.Model],
    *,
    reason: str,
    user_id: int | None = None,
    batch_size: int = 2000,
    progress: Callable[[int], None] | None = None,
) -> int:
    """Insert `objs` in batches, each followed by its History rows; returns how many."""
    history = model.history.model  # type: ignore[attr-defined]
    quote = connection.ops.quote_name
    columns = ", ".join(quote(field.column) for field in model._meta.concrete_fields)
    extra = ", ".join(
        quote(name)
        for name in ("history_date", "history_change_reason", "history_type", "history_user_id")
    )
    when = connection.ops.adapt_datetimefield_value(timezone.now())
    for start in range(0, len(objs), batch_size):
        batch = list(objs[start : start + batch_size])
        model._default_manager.bulk_create(batch, batch_size=batch_size)
        ids: list[Any] = [obj.pk for obj in batch]
        marks = ", ".join(["%s"] * len(ids))
        with connection.cursor() as cursor:
            # Table and column names come from the models, never from input.
            cursor.execute(
                f"INSERT INTO {quote(history._meta.db_table)} ({columns}, {extra}) "  # noqa: S608
                f"SELECT {columns}, %s, %s, %s, %s FROM {quote(model._meta.db_table)} "
                f"WHERE {quote(model._meta.pk.column)} IN ({marks})",
                [when, reason[:100], "+", user_id, *ids],
            )
        if progress is not None:
            progress(len(batch))
    return len(objs)
