"""Who may reach the party-organization pages and API operations (party organizations,
business handling, instructors), for the access matrix (shezhi/core/access_testing.py, run by
core/tests/test_access_matrix.py through shezhi/party/tests/access.py).
 The personas' branch (增城区测试协会党支部)
answers to Zengcheng 440118 under the Guangzhou social-organization party committee; the matrix
adds its Huangpu twin. Roles without party business (town, village, supervision, window) are
refused with 403 before any row is looked up, so a foreign and a missing record answer them
alike.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from shezhi.core.access_testing import AccessWorld, Expect, Route, only, row_tag, signed_in
from shezhi.core.access_testing import Persona as P
from shezhi.core.models import Division
from shezhi.core.testing import CITY, COUNTY, NEIGHBOUR_COUNTY, organizations
from shezhi.party.coverage import coverage_refresh
from shezhi.party.models import (
    ApplicationDocument,
    ApplicationKind,
    ApplicationStatus,
    Coverage,
    Education,
    Formation,
    Gender,
    Instructor,
    InstructorAssignment,
    PartyMember,
    PartyOrganization,
    PartyOrgApplication,
    PartyOrgKind,
    Stage,
)
from shezhi.party.services.organizations import leading_committees_ensure
from shezhi.social_orgs.credit_code import issue_credit_code
from shezhi.social_orgs.models import Industry, OrgType, SocialOrganization

# Who reads party organizations and business handling (can_view_party_organizations).
READERS = (
    P.province_officer,
    P.city_officer,
    P.county_officer,
    P.neighbour_officer,
    P.party_officer,
    P.organization_account,
    P.other_organization_account,
    P.branch_secretary,
    P.superuser,
)
# Who sees the Zengcheng branch and its applications; the readers who do not get 404.
SEE_ZENGCHENG = (
    P.province_officer,
    P.city_officer,
    P.county_officer,
    P.party_officer,
    P.organization_account,
    P.branch_secretary,
    P.superuser,
)
NOT_SEEING = {"neighbour_officer": 404, "other_organization_account": 404}
# Who speaks for the Zengcheng applications (drafted by the branch's secretary).
APPLICANTS = (P.party_officer, P.branch_secretary, P.superuser)
# The party committee's officers: they register records, decide and manage instructors.
PARTY = (P.party_officer, P.superuser)
# Instructors are officers' business.
INSTRUCTOR_READERS = (
    P.province_officer,
    P.city_officer,
    P.county_officer,
    P.neighbour_officer,
    P.party_officer,
    P.superuser,
)
SEE_ZENGCHENG_INSTRUCTOR = only(
    200, P.province_officer, P.city_officer, P.county_officer, P.party_officer, P.superuser
).but(neighbour_officer=404)
FOUND = Expect(302)  # redirected back to the record's page, not to sign-in


def _branch(w: AccessWorld) -> dict[str, Any]:
    return {"pk": w.zengcheng_branch.pk}


def _foreign_branch(w: AccessWorld) -> dict[str, Any]:
    return {"pk": w.huangpu_branch.pk}


def _draft(w: AccessWorld) -> dict[str, Any]:
    return {"pk": w.zengcheng_draft.pk}


def _foreign_draft(w: AccessWorld) -> dict[str, Any]:
    return {"pk": w.huangpu_draft.pk}


def _submitted(w: AccessWorld) -> dict[str, Any]:
    return {"pk": w.zengcheng_submitted.pk}


def _foreign_submitted(w: AccessWorld) -> dict[str, Any]:
    return {"pk": w.huangpu_submitted.pk}


def _instructor(w: AccessWorld) -> dict[str, Any]:
    return {"pk": w.zengcheng_instructor.pk}


def _foreign_instructor(w: AccessWorld) -> dict[str, Any]:
    return {"pk": w.huangpu_instructor.pk}


def _api(key: str, kwargs: Any) -> Any:
    """The same arguments under an operation's parameter name."""
    return lambda w: {key: kwargs(w)["pk"]}


def _registration(w: AccessWorld) -> dict[str, Any]:
    return {
        "name": "访问矩阵登记党支部",
        "kind": "branch",
        "formation": "alone",
        "covered_organizations": [w.zengcheng_blank.pk],
        "founded_on": "2015-07-01",
    }


def _establishment(w: AccessWorld) -> dict[str, Any]:
    return {
        "kind": "establish",
        "proposal": {
            "name": "访问矩阵新党支部",
            "kind": "branch",
            "formation": "alone",
            "covered_organizations": [w.zengcheng_blank.pk],
        },
    }


ROUTES = [
    # --- party organizations: pages --------------------------------------------------------------
    Route("party:organization_list", only(200, *READERS), lists_rows=True, min_own_rows=300),
    Route(
        "party:organization_list",
        only(200, *READERS),
        query={"format": "xlsx"},
        lists_rows=True,
        min_own_rows=300,
    ),
    Route(
        "party:organization_detail",
        only(200, *SEE_ZENGCHENG).but(**NOT_SEEING),
        kwargs=_branch,
        foreign=_foreign_branch,
    ),
    Route(
        "party:organization_detail",
        only(200, *SEE_ZENGCHENG).but(**NOT_SEEING),
        kwargs=_branch,
        query={"tab": "history"},
    ),
    Route(
        "core:history",
        only(200, *SEE_ZENGCHENG).but(**NOT_SEEING),
        kwargs=lambda w: {"label": "party.partyorganization", "pk": w.zengcheng_branch.pk},
        foreign=lambda w: {"label": "party.partyorganization", "pk": w.huangpu_branch.pk},
    ),
    # --- business handling: pages ----------------------------------------------------------------
    Route("party:application_list", only(200, *READERS), lists_rows=True, min_own_rows=300),
    Route(
        "party:application_list",
        only(200, *READERS),
        query={"format": "xlsx"},
        lists_rows=True,
        min_own_rows=300,
    ),
    Route(
        "party:application_create",
        only(200, *PARTY, P.organization_account, P.other_organization_account),
        kwargs=lambda w: {"kind": "establish"},
        why="an organization applies to establish its party organization; a secretary's branch "
        "exists already; civil affairs reads party business but does not file it",
    ),
    Route(
        "party:application_create",
        only(422, *PARTY, P.organization_account, P.other_organization_account),
        method="POST",
        kwargs=lambda w: {"kind": "establish"},
        body={},
        why="an empty form comes back with its errors marked",
    ),
    Route(
        "party:application_detail",
        only(200, *SEE_ZENGCHENG).but(**NOT_SEEING),
        kwargs=_draft,
        foreign=_foreign_draft,
    ),
    Route(
        "party:application_edit",
        only(200, *APPLICANTS).but(**NOT_SEEING),
        kwargs=_draft,
        foreign=_foreign_draft,
    ),
    Route(
        "party:application_edit",
        only(422, *APPLICANTS).but(**NOT_SEEING),
        method="POST",
        kwargs=_draft,
        foreign=_foreign_draft,
        body={},
    ),
    Route(
        "party:application_submit",
        only(FOUND, *APPLICANTS).but(**NOT_SEEING),
        method="POST",
        kwargs=_draft,
        foreign=_foreign_draft,
    ),
    Route(
        "party:application_withdraw",
        only(FOUND, *APPLICANTS).but(**NOT_SEEING),
        method="POST",
        kwargs=_draft,
        foreign=_foreign_draft,
    ),
    Route(
        "party:application_decide",
        only(FOUND, *PARTY).but(**NOT_SEEING),
        method="POST",
        kwargs=_submitted,
        foreign=_foreign_submitted,
        body={"decision": "approve"},
        why="the superior's officers decide: the province's party committee is above Guangzhou's",
    ),
    Route(
        "party:document_upload",
        only(FOUND, *APPLICANTS).but(**NOT_SEEING),
        method="POST",
        kwargs=_draft,
        foreign=_foreign_draft,
        body={},
        why="no file: the page says so and goes back to the application",
    ),
    Route(
        "party:document_download",
        only(404, *READERS),
        kwargs=lambda w: {"pk": w.zengcheng_draft.pk, "document_pk": w.zengcheng_document.pk},
        foreign=lambda w: {"pk": w.huangpu_draft.pk, "document_pk": w.huangpu_document.pk},
        why="the matrix stores no file, so even who may read it gets 404; the gate (403 for other "
        "roles, sign-in for nobody) is proven here, the file in test_application_documents",
    ),
    Route(
        "core:history",
        only(200, *SEE_ZENGCHENG).but(**NOT_SEEING),
        kwargs=lambda w: {"label": "party.partyorgapplication", "pk": w.zengcheng_draft.pk},
        foreign=lambda w: {"label": "party.partyorgapplication", "pk": w.huangpu_draft.pk},
    ),
    # --- instructors: pages ----------------------------------------------------------------------
    Route(
        "party:instructor_list", only(200, *INSTRUCTOR_READERS), lists_rows=True, min_own_rows=300
    ),
    Route(
        "party:instructor_list",
        only(200, *INSTRUCTOR_READERS),
        query={"format": "xlsx"},
        lists_rows=True,
        min_own_rows=300,
    ),
    Route("party:instructor_create", only(200, *PARTY)),
    Route("party:instructor_create", only(422, *PARTY), method="POST", body={}),
    Route(
        "party:instructor_detail",
        SEE_ZENGCHENG_INSTRUCTOR,
        kwargs=_instructor,
        foreign=_foreign_instructor,
    ),
    Route("party:instructor_edit", only(200, *PARTY), kwargs=_instructor),
    Route("party:instructor_edit", only(422, *PARTY), method="POST", kwargs=_instructor, body={}),
    Route(
        "party:instructor_assign",
        only(FOUND, *PARTY),
        method="POST",
        kwargs=_instructor,
        body={},
        why="no organization named: the page says so and goes back to the instructor",
    ),
    Route(
        "party:assignment_end",
        only(FOUND, *PARTY),
        method="POST",
        kwargs=lambda w: {
            "pk": w.zengcheng_instructor.pk,
            "assignment_pk": w.zengcheng_assignment.pk,
        },
    ),
    # --- API -------------------------------------------------------------------------------------
    Route(
        "GET /api/v1/party/organizations/",
        only(200, *READERS),
        lists_rows=True,
        min_own_rows=300,
    ),
    Route(
        "GET /api/v1/party/organizations/{organization_id}",
        only(200, *SEE_ZENGCHENG).but(**NOT_SEEING),
        kwargs=_api("organization_id", _branch),
        foreign=_api("organization_id", _foreign_branch),
    ),
    Route(
        "POST /api/v1/party/organizations/",
        only(201, *PARTY),
        body=_registration,
        why="direct registration is data migration, the party committee's: others apply",
    ),
    Route(
        "PATCH /api/v1/party/organizations/{organization_id}",
        only(200, *PARTY).but(**NOT_SEEING),
        kwargs=_api("organization_id", _branch),
        foreign=_api("organization_id", _foreign_branch),
        body={"name": "访问矩阵更正党支部"},
    ),
    Route(
        "GET /api/v1/party/applications/",
        only(200, *READERS),
        lists_rows=True,
        min_own_rows=300,
    ),
    Route(
        "GET /api/v1/party/applications/{application_id}",
        only(200, *SEE_ZENGCHENG).but(**NOT_SEEING),
        kwargs=_api("application_id", _draft),
        foreign=_api("application_id", _foreign_draft),
    ),
    Route(
        "POST /api/v1/party/applications/",
        only(201, *PARTY).but(organization_account=422, other_organization_account=422),
        body=_establishment,
        why="an organization account may establish only for its own organization: naming "
        "another is 422 (not found in its jurisdiction)",
    ),
    Route(
        "PATCH /api/v1/party/applications/{application_id}",
        only(200, *APPLICANTS).but(**NOT_SEEING),
        kwargs=_api("application_id", _draft),
        foreign=_api("application_id", _foreign_draft),
        body={"proposal": {"name": "访问矩阵再更名党支部"}},
    ),
    Route(
        "POST /api/v1/party/applications/{application_id}/submit",
        only(200, *APPLICANTS).but(**NOT_SEEING),
        kwargs=_api("application_id", _draft),
        foreign=_api("application_id", _foreign_draft),
    ),
    Route(
        "POST /api/v1/party/applications/{application_id}/withdraw",
        only(200, *APPLICANTS).but(**NOT_SEEING),
        kwargs=_api("application_id", _draft),
        foreign=_api("application_id", _foreign_draft),
    ),
    Route(
        "POST /api/v1/party/applications/{application_id}/decide",
        only(200, *PARTY).but(**NOT_SEEING),
        kwargs=_api("application_id", _submitted),
        foreign=_api("application_id", _foreign_submitted),
        body={"approve": True},
    ),
    Route(
        "POST /api/v1/party/applications/{application_id}/documents",
        signed_in(422),
        kwargs=_api("application_id", _draft),
        foreign=_api("application_id", _foreign_draft),
        why="a JSON body carries no file: the multipart form is checked before anything else",
    ),
    Route(
        "GET /api/v1/party/applications/{application_id}/documents/{document_id}",
        only(404, *READERS),
        kwargs=lambda w: {
            "application_id": w.zengcheng_draft.pk,
            "document_id": w.zengcheng_document.pk,
        },
        foreign=lambda w: {
            "application_id": w.huangpu_draft.pk,
            "document_id": w.huangpu_document.pk,
        },
        why="no file stored in the matrix (see the page's download)",
    ),
    Route(
        "GET /api/v1/party/instructors/",
        only(200, *INSTRUCTOR_READERS),
        lists_rows=True,
        min_own_rows=300,
    ),
    Route(
        "GET /api/v1/party/instructors/{instructor_id}",
        SEE_ZENGCHENG_INSTRUCTOR,
        kwargs=_api("instructor_id", _instructor),
        foreign=_api("instructor_id", _foreign_instructor),
    ),
    Route(
        "POST /api/v1/party/instructors/",
        only(201, *PARTY),
        body={"name": "访问矩阵指导员", "division": COUNTY},
    ),
    Route(
        "PATCH /api/v1/party/instructors/{instructor_id}",
        only(200, *PARTY).but(neighbour_officer=404),
        kwargs=_api("instructor_id", _instructor),
        foreign=_api("instructor_id", _foreign_instructor),
        body={"workplace": "访问矩阵"},
    ),
    Route(
        "POST /api/v1/party/instructors/{instructor_id}/assignments",
        only(201, *PARTY).but(neighbour_officer=404),
        kwargs=_api("instructor_id", _instructor),
        foreign=_api("instructor_id", _foreign_instructor),
        body=lambda w: {"social_org": w.zengcheng_blank.pk},
    ),
    Route(
        "POST /api/v1/party/instructors/{instructor_id}/assignments/{assignment_id}/end",
        only(200, *PARTY).but(neighbour_officer=404),
        kwargs=lambda w: {
            "instructor_id": w.zengcheng_instructor.pk,
            "assignment_id": w.zengcheng_assignment.pk,
        },
        foreign=lambda w: {
            "instructor_id": w.huangpu_instructor.pk,
            "assignment_id": w.huangpu_assignment.pk,
        },
    ),
]


def _full_members(org: SocialOrganization, count: int, first: int) -> None:
    from stdnum.cn import ric

    for n in range(first, first + count):
        body = f"44011819850101{n % 1000:03d}"
        PartyMember.objects.create(
            name=f"访问矩阵党员{n}",
            gender=Gender.MALE,
            birth_date=date(1985, 1, 1),
            id_number=body + ric.calc_check_digit(body),
            education=Education.COLLEGE,
            employer=org,
            division=org.registration_authority,
            stage=Stage.FULL,
            full_on=date(2010, 1, 1),
        )
    coverage_refresh([org.pk])


def _application(branch: PartyOrganization, status: str, name: str, by: Any) -> Any:
    assert branch.parent is not None, "an application goes to the branch's superior"
    return PartyOrgApplication.objects.create(
        kind=ApplicationKind.CHANGE,
        party_organization=branch,
        superior=branch.parent,
        division=branch.division,
        proposal={"name": name},
        status=status,
        created_by=by,
    )


def build_world(world: AccessWorld) -> None:
    committees = {c.division_id: c for c in leading_committees_ensure()}
    orgs = organizations()
    branch = orgs["branch"]
    if branch.parent_id is None:
        branch.parent = committees[CITY]
        branch.save()
    huangpu_org = orgs["other_organization"]
    huangpu = PartyOrganization.objects.create(
        name="黄埔区邻区协会党支部",
        kind=PartyOrgKind.BRANCH,
        formation=Formation.ALONE,
        parent=committees[CITY],
        division=huangpu_org.registration_authority,
        founded_on=date(2017, 3, 1),
        term_started_on=date(2023, 3, 1),
    )
    Coverage.objects.create(
        party_organization=huangpu, social_org=huangpu_org, since=date(2017, 3, 1)
    )
    coverage_refresh([huangpu_org.pk])
    world.add("zengcheng_branch", branch)
    world.add("huangpu_branch", huangpu)

    # An uncovered Zengcheng organization with three full members: what the matrix establishes,
    # registers and assigns an instructor to.
    county = Division.objects.get(code=COUNTY)
    blank = SocialOrganization.objects.create(
        name="访问矩阵待建党组织协会",
        credit_code=issue_credit_code(organization_type="1", division_code=COUNTY, sequence=870001),
        org_type=OrgType.SOCIAL_GROUP,
        registration_authority=county,
        address_division=orgs["organization"].address_division,
        legal_representative="访问矩阵",
        founded_on=date(2016, 1, 1),
        industry=Industry.CULTURE,
        staff_count=9,
    )
    _full_members(blank, 3, 870)
    world.add("zengcheng_blank", blank)

    secretary = world.user(P.branch_secretary)
    for side, party_org, by in (("zengcheng", branch, secretary), ("huangpu", huangpu, None)):
        draft = _application(party_org, ApplicationStatus.DRAFT, f"{side}访问矩阵更名", by)
        submitted = _application(party_org, ApplicationStatus.SUBMITTED, f"{side}访问矩阵审批", by)
        world.add(f"{side}_draft", draft)
        world.add(f"{side}_submitted", submitted)
        world.add(
            f"{side}_document",
            ApplicationDocument.objects.create(
                application=draft,
                title="访问矩阵材料",
                file=f"party/applications/access-matrix/{side}.pdf",
            ),
        )
    for side, code, org in (
        ("zengcheng", COUNTY, orgs["organization"]),
        ("huangpu", NEIGHBOUR_COUNTY, huangpu_org),
    ):
        instructor = Instructor.objects.create(
            name=f"访问矩阵指导员{side}",
            division=Division.objects.get(code=code),
            phone="13800138000",
        )
        world.add(f"{side}_instructor", instructor)
        world.add(
            f"{side}_assignment",
            InstructorAssignment.objects.create(
                instructor=instructor, social_org=org, assigned_on=date(2024, 1, 1)
            ),
        )


def build_many(world: AccessWorld) -> None:
    """Tagged party organizations, applications and instructors on each side of the border,
    answering to the county, so every list row names the county it belongs to."""
    guangzhou = PartyOrganization.objects.get(kind=PartyOrgKind.LEADING_COMMITTEE, division_id=CITY)
    organizations_, applications, instructors = [], [], []
    for county_code in (COUNTY, NEIGHBOUR_COUNTY):
        county = Division.objects.get(code=county_code)
        for n in range(1, world.rows_per_side + 1):
            tag = row_tag(county_code, n)
            organizations_.append(
                PartyOrganization(
                    name=f"探针党支部{tag}",
                    kind=PartyOrgKind.BRANCH,
                    formation=Formation.ALONE,
                    parent=guangzhou,
                    division=county,
                    division_path=county.path,
                    founded_on=date(2016, 1, 1),
                )
            )
            applications.append(
                PartyOrgApplication(
                    kind=ApplicationKind.ESTABLISH,
                    superior=guangzhou,
                    division=county,
                    division_path=county.path,
                    proposal={"name": f"探针申请{tag}", "kind": "branch", "formation": "alone"},
                )
            )
            instructors.append(
                Instructor(name=f"探针指导员{tag}", division=county, division_path=county.path)
            )
    PartyOrganization.objects.bulk_create(organizations_)
    PartyOrgApplication.objects.bulk_create(applications)
    Instructor.objects.bulk_create(instructors)
