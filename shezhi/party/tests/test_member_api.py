"""/api/v1/party/members and /transfers: the page's filters, scoping (404), masking unless the
caller may reveal (and then logged), writes through the services, 409 for the wrong state and
422 for a rule, fixed query counts."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from django.contrib.auth.models import Permission
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from shezhi.core.models import RevealLog
from shezhi.party.models import PartyMember, PartyOrganization, PartyOrgKind, Stage, Transfer

from .conftest import PartyWorld
from .members_support import make_id_number, make_member

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


def api(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def post(client: Client, url: str, body: dict[str, Any]) -> Any:
    return client.post(url, body, content_type="application/json")


@pytest.fixture
def members(party_world: PartyWorld) -> dict[str, PartyMember]:
    w = party_world
    huangpu_branch = PartyOrganization.objects.create(
        name="黄埔区邻区协会党支部",
        kind=PartyOrgKind.BRANCH,
        division=w.other_organization.registration_authority,
        founded_on=date(2018, 1, 1),
    )
    return {
        "ours": make_member(
            employer=w.organization, branch=w.branch, name="甲", phone="13812345678"
        ),
        "applicant": make_member(
            stage=Stage.APPLICANT, employer=w.organization, branch=w.branch, name="乙"
        ),
        "huangpu": make_member(employer=w.other_organization, branch=huangpu_branch, name="丙"),
    }


def test_it_lists_members_in_the_jurisdiction_masked(
    party_world: PartyWorld, members: dict[str, PartyMember]
) -> None:
    body = api(party_world.people.county_officer).get("/api/v1/party/members/").json()
    assert body["count"] == 2 and {m["name"] for m in body["items"]} == {"甲", "乙"}
    ours = next(m for m in body["items"] if m["name"] == "甲")
    assert (
        ours["id_number"]
        == members["ours"].id_number[:6] + "********" + members["ours"].id_number[-4:]
    )
    assert ours["phone"] == "138****5678" and ours["personal_data_masked"] is True
    assert RevealLog.objects.count() == 0
    body = api(party_world.people.neighbour_officer).get("/api/v1/party/members/").json()
    assert [m["name"] for m in body["items"]] == ["丙"]


def test_it_filters_like_the_page(party_world: PartyWorld, members: dict[str, PartyMember]) -> None:
    client = api(party_world.people.county_officer)
    body = client.get("/api/v1/party/members/", {"stage": "applicant"}).json()
    assert [m["name"] for m in body["items"]] == ["乙"]
    body = client.get("/api/v1/party/members/", {"q": members["ours"].id_number}).json()
    assert [m["name"] for m in body["items"]] == ["甲"]
    body = client.get("/api/v1/party/members/", {"branch": party_world.branch.pk}).json()
    assert body["count"] == 2
    body = client.get("/api/v1/party/members/", {"division": "440112"}).json()
    assert body["count"] == 0
    assert client.get("/api/v1/party/members/", {"division": "44"}).status_code == 422


def test_a_caller_who_may_reveal_gets_full_values_and_each_is_logged(
    party_world: PartyWorld, members: dict[str, PartyMember]
) -> None:
    officer = party_world.people.county_officer
    officer.user_permissions.add(Permission.objects.get(codename="reveal_personal_data"))
    client = api(officer)
    detail = client.get(f"/api/v1/party/members/{members['ours'].pk}").json()
    assert detail["id_number"] == members["ours"].id_number
    assert detail["phone"] == "13812345678" and detail["personal_data_masked"] is False
    assert RevealLog.objects.filter(subject_id=str(members["ours"].pk)).count() == 2
    client.get("/api/v1/party/members/")
    assert RevealLog.objects.count() == 2 + 3  # 甲: ID and phone; 乙: ID


def test_a_member_outside_answers_404(
    party_world: PartyWorld, members: dict[str, PartyMember]
) -> None:
    client = api(party_world.people.neighbour_officer)
    assert client.get(f"/api/v1/party/members/{members['ours'].pk}").status_code == 404
    response = client.patch(
        f"/api/v1/party/members/{members['ours'].pk}",
        {"name": "x"},
        content_type="application/json",
    )
    assert response.status_code == 404
    secretary = api(party_world.people.branch_secretary)
    assert secretary.get(f"/api/v1/party/members/{members['huangpu'].pk}").status_code == 404
    assert secretary.get(f"/api/v1/party/members/{members['ours'].pk}").status_code == 200
    town = api(party_world.people.town_officer)
    assert town.get("/api/v1/party/members/").status_code == 403


def test_it_registers_a_member_and_refuses_a_wrong_check_character(
    party_world: PartyWorld, members: dict[str, PartyMember]
) -> None:
    client = api(party_world.county_party)
    number = make_id_number(born=date(1992, 8, 9), male=False)
    wrong = number[:-1] + ("1" if number[-1] != "1" else "2")
    body = {
        "name": "新",
        "id_number": wrong,
        "education": "college",
        "employer_credit_code": party_world.organization.credit_code,
        "branch_id": party_world.branch.pk,
        "stage": "applicant",
        "applied_on": (TODAY - timedelta(days=2)).isoformat(),
    }
    response = post(client, "/api/v1/party/members/", body)
    assert response.status_code == 422
    assert f"第18位校验码应为 {number[-1]}" in str(response.json()["detail"])
    response = post(client, "/api/v1/party/members/", {**body, "id_number": number})
    assert response.status_code == 201, response.json()
    created = response.json()
    assert created["birth_date"] == "1992-08-09" and created["gender"] == "female"
    assert created["branch"]["id"] == party_world.branch.pk
    organization = party_world.organization
    organization.refresh_from_db()
    before = organization.full_member_count
    # The same person twice: refused through the blind index.
    response = post(client, "/api/v1/party/members/", {**body, "name": "重复", "id_number": number})
    assert response.status_code == 422 and "已登记" in str(response.json()["detail"])
    organization.refresh_from_db()
    assert organization.full_member_count == before


def test_adding_full_members_through_the_api_raises_the_organizations_count(
    party_world: PartyWorld,
) -> None:
    org = party_world.org()
    client = api(party_world.people.county_officer)
    for n in range(3):
        response = post(
            client,
            "/api/v1/party/members/",
            {
                "name": f"正式{n}",
                "id_number": make_id_number(born=date(1970, 1, 1 + n)),
                "education": "college",
                "employer_id": org.pk,
                "stage": "full",
                "probationary_on": "2000-07-01",
                "full_on": "2001-07-01",
            },
        )
        assert response.status_code == 201, response.json()
    org.refresh_from_db()
    assert org.full_member_count == 3 and not org.organization_covered


def test_it_corrects_a_member_and_refuses_a_branch_change(
    party_world: PartyWorld, members: dict[str, PartyMember]
) -> None:
    client = api(party_world.county_party)
    url = f"/api/v1/party/members/{members['ours'].pk}"
    response = client.patch(
        url, {"ethnicity": "回族", "is_mobile": True}, content_type="application/json"
    )
    assert response.status_code == 200, response.json()
    assert response.json()["ethnicity"] == "回族" and response.json()["is_mobile"] is True
    other = PartyOrganization.objects.create(
        name="另一支部",
        kind=PartyOrgKind.BRANCH,
        division=party_world.branch.division,
        founded_on=date(2019, 1, 1),
    )
    response = client.patch(url, {"branch_id": other.pk}, content_type="application/json")
    assert response.status_code == 422 and "组织关系转接" in str(response.json()["detail"])


def test_a_step_from_the_wrong_stage_is_409_and_a_rule_refusal_is_422(
    party_world: PartyWorld, members: dict[str, PartyMember]
) -> None:
    client = api(party_world.county_party)
    url = f"/api/v1/party/members/{members['applicant'].pk}/advance"
    response = post(client, url, {"to": "candidate", "on": TODAY.isoformat()})
    assert response.status_code == 409
    body = response.json()
    assert body["code"] == "conflict" and body["status"] == "applicant"
    assert body["allowed"] == ["activist"] and body["requested"] == "candidate"
    response = post(client, url, {"to": "activist", "on": TODAY.isoformat()})
    assert response.status_code == 200 and response.json()["stage"] == "activist"
    response = post(client, url, {"to": "candidate", "on": TODAY.isoformat()})
    assert response.status_code == 422
    message = response.json()["detail"][0]
    assert message["loc"] == ["body", "on"] and "第十二条" in message["msg"]


def test_an_organization_account_may_not_record_development(
    party_world: PartyWorld, members: dict[str, PartyMember]
) -> None:
    client = api(party_world.people.organization_account)
    url = f"/api/v1/party/members/{members['applicant'].pk}/advance"
    assert post(client, url, {"to": "activist", "on": TODAY.isoformat()}).status_code == 403


def test_transfers_through_the_api(
    party_world: PartyWorld, members: dict[str, PartyMember]
) -> None:
    w = party_world
    huangpu_branch = members["huangpu"].branch
    assert huangpu_branch is not None
    sender = api(w.county_party)
    response = post(
        sender,
        f"/api/v1/party/members/{members['ours'].pk}/transfers",
        {"to_branch_id": huangpu_branch.pk, "reason": "工作调动"},
    )
    assert response.status_code == 201, response.json()
    transfer_id = response.json()["id"]
    response = post(
        sender,
        f"/api/v1/party/members/{members['ours'].pk}/transfers",
        {"to_branch_id": huangpu_branch.pk},
    )
    assert response.status_code == 409  # one letter in flight
    # Both sides see it; only the receiving side decides.
    receiver = api(w.neighbour_party)
    assert receiver.get(f"/api/v1/party/transfers/{transfer_id}").status_code == 200
    assert post(sender, f"/api/v1/party/transfers/{transfer_id}/receive", {}).status_code == 403
    assert (
        post(receiver, f"/api/v1/party/transfers/{transfer_id}/cancel", {"reason": "x"}).status_code
        == 403
    )
    response = post(receiver, f"/api/v1/party/transfers/{transfer_id}/receive", {"note": "欢迎"})
    assert response.status_code == 200 and response.json()["status"] == "received"
    assert (
        post(
            receiver, f"/api/v1/party/transfers/{transfer_id}/reject", {"reason": "迟"}
        ).status_code
        == 409
    )
    member = PartyMember.objects.get(pk=members["ours"].pk)
    assert member.branch == huangpu_branch and member.division_id == "440112"
    # The member now answers to Huangpu: Zengcheng no longer sees them.
    assert sender.get(f"/api/v1/party/members/{member.pk}").status_code == 404
    listing = sender.get("/api/v1/party/transfers/").json()
    assert [t["id"] for t in listing["items"]] == [transfer_id]


def test_the_list_costs_the_same_queries_for_few_and_many_rows(
    party_world: PartyWorld, members: dict[str, PartyMember]
) -> None:
    officer = party_world.people.county_officer
    officer.user_permissions.add(Permission.objects.get(codename="reveal_personal_data"))
    client = api(officer)
    client.get("/api/v1/party/members/")

    def count() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/api/v1/party/members/").status_code == 200
        return len(captured.captured_queries)

    few = count()
    for _i in range(15):
        make_member(employer=party_world.organization, branch=party_world.branch, refresh=False)
    assert count() == few
    Transfer.objects.all().delete()
    with CaptureQueriesContext(connection) as captured:
        client.get("/api/v1/party/transfers/")
    assert len(captured.captured_queries) <= few
