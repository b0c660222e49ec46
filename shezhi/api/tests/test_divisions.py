from __future__ import annotations

import pytest

from shezhi.core.models import Division
from shezhi.core.testing import (
    NEIGHBOUR_COUNTY,
    NEIGHBOUR_TOWN,
    TOWN,
    VILLAGE,
    Personas,
    ensure_division,
)


def test_it_answers_a_division_with_its_parent_and_children(people: Personas, signed_in) -> None:
    response = signed_in(people.city_officer).get("/api/v1/divisions/440100")
    assert response.status_code == 200
    body = response.json()
    assert list(body) == ["code", "name", "level", "parent", "children"]
    assert (body["code"], body["name"], body["level"], body["parent"]) == (
        "440100",
        "广州市",
        "city",
        "440000",
    )
    # The 11 current districts of Guangzhou, in code order; abolished codes are not children.
    assert len(body["children"]) == 11
    assert body["children"][0] == {"code": "440103", "name": "荔湾区", "level": "county"}
    assert [c["code"] for c in body["children"]] == sorted(c["code"] for c in body["children"])
    assert "440183" not in {c["code"] for c in body["children"]}


@pytest.mark.parametrize(
    ("code", "level", "parent"),
    [
        ("440000", "province", None),
        ("440118", "county", "440100"),
        (TOWN, "town", "440118"),
        (VILLAGE, "village", TOWN),
    ],
)
def test_it_names_every_level(people: Personas, signed_in, code, level, parent) -> None:
    body = signed_in(people.superuser).get(f"/api/v1/divisions/{code}").json()
    assert (body["level"], body["parent"]) == (level, parent)


def test_a_county_officer_sees_their_county_and_below(people: Personas, signed_in) -> None:
    client = signed_in(people.county_officer)
    assert client.get("/api/v1/divisions/440118").json()["children"] == [
        {"code": TOWN, "name": "测试镇", "level": "town"}
    ]
    assert client.get(f"/api/v1/divisions/{VILLAGE}").status_code == 200


def test_the_neighbouring_county_is_indistinguishable_from_a_missing_code(
    people: Personas, signed_in
) -> None:
    client = signed_in(people.county_officer)
    neighbour = client.get(f"/api/v1/divisions/{NEIGHBOUR_COUNTY}")
    neighbour_town = client.get(f"/api/v1/divisions/{NEIGHBOUR_TOWN}")
    missing = client.get("/api/v1/divisions/449999")
    above = client.get("/api/v1/divisions/440100")
    assert (
        neighbour.status_code
        == neighbour_town.status_code
        == missing.status_code
        == above.status_code
        == 404
    )
    assert neighbour.json() == neighbour_town.json() == missing.json() == above.json()
    assert missing.json()["code"] == "not_found"


def test_an_organization_account_sees_no_division(people: Personas, signed_in) -> None:
    assert signed_in(people.organization_account).get("/api/v1/divisions/440000").status_code == 404
    assert signed_in(people.organization_account).get("/api/v1/divisions/").json() == {
        "count": 0,
        "items": [],
    }


def test_it_searches_by_name_within_the_jurisdiction(people: Personas, signed_in) -> None:
    # Both Zengcheng and Huangpu have a division whose name contains "测试" or "邻区"; the county
    # officer of Zengcheng finds only Zengcheng's.
    ensure_division("440112101", "测试街道", Division.Level.TOWN, NEIGHBOUR_COUNTY)
    body = signed_in(people.county_officer).get("/api/v1/divisions/", {"q": "测试"}).json()
    assert body == {
        "count": 2,
        "items": [
            {"code": TOWN, "name": "测试镇", "level": "town"},
            {"code": VILLAGE, "name": "测试村", "level": "village"},
        ],
    }
    city_body = signed_in(people.city_officer).get("/api/v1/divisions/", {"q": "测试"}).json()
    assert {item["code"] for item in city_body["items"]} == {TOWN, VILLAGE, "440112101"}


def test_it_searches_by_code_prefix_and_level(people: Personas, signed_in) -> None:
    client = signed_in(people.province_officer)
    by_code = client.get("/api/v1/divisions/", {"q": "4401", "level": "county"}).json()
    assert by_code["count"] == 11
    assert all(
        item["code"].startswith("4401") and item["level"] == "county" for item in by_code["items"]
    )
    cities = client.get("/api/v1/divisions/", {"level": "city", "limit": 100}).json()
    assert cities["count"] == 21
    assert cities["items"][0] == {"code": "440100", "name": "广州市", "level": "city"}


def test_it_hides_abolished_codes_unless_asked(people: Personas, signed_in) -> None:
    client = signed_in(people.province_officer)
    assert client.get("/api/v1/divisions/", {"q": "440183"}).json()["count"] == 0
    old = client.get("/api/v1/divisions/", {"q": "440183", "include_abolished": "true"}).json()
    assert old["items"] == [{"code": "440183", "name": "增城市", "level": "county"}]


def test_it_refuses_an_unknown_level(people: Personas, signed_in) -> None:
    response = signed_in(people.province_officer).get("/api/v1/divisions/", {"level": "district"})
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["query", "level"]


def _add_towns(count: int) -> None:
    for n in range(count):
        ensure_division(f"440118{200 + n:03d}", f"新镇{n}", Division.Level.TOWN, "440118")


def test_the_detail_takes_the_same_queries_for_many_children(
    people: Personas, signed_in, django_assert_num_queries
) -> None:
    client = signed_in(people.county_officer)
    _add_towns(2)
    # session, user (with division), the division, its children
    with django_assert_num_queries(4):
        assert len(client.get("/api/v1/divisions/440118").json()["children"]) == 3
    _add_towns(12)
    with django_assert_num_queries(4):
        assert len(client.get("/api/v1/divisions/440118").json()["children"]) == 13


def test_the_search_takes_the_same_queries_for_many_rows(
    people: Personas, signed_in, django_assert_num_queries
) -> None:
    client = signed_in(people.county_officer)
    _add_towns(2)
    # session, user (with division), count, page
    with django_assert_num_queries(4):
        assert client.get("/api/v1/divisions/", {"level": "town"}).json()["count"] == 3
    _add_towns(12)
    with django_assert_num_queries(4):
        assert client.get("/api/v1/divisions/", {"level": "town"}).json()["count"] == 13
