"""Who may reach the registry's pages and API operations, for the access matrix
(shezhi/core/access_testing.py, run by core/tests/test_access_matrix.py).

The personas' organization (增城区测试协会) is registered by Zengcheng 440118; the neighbouring
county's (黄埔区邻区协会) by Huangpu 440112. Roles without registry business (town, village,
supervision, window, branch secretary) are refused with 403 before any row is looked up, so a
foreign and a missing organization answer them alike.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from shezhi.core.access_testing import (
    AccessWorld,
    Expect,
    Route,
    everyone,
    only,
    redirect,
    row_tag,
)
from shezhi.core.access_testing import Persona as P
from shezhi.core.models import Division
from shezhi.core.testing import COUNTY, NEIGHBOUR_COUNTY, organizations
from shezhi.social_orgs.credit_code import issue_credit_code
from shezhi.social_orgs.models import Industry, OrganizationImport, OrgType, SocialOrganization

# The personas' organizations (core.testing.organizations issues these sequences).
ZENGCHENG_CODE = issue_credit_code(organization_type="1", division_code=COUNTY, sequence=900001)
HUANGPU_CODE = issue_credit_code(
    organization_type="1", division_code=NEIGHBOUR_COUNTY, sequence=900002
)
DETAIL = f"/orgs/{ZENGCHENG_CODE}/"
# A code nobody holds, for registering in the matrix (each request is rolled back).
NEW_CODE = issue_credit_code(organization_type="1", division_code=COUNTY, sequence=880001)

VIEWERS = (
    P.province_officer,
    P.city_officer,
    P.county_officer,
    P.neighbour_officer,
    P.party_officer,
    P.organization_account,
    P.other_organization_account,
    P.superuser,
)
REGISTRARS = (
    P.province_officer,
    P.city_officer,
    P.county_officer,
    P.neighbour_officer,
    P.superuser,
)
# Who sees the Zengcheng organization, and who may change it.
SEE_ZENGCHENG = (
    P.province_officer,
    P.city_officer,
    P.county_officer,
    P.party_officer,
    P.organization_account,
    P.superuser,
)
EDIT_ZENGCHENG = (P.province_officer, P.city_officer, P.county_officer, P.superuser)
# Viewers who do not see it: the answer is 404, as for a missing organization.
NOT_SEEING = {"neighbour_officer": 404, "other_organization_account": 404}


def _zengcheng(w: AccessWorld) -> dict[str, Any]:
    return {"credit_code": w.zengcheng_org.credit_code}


def _huangpu(w: AccessWorld) -> dict[str, Any]:
    return {"credit_code": w.huangpu_org.credit_code}


def _facts() -> dict[str, Any]:
    return {
        "credit_code": NEW_CODE,
        "name": "访问矩阵登记协会",
        "org_type": OrgType.SOCIAL_GROUP,
        "industry": Industry.CULTURE,
        "registration_authority": COUNTY,
        "address_division": "440118100200",
        "legal_representative": "访问矩阵",
        "founded_on": date(2016, 1, 1).isoformat(),
        "staff_count": 1,
    }


def _form(w: AccessWorld) -> dict[str, Any]:
    return _facts()


def _status_body(w: AccessWorld) -> dict[str, Any]:
    return {"to": "deregistered", "reason": "访问矩阵"}


ROUTES = [
    # --- officers' pages -----------------------------------------------------------------------
    Route(
        "social_orgs:list",
        only(200, *VIEWERS),
        lists_rows=True,
        min_own_rows=300,
    ),
    Route(
        "social_orgs:list",
        only(200, *VIEWERS),
        query={"format": "xlsx"},
        lists_rows=True,
        min_own_rows=300,
    ),
    Route(
        "social_orgs:detail",
        only(200, *SEE_ZENGCHENG).but(**NOT_SEEING),
        kwargs=_zengcheng,
        foreign=_huangpu,
    ),
    Route(
        "social_orgs:detail",
        only(200, *SEE_ZENGCHENG).but(**NOT_SEEING),
        kwargs=_zengcheng,
        query={"tab": "history"},
    ),
    Route(
        "social_orgs:edit",
        only(200, *EDIT_ZENGCHENG, P.organization_account).but(**NOT_SEEING),
        kwargs=_zengcheng,
        foreign=_huangpu,
        why="the party committee reads the registry but does not keep it",
    ),
    Route(
        "social_orgs:edit",
        only(redirect(DETAIL), P.organization_account).but(
            province_officer=200,
            city_officer=200,
            county_officer=200,
            superuser=200,
            **NOT_SEEING,
        ),
        method="POST",
        kwargs=_zengcheng,
        foreign=_huangpu,
        body={"address": "访问矩阵路1号", "staff_count": "3"},
        why="the organization's own short form saves; the officers' full form needs every fact "
        "and comes back with the missing ones marked (200)",
    ),
    Route(
        "social_orgs:status",
        only(redirect(DETAIL), *EDIT_ZENGCHENG).but(**NOT_SEEING),
        method="POST",
        kwargs=_zengcheng,
        foreign=_huangpu,
        body=_status_body,
    ),
    Route("social_orgs:create", only(200, *REGISTRARS)),
    Route(
        "social_orgs:create",
        only(Expect(302), *EDIT_ZENGCHENG).but(neighbour_officer=200),
        method="POST",
        body=_form,
        why="the neighbour may register, but not at Zengcheng: the form comes back with errors",
    ),
    Route("social_orgs:import", only(200, *REGISTRARS)),
    Route("social_orgs:import_template", only(200, *REGISTRARS)),
    Route(
        "social_orgs:import_detail",
        only(200, P.county_officer, P.superuser, others=403).but(
            province_officer=404, city_officer=404, neighbour_officer=404
        ),
        kwargs=lambda w: {"pk": w.zengcheng_import.pk},
        foreign=lambda w: {"pk": w.huangpu_import.pk},
        why="an import file is its uploader's alone (it holds phone numbers)",
    ),
    Route(
        "social_orgs:import_errors",
        only(200, P.county_officer, P.superuser, others=403).but(
            province_officer=404, city_officer=404, neighbour_officer=404
        ),
        kwargs=lambda w: {"pk": w.zengcheng_import.pk},
        foreign=lambda w: {"pk": w.huangpu_import.pk},
    ),
    # --- the public face --------------------------------------------------------------------------
    Route("public_orgs:search", everyone(200)),
    Route("public_orgs:search", everyone(200), query={"q": "协会"}),
    Route(
        "public_orgs:detail",
        everyone(200),
        kwargs=_zengcheng,
        why="the public register of the whole province: not scoped, no personal data",
    ),
    # --- API ------------------------------------------------------------------------------------
    Route(
        "GET /api/v1/social-orgs/",
        only(200, *VIEWERS),
        lists_rows=True,
        min_own_rows=300,
    ),
    Route(
        "GET /api/v1/social-orgs/{credit_code}",
        only(200, *SEE_ZENGCHENG).but(**NOT_SEEING),
        kwargs=_zengcheng,
        foreign=_huangpu,
    ),
    Route(
        "POST /api/v1/social-orgs/",
        only(201, *EDIT_ZENGCHENG).but(neighbour_officer=422),
        body=_facts(),
        why="the neighbour may register, but not at Zengcheng: 422 names the authority",
    ),
    Route(
        "PATCH /api/v1/social-orgs/{credit_code}",
        only(200, *EDIT_ZENGCHENG, P.organization_account).but(**NOT_SEEING),
        kwargs=_zengcheng,
        foreign=_huangpu,
        body={"staff_count": 7},
    ),
    Route(
        "POST /api/v1/social-orgs/{credit_code}/deregister",
        only(200, *EDIT_ZENGCHENG).but(**NOT_SEEING),
        kwargs=_zengcheng,
        foreign=_huangpu,
        body={"reason": "访问矩阵"},
    ),
    Route(
        "POST /api/v1/social-orgs/{credit_code}/revoke",
        only(200, *EDIT_ZENGCHENG).but(**NOT_SEEING),
        kwargs=_zengcheng,
        foreign=_huangpu,
        body={"reason": "访问矩阵"},
    ),
]


def _import(user: Any) -> OrganizationImport:
    return OrganizationImport.objects.create(
        created_by=user,
        original_name="访问矩阵.xlsx",
        size=1,
        file="imports/social_orgs/access-matrix.xlsx",
        status="invalid",
        errors=[[2, "名称", "请填写名称。"]],
        error_count=1,
    )


def build_world(world: AccessWorld) -> None:
    orgs = organizations()
    world.add("zengcheng_org", orgs["organization"])
    world.add("huangpu_org", orgs["other_organization"])
    world.add("zengcheng_import", _import(world.user(P.county_officer)))
    world.add("huangpu_import", _import(world.user(P.neighbour_officer)))


def build_many(world: AccessWorld) -> None:
    """Tagged organizations on each side of the border, registered by the county and living in
    its village, so every list row names the county it belongs to."""
    rows = []
    for county_code, sequence_base in ((COUNTY, 800_000), (NEIGHBOUR_COUNTY, 810_000)):
        county = Division.objects.get(code=county_code)
        village = Division.objects.get(code=f"{county_code}100200")
        for n in range(1, world.rows_per_side + 1):
            rows.append(
                SocialOrganization(
                    name=f"探针组织{row_tag(county_code, n)}",
                    credit_code=issue_credit_code(
                        organization_type="1", division_code=county_code, sequence=sequence_base + n
                    ),
                    org_type=OrgType.SOCIAL_GROUP,
                    industry=Industry.OTHER,
                    registration_authority=county,
                    authority_path=county.path,
                    address_division=village,
                    legal_representative="探针",
                    legal_representative_phone="13800138000",
                    founded_on=date(2016, 1, 1),
                )
            )
    SocialOrganization.objects.bulk_create(rows)
