"""Fixtures of the inspection tests: the personas (shezhi/core/testing.py), a factory of
organizations registered in Zengcheng or Huangpu, and filings driven through the services."""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from datetime import date
from typing import Any

import pytest

from shezhi.core.models import Division
from shezhi.core.roles import Role
from shezhi.core.testing import COUNTY, Personas, make_user, personas
from shezhi.inspection import services
from shezhi.inspection.models import Filing, InspectionConfig
from shezhi.social_orgs.credit_code import issue_credit_code
from shezhi.social_orgs.models import Industry, OrgType, SocialOrganization

_sequence = itertools.count(600_001)


@dataclass
class World:
    people: Personas
    organization: SocialOrganization
    other: SocialOrganization

    def org(
        self,
        name: str,
        *,
        authority: str = COUNTY,
        founded_on: date = date(2015, 1, 1),
        supervisor: str = "",
    ) -> SocialOrganization:
        division = Division.objects.get(code=authority)
        village = self.organization.address_division
        return SocialOrganization.objects.create(
            name=name,
            credit_code=issue_credit_code(
                organization_type="1", division_code=authority, sequence=next(_sequence)
            ),
            org_type=OrgType.SOCIAL_GROUP,
            industry=Industry.OTHER,
            registration_authority=division,
            address_division=village,
            legal_representative="李四",
            founded_on=founded_on,
            business_supervisor=supervisor,
        )

    def account(self, organization: SocialOrganization) -> Any:
        return make_user(
            f"org-{organization.credit_code}", Role.ORGANIZATION_ACCOUNT, organization=organization
        )

    def config(self, year: int, mode: str, authority: str = COUNTY) -> InspectionConfig:
        return InspectionConfig.objects.create(
            authority_id=authority,
            year=year,
            mode=mode,
            window_opens_on=date(year + 1, 1, 1),
            window_closes_on=date(year + 1, 5, 31),
        )

    def filing(
        self,
        organization: SocialOrganization | None = None,
        *,
        year: int = 2024,
        submit: bool = True,
        today: date = date(2025, 3, 3),
    ) -> Filing:
        organization = organization or self.organization
        account = self.account(organization)
        filing = services.filing_create(
            actor=account,
            organization=organization,
            year=year,
            data={"activities": "举办年会", "income": 1000, "expenditure": 800},
            today=today,
        )
        if submit:
            services.filing_submit(actor=account, filing=filing, today=today)
        return filing


def _organization(user: Any) -> SocialOrganization:
    organization = user.organization
    assert organization is not None
    return organization


@pytest.fixture
def world(db: Any) -> World:
    people = personas()
    return World(
        people=people,
        organization=_organization(people.organization_account),
        other=_organization(people.other_organization_account),
    )
