"""Reads of party members, their transfers and committee posts, shaped for pages, the API and
exports. Nothing here scopes by itself except the `*_for(user, …)` getters: list pages and the
API put the row sets through `visible_to(user)` (one place, core.views.listing / the API)."""

from __future__ import annotations

import re
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404

from shezhi.core.fields import hash_for_lookup
from shezhi.core.models import StatusChange
from shezhi.core.personal_data import PersonalKind
from shezhi.core.roles import Role
from shezhi.social_orgs.models import SocialOrganization

from ..models import (
    CommitteePost,
    MemberStatus,
    PartyMember,
    PartyMemberQuerySet,
    PartyOrganization,
    PartyOrgKind,
    PartyOrgStatus,
    Stage,
    Transfer,
    TransferQuerySet,
    TransferStatus,
)

ID_NUMBER_LIKE = re.compile(r"^\d{17}[\dXx]$")
PHONE_LIKE = re.compile(r"^\+?[\d\s\-()]{7,20}$")


def member_rows() -> PartyMemberQuerySet:
    """Members as the list, its export and the API list show them (not yet scoped)."""
    return PartyMember.objects.select_related("branch", "employer", "division")


def member_search_q(term: str) -> Q:
    """Name (part of it), or a complete ID number or phone number through its blind index:
    encrypted values cannot be searched by part."""
    term = term.strip()
    condition = Q(name__icontains=term)
    compact = re.sub(r"\s", "", term)
    if ID_NUMBER_LIKE.match(compact):
        condition |= Q(id_number_hash=hash_for_lookup(PersonalKind.ID_NUMBER, compact))
    elif PHONE_LIKE.match(term) and sum(c.isdigit() for c in term) >= 7:
        condition |= Q(phone_hash=hash_for_lookup(PersonalKind.PHONE, term))
    return condition


def member_for(user: Any, pk: int) -> PartyMember:
    """One member the user may see, with what its page shows, or 404."""
    member = (
        member_rows()
        .visible_to(user)
        .prefetch_related(
            Prefetch("sponsors", queryset=PartyMember.objects.select_related("branch"))
        )
        .filter(pk=pk)
        .first()
    )
    if member is None:
        raise Http404
    return member


def member_transfers(member: PartyMember) -> list[Transfer]:
    return list(
        Transfer.objects.filter(member=member)
        .select_related("from_branch", "to_branch")
        .order_by("-sent_on", "-pk")
    )


def member_posts(member: PartyMember) -> list[CommitteePost]:
    return list(
        CommitteePost.objects.filter(member=member)
        .select_related("party_organization")
        .order_by("-since", "-pk")
    )


def stage_changes(member: PartyMember) -> list[StatusChange]:
    """The development steps and roll changes recorded by the workflow gate, oldest first."""
    return list(
        StatusChange.objects.filter(
            subject_type=ContentType.objects.get_for_model(PartyMember), subject_id=str(member.pk)
        )
        .select_related("actor")
        .order_by("at", "pk")
    )


# --- what a user may choose in forms and payloads ------------------------------------------------


def branch_choices(user: Any) -> QuerySet[PartyOrganization]:
    """Party organizations a member may be placed in by this user: active, inside the user's
    view (a branch secretary: their own organization)."""
    return (
        PartyOrganization.objects.visible_to(user)
        .filter(status=PartyOrgStatus.ACTIVE)
        .exclude(kind=PartyOrgKind.LEADING_COMMITTEE)
        .select_related("division")
        .order_by("division_path", "name")
    )


def employer_choices(user: Any) -> QuerySet[SocialOrganization]:
    """Organizations a member may be recorded as working in, by this user: those the user sees,
    and for a branch secretary the organizations their party organization covers."""
    queryset = SocialOrganization.objects.select_related("registration_authority")
    if getattr(user, "role", "") == Role.BRANCH_SECRETARY and not user.is_superuser:
        return queryset.filter(party_coverage__party_organization_id=user.party_organization_id)
    return queryset.visible_to(user)


def sponsor_choices(member: PartyMember) -> QuerySet[PartyMember]:
    """Full members on the roll of the member's branch (or employer), the usual sponsors."""
    queryset = PartyMember.objects.filter(stage=Stage.FULL, status=MemberStatus.ACTIVE).exclude(
        pk=member.pk
    )
    if member.branch_id is not None:
        queryset = queryset.filter(branch_id=member.branch_id)
    elif member.employer_id is not None:
        queryset = queryset.filter(employer_id=member.employer_id)
    else:
        return queryset.none()
    return queryset.order_by("name", "pk")


def transfer_targets() -> QuerySet[PartyOrganization]:
    """Any active party organization may receive a member, inside the province or not in the
    user's jurisdiction: the receiving side decides."""
    return PartyOrganization.objects.filter(status=PartyOrgStatus.ACTIVE).select_related("division")


# --- transfers -----------------------------------------------------------------------------------


def transfer_rows() -> TransferQuerySet:
    return Transfer.objects.select_related(
        "member", "from_branch", "to_branch", "from_branch__division", "to_branch__division"
    )


def transfer_for(user: Any, pk: int) -> Transfer:
    transfer = transfer_rows().visible_to(user).filter(pk=pk).first()
    if transfer is None:
        raise Http404
    return transfer


def open_transfer(member: PartyMember) -> Transfer | None:
    return (
        Transfer.objects.filter(member=member, status=TransferStatus.SENT)
        .select_related("to_branch")
        .first()
    )


# --- committee posts -----------------------------------------------------------------------------


def organization_posts(organization: PartyOrganization) -> list[CommitteePost]:
    """Sitting posts first (by post), then ended ones, newest first."""
    posts = list(
        CommitteePost.objects.filter(party_organization=organization)
        .select_related("member")
        .order_by("-since", "-pk")
    )
    order = {post: index for index, post in enumerate(PostOrder)}
    return sorted(
        posts,
        key=lambda p: (
            p.until is not None,
            order.get(p.post, 99),
            -(p.until or p.since).toordinal(),
        ),
    )


def post_candidates(organization: PartyOrganization) -> QuerySet[PartyMember]:
    """Only full members of the organization on the roll may hold its posts."""
    return PartyMember.objects.filter(
        branch=organization, stage=Stage.FULL, status=MemberStatus.ACTIVE
    ).order_by("name", "pk")


PostOrder = ("secretary", "deputy_secretary", "organization", "publicity", "discipline", "member")
