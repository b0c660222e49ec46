"""China's working-day calendar: statutory holidays, make-up workdays (调休) and the weekend rule.

Deadlines in Chinese administrative law run in working days, counted from the day after the
triggering event (e.g. the day after materials arrive, DOMAIN.md §13). A day is a working day when
a `CalendarDay` row says so; without a row, Monday to Friday are working days.

Official data comes from the `chinesecalendar` package (the State Council General Office's yearly
notice) through a data migration and `shezhi load_calendar`; superusers correct or add days in the
admin (source "manual", never overwritten by a later load). A year without a `CalendarYear` row has
no official arrangement loaded: it falls back to weekends only and says so loudly, on the
`shezhi.workdays` logger, as a `CalendarDataMissing` warning, and through `calendar_coverage` /
`missing_years` so pages can show a banner.

Caching: each year's exceptions are loaded with one query and kept per process. Invalidation is
two-layered because the platform runs several processes (web workers, the Celery worker):
- a post_save/post_delete receiver on CalendarDay and CalendarYear clears this process's cache at
  once (so the admin's own process and tests see a change immediately) and, when the transaction
  commits, replaces a version token in Django's cache (Redis in production);
- every process compares that shared token with the one it loaded under at most every
  `VERSION_RECHECK_SECONDS` and drops its cache when it differs. Bumping on commit, not at save,
  keeps another process from caching the old rows under the new token.
A signal rather than calls in each writer because rows also change through the admin, the shell
and `loaddata`; the loader's bulk writes skip signals and call `calendar_changed()` themselves.
"""

from __future__ import annotations

import logging
import sys
import threading
import time
import uuid
import warnings
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from types import FrameType
from typing import Any

from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.utils.translation import gettext as _

from .models import CalendarDay, CalendarYear

logger = logging.getLogger("shezhi.workdays")

VERSION_CACHE_KEY = "shezhi:workdays:version"
VERSION_RECHECK_SECONDS = 30.0


class CalendarDataMissing(UserWarning):
    """A working-day computation touched a year whose official holiday arrangement is not loaded;
    the result counts weekends only and may be wrong around that year's holidays."""


@dataclass(frozen=True)
class CalendarCoverage:
    """Whether a year's official arrangement is loaded, and from where."""

    year: int
    loaded: bool
    source: str = ""  # CalendarDay.Source value, "" when not loaded
    loaded_at: datetime | None = None


@dataclass(frozen=True)
class _Year:
    year: int
    loaded: bool
    # date → is_workday, only for days that differ from (or name) the weekend rule
    exceptions: dict[date, bool] = field(default_factory=dict)
    names: dict[date, str] = field(default_factory=dict)


class _Cache:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.years: dict[int, _Year] = {}
        self.coverage: dict[int, CalendarCoverage] | None = None
        self.version: Any = None
        self.checked_at = float("-inf")

    def clear(self) -> None:
        with self.lock:
            self.years = {}
            self.coverage = None


_cache = _Cache()


# --- the public questions ------------------------------------------------------------------------


def is_workday(day: date) -> bool:
    """Whether `day` is a working day in mainland China."""
    exception = _year(day.year).exceptions.get(day)
    if exception is not None:
        return exception
    return day.weekday() < 5


def day_name(day: date) -> str:
    """The holiday or make-up workday name of `day` ("国庆节"), or "" for an ordinary day."""
    return _year(day.year).names.get(day, "")


def add_working_days(start: date, n: int) -> date:
    """The n-th working day after `start`, counted from the day after `start` (DOMAIN.md §13).

    `start` itself never counts, even when it is a working day: 3 working days from a Thursday
    with a working Friday and Monday end on Tuesday. n = 0 answers `start`; a negative n counts
    backwards (the n-th working day before `start`).
    """
    step = 1 if n >= 0 else -1
    remaining = abs(n)
    day = start
    while remaining:
        day += timedelta(days=step)
        if is_workday(day):
            remaining -= 1
    return day


def working_days_between(a: date, b: date) -> int:
    """How many working days lie after `a` up to and including `b`; negative when b < a.

    The inverse of `add_working_days`: working_days_between(s, add_working_days(s, n)) == n.
    Counted per year with weekday arithmetic plus that year's exceptions, not day by day.
    """
    if b < a:
        return -working_days_between(b, a)
    total = _weekdays_after_until(a, b)
    for year in range(a.year, b.year + 1):
        for day, workday in _year(year).exceptions.items():
            if a < day <= b and workday != (day.weekday() < 5):
                total += 1 if workday else -1
    return total


def calendar_coverage(year: int) -> CalendarCoverage:
    """Whether `year`'s official holidays are loaded. Asking never warns: it is how pages check."""
    coverage = _coverage()
    return coverage.get(year) or CalendarCoverage(year=year, loaded=False)


def missing_years(years: Iterable[int]) -> list[int]:
    """The years among `years` that have no official arrangement loaded, sorted."""
    coverage = _coverage()
    return sorted({year for year in years if year not in coverage})


def years_spanned(*spans: tuple[date, date]) -> set[int]:
    """Every calendar year touched by the given (from, to) date spans."""
    years: set[int] = set()
    for a, b in spans:
        low, high = sorted((a.year, b.year))
        years.update(range(low, high + 1))
    return years


def missing_years_notice(years: Iterable[int]) -> str:
    """The banner text pages show when a deadline was computed in a year without official data."""
    years = sorted(set(years))
    if not years:
        return ""
    return _("%(years)s年法定节假日安排尚未载入，期限按周末推算") % {
        "years": "、".join(str(year) for year in years)
    }


def clear_cache() -> None:
    """Forget this process's cached calendar (tests that roll back calendar rows use it)."""
    _cache.clear()


def calendar_changed() -> None:
    """Forget cached calendar data here now, and in every process once the transaction commits."""
    _cache.clear()
    transaction.on_commit(_publish_new_version)


# --- loading from the chinesecalendar package ----------------------------------------------------


@dataclass
class CalendarLoadResult:
    years: list[int]
    created: int = 0
    updated: int = 0
    removed: int = 0
    kept_manual: int = 0
    years_created: int = 0
    changed_years: set[int] = field(default_factory=set)

    @property
    def changed(self) -> bool:
        return bool(self.created or self.updated or self.removed or self.years_created)


def package_days() -> tuple[dict[date, tuple[bool, str]], list[int]]:
    """The package's days as {date: (is_workday, Chinese name)} and the years it covers."""
    import chinese_calendar

    chinese = {holiday.value: holiday.chinese for holiday in chinese_calendar.Holiday}
    days: dict[date, tuple[bool, str]] = {}
    for day, name in chinese_calendar.holidays.items():
        days[day] = (False, chinese.get(name, name))
    for day, name in chinese_calendar.workdays.items():
        days[day] = (True, chinese.get(name, name))
    first, last = min(chinese_calendar.holidays).year, max(chinese_calendar.holidays).year
    return days, list(range(first, last + 1))


@transaction.atomic
def calendar_load_package(
    *,
    years: Iterable[int] | None = None,
    day_model: Any = None,
    year_model: Any = None,
) -> CalendarLoadResult:
    """Bring CalendarDay/CalendarYear in line with the chinesecalendar package. Idempotent.

    Rows a superuser entered or corrected (source "manual") are never touched, nor is a year a
    superuser declared loaded by hand. Package rows the package no longer lists are removed (the
    package corrected itself). Also runs as a data migration, hence the optional historical models.
    """
    historical = day_model is not None
    day_model = day_model or CalendarDay
    year_model = year_model or CalendarYear
    manual, package = CalendarDay.Source.MANUAL, CalendarDay.Source.PACKAGE

    days, package_years = package_days()
    wanted_years = sorted(set(package_years) & set(years)) if years is not None else package_years
    result = CalendarLoadResult(years=wanted_years)
    if not wanted_years:
        return result
    wanted = {day: value for day, value in days.items() if day.year in wanted_years}
    first, last = date(wanted_years[0], 1, 1), date(wanted_years[-1], 12, 31)
    existing = {row.date: row for row in day_model.objects.filter(date__range=(first, last))}

    to_create, to_update, to_delete = [], [], []
    for day, (workday, name) in sorted(wanted.items()):
        row = existing.get(day)
        if row is None:
            to_create.append(day_model(date=day, is_workday=workday, name=name, source=package))
        elif row.source == manual:
            result.kept_manual += 1
        elif (row.is_workday, row.name) != (workday, name):
            row.is_workday, row.name = workday, name
            to_update.append(row)
    for day, row in existing.items():
        if row.source == package and day.year in wanted_years and day not in wanted:
            to_delete.append(row)

    if historical:
        day_model.objects.bulk_create(to_create)
        day_model.objects.bulk_update(to_update, ["is_workday", "name"])
    else:
        from simple_history.utils import bulk_create_with_history, bulk_update_with_history

        bulk_create_with_history(to_create, day_model)
        bulk_update_with_history(to_update, day_model, ["is_workday", "name"])
    result.changed_years.update(row.date.year for row in [*to_create, *to_update, *to_delete])
    for row in to_delete:
        row.delete()  # one by one, so the audit trail records each removal

    have = set(year_model.objects.filter(year__in=wanted_years).values_list("year", flat=True))
    for year in wanted_years:
        if year not in have:
            year_model.objects.create(year=year, source=package)
            result.years_created += 1
            result.changed_years.add(year)

    result.created, result.updated, result.removed = len(to_create), len(to_update), len(to_delete)
    if not historical:
        calendar_changed()
    return result


# --- cache machinery -----------------------------------------------------------------------------


def _weekdays_after_until(a: date, b: date) -> int:
    """Monday-to-Friday days in (a, b], by arithmetic."""
    days = (b - a).days
    full_weeks, rest = divmod(days, 7)
    count = full_weeks * 5
    for offset in range(1, rest + 1):
        if (a + timedelta(days=full_weeks * 7 + offset)).weekday() < 5:
            count += 1
    return count


def _check_version() -> None:
    """Drop this process's cache when another process changed the calendar (see module doc)."""
    now = time.monotonic()
    if now - _cache.checked_at < VERSION_RECHECK_SECONDS:
        return
    _cache.checked_at = now
    try:
        version = cache.get(VERSION_CACHE_KEY)
        if version is None:
            cache.add(VERSION_CACHE_KEY, uuid.uuid4().hex, timeout=None)
            version = cache.get(VERSION_CACHE_KEY)
    except Exception:  # a cache outage must not stop deadlines; reload from the database instead
        logger.warning("Cannot read the calendar version from the cache; reloading", exc_info=True)
        version = object()
    if version != _cache.version:
        _cache.clear()
        _cache.version = version


def _publish_new_version() -> None:
    _cache.clear()
    try:
        cache.set(VERSION_CACHE_KEY, uuid.uuid4().hex, timeout=None)
    except Exception:
        logger.warning(
            "Cannot publish the calendar version; other processes may lag", exc_info=True
        )


def _coverage() -> dict[int, CalendarCoverage]:
    _check_version()
    coverage = _cache.coverage
    if coverage is None:
        coverage = {
            year: CalendarCoverage(year=year, loaded=True, source=source, loaded_at=loaded_at)
            for year, source, loaded_at in CalendarYear.objects.values_list(
                "year", "source", "loaded_at"
            )
        }
        _cache.coverage = coverage
    return coverage


def _year(year: int) -> _Year:
    coverage = _coverage()  # also runs the version check
    cached = _cache.years.get(year)
    if cached is not None:
        return cached
    rows = CalendarDay.objects.filter(
        date__range=(date(year, 1, 1), date(year, 12, 31))
    ).values_list("date", "is_workday", "name")
    data = _Year(
        year=year,
        loaded=year in coverage,
        exceptions={day: workday for day, workday, _name in rows},
        names={day: name for day, _workday, name in rows if name},
    )
    if not data.loaded:
        _warn_missing(year, manual_days=len(data.exceptions))
    with _cache.lock:
        _cache.years[year] = data
    return data


def _warn_missing(year: int, *, manual_days: int) -> None:
    """Once per year per process (per calendar change): loud, not noisy on every page view."""
    message = (
        f"No official holiday arrangement is loaded for {year}: working days in {year} are "
        f"counted as Monday to Friday"
        + (f" plus {manual_days} day(s) entered by hand" if manual_days else "")
        + ". Run `shezhi load_calendar` after upgrading chinesecalendar, or enter the days "
        "in the admin and mark the year as loaded."
    )
    logger.warning(message)
    # Point the warning at the first caller outside this module: the line that asked for a date.
    frame: FrameType | None = sys._getframe(0)
    level = 1
    while frame is not None and frame.f_globals.get("__name__") == __name__:
        frame, level = frame.f_back, level + 1
    warnings.warn(message, CalendarDataMissing, stacklevel=level)


@receiver(post_save, sender=CalendarDay, dispatch_uid="workdays_day_saved")
@receiver(post_delete, sender=CalendarDay, dispatch_uid="workdays_day_deleted")
@receiver(post_save, sender=CalendarYear, dispatch_uid="workdays_year_saved")
@receiver(post_delete, sender=CalendarYear, dispatch_uid="workdays_year_deleted")
def _on_calendar_change(**kwargs: Any) -> None:
    calendar_changed()
