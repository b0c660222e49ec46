"""The new-organization exemption and rectification on the working-day calendar."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import ValidationError

from shezhi.core.models import Todo
from shezhi.inspection import rules, services
from shezhi.inspection.models import Conclusion, Filing, Mode, RectificationStatus
from shezhi.inspection.services import Action

from .conftest import World

pytestmark = pytest.mark.django_db


def test_an_organization_registered_in_the_last_six_months_is_exempt(world: World) -> None:
    late = world.org("下半年成立的协会", founded_on=date(2024, 7, 1))
    early = world.org("上半年成立的协会", founded_on=date(2024, 6, 30))

    with pytest.raises(ValidationError) as refused:
        world.filing(late, year=2024)
    assert refused.value.error_dict["year"][0].code == "exempt"
    assert rules.EXEMPTION_CITATION in refused.value.messages[0]
    assert world.filing(early, year=2024).year == 2024
    assert rules.new_organization_exempt(date(2024, 6, 30), 2024) is None
    finding = rules.new_organization_exempt(date(2024, 12, 31), 2024)
    assert finding is not None and finding.rule == "inspection.new_organization_exempt"


def _concluded(world: World, conclusion: str, today: date) -> Filing:
    world.config(2025, Mode.INSPECTION)
    filing = world.filing(year=2025, today=date(2026, 3, 2))
    officer = world.people.county_officer
    services.filing_decide(actor=officer, filing=filing, action=Action.ACCEPT, today=today)
    services.filing_decide(
        actor=officer,
        filing=filing,
        action=Action.CONCLUDE,
        conclusion=conclusion,
        reason="财务制度不健全",
        today=today,
    )
    filing.refresh_from_db()
    return filing


def test_a_qualified_conclusion_orders_nothing(world: World) -> None:
    filing = _concluded(world, Conclusion.QUALIFIED, date(2026, 5, 6))
    assert not hasattr(filing, "rectification")


def test_rectification_deadline_runs_on_working_days_across_national_day(
    world: World, settings: object
) -> None:
    settings.SHEZHI_INSPECTION_RECTIFICATION_WORKING_DAYS = 3  # type: ignore[attr-defined]
    # chinesecalendar: 2026-10-01..07 off, 10-08 and the make-up Saturday 10-10 working days.
    filing = _concluded(world, Conclusion.BASICALLY_QUALIFIED, date(2026, 9, 30))

    rectification = filing.rectification
    assert rectification.due_on == date(2026, 10, 10)
    todo = Todo.objects.get(kind=services.RECTIFICATION_TODO)
    assert todo.due_on == date(2026, 10, 10)
    assert todo.division_id == "440118" and todo.role == "civil_affairs"


def test_a_conclusion_ordering_rectification_needs_its_requirements(world: World) -> None:
    filing = world.filing()
    officer = world.people.county_officer
    services.filing_decide(actor=officer, filing=filing, action=Action.ACCEPT)
    Filing.objects.filter(pk=filing.pk).update(mode=Mode.INSPECTION)
    filing.refresh_from_db()
    with pytest.raises(ValidationError):
        services.filing_decide(
            actor=officer, filing=filing, action=Action.CONCLUDE, conclusion=Conclusion.UNQUALIFIED
        )


def test_the_officer_verifies_or_rejects_with_a_new_deadline(world: World) -> None:
    filing = _concluded(world, Conclusion.UNQUALIFIED, date(2026, 5, 6))
    rectification = filing.rectification
    account = world.people.organization_account
    officer = world.people.county_officer

    services.rectification_submit(
        actor=account, rectification=rectification, report="已整改", today=date(2026, 6, 1)
    )
    assert rectification.status == RectificationStatus.SUBMITTED
    assert Todo.objects.get(kind=services.RECTIFICATION_TODO).status == Todo.Status.DONE
    verify = Todo.objects.get(kind=services.VERIFY_TODO)
    assert verify.due_on == date(2026, 6, 8)  # five working days

    with pytest.raises(ValidationError):
        services.rectification_verify(actor=officer, rectification=rectification, approve=False)
    services.rectification_verify(
        actor=officer,
        rectification=rectification,
        approve=False,
        reason="缺会议纪要",
        today=date(2026, 9, 30),
    )
    rectification.refresh_from_db()
    assert rectification.status == RectificationStatus.OPEN and rectification.rounds == 2
    assert rectification.ordered_on == date(2026, 9, 30)
    assert rectification.due_on > date(2026, 10, 31)  # 30 working days, a week of holiday inside
    reopened = Todo.objects.filter(kind=services.RECTIFICATION_TODO).order_by("-pk").first()
    assert reopened is not None and reopened.status == Todo.Status.OPEN
    assert reopened.due_on == rectification.due_on

    services.rectification_submit(
        actor=account, rectification=rectification, report="补充纪要", today=date(2026, 10, 9)
    )
    services.rectification_verify(
        actor=officer, rectification=rectification, approve=True, today=date(2026, 10, 12)
    )
    rectification.refresh_from_db()
    assert rectification.status == RectificationStatus.VERIFIED
    assert rectification.verified_on == date(2026, 10, 12)
    assert not Todo.objects.filter(status__in=["open", "overdue"]).exists()
