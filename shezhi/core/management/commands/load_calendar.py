"""`shezhi load_calendar`: load statutory holidays and make-up workdays from chinesecalendar.

Run it after upgrading the chinesecalendar package (each November the State Council publishes the
next year's arrangement and the package follows). Idempotent; days a superuser entered by hand
are kept. Open to-dos whose deadline runs through a changed year get their due date recomputed.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from shezhi.core.todos import todos_recompute_due
from shezhi.core.workdays import calendar_load_package, missing_years


class Command(BaseCommand):
    help = "Load China's statutory holidays and make-up workdays from the chinesecalendar package."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--year", type=int, action="append", dest="years", help="Only this year (repeatable)."
        )

    def handle(self, *args: Any, years: list[int] | None = None, **options: Any) -> None:
        result = calendar_load_package(years=years)
        if not result.years:
            self.stderr.write(
                self.style.WARNING(f"chinesecalendar has no data for {years}; nothing loaded.")
            )
            return
        moved = todos_recompute_due(years=result.changed_years) if result.changed else 0
        self.stdout.write(
            f"Years {result.years[0]}–{result.years[-1]}: {result.created} days added, "
            f"{result.updated} updated, {result.removed} removed, {result.kept_manual} kept as "
            f"entered by hand, {result.years_created} years newly marked loaded; "
            f"{moved} open to-dos got a new due date."
        )
        upcoming = missing_years([result.years[-1] + 1])
        if upcoming:
            self.stdout.write(
                self.style.WARNING(
                    f"No official arrangement for {upcoming[0]} yet: deadlines in {upcoming[0]} "
                    "count weekends only until the package (or an admin) provides it."
                )
            )
