"""Reads of the inspection module: shaped querysets for lists, one record by scoping, the party
facts that pre-fill a filing, and the completion figures (STYLE §4)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from shezhi.core.models import Division, StatusChange
from shezhi.social_orgs.models import LIVE_STATUSES, SocialOrganization

from . import rules
from .models import (
    FILED_STATUSES,
    Filing,
    FilingQuerySet,
    FilingStatus,
    InspectionConfig,
    InspectionConfigQuerySet,
    Mode,
    Rectification,
)


def filing_rows() -> FilingQuerySet:
    """What a list row shows: the organization, its authority, and a rectification if any."""
    return Filing.objects.select_related(
        "organization", "authority", "rectification"
    ).defer(  # the organization's personal data is never read by a list
        "organization__legal_representative_phone",
        "organization__legal_representative_phone_hash",
    )


def filing_for(user: Any, pk: int) -> Filing:
    filing = filing_rows().visible_to(user).filter(pk=pk).first()
    if filing is None:
        raise Http404(_("没有这份年检（年报），或不在您的管辖范围内。"))
    return filing


def rectification_of(filing: Filing) -> Rectification | None:
    try:
        return filing.rectification
    except Rectification.DoesNotExist:
        return None


def status_changes(obj: Any) -> list[StatusChange]:
    from django.contrib.contenttypes.models import ContentType

    return list(
        StatusChange.objects.filter(
            subject_type=ContentType.objects.get_for_model(type(obj)), subject_id=str(obj.pk)
        )
        .select_related("actor")
        .order_by("at", "pk")
    )


def config_for(authority_code: str, year: int) -> InspectionConfig | None:
    return InspectionConfig.objects.filter(authority_id=authority_code, year=year).first()


def mode_for(authority_code: str, year: int) -> str:
    """The authority's mode for the year; Guangdong's annual work report where none was set
    (粤民规字〔2019〕3号 made it the province's rule)."""
    config = config_for(authority_code, year)
    return config.mode if config is not None else Mode.REPORT


def config_rows() -> InspectionConfigQuerySet:
    return InspectionConfig.objects.select_related("authority")


def config_authorities(user: Any) -> QuerySet[Division]:
    """The authorities whose years the user may configure: their own division."""
    if user.is_superuser:
        return Division.objects.filter(level__in=("province", "city", "county"), is_current=True)
    return Division.objects.filter(code=user.division_id)


# --- party facts --------------------------------------------------------------------------------


def party_facts(organization: SocialOrganization, year: int) -> dict[str, Any]:
    """What the party module records about the organization, to pre-fill a filing.

    Party organizational life (三会一课) is not recorded by the party module yet, so the number of
    activities is left for the organization to state (None here).
    """
    from shezhi.party.models import Coverage, InstructorAssignment, PartyOrgStatus

    coverage = (
        Coverage.objects.filter(
            social_org=organization, party_organization__status=PartyOrgStatus.ACTIVE
        )
        .select_related("party_organization")
        .first()
    )
    assignment = (
        InstructorAssignment.objects.filter(social_org=organization, ended_on__isnull=True)
        .select_related("instructor")
        .order_by("-assigned_on")
        .first()
    )
    return {
        "has_party_organization": coverage is not None,
        "party_organization_name": coverage.party_organization.name if coverage else "",
        "party_activities": None,
        "party_member_count": organization.full_member_count,
        "instructor_name": assignment.instructor.name if assignment else "",
    }


# --- completion figures -------------------------------------------------------------------------


@dataclass(frozen=True)
class CompletionRow:
    authority_code: str
    authority_name: str
    mode: str
    due: int
    filed: int
    missed: int
    missed_two_years: int
    missed_three_years: int
    exempt: int

    @property
    def rate(self) -> float | None:
        return round(self.filed / self.due, 4) if self.due else None

    @property
    def mode_label(self) -> str:
        return str(Mode(self.mode).label) if self.mode else ""


def _filed(year: int) -> Exists:
    return Exists(
        Filing.objects.filter(organization_id=OuterRef("pk"), year=year, status__in=FILED_STATUSES)
    )


def completion_figures(user: Any, year: int, *, division: str | None = None) -> list[CompletionRow]:
    """Per registration authority with a configuration for `year` inside the user's view: how
    many organizations were due, how many filed, the rate, and how many missed this year, this
    and the year before, and three years running.

    Due: live organizations registered by the authority before the exemption cut-off of the year
    (rules.new_organization_exempt); missing N years running counts only organizations that were
    due in each of those years. One grouped query over the organizations (index org_scope_status)
    with EXISTS lookups on the filings (index inspection_filed), plus one for the configurations.
    """
    configs = (
        InspectionConfig.objects.visible_to(user).filter(year=year).select_related("authority")
    )
    if division:
        path = _path_of(division)
        if path is None:
            return []  # an unknown division holds no authority
        configs = configs.filter(authority_path__startswith=path)
    by_code = {config.authority_id: config for config in configs}
    if not by_code:
        return []
    cutoffs = [rules.exemption_cutoff(year - back) for back in range(3)]
    filed = [_filed(year - back) for back in range(3)]
    missed_1 = Q(founded_on__lt=cutoffs[0]) & ~filed[0]
    missed_2 = missed_1 & Q(founded_on__lt=cutoffs[1]) & ~filed[1]
    missed_3 = missed_2 & Q(founded_on__lt=cutoffs[2]) & ~filed[2]
    figures = (
        SocialOrganization.objects.filter(
            registration_authority_id__in=list(by_code),
            status__in=LIVE_STATUSES,
            founded_on__lte=date(year, 12, 31),
        )
        .values("registration_authority_id")
        .annotate(
            due=Count("pk", filter=Q(founded_on__lt=cutoffs[0])),
            filed=Count("pk", filter=Q(founded_on__lt=cutoffs[0]) & filed[0]),
            missed=Count("pk", filter=missed_1),
            missed_two=Count("pk", filter=missed_2),
            missed_three=Count("pk", filter=missed_3),
            exempt=Count("pk", filter=Q(founded_on__gte=cutoffs[0])),
        )
        .order_by()
    )
    counted = {row["registration_authority_id"]: row for row in figures}
    rows = []
    for code, config in sorted(by_code.items(), key=lambda item: item[1].authority_path):
        row = counted.get(code, {})
        rows.append(
            CompletionRow(
                authority_code=code,
                authority_name=config.authority.name,
                mode=config.mode,
                due=row.get("due", 0),
                filed=row.get("filed", 0),
                missed=row.get("missed", 0),
                missed_two_years=row.get("missed_two", 0),
                missed_three_years=row.get("missed_three", 0),
                exempt=row.get("exempt", 0),
            )
        )
    return rows


def _path_of(code: str) -> str | None:
    division = Division.objects.filter(code=code).only("path").first()
    return division.path if division is not None else None


def completion_total(rows: list[CompletionRow], year: int) -> CompletionRow:
    return CompletionRow(
        authority_code="",
        authority_name=_("合计"),
        mode="",
        due=sum(r.due for r in rows),
        filed=sum(r.filed for r in rows),
        missed=sum(r.missed for r in rows),
        missed_two_years=sum(r.missed_two_years for r in rows),
        missed_three_years=sum(r.missed_three_years for r in rows),
        exempt=sum(r.exempt for r in rows),
    )


def completion_years(user: Any) -> list[int]:
    return sorted(
        set(InspectionConfig.objects.visible_to(user).values_list("year", flat=True)),
        reverse=True,
    )


# --- public face ---------------------------------------------------------------------------------


def public_filings(organization: SocialOrganization) -> QuerySet[Filing]:
    """Published reports and concluded inspections, with the facts a public notice shows; the
    officers' opinions and party-member counts stay inside."""
    return (
        Filing.objects.filter(
            organization=organization,
            status__in=(FilingStatus.PUBLISHED, FilingStatus.CONCLUDED),
        )
        .only(
            "year",
            "mode",
            "status",
            "conclusion",
            "activities",
            "income",
            "expenditure",
            "net_assets",
            "staff_count",
            "has_party_organization",
            "decided_on",
        )
        .order_by("-year")
    )
