"""Reads of founding registration: the shaped rows behind the list page and API, one application
through the caller's scoping (404 otherwise), and its workflow steps."""

from __future__ import annotations

from typing import Any, cast

from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from shezhi.core.models import StatusChange

from .models import FoundingApplication, FoundingApplicationQuerySet


def application_rows() -> FoundingApplicationQuerySet:
    """What a list row shows, in a fixed number of queries whatever the page size."""
    rows = FoundingApplication.objects.select_related(
        "registration_authority", "organization"
    ).annotate(member_count=Count("members"))
    return cast(FoundingApplicationQuerySet, rows)


def application_for(user: Any, pk: int) -> FoundingApplication:
    application = (
        FoundingApplication.objects.visible_to(user)
        .select_related(
            "registration_authority",
            "address_division",
            "joint_branch",
            "instructor",
            "organization",
            "created_by",
            "decided_by",
            "exemption_by",
        )
        .filter(pk=pk)
        .first()
    )
    if application is None:
        raise Http404(_("没有这项申请，或不在您的管辖范围内。"))
    return application


def members_of(application: FoundingApplication) -> list[Any]:
    return list(application.members.all())


def status_changes(application: FoundingApplication) -> QuerySet[StatusChange]:
    return (
        StatusChange.objects.filter(
            subject_type=ContentType.objects.get_for_model(FoundingApplication),
            subject_id=str(application.pk),
        )
        .select_related("actor")
        .order_by("at", "id")
    )
