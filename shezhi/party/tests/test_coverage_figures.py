"""The coverage figures of a division: what an officer reads on the statistics page and API."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from shezhi.core.models import Division
from shezhi.core.testing import COUNTY, NEIGHBOUR_COUNTY, organizations
from shezhi.party.analysis import coverage_report
from shezhi.party.coverage import coverage_refresh
from shezhi.party.models import (
    Coverage,
    Education,
    Formation,
    Gender,
    Instructor,
    InstructorAssignment,
    PartyMember,
    PartyOrganization,
    PartyOrgKind,
    Stage,
)
from shezhi.social_orgs.credit_code import issue_credit_code
from shezhi.social_orgs.models import Industry, OrgStatus, OrgType, SocialOrganization

pytestmark = pytest.mark.django_db

_sequence = iter(range(1, 10**6))


@pytest.fixture(autouse=True)
def fixtures_present(db: None) -> None:
    organizations()


def make_org(authority: str, **extra: Any) -> SocialOrganization:
    places = organizations()
    return SocialOrganization.objects.create(
        name=f"测试组织{next(_sequence)}",
        credit_code=issue_credit_code(
            organization_type="1", division_code=authority, sequence=next(_sequence)
        ),
        org_type=extra.pop("org_type", OrgType.SOCIAL_GROUP),
        registration_authority=Division.objects.get(code=authority),
        address_division=places["organization"].address_division,
        legal_representative="李四",
        founded_on=date(2018, 1, 1),
        industry=Industry.OTHER,
        **extra,
    )


def id_number(n: int) -> str:
    from stdnum.cn import ric

    body = f"440118199001{(n % 28) + 1:02d}{n % 1000:03d}"[:17]
    return body + ric.calc_check_digit(body)


_member_seq = iter(range(1, 10**6))


def add_full_members(org: SocialOrganization, count: int) -> None:
    for _ in range(count):
        n = next(_member_seq)
        PartyMember.objects.create(
            name=f"党员{n}",
            gender=Gender.MALE,
            birth_date=date(1990, 1, (n % 28) + 1),
            id_number=id_number(n),
            education=Education.UNDERGRADUATE,
            employer=org,
            division=org.registration_authority,
            stage=Stage.FULL,
            full_on=date(2015, 1, 1),
        )
    coverage_refresh([org.pk])


def figures(code: str) -> dict[str, Any]:
    return coverage_report(Division.objects.get(code=code)).total.as_dict()


def test_registered_here_plus_children_equals_the_whole() -> None:
    make_org("440000")
    make_org("440100")
    make_org(COUNTY)
    make_org(NEIGHBOUR_COUNTY)
    report = coverage_report(Division.objects.get(code="440000"))
    total = report.total.as_dict()
    children = sum(child.orgs.social_orgs for child in report.children)
    assert total["registered_here"] + children == total["social_orgs"]
    city = coverage_report(Division.objects.get(code="440100"))
    assert city.total.registered_here + sum(c.orgs.social_orgs for c in city.children) == (
        city.total.orgs.social_orgs
    )
    assert {c.division.code for c in city.children} >= {COUNTY, NEIGHBOUR_COUNTY}


def test_it_counts_organization_and_work_coverage() -> None:
    before = figures(COUNTY)
    instructed = make_org(COUNTY)
    instructor = Instructor.objects.create(
        name="指导员", division=instructed.registration_authority
    )
    InstructorAssignment.objects.create(
        instructor=instructor, social_org=instructed, assigned_on=date(2024, 1, 1)
    )
    coverage_refresh([instructed.pk])
    after = figures(COUNTY)
    assert after["social_orgs"] == before["social_orgs"] + 1
    assert after["organization_covered"] == before["organization_covered"]
    assert after["work_covered"] == before["work_covered"] + 1


def test_three_full_members_and_no_party_organization_is_a_blank_spot() -> None:
    before = figures(COUNTY)
    org = make_org(COUNTY)
    add_full_members(org, 3)
    after = figures(COUNTY)
    assert after["blank_spots"] == before["blank_spots"] + 1
    assert after["organization_coverage_rate"] < before["organization_coverage_rate"]
    assert after["members_by_stage"]["full"] == before["members_by_stage"]["full"] + 3

    branch = PartyOrganization.objects.create(
        name="新支部",
        kind=PartyOrgKind.BRANCH,
        formation=Formation.ALONE,
        division=org.registration_authority,
        founded_on=date(2024, 1, 1),
    )
    Coverage.objects.create(party_organization=branch, social_org=org, since=date(2024, 1, 1))
    coverage_refresh([org.pk])
    covered = figures(COUNTY)
    assert covered["blank_spots"] == before["blank_spots"]
    assert covered["party_organizations"] == before["party_organizations"] + 1


def test_an_organization_with_an_instructor_and_few_members_is_not_a_blank_spot() -> None:
    before = figures(COUNTY)
    org = make_org(COUNTY)
    assert figures(COUNTY)["blank_spots"] == before["blank_spots"] + 1
    instructor = Instructor.objects.create(name="指导员", division=org.registration_authority)
    InstructorAssignment.objects.create(
        instructor=instructor, social_org=org, assigned_on=date(2024, 1, 1)
    )
    coverage_refresh([org.pk])
    assert figures(COUNTY)["blank_spots"] == before["blank_spots"]


def test_deregistered_organizations_and_leading_committees_are_not_counted() -> None:
    before = figures("440000")
    make_org(COUNTY, status=OrgStatus.DEREGISTERED)
    PartyOrganization.objects.create(
        name="中共广东省社会组织委员会",
        kind=PartyOrgKind.LEADING_COMMITTEE,
        division=Division.objects.get(code="440000"),
        founded_on=date(2016, 1, 1),
    )
    after = figures("440000")
    assert after["social_orgs"] == before["social_orgs"]
    assert after["party_organizations"] == before["party_organizations"]


def test_it_counts_party_organizations_directly_under_the_provincial_committee() -> None:
    committee = PartyOrganization.objects.create(
        name="中共广东省社会组织委员会",
        kind=PartyOrgKind.LEADING_COMMITTEE,
        division=Division.objects.get(code="440000"),
        founded_on=date(2016, 1, 1),
    )
    org = make_org("440000")
    direct = PartyOrganization.objects.create(
        name="省级协会党支部",
        kind=PartyOrgKind.BRANCH,
        formation=Formation.ALONE,
        parent=committee,
        division=org.registration_authority,
        founded_on=date(2017, 1, 1),
    )
    Coverage.objects.create(party_organization=direct, social_org=org, since=date(2017, 1, 1))
    coverage_refresh([org.pk])
    report = figures("440000")
    assert report["party_organizations_direct"] == 1
    assert figures(COUNTY)["party_organizations_direct"] == 0


def test_the_whole_dashboard_takes_a_fixed_number_of_queries(
    django_assert_num_queries: Any,
) -> None:
    for _ in range(3):
        make_org(COUNTY)
    province = Division.objects.get(code="440000")
    with django_assert_num_queries(4):
        coverage_report(province)
    for _ in range(20):
        make_org(NEIGHBOUR_COUNTY)
    with django_assert_num_queries(4):
        coverage_report(province)
