"""Re-election reminders: the daily task raises a to-do for each active party organization whose
term ends within SHEZHI_REELECTION_NOTICE_DAYS (90) days, once per term, unless a re-election is
already under way."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from shezhi.core import workdays
from shezhi.core.models import Todo
from shezhi.core.roles import Role
from shezhi.party.models import ApplicationKind, PartyOrgStatus, Post
from shezhi.party.services.organizations import (
    REELECTION_TODO,
    application_create,
    application_withdraw,
    reelection_reminders_raise,
)
from shezhi.party.tasks import raise_reelection_reminders

pytestmark = pytest.mark.django_db

TODAY = date(2026, 3, 2)


def reminders(branch):
    return Todo.objects.filter(kind=REELECTION_TODO, subject_id=str(branch.pk))


def term_ending(branch, ends_on: date, years: int = 3) -> None:
    branch.term_years = years
    branch.term_started_on = ends_on.replace(year=ends_on.year - years)
    branch.save()


def test_it_reminds_the_superiors_officers_ninety_days_ahead(party_world) -> None:
    branch = party_world.branch
    term_ending(branch, TODAY + timedelta(days=91))
    assert reelection_reminders_raise(today=TODAY) == 0
    term_ending(branch, TODAY + timedelta(days=90))
    assert reelection_reminders_raise(today=TODAY) == 1
    todo = reminders(branch).get()
    assert todo.role == Role.PARTY_COMMITTEE_OFFICER
    assert todo.division_id == "440100"  # the Guangzhou committee is the branch's superior
    # Due on the last working day of the term.
    ends = TODAY + timedelta(days=90)
    assert todo.due_on <= ends
    assert workdays.is_workday(todo.due_on)
    assert workdays.working_days_between(todo.due_on, ends) == 0
    assert str(branch.term_ends_on) in todo.title
    assert todo.url == f"/party/organizations/{branch.pk}/"


def test_it_reminds_once_per_term(party_world) -> None:
    branch = party_world.branch
    term_ending(branch, TODAY + timedelta(days=30))
    assert reelection_reminders_raise(today=TODAY) == 1
    assert reelection_reminders_raise(today=TODAY + timedelta(days=1)) == 0
    assert reminders(branch).count() == 1
    # A new term (re-elected) is reminded again when it comes due.
    term_ending(branch, TODAY + timedelta(days=3 * 365 + 10))
    later = TODAY + timedelta(days=3 * 365)
    assert reelection_reminders_raise(today=later) == 1
    assert reminders(branch).count() == 2


def test_an_expired_term_is_due_today(party_world) -> None:
    branch = party_world.branch
    term_ending(branch, TODAY - timedelta(days=200), years=5)
    assert reelection_reminders_raise(today=TODAY) == 1
    assert reminders(branch).get().due_on == TODAY


def test_an_open_reelection_application_means_no_reminder(party_world) -> None:
    branch = party_world.branch
    term_ending(branch, TODAY + timedelta(days=10))
    secretary = party_world.members(party_world.organization, 1, branch=branch)[0]
    application = application_create(
        actor=party_world.county_party,
        kind=ApplicationKind.REELECT,
        party_organization=branch,
        proposal={"posts": [{"post": Post.SECRETARY, "member": secretary.pk}]},
    )
    assert reelection_reminders_raise(today=TODAY) == 0
    application_withdraw(actor=party_world.county_party, application=application)
    assert reelection_reminders_raise(today=TODAY) == 1


def test_dissolved_organizations_and_leading_committees_are_not_reminded(party_world) -> None:
    branch = party_world.branch
    term_ending(branch, TODAY + timedelta(days=5))
    branch.status = PartyOrgStatus.DISSOLVED
    branch.save()
    committee = party_world.city_committee
    term_ending(committee, TODAY + timedelta(days=5), years=5)
    assert reelection_reminders_raise(today=TODAY) == 0


def test_the_notice_period_is_a_setting(party_world, settings) -> None:
    branch = party_world.branch
    term_ending(branch, TODAY + timedelta(days=120))
    settings.SHEZHI_REELECTION_NOTICE_DAYS = 150
    assert reelection_reminders_raise(today=TODAY) == 1


def test_the_daily_task_raises_them(party_world) -> None:
    from django.utils import timezone

    branch = party_world.branch
    term_ending(branch, timezone.localdate() + timedelta(days=20))
    assert raise_reelection_reminders.delay().get() == 1
    assert reminders(branch).count() == 1


def test_it_is_scheduled_daily() -> None:
    from shezhi.celery import app

    entry = app.conf.beat_schedule["party-reelection-reminders"]
    assert entry["task"] == "shezhi.party.tasks.raise_reelection_reminders"
