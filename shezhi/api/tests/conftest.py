"""Fixtures for the API's tests: signed-in clients and personal tokens."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from django.core.cache import cache
from django.test import Client

from shezhi.accounts.models import ApiToken, User


@pytest.fixture(autouse=True)
def _fresh_throttle() -> Iterator[None]:
    # The throttle counts requests in the cache; each test starts with none.
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def signed_in() -> Callable[..., Client]:
    """A browser signed in as `user`; CSRF is enforced as in a real browser."""

    def make(user: User) -> Client:
        client = Client(enforce_csrf_checks=True)
        client.force_login(user)
        return client

    return make


@pytest.fixture
def token_for() -> Callable[[User], str]:
    """A raw personal token of `user`."""

    def make(user: User) -> str:
        return ApiToken.issue(user=user, name="test client")[1]

    return make


def bearer(raw: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {raw}"}
