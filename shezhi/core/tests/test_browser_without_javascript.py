"""With JavaScript switched off, the htmx pages still work through their plain links and forms:
every declared list (shezhi/<app>/tests/pages.py, `without_js=`) searches, filters, sorts and
pages, and an officer signs in, completes a to-do, reveals a phone number, makes and revokes an
API token, switches the language and signs out."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

import pytest

from shezhi.core import browser_testing as checks
from shezhi.core.access_testing import Persona
from shezhi.core.testing import PASSWORD

if TYPE_CHECKING:
    from playwright.sync_api import Browser

pytestmark = pytest.mark.browser


def test_it_searches_filters_sorts_and_pages_every_list_without_javascript(
    browser: Browser, live_server: Any, request: pytest.FixtureRequest
) -> None:
    lists = [page for page in checks.declared_pages() if page.without_js is not None]
    assert lists, "no BROWSER_PAGES declare without_js=ListChecks(...)"
    world = checks.build_browser_world()
    context_for = checks.contexts_by_persona(browser, live_server.url, world, java_script=False)
    problems: list[str] = []
    for declared in lists:
        page = context_for(declared.persona).new_page()
        found = checks.check_list_without_js(page, declared, world)
        if found:
            found.append(
                "  screenshot: " + checks.keep_screenshot(page, request.node.nodeid, declared.title)
            )
        problems += found
        page.close()
    if problems:
        pytest.fail(
            f"{len(problems)} problems on {len(lists)} lists without JavaScript:\n"
            + "\n".join(problems),
            pytrace=False,
        )


def test_it_lets_an_officer_work_through_the_plain_forms_without_javascript(
    browser: Browser, live_server: Any
) -> None:
    from playwright.sync_api import expect

    world = checks.build_browser_world()
    officer = world.user(Persona.county_officer)
    context = checks.new_context(browser, live_server.url, java_script=False)
    page = context.new_page()

    # Signing in.
    page.goto("/")
    # <noscript> content shows only when scripts are off: proof that they are.
    expect(page.get_by_role("button", name="切换")).to_be_visible()
    page.get_by_label("用户名").fill(officer.username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    expect(page.get_by_role("heading", name="首页", exact=True)).to_be_visible()

    # A detail page's tabs are links.
    page.goto(f"/divisions/{world.zengcheng_town.code}/")
    page.get_by_role("tab", name="变更记录").click()
    expect(page).to_have_url(re.compile(r"\?tab=history$"))
    expect(page.get_by_role("tab", name="变更记录")).to_have_attribute("aria-selected", "true")

    # Completing a to-do posts its form and comes back to the list.
    page.goto("/todos/")
    before = checks.row_count(page)
    page.get_by_role("button", name="办结").first.click()
    expect(page.locator("#list-results .card-footer")).to_contain_text(f"共 {before - 1} 条")
    expect(page).to_have_url(re.compile(r"/todos/"))

    # Revealing a phone number posts its form and shows the number on a page of its own.
    page.goto(f"/accounts/users/{world.zengcheng_user.pk}/")
    page.get_by_role("button", name="查看完整手机号码").click()
    expect(page.locator(".personal-revealed")).to_have_text("13800138000")

    # An API token is made, shown once, and revoked.
    page.goto("/accounts/tokens/")
    page.get_by_label("名称").fill("无脚本令牌")
    page.get_by_role("button", name="创建令牌").click()
    expect(page.get_by_role("heading", name="令牌已创建")).to_be_visible()
    expect(page.get_by_label("令牌")).to_have_value(re.compile(r"^shz_"))
    page.get_by_role("link", name="返回令牌列表").click()
    row = page.get_by_role("row").filter(has_text="无脚本令牌")
    expect(row).to_contain_text("有效")
    # Without JavaScript there is no confirmation dialog: the form is sent as it is.
    row.get_by_role("button", name=re.compile("^撤销")).click()
    revoked = page.get_by_role("row").filter(has_text="无脚本令牌")
    expect(revoked).to_contain_text(re.compile(r"已于 .+ 撤销"))
    expect(revoked.get_by_role("button")).to_have_count(0)

    # The account menu opens on focus and signs out.
    page.get_by_role("link", name=re.compile(re.escape(officer.username))).click()
    page.get_by_role("button", name="退出登录").click()
    page.goto("/")
    expect(page).to_have_url(re.compile(r"/accounts/login/"))

    # The language switch has a button of its own when scripts do not run.
    page.get_by_label("界面语言").select_option("en")
    page.get_by_role("button", name="切换").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    context.close()
