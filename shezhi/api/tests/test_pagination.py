from __future__ import annotations

from django.test import override_settings

from shezhi.core.testing import Personas


def test_it_answers_exactly_count_and_items(people: Personas, signed_in) -> None:
    body = (
        signed_in(people.province_officer)
        .get("/api/v1/divisions/", {"level": "city", "limit": 5})
        .json()
    )
    assert list(body) == ["count", "items"]
    assert body["count"] == 21
    assert [item["code"] for item in body["items"]] == [
        "440100",
        "440200",
        "440300",
        "440400",
        "440500",
    ]


def test_it_pages_with_limit_and_offset(people: Personas, signed_in) -> None:
    client = signed_in(people.province_officer)
    page = client.get("/api/v1/divisions/", {"level": "city", "limit": 5, "offset": 20}).json()
    assert page == {"count": 21, "items": [{"code": "445300", "name": "云浮市", "level": "city"}]}
    beyond = client.get("/api/v1/divisions/", {"level": "city", "offset": 100}).json()
    assert beyond == {"count": 21, "items": []}


def test_the_default_page_is_50_rows(people: Personas, signed_in) -> None:
    body = signed_in(people.province_officer).get("/api/v1/divisions/").json()
    assert body["count"] > 50
    assert len(body["items"]) == 50


def test_a_limit_above_the_maximum_is_capped(people: Personas, signed_in) -> None:
    client = signed_in(people.province_officer)
    body = client.get("/api/v1/divisions/", {"limit": 100000}).json()
    assert body["count"] > 100
    assert len(body["items"]) == min(body["count"], 500)
    with override_settings(NINJA_PAGINATION_MAX_LIMIT=3):
        body = client.get("/api/v1/divisions/", {"level": "city", "limit": 10}).json()
    assert (body["count"], len(body["items"])) == (21, 3)


def test_a_bad_limit_or_offset_answers_422(people: Personas, signed_in) -> None:
    client = signed_in(people.province_officer)
    for params, loc in (
        ({"limit": 0}, ["query", "limit"]),
        ({"limit": -5}, ["query", "limit"]),
        ({"limit": "many"}, ["query", "limit"]),
        ({"offset": -1}, ["query", "offset"]),
        ({"offset": "1.5"}, ["query", "offset"]),
        ({"offset": 10**21}, ["query", "offset"]),  # would overflow the database's OFFSET
    ):
        response = client.get("/api/v1/divisions/", params)
        assert response.status_code == 422, params
        body = response.json()
        assert body["code"] == "invalid"
        assert [item["loc"] for item in body["detail"]] == [loc]
