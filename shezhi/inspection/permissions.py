"""Who may do what with annual inspections and reports: predicates asked alike by pages, the API
and the services (STYLE §7).

- Civil-affairs officers of a registering level (province, city, county) read the filings of the
  authorities inside their jurisdiction and decide them; the configuration of an authority's
  year is kept by the officers *of that authority* (their division is the authority).
- An organization account files, corrects and submits its own organization's filings and
  reports its rectification.
- Everyone else (party committees, towns, villages, windows, branch secretaries) has no business
  here: 403 before any row is looked up.
"""

from __future__ import annotations

from typing import Any

from shezhi.core.roles import Role

from .models import Filing, FilingStatus, InspectionConfig, Rectification, RectificationStatus

OFFICER_LEVELS = frozenset({"province", "city", "county"})


def _active(user: Any) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_active)


def is_inspection_officer(user: Any) -> bool:
    if not _active(user):
        return False
    if user.is_superuser:
        return True
    division = getattr(user, "division", None)
    return (
        user.role == Role.CIVIL_AFFAIRS_OFFICER
        and division is not None
        and division.level in OFFICER_LEVELS
    )


def is_filing_organization(user: Any) -> bool:
    return (
        _active(user)
        and not user.is_superuser
        and user.role == Role.ORGANIZATION_ACCOUNT
        and getattr(user, "organization_id", None) is not None
    )


def can_view_inspection(user: Any) -> bool:
    """May open the module's pages and API (403 otherwise); rows are still scoped."""
    return is_inspection_officer(user) or is_filing_organization(user)


def _inside(user: Any, path: str) -> bool:
    if user.is_superuser:
        return True
    division = getattr(user, "division", None)
    return division is not None and path.startswith(division.path)


def can_edit_filing(user: Any, filing: Filing) -> bool:
    return (
        is_filing_organization(user)
        and user.organization_id == filing.organization_id
        and filing.status == FilingStatus.DRAFT
    )


def can_decide_filing(user: Any, filing: Filing) -> bool:
    """Officers at the filing's authority or above it, while it is in review."""
    return (
        is_inspection_officer(user)
        and _inside(user, filing.authority_path)
        and filing.status
        in (FilingStatus.SUBMITTED, FilingStatus.SUPERVISOR_REVIEW, FilingStatus.AUTHORITY_REVIEW)
    )


def can_report_rectification(user: Any, rectification: Rectification) -> bool:
    return (
        is_filing_organization(user)
        and user.organization_id == rectification.filing.organization_id
        and rectification.status == RectificationStatus.OPEN
    )


def can_verify_rectification(user: Any, rectification: Rectification) -> bool:
    return (
        is_inspection_officer(user)
        and _inside(user, rectification.filing.authority_path)
        and rectification.status == RectificationStatus.SUBMITTED
    )


def can_manage_configs(user: Any) -> bool:
    """May open the configuration forms at all: officers (each for their own authority)."""
    return is_inspection_officer(user)


def can_manage_config_of(user: Any, authority_code: str) -> bool:
    """The officers of that authority (or a superuser) set its year's mode and window."""
    if not is_inspection_officer(user):
        return False
    return bool(user.is_superuser or user.division_id == authority_code)


def can_edit_config(user: Any, config: InspectionConfig) -> bool:
    return can_manage_config_of(user, config.authority_id)
