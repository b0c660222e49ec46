"""The /api/v1 wiring: one NinjaAPI, its authentication, error shape and routers."""

from __future__ import annotations

from ninja import NinjaAPI
from ninja.security import django_auth

api = NinjaAPI(
    title="shezhi API",
    version="1",
    urls_namespace="api",
    auth=[django_auth],
    docs_url="/docs",
)


@api.get("/me", tags=["accounts"])
def me(request):  # type: ignore[no-untyped-def]
    user = request.auth
    return {"username": user.username, "role": user.role, "jurisdiction": user.division_id}
