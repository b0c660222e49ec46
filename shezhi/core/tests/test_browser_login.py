"""A county officer signs in through the login form and reads their county's home page."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

import pytest

from shezhi.core.testing import PASSWORD, Personas

if TYPE_CHECKING:
    from playwright.sync_api import Page

pytestmark = pytest.mark.browser


def test_it_lets_a_county_officer_sign_in_and_read_their_county_in_chinese(
    page: Page, people: Personas
) -> None:
    from playwright.sync_api import expect

    page.goto("/")
    # Signed out, the platform sends the officer to the login form and back afterwards.
    expect(page).to_have_url(re.compile(r"/accounts/login/\?next=/$"))
    page.get_by_label("用户名").fill(people.county_officer.username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()

    expect(page).to_have_url(re.compile(r"^http://[^/]+/$"))
    expect(page.locator("html")).to_have_attribute("lang", "zh-hans")
    expect(page.get_by_role("heading", name="首页")).to_be_visible()
    expect(page.get_by_role("heading", name="增城区下辖区划")).to_be_visible()
    towns = page.get_by_role("table")
    expect(towns.get_by_role("link", name="测试镇")).to_be_visible()
    expect(towns).to_contain_text("440118100")
    # The neighbouring county's town is not theirs to see.
    expect(towns).not_to_contain_text("邻区街道")
    expect(page.get_by_role("heading", name="我的待办")).to_be_visible()
