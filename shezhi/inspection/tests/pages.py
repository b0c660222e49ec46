"""The inspection module's main pages, for the browser checks (shezhi/core/browser_testing.py):
axe-core on each, and the list without JavaScript. Objects come from tests/access.py's world."""

from __future__ import annotations

from shezhi.core.access_testing import Persona as P
from shezhi.core.browser_testing import BrowserPage, ListChecks

BROWSER_PAGES = [
    BrowserPage(
        "inspection:filing_list",
        heading="年检（年报）",
        # Zengcheng's probe filings (build_many) and the personas' organization's four.
        without_js=ListChecks(
            search="探针年报组织", finds="探针年报组织", filters={"status": "submitted"}
        ),
    ),
    BrowserPage(
        "inspection:filing_detail",
        kwargs=lambda w: {"pk": w.inspection_zengcheng_review.pk},
        heading="增城区测试协会 2023年度年度工作报告",
    ),
    BrowserPage(
        "inspection:filing_detail",
        P.organization_account,
        kwargs=lambda w: {"pk": w.inspection_zengcheng_rectifying.pk},
        heading="增城区测试协会 2022年度年度检查",
        label="inspection:filing_detail with a rectification, as the organization",
    ),
    BrowserPage("inspection:filing_create", P.organization_account, heading="填报年检（年报）"),
    BrowserPage("inspection:completion", heading="年检（年报）完成情况", query={"year": "2024"}),
    BrowserPage("inspection:config_list", heading="年检（年报）安排", query={"year": "2024"}),
    BrowserPage(
        "public_inspection:organization",
        P.anonymous,
        kwargs=lambda w: {"credit_code": w.inspection_zengcheng_draft.organization.credit_code},
        heading="增城区测试协会 年检（年报）公示",
    ),
]
