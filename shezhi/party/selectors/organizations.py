"""Reads of party organizations, business-handling applications and instructors.

Selectors return querysets shaped for a page or the API (select_related, counts as subqueries)
but NOT yet scoped: list pages and the API narrow them with `visible_to(user)`; the `*_for`
helpers below fetch one record through `visible_to` and answer 404 outside the jurisdiction.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, IntegerField, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from shezhi.core.models import Division, StatusChange
from shezhi.social_orgs.models import SocialOrganization

from ..models import (
    ApplicationDocument,
    ApplicationKind,
    ApplicationStatus,
    CommitteePost,
    Coverage,
    Formation,
    Instructor,
    InstructorAssignment,
    InstructorQuerySet,
    MemberStatus,
    PartyMember,
    PartyOrganization,
    PartyOrganizationQuerySet,
    PartyOrgApplication,
    PartyOrgApplicationQuerySet,
    PartyOrgKind,
    PartyOrgStatus,
    Post,
    Stage,
)

# The kinds that can have party organizations under them.
PARENT_KINDS = (PartyOrgKind.LEADING_COMMITTEE, PartyOrgKind.COMMITTEE, PartyOrgKind.GENERAL_BRANCH)
OPEN_APPLICATION_STATUSES = (ApplicationStatus.DRAFT, ApplicationStatus.SUBMITTED)
DEFAULT_REELECTION_NOTICE_DAYS = 90


def reelection_notice_days() -> int:
    """How many days before a term ends its re-election is due (SHEZHI_REELECTION_NOTICE_DAYS)."""
    return int(getattr(settings, "SHEZHI_REELECTION_NOTICE_DAYS", DEFAULT_REELECTION_NOTICE_DAYS))


def _count_subquery(queryset: QuerySet[Any], outer: str) -> Coalesce:
    """A correlated COUNT for each row, so a page of rows costs one query however many."""
    counted = (
        queryset.filter(**{outer: OuterRef("pk")})
        .order_by()
        .values(outer)
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


# --- party organizations ---------------------------------------------------------------------


def party_organization_rows() -> PartyOrganizationQuerySet:
    """Rows of the list page, export and API list: parent, division and covered count in one
    query."""
    return PartyOrganization.objects.select_related("parent", "division").annotate(
        covered_count=_count_subquery(Coverage.objects.all(), "party_organization")
    )


def term_end_window(today: date, days: int) -> Q:
    """Active organizations whose term ends on or before `today + days` (expired ones too), as a
    filter: the end is start + term years, so each term length is its own date range."""
    cutoff = today + timedelta(days=days)
    condition = Q(pk__in=[])
    for years in {3, 5}:
        try:
            latest_start = cutoff.replace(year=cutoff.year - years)
        except ValueError:  # 29 February
            latest_start = cutoff.replace(year=cutoff.year - years, day=28)
        condition |= Q(term_years=years, term_started_on__lte=latest_start)
    return condition


def reelection_due_q(today: date | None = None, days: int | None = None) -> Q:
    today = today or timezone.localdate()
    days = reelection_notice_days() if days is None else days
    return Q(status=PartyOrgStatus.ACTIVE, term_started_on__isnull=False) & term_end_window(
        today, days
    )


def party_organization_for(user: Any, pk: int) -> PartyOrganization:
    organization = (
        PartyOrganization.objects.visible_to(user)
        .select_related("parent", "division")
        .filter(pk=pk)
        .first()
    )
    if organization is None:
        raise Http404
    return organization


@dataclass(frozen=True)
class OrganizationOverview:
    coverages: list[Coverage]
    posts: list[CommitteePost]
    children: list[PartyOrganization]
    members_by_stage: dict[str, int]
    members_on_roll: int
    full_members: int
    open_applications: list[PartyOrgApplication]
    reelection_due: bool
    term_expired: bool

    @property
    def stage_rows(self) -> list[tuple[Any, int]]:
        """(label, count) per development stage, in order: a table's header and its one row."""
        return [(Stage(stage).label, n) for stage, n in self.members_by_stage.items()]


def party_organization_overview(
    organization: PartyOrganization, *, today: date | None = None
) -> OrganizationOverview:
    """What the detail page shows besides the record's own fields, in a fixed number of queries."""
    today = today or timezone.localdate()
    coverages = list(
        organization.coverages.select_related(
            "social_org", "social_org__registration_authority"
        ).order_by("social_org__name")
    )
    posts = list(
        CommitteePost.objects.filter(party_organization=organization, until__isnull=True)
        .select_related("member")
        .order_by("post", "since")
    )
    children = list(
        party_organization_rows().filter(parent=organization).order_by("status", "name")
    )
    by_stage = dict(
        PartyMember.objects.filter(branch=organization, status=MemberStatus.ACTIVE)
        .values_list("stage")
        .annotate(n=Count("pk"))
        .values_list("stage", "n")
    )
    members_by_stage = {stage: by_stage.get(stage, 0) for stage in Stage.values}
    open_applications = list(
        organization.applications.filter(status__in=OPEN_APPLICATION_STATUSES).order_by(
            "-created_at"
        )
    )
    ends = organization.term_ends_on
    active = organization.status == PartyOrgStatus.ACTIVE
    return OrganizationOverview(
        coverages=coverages,
        posts=posts,
        children=children,
        members_by_stage=members_by_stage,
        members_on_roll=sum(members_by_stage.values()),
        full_members=members_by_stage[Stage.FULL],
        open_applications=open_applications,
        reelection_due=bool(
            active and ends is not None and ends <= today + timedelta(days=reelection_notice_days())
        ),
        term_expired=bool(active and ends is not None and ends < today),
    )


def leading_committee_for(division: Division) -> PartyOrganization | None:
    """The nearest active social-organization party committee at `division` or above it."""
    codes = division.ancestor_codes
    candidates = {
        committee.division_id: committee
        for committee in PartyOrganization.objects.filter(
            kind=PartyOrgKind.LEADING_COMMITTEE,
            status=PartyOrgStatus.ACTIVE,
            division_id__in=codes,
        )
    }
    for code in reversed(codes):
        if code in candidates:
            return candidates[code]
    return None


def superior_of(organization: PartyOrganization) -> PartyOrganization | None:
    """Who decides an organization's applications: its parent, or the nearest leading committee."""
    if organization.parent_id is not None:
        return organization.parent
    return leading_committee_for(organization.division)


def superior_candidates(division: Division | None) -> QuerySet[PartyOrganization]:
    """Organizations that may lead one answering to `division`: active committees, general
    branches and leading committees at that division or above it (None: every one)."""
    queryset = PartyOrganization.objects.filter(
        status=PartyOrgStatus.ACTIVE, kind__in=PARENT_KINDS
    ).select_related("division")
    if division is not None:
        queryset = queryset.filter(division_id__in=division.ancestor_codes)
    return queryset.order_by("division_path", "kind", "name")


def full_members_of(organization: PartyOrganization) -> QuerySet[PartyMember]:
    """The organization's full members on the roll: who may hold a committee post."""
    return PartyMember.objects.filter(
        branch=organization, stage=Stage.FULL, status=MemberStatus.ACTIVE
    ).order_by("name", "pk")


# --- applications ----------------------------------------------------------------------------


def application_rows() -> PartyOrgApplicationQuerySet:
    return PartyOrgApplication.objects.select_related(
        "party_organization", "superior", "division", "social_org"
    ).annotate(document_count=_count_subquery(ApplicationDocument.objects.all(), "application"))


def application_for(user: Any, pk: int) -> PartyOrgApplication:
    application = (
        PartyOrgApplication.objects.visible_to(user)
        .select_related(
            "party_organization",
            "party_organization__parent",
            "superior",
            "division",
            "social_org",
            "created_by",
            "decided_by",
        )
        .filter(pk=pk)
        .first()
    )
    if application is None:
        raise Http404
    return application


def open_reelection_q() -> Q:
    """Organizations with a re-election application still open (drafted or submitted)."""
    return Q(
        applications__kind=ApplicationKind.REELECT,
        applications__status__in=OPEN_APPLICATION_STATUSES,
    )


# --- instructors -----------------------------------------------------------------------------


def instructor_rows() -> InstructorQuerySet:
    return Instructor.objects.select_related("division").annotate(
        open_assignments=_count_subquery(
            InstructorAssignment.objects.filter(ended_on__isnull=True), "instructor"
        )
    )


def instructor_for(user: Any, pk: int) -> Instructor:
    instructor = (
        Instructor.objects.visible_to(user).select_related("division").filter(pk=pk).first()
    )
    if instructor is None:
        raise Http404
    return instructor


def instructor_assignments(instructor: Instructor) -> list[InstructorAssignment]:
    return list(
        instructor.assignments.select_related(
            "social_org", "social_org__registration_authority"
        ).order_by("ended_on", "-assigned_on", "pk")
    )


def superior_choices(user: Any) -> QuerySet[PartyOrganization]:
    """The superiors a user may name in a form: those at or above their jurisdiction (the
    leading committees above a county officer) and those inside it; an organization account,
    those above its organization. The service checks the choice against the organizations."""
    if user.is_superuser:
        return superior_candidates(None)
    organization = getattr(user, "organization", None)
    if organization is not None:
        return superior_candidates(organization.registration_authority)
    division = getattr(user, "division", None)
    if division is None:
        return PartyOrganization.objects.none()
    visible = PartyOrganization.objects.visible_to(user).values("pk")
    return superior_candidates(None).filter(
        Q(division_id__in=division.ancestor_codes) | Q(pk__in=visible)
    )


def status_changes(obj: Any) -> list[StatusChange]:
    """The workflow steps of a record, oldest first (who moved it, when, why)."""
    return list(
        StatusChange.objects.filter(
            subject_type=ContentType.objects.get_for_model(type(obj)), subject_id=str(obj.pk)
        )
        .select_related("actor")
        .order_by("at", "pk")
    )


@dataclass(frozen=True)
class ProposalRow:
    label: Any
    value: Any
    current: Any = None


def proposal_rows(application: PartyOrgApplication) -> list[ProposalRow]:
    """What an application asks for, in words: names instead of ids, labels instead of codes."""
    proposal = application.proposal or {}
    organization = application.party_organization
    rows: list[ProposalRow] = []
    org_ids = proposal.get("covered_organizations") or []
    member_ids = [item.get("member") for item in proposal.get("posts") or []]
    orgs = SocialOrganization.objects.in_bulk(org_ids) if org_ids else {}
    members = PartyMember.objects.in_bulk(member_ids) if member_ids else {}

    def org_names(ids: list[int]) -> str:
        return "、".join(
            f"{orgs[pk].name}（{orgs[pk].credit_code}）" if pk in orgs else f"#{pk}" for pk in ids
        )

    def choice(enum: Any, value: Any) -> Any:
        try:
            return enum(value).label
        except ValueError:
            return value

    kind = application.kind
    if kind in (ApplicationKind.ESTABLISH, ApplicationKind.CHANGE):
        labels = {
            "name": _("名称"),
            "kind": _("类别"),
            "formation": _("组建方式"),
            "covered_organizations": _("覆盖的社会组织"),
            "parent": _("上级党组织"),
            "founded_on": _("拟成立日期"),
            "term_years": _("任期（年）"),
        }
        for key, label in labels.items():
            if key not in proposal or proposal[key] in (None, ""):
                continue
            value = proposal[key]
            current: Any = None
            if key == "kind":
                value = choice(PartyOrgKind, value)
            elif key == "formation":
                value = choice(Formation, value)
            elif key == "covered_organizations":
                value = org_names(value)
            elif key == "parent":
                parent = PartyOrganization.objects.filter(pk=value).first()
                value = parent.name if parent else f"#{value}"
            if kind == ApplicationKind.CHANGE and organization is not None:
                current = {
                    "name": organization.name,
                    "kind": organization.get_kind_display(),
                    "formation": organization.get_formation_display(),
                    "term_years": organization.term_years,
                    "parent": organization.parent.name if organization.parent else "—",
                    "covered_organizations": org_names(
                        list(organization.coverages.values_list("social_org_id", flat=True))
                    )
                    if key == "covered_organizations"
                    else None,
                }.get(key)
            rows.append(ProposalRow(label, value, current))
    elif kind == ApplicationKind.REELECT:
        rows.append(
            ProposalRow(_("新一届任期开始"), proposal.get("term_started_on") or _("批准之日"))
        )
        rows.append(ProposalRow(_("任期（年）"), proposal.get("term_years")))
        for item in proposal.get("posts") or []:
            member = members.get(item.get("member"))
            rows.append(
                ProposalRow(
                    choice(Post, item.get("post")),
                    member.name if member else f"#{item.get('member')}",
                )
            )
    elif kind == ApplicationKind.DISSOLVE:
        rows.append(ProposalRow(_("撤销理由"), proposal.get("reason", "")))
    return rows


def documents_of(application: PartyOrgApplication) -> list[ApplicationDocument]:
    return list(application.documents.select_related("uploaded_by").order_by("uploaded_at", "pk"))
