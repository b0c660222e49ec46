"""The kernel's main pages, for the browser checks (shezhi/core/browser_testing.py): axe-core on
each, and the lists without JavaScript. Objects come from core/tests/access.py's world."""

from __future__ import annotations

from shezhi.core.access_testing import Persona as P
from shezhi.core.browser_testing import BrowserPage, ListChecks

BROWSER_PAGES = [
    BrowserPage("public:index", P.anonymous, heading="公开信息"),
    BrowserPage("core:home", heading="首页"),
    BrowserPage(
        "core:division_list",
        heading="行政区划",
        # The county officer sees Zengcheng's two towns and their few dozen probe villages.
        without_js=ListChecks(search="探针镇", finds="440118101", filters={"level": "town"}),
    ),
    BrowserPage(
        "core:division_detail", kwargs=lambda w: {"code": w.zengcheng_town.code}, heading="测试镇"
    ),
    BrowserPage(
        "core:division_detail",
        kwargs=lambda w: {"code": w.zengcheng_town.code},
        query={"tab": "history"},
        heading="测试镇",
    ),
    BrowserPage(
        "core:todo_list",
        heading="我的待办",
        # The county's own to-dos, and the overdue ones escalated to it from the probe town.
        without_js=ListChecks(search="核对下辖区划", finds="核对下辖区划", links=["已逾期"]),
    ),
]
