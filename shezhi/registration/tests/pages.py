"""Founding registration's main pages, for the browser checks (shezhi/core/browser_testing.py):
axe-core on each, and the list without JavaScript, as Zengcheng's civil-affairs officer."""

from __future__ import annotations

from shezhi.core.browser_testing import BrowserPage, ListChecks

BROWSER_PAGES = [
    BrowserPage(
        "registration:application_list",
        heading="成立登记",
        # Zengcheng's probe applications (build_many) and the two of the access world.
        without_js=ListChecks(
            search="探针拟登记协会", finds="探针拟登记协会", filters={"status": "draft"}
        ),
    ),
    BrowserPage(
        "registration:application_detail",
        kwargs=lambda w: {"pk": w.zengcheng_founding_submitted.pk},
        heading="zengcheng访问矩阵待审查协会",
    ),
    BrowserPage("registration:application_create", heading="成立登记申请"),
]
