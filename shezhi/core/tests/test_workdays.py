"""The working-day calendar: holidays and make-up workdays from chinesecalendar, the weekend
fallback for a year without official data (loudly), and the per-process cache."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from datetime import date, timedelta

import pytest
from django.core.cache import cache
from pytest_django import DjangoAssertNumQueries

from shezhi.core import workdays
from shezhi.core.models import CalendarDay, CalendarYear
from shezhi.core.workdays import (
    CalendarDataMissing,
    add_working_days,
    calendar_coverage,
    is_workday,
    working_days_between,
)

# 2026 per chinesecalendar 1.11 (国办发明电〔2025〕7号): Mid-autumn Fri 25 – Sun 27 Sept;
# National Day Thu 1 – Wed 7 Oct; make-up workdays Sun 20 Sept and Sat 10 Oct.
THURSDAY_BEFORE = date(2026, 9, 24)
MISSING_YEAR = workdays.package_days()[1][-1] + 1  # 2027 with the installed package


@pytest.fixture(autouse=True)
def fresh_calendar() -> Iterator[None]:
    # Calendar rows a test writes are rolled back, which no signal reports: start and end clean.
    workdays.clear_cache()
    yield
    workdays.clear_cache()


@pytest.mark.django_db
class TestTheOfficialCalendar:
    def test_it_knows_national_day_and_the_make_up_workdays_of_2026(self) -> None:
        assert not is_workday(date(2026, 10, 1))  # Thursday, National Day
        assert not is_workday(date(2026, 10, 7))  # Wednesday, still the holiday
        assert not is_workday(date(2026, 9, 25))  # Friday, Mid-autumn
        assert is_workday(date(2026, 9, 20))  # Sunday, make-up workday
        assert is_workday(date(2026, 10, 10))  # Saturday, make-up workday
        assert not is_workday(date(2026, 10, 11))  # an ordinary Sunday
        assert is_workday(date(2026, 10, 8))
        assert workdays.day_name(date(2026, 10, 1)) == "国庆节"

    def test_it_counts_from_the_day_after_the_start(self) -> None:
        # Thursday 24 Sept: Fri–Sun are Mid-autumn, so 3 working days are Mon 28, Tue 29, Wed 30.
        assert add_working_days(THURSDAY_BEFORE, 3) == date(2026, 9, 30)
        # Weekends alone would have said Tue 29.
        assert add_working_days(THURSDAY_BEFORE, 1) == date(2026, 9, 28)
        assert add_working_days(THURSDAY_BEFORE, 0) == THURSDAY_BEFORE

    def test_it_jumps_the_national_day_holiday_and_works_the_make_up_saturday(self) -> None:
        assert add_working_days(date(2026, 9, 29), 3) == date(2026, 10, 9)
        assert add_working_days(date(2026, 9, 29), 4) == date(2026, 10, 10)  # Saturday, worked
        assert add_working_days(THURSDAY_BEFORE, 5) == date(2026, 10, 9)

    def test_it_counts_the_make_up_sunday(self) -> None:
        assert add_working_days(date(2026, 9, 18), 1) == date(2026, 9, 20)

    def test_it_counts_backwards(self) -> None:
        assert add_working_days(date(2026, 10, 8), -1) == date(2026, 9, 30)

    def test_it_counts_working_days_between_as_the_inverse(self) -> None:
        assert working_days_between(THURSDAY_BEFORE, date(2026, 9, 30)) == 3
        assert working_days_between(date(2026, 9, 30), date(2026, 10, 9)) == 2
        assert working_days_between(date(2026, 10, 9), date(2026, 9, 30)) == -2
        assert working_days_between(date(2026, 10, 1), date(2026, 10, 1)) == 0
        # 261 weekdays − 19 weekday holidays + 6 make-up days.
        assert working_days_between(date(2025, 12, 31), date(2026, 12, 31)) == 248
        start = date(2025, 11, 3)
        for n in (1, 7, 30, 120, 250):
            assert working_days_between(start, add_working_days(start, n)) == n

    def test_it_matches_the_package_day_by_day(self) -> None:
        import chinese_calendar

        day = date(2024, 1, 1)
        while day <= date(2026, 12, 31):
            assert is_workday(day) == chinese_calendar.is_workday(day), day
            day += timedelta(days=1)

    def test_it_reports_coverage(self) -> None:
        covered = calendar_coverage(2026)
        assert covered.loaded and covered.source == CalendarDay.Source.PACKAGE
        assert not calendar_coverage(MISSING_YEAR).loaded
        assert workdays.missing_years([2025, 2026, MISSING_YEAR]) == [MISSING_YEAR]


@pytest.mark.django_db
class TestAYearWithoutOfficialData:
    def test_it_falls_back_to_weekends_and_says_so(self, caplog: pytest.LogCaptureFixture) -> None:
        assert MISSING_YEAR == 2027  # update the expectations below when the package grows
        caplog.set_level(logging.WARNING, logger="shezhi.workdays")
        with pytest.warns(CalendarDataMissing, match="2027"):
            # Thu 31 Dec 2026 (1), Fri 1 Jan 2027 counted as a weekday (2), Mon 4 Jan (3).
            due = add_working_days(date(2026, 12, 30), 3)
        assert due == date(2027, 1, 4)
        assert any(
            r.name == "shezhi.workdays" and r.levelname == "WARNING" and "2027" in r.getMessage()
            for r in caplog.records
        )

    def test_it_warns_for_between_too(self) -> None:
        with pytest.warns(CalendarDataMissing):
            assert working_days_between(date(2027, 3, 5), date(2027, 3, 12)) == 5

    def test_it_does_not_warn_for_an_official_year(self, recwarn: pytest.WarningsRecorder) -> None:
        add_working_days(THURSDAY_BEFORE, 3)
        assert not [w for w in recwarn if issubclass(w.category, CalendarDataMissing)]

    def test_it_words_the_banner_for_pages(self) -> None:
        assert (
            workdays.missing_years_notice([2027]) == "2027年法定节假日安排尚未载入，期限按周末推算"
        )
        assert workdays.missing_years_notice([]) == ""

    def test_it_uses_days_a_superuser_entered_before_the_year_is_marked_loaded(self) -> None:
        CalendarDay.objects.create(date=date(2027, 1, 1), is_workday=False, name="元旦")
        with pytest.warns(CalendarDataMissing):
            assert add_working_days(date(2026, 12, 30), 3) == date(2027, 1, 5)
        CalendarYear.objects.create(year=2027, source=CalendarDay.Source.MANUAL)
        assert calendar_coverage(2027).loaded


@pytest.mark.django_db
class TestTheCache:
    def test_it_loads_a_year_with_one_query_and_then_none(
        self, django_assert_num_queries: DjangoAssertNumQueries
    ) -> None:
        with django_assert_num_queries(2):  # the loaded years, then 2026's exceptions
            add_working_days(date(2026, 1, 1), 200)
        with django_assert_num_queries(0):
            for month in range(1, 13):
                add_working_days(date(2026, month, 1), 10)
                working_days_between(date(2026, month, 1), date(2026, 12, 1))
        with django_assert_num_queries(1):  # another year: its exceptions only
            is_workday(date(2025, 10, 1))

    def test_it_sees_a_saved_day_at_once(self) -> None:
        assert add_working_days(THURSDAY_BEFORE, 3) == date(2026, 9, 30)
        CalendarDay.objects.create(date=date(2026, 9, 28), is_workday=False, name="测试停工")
        assert add_working_days(THURSDAY_BEFORE, 3) == date(2026, 10, 8)
        CalendarDay.objects.filter(date=date(2026, 9, 28)).get().delete()
        assert add_working_days(THURSDAY_BEFORE, 3) == date(2026, 9, 30)

    def test_it_drops_its_cache_when_another_process_changed_the_calendar(
        self, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        assert is_workday(date(2026, 9, 28))
        # Another process saved this row: no signal reaches this one, only the shared version.
        CalendarDay.objects.bulk_create(
            [CalendarDay(date=date(2026, 9, 28), is_workday=False, name="他处修改")]
        )
        assert is_workday(date(2026, 9, 28))  # still this process's cached answer
        cache.set(workdays.VERSION_CACHE_KEY, "published-by-another-process", timeout=None)
        monkeypatch.setattr(workdays, "VERSION_RECHECK_SECONDS", 0.0)
        assert not is_workday(date(2026, 9, 28))
