"""In Chromium: an officer enters a paper founding application with three full members and no
application to establish their party organization, submits it, accepts it, and the gate refuses
approval, the checklist naming the missing synchronization (①)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from shezhi.core.testing import PASSWORD
from shezhi.registration.models import FoundingApplication, Status

from .conftest import CHARTER, PDF, RegWorld, id_number

if TYPE_CHECKING:
    from playwright.sync_api import Page

pytestmark = pytest.mark.browser


def test_the_gate_refuses_three_full_members_without_their_party_organization(
    page: Page, reg_world: RegWorld, tmp_path: Path
) -> None:
    from playwright.sync_api import expect

    letter = tmp_path / "承诺书.pdf"
    letter.write_bytes(PDF)
    page.goto("/")
    page.get_by_label("用户名").fill(reg_world.people.county_officer.username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    expect(page.get_by_role("heading", name="首页")).to_be_visible()

    page.get_by_role("link", name="成立登记").first.click()
    page.get_by_role("link", name="填报成立登记申请").click()
    page.get_by_label("拟登记名称").fill("浏览器测试协会")
    page.get_by_label("类型").select_option("social_group")
    page.get_by_label("登记管理机关区划代码").fill("440118")
    page.get_by_label("住所所在镇街或村居代码").fill("440118100200")
    page.get_by_label("拟任法定代表人").fill("孙八")
    page.get_by_label("行业领域").select_option("culture")
    page.get_by_label("从业人员数").fill("9")
    page.get_by_label("章程文本").fill(CHARTER)
    page.get_by_label("党建工作承诺书（签字盖章）").set_input_files(str(letter))
    page.get_by_label("承诺书签署日期").fill("2025-01-02")
    for n in range(1, 4):
        page.get_by_label(f"党员{n} 姓名").fill(f"浏览器党员{n}")
        page.get_by_label(f"党员{n} 身份证号码").fill(id_number())
        page.get_by_label(f"党员{n} 发展阶段").select_option("full")
        page.get_by_label(f"党员{n} 进入该阶段日期").fill("2015-07-01")
        page.get_by_label(f"党员{n} 学历").select_option("college")
    page.get_by_role("button", name="保存草稿").click()
    expect(page).to_have_url(re.compile(r"/registration/\d+/$"))
    checklist = page.get_by_test_id("checklist")
    expect(checklist).to_contain_text("① 党组织同步建立")
    expect(checklist).to_contain_text("成立党组织的申请")

    page.get_by_role("button", name="提交申请").click()
    expect(page.get_by_text("已提交登记管理机关审查。")).to_be_visible()
    page.get_by_label("受理", exact=True).check()
    page.get_by_role("button", name="提交办理结果").click()
    expect(page.get_by_text("已受理。")).to_be_visible()
    page.get_by_label("准予登记", exact=True).check()
    page.get_by_role("button", name="提交办理结果").click()

    alert = page.get_by_text(re.compile("四同步未落实，不能准予登记：① 党组织同步建立")).first
    expect(alert).to_be_visible()
    application = FoundingApplication.objects.get(name="浏览器测试协会")
    assert application.status == Status.ACCEPTED and application.organization is None
