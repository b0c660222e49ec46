from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from shezhi.accounts.models import ApiToken
from shezhi.accounts.services import MAX_ACTIVE_TOKENS, api_token_issue, api_token_revoke
from shezhi.core.testing import Personas


@pytest.fixture
def browser(people: Personas) -> Client:
    """The county officer in a browser that enforces CSRF, with the CSRF cookie set."""
    client = Client(enforce_csrf_checks=True)
    client.force_login(people.county_officer)
    client.get("/accounts/tokens/")
    return client


def csrf(client: Client) -> dict[str, str]:
    return {"csrfmiddlewaretoken": client.cookies["csrftoken"].value}


def test_it_shows_the_new_token_once_and_stores_only_its_hash(
    browser: Client, people: Personas
) -> None:
    response = browser.post("/accounts/tokens/new/", {"name": "区级数据同步脚本", **csrf(browser)})
    assert response.status_code == 200
    raw = response.context["raw_token"]
    assert raw.startswith("shz_")
    assert raw in response.content.decode()
    assert "no-store" in response["Cache-Control"]

    token = ApiToken.objects.get(user=people.county_officer)
    assert (token.name, token.hint) == ("区级数据同步脚本", raw[-4:])
    assert raw not in token.digest
    listing = browser.get("/accounts/tokens/").content.decode()
    assert "区级数据同步脚本" in listing and f"…{raw[-4:]}" in listing
    assert raw not in listing
    # The raw value works against the API, for its owner.
    me = Client().get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert me.json()["username"] == people.county_officer.username


def test_it_lists_only_the_users_own_tokens(browser: Client, people: Personas) -> None:
    ApiToken.issue(user=people.county_officer, name="我的脚本")
    ApiToken.issue(user=people.neighbour_officer, name="邻区脚本")
    page = browser.get("/accounts/tokens/").content.decode()
    assert "我的脚本" in page
    assert "邻区脚本" not in page


def test_the_list_takes_the_same_queries_for_many_tokens(
    browser: Client, people: Personas, django_assert_num_queries
) -> None:
    ApiToken.issue(user=people.county_officer, name="a")
    # The layout's own queries (session, user, breadcrumb) belong to base.html; the page adds one.
    with CaptureQueriesContext(connection) as one_token:
        browser.get("/accounts/tokens/")
    for n in range(8):
        token, _raw = ApiToken.issue(user=people.county_officer, name=f"t{n}")
        if n % 2:
            api_token_revoke(actor=people.county_officer, token=token)
    with django_assert_num_queries(len(one_token)):
        response = browser.get("/accounts/tokens/")
    assert response.content.decode().count("badge") == 9


def test_a_missing_or_duplicate_name_is_shown_inline(browser: Client, people: Personas) -> None:
    empty = browser.post("/accounts/tokens/new/", {"name": "  ", **csrf(browser)})
    assert empty.status_code == 422
    assert empty.context["form"].errors["name"]
    ApiToken.issue(user=people.county_officer, name="脚本")
    duplicate = browser.post("/accounts/tokens/new/", {"name": "脚本", **csrf(browser)})
    assert duplicate.status_code == 422
    assert "已有同名的有效令牌" in duplicate.content.decode()
    assert ApiToken.objects.filter(user=people.county_officer).count() == 1


def test_it_revokes_a_token_at_once(browser: Client, people: Personas) -> None:
    token, raw = ApiToken.issue(user=people.county_officer, name="旧脚本")
    response = browser.post(f"/accounts/tokens/{token.pk}/revoke/", csrf(browser))
    assert response.status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert Client().get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 401
    assert "已撤销" in browser.get("/accounts/tokens/").content.decode()


def test_revoking_needs_a_post_with_the_csrf_token(browser: Client, people: Personas) -> None:
    token, _raw = ApiToken.issue(user=people.county_officer, name="旧脚本")
    assert browser.get(f"/accounts/tokens/{token.pk}/revoke/").status_code == 405
    assert browser.post(f"/accounts/tokens/{token.pk}/revoke/").status_code == 403
    token.refresh_from_db()
    assert token.revoked_at is None


def test_another_users_token_cannot_be_revoked(browser: Client, people: Personas) -> None:
    theirs, _raw = ApiToken.issue(user=people.neighbour_officer, name="邻区脚本")
    assert browser.post(f"/accounts/tokens/{theirs.pk}/revoke/", csrf(browser)).status_code == 404
    with pytest.raises(PermissionDenied):
        api_token_revoke(actor=people.county_officer, token=theirs)
    theirs.refresh_from_db()
    assert theirs.revoked_at is None


def test_issuing_and_revoking_are_audited(people: Personas) -> None:
    token, _raw = api_token_issue(actor=people.county_officer, name="审计")
    api_token_revoke(actor=people.county_officer, token=token)
    api_token_revoke(actor=people.county_officer, token=token)  # a second revoke changes nothing
    records = list(token.history.order_by("history_id"))
    assert [r.history_type for r in records] == ["+", "~"]
    assert all(r.history_user == people.county_officer for r in records)
    assert records[0].revoked_at is None and records[1].revoked_at is not None


def test_live_tokens_are_limited(people: Personas) -> None:
    for n in range(MAX_ACTIVE_TOKENS):
        api_token_issue(actor=people.town_officer, name=f"t{n}")
    with pytest.raises(ValidationError):
        api_token_issue(actor=people.town_officer, name="one too many")


def test_the_pages_need_sign_in(db: None) -> None:
    response = Client().get("/accounts/tokens/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
