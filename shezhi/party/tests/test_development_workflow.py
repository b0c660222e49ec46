"""Development of party members (DOMAIN.md §4): forward only, one step at a time, each step with
its date and the rules of 《中国共产党发展党员工作细则》, refused with the rule's message and
citation; probation extended once or cancelled; to-dos for the branch's jurisdiction."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.utils import timezone

from shezhi.core.models import StatusChange, Todo
from shezhi.core.roles import Role
from shezhi.party import rules
from shezhi.party.models import MemberStatus, PartyMember, Stage
from shezhi.party.rules import RuleRefused
from shezhi.party.services.members import (
    PROBATION_TODO,
    TALK_TODO,
    StageConflict,
    member_advance,
    member_cancel_probation,
    member_create,
    member_extend_probation,
    probation_reminders_raise,
)

from .conftest import PartyWorld
from .members_support import make_id_number, make_member

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


def days_ago(n: int) -> date:
    return TODAY - timedelta(days=n)


def sponsors(world: PartyWorld, n: int = 2) -> list[PartyMember]:
    return [
        make_member(stage=Stage.FULL, employer=world.organization, branch=world.branch)
        for _i in range(n)
    ]


def test_it_moves_an_applicant_to_activist_and_records_the_step(party_world: PartyWorld) -> None:
    member = make_member(
        stage=Stage.APPLICANT, employer=party_world.organization, branch=party_world.branch
    )
    result = member_advance(
        actor=party_world.county_party, member=member, to=Stage.ACTIVIST, on=days_ago(10)
    )
    member.refresh_from_db()
    assert member.stage == Stage.ACTIVIST and member.activist_on == days_ago(10)
    assert result.warnings == []
    change = StatusChange.objects.get(
        subject_type=ContentType.objects.get_for_model(PartyMember), subject_id=str(member.pk)
    )
    assert (change.from_status, change.to_status) == (Stage.APPLICANT, Stage.ACTIVIST)
    assert change.actor == party_world.county_party
    assert member.history.first().history_user == party_world.county_party


@pytest.mark.parametrize(
    ("stage", "to"),
    [
        (Stage.APPLICANT, Stage.CANDIDATE),  # skipping a step
        (Stage.ACTIVIST, Stage.FULL),
        (Stage.CANDIDATE, Stage.ACTIVIST),  # backwards
        (Stage.FULL, Stage.PROBATIONARY),
        (Stage.FULL, Stage.FULL),
    ],
)
def test_it_refuses_any_move_but_the_next_step(
    party_world: PartyWorld, stage: str, to: str
) -> None:
    member = make_member(stage=stage, employer=party_world.organization, branch=party_world.branch)
    with pytest.raises(StageConflict) as caught:
        member_advance(actor=party_world.county_party, member=member, to=to, on=days_ago(1))
    assert "逐级向前" in str(caught.value)
    assert caught.value.current == stage
    member.refresh_from_db()
    assert member.stage == stage


def test_it_refuses_a_step_for_a_member_off_the_roll(party_world: PartyWorld) -> None:
    member = make_member(
        stage=Stage.PROBATIONARY,
        employer=party_world.organization,
        branch=party_world.branch,
        status=MemberStatus.CANCELLED,
    )
    with pytest.raises(StageConflict, match="已不在册"):
        member_advance(actor=party_world.county_party, member=member, to=Stage.FULL, on=TODAY)


def test_it_refuses_a_candidate_before_a_year_as_activist(party_world: PartyWorld) -> None:
    member = make_member(
        stage=Stage.ACTIVIST,
        employer=party_world.organization,
        branch=party_world.branch,
        applied_on=days_ago(500),
        activist_on=days_ago(300),
    )
    with pytest.raises(RuleRefused) as caught:
        member_advance(actor=party_world.county_party, member=member, to=Stage.CANDIDATE, on=TODAY)
    assert caught.value.finding.rule == "development.activist_period"
    message = caught.value.message_dict["on"][0]
    assert "一年以上" in message and "《中国共产党发展党员工作细则》第十二条" in message
    earliest = rules.add_years(days_ago(300), 1)
    assert earliest.isoformat() in message


def test_it_makes_a_candidate_after_a_year_as_activist(party_world: PartyWorld) -> None:
    member = make_member(
        stage=Stage.ACTIVIST,
        employer=party_world.organization,
        branch=party_world.branch,
        applied_on=days_ago(800),
        activist_on=days_ago(700),
    )
    member_advance(
        actor=party_world.county_party, member=member, to=Stage.CANDIDATE, on=days_ago(300)
    )
    member.refresh_from_db()
    assert member.stage == Stage.CANDIDATE and member.candidate_on == days_ago(300)


def test_it_refuses_a_probationary_member_without_training(party_world: PartyWorld) -> None:
    member = make_member(
        stage=Stage.CANDIDATE,
        employer=party_world.organization,
        branch=party_world.branch,
        training_hours=16,
    )
    with pytest.raises(RuleRefused) as caught:
        member_advance(
            actor=party_world.county_party,
            member=member,
            to=Stage.PROBATIONARY,
            on=TODAY,
            sponsors=sponsors(party_world),
        )
    assert caught.value.finding.rule == "development.training"
    assert "第十七条" in caught.value.message_dict["training_hours"][0]


@pytest.mark.parametrize("case", ["one", "not_full", "self"])
def test_it_refuses_sponsors_who_are_not_two_full_members(
    party_world: PartyWorld, case: str
) -> None:
    member = make_member(
        stage=Stage.CANDIDATE, employer=party_world.organization, branch=party_world.branch
    )
    chosen = sponsors(party_world, 1)
    if case == "not_full":
        chosen.append(
            make_member(
                stage=Stage.PROBATIONARY,
                employer=party_world.organization,
                branch=party_world.branch,
            )
        )
    elif case == "self":
        chosen.append(member)
    with pytest.raises(RuleRefused) as caught:
        member_advance(
            actor=party_world.county_party,
            member=member,
            to=Stage.PROBATIONARY,
            on=TODAY,
            sponsors=chosen,
        )
    expected = {
        "one": "development.sponsors",
        "not_full": "development.sponsor_not_full",
        "self": "development.sponsor_self",
    }[case]
    assert caught.value.finding.rule == expected
    assert "第十三条" in str(caught.value.finding)
    member.refresh_from_db()
    assert member.stage == Stage.CANDIDATE and not member.sponsors.exists()


def test_it_admits_a_trained_candidate_with_two_full_sponsors(party_world: PartyWorld) -> None:
    member = make_member(
        stage=Stage.CANDIDATE,
        employer=party_world.organization,
        branch=party_world.branch,
        training_hours=0,
    )
    chosen = sponsors(party_world)
    member_advance(
        actor=party_world.county_party,
        member=member,
        to=Stage.PROBATIONARY,
        on=days_ago(2),
        sponsors=chosen,
        training_hours=24,
    )
    member.refresh_from_db()
    assert member.stage == Stage.PROBATIONARY and member.training_hours == 24
    assert set(member.sponsors.all()) == set(chosen)


def test_it_refuses_a_full_member_before_the_probation_year(party_world: PartyWorld) -> None:
    member = make_member(
        stage=Stage.PROBATIONARY,
        employer=party_world.organization,
        branch=party_world.branch,
        applied_on=days_ago(900),
        activist_on=days_ago(800),
        candidate_on=days_ago(400),
        probationary_on=days_ago(200),
    )
    with pytest.raises(RuleRefused) as caught:
        member_advance(actor=party_world.county_party, member=member, to=Stage.FULL, on=TODAY)
    message = str(caught.value.finding)
    assert "预备期为一年" in message and "第三十二条" in message and "第七条" in message


def test_it_makes_a_full_member_on_time_and_counts_them_for_coverage(
    party_world: PartyWorld,
) -> None:
    org = party_world.organization
    before = org.full_member_count
    member = make_member(
        stage=Stage.PROBATIONARY,
        employer=org,
        branch=party_world.branch,
        applied_on=days_ago(1200),
        activist_on=days_ago(1100),
        candidate_on=days_ago(700),
        probationary_on=days_ago(366),
    )
    result = member_advance(actor=party_world.county_party, member=member, to=Stage.FULL, on=TODAY)
    assert result.warnings == []
    org.refresh_from_db()
    assert org.full_member_count == before + 1


def test_it_warns_when_the_promotion_comes_late(party_world: PartyWorld) -> None:
    member = make_member(
        stage=Stage.PROBATIONARY,
        employer=party_world.organization,
        branch=party_world.branch,
        probationary_on=days_ago(500),  # ended some 135 days ago
    )
    result = member_advance(actor=party_world.county_party, member=member, to=Stage.FULL, on=TODAY)
    assert len(result.warnings) == 1 and "晚于期满日" in result.warnings[0]
    member.refresh_from_db()
    assert member.stage == Stage.FULL


def test_it_refuses_a_step_dated_in_the_future_or_before_the_previous_one(
    party_world: PartyWorld,
) -> None:
    member = make_member(
        stage=Stage.APPLICANT, employer=party_world.organization, branch=party_world.branch
    )
    with pytest.raises(ValidationError, match="晚于今天"):
        member_advance(
            actor=party_world.county_party,
            member=member,
            to=Stage.ACTIVIST,
            on=TODAY + timedelta(days=1),
        )
    assert member.applied_on is not None
    with pytest.raises(ValidationError, match="早于上一阶段"):
        member_advance(
            actor=party_world.county_party,
            member=member,
            to=Stage.ACTIVIST,
            on=member.applied_on - timedelta(days=1),
        )


def probationary(world: PartyWorld, days: int = 360) -> PartyMember:
    return make_member(
        stage=Stage.PROBATIONARY,
        employer=world.organization,
        branch=world.branch,
        applied_on=days_ago(days + 700),
        activist_on=days_ago(days + 600),
        candidate_on=days_ago(days + 200),
        probationary_on=days_ago(days),
    )


def test_it_extends_a_probation_once_and_not_twice(party_world: PartyWorld) -> None:
    member = probationary(party_world)
    member_extend_probation(
        actor=party_world.county_party, member=member, months=6, on=TODAY, reason="支部大会决议"
    )
    member.refresh_from_db()
    assert member.probation_extended
    assert member.probationary_on is not None
    expected_end = rules.add_months(rules.add_years(member.probationary_on, 1), 6)
    assert member.probation_extended_until == expected_end
    todo = Todo.objects.get(kind=PROBATION_TODO, subject_id=str(member.pk))
    assert todo.due_on >= expected_end - timedelta(days=4)
    with pytest.raises(RuleRefused) as caught:
        member_extend_probation(
            actor=party_world.county_party, member=member, months=6, on=TODAY, reason="再次"
        )
    assert caught.value.finding.rule == "development.extension_twice"
    # After an extension, promotion waits for its end.
    with pytest.raises(RuleRefused, match="预备期已延长"):
        member_advance(
            actor=party_world.county_party,
            member=member,
            to=Stage.FULL,
            on=TODAY,
        )


@pytest.mark.parametrize("months", [3, 13])
def test_it_refuses_an_extension_shorter_than_half_a_year_or_longer_than_one(
    party_world: PartyWorld, months: int
) -> None:
    member = probationary(party_world)
    with pytest.raises(RuleRefused) as caught:
        member_extend_probation(
            actor=party_world.county_party, member=member, months=months, on=TODAY, reason="决议"
        )
    assert caught.value.finding.rule == "development.extension_length"
    assert "不能少于半年" in str(caught.value.finding)


def test_it_refuses_an_extension_for_anyone_but_a_probationary_member(
    party_world: PartyWorld,
) -> None:
    member = make_member(
        stage=Stage.FULL, employer=party_world.organization, branch=party_world.branch
    )
    with pytest.raises(StageConflict):
        member_extend_probation(
            actor=party_world.county_party, member=member, months=6, on=TODAY, reason="决议"
        )


def test_it_cancels_a_probation_and_takes_the_member_off_the_roll(party_world: PartyWorld) -> None:
    member = probationary(party_world)
    member_cancel_probation(
        actor=party_world.county_party, member=member, on=TODAY, reason="不具备党员条件"
    )
    member.refresh_from_db()
    assert member.status == MemberStatus.CANCELLED and member.stage == Stage.PROBATIONARY
    change = StatusChange.objects.filter(subject_id=str(member.pk)).last()
    assert change is not None and change.to_status == MemberStatus.CANCELLED
    with pytest.raises(StageConflict):
        member_cancel_probation(
            actor=party_world.county_party, member=member, on=TODAY, reason="再"
        )
    with pytest.raises(StageConflict):
        member_advance(actor=party_world.county_party, member=member, to=Stage.FULL, on=TODAY)


def test_it_refuses_to_cancel_without_a_reason_or_for_a_full_member(
    party_world: PartyWorld,
) -> None:
    member = probationary(party_world)
    with pytest.raises(ValidationError):
        member_cancel_probation(actor=party_world.county_party, member=member, on=TODAY, reason=" ")
    full = make_member(
        stage=Stage.FULL, employer=party_world.organization, branch=party_world.branch
    )
    with pytest.raises(StageConflict):
        member_cancel_probation(actor=party_world.county_party, member=full, on=TODAY, reason="x")


def test_it_refuses_an_applicant_under_eighteen(party_world: PartyWorld) -> None:
    born = TODAY - timedelta(days=17 * 365)
    with pytest.raises(ValidationError) as caught:
        member_create(
            actor=party_world.county_party,
            stage=Stage.APPLICANT,
            name="少年",
            id_number=make_id_number(born=born),
            education="high_school",
            employer=party_world.organization,
            branch=party_world.branch,
            applied_on=TODAY,
        )
    text = " ".join(caught.value.messages)
    assert "年满18周岁" in text and "第五条" in text


def test_it_asks_the_branch_to_talk_with_a_new_applicant_within_a_month(
    party_world: PartyWorld,
) -> None:
    result = member_create(
        actor=party_world.county_party,
        stage=Stage.APPLICANT,
        name="申请人",
        id_number=make_id_number(),
        education="college",
        employer=party_world.organization,
        branch=party_world.branch,
        applied_on=days_ago(3),
    )
    todo = Todo.objects.get(kind=TALK_TODO, subject_id=str(result.member.pk))
    assert todo.role == Role.PARTY_COMMITTEE_OFFICER
    assert todo.division == party_world.branch.division
    assert todo.due_on <= rules.add_months(days_ago(3), 1) + timedelta(days=3)
    member_advance(
        actor=party_world.county_party, member=result.member, to=Stage.ACTIVIST, on=TODAY
    )
    todo.refresh_from_db()
    assert todo.status == Todo.Status.DONE


def test_it_reminds_the_branch_of_probations_ending_within_thirty_days_once(
    party_world: PartyWorld,
) -> None:
    ending = probationary(party_world, days=350)  # ends in about 15 days
    later = probationary(party_world, days=200)  # ends in about half a year
    assert probation_reminders_raise(today=TODAY) == 1
    assert probation_reminders_raise(today=TODAY) == 0
    todo = Todo.objects.get(kind=PROBATION_TODO)
    assert ending.probationary_on is not None
    assert todo.subject_id == str(ending.pk)
    assert not Todo.objects.filter(subject_id=str(later.pk), kind=PROBATION_TODO).exists()
    assert todo.due_on >= rules.add_years(ending.probationary_on, 1) - timedelta(days=4)


def test_the_stage_table_allows_only_the_next_step() -> None:
    assert {
        Stage.APPLICANT: {Stage.ACTIVIST},
        Stage.ACTIVIST: {Stage.CANDIDATE},
        Stage.CANDIDATE: {Stage.PROBATIONARY},
        Stage.PROBATIONARY: {Stage.FULL},
        Stage.FULL: set(),
    } == rules.STAGE_TRANSITIONS
