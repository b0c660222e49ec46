"""Fixtures of founding registration: the personas, the social-organization party committees,
and a factory that files a complete application through the services."""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from datetime import date
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from stdnum.cn import ric

from shezhi.core.models import Division
from shezhi.core.testing import COUNTY, NEIGHBOUR_COUNTY, Personas, grassroots
from shezhi.party.models import Education, PartyOrganization, Stage
from shezhi.party.services.organizations import leading_committees_ensure
from shezhi.registration import services
from shezhi.registration.models import CoveragePlan, FoundingApplication
from shezhi.social_orgs.models import Industry, OrgType

CHARTER = (
    "第二条 本会坚持中国共产党的全面领导，根据中国共产党章程的规定，设立中国共产党的组织，"
    "开展党的活动，为党组织的活动提供必要条件。"
)
PDF = b"%PDF-1.4\n% test\n%%EOF\n"
_numbers = itertools.count(1)


def id_number(n: int | None = None) -> str:
    n = next(_numbers) if n is None else n
    body = f"440118{1970 + n % 30}{(n % 12) + 1:02d}{(n % 28) + 1:02d}{(500 + n) % 1000:03d}"
    return body + ric.calc_check_digit(body + "0")  # it reads the first 17 of 18


def member(stage: str = Stage.FULL, **extra: Any) -> dict[str, Any]:
    row = {
        "name": f"党员{next(_numbers)}",
        "id_number": id_number(),
        "stage": stage,
        "stage_on": date(2015, 7, 1),
        "education": Education.UNDERGRADUATE,
    }
    return row | extra


def pdf(name: str = "承诺书.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


@dataclass
class RegWorld:
    people: Personas
    county: Division
    neighbour: Division
    village: Division
    neighbour_village: Division
    city_committee: PartyOrganization

    def application(
        self,
        *,
        full: int = 3,
        others: int = 0,
        plan: str = CoveragePlan.ESTABLISH,
        charter: str = CHARTER,
        letter: bool = True,
        neighbour: bool = False,
        actor: Any = None,
        **facts: Any,
    ) -> FoundingApplication:
        """A complete application (every synchronization held) unless told otherwise."""
        actor = actor or (
            self.people.neighbour_officer if neighbour else self.people.county_officer
        )
        name = facts.pop("name", f"测试成立协会{next(_numbers)}")
        values: dict[str, Any] = {
            "name": name,
            "org_type": OrgType.SOCIAL_GROUP,
            "registration_authority": self.neighbour if neighbour else self.county,
            "address_division": self.neighbour_village if neighbour else self.village,
            "legal_representative": "李四",
            "industry": Industry.CULTURE,
            "staff_count": 10,
            "charter_text": charter,
            "coverage_plan": plan,
            "party_org_kind": "branch" if plan == CoveragePlan.ESTABLISH else "",
            "party_org_name": f"{name}党支部" if plan == CoveragePlan.ESTABLISH else "",
        } | facts
        rows = [member() for _ in range(full)] + [member(Stage.PROBATIONARY) for _ in range(others)]
        application = services.application_create(actor=actor, members=rows, **values)
        if letter:
            services.commitment_attach(
                actor=actor, application=application, file=pdf(), signed_on=date(2025, 1, 2)
            )
        application.refresh_from_db()
        return application

    def accepted(self, **kwargs: Any) -> FoundingApplication:
        application = self.application(**kwargs)
        officer = kwargs.get("actor") or self.people.county_officer
        services.application_submit(actor=officer, application=application)
        services.application_accept(actor=officer, application=application)
        application.refresh_from_db()
        return application


@pytest.fixture
def reg_world(db: Any, people: Personas, settings: Any, tmp_path: Any) -> RegWorld:
    settings.MEDIA_ROOT = tmp_path / "media"
    committees = {c.division_id: c for c in leading_committees_ensure()}
    places = grassroots()
    return RegWorld(
        people=people,
        county=Division.objects.get(code=COUNTY),
        neighbour=Division.objects.get(code=NEIGHBOUR_COUNTY),
        village=places["village"],
        neighbour_village=places["neighbour_village"],
        city_committee=committees["440100"],
    )
