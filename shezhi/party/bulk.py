"""Bulk writes of audited rows for the demo and the member import: the rows in multi-row
INSERTs, their "created" History rows copied in SQL.

Why not `bulk_create_with_history`: at 100,000 party members, Django's per-value preparation
(`get_db_prep_save` on 25 fields, through several layers each) and a second, historical model
instance per row whose ID number and phone are encrypted (Fernet) and hashed a second time made
the import take six times openpyxl's read of the file. Here each value is prepared once by a
converter chosen per field (the same encryption and blind index as the model fields, the same
date adaptation as the backend), rows go in as multi-row INSERTs with RETURNING of their keys
(as Django's own bulk_create does on SQLite ≥ 3.35 and PostgreSQL), and the History rows are
copied from them with one INSERT … SELECT per batch: type "+", the date, the user, the reason,
ciphertexts and blind indexes as they are.

Callers validate first (the import checks every row; the demo makes valid rows): nothing here
checks a value, exactly like bulk_create.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from django.db import connection, models
from django.utils import timezone

from shezhi.core import crypto
from shezhi.core.fields import BlindIndexField, EncryptedField
from shezhi.core.personal_data import normalize


def _converter(field: models.Field[Any, Any], model: type[models.Model]) -> Callable[[Any], Any]:
    """How to turn the row's value of `field` into what the database driver takes."""
    attname = field.attname
    ops = connection.ops
    if isinstance(field, EncryptedField):
        kind = field.kind

        def encrypted(row: Any) -> Any:
            value = getattr(row, attname)
            return crypto.encrypt(normalize(kind, value)) if value else None

        return encrypted
    if isinstance(field, BlindIndexField):
        source = field.source
        kind = model._meta.get_field(source).kind  # type: ignore[union-attr]

        def blind(row: Any) -> Any:
            value = getattr(row, source)
            return crypto.blind_index(normalize(kind, value)) if value else None

        return blind
    if isinstance(field, models.DateTimeField):
        return lambda row: ops.adapt_datetimefield_value(getattr(row, attname))
    if isinstance(field, models.DateField):
        return lambda row: ops.adapt_datefield_value(getattr(row, attname))
    if isinstance(field, models.BooleanField | models.CharField | models.IntegerField) or (
        field.is_relation
    ):
        return lambda row: getattr(row, attname)
    return lambda row: field.get_db_prep_save(getattr(row, attname), connection)


def insert_with_history(
    model: type[models.Model],
    rows: Sequence[Any],
    *,
    reason: str,
    user_id: int | None = None,
    progress: Callable[[int], None] | None = None,
) -> list[int]:
    """Insert `rows` (model instances, or objects with the fields' attribute names) and their
    History rows; set `pk` on each row that has the attribute; return the new keys in order."""
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    pk_column = quote(model._meta.pk.column)
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    converters = [_converter(field, model) for field in fields]
    columns = ", ".join(quote(field.column) for field in fields)
    history = model.history.model  # type: ignore[attr-defined]
    copied = ", ".join(quote(field.column) for field in model._meta.concrete_fields)
    extra = ", ".join(
        quote(name)
        for name in ("history_date", "history_change_reason", "history_type", "history_user_id")
    )
    when = connection.ops.adapt_datetimefield_value(timezone.now())
    per_row = len(fields)
    batch = max(1, (connection.features.max_query_params or 30_000) // per_row)
    placeholder = "(" + ", ".join(["%s"] * per_row) + ")"
    keys: list[int] = []
    with connection.cursor() as cursor:
        for start in range(0, len(rows), batch):
            chunk = rows[start : start + batch]
            params: list[Any] = []
            for row in chunk:
                params.extend(convert(row) for convert in converters)
            cursor.execute(
                f"INSERT INTO {table} ({columns}) VALUES "  # noqa: S608 (names from the model)
                + ", ".join([placeholder] * len(chunk))
                + f" RETURNING {pk_column}",
                params,
            )
            new = [row[0] for row in cursor.fetchall()]
            for row, key in zip(chunk, new, strict=True):
                if isinstance(row, models.Model):
                    row.pk = key
                    row._state.adding, row._state.db = False, connection.alias
                elif hasattr(row, "pk"):
                    row.pk = key
            marks = ", ".join(["%s"] * len(new))
            cursor.execute(
                f"INSERT INTO {quote(history._meta.db_table)} ({copied}, {extra}) "  # noqa: S608
                f"SELECT {copied}, %s, %s, %s, %s FROM {table} WHERE {pk_column} IN ({marks})",
                [when, reason[:100], "+", user_id, *new],
            )
            keys.extend(new)
            if progress is not None:
                progress(len(chunk))
    return keys
