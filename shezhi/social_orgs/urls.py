from __future__ import annotations

from django.urls import path

from .views import manage

app_name = "social_orgs"

urlpatterns = [
    path("", manage.organization_list, name="list"),
    path("new/", manage.organization_create, name="create"),
    path("import/", manage.import_page, name="import"),
    path("import/template.xlsx", manage.import_template, name="import_template"),
    path("import/<int:pk>/", manage.import_detail, name="import_detail"),
    path("import/<int:pk>/errors.xlsx", manage.import_errors, name="import_errors"),
    path("<str:credit_code>/", manage.organization_detail, name="detail"),
    path("<str:credit_code>/edit/", manage.organization_edit, name="edit"),
    path("<str:credit_code>/status/", manage.organization_status, name="status"),
]
