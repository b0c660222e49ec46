"""The roles of the platform and what each one is bound to.

Roles are a kernel concept: scoping, to-dos and permissions all ask them, so they live in core and
accounts only stores them on the user.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    CIVIL_AFFAIRS_OFFICER = "civil_affairs", _("民政部门工作人员")
    PARTY_COMMITTEE_OFFICER = "party_committee", _("社会组织党委工作人员")
    TOWN_OFFICER = "town", _("乡镇（街道）工作人员")
    VILLAGE_COMMITTEE = "village", _("村（居）委会")
    SUPERVISION_MEMBER = "supervision", _("村务监督委员会成员")
    WINDOW_CLERK = "window", _("服务窗口工作人员")
    ORGANIZATION_ACCOUNT = "organization", _("社会组织账号")
    BRANCH_SECRETARY = "branch_secretary", _("党组织书记")


# Roles that act for one organization rather than a jurisdiction. Their organization binding
# arrives with the social-organization and party modules; until then they see nothing.
ORGANIZATION_ROLES = frozenset({Role.ORGANIZATION_ACCOUNT, Role.BRANCH_SECRETARY})

# Which division levels each jurisdiction role may be bound to.
ROLE_LEVELS: dict[str, frozenset[str]] = {
    Role.CIVIL_AFFAIRS_OFFICER: frozenset({"province", "city", "county"}),
    Role.PARTY_COMMITTEE_OFFICER: frozenset({"province", "city", "county"}),
    Role.TOWN_OFFICER: frozenset({"town"}),
    Role.VILLAGE_COMMITTEE: frozenset({"village"}),
    Role.SUPERVISION_MEMBER: frozenset({"village"}),
    Role.WINDOW_CLERK: frozenset({"county", "town", "village"}),
}

# The prefix of demo account names: `<prefix>-<division code>`, e.g. officer-440118.
ROLE_ACCOUNT_PREFIX: dict[str, str] = {
    Role.CIVIL_AFFAIRS_OFFICER: "officer",
    Role.PARTY_COMMITTEE_OFFICER: "party",
    Role.TOWN_OFFICER: "town",
    Role.VILLAGE_COMMITTEE: "village",
    Role.SUPERVISION_MEMBER: "supervision",
    Role.WINDOW_CLERK: "window",
    Role.ORGANIZATION_ACCOUNT: "org",
    Role.BRANCH_SECRETARY: "secretary",
}
