from __future__ import annotations

import json
import logging

import pytest
from django.test import Client, RequestFactory

from shezhi.api.urls import USER_THROTTLE, api
from shezhi.core.models import Todo
from shezhi.core.testing import Personas
from shezhi.core.workflows import TransitionNotAllowed

from .conftest import bearer


def test_a_validation_error_lists_each_location_and_message(people: Personas, signed_in) -> None:
    response = signed_in(people.province_officer).get(
        "/api/v1/divisions/",
        {"limit": 0, "level": "district", "q": "x" * 51},
        HTTP_ACCEPT_LANGUAGE="zh-hans",
    )
    assert response.status_code == 422
    body = response.json()
    assert set(body) == {"detail", "code"}
    assert body["code"] == "invalid"
    assert all(set(item) == {"loc", "msg"} for item in body["detail"])
    messages = {tuple(item["loc"]): item["msg"] for item in body["detail"]}
    assert messages == {
        ("query", "q"): "最多 50 个字符。",
        ("query", "level"): "必须是以下之一：'province', 'city', 'county', 'town', 'village'。",
        ("query", "limit"): "不能小于 1。",
    }


def test_an_unknown_address_answers_404_in_the_error_shape(people: Personas, signed_in) -> None:
    client = signed_in(people.county_officer)
    for path in ("/api/v1/", "/api/v1/nothing/here", "/api/v1/me/extra"):
        response = client.get(path)
        assert response.status_code == 404, path
        assert response.json()["code"] == "not_found"


def test_a_missing_slash_redirects_keeping_the_query(people: Personas, signed_in) -> None:
    response = signed_in(people.county_officer).get("/api/v1/divisions", {"q": "测试"})
    assert response.status_code == 308
    assert response["Location"].startswith("/api/v1/divisions/?q=")


def test_a_wrong_method_answers_405_in_the_error_shape(people: Personas, token_for) -> None:
    response = Client().post("/api/v1/me", headers=bearer(token_for(people.county_officer)))
    assert response.status_code == 405
    assert response.json()["code"] == "method_not_allowed"
    assert response["Allow"] == "GET"


def test_an_unexpected_error_is_logged_and_answers_500_without_internals(
    people: Personas, signed_in, monkeypatch, caplog
) -> None:
    def broken(division: object) -> None:
        raise RuntimeError("secret internals")

    monkeypatch.setattr("shezhi.core.api.divisions.child_divisions", broken)
    with caplog.at_level(logging.ERROR, logger="shezhi.api"):
        response = signed_in(people.county_officer).get("/api/v1/divisions/440118")
    assert response.status_code == 500
    assert response["Content-Type"].startswith("application/json")
    assert response.json() == {"detail": "服务器内部错误", "code": "server_error"}
    assert "secret internals" in caplog.text


@pytest.mark.parametrize("debug", [True, False])
def test_the_500_shape_holds_with_debug_on_or_off(
    people: Personas, signed_in, monkeypatch, settings, debug
) -> None:
    settings.DEBUG = debug
    monkeypatch.setattr("shezhi.core.api.divisions.child_divisions", lambda division: 1 / 0)
    response = signed_in(people.county_officer).get("/api/v1/divisions/440118")
    assert response.json()["code"] == "server_error"


def test_a_transition_not_allowed_answers_409_with_the_allowed_actions(people: Personas) -> None:
    todo = Todo(status=Todo.Status.OVERDUE)
    request = RequestFactory().post("/api/v1/todos/1/reopen")
    response = api.on_exception(request, TransitionNotAllowed(todo, "open", {"done", "cancelled"}))
    assert response.status_code == 409
    body = json.loads(response.content)
    assert body["code"] == "conflict"
    assert body["allowed"] == ["cancelled", "done"]
    assert (body["status"], body["requested"]) == ("overdue", "open")
    assert "overdue" in body["detail"]


def test_too_many_requests_answer_429_per_user(people: Personas, token_for, monkeypatch) -> None:
    monkeypatch.setattr(USER_THROTTLE, "num_requests", 2)
    mine, theirs = bearer(token_for(people.county_officer)), bearer(token_for(people.city_officer))
    assert Client().get("/api/v1/me", headers=mine).status_code == 200
    assert Client().get("/api/v1/me", headers=mine).status_code == 200
    # Counted per user, not per address: another client from the same address goes on.
    assert Client().get("/api/v1/me", headers=theirs).status_code == 200
    response = Client().get("/api/v1/me", headers=mine)
    assert response.status_code == 429
    assert response.json()["code"] == "throttled"
    assert int(response["Retry-After"]) > 0
