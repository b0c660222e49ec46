"""Badges of the registry's pages, computed from the row in memory (no query)."""

from __future__ import annotations

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from ..models import LIVE_STATUSES, OrgStatus, SocialOrganization
from ..selectors import is_blank_spot

register = template.Library()

_STATUS_COLOURS: dict[str, str] = {
    OrgStatus.ACTIVE: "bg-green-lt",
    OrgStatus.ABNORMAL: "bg-yellow-lt",
    OrgStatus.SERIOUS_VIOLATION: "bg-red-lt",
}


@register.simple_tag
def status_badge(organization: SocialOrganization) -> SafeString:
    colour = _STATUS_COLOURS.get(organization.status, "bg-secondary-lt")
    return format_html(
        '<span class="badge {}">{}</span>', colour, organization.get_status_display()
    )


@register.simple_tag
def coverage_badge(organization: SocialOrganization) -> SafeString:
    """Organization coverage, work coverage only, or blank spot (selectors.blank_spot_q)."""
    if organization.status not in LIVE_STATUSES:
        return mark_safe('<span class="text-secondary">—</span>')
    if organization.organization_covered:
        return format_html('<span class="badge bg-green-lt">{}</span>', _("已建党组织"))
    if is_blank_spot(organization):
        return format_html('<span class="badge bg-red-lt">{}</span>', _("空白点"))
    return format_html('<span class="badge bg-blue-lt">{}</span>', _("工作覆盖"))
