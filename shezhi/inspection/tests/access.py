"""Who may reach the inspection pages and API operations, for the access matrix
(shezhi/core/access_testing.py, run by core/tests/test_access_matrix.py).

Civil-affairs officers of a registering level read and decide the filings of the authorities
inside their jurisdiction; the organization account files its own; every other role is refused
(403) before any row is looked up. The Zengcheng organization of the personas has four filings
(a draft, one in the authority's review, one concluded with its rectification open, one with a
rectification submitted for verification); Huangpu's organization has the same, for the probes.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from shezhi.core.access_testing import (
    AccessWorld,
    Expect,
    Route,
    everyone,
    only,
    row_tag,
)
from shezhi.core.access_testing import Persona as P
from shezhi.core.models import Division
from shezhi.core.testing import COUNTY, NEIGHBOUR_COUNTY, organizations
from shezhi.inspection.models import (
    Conclusion,
    Filing,
    FilingStatus,
    InspectionConfig,
    Mode,
    Rectification,
    RectificationStatus,
)
from shezhi.social_orgs.credit_code import issue_credit_code
from shezhi.social_orgs.models import Industry, OrgType, SocialOrganization

READERS = (
    P.province_officer,
    P.city_officer,
    P.county_officer,
    P.neighbour_officer,
    P.organization_account,
    P.other_organization_account,
    P.superuser,
)
OFFICERS = (P.province_officer, P.city_officer, P.county_officer, P.neighbour_officer, P.superuser)
SEE_ZENGCHENG = (
    P.province_officer,
    P.city_officer,
    P.county_officer,
    P.organization_account,
    P.superuser,
)
NOT_SEEING = {"neighbour_officer": 404, "other_organization_account": 404}
DECIDERS = (P.province_officer, P.city_officer, P.county_officer, P.superuser)
FOUND = Expect(302)  # back to the filing's page, not to sign-in
FILING_YEAR = 2024


def _pk(name: str) -> Any:
    return lambda w: {"pk": getattr(w, name).pk}


def _api(name: str) -> Any:
    return lambda w: {"filing_id": getattr(w, name).pk}


ROUTES = [
    # --- pages -------------------------------------------------------------------------------
    Route("inspection:filing_list", only(200, *READERS), lists_rows=True, min_own_rows=300),
    Route(
        "inspection:filing_list",
        only(200, *READERS),
        query={"format": "xlsx"},
        lists_rows=True,
        min_own_rows=300,
    ),
    Route(
        "inspection:filing_create",
        only(200, P.organization_account, P.other_organization_account),
        why="only an organization files its own report",
    ),
    Route(
        "inspection:filing_create",
        only(422, P.organization_account, P.other_organization_account),
        method="POST",
        body={},
    ),
    Route(
        "inspection:filing_detail",
        only(200, *SEE_ZENGCHENG).but(**NOT_SEEING),
        kwargs=_pk("inspection_zengcheng_draft"),
        foreign=_pk("inspection_huangpu_draft"),
    ),
    Route(
        "inspection:filing_detail",
        only(200, *SEE_ZENGCHENG).but(**NOT_SEEING),
        kwargs=_pk("inspection_zengcheng_review"),
        query={"tab": "history"},
    ),
    Route(
        "inspection:filing_edit",
        only(200, P.organization_account).but(**NOT_SEEING),
        kwargs=_pk("inspection_zengcheng_draft"),
        foreign=_pk("inspection_huangpu_draft"),
    ),
    Route(
        "inspection:filing_edit",
        only(422, P.organization_account).but(**NOT_SEEING),
        method="POST",
        kwargs=_pk("inspection_zengcheng_draft"),
        foreign=_pk("inspection_huangpu_draft"),
        body={},
    ),
    Route(
        "inspection:filing_submit",
        only(FOUND, P.organization_account).but(**NOT_SEEING),
        method="POST",
        kwargs=_pk("inspection_zengcheng_draft"),
        foreign=_pk("inspection_huangpu_draft"),
    ),
    Route(
        "inspection:filing_decide",
        only(FOUND, *DECIDERS).but(**NOT_SEEING),
        method="POST",
        kwargs=_pk("inspection_zengcheng_review"),
        foreign=_pk("inspection_huangpu_review"),
        body={"action": "publish"},
        why="officers at the authority or above it decide; the organization only files",
    ),
    Route(
        "inspection:rectification_submit",
        only(FOUND, P.organization_account).but(**NOT_SEEING),
        method="POST",
        kwargs=_pk("inspection_zengcheng_rectifying"),
        foreign=_pk("inspection_huangpu_rectifying"),
        body={"report": "已整改"},
    ),
    Route(
        "inspection:rectification_verify",
        only(FOUND, *DECIDERS).but(**NOT_SEEING),
        method="POST",
        kwargs=_pk("inspection_zengcheng_verifying"),
        foreign=_pk("inspection_huangpu_verifying"),
        body={"decision": "verify"},
    ),
    Route("inspection:completion", only(200, *OFFICERS)),
    Route("inspection:completion", only(200, *OFFICERS), query={"format": "xlsx"}),
    Route("inspection:config_list", only(200, *OFFICERS)),
    Route("inspection:config_create", only(200, *OFFICERS)),
    Route("inspection:config_create", only(422, *OFFICERS), method="POST", body={}),
    Route(
        "inspection:config_edit",
        only(200, P.county_officer, P.superuser).but(neighbour_officer=404),
        kwargs=_pk("inspection_zengcheng_config"),
        foreign=_pk("inspection_huangpu_config"),
        why="an authority's year is kept by that authority's own officers",
    ),
    Route(
        "inspection:config_edit",
        only(422, P.county_officer, P.superuser).but(neighbour_officer=404),
        method="POST",
        kwargs=_pk("inspection_zengcheng_config"),
        foreign=_pk("inspection_huangpu_config"),
        body={},
    ),
    Route(
        "public_inspection:organization",
        everyone(200),
        kwargs=lambda w: {"credit_code": w.inspection_zengcheng_draft.organization.credit_code},
        why="published reports and concluded inspections are public",
    ),
    # --- API ---------------------------------------------------------------------------------
    Route("GET /api/v1/inspection/", only(200, *READERS), lists_rows=True, min_own_rows=300),
    Route(
        "GET /api/v1/inspection/completion",
        only(200, *OFFICERS),
        query={"year": str(FILING_YEAR)},
    ),
    Route(
        "GET /api/v1/inspection/{filing_id}",
        only(200, *SEE_ZENGCHENG).but(**NOT_SEEING),
        kwargs=_api("inspection_zengcheng_draft"),
        foreign=_api("inspection_huangpu_draft"),
    ),
    Route(
        "POST /api/v1/inspection/",
        only(201, P.organization_account, P.other_organization_account),
        body={"year": 2020, "activities": "访问矩阵"},
    ),
    Route(
        "PATCH /api/v1/inspection/{filing_id}",
        only(200, P.organization_account).but(**NOT_SEEING),
        kwargs=_api("inspection_zengcheng_draft"),
        foreign=_api("inspection_huangpu_draft"),
        body={"staff_count": 5},
    ),
    Route(
        "POST /api/v1/inspection/{filing_id}/submit",
        only(200, P.organization_account).but(**NOT_SEEING),
        kwargs=_api("inspection_zengcheng_draft"),
        foreign=_api("inspection_huangpu_draft"),
    ),
    Route(
        "POST /api/v1/inspection/{filing_id}/decide",
        only(200, *DECIDERS).but(**NOT_SEEING),
        kwargs=_api("inspection_zengcheng_review"),
        foreign=_api("inspection_huangpu_review"),
        body={"action": "publish"},
    ),
    Route(
        "POST /api/v1/inspection/{filing_id}/rectification",
        only(200, P.organization_account).but(**NOT_SEEING),
        kwargs=_api("inspection_zengcheng_rectifying"),
        foreign=_api("inspection_huangpu_rectifying"),
        body={"report": "已整改"},
    ),
    Route(
        "POST /api/v1/inspection/{filing_id}/rectification/verify",
        only(200, *DECIDERS).but(**NOT_SEEING),
        kwargs=_api("inspection_zengcheng_verifying"),
        foreign=_api("inspection_huangpu_verifying"),
        body={"approve": True},
    ),
]


def _filing(organization: SocialOrganization, year: int, status: str, **extra: Any) -> Filing:
    return Filing.objects.create(
        organization=organization,
        authority=organization.registration_authority,
        year=year,
        mode=extra.pop("mode", Mode.REPORT),
        status=status,
        activities="访问矩阵年度活动",
        income=Decimal("1000"),
        **extra,
    )


def _rectification(filing: Filing, status: str) -> Rectification:
    return Rectification.objects.create(
        filing=filing,
        status=status,
        requirements="访问矩阵整改要求",
        ordered_on=date(2024, 6, 3),
        working_days=30,
        due_on=date(2024, 7, 15),
        report="已整改" if status == RectificationStatus.SUBMITTED else "",
    )


def build_world(world: AccessWorld) -> None:
    orgs = organizations()
    for side, organization in (
        ("zengcheng", orgs["organization"]),
        ("huangpu", orgs["other_organization"]),
    ):
        world.add(
            f"inspection_{side}_draft", _filing(organization, FILING_YEAR, FilingStatus.DRAFT)
        )
        world.add(
            f"inspection_{side}_review",
            _filing(organization, FILING_YEAR - 1, FilingStatus.AUTHORITY_REVIEW),
        )
        rectifying = _filing(
            organization,
            FILING_YEAR - 2,
            FilingStatus.CONCLUDED,
            mode=Mode.INSPECTION,
            conclusion=Conclusion.BASICALLY_QUALIFIED,
        )
        _rectification(rectifying, RectificationStatus.OPEN)
        world.add(f"inspection_{side}_rectifying", rectifying)
        verifying = _filing(
            organization,
            FILING_YEAR - 3,
            FilingStatus.CONCLUDED,
            mode=Mode.INSPECTION,
            conclusion=Conclusion.UNQUALIFIED,
        )
        _rectification(verifying, RectificationStatus.SUBMITTED)
        world.add(f"inspection_{side}_verifying", verifying)
        world.add(
            f"inspection_{side}_config",
            InspectionConfig.objects.create(
                authority=organization.registration_authority,
                year=FILING_YEAR,
                mode=Mode.REPORT,
                window_opens_on=date(FILING_YEAR + 1, 1, 1),
                window_closes_on=date(FILING_YEAR + 1, 5, 31),
            ),
        )


def build_many(world: AccessWorld) -> None:
    """Tagged organizations on each side of the border with a submitted report each, so every
    list row names the county it belongs to."""
    organizations_: list[SocialOrganization] = []
    for county_code, base in ((COUNTY, 700_000), (NEIGHBOUR_COUNTY, 710_000)):
        county = Division.objects.get(code=county_code)
        village = Division.objects.get(code=f"{county_code}100200")
        for n in range(1, world.rows_per_side + 1):
            organizations_.append(
                SocialOrganization(
                    name=f"探针年报组织{row_tag(county_code, n)}",
                    credit_code=issue_credit_code(
                        organization_type="1", division_code=county_code, sequence=base + n
                    ),
                    org_type=OrgType.SOCIAL_GROUP,
                    industry=Industry.OTHER,
                    registration_authority=county,
                    authority_path=county.path,
                    address_division=village,
                    legal_representative="探针",
                    founded_on=date(2016, 1, 1),
                )
            )
    created = SocialOrganization.objects.bulk_create(organizations_)
    authorities = {code: Division.objects.get(code=code) for code in (COUNTY, NEIGHBOUR_COUNTY)}
    Filing.objects.bulk_create(
        Filing(
            organization=organization,
            authority=authorities[organization.registration_authority_id],
            authority_path=authorities[organization.registration_authority_id].path,
            year=FILING_YEAR,
            mode=Mode.REPORT,
            status=FilingStatus.SUBMITTED if n % 2 else FilingStatus.PUBLISHED,
            activities="探针",
            submitted_on=date(FILING_YEAR + 1, 3, 1),
        )
        for n, organization in enumerate(created)
    )
