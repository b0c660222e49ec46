"""Founding registration pages, under /registration/."""

from __future__ import annotations

from django.urls import path

from . import views

app_name = "registration"

urlpatterns = [
    path("", views.application_list, name="application_list"),
    path("new/", views.application_create, name="application_create"),
    path("<int:pk>/", views.application_detail, name="application_detail"),
    path("<int:pk>/edit/", views.application_edit, name="application_edit"),
    path("<int:pk>/submit/", views.application_submit, name="application_submit"),
    path("<int:pk>/withdraw/", views.application_withdraw, name="application_withdraw"),
    path("<int:pk>/decide/", views.application_decide, name="application_decide"),
    path("<int:pk>/exempt/", views.application_exempt, name="application_exempt"),
    path("<int:pk>/files/<str:which>/", views.file_download, name="file_download"),
]
