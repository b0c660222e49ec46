"""The registry's main pages, for the browser checks (shezhi/core/browser_testing.py): axe-core
on each, and the list without JavaScript. Objects come from social_orgs/tests/access.py's world
(and the party access modules' organizations, which the county officer sees in the list too)."""

from __future__ import annotations

from shezhi.core.access_testing import Persona as P
from shezhi.core.browser_testing import BrowserPage, ListChecks

BROWSER_PAGES = [
    BrowserPage(
        "social_orgs:list",
        heading="社会组织",
        # Zengcheng's few dozen probe organizations (build_many) and the personas' own
        # 增城区测试协会, the one with a party branch of its own (organization coverage).
        without_js=ListChecks(
            search="增城区测试协会",
            finds="增城区测试协会",
            filters={"coverage": "organization"},
            sort_by="名称",
        ),
    ),
    BrowserPage(
        "social_orgs:detail",
        kwargs=lambda w: {"credit_code": w.zengcheng_org.credit_code},
        heading="增城区测试协会",
    ),
    BrowserPage(
        "social_orgs:detail",
        kwargs=lambda w: {"credit_code": w.zengcheng_org.credit_code},
        query={"tab": "history"},
        heading="增城区测试协会",
    ),
    BrowserPage("social_orgs:import", heading="导入社会组织"),
    BrowserPage("public_orgs:search", P.anonymous, heading="社会组织信息查询"),
    BrowserPage("public_orgs:search", P.anonymous, query={"q": "协会"}, heading="社会组织信息查询"),
    BrowserPage(
        "public_orgs:detail",
        P.anonymous,
        kwargs=lambda w: {"credit_code": w.zengcheng_org.credit_code},
        heading="增城区测试协会",
    ),
]
