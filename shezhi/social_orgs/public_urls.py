"""/public/orgs/: the registry's public face (no sign-in; see views/public.py)."""

from __future__ import annotations

from django.urls import path

from .views import public

app_name = "public_orgs"

urlpatterns = [
    path("", public.organization_search, name="search"),
    path("<str:credit_code>/", public.organization_detail, name="detail"),
]
