"""The account pages, for the browser checks (shezhi/core/browser_testing.py): axe-core on each,
the user list without JavaScript, and the forms in the states they show after a submission.
Objects come from accounts/tests/access.py's world."""

from __future__ import annotations

from typing import TYPE_CHECKING

from shezhi.core.access_testing import AccessWorld, row_tag
from shezhi.core.access_testing import Persona as P
from shezhi.core.browser_testing import BrowserPage, ListChecks
from shezhi.core.testing import TOWN

if TYPE_CHECKING:
    from playwright.sync_api import Page


def _wrong_password(page: Page, world: AccessWorld) -> None:
    page.get_by_label("用户名").fill(world.user(P.county_officer).username)
    page.get_by_label("密码").fill("not-the-password")
    page.get_by_role("button", name="登录").click()
    page.get_by_role("alert").first.wait_for()


def _wrong_old_password(page: Page, world: AccessWorld) -> None:
    page.locator("[name=old_password]").fill("not-the-password")
    page.locator("[name=new_password1]").fill("x")
    page.get_by_role("button", name="保存").click()
    page.locator(".invalid-feedback").first.wait_for()


def _create_token(page: Page, world: AccessWorld) -> None:
    page.get_by_label("名称").fill("浏览器检查令牌")
    page.get_by_role("button", name="创建令牌").click()
    page.get_by_role("heading", name="令牌已创建").wait_for()


BROWSER_PAGES = [
    BrowserPage("accounts:login", P.anonymous, heading="登录"),
    BrowserPage(
        "accounts:login",
        P.anonymous,
        heading="登录",
        steps=_wrong_password,
        label="accounts:login after a wrong password",
    ),
    BrowserPage(
        "accounts:user_list",
        heading="用户",
        # The county's personas, a window clerk of each probe village, three at town level.
        without_js=ListChecks(
            search="probe-440118101",
            finds="probe-440118101001",
            filters={"level": "town"},
            sort_by="用户名",  # sorted by it already: the first click turns it around
        ),
    ),
    BrowserPage(
        "accounts:user_detail",
        kwargs=lambda w: {"pk": w.zengcheng_user.pk},
        heading=row_tag(TOWN),  # the window clerk's name (accounts/tests/access.py)
    ),
    BrowserPage("accounts:token_list", heading="API 令牌"),
    BrowserPage(
        "accounts:token_list",
        heading="API 令牌",
        steps=_create_token,
        label="accounts:token_create (the new token shown once)",
    ),
    BrowserPage("accounts:profile", heading="我的账号"),
    BrowserPage("accounts:password_change", heading="修改密码"),
    BrowserPage(
        "accounts:password_change",
        heading="修改密码",
        steps=_wrong_old_password,
        label="accounts:password_change after a wrong old password",
    ),
]
