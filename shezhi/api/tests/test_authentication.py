from __future__ import annotations

from typing import Any

from django.test import Client
from django.utils import timezone

from shezhi.accounts.models import ApiToken
from shezhi.accounts.services import api_token_revoke
from shezhi.core.testing import Personas

from .conftest import bearer


def _assert_not_authenticated(response: Any) -> None:
    assert response.status_code == 401
    assert response["Content-Type"].startswith("application/json")
    assert response["WWW-Authenticate"].startswith("Bearer")
    body = response.json()
    assert set(body) == {"detail", "code"}
    assert body["code"] == "not_authenticated"
    assert body["detail"]


def test_an_anonymous_caller_gets_401_in_the_error_shape(db: None) -> None:
    for path in ("/api/v1/me", "/api/v1/divisions/", "/api/v1/divisions/440000", "/api/v1/tokens"):
        _assert_not_authenticated(Client().get(path))


def test_an_anonymous_write_gets_401_not_a_csrf_page(people: Personas) -> None:
    _assert_not_authenticated(Client(enforce_csrf_checks=True).delete("/api/v1/tokens/1"))


def test_a_personal_token_signs_in_a_client(people: Personas, token_for) -> None:
    raw = token_for(people.county_officer)
    response = Client().get("/api/v1/me", headers=bearer(raw))
    assert response.status_code == 200
    assert response.json()["username"] == "officer-440118"
    assert ApiToken.objects.get(user=people.county_officer).last_used_at is not None


def test_a_token_sees_the_same_jurisdiction_as_its_owner(people: Personas, token_for) -> None:
    headers = bearer(token_for(people.county_officer))
    assert Client().get("/api/v1/divisions/440118", headers=headers).status_code == 200
    assert Client().get("/api/v1/divisions/440112", headers=headers).status_code == 404


def test_a_revoked_token_gets_401(people: Personas) -> None:
    token, raw = ApiToken.issue(user=people.county_officer, name="sync")
    assert Client().get("/api/v1/me", headers=bearer(raw)).status_code == 200
    api_token_revoke(actor=people.county_officer, token=token)
    _assert_not_authenticated(Client().get("/api/v1/me", headers=bearer(raw)))


def test_the_token_of_an_inactive_user_gets_401(people: Personas, token_for) -> None:
    raw = token_for(people.county_officer)
    people.county_officer.is_active = False
    people.county_officer.save()
    _assert_not_authenticated(Client().get("/api/v1/me", headers=bearer(raw)))


def test_an_unknown_or_malformed_token_gets_401(people: Personas, token_for) -> None:
    raw = token_for(people.county_officer)
    for header in (f"Bearer {raw}x", "Bearer shz_nothing", "Bearer ", f"Bearer {raw[4:]}"):
        _assert_not_authenticated(Client().get("/api/v1/me", HTTP_AUTHORIZATION=header))


def test_a_bad_token_is_not_rescued_by_the_session(people: Personas, signed_in) -> None:
    # A client that sends a token means that token: it must learn it no longer works.
    client = signed_in(people.county_officer)
    assert client.get("/api/v1/me").status_code == 200
    _assert_not_authenticated(client.get("/api/v1/me", HTTP_AUTHORIZATION="Bearer shz_revoked"))


def test_an_inactive_users_session_gets_401(people: Personas, signed_in) -> None:
    client = signed_in(people.county_officer)
    people.county_officer.is_active = False
    people.county_officer.save()
    _assert_not_authenticated(client.get("/api/v1/me"))


def test_a_session_write_without_the_csrf_token_is_refused(people: Personas, signed_in) -> None:
    token, _raw = ApiToken.issue(user=people.county_officer, name="old script")
    client = signed_in(people.county_officer)
    client.get("/api/v1/me")  # a page load sets the CSRF cookie
    response = client.delete(f"/api/v1/tokens/{token.pk}")
    assert response.status_code == 403
    assert response.json()["code"] == "permission_denied"
    token.refresh_from_db()
    assert token.revoked_at is None


def test_a_session_write_with_the_csrf_token_goes_through(people: Personas, signed_in) -> None:
    token, _raw = ApiToken.issue(user=people.county_officer, name="old script")
    client = signed_in(people.county_officer)
    client.get("/accounts/tokens/")  # the page renders {% csrf_token %} and sets the cookie
    csrf = client.cookies["csrftoken"].value
    response = client.delete(f"/api/v1/tokens/{token.pk}", HTTP_X_CSRFTOKEN=csrf)
    assert response.status_code == 200
    assert response.json()["revoked_at"] is not None


def test_a_token_write_needs_no_csrf_token(people: Personas, token_for) -> None:
    token, _raw = ApiToken.issue(user=people.county_officer, name="old script")
    client = Client(enforce_csrf_checks=True)
    response = client.delete(
        f"/api/v1/tokens/{token.pk}", headers=bearer(token_for(people.county_officer))
    )
    assert response.status_code == 200
    token.refresh_from_db()
    assert token.revoked_at is not None


def test_a_token_cannot_revoke_another_users_token(people: Personas, token_for) -> None:
    theirs, _raw = ApiToken.issue(user=people.neighbour_officer, name="theirs")
    response = Client().delete(
        f"/api/v1/tokens/{theirs.pk}", headers=bearer(token_for(people.county_officer))
    )
    assert response.status_code == 404
    theirs.refresh_from_db()
    assert theirs.revoked_at is None


def test_a_token_does_not_sign_anyone_into_the_pages(people: Personas, token_for) -> None:
    headers = bearer(token_for(people.county_officer))
    for path in ("/divisions/", "/divisions/440118/", "/accounts/tokens/", "/"):
        response = Client().get(path, headers=headers)
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/")


def test_a_token_request_is_audited_as_its_owner(people: Personas, token_for) -> None:
    token, _raw = ApiToken.issue(user=people.county_officer, name="old script")
    Client().delete(f"/api/v1/tokens/{token.pk}", headers=bearer(token_for(people.county_officer)))
    revoked = token.history.filter(revoked_at__isnull=False).get()
    assert revoked.history_user == people.county_officer
    assert revoked.revoked_at <= timezone.now()
