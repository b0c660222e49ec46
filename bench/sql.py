"""The floors' raw SQL: statements run through a bare cursor, and scratch copies of tables."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import NotSupportedError
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import Model, Q


@dataclass(frozen=True)
class RawQuery:
    """One hand-written statement with its parameters (`%s` placeholders on every backend)."""

    sql: str
    params: Sequence[Any] = ()


@dataclass(frozen=True)
class RawPage:
    """The raw SQL of one page of a list: its rows, first column the row's key, and the count
    of all rows that the pager shows. Nothing else: no session, no user, no tab counters.

    A list made of several queries (the party findings: one per rule) may give one count per
    query, run one after the other and added up, as the page counts them."""

    rows: RawQuery
    count: RawQuery | tuple[RawQuery, ...] | None = None


@dataclass(frozen=True)
class PageData:
    keys: list[Any] = field(default_factory=list)
    count: int | None = None


def path_range(column: str, user: Any) -> tuple[str, list[Any]]:
    """The jurisdiction rule (shezhi.core.scoping) as a WHERE fragment on a path column:
    the index range [path, path with its last "/" turned into "0")."""
    from shezhi.core.scoping import jurisdiction_path

    root = jurisdiction_path(user)
    if root is None:
        return "1 = 0", []
    if root == "":
        return "1 = 1", []
    return f"{column} >= %s AND {column} < %s", [root, root[:-1] + "0"]


def marks(values: Sequence[Any]) -> str:
    """`%s, %s, …` for an IN list of `values`."""
    return ", ".join(["%s"] * len(values))


def run_raw(connection: BaseDatabaseWrapper, query: RawQuery) -> list[tuple[Any, ...]]:
    with connection.cursor() as cursor:
        cursor.execute(query.sql, list(query.params))
        return list(cursor.fetchall())


def run_page(connection: BaseDatabaseWrapper, page: RawPage) -> PageData:
    rows = run_raw(connection, page.rows)
    count = None
    if page.count is not None:
        counts = page.count if isinstance(page.count, tuple) else (page.count,)
        count = sum(run_raw(connection, query)[0][0] for query in counts)
    return PageData(keys=[row[0] for row in rows], count=count)


# --- scratch tables for the seeding floor --------------------------------------------------------

SCRATCH_PREFIX = "bench_scratch_"
_SQLITE_INDEX = re.compile(r'^(CREATE (?:UNIQUE )?INDEX )"([^"]+)" ON "([^"]+)"', re.IGNORECASE)


def create_scratch_copy(connection: BaseDatabaseWrapper, table: str) -> str:
    """An empty table with the columns, keys, constraints and indexes of `table`; its name.

    Foreign keys stay on SQLite (they are part of the stored CREATE TABLE) and are dropped by
    PostgreSQL's LIKE; both backends check them only at commit, which the seeding case never
    reaches.
    """
    scratch = SCRATCH_PREFIX + table
    qn = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {qn(scratch)}")
        if connection.vendor == "postgresql":
            cursor.execute(f"CREATE TABLE {qn(scratch)} (LIKE {qn(table)} INCLUDING ALL)")
        elif connection.vendor == "sqlite":
            cursor.execute(
                "SELECT type, sql FROM sqlite_master WHERE tbl_name = %s AND sql IS NOT NULL "
                "ORDER BY type DESC",  # the table before its indexes
                [table],
            )
            for kind, ddl in cursor.fetchall():
                if kind == "table":
                    cursor.execute(ddl.replace(qn(table), qn(scratch), 1))
                elif kind == "index":
                    cursor.execute(
                        _SQLITE_INDEX.sub(
                            lambda m: f'{m[1]}"{SCRATCH_PREFIX}{m[2]}" ON {qn(scratch)}', ddl
                        )
                    )
        else:
            raise NotSupportedError(f"no scratch tables on {connection.vendor}")
    return scratch


@dataclass(frozen=True)
class Rows:
    """Rows of one table, as the database returns them, ready to insert elsewhere."""

    table: str
    columns: tuple[str, ...]
    values: list[tuple[Any, ...]]


def insertable_columns(model: type[Model]) -> tuple[str, ...]:
    """The columns an INSERT of `model` writes: all of them but a database-generated key."""
    pk = model._meta.pk
    generated = pk is not None and pk.get_internal_type() in {
        "AutoField",
        "BigAutoField",
        "SmallAutoField",
    }
    return tuple(f.column for f in model._meta.concrete_fields if not (generated and f.primary_key))


def select_rows(connection: BaseDatabaseWrapper, model: type[Model], where: Q) -> Rows:
    """The rows of `model` matching `where`, read through a bare cursor (no conversion)."""
    columns = insertable_columns(model)
    attnames = {f.column: f.attname for f in model._meta.concrete_fields}
    queryset = model._default_manager.filter(where).values_list(*(attnames[c] for c in columns))
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        values = [tuple(row) for row in cursor.fetchall()]
    return Rows(model._meta.db_table, columns, values)


def insert_many(connection: BaseDatabaseWrapper, table: str, rows: Rows) -> None:
    """One `executemany` of every row into `table`: the floor of any row-by-row writer."""
    qn = connection.ops.quote_name
    columns = ", ".join(qn(c) for c in rows.columns)
    sql = f"INSERT INTO {qn(table)} ({columns}) VALUES ({marks(rows.columns)})"
    with connection.cursor() as cursor:
        cursor.executemany(sql, rows.values)
