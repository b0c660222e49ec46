"""/public/inspection/: published annual reports and concluded inspections (no sign-in)."""

from __future__ import annotations

from django.urls import path

from . import views

app_name = "public_inspection"

urlpatterns = [
    path("<str:credit_code>/", views.public_filings, name="organization"),
]
