"""/api/v1/registration: the same services and scoping as the pages; 409 with the allowed
actions on a wrong state; query counts that do not grow with the page."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from shezhi.registration.models import FoundingApplication, Status

from .conftest import CHARTER, RegWorld, member

pytestmark = pytest.mark.django_db


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_an_officer_files_submits_and_decides_through_the_api(reg_world: RegWorld) -> None:
    officer = client_for(reg_world.people.county_officer)
    rows = [member() for _ in range(3)]
    for row in rows:
        row["stage_on"] = row["stage_on"].isoformat()
    body = {
        "name": "接口拟登记协会",
        "org_type": "social_group",
        "registration_authority": "440118",
        "address_division": "440118100200",
        "legal_representative": "王五",
        "industry": "culture",
        "charter_text": CHARTER,
        "members": rows,
    }
    response = officer.post("/api/v1/registration/", body, content_type="application/json")
    assert response.status_code == 201, response.content
    data = response.json()
    assert data["status"] == "draft" and len(data["members"]) == 3
    assert "*" in data["members"][0]["id_number"]  # masked
    checks = {c["key"]: c for c in data["checklist"]}
    assert not checks["party_organization"]["ok"] and checks["charter"]["ok"]
    pk = data["id"]
    response = officer.patch(
        f"/api/v1/registration/{pk}",
        {"coverage_plan": "establish", "party_org_kind": "branch", "party_org_name": "接口党支部"},
        content_type="application/json",
    )
    assert response.status_code == 200
    assert {c["key"]: c["ok"] for c in response.json()["checklist"]}["party_organization"]
    assert officer.post(f"/api/v1/registration/{pk}/submit").status_code == 200
    response = officer.post(
        f"/api/v1/registration/{pk}/decide", {"action": "accept"}, content_type="application/json"
    )
    assert response.json()["status"] == "accepted"
    # The letter is missing: the gate answers 422 naming it.
    response = officer.post(
        f"/api/v1/registration/{pk}/decide", {"action": "approve"}, content_type="application/json"
    )
    assert response.status_code == 422
    assert "④ 签订党建工作承诺书" in str(response.json()["detail"])


def test_a_wrong_state_answers_409_with_the_allowed_actions(reg_world: RegWorld) -> None:
    application = reg_world.application()
    officer = client_for(reg_world.people.county_officer)
    response = officer.post(
        f"/api/v1/registration/{application.pk}/decide",
        {"action": "approve"},
        content_type="application/json",
    )
    assert response.status_code == 409
    body = response.json()
    assert body["code"] == "conflict"
    assert set(body["allowed"]) == {Status.SUBMITTED, Status.WITHDRAWN}


def test_two_officers_deciding_at_once_one_gets_409(reg_world: RegWorld) -> None:
    application = reg_world.accepted()
    first = client_for(reg_world.people.county_officer)
    second = client_for(reg_world.people.city_officer)
    url = f"/api/v1/registration/{application.pk}/decide"
    assert (
        first.post(url, {"action": "approve"}, content_type="application/json").status_code == 200
    )
    response = second.post(
        url, {"action": "refuse", "reason": "否"}, content_type="application/json"
    )
    assert response.status_code == 409
    assert FoundingApplication.objects.get(pk=application.pk).status == Status.APPROVED


def test_a_county_officer_sees_only_the_county_and_the_neighbour_gets_404(reg_world) -> None:
    own = reg_world.application(name="增城拟登记协会")
    other = reg_world.application(name="黄埔拟登记协会", neighbour=True)
    county = client_for(reg_world.people.county_officer)
    names = [item["name"] for item in county.get("/api/v1/registration/").json()["items"]]
    assert "增城拟登记协会" in names and "黄埔拟登记协会" not in names
    assert county.get(f"/api/v1/registration/{other.pk}").status_code == 404
    neighbour = client_for(reg_world.people.neighbour_officer)
    assert neighbour.get(f"/api/v1/registration/{own.pk}").status_code == 404
    city = client_for(reg_world.people.city_officer)
    names = [item["name"] for item in city.get("/api/v1/registration/").json()["items"]]
    assert {"增城拟登记协会", "黄埔拟登记协会"} <= set(names)


def test_the_list_api_costs_the_same_queries_for_2_and_12_rows(reg_world: RegWorld) -> None:
    officer = client_for(reg_world.people.county_officer)

    def count() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert officer.get("/api/v1/registration/").status_code == 200
        return len(captured)

    for _n in range(2):
        reg_world.application(full=1, plan="instructor")
    few = count()
    for _n in range(10):
        reg_world.application(full=2, plan="instructor")
    assert count() == few
