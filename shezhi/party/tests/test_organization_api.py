"""/api/v1/party/organizations: the page's filters, one organization, and direct registration
reserved to party-committee officers (data migration)."""

from __future__ import annotations

from datetime import date

import pytest
from django.test import Client

from shezhi.accounts.models import ApiToken
from shezhi.core.testing import NEIGHBOUR_COUNTY
from shezhi.party.models import Coverage, Formation, PartyOrganization, PartyOrgKind

pytestmark = pytest.mark.django_db
URL = "/api/v1/party/organizations/"


def api(user) -> Client:
    raw = ApiToken.issue(user=user, name="test")[1]
    return Client(headers={"Authorization": f"Bearer {raw}"})


def branch_in(world, authority="440118", **extra):
    org = world.org(authority, full_members=extra.pop("full_members", 0))
    branch = PartyOrganization.objects.create(
        name=extra.pop("name", f"{org.name}党支部"),
        kind=extra.pop("kind", PartyOrgKind.BRANCH),
        formation=extra.pop("formation", Formation.ALONE),
        parent=world.city_committee,
        division=org.registration_authority,
        founded_on=date(2020, 1, 1),
        term_started_on=date(2024, 1, 1),
    )
    Coverage.objects.create(party_organization=branch, social_org=org, since=date(2020, 1, 1))
    return branch


def names(response) -> set[str]:
    assert response.status_code == 200, response.content
    return {item["name"] for item in response.json()["items"]}


def test_it_lists_what_the_caller_may_see(party_world) -> None:
    huangpu = branch_in(party_world, NEIGHBOUR_COUNTY)
    county = names(api(party_world.people.county_officer).get(URL))
    assert party_world.branch.name in county and huangpu.name not in county
    assert names(api(party_world.people.branch_secretary).get(URL)) == {party_world.branch.name}
    assert names(api(party_world.people.organization_account).get(URL)) == {party_world.branch.name}
    assert api(party_world.people.town_officer).get(URL).status_code == 403


def test_it_filters_like_the_page(party_world) -> None:
    joint = branch_in(
        party_world, kind=PartyOrgKind.JOINT_BRANCH, formation=Formation.JOINT, name="API联合党支部"
    )
    branch_in(party_world, NEIGHBOUR_COUNTY, name="API黄埔党支部")
    client = api(party_world.people.city_officer)
    assert names(client.get(URL, {"kind": "joint_branch"})) == {joint.name}
    assert names(client.get(URL, {"division": "440112"})) == {"API黄埔党支部"}
    assert names(client.get(URL, {"q": "API联合"})) == {joint.name}
    assert joint.name in names(client.get(URL, {"parent": party_world.city_committee.pk}))
    assert names(client.get(URL, {"status": "dissolved"})) == set()
    assert client.get(URL, {"division": "44"}).status_code == 422


def test_one_organization_with_its_coverage_and_counts(party_world) -> None:
    party_world.members(party_world.organization, 3, branch=party_world.branch)
    response = api(party_world.people.county_officer).get(f"{URL}{party_world.branch.pk}")
    assert response.status_code == 200
    body = response.json()
    assert body["kind"] == "branch" and body["kind_label"] == "党支部"
    assert body["parent"]["id"] == party_world.city_committee.pk
    assert body["division"]["code"] == "440118"
    assert body["covered_count"] == 1
    assert body["covered_organizations"][0]["credit_code"] == party_world.organization.credit_code
    assert body["full_members"] == 3 and body["members_by_stage"]["full"] == 3
    assert body["term_ends_on"] == str(party_world.branch.term_ends_on)
    assert (
        api(party_world.people.neighbour_officer).get(f"{URL}{party_world.branch.pk}").status_code
        == 404
    )


def test_the_list_costs_the_same_queries_for_few_or_many(
    party_world, django_assert_max_num_queries
) -> None:
    client = api(party_world.people.city_officer)
    client.get(URL)
    with django_assert_max_num_queries(15) as few:
        client.get(URL)
    for _i in range(10):
        branch_in(party_world)
    with django_assert_max_num_queries(15) as many:
        response = client.get(URL)
    assert response.json()["count"] >= 11
    assert len(many.captured_queries) == len(few.captured_queries)


def registration(world, org, **extra):
    return {
        "name": extra.pop("name", f"{org.name}党支部"),
        "kind": "branch",
        "formation": "alone",
        "covered_organizations": [org.pk],
        "founded_on": "2012-05-04",
        "term_years": 3,
        "term_started_on": "2024-05-04",
        **extra,
    }


def test_a_party_committee_officer_registers_an_existing_organization(party_world) -> None:
    org = party_world.org(full_members=3)
    response = api(party_world.county_party).post(
        URL, registration(party_world, org), content_type="application/json"
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["parent"]["id"] == party_world.city_committee.pk  # the committee answering there
    assert body["founded_on"] == "2012-05-04" and body["term_started_on"] == "2024-05-04"
    org.refresh_from_db()
    assert org.organization_covered  # coverage facts at once


def test_others_establish_through_an_application(party_world) -> None:
    org = party_world.org(full_members=3)
    for user in (
        party_world.people.county_officer,
        party_world.people.organization_account,
        party_world.people.branch_secretary,
    ):
        response = api(user).post(
            URL, registration(party_world, org), content_type="application/json"
        )
        assert response.status_code == 403
    assert not PartyOrganization.objects.filter(name=f"{org.name}党支部").exists()


def test_registration_keeps_the_rules(party_world) -> None:
    org = party_world.org(full_members=2)
    response = api(party_world.county_party).post(
        URL, registration(party_world, org), content_type="application/json"
    )
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "invalid"
    assert any(item["loc"] == ["body", "formation"] for item in body["detail"])
    huangpu = party_world.org(NEIGHBOUR_COUNTY, full_members=3)
    response = api(party_world.county_party).post(
        URL, registration(party_world, huangpu), content_type="application/json"
    )
    assert response.status_code == 422


def test_a_party_committee_officer_corrects_a_record(party_world) -> None:
    url = f"{URL}{party_world.branch.pk}"
    response = api(party_world.county_party).patch(
        url, {"name": "更正后的党支部", "founded_on": "2016-07-01"}, content_type="application/json"
    )
    assert response.status_code == 200, response.content
    party_world.branch.refresh_from_db()
    assert party_world.branch.name == "更正后的党支部"
    assert (
        api(party_world.people.branch_secretary)
        .patch(url, {"name": "x"}, content_type="application/json")
        .status_code
        == 403
    )
    assert (
        api(party_world.neighbour_party)
        .patch(url, {"name": "x"}, content_type="application/json")
        .status_code
        == 404
    )
