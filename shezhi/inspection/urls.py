"""The inspection module's pages, under /inspection/."""

from __future__ import annotations

from django.urls import path

from . import views

app_name = "inspection"

urlpatterns = [
    path("", views.filing_list, name="filing_list"),
    path("new/", views.filing_create, name="filing_create"),
    path("completion/", views.completion, name="completion"),
    path("configs/", views.config_list, name="config_list"),
    path("configs/new/", views.config_create, name="config_create"),
    path("configs/<int:pk>/edit/", views.config_edit, name="config_edit"),
    path("<int:pk>/", views.filing_detail, name="filing_detail"),
    path("<int:pk>/edit/", views.filing_edit, name="filing_edit"),
    path("<int:pk>/submit/", views.filing_submit, name="filing_submit"),
    path("<int:pk>/decide/", views.filing_decide, name="filing_decide"),
    path("<int:pk>/rectification/", views.rectification_submit, name="rectification_submit"),
    path(
        "<int:pk>/rectification/verify/",
        views.rectification_verify,
        name="rectification_verify",
    ),
]
