"""An officer walks from the coverage dashboard to a blank spot and on to the organization's page,
with real clicks: the blank-spot figure links to the registry's list filtered to the division's
blank spots (social_orgs.selectors.blank_spot_q), whose rows link to each organization."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

import pytest

from shezhi.core.testing import NEIGHBOUR_COUNTY, PASSWORD
from shezhi.social_orgs.models import SocialOrganization

from .conftest import PartyWorld

if TYPE_CHECKING:
    from playwright.sync_api import Page

pytestmark = pytest.mark.browser

BLANK_SPOT = "增城区空白点协会"
NEIGHBOURS_BLANK_SPOT = "黄埔区空白点协会"


def blank_spots(world: PartyWorld) -> SocialOrganization:
    """Zengcheng's one blank spot: three full members at work and no party organization
    (PartyWorld.members refreshes the kept facts, as the member services do). 增城区测试协会 is
    covered by its branch; Huangpu has two blank spots (this one and 黄埔区邻区协会, which has
    neither a party organization nor an instructor)."""
    blank = world.org(name=BLANK_SPOT, full_members=3)
    world.org(NEIGHBOUR_COUNTY, name=NEIGHBOURS_BLANK_SPOT, full_members=3)
    assert blank.full_member_count == 3 and not blank.organization_covered
    return blank


def sign_in(page: Page, username: str) -> None:
    from playwright.sync_api import expect

    page.goto("/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    expect(page.get_by_role("heading", name="首页")).to_be_visible()


def open_dashboard(page: Page, division_name: str) -> None:
    """From the home page, through the navigation (not by typing the address)."""
    from playwright.sync_api import expect

    page.get_by_role("link", name="党建统计").click()
    expect(page).to_have_url(re.compile(r"/party/coverage/$"))
    expect(page.locator("h1")).to_contain_text(f"{division_name}社会组织党建统计")


def read_blank_spot_list_and_open(page: Page, blank: SocialOrganization) -> None:
    """On the filtered registry list: only Zengcheng's blank spot; then its page."""
    from playwright.sync_api import expect

    expect(page).to_have_url(re.compile(r"/orgs/\?division=440118&coverage=blank_spot$"))
    expect(page.locator("h1")).to_contain_text("社会组织")
    results = page.locator("#list-results")
    expect(results.locator(".card-footer")).to_contain_text(re.compile(r"共\s*1\s*条"))
    rows = results.locator("tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("空白点")
    expect(results).not_to_contain_text("增城区测试协会")  # covered by its branch
    expect(results).not_to_contain_text(NEIGHBOURS_BLANK_SPOT)
    # The list's filter form says what it shows.
    filters = page.locator("#list-filters")
    expect(filters.locator("[name=coverage]")).to_have_value("blank_spot")
    expect(filters.locator("[name=division]")).to_have_value("440118")

    results.get_by_role("link", name=BLANK_SPOT).click()

    expect(page).to_have_url(re.compile(rf"/orgs/{blank.credit_code}/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(BLANK_SPOT)
    expect(page.get_by_role("status")).to_contain_text(
        "有3名以上正式党员但尚未建立党组织：应单独建立党组织。"
    )
    full_members = page.locator("dt", has_text="正式党员数").locator(
        "xpath=following-sibling::dd[1]"
    )
    expect(full_members).to_have_text("3")


def test_a_county_officer_walks_from_the_dashboard_to_a_blank_spot_and_its_page(
    page: Page, party_world: PartyWorld
) -> None:
    from playwright.sync_api import expect

    blank = blank_spots(party_world)
    sign_in(page, party_world.people.county_officer.username)
    open_dashboard(page, "增城区")

    card = page.locator("#coverage-totals .card").filter(has_text="党建空白点")
    figure = card.get_by_role("link")
    expect(figure).to_have_text("1")
    expect(card).to_contain_text("应建未建或无党建工作覆盖")
    figure.click()

    read_blank_spot_list_and_open(page, blank)


def test_a_city_officer_follows_a_countys_blank_spots_from_the_children_table(
    page: Page, party_world: PartyWorld
) -> None:
    from playwright.sync_api import expect

    blank = blank_spots(party_world)
    sign_in(page, party_world.people.city_officer.username)
    open_dashboard(page, "广州市")

    # Guangzhou's three: Zengcheng's one and Huangpu's two.
    expect(
        page.locator("#coverage-totals").get_by_role("link", name="广州市的党建空白点：3 个")
    ).to_be_visible()
    children = page.locator("#children-table tbody tr")
    huangpu = children.filter(has=page.get_by_role("rowheader", name="黄埔区"))
    expect(huangpu.get_by_role("cell").last).to_have_text("2")
    zengcheng = children.filter(has=page.get_by_role("rowheader", name="增城区"))
    blank_link = zengcheng.get_by_role("cell").last.get_by_role("link")
    expect(blank_link).to_have_text("1")
    blank_link.click()

    read_blank_spot_list_and_open(page, blank)
