"""The API and pages: scoping, 409 with the allowed actions, query counts, the public face."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from shezhi.core.testing import workbook_rows
from shezhi.inspection.models import Conclusion, Filing, FilingStatus

from .conftest import World

pytestmark = pytest.mark.django_db


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _post(client: Client, url: str, body: dict[str, Any]) -> Any:
    return client.post(url, json.dumps(body), content_type="application/json")


def test_the_organization_files_and_submits_through_the_api(world: World) -> None:
    client = _client(world.people.organization_account)

    created = _post(client, "/api/v1/inspection/", {"year": 2024, "activities": "年会"})
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["status"] == "draft" and body["allowed_actions"] == ["submit"]
    assert body["party_prefill"]["party_organization_name"] == "增城区测试协会党支部"

    patched = client.patch(
        f"/api/v1/inspection/{body['id']}",
        json.dumps({"income": "2500.00"}),
        content_type="application/json",
    )
    assert patched.status_code == 200 and patched.json()["income"] == "2500.00"
    submitted = _post(client, f"/api/v1/inspection/{body['id']}/submit", {})
    assert submitted.json()["status"] == "submitted"
    again = client.patch(
        f"/api/v1/inspection/{body['id']}",
        json.dumps({"income": "1"}),
        content_type="application/json",
    )
    assert again.status_code == 409


def test_a_wrong_state_answers_409_with_the_allowed_actions(world: World) -> None:
    filing = world.filing()
    client = _client(world.people.county_officer)

    response = _post(client, f"/api/v1/inspection/{filing.pk}/decide", {"action": "publish"})

    assert response.status_code == 409
    body = response.json()
    assert body["status"] == "submitted" and body["requested"] == "publish"
    assert body["allowed"] == ["accept", "return"]


def test_the_second_of_two_decisions_answers_409(world: World) -> None:
    filing = world.filing()
    first = _client(world.people.county_officer)
    second = _client(world.people.city_officer)
    url = f"/api/v1/inspection/{filing.pk}/decide"

    assert _post(first, url, {"action": "accept"}).status_code == 200
    assert _post(first, url, {"action": "publish"}).status_code == 200
    late = _post(second, url, {"action": "return", "reason": "迟到的退回"})

    assert late.status_code == 409 and late.json()["allowed"] == []


def test_rectification_through_the_api(world: World) -> None:
    filing = world.filing()
    Filing.objects.filter(pk=filing.pk).update(mode="inspection")
    officer = _client(world.people.county_officer)
    url = f"/api/v1/inspection/{filing.pk}"
    _post(officer, f"{url}/decide", {"action": "accept"})
    concluded = _post(
        officer,
        f"{url}/decide",
        {"action": "conclude", "conclusion": Conclusion.UNQUALIFIED, "reason": "限期整改"},
    )
    assert concluded.json()["rectification"]["status"] == "open"

    organization = _client(world.people.organization_account)
    reported = _post(organization, f"{url}/rectification", {"report": "已整改"})
    assert reported.json()["rectification"]["status"] == "submitted"
    rejected = _post(officer, f"{url}/rectification/verify", {"approve": False, "reason": "不足"})
    assert rejected.json()["rectification"]["rounds"] == 2
    assert rejected.json()["rectification"]["status"] == "open"


def test_scoping_county_officer_other_county_and_other_organization(world: World) -> None:
    mine = world.filing()
    theirs = world.filing(world.other)

    county = _client(world.people.county_officer)
    listed = county.get("/api/v1/inspection/").json()
    assert [item["id"] for item in listed["items"]] == [mine.pk]
    assert county.get(f"/api/v1/inspection/{theirs.pk}").status_code == 404
    assert county.get(f"/inspection/{theirs.pk}/").status_code == 404

    other_account = _client(world.people.other_organization_account)
    assert other_account.get(f"/inspection/{mine.pk}/").status_code == 404
    assert other_account.get(f"/api/v1/inspection/{mine.pk}").status_code == 404
    assert _client(world.people.town_officer).get("/inspection/").status_code == 403
    assert _client(world.people.party_officer).get("/api/v1/inspection/").status_code == 403

    city = _client(world.people.city_officer).get("/api/v1/inspection/").json()
    assert city["count"] == 2


def _many(world: World, n: int) -> None:
    for i in range(n):
        world.filing(world.org(f"批量协会{i:02d}"))


@pytest.mark.parametrize("rows", [5, 30])
def test_the_list_page_and_api_cost_the_same_queries_whatever_the_rows(
    world: World, rows: int, django_assert_max_num_queries: Any
) -> None:
    _many(world, rows)
    client = _client(world.people.county_officer)
    client.get("/inspection/")  # session and calendar caches
    with django_assert_max_num_queries(8) as page:
        assert client.get("/inspection/").status_code == 200
    with django_assert_max_num_queries(8) as api:
        assert client.get("/api/v1/inspection/?limit=50").status_code == 200
    # Recorded per size and compared in the test below through the module global.
    COUNTS[rows] = (len(page.captured_queries), len(api.captured_queries))
    if len(COUNTS) == 2:
        assert COUNTS[5] == COUNTS[30]


COUNTS: dict[int, tuple[int, int]] = {}


def test_the_pages_show_filters_export_and_history(world: World) -> None:
    filing = world.filing()
    client = _client(world.people.county_officer)

    listing = client.get("/inspection/", {"status": "submitted", "year": "2024", "q": "增城"})
    assert "增城区测试协会" in listing.content.decode()
    assert "增城区测试协会" not in client.get("/inspection/", {"status": "draft"}).content.decode()
    rows = workbook_rows(client.get("/inspection/", {"format": "xlsx"}))
    assert rows[0][0] == "社会组织" and rows[1][0] == "增城区测试协会"
    detail = client.get(f"/inspection/{filing.pk}/")
    assert detail.status_code == 200 and "受理" in detail.content.decode()
    assert client.get(f"/inspection/{filing.pk}/", {"tab": "history"}).status_code == 200
    decided = client.post(f"/inspection/{filing.pk}/decide/", {"action": "accept"})
    assert decided.status_code == 302
    filing.refresh_from_db()
    assert filing.status == FilingStatus.AUTHORITY_REVIEW


def test_the_completion_page_and_export(world: World) -> None:
    world.config(2024, "report")
    world.filing()
    client = _client(world.people.county_officer)

    page = client.get("/inspection/completion/", {"year": "2024"})
    assert page.status_code == 200 and "增城区" in page.content.decode()
    rows = workbook_rows(client.get("/inspection/completion/", {"year": "2024", "format": "xlsx"}))
    assert rows[0][:5] == ("登记管理机关", "方式", "应报数", "已报数", "报送率")
    assert rows[1][2:5] == (1, 1, "100.00%")
    api = client.get("/api/v1/inspection/completion", {"year": 2024}).json()
    assert api["rows"][0]["rate"] == 1.0 and api["total"]["due"] == 1


def test_the_public_page_shows_published_reports_only(world: World) -> None:
    published = world.filing(year=2023)
    Filing.objects.filter(pk=published.pk).update(
        status=FilingStatus.PUBLISHED, return_reason="内部意见不公开"
    )
    world.filing(year=2024)  # submitted, not public yet

    page = Client().get(f"/public/inspection/{world.organization.credit_code}/")
    text = page.content.decode()
    assert page.status_code == 200
    assert "2023年度" in text and "2024年度" not in text
    assert "内部意见不公开" not in text and "张三" not in text
    assert Client().get("/public/inspection/91440000MA0000000X/").status_code == 404


def test_the_organization_files_through_the_pages(world: World) -> None:
    client = _client(world.people.organization_account)
    form = client.get("/inspection/new/")
    assert form.status_code == 200 and "增城区测试协会党支部" in form.content.decode()
    created = client.post(
        "/inspection/new/",
        {
            "year": "2024",
            "activities": "年会",
            "income": "10",
            "expenditure": "5",
            "net_assets": "5",
            "staff_count": "3",
            "party_activities": "4",
            "party_member_count": "3",
            "has_party_organization": "on",
            "party_organization_name": "增城区测试协会党支部",
        },
    )
    assert created.status_code == 302, created.content.decode()[:2000]
    filing = Filing.objects.get(organization=world.organization, year=2024)
    assert client.post(f"/inspection/{filing.pk}/submit/").status_code == 302
    filing.refresh_from_db()
    assert filing.status == FilingStatus.SUBMITTED
