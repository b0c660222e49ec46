"""The site map: the platform under sign-in, the public face at /public/, the API at /api/v1/."""

from __future__ import annotations

from django.contrib import admin
from django.urls import include, path

from shezhi.api.urls import api

urlpatterns = [
    path("", include("shezhi.core.urls")),
    path("accounts/", include("shezhi.accounts.urls")),
    path("orgs/", include("shezhi.social_orgs.urls")),
    path("party/", include("shezhi.party.urls")),
    path("inspection/", include("shezhi.inspection.urls")),
    path("public/orgs/", include("shezhi.social_orgs.public_urls")),
    path("public/inspection/", include("shezhi.inspection.public_urls")),
    path("public/", include("shezhi.core.public_urls")),
    path("api/v1/", api.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
]
