"""Who may do what in the party module. Views, templates, navigation and the API ask these.

The predicates say whether a role may act at all; *which* records it may act on is decided by
fetching them through `visible_to(user)` first (404 outside the jurisdiction), so every predicate
below assumes the record in hand is already visible to the user.
"""

from __future__ import annotations

from typing import Any

from shezhi.core.roles import Role
from shezhi.core.scoping import is_within

from .models import ApplicationKind, ApplicationStatus, PartyOrgApplication

# --- party organizations, applications, instructors -----------------------------------------

# Who reads party-organization records: the officers of a jurisdiction (civil affairs supervises
# the organizations, the social-organization party committee leads their party building) and
# the two organization-bound roles, each narrowed by scoping to what is theirs.
PARTY_READER_ROLES = frozenset(
    {
        Role.CIVIL_AFFAIRS_OFFICER,
        Role.PARTY_COMMITTEE_OFFICER,
        Role.BRANCH_SECRETARY,
        Role.ORGANIZATION_ACCOUNT,
    }
)
# Instructors are officers' business: organization-bound roles see their own instructor on the
# organization's page, not the roster.
INSTRUCTOR_READER_ROLES = frozenset({Role.CIVIL_AFFAIRS_OFFICER, Role.PARTY_COMMITTEE_OFFICER})


def _active(user: Any) -> bool:
    return bool(user.is_authenticated and user.is_active)


def is_party_committee_officer(user: Any) -> bool:
    """An officer of a social-organization party committee, bound to a jurisdiction."""
    return bool(
        _active(user)
        and user.role == Role.PARTY_COMMITTEE_OFFICER
        and getattr(user, "division_id", None) is not None
    )


def can_view_party_organizations(user: Any) -> bool:
    """May open the party-organization and business-handling pages."""
    if not _active(user):
        return False
    return bool(user.is_superuser or user.role in PARTY_READER_ROLES)


def can_register_party_organization(user: Any) -> bool:
    """May write a party organization's record directly, without an application.

    Only for bringing in organizations approved before the platform existed (data migration) and
    correcting records: the party committee's officers and superusers. Everyone else goes through
    an application decided by the superior organization.
    """
    return bool(_active(user) and (user.is_superuser or is_party_committee_officer(user)))


def can_apply(user: Any, kind: str) -> bool:
    """May draft an application of `kind` at all (for which organization: `can_apply_for`)."""
    if not _active(user):
        return False
    if user.is_superuser or is_party_committee_officer(user):
        return True
    if user.role == Role.BRANCH_SECRETARY:
        # A party organization applies for its own change, re-election or dissolution.
        return kind != ApplicationKind.ESTABLISH and user.party_organization_id is not None
    if user.role == Role.ORGANIZATION_ACCOUNT:
        # An organization applies to establish its party organization (四同步, DOMAIN.md §0).
        return kind == ApplicationKind.ESTABLISH and user.organization_id is not None
    return False


def can_apply_for(user: Any, kind: str, party_organization_id: int | None) -> bool:
    """May draft an application of `kind` about this (already visible) party organization."""
    if not can_apply(user, kind):
        return False
    if user.is_superuser or is_party_committee_officer(user):
        return True
    if user.role == Role.BRANCH_SECRETARY:
        return party_organization_id == user.party_organization_id
    return kind == ApplicationKind.ESTABLISH


def is_applicant_side(user: Any, application: PartyOrgApplication) -> bool:
    """The people who speak for an application: who drafted it, the party organization it is
    about, the organization that applied, and the party committee's officers."""
    if not _active(user):
        return False
    if user.is_superuser or is_party_committee_officer(user):
        return True
    if application.created_by_id is not None and application.created_by_id == user.pk:
        return True
    if user.role == Role.BRANCH_SECRETARY:
        return (
            application.party_organization_id is not None
            and application.party_organization_id == user.party_organization_id
        )
    if user.role == Role.ORGANIZATION_ACCOUNT:
        return application.social_org_id is not None and application.social_org_id == (
            user.organization_id
        )
    return False


def can_edit_application(user: Any, application: PartyOrgApplication) -> bool:
    """May change or submit a draft."""
    return application.status == ApplicationStatus.DRAFT and is_applicant_side(user, application)


def can_withdraw_application(user: Any, application: PartyOrgApplication) -> bool:
    return application.status in (
        ApplicationStatus.DRAFT,
        ApplicationStatus.SUBMITTED,
    ) and is_applicant_side(user, application)


def can_attach_documents(user: Any, application: PartyOrgApplication) -> bool:
    """Documents may be added while the application is open (a superior may ask for more)."""
    return can_withdraw_application(user, application)


def is_decider(user: Any, application: PartyOrgApplication) -> bool:
    """Speaks for the superior organization: a party-committee officer whose jurisdiction holds
    the superior (needs `application.superior` loaded), or a superuser. Whatever the state: the
    API answers a decision on a decided application with 409, not 403."""
    if not _active(user):
        return False
    if user.is_superuser:
        return True
    return is_party_committee_officer(user) and is_within(user, application.superior.division_path)


def can_decide_application(user: Any, application: PartyOrgApplication) -> bool:
    return application.status == ApplicationStatus.SUBMITTED and is_decider(user, application)


def can_view_instructors(user: Any) -> bool:
    return bool(_active(user) and (user.is_superuser or user.role in INSTRUCTOR_READER_ROLES))


def can_manage_instructors(user: Any) -> bool:
    """May add instructors and assign them (选派): the party committee's officers."""
    return bool(_active(user) and (user.is_superuser or is_party_committee_officer(user)))


# --- party members, development, transfers, committee posts (members module) -----------------

# Who keeps member records (facts, not development decisions): the officers of a jurisdiction,
# a branch secretary for the branch's members, and an organization account for its own staff
# (the second of the four synchronizations at registration: 党员信息同步登记, DOMAIN.md §0).
MEMBER_RECORD_ROLES = frozenset(
    {
        Role.CIVIL_AFFAIRS_OFFICER,
        Role.PARTY_COMMITTEE_OFFICER,
        Role.BRANCH_SECRETARY,
        Role.ORGANIZATION_ACCOUNT,
    }
)


def can_view_members(user: Any) -> bool:
    """May open the member pages (narrowed by scoping: a jurisdiction, a branch's members, an
    organization's staff)."""
    return can_view_party_organizations(user)


def can_edit_member_records(user: Any) -> bool:
    """May register members and correct their facts (not their development stage)."""
    if not _active(user):
        return False
    if user.is_superuser:
        return True
    if user.role == Role.BRANCH_SECRETARY:
        return user.party_organization_id is not None
    if user.role == Role.ORGANIZATION_ACCOUNT:
        return user.organization_id is not None
    return user.role in MEMBER_RECORD_ROLES and getattr(user, "division_id", None) is not None


def can_record_development(user: Any) -> bool:
    """May record development steps (decided by the branch and the party committee above):
    the branch's secretary and the party committee's officers."""
    if not _active(user):
        return False
    if user.is_superuser or is_party_committee_officer(user):
        return True
    return user.role == Role.BRANCH_SECRETARY and user.party_organization_id is not None


def can_handle_transfers(user: Any) -> bool:
    """May send, receive, reject and cancel organization-relationship transfers (for the side
    whose branch the user answers for)."""
    return can_record_development(user)


def can_manage_posts(user: Any) -> bool:
    """May record committee posts of a (visible) party organization."""
    return can_record_development(user)


def can_import_members(user: Any) -> bool:
    """Bulk import is for the officers of a jurisdiction (and superusers)."""
    if not _active(user):
        return False
    if user.is_superuser:
        return True
    return (
        user.role in (Role.CIVIL_AFFAIRS_OFFICER, Role.PARTY_COMMITTEE_OFFICER)
        and getattr(user, "division_id", None) is not None
    )


def answers_for_branch(user: Any, branch: Any) -> bool:
    """Whether the user acts for `branch` (a PartyOrganization): its secretary, or an officer
    whose jurisdiction holds it."""
    if not _active(user) or branch is None:
        return False
    if user.is_superuser:
        return True
    if user.role == Role.BRANCH_SECRETARY:
        return user.party_organization_id == branch.pk
    return is_party_committee_officer(user) and is_within(user, branch.division_path)


def can_send_transfer(user: Any, member: Any) -> bool:
    """The sending side: whoever answers for the member's branch."""
    return can_handle_transfers(user) and answers_for_branch(user, member.branch)


def can_decide_transfer(user: Any, transfer: Any) -> bool:
    """The receiving side receives or rejects (needs `transfer.to_branch` loaded)."""
    return (
        transfer.status == "sent"
        and can_handle_transfers(user)
        and answers_for_branch(user, transfer.to_branch)
    )


def can_cancel_transfer(user: Any, transfer: Any) -> bool:
    """The sending side withdraws a letter not yet received (needs `transfer.from_branch`)."""
    return (
        transfer.status == "sent"
        and can_handle_transfers(user)
        and answers_for_branch(user, transfer.from_branch)
    )


def can_develop_member(user: Any, member: Any) -> bool:
    """May record a development step of this (visible) member: who answers for the member's
    branch, or, for a member not yet in a branch, the party committee of the jurisdiction."""
    if not can_record_development(user):
        return False
    if member.branch_id is not None:
        return answers_for_branch(user, member.branch)
    if user.is_superuser:
        return True
    return is_party_committee_officer(user) and is_within(user, member.division_path)


# --- statistics and analysis -------------------------------------------------------------------


def can_view_party_statistics(user: Any) -> bool:
    """May open the coverage statistics: the officers of a province, city or county (which
    division's figures is then decided by the jurisdiction, 404 outside it) and superusers."""
    if not _active(user):
        return False
    return bool(
        user.is_superuser or user.role in {Role.CIVIL_AFFAIRS_OFFICER, Role.PARTY_COMMITTEE_OFFICER}
    )
