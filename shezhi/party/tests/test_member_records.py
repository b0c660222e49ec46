"""Registering and correcting members through the service: ID number checks (GB 11643) with the
expected check character named, birth date and gender from the number, one record per person
(blind index), the stage's dates, who may place a member where, and coverage kept in step."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from shezhi.party.models import PartyMember, Stage
from shezhi.party.services.members import member_create, member_update

from .conftest import PartyWorld
from .members_support import make_id_number, make_member

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


def facts(world: PartyWorld, **extra: Any) -> dict[str, Any]:
    values: dict[str, Any] = {
        "name": "登记",
        "id_number": make_id_number(born=date(1980, 2, 3)),
        "education": "college",
        "employer": world.organization,
        "branch": world.branch,
        "stage": Stage.FULL,
        "probationary_on": date(2005, 7, 1),
        "full_on": date(2006, 7, 1),
    }
    values.update(extra)
    return values


def refused(world: PartyWorld, actor: Any = None, **extra: Any) -> dict[str, list[str]]:
    with pytest.raises(ValidationError) as caught:
        member_create(actor=actor or world.county_party, **facts(world, **extra))
    return caught.value.message_dict


@pytest.mark.parametrize(
    ("number", "message"),
    [
        ("44011819800203123", "应为18位，当前为17位"),
        ("4401181980020312345", "应为18位，当前为19位"),
        ("44011819800203A234", "前17位应为数字"),
        ("440118198002301234", "出生日期无效"),
    ],
)
def test_it_refuses_malformed_id_numbers(
    party_world: PartyWorld, number: str, message: str
) -> None:
    errors = refused(party_world, id_number=number)
    assert any(message in text for text in errors["id_number"]), errors


def test_it_names_the_expected_check_character(party_world: PartyWorld) -> None:
    good = make_id_number(born=date(1980, 2, 3))
    bad = good[:-1] + ("X" if good[-1] != "X" else "0")
    errors = refused(party_world, id_number=bad)
    assert errors["id_number"] == [f"身份证号码第18位校验码应为 {good[-1]}。"]


def test_it_accepts_a_lower_case_x(party_world: PartyWorld) -> None:
    for _attempt in range(40):
        number = make_id_number(born=date(1975, 6, 7))
        if number.endswith("X"):
            break
    else:
        pytest.skip("no X check character in the sample")
    lower = number[:-1] + number[-1].lower()
    member = member_create(
        actor=party_world.county_party, **facts(party_world, id_number=lower)
    ).member
    member.refresh_from_db()
    assert member.id_number == number


def test_it_warns_about_an_unknown_address_code_but_registers(party_world: PartyWorld) -> None:
    number = make_id_number(born=date(1980, 2, 3), address="449999")
    result = member_create(actor=party_world.county_party, **facts(party_world, id_number=number))
    assert result.warnings == ["身份证号码的地址码不在行政区划表中，请核对。"]


def test_it_reads_birth_date_and_gender_from_the_number(party_world: PartyWorld) -> None:
    number = make_id_number(born=date(1966, 10, 1), male=False)
    member = member_create(
        actor=party_world.county_party, **facts(party_world, id_number=number)
    ).member
    assert member.birth_date == date(1966, 10, 1) and member.gender == "female"


def test_it_refuses_a_birth_date_other_than_the_numbers(party_world: PartyWorld) -> None:
    errors = refused(party_world, birth_date=date(1980, 2, 4))
    assert "与身份证号码中的出生日期 1980-02-03 不一致" in errors["birth_date"][0]


def test_it_warns_when_the_gender_disagrees_with_the_number(party_world: PartyWorld) -> None:
    number = make_id_number(born=date(1980, 2, 3), male=True)
    result = member_create(
        actor=party_world.county_party, **facts(party_world, id_number=number, gender="female")
    )
    assert any("性别与身份证号码" in w for w in result.warnings)


def test_it_keeps_one_record_per_person(party_world: PartyWorld) -> None:
    existing = make_member(employer=party_world.organization, branch=party_world.branch)
    errors = refused(party_world, id_number=existing.id_number.lower(), birth_date=None)
    assert "已登记为党员" in errors["id_number"][0]


@pytest.mark.parametrize(
    ("dates", "message"),
    [
        ({"full_on": None}, "须填写转为正式党员日期"),
        ({"stage": Stage.PROBATIONARY}, "不应填写转为正式党员日期"),
        ({"probationary_on": date(2006, 8, 1)}, "各阶段日期应依次递进"),
        ({"full_on": date(2006, 6, 1)}, "预备期为一年"),
        (
            {"full_on": TODAY + timedelta(days=3), "probationary_on": TODAY - timedelta(days=400)},
            "晚于今天",
        ),
        ({"activist_on": date(2003, 1, 1), "candidate_on": date(2003, 6, 1)}, "一年以上培养教育"),
        ({"applied_on": date(1995, 1, 1)}, "年满18周岁"),
        ({"probation_extended_until": date(2006, 9, 1)}, "延长不能少于半年"),
    ],
)
def test_it_checks_the_stage_and_its_dates(
    party_world: PartyWorld, dates: dict[str, Any], message: str
) -> None:
    errors = refused(party_world, **dates)
    assert any(message in text for text in errors["__all__"]), errors


def test_it_accepts_an_extended_probation_within_the_window(party_world: PartyWorld) -> None:
    member = member_create(
        actor=party_world.county_party,
        **facts(party_world, probation_extended_until=date(2007, 1, 1), full_on=date(2007, 1, 5)),
    ).member
    assert member.probation_extended


def test_a_member_needs_an_employer_or_a_branch(party_world: PartyWorld) -> None:
    errors = refused(party_world, employer=None, branch=None)
    assert "至少填写一项" in errors["employer"][0]


def test_an_officer_cannot_place_a_member_outside_the_jurisdiction(party_world: PartyWorld) -> None:
    errors = refused(party_world, actor=party_world.neighbour_party)
    assert "employer" in errors and "branch" in errors


def test_an_organization_account_registers_only_its_own_staff(party_world: PartyWorld) -> None:
    account = party_world.people.organization_account
    member = member_create(actor=account, **facts(party_world, branch=None)).member
    assert member.employer == party_world.organization
    errors = refused(party_world, actor=account, employer=party_world.org(), branch=None)
    assert "employer" in errors


def test_a_secretary_registers_only_members_of_the_branch(party_world: PartyWorld) -> None:
    secretary = party_world.people.branch_secretary
    member = member_create(actor=secretary, **facts(party_world)).member
    assert member.branch == party_world.branch
    errors = refused(party_world, actor=secretary, branch=None)
    assert "branch" in errors


def test_the_jurisdiction_follows_the_branch_else_the_employer(party_world: PartyWorld) -> None:
    member = member_create(
        actor=party_world.people.province_officer,
        **facts(party_world, employer=party_world.other_organization, branch=None),
    ).member
    assert member.division_id == "440112"
    member = member_create(
        actor=party_world.people.province_officer,
        **facts(
            party_world,
            employer=party_world.other_organization,
            id_number=make_id_number(born=date(1980, 2, 3)),
        ),
    ).member
    assert member.division_id == party_world.branch.division_id


def test_every_write_refreshes_the_employers_involved(party_world: PartyWorld) -> None:
    old, new = party_world.org(), party_world.org()
    member = member_create(
        actor=party_world.county_party, **facts(party_world, employer=old, branch=None)
    ).member
    old.refresh_from_db()
    assert old.full_member_count == 1
    member_update(actor=party_world.county_party, member=member, employer=new)
    old.refresh_from_db()
    new.refresh_from_db()
    assert (old.full_member_count, new.full_member_count) == (0, 1)


def test_an_update_places_an_unbranched_member_but_never_moves_a_branched_one(
    party_world: PartyWorld,
) -> None:
    loose = make_member(employer=party_world.organization, branch=None)
    member_update(actor=party_world.county_party, member=loose, branch=party_world.branch)
    loose.refresh_from_db()
    assert loose.branch == party_world.branch
    other = party_world.org()
    from datetime import date as _date

    from shezhi.party.models import PartyOrganization, PartyOrgKind

    second = PartyOrganization.objects.create(
        name="第二支部",
        kind=PartyOrgKind.BRANCH,
        division=party_world.branch.division,
        founded_on=_date(2020, 1, 1),
    )
    assert other.pk
    with pytest.raises(ValidationError, match="组织关系转接"):
        member_update(actor=party_world.county_party, member=loose, branch=second)


def test_an_update_cannot_touch_the_stage(party_world: PartyWorld) -> None:
    member = make_member(employer=party_world.organization, branch=party_world.branch)
    with pytest.raises(TypeError):
        member_update(actor=party_world.county_party, member=member, stage=Stage.APPLICANT)
    assert PartyMember.objects.get(pk=member.pk).stage == Stage.FULL
