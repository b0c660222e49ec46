"""Reads of the registry, shaped for the pages, the API and the exports.

Selectors own `select_related`, so a page of rows costs the same number of queries whatever its
size. Scoping is applied by the caller (`.visible_to(user)`, or ListPage), never skipped: the
public selectors are the only ones that read without a user, and they never load personal data.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet, TextChoices
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from shezhi.core.models import Division
from shezhi.core.scoping import prefix_q

from .credit_code import is_credit_code_shape
from .models import LIVE_STATUSES, SocialOrganization
from .rules import AUTHORITY_LEVELS

# --------------------------------------------------------------------------------------------
# Party coverage, read from the facts the party module keeps on each organization


def blank_spot_q(prefix: str = "") -> Q:
    """Organizations that should have a party organization and do not (党建工作“空白点”).

    A live organization without organization coverage is a blank spot when it has three or more
    full members (it must form its own organization: 《中国共产党章程》第三十条, 《关于加强社会组织
    党的建设工作的意见（试行）》中办发〔2015〕51号) or when no instructor reaches it either (no work
    coverage: the same 意见, "两个覆盖"). shared/DOMAIN.md §0. `prefix` reaches the organization
    from a related model, e.g. "employer__".

    The one definition: the list filter, the API, `is_blank_spot` below and the party module's
    statistics (party/analysis.py) all use it.
    """
    return Q(**{f"{prefix}status__in": LIVE_STATUSES, f"{prefix}organization_covered": False}) & (
        Q(**{f"{prefix}full_member_count__gte": 3}) | Q(**{f"{prefix}has_instructor": False})
    )


def is_blank_spot(organization: SocialOrganization) -> bool:
    """`blank_spot_q` for one organization in memory (the tests hold the two together)."""
    return (
        organization.status in LIVE_STATUSES
        and not organization.organization_covered
        and (organization.full_member_count >= 3 or not organization.has_instructor)
    )


class CoverageFilter(TextChoices):
    ORGANIZATION = "organization", _("已建立党组织（组织覆盖）")
    WORK_ONLY = "work_only", _("仅工作覆盖（选派党建指导员）")
    BLANK_SPOT = "blank_spot", _("党建空白点")


def coverage_q(kind: str) -> Q:
    if kind == CoverageFilter.ORGANIZATION:
        return Q(organization_covered=True)
    if kind == CoverageFilter.WORK_ONLY:
        return Q(organization_covered=False, has_instructor=True)
    if kind == CoverageFilter.BLANK_SPOT:
        return blank_spot_q()
    raise ValueError(kind)


# --------------------------------------------------------------------------------------------
# Officers' lists


def organization_rows() -> QuerySet[SocialOrganization]:
    """Every organization with what a list row shows, unscoped (callers scope it)."""
    return SocialOrganization.objects.select_related("registration_authority", "address_division")


def search_q(term: str) -> Q:
    """Part of the name, or the start of the credit code (case and spaces forgiven)."""
    term = term.replace("\x00", "").strip()  # PostgreSQL refuses NUL in a string
    condition = Q(name__icontains=term)
    compact = "".join(term.split()).upper()
    if compact.isalnum() and compact.isascii():
        condition |= Q(credit_code__startswith=compact)
    return condition


def filter_organizations(
    queryset: QuerySet[SocialOrganization],
    *,
    division: Division | None = None,
    org_type: str = "",
    level: str = "",
    status: str = "",
    coverage: str = "",
    q: str = "",
) -> QuerySet[SocialOrganization]:
    """The filters of the list page and the list API, in one place.

    `division`: organizations registered by that division's authority or any inside it (the
    same range scan as scoping); `level`: the level of the registering authority.
    """
    if division is not None:
        queryset = queryset.filter(prefix_q("authority_path", division.path))
    if org_type:
        queryset = queryset.filter(org_type=org_type)
    if level:
        queryset = queryset.filter(registration_authority__level=level)
    if status:
        queryset = queryset.filter(status=status)
    if coverage:
        queryset = queryset.filter(coverage_q(coverage))
    if q:
        queryset = queryset.filter(search_q(q))
    return queryset


# The sorts of the list page and the list API: key → ORDER BY, each ending on a unique column so
# rows never jump between pages. "authority" follows the (authority_path, name) index.
ORDERINGS: dict[str, tuple[str, ...]] = {
    "authority": ("authority_path", "name", "pk"),
    "name": ("name", "pk"),
    "credit_code": ("credit_code",),
    "org_type": ("org_type", "authority_path", "name", "pk"),
    "founded_on": ("founded_on", "pk"),
    "staff_count": ("staff_count", "pk"),
    "status": ("status", "authority_path", "name", "pk"),
}
DEFAULT_ORDERING = "authority"


def ordering(sort: str) -> list[str]:
    """ORDER BY for a sort key ("-" prefix: descending; unknown keys: the default)."""
    descending = sort.startswith("-")
    fields = ORDERINGS.get(sort.lstrip("-"), ORDERINGS[DEFAULT_ORDERING])
    return [("-" if descending else "") + field for field in fields]


def filter_divisions(user: Any) -> QuerySet[Division]:
    """The divisions an officer may filter by: current registering levels in the jurisdiction."""
    return (
        Division.objects.visible_to(user)
        .filter(level__in=AUTHORITY_LEVELS, is_current=True)
        .only("code", "name", "level", "path")
        .order_by("path")
    )


def visible_organization(user: Any, credit_code: str) -> SocialOrganization:
    """One organization the user may see, by credit code; 404 otherwise (not yours = missing)."""
    code = credit_code.strip().upper()
    if not is_credit_code_shape(code):
        raise Http404
    try:
        rows: Any = organization_rows()
        organization: SocialOrganization = rows.visible_to(user).get(credit_code=code)
        return organization
    except SocialOrganization.DoesNotExist:
        raise Http404 from None


def registering_authorities(user: Any) -> QuerySet[Division]:
    """Where the user may register organizations: their division and the registering levels
    below it (the form's choices; the service checks again)."""
    return filter_divisions(user)


# --------------------------------------------------------------------------------------------
# The public face: registration facts anyone may read, never personal data

PUBLIC_MIN_TERM = 2
# Fields that never leave the public selectors; `defer` keeps them out of the SELECT, so a
# template mistake cannot print them.
PUBLIC_DEFERRED = (
    "legal_representative_phone",
    "legal_representative_phone_hash",
    "staff_count",
)


def public_rows() -> QuerySet[SocialOrganization]:
    return (
        SocialOrganization.objects.select_related("registration_authority", "address_division")
        .defer(*PUBLIC_DEFERRED)
        .order_by("name", "pk")
    )


def public_search(term: str) -> QuerySet[SocialOrganization]:
    """Organizations by part of the name or the start of the credit code; nothing for a term
    shorter than PUBLIC_MIN_TERM characters (the registry is not for listing whole)."""
    term = term.replace("\x00", "").strip()
    if len(term) < PUBLIC_MIN_TERM:
        return public_rows().none()
    return public_rows().filter(search_q(term))


def public_organization(credit_code: str) -> SocialOrganization:
    code = credit_code.strip().upper()
    if not is_credit_code_shape(code):
        raise Http404
    try:
        return public_rows().get(credit_code=code)
    except SocialOrganization.DoesNotExist:
        raise Http404 from None
