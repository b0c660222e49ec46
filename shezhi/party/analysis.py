"""Statistics and analysis (统计分析): the "two coverages" and party-building figures of a division.

A division's figures count the social organizations registered by authorities inside it (and the
party organizations and members answering to those authorities), so for any division
`registered_here` plus the children's `social_orgs` equals its `social_orgs`.

Each table is read once, grouped by the child division its rows fall in: three grouped scans of
indexed path ranges answer a whole dashboard, whatever the number of children.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.db.models.functions import Substr

from shezhi.core.models import Division
from shezhi.core.scoping import prefix_q
from shezhi.social_orgs.models import LIVE_STATUSES, OrgType, SocialOrganization
from shezhi.social_orgs.selectors import blank_spot_q

from .models import (
    MemberStatus,
    PartyMember,
    PartyOrganization,
    PartyOrgKind,
    PartyOrgStatus,
    Stage,
)

PROVINCE_CODE = "440000"
# Organizations register at province, city and county level: those are the levels with figures.
LEVELS_WITH_FIGURES = (Division.Level.PROVINCE, Division.Level.CITY, Division.Level.COUNTY)


def rate(part: int, whole: int) -> float:
    """A coverage rate as a fraction rounded to four places (0.9843 = 98.43%)."""
    return round(part / whole, 4) if whole else 0.0


@dataclass
class OrgCounts:
    social_orgs: int = 0
    organization_covered: int = 0
    work_covered: int = 0
    blank_spots: int = 0

    def add(self, other: OrgCounts) -> None:
        self.social_orgs += other.social_orgs
        self.organization_covered += other.organization_covered
        self.work_covered += other.work_covered
        self.blank_spots += other.blank_spots

    @property
    def organization_coverage_rate(self) -> float:
        return rate(self.organization_covered, self.social_orgs)

    @property
    def work_coverage_rate(self) -> float:
        return rate(self.work_covered, self.social_orgs)


@dataclass
class Figures:
    division: Division
    orgs: OrgCounts = field(default_factory=OrgCounts)
    orgs_by_type: dict[str, OrgCounts] = field(
        default_factory=lambda: {t: OrgCounts() for t in OrgType.values}
    )
    registered_here: int = 0
    party_organizations: int = 0
    party_organizations_by_kind: dict[str, int] = field(default_factory=dict)
    party_organizations_direct: int = 0
    members: int = 0
    members_by_stage: dict[str, int] = field(default_factory=lambda: dict.fromkeys(Stage.values, 0))

    def as_dict(self) -> dict[str, Any]:
        return {
            "code": self.division.code,
            "name": self.division.name,
            "level": self.division.level,
            "social_orgs": self.orgs.social_orgs,
            "organization_covered": self.orgs.organization_covered,
            "work_covered": self.orgs.work_covered,
            "organization_coverage_rate": self.orgs.organization_coverage_rate,
            "work_coverage_rate": self.orgs.work_coverage_rate,
            "party_organizations": self.party_organizations,
            "party_organizations_direct": self.party_organizations_direct,
            "members": self.members,
            "members_by_stage": dict(self.members_by_stage),
            "blank_spots": self.orgs.blank_spots,
            "registered_here": self.registered_here,
        }


@dataclass
class CoverageReport:
    total: Figures
    children: list[Figures]


def child_divisions(division: Division) -> list[Division]:
    """The divisions one level down that register organizations (none below a county)."""
    return list(
        Division.objects.filter(
            parent=division, is_current=True, level__in=LEVELS_WITH_FIGURES
        ).order_by("code")
    )


def _grouped(queryset: QuerySet[Any], path_field: str, division: Division, width: int) -> Any:
    """Rows inside `division`, labelled with the first `width` characters of their path: the
    child division's path, or the division's own path for rows registered at its level."""
    return queryset.filter(prefix_q(path_field, division.path)).annotate(
        unit=Substr(path_field, 1, width)
    )


def org_counts_q() -> dict[str, Count]:
    return {
        "n": Count("pk"),
        "covered": Count("pk", filter=Q(organization_covered=True)),
        "work": Count("pk", filter=Q(organization_covered=True) | Q(has_instructor=True)),
        "blank": Count("pk", filter=blank_spot_q()),
    }


def coverage_report(division: Division) -> CoverageReport:
    """The figures of `division` and of each child division, in three grouped queries."""
    children = child_divisions(division)
    width = len(division.path) + 7  # a child's path: the parent's plus a 6-digit code and "/"
    total = Figures(division)
    by_unit = {child.path: Figures(child) for child in children}

    def bucket(unit: str) -> Figures | None:
        return by_unit.get(unit)

    org_rows = (
        _grouped(
            SocialOrganization.objects.filter(status__in=LIVE_STATUSES),
            "authority_path",
            division,
            width,
        )
        .values("unit", "org_type")
        .annotate(**org_counts_q())
    )
    for row in org_rows:
        counts = OrgCounts(row["n"], row["covered"], row["work"], row["blank"])
        for figures in (total, bucket(row["unit"])):
            if figures is not None:
                figures.orgs.add(counts)
                figures.orgs_by_type[row["org_type"]].add(counts)
        if row["unit"] == division.path:
            total.registered_here += row["n"]

    provincial_committees = PartyOrganization.objects.filter(
        kind=PartyOrgKind.LEADING_COMMITTEE, division_id=PROVINCE_CODE
    ).values("pk")
    party_rows = (
        _grouped(
            PartyOrganization.objects.in_social_orgs().filter(status=PartyOrgStatus.ACTIVE),
            "division_path",
            division,
            width,
        )
        .values("unit", "kind")
        .annotate(n=Count("pk"), direct=Count("pk", filter=Q(parent__in=provincial_committees)))
    )
    for row in party_rows:
        for figures in (total, bucket(row["unit"])):
            if figures is not None:
                figures.party_organizations += row["n"]
                figures.party_organizations_direct += row["direct"]
                kinds = figures.party_organizations_by_kind
                kinds[row["kind"]] = kinds.get(row["kind"], 0) + row["n"]

    member_rows = (
        _grouped(
            PartyMember.objects.filter(status=MemberStatus.ACTIVE), "division_path", division, width
        )
        .values("unit", "stage")
        .annotate(n=Count("pk"))
    )
    for row in member_rows:
        for figures in (total, bucket(row["unit"])):
            if figures is not None:
                figures.members += row["n"]
                figures.members_by_stage[row["stage"]] += row["n"]

    return CoverageReport(total=total, children=list(by_unit.values()))


def blank_spots(division: Division) -> QuerySet[SocialOrganization]:
    """The organizations registered inside `division` that are blank spots."""
    return SocialOrganization.objects.filter(prefix_q("authority_path", division.path)).filter(
        blank_spot_q()
    )
