"""Who may do what with founding applications; asked alike by views, templates and the API.

Officers: civil-affairs officers of a registering level (province, city, county) handle the
applications whose registering authority lies in their jurisdiction (the rows visible_to gives
them) and enter paper applications. Applicants: an organization account not yet bound to a
registered organization files its own. Party-committee officers read (they take the party
organization over); every other role is refused.
"""

from __future__ import annotations

from typing import Any

from shezhi.core.roles import Role
from shezhi.social_orgs.permissions import can_register_organization, is_registry_officer

from .models import EDITABLE_STATUSES, FoundingApplication, Status


def _active(user: Any) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_active)


def is_applicant_account(user: Any) -> bool:
    """An organization account with no registered organization yet: a founding applicant."""
    return (
        _active(user)
        and not user.is_superuser
        and user.role == Role.ORGANIZATION_ACCOUNT
        and getattr(user, "organization_id", None) is None
    )


def is_registration_officer(user: Any) -> bool:
    return _active(user) and is_registry_officer(user)


def can_view_registrations(user: Any) -> bool:
    """May open the pages and API at all (403 otherwise); rows are still scoped."""
    if not _active(user):
        return False
    return bool(
        user.is_superuser
        or user.role
        in (Role.CIVIL_AFFAIRS_OFFICER, Role.PARTY_COMMITTEE_OFFICER, Role.ORGANIZATION_ACCOUNT)
    )


def can_file(user: Any) -> bool:
    """May start a founding application: a registry officer (paper application) or an applicant."""
    return is_registration_officer(user) or is_applicant_account(user)


def is_applicant_side(user: Any, application: FoundingApplication) -> bool:
    """Who speaks for the applicant: who filed it, or a registry officer over its authority."""
    if not _active(user):
        return False
    if application.created_by_id is not None and application.created_by_id == user.pk:
        return True
    return is_decider(user, application)


def can_edit(user: Any, application: FoundingApplication) -> bool:
    return application.status in EDITABLE_STATUSES and is_applicant_side(user, application)


def can_withdraw(user: Any, application: FoundingApplication) -> bool:
    return application.status not in (
        Status.APPROVED,
        Status.REFUSED,
        Status.WITHDRAWN,
    ) and is_applicant_side(user, application)


def is_decider(user: Any, application: FoundingApplication) -> bool:
    """A civil-affairs officer of the registering authority or above (or a superuser)."""
    return is_registration_officer(user) and can_register_organization(
        user, application.registration_authority
    )


def can_decide(user: Any, application: FoundingApplication) -> bool:
    return application.status in (Status.SUBMITTED, Status.ACCEPTED) and is_decider(
        user, application
    )
