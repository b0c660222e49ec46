"""Registration rules of the registry, each with its source, in one place each.

Who may register what, where an organization may be, and which credit codes fit which
registering authority. Validation (validators.py), the services, the import and the demo all ask
these functions, so a rule that changes is changed here once.
"""

from __future__ import annotations

from collections import defaultdict

from django.utils.translation import gettext_lazy as _

from shezhi.core.models import Division

from .models import OrgType

# 《社会团体登记管理条例》第六条、《民办非企业单位登记管理暂行条例》第五条: the civil-affairs
# departments of the State Council and of local governments at county level and above register
# social organizations. So a registering authority is a province, a (prefecture-level) city or a
# county-level division; towns and villages never register.
AUTHORITY_LEVELS: frozenset[str] = frozenset(
    {Division.Level.PROVINCE, Division.Level.CITY, Division.Level.COUNTY}
)

# 《基金会管理条例》第六条 names the provincial civil-affairs departments (and the Ministry) as the
# registering authorities of foundations; Guangdong lets prefecture-level cities register
# non-public foundations too (local practice, [P] in DOMAIN.md's marks). Counties register none.
# Kept as data: a province that delegates differently edits this table.
TYPE_AUTHORITY_LEVELS: dict[str, frozenset[str]] = {
    OrgType.SOCIAL_GROUP: AUTHORITY_LEVELS,
    OrgType.SOCIAL_SERVICE: AUTHORITY_LEVELS,
    OrgType.FOUNDATION: frozenset({Division.Level.PROVINCE, Division.Level.CITY}),
}

# A registered address (住所) is a place: a town/street or a village/community (DOMAIN.md §3).
ADDRESS_LEVELS: frozenset[str] = frozenset({Division.Level.TOWN, Division.Level.VILLAGE})

LEVEL_LABELS = {
    Division.Level.PROVINCE: _("省级"),
    Division.Level.CITY: _("市级"),
    Division.Level.COUNTY: _("县级"),
}


def is_registering_authority(division: Division) -> bool:
    return division.level in AUTHORITY_LEVELS


def may_register_type(org_type: str, authority: Division) -> bool:
    return authority.level in TYPE_AUTHORITY_LEVELS.get(org_type, AUTHORITY_LEVELS)


def address_within_authority(address: Division, authority: Division) -> bool:
    """An organization lives inside the area of the authority that registered it: a county
    registers organizations of its own towns and villages, the province those of any."""
    return address.path.startswith(authority.path)


class HistoricalCodes:
    """Which division codes a credit code may carry for a given registering authority.

    GB 32100-2015 §4.3: characters 3–8 are the division code of the registering authority *when
    the code was issued*. Codes outlive their divisions (DOMAIN.md §3): 增城市 440183 became
    增城区 440118 in 2014, and 萝岗区 440116 merged into 黄埔区 440112, yet the codes issued
    under the old numbers stay valid for life.

    Decision: an authority accepts its own code and the code of every abolished division of the
    same level under the same parent (for a district, the abolished counties and districts of the
    same city). GB/T 2260 as python-stdnum ships it records when a code ended but not which
    current division took over its territory, and in Guangdong every such change stayed inside
    its city; a stricter successor table would refuse real codes whenever a merger is missing
    from it. A *current* sibling's code is always refused: that organization belongs to the
    neighbouring authority. The province accepts only 440000.

    Loaded once (one query for all abolished divisions) and reused for every row of an import.
    """

    def __init__(self) -> None:
        siblings: dict[tuple[str | None, str], set[str]] = defaultdict(set)
        for code, parent_id, level in Division.objects.filter(
            is_current=False, level__in=[Division.Level.CITY, Division.Level.COUNTY]
        ).values_list("code", "parent_id", "level"):
            siblings[(parent_id, level)].add(code)
        self._abolished = {key: frozenset(codes) for key, codes in siblings.items()}
        self._accepted: dict[str, frozenset[str]] = {}

    def accepted(self, authority: Division) -> frozenset[str]:
        accepted = self._accepted.get(authority.code)
        if accepted is None:
            accepted = frozenset({authority.code})
            if authority.level != Division.Level.PROVINCE:
                key = (authority.parent_id, authority.level)
                accepted |= self._abolished.get(key, frozenset())
            self._accepted[authority.code] = accepted
        return accepted

    def matches(self, division_code: str, authority: Division) -> bool:
        return division_code in self.accepted(authority)
