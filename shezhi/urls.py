"""The site map: the platform under sign-in, the public face under /public/, the API under /api/v1/."""

from __future__ import annotations

from django.contrib import admin
from django.urls import include, path

from shezhi.api.urls import api

urlpatterns = [
    path("", include("shezhi.core.urls")),
    path("accounts/", include("shezhi.accounts.urls")),
    path("public/", include("shezhi.core.public_urls")),
    path("api/v1/", api.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
]
