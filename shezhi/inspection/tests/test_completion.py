"""The completion figures per authority and year, as the province's notice counts them."""

from __future__ import annotations

from datetime import date

import pytest

from shezhi.core.testing import COUNTY, NEIGHBOUR_COUNTY
from shezhi.inspection import selectors
from shezhi.inspection.models import Mode

from .conftest import World

pytestmark = pytest.mark.django_db


def test_it_counts_due_filed_rate_and_years_missed_running(world: World) -> None:
    for year in (2022, 2023, 2024):
        world.config(year, Mode.REPORT)
        world.config(year, Mode.INSPECTION, authority=NEIGHBOUR_COUNTY)
    # The personas' organization files every year; the others as below.
    steady = world.org("每年报送的协会")
    missed_once = world.org("今年漏报的协会")
    missed_twice = world.org("两年未报的协会")
    world.org("三年未报的协会")  # never files
    young = world.org("前年下半年成立的协会", founded_on=date(2023, 9, 1))
    world.org("今年下半年成立的协会", founded_on=date(2024, 8, 1))  # exempt for 2024
    for year in (2022, 2023, 2024):
        world.filing(year=year)
        world.filing(steady, year=year)
    world.filing(missed_once, year=2022)
    world.filing(missed_once, year=2023)
    world.filing(missed_twice, year=2022)
    draft = world.filing(young, year=2024, submit=False)  # a draft is not filed
    assert draft.status == "draft"
    world.filing(world.other, year=2024)

    [zengcheng] = selectors.completion_figures(world.people.county_officer, 2024)

    assert zengcheng.authority_code == COUNTY and zengcheng.mode == Mode.REPORT
    assert zengcheng.due == 6  # the personas' org, steady, missed ×3, young
    assert zengcheng.filed == 2
    assert zengcheng.rate == pytest.approx(0.3333)
    assert zengcheng.missed == 4
    # Two years running: missed_twice and never (young was not due in 2023: founded in September).
    assert zengcheng.missed_two_years == 2
    assert zengcheng.missed_three_years == 1  # never; young was not due in 2022
    assert zengcheng.exempt == 1


def test_it_shows_each_officer_their_own_authorities(world: World) -> None:
    world.config(2024, Mode.REPORT)
    world.config(2024, Mode.INSPECTION, authority=NEIGHBOUR_COUNTY)

    city = selectors.completion_figures(world.people.city_officer, 2024)
    county = selectors.completion_figures(world.people.county_officer, 2024)
    only_huangpu = selectors.completion_figures(
        world.people.city_officer, 2024, division=NEIGHBOUR_COUNTY
    )

    assert [r.authority_code for r in city] == sorted([COUNTY, NEIGHBOUR_COUNTY])
    assert [r.authority_code for r in county] == [COUNTY]
    assert [r.authority_code for r in only_huangpu] == [NEIGHBOUR_COUNTY]


def test_the_figures_cost_two_queries_whatever_the_authorities(
    world: World, django_assert_num_queries: object
) -> None:
    world.config(2024, Mode.REPORT)
    world.config(2024, Mode.INSPECTION, authority=NEIGHBOUR_COUNTY)
    officer = world.people.city_officer
    assert officer.division is not None  # the user's division is read once per request
    with django_assert_num_queries(2):  # type: ignore[operator]
        selectors.completion_figures(officer, 2024)
