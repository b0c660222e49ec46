"""Celery: in-process in tests and in the embedded default; a real round trip through Redis in CI.

The suite keeps tasks eager even with REDIS_URL set (conftest.py), so tests see a task's effect
at once. One test switches that off and sends a task through the real broker to an in-process
worker: it runs only when REDIS_URL is set, as .ci/run does for its PostgreSQL and Redis pass.
"""

from __future__ import annotations

import uuid

import pytest
from celery.contrib.testing.worker import start_worker
from celery.result import EagerResult
from django.conf import settings

from shezhi.celery import app as celery_app


@celery_app.task(name="shezhi.core.tests.multiply")
def multiply(a: int, b: int) -> int:
    return a * b


def test_tasks_run_in_process_during_tests() -> None:
    result = multiply.delay(6, 7)
    assert isinstance(result, EagerResult)
    assert result.get() == 42


def test_every_periodic_task_names_a_task_that_exists() -> None:
    # A misspelt name in shezhi/celery.py would only show as beat errors in production.
    celery_app.loader.import_default_modules()  # what a worker does: autodiscover tasks.py
    schedule = celery_app.conf.beat_schedule
    assert "todos-daily-refresh" in schedule
    missing = {entry["task"] for entry in schedule.values()} - set(celery_app.tasks)
    assert not missing, f"scheduled but not defined: {sorted(missing)}"


@pytest.mark.skipif(
    not settings.REDIS_URL,
    reason="REDIS_URL is unset, so Celery runs tasks in-process and there is no broker to "
    "round-trip through; .ci/run sets REDIS_URL=redis://127.0.0.1:6379/15",
)
def test_it_round_trips_a_task_through_redis_to_a_worker() -> None:
    assert celery_app.conf.broker_url.startswith("redis://")
    # A queue of its own, so that a worker someone left running on this Redis cannot take it.
    queue = f"shezhi-test-{uuid.uuid4().hex}"
    celery_app.conf.task_always_eager = False
    try:
        with start_worker(
            celery_app, pool="solo", queues=[queue], perform_ping_check=False, loglevel="WARNING"
        ):
            result = multiply.apply_async((6, 7), queue=queue)
            assert result.get(timeout=30) == 42
            assert result.status == "SUCCESS"
            assert not isinstance(result, EagerResult)
    finally:
        celery_app.conf.task_always_eager = True
