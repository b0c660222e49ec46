"""/api/v1/social-orgs: the same scoping, filters and services as the pages; phones masked unless
the caller may reveal them; errors in the project's shape with Chinese messages."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth.models import Permission
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from shezhi.accounts.models import User
from shezhi.core.testing import NEIGHBOUR_COUNTY, NEIGHBOUR_VILLAGE, Personas
from shezhi.social_orgs.models import OrgStatus, SocialOrganization

from .conftest import make_org, many_orgs, next_code, valid_facts, zengcheng_org

pytestmark = pytest.mark.django_db

BASE = "/api/v1/social-orgs/"
Clients = Callable[[User], Client]


def payload(**overrides: Any) -> dict[str, Any]:
    facts = valid_facts(**overrides)
    facts["founded_on"] = facts["founded_on"].isoformat()
    return facts


def post(client: Client, url: str, data: dict[str, Any]) -> Any:
    return client.post(url, data, content_type="application/json")


def patch(client: Client, url: str, data: dict[str, Any]) -> Any:
    return client.patch(url, data, content_type="application/json")


def names(response: Any) -> set[str]:
    assert response.status_code == 200, response.content
    return {item["name"] for item in response.json()["items"]}


def test_a_county_officer_lists_only_the_county(people: Personas, token_client: Clients) -> None:
    make_org(name="增城区甲协会")
    make_org(NEIGHBOUR_COUNTY, name="黄埔区乙协会")
    make_org("440100", name="广州市丙协会")
    found = names(token_client(people.county_officer).get(BASE))
    assert "增城区甲协会" in found and "增城区测试协会" in found
    assert not found & {"黄埔区乙协会", "广州市丙协会", "黄埔区邻区协会"}


def test_the_organization_account_lists_its_own(people: Personas, token_client: Clients) -> None:
    make_org(name="增城区甲协会")
    assert names(token_client(people.organization_account).get(BASE)) == {"增城区测试协会"}


def test_roles_without_registry_business_get_403(people: Personas, token_client: Clients) -> None:
    client = token_client(people.town_officer)
    response = client.get(BASE)
    assert response.status_code == 403 and response.json()["code"] == "permission_denied"
    code = zengcheng_org().credit_code
    assert client.get(BASE + code).status_code == 403


def test_the_list_filters_as_the_page_does(people: Personas, token_client: Clients) -> None:
    make_org(name="空白点协会", full_member_count=5)
    make_org(NEIGHBOUR_COUNTY, name="黄埔异常协会", status=OrgStatus.ABNORMAL)
    make_org("440100", name="广州市协会")
    client = token_client(people.city_officer)
    assert names(client.get(BASE, {"division": "440118"})) >= {"空白点协会", "增城区测试协会"}
    assert "广州市协会" not in names(client.get(BASE, {"division": "440118"}))
    assert names(client.get(BASE, {"level": "city"})) == {"广州市协会"}
    assert names(client.get(BASE, {"status": "abnormal"})) == {"黄埔异常协会"}
    blank = names(client.get(BASE, {"coverage": "blank_spot", "division": "440118"}))
    assert "空白点协会" in blank and "增城区测试协会" not in blank
    assert names(client.get(BASE, {"q": "空白"})) == {"空白点协会"}
    # A division outside the caller's jurisdiction matches nothing (and says nothing).
    county = token_client(people.county_officer)
    assert names(county.get(BASE, {"division": NEIGHBOUR_COUNTY})) == set()


def test_the_list_sorts_and_refuses_unknown_sorts(people: Personas, token_client: Clients) -> None:
    make_org(name="大协会", staff_count=900)
    client = token_client(people.county_officer)
    items = client.get(BASE, {"sort": "-staff_count"}).json()["items"]
    assert items[0]["name"] == "大协会"
    response = client.get(BASE, {"sort": "legal_representative_phone"})
    assert response.status_code == 422 and response.json()["code"] == "invalid"


def test_the_detail_answers_404_outside_the_jurisdiction(
    people: Personas, token_client: Clients
) -> None:
    code = zengcheng_org().credit_code
    response = token_client(people.neighbour_officer).get(BASE + code)
    assert response.status_code == 404 and response.json()["code"] == "not_found"
    body = token_client(people.county_officer).get(BASE + code).json()
    assert body["credit_code"] == code
    assert body["registration_authority"] == {"code": "440118", "name": "增城区", "level": "county"}
    assert body["level"] == "county" and body["organization_covered"] is True


def test_phones_are_masked_unless_the_caller_may_reveal(
    people: Personas, token_client: Clients
) -> None:
    organization = make_org(legal_representative_phone="13912345678")
    url = BASE + organization.credit_code
    masked = token_client(people.county_officer).get(url).json()
    assert masked["legal_representative_phone"] == "139****5678"
    listed = token_client(people.county_officer).get(BASE).content.decode()
    assert "13912345678" not in listed
    revealer = people.city_officer
    revealer.user_permissions.add(Permission.objects.get(codename="reveal_personal_data"))
    revealer = User.objects.get(pk=revealer.pk)
    assert token_client(revealer).get(url).json()["legal_representative_phone"] == "13912345678"


def test_an_officer_registers_through_the_api(people: Personas, token_client: Clients) -> None:
    response = post(token_client(people.county_officer), BASE, payload(name="接口登记协会"))
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["name"] == "接口登记协会" and body["warnings"] == []
    assert body["legal_representative_phone"] == "139****5678"
    organization = SocialOrganization.objects.get(name="接口登记协会")
    assert organization.history.get().history_user == people.county_officer


def test_validation_errors_are_422_with_chinese_messages_naming_the_field(
    people: Personas, token_client: Clients
) -> None:
    good = next_code()
    wrong = good[:17] + ("0" if good[17] != "0" else "1")
    response = post(
        token_client(people.county_officer),
        BASE,
        payload(credit_code=wrong, address_division=NEIGHBOUR_VILLAGE),
    )
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "invalid"
    assert {"loc": ["body", "credit_code"], "msg": f"第18位校验码应为 {good[17]}。"} in body[
        "detail"
    ]
    assert any(
        item["loc"] == ["body", "address_division"] and "不在登记管理机关" in item["msg"]
        for item in body["detail"]
    )
    # Schema errors (a bad choice, a negative count) use the same shape, in Chinese too.
    response = post(
        token_client(people.county_officer), BASE, payload(org_type="club", staff_count=-1)
    )
    assert response.status_code == 422
    locs = {tuple(item["loc"]) for item in response.json()["detail"]}
    assert ("body", "payload", "org_type") in locs and ("body", "payload", "staff_count") in locs
    assert "不能小于 0。" in {item["msg"] for item in response.json()["detail"]}


def test_only_registry_officers_register(people: Personas, token_client: Clients) -> None:
    for persona in ("party_officer", "organization_account", "town_officer"):
        response = post(token_client(getattr(people, persona)), BASE, payload())
        assert response.status_code == 403
    assert not SocialOrganization.objects.filter(name="增城区新登记协会").exists()


def test_an_officer_corrects_through_the_api(people: Personas, token_client: Clients) -> None:
    organization = make_org(name="旧名")
    url = BASE + organization.credit_code
    response = patch(token_client(people.county_officer), url, {"name": "新名", "staff_count": 8})
    assert response.status_code == 200, response.content
    assert (response.json()["name"], response.json()["staff_count"]) == ("新名", 8)
    response = patch(token_client(people.county_officer), url, {"founded_on": "2999-01-01"})
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "founded_on"]


def test_the_organization_account_patches_only_its_contact_facts(
    people: Personas, token_client: Clients
) -> None:
    organization = zengcheng_org()
    client = token_client(people.organization_account)
    url = BASE + organization.credit_code
    response = patch(client, url, {"staff_count": 19, "address": "新址"})
    assert response.status_code == 200 and response.json()["staff_count"] == 19
    response = patch(client, url, {"name": "改名"})
    assert response.status_code == 403
    assert "不能修改：名称" in response.json()["detail"]
    other = token_client(people.other_organization_account)
    assert patch(other, url, {"staff_count": 1}).status_code == 404


def test_deregistering_through_the_api_and_409_when_final(
    people: Personas, token_client: Clients
) -> None:
    organization = make_org()
    client = token_client(people.county_officer)
    url = BASE + organization.credit_code
    response = post(client, url + "/deregister", {"reason": "增民注〔2024〕9号"})
    assert response.status_code == 200 and response.json()["status"] == "deregistered"
    response = post(client, url + "/revoke", {"reason": "再次"})
    assert response.status_code == 409
    body = response.json()
    assert (body["code"], body["status"], body["allowed"]) == ("conflict", "deregistered", [])
    response = post(token_client(people.organization_account), url, {"reason": "x"})
    assert response.status_code in (404, 405)


def test_the_list_costs_the_same_queries_for_5_or_30_rows(
    people: Personas, token_client: Clients
) -> None:
    client = token_client(people.county_officer)

    def queries(**params: Any) -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(BASE, params).status_code == 200
        return len(ctx)

    many_orgs(4)
    few = queries(limit=50)
    many_orgs(26)
    assert queries(limit=50) == few
    assert len(client.get(BASE, {"limit": 50}).json()["items"]) == 31
    few_filtered = queries(coverage="blank_spot", division="440118", q="组织")
    many_orgs(10)
    assert queries(coverage="blank_spot", division="440118", q="组织") == few_filtered
