from __future__ import annotations

from django.urls import path

from .views import public

app_name = "public"

urlpatterns = [
    path("", public.index, name="index"),
]
