"""Backup and restore of the whole database as gzipped JSON Lines (`shezhi backup`/`restore`).

One object per line, as Django's "jsonl" serializer writes it, so a backup streams in both
directions and `shezhi loaddata backup.jsonl.gz` can read it too. What is left out is what the
platform rebuilds itself: content types and permissions (recreated by `flush`'s post-migrate step,
and referred to by natural key, since their ids may differ in the restored database) and
sessions (a restore signs everyone out). History tables, users and API tokens are all kept.

Personal data stays encrypted in the file: `EncryptedField.value_to_string` writes the Fernet
token, and a restore needs the same SHEZHI_FIELD_KEY to read it back.
"""

from __future__ import annotations

import datetime
import gzip
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.core import serializers
from django.core.management import call_command
from django.core.management.color import no_style
from django.core.serializers.base import DeserializedObject
from django.core.serializers.json import DjangoJSONEncoder
from django.db import DEFAULT_DB_ALIAS, connections, models, router, transaction

FORMAT = "jsonl"
# Rebuilt by the platform rather than restored (see the module docstring).
EXCLUDED = frozenset({"contenttypes.contenttype", "auth.permission", "sessions.session"})
CHUNK = 2_000


class _LosslessEncoder(DjangoJSONEncoder):
    # DjangoJSONEncoder cuts datetimes and times to milliseconds (for JavaScript); a backup
    # keeps every microsecond, which DateTimeField.to_python reads back.
    def default(self, o: Any) -> Any:
        if isinstance(o, datetime.datetime | datetime.time):
            return o.isoformat()
        return super().default(o)


def backup_models(using: str = DEFAULT_DB_ALIAS) -> list[type[models.Model]]:
    """Every concrete model, ordered so that natural-key targets come before their users."""
    app_list = [
        (config, None) for config in apps.get_app_configs() if config.models_module is not None
    ]
    return [
        model
        for model in serializers.sort_dependencies(app_list, allow_cycles=True)
        if model._meta.label_lower not in EXCLUDED
        and not model._meta.proxy
        and model._meta.managed
        and router.allow_migrate_model(using, model)
    ]


def database_backup(path: str | Path, *, using: str = DEFAULT_DB_ALIAS) -> Counter[str]:
    """Write the whole database to `path`; returns the rows written per model label."""
    connection = connections[using]
    serializer = serializers.get_serializer(FORMAT)()
    counts: Counter[str] = Counter()
    outermost = not connection.in_atomic_block
    with transaction.atomic(using=using), gzip.open(path, "wt", encoding="utf-8") as stream:
        if connection.vendor == "postgresql" and outermost:
            # One snapshot for every table: rows written while the backup runs cannot leave a
            # history row without its record. (SQLite's read transaction is already one.)
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        for model in backup_models(using):
            queryset = model._base_manager.using(using).order_by(model._meta.pk.name)
            n = 0

            def rows(queryset: models.QuerySet = queryset) -> Iterator[models.Model]:
                nonlocal n
                for obj in queryset.iterator(chunk_size=CHUNK):
                    n += 1
                    yield obj

            serializer.serialize(
                rows(),
                stream=stream,
                use_natural_foreign_keys=True,
                use_natural_primary_keys=False,
                cls=_LosslessEncoder,
            )
            counts[model._meta.label] = n
    return counts


class RestoreError(Exception):
    pass


def _insert_raw(model: type[models.Model], objs: list[models.Model], using: str) -> None:
    """Insert rows exactly as they were dumped, many per statement.

    This is what `Model.save_base(raw=True)` (and so loaddata) does for one row: raw means no
    `pre_save` (auto_now timestamps and blind indexes keep their dumped values) and only the
    model's own table. Doing it in batches makes a province-scale restore several times faster.
    """
    connection = connections[using]
    fields = list(model._meta.local_concrete_fields)
    size = connection.ops.bulk_batch_size(fields, objs) or len(objs)
    manager = model._base_manager.using(using)
    for start in range(0, len(objs), size):
        manager._insert(objs[start : start + size], fields=fields, raw=True, using=using)  # type: ignore[attr-defined]


def flush_database(using: str = DEFAULT_DB_ALIAS) -> None:
    """Empty every table; flush's post-migrate step re-creates content types and permissions,
    which a backup refers to by natural key."""
    connection = connections[using]
    postgresql = connection.vendor == "postgresql"
    if postgresql and connection.in_atomic_block:
        # PostgreSQL refuses to TRUNCATE a table with deferred foreign-key checks still pending
        # from earlier writes in this transaction: run them now, then defer again for the load.
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    call_command("flush", interactive=False, verbosity=0, database=using)
    if postgresql and connection.in_atomic_block:
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")
    ContentType.objects.clear_cache()


@transaction.atomic
def database_restore(path: str | Path, *, using: str = DEFAULT_DB_ALIAS) -> Counter[str]:
    """Empty the database and load `path` into it, all in one transaction: a file that fails
    half-way leaves the database as it was. Returns the rows loaded per model label."""
    connection = connections[using]
    if not Path(path).is_file():
        raise RestoreError(f"{path}: no such file")
    flush_database(using)
    # Tables that flush's post-migrate step refilled must be merged into; all others are empty,
    # so their rows can be inserted without the "update, else insert" round trip.
    refilled = {
        model for model in backup_models(using) if model._base_manager.using(using).exists()
    }
    counts: Counter[str] = Counter()
    loaded: set[type[models.Model]] = set()
    deferred: list[DeserializedObject] = []
    batch: list[DeserializedObject] = []

    def insert_batch() -> None:
        model = type(batch[0].object)
        if model in refilled:
            for obj in batch:
                obj.save(using=using)
        else:
            _insert_raw(model, [obj.object for obj in batch], using)
            for obj in batch:
                for accessor, values in (obj.m2m_data or {}).items():
                    getattr(obj.object, accessor).set(values)
        deferred.extend(obj for obj in batch if obj.deferred_fields)
        counts[model._meta.label] += len(batch)
        loaded.add(model)
        batch.clear()

    with gzip.open(path, "rt", encoding="utf-8") as stream:
        for obj in serializers.deserialize(
            FORMAT, stream, using=using, handle_forward_references=True
        ):
            if batch and (type(obj.object) is not type(batch[0].object) or len(batch) >= CHUNK):
                insert_batch()
            batch.append(obj)
        if batch:
            insert_batch()
    for obj in deferred:
        obj.save_deferred_fields(using=using)
    connection.check_constraints(table_names=[model._meta.db_table for model in loaded])
    # Rows came with their ids: move PostgreSQL's sequences past them (SQLite follows by itself).
    statements = connection.ops.sequence_reset_sql(no_style(), list(loaded))
    if statements:
        with connection.cursor() as cursor:
            for sql in statements:
                cursor.execute(sql)
    return counts
