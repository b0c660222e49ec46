"""The database a run measures: seeded when empty, reused when it holds the demo, refused else."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import TextIO

from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DEFAULT_DB_ALIAS, OperationalError, connections
from django.db.backends.base.base import BaseDatabaseWrapper
from django.utils.translation import gettext as _

from .context import PERSONAS


class State(StrEnum):
    EMPTY = "empty"  # nothing but what the migrations write (official divisions, calendar)
    DEMO = "demo"  # seeded by `shezhi seed` (or an earlier bench run)
    FOREIGN = "foreign"  # someone's data: never seeded into, never measured


@dataclass(frozen=True)
class Inspection:
    state: State
    scale: str = ""


def create_if_missing(connection: BaseDatabaseWrapper) -> bool:
    """On PostgreSQL, create the database DATABASE_URL names when it does not exist yet."""
    try:
        connection.ensure_connection()
        return False
    except OperationalError as exc:
        if connection.vendor != "postgresql" or "does not exist" not in str(exc):
            raise
    name = connection.settings_dict["NAME"]
    # The maintenance database, as Django's test runner does to create its test database.
    with connection._nodb_cursor() as cursor:
        cursor.execute(f"CREATE DATABASE {connection.ops.quote_name(name)}")
    return True


def inspect_database(connection: BaseDatabaseWrapper) -> Inspection:
    from shezhi.accounts.models import User
    from shezhi.core.demo import PROVINCE_VILLAGES, Scale, has_demo_data
    from shezhi.core.models import Division, Todo

    tables = set(connection.introspection.table_names())
    if Division._meta.db_table not in tables:
        return Inspection(State.EMPTY)
    has_users = User._meta.db_table in tables and User.objects.exists()
    has_todos = Todo._meta.db_table in tables and Todo.objects.exists()
    has_towns = has_demo_data()
    if not (has_towns or has_users or has_todos):
        return Inspection(State.EMPTY)
    demo_people = User.objects.filter(username__in=PERSONAS.values()).count() == len(PERSONAS)
    if not (has_towns and demo_people):
        return Inspection(State.FOREIGN)
    villages = Division.objects.filter(level=Division.Level.VILLAGE).count()
    scale = Scale.PROVINCE if villages >= PROVINCE_VILLAGES else Scale.SMALL
    return Inspection(State.DEMO, scale.value)


def database_label(connection: BaseDatabaseWrapper) -> str:
    return f"{connection.vendor} {connection.settings_dict['NAME']}"


def prepare(*, scale: str, migrate: bool, stderr: TextIO) -> State:
    """Make the default database hold the demo at `scale`: seed it, or reuse it. Returns what
    was found. Never writes to a database holding anything else."""
    from shezhi.core.demo import refresh_planner_statistics, seed

    connection = connections[DEFAULT_DB_ALIAS]
    if create_if_missing(connection):
        stderr.write(_("已新建数据库 %(db)s。") % {"db": database_label(connection)} + "\n")
    found = inspect_database(connection)
    if found.state == State.FOREIGN:
        raise CommandError(
            _(
                "数据库 %(db)s 中已有数据，但不是演示数据（缺少乡镇、村居或演示账号），"
                "基准测试不会写入它。请指定一个空数据库，或由 shezhi seed 生成的演示数据库。"
            )
            % {"db": database_label(connection)}
        )
    if found.state == State.DEMO and found.scale != scale:
        raise CommandError(
            _(
                "数据库 %(db)s 中是 %(found)s 规模的演示数据，而本次要求 %(scale)s 规模。"
                "请换一个数据库，或清空它（shezhi flush）后再运行。"
            )
            % {"db": database_label(connection), "found": found.scale, "scale": scale}
        )
    if migrate:
        call_command("migrate", interactive=False, verbosity=0)
    if found.state == State.EMPTY:
        stderr.write(
            _("在 %(db)s 中生成 %(scale)s 规模的演示数据……")
            % {"db": database_label(connection), "scale": scale}
            + "\n"
        )
        seed(scale=scale, stream=stderr)
    else:
        stderr.write(
            _("沿用 %(db)s 中已有的演示数据（%(scale)s 规模）。")
            % {"db": database_label(connection), "scale": scale}
            + "\n"
        )
    # A database seeded before `seed` ran ANALYZE itself (or changed since) gets its statistics
    # now: the figures are those of a database whose planner knows its tables.
    refresh_planner_statistics()
    return found.state


def data_facts() -> dict[str, int]:
    from shezhi.accounts.models import User
    from shezhi.core.models import Division, Todo

    return {
        "divisions": Division.objects.count(),
        "towns": Division.objects.filter(level=Division.Level.TOWN).count(),
        "villages": Division.objects.filter(level=Division.Level.VILLAGE).count(),
        "users": User.objects.count(),
        "todos": Todo.objects.count(),
    }
