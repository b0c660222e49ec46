"""/healthz tells a load balancer, without sign-in, whether database, cache and broker answer."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

import pytest
from django.conf import settings
from django.test import Client

from shezhi.celery import app as celery_app

if TYPE_CHECKING:
    from pytest_django.fixtures import Settings as SettingsWrapper

pytestmark = pytest.mark.django_db

# Nothing listens on port 1: connecting is refused at once.
DEAD_REDIS = "redis://127.0.0.1:1/0"


def test_it_reports_database_cache_and_broker_as_json_without_sign_in(client: Client) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert "no-cache" in response["Cache-Control"]
    # Without REDIS_URL tasks run in-process and there is no broker to ask; with it, Redis is.
    broker = "ok" if settings.REDIS_URL else "in-process"
    assert response.json() == {"status": "ok", "database": "ok", "cache": "ok", "broker": broker}


def test_it_answers_503_naming_the_cache_when_the_cache_is_down(
    client: Client, settings: SettingsWrapper
) -> None:
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": DEAD_REDIS,
        }
    }
    response = client.get("/healthz")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "error"
    assert body["cache"].startswith("error: ")
    assert body["database"] == "ok"


@pytest.fixture
def dead_broker(settings: SettingsWrapper) -> Iterator[None]:
    # The probe asks the Celery app, whose configuration was read from settings at start-up.
    # Celery reads through to Django's settings: take the URL before changing either.
    previous = celery_app.conf.broker_url
    settings.CELERY_BROKER_URL = DEAD_REDIS
    celery_app.conf.update(broker_url=DEAD_REDIS)
    yield
    celery_app.conf.update(broker_url=previous)


@pytest.mark.usefixtures("dead_broker")
def test_it_answers_503_naming_the_broker_when_the_broker_is_down(client: Client) -> None:
    response = client.get("/healthz")
    assert response.status_code == 503
    body = response.json()
    assert body["broker"].startswith("error: ")
    assert (body["status"], body["database"], body["cache"]) == ("error", "ok", "ok")


def test_it_does_not_tell_the_reason_beyond_the_exception_type(
    client: Client, settings: SettingsWrapper
) -> None:
    # Connection strings can carry passwords: the answer names the failure, never the URL.
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://:hunter2-secret@127.0.0.1:1/0",
        }
    }
    response = client.get("/healthz")
    assert response.status_code == 503
    assert "hunter2" not in response.content.decode()
