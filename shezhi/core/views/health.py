"""/healthz: database, cache and broker status as JSON, for load balancers and monitoring."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET


def _database() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return "ok"


def _cache() -> str:
    key = f"healthz:{uuid.uuid4().hex}"
    cache.set(key, "1", 5)
    ok = cache.get(key) == "1"
    cache.delete(key)
    return "ok" if ok else "error"


def _broker() -> str:
    # Ask the broker itself whenever one is configured: tests keep tasks eager even on Redis.
    if settings.CELERY_BROKER_URL.startswith("memory://"):
        return "in-process"
    from shezhi.celery import app

    with app.connection_for_write() as conn:
        conn.ensure_connection(max_retries=1, timeout=2)
    return "ok"


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    checks = {}
    for name, probe in (("database", _database), ("cache", _cache), ("broker", _broker)):
        try:
            checks[name] = probe()
        except Exception as exc:  # a health check reports failures rather than raising them
            checks[name] = f"error: {type(exc).__name__}"
    healthy = all(not value.startswith("error") for value in checks.values())
    return JsonResponse(
        {"status": "ok" if healthy else "error", **checks}, status=200 if healthy else 503
    )
