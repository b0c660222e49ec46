"""Filing, review and decision in both modes; every action allowed and refused; concurrency."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from shezhi.core.models import StatusChange
from shezhi.inspection import services
from shezhi.inspection.models import Conclusion, Filing, FilingStatus, Mode
from shezhi.inspection.services import Action, ActionNotAllowed

from .conftest import World

pytestmark = pytest.mark.django_db
TODAY = date(2025, 4, 1)


def _decide(world: World, filing: Filing, action: str, **kwargs: str) -> Filing:
    services.filing_decide(
        actor=world.people.county_officer, filing=filing, action=action, today=TODAY, **kwargs
    )
    filing.refresh_from_db()
    return filing


def test_it_publishes_an_annual_report_without_a_conclusion(world: World) -> None:
    filing = world.filing()  # no configuration: Guangdong's annual report

    assert filing.mode == Mode.REPORT and filing.status == FilingStatus.SUBMITTED
    _decide(world, filing, Action.ACCEPT)
    assert filing.status == FilingStatus.AUTHORITY_REVIEW  # no business supervisor
    _decide(world, filing, Action.PUBLISH)

    assert filing.status == FilingStatus.PUBLISHED and filing.conclusion == ""
    assert filing.decided_on == TODAY
    assert StatusChange.objects.filter(subject_id=str(filing.pk)).count() == 3


def test_it_goes_through_the_business_supervisor_to_a_conclusion(world: World) -> None:
    world.config(2024, Mode.INSPECTION)
    organization = world.org("有主管单位的协会", supervisor="广州市体育局")
    filing = world.filing(organization)

    assert filing.mode == Mode.INSPECTION
    _decide(world, filing, Action.ACCEPT)
    assert filing.status == FilingStatus.SUPERVISOR_REVIEW
    _decide(world, filing, Action.SUPERVISOR_APPROVE, reason="初审同意")
    assert filing.status == FilingStatus.AUTHORITY_REVIEW
    assert filing.supervisor_opinion == "初审同意"
    _decide(world, filing, Action.CONCLUDE, conclusion=Conclusion.QUALIFIED)

    assert filing.status == FilingStatus.CONCLUDED and filing.conclusion == Conclusion.QUALIFIED
    assert not hasattr(filing, "rectification") or filing.rectification is None


STATES = [
    FilingStatus.SUBMITTED,
    FilingStatus.SUPERVISOR_REVIEW,
    FilingStatus.AUTHORITY_REVIEW,
    FilingStatus.CONCLUDED,
    FilingStatus.PUBLISHED,
]
EXPECTED: dict[tuple[str, str], set[str]] = {
    (Mode.INSPECTION, FilingStatus.SUBMITTED): {Action.ACCEPT, Action.RETURN},
    (Mode.INSPECTION, FilingStatus.SUPERVISOR_REVIEW): {Action.SUPERVISOR_APPROVE, Action.RETURN},
    (Mode.INSPECTION, FilingStatus.AUTHORITY_REVIEW): {Action.CONCLUDE, Action.RETURN},
    (Mode.REPORT, FilingStatus.SUBMITTED): {Action.ACCEPT, Action.RETURN},
    (Mode.REPORT, FilingStatus.SUPERVISOR_REVIEW): {Action.SUPERVISOR_APPROVE, Action.RETURN},
    (Mode.REPORT, FilingStatus.AUTHORITY_REVIEW): {Action.PUBLISH, Action.RETURN},
}


@pytest.mark.parametrize("mode", [Mode.INSPECTION, Mode.REPORT])
@pytest.mark.parametrize("status", STATES)
@pytest.mark.parametrize("action", services.OFFICER_ACTIONS)
def test_it_allows_exactly_the_actions_of_the_state_and_mode(
    world: World, mode: str, status: str, action: str
) -> None:
    filing = world.filing()
    Filing.objects.filter(pk=filing.pk).update(status=status, mode=mode)
    filing.refresh_from_db()
    allowed = EXPECTED.get((mode, status), set())
    kwargs = {"reason": "理由", "conclusion": Conclusion.QUALIFIED}

    if action in allowed:
        _decide(world, filing, action, **kwargs)
        assert filing.status != status
    else:
        with pytest.raises(ActionNotAllowed) as refused:
            _decide(world, filing, action, **kwargs)
        assert refused.value.allowed == allowed
        filing.refresh_from_db()
        assert filing.status == status


def test_it_returns_with_a_reason_and_the_organization_corrects_and_resubmits(world: World) -> None:
    filing = world.filing()
    with pytest.raises(ValidationError):
        _decide(world, filing, Action.RETURN)

    _decide(world, filing, Action.RETURN, reason="收入数据有误")
    assert filing.status == FilingStatus.DRAFT and filing.return_reason == "收入数据有误"

    account = world.people.organization_account
    services.filing_update(actor=account, filing=filing, data={"income": 1200})
    services.filing_submit(actor=account, filing=filing, today=TODAY)
    filing.refresh_from_db()
    assert filing.status == FilingStatus.SUBMITTED and filing.income == 1200


def test_it_refuses_to_edit_or_submit_what_is_already_submitted(world: World) -> None:
    filing = world.filing()
    account = world.people.organization_account
    with pytest.raises(ActionNotAllowed):
        services.filing_update(actor=account, filing=filing, data={"income": 1})
    with pytest.raises(ActionNotAllowed):
        services.filing_submit(actor=account, filing=filing)


def test_it_refuses_an_empty_report_and_foreign_actors(world: World) -> None:
    filing = world.filing(submit=False)
    Filing.objects.filter(pk=filing.pk).update(activities="")
    filing.refresh_from_db()
    with pytest.raises(ValidationError):
        services.filing_submit(actor=world.people.organization_account, filing=filing)
    with pytest.raises(PermissionDenied):
        services.filing_submit(actor=world.people.other_organization_account, filing=filing)
    with pytest.raises(PermissionDenied):
        services.filing_decide(
            actor=world.people.neighbour_officer, filing=filing, action=Action.ACCEPT
        )


def test_two_officers_deciding_at_once_one_wins_the_other_conflicts(world: World) -> None:
    filing = world.filing()
    mine = Filing.objects.get(pk=filing.pk)
    theirs = Filing.objects.get(pk=filing.pk)  # read before the first decision

    services.filing_decide(actor=world.people.county_officer, filing=mine, action=Action.ACCEPT)
    with pytest.raises(ActionNotAllowed) as refused:
        services.filing_decide(actor=world.people.city_officer, filing=theirs, action=Action.ACCEPT)

    assert refused.value.current == FilingStatus.AUTHORITY_REVIEW
    assert refused.value.allowed == {Action.PUBLISH, Action.RETURN}
    assert StatusChange.objects.filter(subject_id=str(filing.pk)).count() == 2


def test_it_prefills_the_party_section_from_the_party_module(world: World) -> None:
    filing = world.filing(submit=False)

    assert filing.has_party_organization is True
    assert filing.party_organization_name == "增城区测试协会党支部"
    assert filing.party_prefill["party_organization_name"] == "增城区测试协会党支部"
    assert filing.party_prefill["party_activities"] is None  # no organizational-life records
    assert filing.staff_count == world.organization.staff_count


def test_an_organization_files_once_a_year(world: World) -> None:
    world.filing()
    with pytest.raises(ValidationError) as refused:
        world.filing()
    assert refused.value.message_dict["year"]
