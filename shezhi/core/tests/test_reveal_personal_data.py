"""Revealing a masked value needs the permission, is a POST, and is logged; nothing else shows
the full value."""

from __future__ import annotations

import logging
from typing import Any

import pytest
from django.contrib.auth.models import Permission
from django.test import Client

from shezhi.accounts.models import User
from shezhi.core.models import RevealLog
from shezhi.core.permissions import can_reveal_personal_data
from shezhi.core.testing import Personas

pytestmark = pytest.mark.django_db

PHONE, MASKED = "13812345678", "138****5678"


@pytest.fixture
def subject(people: Personas) -> User:
    """The Zengcheng town officer, whose phone officers look up."""
    user = people.town_officer
    user.phone = PHONE
    user.save()
    return user


def grant_reveal(user: User) -> User:
    user.user_permissions.add(Permission.objects.get(codename="reveal_personal_data"))
    return User.objects.get(pk=user.pk)  # a fresh instance: permissions are cached per object


def reveal_url(user: User, field: str = "phone") -> str:
    return f"/personal/accounts.user/{user.pk}/{field}/"


def test_the_predicate_follows_the_permission(people: Personas) -> None:
    assert not can_reveal_personal_data(people.county_officer)
    assert can_reveal_personal_data(grant_reveal(people.county_officer))
    assert can_reveal_personal_data(people.superuser)


def test_without_the_permission_it_is_403_and_nothing_is_logged(
    client: Any, people: Personas, subject: User
) -> None:
    client.force_login(people.county_officer)
    response = client.post(reveal_url(subject))
    assert response.status_code == 403
    assert PHONE not in response.content.decode()
    assert not RevealLog.objects.exists()


def test_it_is_post_only(client: Any, people: Personas, subject: User) -> None:
    client.force_login(grant_reveal(people.county_officer))
    assert client.get(reveal_url(subject)).status_code == 405
    assert not RevealLog.objects.exists()


def test_it_needs_the_csrf_token(people: Personas, subject: User) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(grant_reveal(people.county_officer))
    assert client.post(reveal_url(subject)).status_code == 403
    assert not RevealLog.objects.exists()


def test_a_permitted_reveal_shows_the_value_and_is_logged(
    client: Any, people: Personas, subject: User, caplog: pytest.LogCaptureFixture
) -> None:
    officer = grant_reveal(people.county_officer)
    client.force_login(officer)
    with caplog.at_level(logging.INFO, logger="shezhi.audit"):
        response = client.post(
            reveal_url(subject), {"reason": "核实联系方式"}, REMOTE_ADDR="10.1.2.3"
        )
    assert response.status_code == 200
    assert PHONE in response.content.decode()
    assert "no-store" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]
    log = RevealLog.objects.get()
    assert (log.user, log.subject, log.field, log.ip_address, log.reason) == (
        officer,
        subject,
        "phone",
        "10.1.2.3",
        "核实联系方式",
    )
    (record,) = [r for r in caplog.records if r.name == "shezhi.audit"]
    assert (
        "officer-440118" in record.getMessage()
        and f"accounts.user:{subject.pk}" in record.getMessage()
    )
    assert PHONE not in record.getMessage()  # the log says what was seen, never the value


def test_htmx_gets_the_value_as_a_partial_with_the_prompted_reason(
    client: Any, people: Personas, subject: User
) -> None:
    client.force_login(grant_reveal(people.county_officer))
    response = client.post(
        reveal_url(subject),
        headers={
            "HX-Request": "true",
            "HX-Prompt": "%E5%9B%9E%E8%AE%BF",
            "HX-Prompt-URI-AutoEncoded": "true",
        },
    )
    html = response.content.decode()
    assert PHONE in html and "<html" not in html
    assert RevealLog.objects.get().reason == "回访"


def test_a_record_outside_the_jurisdiction_is_404_and_not_logged(
    client: Any, people: Personas, subject: User
) -> None:
    client.force_login(grant_reveal(people.neighbour_officer))
    assert client.post(reveal_url(subject)).status_code == 404
    assert client.post("/personal/accounts.user/999999/phone/").status_code == 404
    assert not RevealLog.objects.exists()


def test_only_encrypted_fields_can_be_revealed(
    client: Any, people: Personas, subject: User
) -> None:
    client.force_login(people.superuser)
    for field in ("username", "password", "phone_hash", "nope"):
        assert client.post(reveal_url(subject, field)).status_code == 404
    assert client.post("/personal/core.calendarday/2026-01-01/date/").status_code == 404
    assert not RevealLog.objects.exists()


def test_a_role_that_may_not_open_user_pages_cannot_reveal_there(
    client: Any, people: Personas, subject: User
) -> None:
    # A town officer with the permission still may not open user records (can_manage_users).
    client.force_login(grant_reveal(people.window_clerk))
    assert client.post(reveal_url(subject)).status_code == 403
    assert not RevealLog.objects.exists()


def test_pages_show_the_mask_and_a_reveal_button_only_to_the_permitted(
    client: Any, people: Personas, subject: User
) -> None:
    detail = f"/accounts/users/{subject.pk}/"
    client.force_login(people.county_officer)
    html = client.get(detail).content.decode()
    assert MASKED in html and PHONE not in html and reveal_url(subject) not in html

    client.force_login(grant_reveal(people.county_officer))
    html = client.get(detail).content.decode()
    assert MASKED in html and PHONE not in html
    assert f'hx-post="{reveal_url(subject)}"' in html and 'method="post"' in html
    assert not RevealLog.objects.exists()  # showing the button reveals nothing
