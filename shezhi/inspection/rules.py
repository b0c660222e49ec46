"""The rules of annual inspection and the annual work report, each a named function citing its
source (STYLE §8). The services and the completion figures ask them; nothing restates them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.utils.translation import gettext as _

from .models import RECTIFYING_CONCLUSIONS, Conclusion


@dataclass(frozen=True)
class Finding:
    rule: str
    message: str
    citation: str


EXEMPTION_CITATION = (
    "DOMAIN.md §7；登记管理机关年度检查通知的通行口径：当年6月30日（含）前登记成立的"
    "社会组织参加该年度检查，此后登记的不参加"
)


def exemption_cutoff(year: int) -> date:
    """The first founding date that is exempt for `year`: 1 July, six months before year end."""
    return date(year, 7, 1)


def new_organization_exempt(founded_on: date, year: int) -> Finding | None:
    """An organization registered within six months of the year end files nothing for that
    year (nor for any year before it was registered).

    Source: DOMAIN.md §7 [C] ("a new organization registered within 6 months of year end is
    exempt"); registration authorities' annual notices put it as "X年6月30日（含）前登记成立的
    社会团体、民办非企业单位、基金会，均应接受X年度检查".
    """
    if founded_on < exemption_cutoff(year):
        return None
    return Finding(
        "inspection.new_organization_exempt",
        _("%(founded)s 成立登记，距 %(year)s 年末不足6个月，免于报送该年度年检（年报）。")
        % {"founded": founded_on.isoformat(), "year": year},
        EXEMPTION_CITATION,
    )


def conclusion_orders_rectification(conclusion: str) -> bool:
    """A conclusion of basically qualified or unqualified orders rectification within a
    deadline.

    Source: DOMAIN.md §0 and §7 [C] ("a conclusion of basically qualified or unqualified orders
    rectification within a deadline").
    """
    return conclusion in RECTIFYING_CONCLUSIONS


def rectification_working_days() -> int:
    """Working days an organization has to rectify, counted from the day after the order.

    The national rules leave the deadline to the registration authority ("限期整改"); the
    platform's default is 30 working days, settable as SHEZHI_INSPECTION_RECTIFICATION_WORKING_DAYS
    [P: local practice].
    """
    return int(getattr(settings, "SHEZHI_INSPECTION_RECTIFICATION_WORKING_DAYS", 30))


def verification_working_days() -> int:
    """Working days the authority has to verify a submitted rectification.

    Source: DOMAIN.md §7 ("leaves on verified rectification (5 working days)"), the same clock as
    the abnormal-list removal after verified rectification.
    """
    return int(getattr(settings, "SHEZHI_INSPECTION_VERIFY_WORKING_DAYS", 5))


def conclusion_required(mode: str) -> bool:
    """The national inspection ends in a conclusion; the Guangdong annual work report is filed
    and published without one.

    Source: DOMAIN.md §7; 粤民规字〔2019〕3号.
    """
    from .models import Mode

    return mode == Mode.INSPECTION


__all__ = [
    "Conclusion",
    "Finding",
    "conclusion_orders_rectification",
    "conclusion_required",
    "exemption_cutoff",
    "new_organization_exempt",
    "rectification_working_days",
    "verification_working_days",
]
