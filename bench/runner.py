"""One benchmark run: prepare the database, run the discovered cases, print and save the table."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from django.conf import settings
from django.core.management.base import CommandError
from django.test.utils import override_settings
from django.utils.translation import gettext as _

from . import database, registry, report
from .cases import BenchProblem, Case, Result
from .context import BenchContext

# Printed in this order. Run in another: seeding last, because on PostgreSQL its rolled-back
# writes leave dead rows behind that the list pages would otherwise wade through.
PRINT_ORDER = ("seeding", "list", "peer", "dashboard")
RUN_ORDER = ("list", "peer", "dashboard", "seeding")


@dataclass(frozen=True)
class Run:
    results: list[Result]
    record: dict[str, object]
    key: str  # the run's key in results.json, e.g. "sqlite/province"
    table: str


def run(
    *,
    scale: str,
    repeat: int,
    only: str | None,
    output: Path,
    migrate: bool,
    stderr: TextIO,
) -> Run:
    if repeat < 1:
        raise CommandError(_("--repeat 至少为 1。"))
    machine = report.machine_facts()  # the load average before this run adds its own
    database.prepare(scale=scale, migrate=migrate, stderr=stderr)
    cases = [case for case in registry.discover() if registry.matches(case, only)]
    if not cases:
        raise CommandError(_("没有与“%(pattern)s”匹配的基准测试项。") % {"pattern": only})
    ctx = BenchContext(scale=scale, repeat=repeat)
    results: list[Result] = []
    problems: list[str] = []
    # DEBUG would log and format every query and keep templates' debug data: production has it off.
    with override_settings(DEBUG=False, ALLOWED_HOSTS=[*settings.ALLOWED_HOSTS, "testserver"]):
        try:
            for case in sorted(cases, key=lambda c: RUN_ORDER.index(c.group)):
                stderr.write(f"{case.key} …\n")
                stderr.flush()
                try:
                    results += case.run(ctx)
                except BenchProblem as exc:
                    problems.append(str(exc))
        finally:
            ctx.close()
    results.sort(key=lambda r: (PRINT_ORDER.index(r.group), _position(cases, r.case)))
    record = report.run_record(
        connection=ctx.connection,
        machine=machine,
        scale=scale,
        repeat=repeat,
        only=only,
        data=database.data_facts(),
        results=results,
    )
    key = report.write_results(output, record)
    table = report.render(record, results)
    if problems:
        raise CommandError(
            table + "\n\n" + _("基准测试未能完成：") + "\n" + "\n".join(f"- {p}" for p in problems)
        )
    return Run(results=results, record=record, key=key, table=table)


def _position(cases: list[Case], key: str) -> int:
    return next(i for i, case in enumerate(cases) if case.key == key)
