"""/api/v1/party/applications: drafting, submitting and deciding through the API, with 409 when
the workflow's state says no and 422 when the proposal breaks a rule."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from shezhi.accounts.models import ApiToken
from shezhi.core.testing import downloaded
from shezhi.party.models import ApplicationStatus, PartyOrganization, PartyOrgApplication

pytestmark = pytest.mark.django_db
URL = "/api/v1/party/applications/"
JSON = "application/json"


def api(user) -> Client:
    raw = ApiToken.issue(user=user, name="test")[1]
    return Client(headers={"Authorization": f"Bearer {raw}"})


def establish_body(org, **proposal):
    return {
        "kind": "establish",
        "proposal": {
            "name": f"{org.name}党支部",
            "kind": "branch",
            "formation": "alone",
            "covered_organizations": [org.pk],
            **proposal,
        },
    }


def test_draft_submit_and_approve(party_world) -> None:
    org = party_world.org(full_members=3)
    county = api(party_world.county_party)
    response = county.post(URL, establish_body(org), content_type=JSON)
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["status"] == "draft" and body["status_label"] == "草稿"
    assert body["superior"]["id"] == party_world.city_committee.pk
    assert body["party_organization"] is None
    pk = body["id"]
    response = county.post(f"{URL}{pk}/submit")
    assert response.status_code == 200 and response.json()["status"] == "submitted"
    response = api(party_world.city_party).post(
        f"{URL}{pk}/decide", {"approve": True, "reason": "同意"}, content_type=JSON
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["status"] == "approved"
    created = PartyOrganization.objects.get(pk=body["party_organization"]["id"])
    org.refresh_from_db()
    assert org.organization_covered
    # The coverage the API reports changed in the same request.
    detail = api(party_world.people.county_officer).get(f"/api/v1/party/organizations/{created.pk}")
    assert detail.json()["covered_organizations"][0]["id"] == org.pk


def test_wrong_states_answer_409(party_world) -> None:
    org = party_world.org(full_members=3)
    county = api(party_world.county_party)
    pk = county.post(URL, establish_body(org), content_type=JSON).json()["id"]
    decider = api(party_world.city_party)
    response = decider.post(f"{URL}{pk}/decide", {"approve": True}, content_type=JSON)
    assert response.status_code == 409
    body = response.json()
    assert body["code"] == "conflict" and body["status"] == "draft"
    assert county.post(f"{URL}{pk}/submit").status_code == 200
    assert county.post(f"{URL}{pk}/submit").status_code == 409
    response = county.patch(
        f"{URL}{pk}", {"proposal": establish_body(org)["proposal"]}, content_type=JSON
    )
    assert response.status_code == 409


def test_two_officers_deciding_at_once_the_second_gets_409(party_world) -> None:
    org = party_world.org(full_members=3)
    county = api(party_world.county_party)
    pk = county.post(URL, establish_body(org), content_type=JSON).json()["id"]
    county.post(f"{URL}{pk}/submit")
    city, province = api(party_world.city_party), api(party_world.people.party_officer)
    first = city.post(f"{URL}{pk}/decide", {"approve": True}, content_type=JSON)
    second = province.post(
        f"{URL}{pk}/decide", {"approve": False, "reason": "不同意"}, content_type=JSON
    )
    assert first.status_code == 200
    assert second.status_code == 409
    assert second.json()["status"] == "approved"
    assert PartyOrganization.objects.filter(coverages__social_org=org).count() == 1


def test_only_the_superiors_officers_decide(party_world) -> None:
    org = party_world.org(full_members=3)
    county = api(party_world.county_party)
    pk = county.post(URL, establish_body(org), content_type=JSON).json()["id"]
    county.post(f"{URL}{pk}/submit")
    assert county.post(f"{URL}{pk}/decide", {"approve": True}, content_type=JSON).status_code == 403
    reader = api(party_world.people.city_officer)  # civil affairs reads, does not decide
    assert reader.post(f"{URL}{pk}/decide", {"approve": True}, content_type=JSON).status_code == 403
    outsider = api(party_world.neighbour_party)
    assert (
        outsider.post(f"{URL}{pk}/decide", {"approve": True}, content_type=JSON).status_code == 404
    )


def test_the_proposal_is_checked_at_the_edge_and_by_the_rules(party_world) -> None:
    org = party_world.org(full_members=1)
    county = api(party_world.county_party)
    shape = county.post(
        URL, {"kind": "establish", "proposal": {"kind": "branch"}}, content_type=JSON
    )
    assert shape.status_code == 422
    locations = [item["loc"] for item in shape.json()["detail"]]
    assert ["body", "proposal", "name"] in locations
    assert ["body", "proposal", "formation"] in locations
    rule = county.post(URL, establish_body(org), content_type=JSON)
    assert rule.status_code == 422
    assert any(
        item["loc"] == ["body", "formation"] and "第三十条" in item["msg"]
        for item in rule.json()["detail"]
    )
    missing = county.post(URL, {"kind": "dissolve", "proposal": {"reason": "x"}}, content_type=JSON)
    assert missing.status_code == 422
    reelect = county.post(
        URL,
        {"kind": "reelect", "party_organization": party_world.branch.pk, "proposal": {"posts": []}},
        content_type=JSON,
    )
    assert reelect.status_code == 422
    assert not PartyOrgApplication.objects.exists()


def test_a_secretary_files_for_their_organization_and_withdraws(party_world) -> None:
    secretary = api(party_world.people.branch_secretary)
    response = secretary.post(
        URL,
        {
            "kind": "dissolve",
            "party_organization": party_world.branch.pk,
            "proposal": {"reason": "单位注销"},
        },
        content_type=JSON,
    )
    assert response.status_code == 201, response.content
    pk = response.json()["id"]
    response = secretary.post(f"{URL}{pk}/withdraw", {"reason": "暂缓"}, content_type=JSON)
    assert response.json()["status"] == ApplicationStatus.WITHDRAWN
    # Establishing is the organization's business, not the secretary's.
    org = party_world.org(full_members=3)
    assert secretary.post(URL, establish_body(org), content_type=JSON).status_code in (403, 422)


def test_the_list_is_scoped_and_costs_fixed_queries(
    party_world, django_assert_max_num_queries
) -> None:
    county = api(party_world.county_party)
    for _i in range(2):
        county.post(URL, establish_body(party_world.org(full_members=3)), content_type=JSON)
    client = api(party_world.city_party)
    client.get(URL)
    with django_assert_max_num_queries(15) as few:
        assert client.get(URL).json()["count"] == 2
    for _i in range(8):
        county.post(URL, establish_body(party_world.org(full_members=3)), content_type=JSON)
    with django_assert_max_num_queries(15) as many:
        assert client.get(URL).json()["count"] == 10
    assert len(many.captured_queries) == len(few.captured_queries)
    assert api(party_world.neighbour_party).get(URL).json()["count"] == 0
    assert api(party_world.people.branch_secretary).get(URL).json()["count"] == 0
    assert client.get(URL, {"status": "submitted"}).json()["count"] == 0


def test_documents_through_the_api(party_world, settings, tmp_path) -> None:
    settings.MEDIA_ROOT = tmp_path
    org = party_world.org(full_members=3)
    county = api(party_world.county_party)
    pk = county.post(URL, establish_body(org), content_type=JSON).json()["id"]
    bad = county.post(
        f"{URL}{pk}/documents", {"file": SimpleUploadedFile("a.pdf", b"<html></html>")}
    )
    assert bad.status_code == 422
    good = county.post(
        f"{URL}{pk}/documents",
        {"title": "请示", "file": SimpleUploadedFile("a.pdf", b"%PDF-1.4 test")},
    )
    assert good.status_code == 201, good.content
    download = county.get(good.json()["download_url"])
    assert download.status_code == 200
    assert downloaded(download) == b"%PDF-1.4 test"
    assert api(party_world.neighbour_party).get(good.json()["download_url"]).status_code == 404
    assert county.get(f"{URL}{pk}").json()["document_count"] == 1
