"""Fixtures shared by the whole suite. The official divisions come with the migrations."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.conf import settings
from django.core.cache import cache

from shezhi.core.testing import Personas, personas

# Playwright fixtures for @pytest.mark.browser tests, and the screenshot-on-failure hook.
pytest_plugins = ["shezhi.core.tests.browser"]

# Fixtures that make a test transactional: pytest-django empties every table after such a test.
_TRANSACTIONAL_FIXTURES = {"transactional_db", "live_server", "django_db_reset_sequences"}
_DJANGO_DB_ARGS = ("transaction", "reset_sequences", "databases", "serialized_rollback")


def pytest_configure(config: pytest.Config) -> None:
    # Tasks run in-process in tests even when REDIS_URL points Celery at Redis, so a test sees a
    # task's effect as soon as it is enqueued. test_celery_redis.py switches this off to
    # round-trip one task through the real broker.
    from shezhi.celery import app as celery_app

    settings.CELERY_TASK_ALWAYS_EAGER = True
    celery_app.conf.task_always_eager = True


@pytest.fixture(autouse=True)
def _empty_cache() -> Iterator[None]:
    # With REDIS_URL the cache outlives a test (and the test run): start each test from nothing.
    yield
    cache.clear()


def _django_db_kwargs(item: pytest.Item) -> dict[str, object] | None:
    marker = item.get_closest_marker("django_db")
    return (
        dict(zip(_DJANGO_DB_ARGS, marker.args, strict=False), **marker.kwargs) if marker else None
    )


def _is_transactional(item: pytest.Item) -> bool:
    kwargs = _django_db_kwargs(item) or {}
    if kwargs.get("transaction") or kwargs.get("reset_sequences"):
        return True
    return bool(_TRANSACTIONAL_FIXTURES & set(getattr(item, "fixturenames", ())))


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Give every transactional test the rows that the data migrations wrote.

    A transactional test (live_server ones included) empties every table when it ends, so the
    next one would start without Guangdong's divisions or the holiday calendar. With
    serialized_rollback, Django snapshots the freshly migrated test database once and restores
    it at the start of each such test.
    """
    for item in items:
        if getattr(item, "cls", None) is not None or not _is_transactional(item):
            continue  # unittest-style classes say for themselves
        kwargs = _django_db_kwargs(item) or {}
        kwargs.update(transaction=True, serialized_rollback=True)
        item.add_marker(pytest.mark.django_db(**kwargs), append=False)


@pytest.fixture
def people(db: None) -> Personas:
    return personas()
