"""The statistics page and API: what an officer reads, the figures agreeing with the records."""

from __future__ import annotations

import io
from datetime import date

import openpyxl
import pytest
from django.test import Client
from django.urls import reverse

from shezhi.core.models import Division
from shezhi.core.testing import COUNTY, NEIGHBOUR_COUNTY, Personas
from shezhi.party.coverage import coverage_refresh
from shezhi.party.models import Education, Gender, PartyMember, Stage
from shezhi.social_orgs.credit_code import issue_credit_code
from shezhi.social_orgs.models import Industry, OrgType, SocialOrganization

pytestmark = pytest.mark.django_db

API = "/api/v1/party/coverage"


def signed_in(user: object) -> Client:
    client = Client()
    client.force_login(user)  # type: ignore[arg-type]
    return client


def new_org(code: str, sequence: int) -> SocialOrganization:
    authority = Division.objects.get(code=code)
    return SocialOrganization.objects.create(
        name=f"新登记协会{sequence}",
        credit_code=issue_credit_code(organization_type="1", division_code=code, sequence=sequence),
        org_type=OrgType.SOCIAL_GROUP,
        registration_authority=authority,
        address_division=Division.objects.get(code="440118100200"),
        legal_representative="王五",
        founded_on=date(2020, 1, 1),
        industry=Industry.OTHER,
    )


def test_it_answers_the_figures_for_the_division_and_each_child(people: Personas) -> None:
    body = signed_in(people.city_officer).get(API, {"division": "440100"}).json()
    assert body["code"] == "440100"
    children = {c["code"]: c for c in body["children"]}
    assert COUNTY in children and NEIGHBOUR_COUNTY in children
    assert (
        body["registered_here"] + sum(c["social_orgs"] for c in body["children"])
        == body["social_orgs"]
    )
    assert children[COUNTY]["organization_covered"] == 1
    assert set(body["members_by_stage"]) == {s.value for s in Stage}


def test_it_defaults_to_the_officers_own_division(people: Personas) -> None:
    assert signed_in(people.county_officer).get(API).json()["code"] == COUNTY


def test_another_countys_figures_are_not_found(people: Personas) -> None:
    client = signed_in(people.county_officer)
    assert client.get(API, {"division": NEIGHBOUR_COUNTY}).status_code == 404
    assert client.get(API, {"division": "440100"}).status_code == 404
    assert client.get(reverse("party:coverage"), {"division": NEIGHBOUR_COUNTY}).status_code == 404


def test_roles_without_statistics_are_refused(people: Personas) -> None:
    for user in (people.town_officer, people.organization_account, people.branch_secretary):
        assert signed_in(user).get(reverse("party:coverage")).status_code == 403
        assert signed_in(user).get(API).status_code == 403


def test_a_new_organization_with_three_full_members_shows_at_once(people: Personas) -> None:
    client = signed_in(people.county_officer)
    before = client.get(API).json()
    org = new_org(COUNTY, 777001)
    for n in range(3):
        from stdnum.cn import ric

        body = f"44011819850{n + 1}01123"
        PartyMember.objects.create(
            name=f"党员{n}",
            gender=Gender.FEMALE,
            birth_date=date(1985, n + 1, 1),
            id_number=body + ric.calc_check_digit(body),
            education=Education.COLLEGE,
            employer=org,
            division=org.registration_authority,
            stage=Stage.FULL,
            full_on=date(2010, 1, 1),
        )
    coverage_refresh([org.pk])
    after = client.get(API).json()
    assert after["blank_spots"] == before["blank_spots"] + 1
    assert after["organization_coverage_rate"] < before["organization_coverage_rate"]
    page = client.get(reverse("party:coverage")).content.decode()
    link = f'href="/orgs/?division={COUNTY}&amp;coverage=blank_spot">{after["blank_spots"]}<'
    assert f'data-figure="blank_spots" {link}' in page


def test_the_page_shows_tables_beside_the_charts_and_exports(people: Personas) -> None:
    client = signed_in(people.city_officer)
    page = client.get(reverse("party:coverage"), {"division": "440100"}).content.decode()
    assert 'id="children-table"' in page and 'id="stage-table"' in page
    assert "增城区" in page and "?division=440118" in page
    export = client.get(reverse("party:coverage"), {"division": "440100", "format": "xlsx"})
    sheet = openpyxl.load_workbook(io.BytesIO(export.getvalue())).worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[1][1] == "440100"
    assert COUNTY in [row[1] for row in rows[2:]]


def test_the_page_takes_a_fixed_number_of_queries(
    people: Personas,
) -> None:
    client = signed_in(people.province_officer)
    client.get(reverse("party:coverage"))
    for n in range(15):
        new_org(NEIGHBOUR_COUNTY, 778000 + n)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as first:
        client.get(reverse("party:coverage"), {"division": "440100"})
    for n in range(15):
        new_org(COUNTY, 779000 + n)
    with CaptureQueriesContext(connection) as second:
        client.get(reverse("party:coverage"), {"division": "440100"})
    assert len(first) == len(second)


def test_findings_name_the_rule_subject_and_citation(people: Personas) -> None:
    org = new_org(COUNTY, 780001)
    client = signed_in(people.county_officer)
    body = client.get("/api/v1/party/findings", {"rule": "coverage.no_work_coverage"}).json()
    names = [item["subject_name"] for item in body["items"]]
    assert org.name in names
    item = next(i for i in body["items"] if i["subject_name"] == org.name)
    assert item["citation"].startswith("《关于加强社会组织党的建设工作的意见")
    assert item["url"] == f"/orgs/{org.credit_code}/"
    assert body["count"] == len(body["items"])


def test_findings_page_across_rules_and_refuse_unknown_rules(people: Personas) -> None:
    for n in range(4):
        new_org(COUNTY, 781000 + n)
    client = signed_in(people.county_officer)
    whole = client.get("/api/v1/party/findings", {"limit": 500}).json()
    first = client.get("/api/v1/party/findings", {"limit": 2}).json()
    second = client.get("/api/v1/party/findings", {"limit": 2, "offset": 2}).json()
    assert first["count"] == whole["count"] >= 4
    assert [i["subject_id"] for i in first["items"] + second["items"]] == [
        i["subject_id"] for i in whole["items"][:4]
    ]
    refused = client.get("/api/v1/party/findings", {"rule": "no.such"})
    assert refused.status_code == 422
    assert set(refused.json()) == {"detail", "code"}
    assert client.get("/api/v1/party/findings", {"division": NEIGHBOUR_COUNTY}).status_code == 404
