"""Every transition of a founding application, allowed and refused (core.workflows.transition)."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from shezhi.core.models import StatusChange, Todo
from shezhi.core.workflows import TransitionNotAllowed
from shezhi.registration import services
from shezhi.registration.models import FoundingApplication, Status
from shezhi.registration.services import NotEditable

from .conftest import RegWorld, pdf

pytestmark = pytest.mark.django_db

ALL = set(Status.values)


def _at(world: RegWorld, status: str) -> FoundingApplication:
    officer = world.people.county_officer
    application = world.application(coverage_plan="")
    if status == Status.DRAFT:
        return application
    services.application_submit(actor=officer, application=application)
    if status == Status.SUPPLEMENT_REQUESTED:
        services.application_request_supplement(actor=officer, application=application)
    elif status == Status.ACCEPTED:
        services.application_accept(actor=officer, application=application)
    elif status == Status.REFUSED:
        services.application_refuse(actor=officer, application=application, reason="不符合条件")
    elif status == Status.WITHDRAWN:
        services.application_withdraw(actor=officer, application=application)
    elif status == Status.APPROVED:
        services.exemption_record(actor=officer, application=application, reason="试点豁免")
        services.application_accept(actor=officer, application=application)
        services.application_approve(actor=officer, application=application)
    application.refresh_from_db()
    assert application.status == status
    return application


def _attempt(world: RegWorld, application: FoundingApplication, to: str) -> None:
    officer = world.people.county_officer
    if to == Status.SUBMITTED:
        services.application_submit(actor=officer, application=application)
    elif to == Status.SUPPLEMENT_REQUESTED:
        services.application_request_supplement(
            actor=officer, application=application, note="补充住所证明"
        )
    elif to == Status.ACCEPTED:
        services.application_accept(actor=officer, application=application)
    elif to == Status.REFUSED:
        services.application_refuse(actor=officer, application=application, reason="不符合")
    elif to == Status.WITHDRAWN:
        services.application_withdraw(actor=officer, application=application)
    elif to == Status.APPROVED:
        if application.status in (Status.SUBMITTED, Status.ACCEPTED):
            services.exemption_record(actor=officer, application=application, reason="豁免")
        services.application_approve(actor=officer, application=application)


@pytest.mark.parametrize("start", Status.values)
@pytest.mark.parametrize("to", [s for s in Status.values if s != Status.DRAFT])
def test_each_transition_is_allowed_exactly_by_the_table(reg_world, start, to) -> None:
    application = _at(reg_world, start)
    allowed = FoundingApplication.ALLOWED_TRANSITIONS[start]
    if to in allowed:
        _attempt(reg_world, application, to)
        application.refresh_from_db()
        assert application.status == to
        assert StatusChange.objects.filter(
            subject_id=str(application.pk), from_status=start, to_status=to
        ).exists()
    else:
        with pytest.raises(TransitionNotAllowed) as caught:
            _attempt(reg_world, application, to)
        assert caught.value.allowed == allowed
        application.refresh_from_db()
        assert application.status == start


def test_the_409_lists_what_is_allowed(reg_world) -> None:
    application = _at(reg_world, Status.DRAFT)
    with pytest.raises(TransitionNotAllowed) as caught:
        services.application_accept(actor=reg_world.people.county_officer, application=application)
    assert caught.value.allowed == {Status.SUBMITTED, Status.WITHDRAWN}


def test_the_supplement_notice_lists_everything_missing_at_once_and_only_once(reg_world) -> None:
    officer = reg_world.people.county_officer
    application = reg_world.application(coverage_plan="", charter="本会章程", letter=False)
    services.application_submit(actor=officer, application=application)
    services.application_request_supplement(
        actor=officer, application=application, note="补充住所使用证明"
    )
    application.refresh_from_db()
    notice = application.supplement_notice
    for item in (
        "① 党组织同步建立",
        "③ 章程写入党建工作条款",
        "④ 签订党建工作承诺书",
        "住所使用证明",
    ):
        assert item in notice
    assert "② 党员信息同步登记" not in notice
    # Supplemented and resubmitted: no second notice, the officer decides.
    services.application_update(actor=officer, application=application, coverage_plan="instructor")
    services.application_submit(actor=officer, application=application)
    with pytest.raises(ValidationError) as caught:
        services.application_request_supplement(actor=officer, application=application)
    assert "一次性" in str(caught.value)


def test_only_drafts_and_supplements_can_be_edited(reg_world) -> None:
    officer = reg_world.people.county_officer
    application = reg_world.application()
    services.application_submit(actor=officer, application=application)
    with pytest.raises(NotEditable):
        services.application_update(actor=officer, application=application, name="改名")
    with pytest.raises(NotEditable):
        services.commitment_attach(actor=officer, application=application, file=pdf())


def test_refusing_needs_a_reason(reg_world) -> None:
    application = _at(reg_world, Status.DRAFT)
    services.application_submit(actor=reg_world.people.county_officer, application=application)
    with pytest.raises(ValidationError):
        services.application_refuse(
            actor=reg_world.people.county_officer, application=application, reason=" "
        )


def test_submission_raises_the_review_to_do_and_withdrawal_cancels_it(reg_world) -> None:
    officer = reg_world.people.county_officer
    application = reg_world.application()
    services.application_submit(actor=officer, application=application)
    todo = Todo.objects.get(kind=services.REVIEW_TODO, subject_id=str(application.pk))
    assert todo.division_id == "440118" and todo.working_days == 5
    services.application_withdraw(actor=officer, application=application)
    todo.refresh_from_db()
    assert todo.status == Todo.Status.CANCELLED


def test_of_two_officers_deciding_at_once_one_wins(reg_world) -> None:
    """Both loaded the accepted application; the row lock lets the first through and the second
    sees it decided: nothing is registered twice."""
    application = reg_world.accepted()
    first = FoundingApplication.objects.get(pk=application.pk)
    second = FoundingApplication.objects.get(pk=application.pk)
    services.application_approve(actor=reg_world.people.county_officer, application=first)
    with pytest.raises(TransitionNotAllowed):
        services.application_approve(actor=reg_world.people.city_officer, application=second)
    with pytest.raises(TransitionNotAllowed):
        services.application_refuse(
            actor=reg_world.people.city_officer, application=second, reason="晚了"
        )
    application.refresh_from_db()
    assert application.status == Status.APPROVED
    assert FoundingApplication.objects.filter(organization__isnull=False).count() == 1
