"""The party module's main pages, for the browser checks (shezhi/core/browser_testing.py):
axe-core on each, and the lists without JavaScript. Objects come from the world of the party
access modules (tests/access_organizations.py, tests/access_members.py), as the Zengcheng
county's civil-affairs officer sees it (a reader of every party page, permissions.py), and the
application list once more as the province's party-committee officer, who decides."""

from __future__ import annotations

from shezhi.core.access_testing import Persona as P
from shezhi.core.browser_testing import BrowserPage, ListChecks

BROWSER_PAGES = [
    BrowserPage("party:coverage", heading="社会组织党建统计"),
    BrowserPage(
        "party:organization_list",
        heading="党组织",
        # Zengcheng's probe branches (build_many), the personas' 增城区测试协会党支部 and the
        # members module's second and receiving branches.
        without_js=ListChecks(search="增城区测试协会", finds="增城区测试协会党支部"),
    ),
    BrowserPage(
        "party:application_list",
        heading="党组织事项办理",
        # Zengcheng's probe establishment applications and the branch's two change requests
        # (one draft, one submitted).
        without_js=ListChecks(
            search="增城区测试协会",
            finds="增城区测试协会党支部",
            filters={"kind": "change"},
        ),
    ),
    BrowserPage(
        "party:application_list",
        P.party_officer,
        heading="党组织事项办理",
        label="party:application_list as the deciding party committee",
    ),
    BrowserPage(
        "party:instructor_list",
        heading="党建指导员",
        # Zengcheng's probe instructors and the one assigned to 增城区测试协会.
        without_js=ListChecks(search="访问矩阵指导员", finds="访问矩阵指导员zengcheng"),
    ),
    BrowserPage(
        "party:member_list",
        heading="党员",
        # The branch's probe members, a full member, an applicant and one being transferred.
        without_js=ListChecks(search="矩阵党员", finds="矩阵党员", filters={"stage": "applicant"}),
    ),
    BrowserPage(
        "party:transfer_list",
        heading="组织关系转接",
        # Only half a dozen transfers a side (build_many sends five): no second page.
        without_js=ListChecks(search="矩阵转接党员", finds="矩阵转接党员", pages=False),
    ),
]
