"""Fixtures of the party module's tests.

Party organizations and business handling: `party_world`, the personas plus the provincial and
city social-organization party committees, party-committee officers for Zengcheng, Guangzhou and
Huangpu, and factories for social organizations and members.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from datetime import date
from typing import Any

import pytest

from shezhi.accounts.models import User
from shezhi.core.models import Division
from shezhi.core.roles import Role
from shezhi.core.testing import (
    CITY,
    COUNTY,
    NEIGHBOUR_COUNTY,
    Personas,
    make_user,
    organizations,
)
from shezhi.party.coverage import coverage_refresh
from shezhi.party.models import (
    Education,
    Gender,
    PartyMember,
    PartyOrganization,
    Stage,
)
from shezhi.party.services.organizations import leading_committees_ensure
from shezhi.social_orgs.credit_code import issue_credit_code
from shezhi.social_orgs.models import Industry, OrgType, SocialOrganization

_sequence = itertools.count(700_001)


def id_number(n: int) -> str:
    from stdnum.cn import ric

    body = f"440118{1960 + n % 40}{(n % 12) + 1:02d}{(n % 28) + 1:02d}{n % 1000:03d}"
    return body + ric.calc_check_digit(body)


@dataclass
class PartyWorld:
    people: Personas
    province_committee: PartyOrganization
    city_committee: PartyOrganization
    branch: PartyOrganization  # the Zengcheng persona's branch, under the Guangzhou committee
    organization: SocialOrganization  # the organization it covers
    other_organization: SocialOrganization  # in Huangpu
    county_party: User
    city_party: User
    neighbour_party: User

    def org(
        self, authority: str = COUNTY, *, full_members: int = 0, **extra: Any
    ) -> SocialOrganization:
        n = next(_sequence)
        village = self.organization.address_division
        if authority == NEIGHBOUR_COUNTY:
            village = self.other_organization.address_division
        org = SocialOrganization.objects.create(
            name=extra.pop("name", f"测试社会组织{n}"),
            credit_code=issue_credit_code(
                organization_type="1", division_code=authority, sequence=n
            ),
            org_type=OrgType.SOCIAL_GROUP,
            registration_authority=Division.objects.get(code=authority),
            address_division=village,
            legal_representative="王五",
            founded_on=date(2015, 3, 1),
            industry=extra.pop("industry", Industry.SOCIAL_SERVICE),
            staff_count=extra.pop("staff_count", 10),
            **extra,
        )
        if full_members:
            self.members(org, full_members)
        return org

    def members(
        self,
        org: SocialOrganization,
        count: int,
        *,
        branch: PartyOrganization | None = None,
        stage: str = Stage.FULL,
    ) -> list[PartyMember]:
        made = []
        for _i in range(count):
            n = next(_sequence)
            made.append(
                PartyMember.objects.create(
                    name=f"党员{n}",
                    gender=Gender.FEMALE,
                    birth_date=date(1980, 1, 1),
                    id_number=id_number(n),
                    education=Education.UNDERGRADUATE,
                    employer=org,
                    branch=branch,
                    division=org.registration_authority,
                    stage=stage,
                    full_on=date(2012, 1, 1) if stage == Stage.FULL else None,
                )
            )
        coverage_refresh([org.pk])
        org.refresh_from_db()
        return made


@pytest.fixture
def party_world(people: Personas) -> PartyWorld:
    committees = {c.division_id: c for c in leading_committees_ensure()}
    orgs = organizations()
    branch = orgs["branch"]
    if branch.parent_id is None:
        branch.parent = committees[CITY]
        branch.save()
    return PartyWorld(
        people=people,
        province_committee=committees["440000"],
        city_committee=committees[CITY],
        branch=branch,
        organization=orgs["organization"],
        other_organization=orgs["other_organization"],
        county_party=make_user("party-440118", Role.PARTY_COMMITTEE_OFFICER, COUNTY),
        city_party=make_user("party-440100", Role.PARTY_COMMITTEE_OFFICER, CITY),
        neighbour_party=make_user("party-440112", Role.PARTY_COMMITTEE_OFFICER, NEIGHBOUR_COUNTY),
    )
