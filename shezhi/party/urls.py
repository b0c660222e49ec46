"""The party module's pages, under /party/."""

from __future__ import annotations

from django.urls import path

from .views import applications, coverage, instructors, members, organizations, transfers

app_name = "party"

urlpatterns = [
    # --- statistics and analysis -------------------------------------------------------------
    path("coverage/", coverage.coverage, name="coverage"),
    # --- party organizations, business handling, instructors ---------------------------------
    path("organizations/", organizations.organization_list, name="organization_list"),
    path("organizations/<int:pk>/", organizations.organization_detail, name="organization_detail"),
    path("applications/", applications.application_list, name="application_list"),
    path(
        "applications/new/<str:kind>/",
        applications.application_create,
        name="application_create",
    ),
    path("applications/<int:pk>/", applications.application_detail, name="application_detail"),
    path("applications/<int:pk>/edit/", applications.application_edit, name="application_edit"),
    path(
        "applications/<int:pk>/submit/", applications.application_submit, name="application_submit"
    ),
    path(
        "applications/<int:pk>/withdraw/",
        applications.application_withdraw,
        name="application_withdraw",
    ),
    path(
        "applications/<int:pk>/decide/", applications.application_decide, name="application_decide"
    ),
    path("applications/<int:pk>/documents/", applications.document_upload, name="document_upload"),
    path(
        "applications/<int:pk>/documents/<int:document_pk>/",
        applications.document_download,
        name="document_download",
    ),
    path("instructors/", instructors.instructor_list, name="instructor_list"),
    path("instructors/new/", instructors.instructor_create, name="instructor_create"),
    path("instructors/<int:pk>/", instructors.instructor_detail, name="instructor_detail"),
    path("instructors/<int:pk>/edit/", instructors.instructor_edit, name="instructor_edit"),
    path("instructors/<int:pk>/assign/", instructors.instructor_assign, name="instructor_assign"),
    path(
        "instructors/<int:pk>/assignments/<int:assignment_pk>/end/",
        instructors.assignment_end,
        name="assignment_end",
    ),
    # --- party members, development, transfers (members module): add routes below -----------
    path("members/", members.member_list, name="member_list"),
    path("members/new/", members.member_create, name="member_create"),
    path("members/import/", members.member_import, name="member_import"),
    path(
        "members/import/template/",
        members.member_import_template,
        name="member_import_template",
    ),
    path("members/import/<int:pk>/", members.member_import_detail, name="member_import_detail"),
    path(
        "members/import/<int:pk>/report/",
        members.member_import_report,
        name="member_import_report",
    ),
    path("members/<int:pk>/", members.member_detail, name="member_detail"),
    path("members/<int:pk>/edit/", members.member_edit, name="member_edit"),
    path("members/<int:pk>/advance/", members.member_advance, name="member_advance"),
    path(
        "members/<int:pk>/extend-probation/",
        members.member_extend_probation,
        name="member_extend_probation",
    ),
    path(
        "members/<int:pk>/cancel-probation/",
        members.member_cancel_probation,
        name="member_cancel_probation",
    ),
    path("members/<int:pk>/transfer/", members.transfer_send, name="transfer_send"),
    path("transfers/", transfers.transfer_list, name="transfer_list"),
    path("transfers/<int:pk>/", transfers.transfer_detail, name="transfer_detail"),
    path("transfers/<int:pk>/receive/", transfers.transfer_receive, name="transfer_receive"),
    path("transfers/<int:pk>/reject/", transfers.transfer_reject, name="transfer_reject"),
    path("transfers/<int:pk>/cancel/", transfers.transfer_cancel, name="transfer_cancel"),
    path("organizations/<int:pk>/posts/", members.organization_posts, name="organization_posts"),
    path("posts/<int:pk>/end/", members.post_end, name="post_end"),
]
