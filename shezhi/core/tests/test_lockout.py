"""Repeated failed logins lock an account (django-axes); passwords are hashed with argon2."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.contrib.auth.hashers import get_hasher, make_password
from django.test import Client
from django.urls import reverse

from shezhi.accounts.models import User
from shezhi.core.testing import PASSWORD, Personas

pytestmark = pytest.mark.django_db

LOCKED_OUT = "登录失败次数过多，该账号已被暂时锁定"


def sign_in(client: Client, username: str, password: str) -> tuple[int, str]:
    response = client.post(reverse("accounts:login"), {"username": username, "password": password})
    return response.status_code, response.content.decode()


def signed_in_as(client: Client) -> str | None:
    user_id = client.session.get("_auth_user_id")
    return User.objects.get(pk=user_id).username if user_id else None


def fail(client: Client, username: str, times: int) -> None:
    for _ in range(times):
        status, body = sign_in(client, username, "wrong-password")
        assert status == 200 and "请输入一个正确的" in body  # the form's own error, in Chinese


def test_it_locks_the_account_after_five_failures_and_refuses_the_right_password(
    client: Client, people: Personas
) -> None:
    assert settings.AXES_FAILURE_LIMIT == 5
    username = people.county_officer.username
    fail(client, username, 4)

    status, body = sign_in(client, username, "wrong-password")  # the fifth failure locks
    assert status == 429
    assert LOCKED_OUT in body

    status, body = sign_in(client, username, PASSWORD)
    assert status == 429
    assert LOCKED_OUT in body
    assert '<html lang="zh-hans">' in body
    assert signed_in_as(client) is None


def test_a_success_before_the_limit_resets_the_count(client: Client, people: Personas) -> None:
    username = people.county_officer.username
    fail(client, username, 4)
    status, _ = sign_in(client, username, PASSWORD)
    assert status == 302
    assert signed_in_as(client) == username
    client.post(reverse("accounts:logout"))

    fail(client, username, 4)  # would be the eighth failure without the reset
    status, _ = sign_in(client, username, PASSWORD)
    assert status == 302
    assert signed_in_as(client) == username


def test_the_lock_holds_one_account_and_not_its_colleagues(
    client: Client, people: Personas
) -> None:
    fail(client, people.county_officer.username, 4)
    assert sign_in(client, people.county_officer.username, "wrong-password")[0] == 429
    status, _ = sign_in(client, people.neighbour_officer.username, PASSWORD)
    assert status == 302
    assert signed_in_as(client) == people.neighbour_officer.username


def test_passwords_are_hashed_with_argon2() -> None:
    assert get_hasher().algorithm == "argon2"
    assert make_password("一个足够长的密码").startswith("argon2$")


def test_an_older_hash_is_upgraded_to_argon2_at_the_next_sign_in(
    client: Client, people: Personas
) -> None:
    officer = people.county_officer
    officer.password = make_password(PASSWORD, hasher="pbkdf2_sha256")
    officer.save(update_fields=["password"])

    status, _ = sign_in(client, officer.username, PASSWORD)
    assert status == 302
    officer.refresh_from_db()
    assert officer.password.startswith("argon2$")
