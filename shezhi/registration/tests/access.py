"""Who may reach the founding-registration pages and API operations, for the access matrix
(shezhi/core/access_testing.py, run by core/tests/test_access_matrix.py).

Readers are the civil-affairs and party-committee officers (their jurisdiction) and organization
accounts (only what they filed or their own organization's application: the personas' accounts
are bound to registered organizations, so they see none). Officers of the registering authority
or above handle an application; the neighbouring county's officer sees nothing of Zengcheng's.
"""

from __future__ import annotations

from typing import Any

from shezhi.core.access_testing import AccessWorld, Expect, Route, only, row_tag
from shezhi.core.access_testing import Persona as P
from shezhi.core.models import Division
from shezhi.core.testing import COUNTY, NEIGHBOUR_COUNTY, grassroots
from shezhi.registration.models import FoundingApplication, Status
from shezhi.social_orgs.models import Industry, OrgType

READERS = (
    P.province_officer,
    P.city_officer,
    P.county_officer,
    P.neighbour_officer,
    P.party_officer,
    P.organization_account,
    P.other_organization_account,
    P.superuser,
)
SEE_ZENGCHENG = (P.province_officer, P.city_officer, P.county_officer, P.party_officer, P.superuser)
NOT_SEEING = {
    "neighbour_officer": 404,
    "organization_account": 404,
    "other_organization_account": 404,
}
# Registry officers of the registering level or above: enter paper applications and decide.
OFFICERS = (P.province_officer, P.city_officer, P.county_officer, P.superuser)
FILERS = (*OFFICERS, P.neighbour_officer)
FOUND = Expect(302)


def _draft(w: AccessWorld) -> dict[str, Any]:
    return {"pk": w.zengcheng_founding_draft.pk}


def _foreign_draft(w: AccessWorld) -> dict[str, Any]:
    return {"pk": w.huangpu_founding_draft.pk}


def _submitted(w: AccessWorld) -> dict[str, Any]:
    return {"pk": w.zengcheng_founding_submitted.pk}


def _foreign_submitted(w: AccessWorld) -> dict[str, Any]:
    return {"pk": w.huangpu_founding_submitted.pk}


def _api(kwargs: Any) -> Any:
    return lambda w: {"application_id": kwargs(w)["pk"]}


CREATE_BODY = {
    "name": "访问矩阵拟登记协会",
    "org_type": "social_group",
    "registration_authority": COUNTY,
    "address_division": "440118100200",
    "legal_representative": "访问矩阵",
    "industry": "culture",
    "staff_count": 3,
}

ROUTES = [
    Route("registration:application_list", only(200, *READERS), lists_rows=True, min_own_rows=300),
    Route(
        "registration:application_list",
        only(200, *READERS),
        query={"format": "xlsx"},
        lists_rows=True,
        min_own_rows=300,
    ),
    Route(
        "registration:application_create",
        only(200, *FILERS),
        why="officers enter paper applications; an organization account bound to a registered "
        "organization is no founding applicant",
    ),
    Route(
        "registration:application_create",
        only(422, *FILERS),
        method="POST",
        body={},
        why="an empty form comes back with its errors marked",
    ),
    Route(
        "registration:application_detail",
        only(200, *SEE_ZENGCHENG).but(**NOT_SEEING),
        kwargs=_draft,
        foreign=_foreign_draft,
    ),
    Route(
        "registration:application_detail",
        only(200, *SEE_ZENGCHENG).but(**NOT_SEEING),
        kwargs=_draft,
        query={"tab": "history"},
    ),
    Route(
        "registration:application_edit",
        only(200, *OFFICERS).but(**NOT_SEEING),
        kwargs=_draft,
        foreign=_foreign_draft,
        why="the party committee reads but does not file registrations",
    ),
    Route(
        "registration:application_edit",
        only(422, *OFFICERS).but(**NOT_SEEING),
        method="POST",
        kwargs=_draft,
        foreign=_foreign_draft,
        body={},
    ),
    Route(
        "registration:application_submit",
        only(FOUND, *OFFICERS).but(**NOT_SEEING),
        method="POST",
        kwargs=_draft,
        foreign=_foreign_draft,
    ),
    Route(
        "registration:application_withdraw",
        only(FOUND, *OFFICERS).but(**NOT_SEEING),
        method="POST",
        kwargs=_draft,
        foreign=_foreign_draft,
    ),
    Route(
        "registration:application_decide",
        only(FOUND, *OFFICERS).but(**NOT_SEEING),
        method="POST",
        kwargs=_submitted,
        foreign=_foreign_submitted,
        body={"action": "accept"},
    ),
    Route(
        "registration:application_exempt",
        only(FOUND, *OFFICERS).but(**NOT_SEEING),
        method="POST",
        kwargs=_submitted,
        foreign=_foreign_submitted,
        body={},
        why="no reason given: the page says so and goes back to the application",
    ),
    Route(
        "registration:file_download",
        only(404, *READERS),
        kwargs=lambda w: {"pk": w.zengcheng_founding_draft.pk, "which": "charter"},
        foreign=lambda w: {"pk": w.huangpu_founding_draft.pk, "which": "charter"},
        why="the matrix stores no file, so even who may read it gets 404; the gate is proven "
        "here, the file in test_pages",
    ),
    Route(
        "core:history",
        only(200, *SEE_ZENGCHENG).but(**NOT_SEEING),
        kwargs=lambda w: {
            "label": "registration.foundingapplication",
            "pk": w.zengcheng_founding_draft.pk,
        },
        foreign=lambda w: {
            "label": "registration.foundingapplication",
            "pk": w.huangpu_founding_draft.pk,
        },
    ),
    # --- API ---------------------------------------------------------------------------------
    Route("GET /api/v1/registration/", only(200, *READERS), lists_rows=True, min_own_rows=300),
    Route(
        "GET /api/v1/registration/{application_id}",
        only(200, *SEE_ZENGCHENG).but(**NOT_SEEING),
        kwargs=_api(_draft),
        foreign=_api(_foreign_draft),
    ),
    Route(
        "POST /api/v1/registration/",
        only(201, *OFFICERS).but(neighbour_officer=422),
        body=CREATE_BODY,
        why="Huangpu's officer may not file for the Zengcheng authority: 422 at the field",
    ),
    Route(
        "PATCH /api/v1/registration/{application_id}",
        only(200, *OFFICERS).but(**NOT_SEEING),
        kwargs=_api(_draft),
        foreign=_api(_foreign_draft),
        body={"name": "访问矩阵改名协会"},
    ),
    Route(
        "POST /api/v1/registration/{application_id}/submit",
        only(200, *OFFICERS).but(**NOT_SEEING),
        kwargs=_api(_draft),
        foreign=_api(_foreign_draft),
    ),
    Route(
        "POST /api/v1/registration/{application_id}/decide",
        only(200, *OFFICERS).but(**NOT_SEEING),
        kwargs=_api(_submitted),
        foreign=_api(_foreign_submitted),
        body={"action": "accept"},
    ),
]


def _application(county: str, village: Division, name: str, status: str, by: Any) -> Any:
    return FoundingApplication.objects.create(
        name=name,
        org_type=OrgType.SOCIAL_GROUP,
        registration_authority=Division.objects.get(code=county),
        address_division=village,
        legal_representative="访问矩阵",
        industry=Industry.CULTURE,
        status=status,
        created_by=by,
    )


def build_world(world: AccessWorld) -> None:
    places = grassroots()
    for side, county, village, by in (
        ("zengcheng", COUNTY, places["village"], world.user(P.county_officer)),
        ("huangpu", NEIGHBOUR_COUNTY, places["neighbour_village"], world.user(P.neighbour_officer)),
    ):
        world.add(
            f"{side}_founding_draft",
            _application(county, village, f"{side}访问矩阵拟登记协会", Status.DRAFT, by),
        )
        world.add(
            f"{side}_founding_submitted",
            _application(county, village, f"{side}访问矩阵待审查协会", Status.SUBMITTED, by),
        )


def build_many(world: AccessWorld) -> None:
    """Tagged applications on each side of the border, so every list row names its county."""
    places = grassroots()
    rows = []
    for county_code, village in (
        (COUNTY, places["village"]),
        (NEIGHBOUR_COUNTY, places["neighbour_village"]),
    ):
        county = Division.objects.get(code=county_code)
        for n in range(1, world.rows_per_side + 1):
            rows.append(
                FoundingApplication(
                    name=f"探针拟登记协会{row_tag(county_code, n)}",
                    org_type=OrgType.SOCIAL_GROUP,
                    registration_authority=county,
                    division_path=county.path,
                    address_division=village,
                    legal_representative="探针",
                    industry=Industry.CULTURE,
                )
            )
    FoundingApplication.objects.bulk_create(rows)
