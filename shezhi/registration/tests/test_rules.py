"""The four synchronizations (rules.py): each item holds or names what is missing."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from shezhi.party.models import Stage
from shezhi.registration import rules
from shezhi.registration.models import CoveragePlan

from .conftest import CHARTER, id_number


def app(**facts: Any) -> Any:
    values = {
        "coverage_plan": CoveragePlan.ESTABLISH,
        "party_org_kind": "branch",
        "party_org_name": "某协会党支部",
        "joint_branch_id": None,
        "charter_text": CHARTER,
        "charter_file": "",
        "commitment_file": "registration/commitments/x.pdf",
        "commitment_signed_on": __import__("datetime").date(2025, 1, 2),
        "has_exemption": False,
    }
    return SimpleNamespace(**(values | facts))


def members(full: int, others: int = 0) -> list[Any]:
    rows = [
        SimpleNamespace(name=f"甲{n}", id_number=id_number(), stage=Stage.FULL) for n in range(full)
    ]
    rows += [
        SimpleNamespace(name=f"乙{n}", id_number=id_number(), stage=Stage.PROBATIONARY)
        for n in range(others)
    ]
    return rows


def test_it_holds_everything_for_a_complete_application() -> None:
    checks = rules.four_synchronizations(app(), members(3))
    assert [c.ok for c in checks] == [True, True, True, True]
    assert [c.key for c in checks] == ["party_organization", "members", "charter", "commitment"]


def test_three_full_members_without_an_establishment_application_fail_item_one() -> None:
    check = rules.party_organization_synchronized(app(coverage_plan=""), members(3))
    assert not check.ok
    assert "成立党组织的申请" in check.message and "3 名正式党员" in check.message
    assert "第三十条" in check.citation


def test_an_establishment_needs_its_kind_and_name() -> None:
    check = rules.party_organization_synchronized(
        app(party_org_kind="", party_org_name=" "), members(4)
    )
    assert not check.ok
    assert check.missing == ("拟成立党组织类别", "拟成立党组织名称")


def test_probationary_members_do_not_count_towards_three() -> None:
    check = rules.party_organization_synchronized(app(coverage_plan=""), members(2, others=3))
    assert not check.ok
    assert "党建工作覆盖方式" in check.message


def test_fewer_than_three_are_covered_by_a_joint_branch_or_an_instructor() -> None:
    assert rules.party_organization_synchronized(
        app(coverage_plan=CoveragePlan.INSTRUCTOR), members(2)
    ).ok
    assert rules.party_organization_synchronized(
        app(coverage_plan=CoveragePlan.JOINT_BRANCH, joint_branch_id=7), members(1)
    ).ok
    joint_unnamed = rules.party_organization_synchronized(
        app(coverage_plan=CoveragePlan.JOINT_BRANCH), members(1)
    )
    assert not joint_unnamed.ok and "联合党支部" in joint_unnamed.message


def test_every_member_needs_a_valid_id_number_and_a_stage() -> None:
    rows = members(2)
    valid = rows[0].id_number
    rows[0].id_number = valid[:-1] + ("1" if valid[-1] != "1" else "2")  # wrong check character
    rows[1].stage = ""
    check = rules.members_registered(app(), rows)
    assert not check.ok
    assert rows[0].name in check.message and "身份证号码有误" in check.message
    assert "未填发展阶段" in check.message


def test_a_repeated_id_number_is_named() -> None:
    rows = members(2)
    rows[1].id_number = rows[0].id_number
    assert "重复" in rules.members_registered(app(), rows).message


def test_the_charter_wording_of_2018_and_2019_is_checked_and_what_is_missing_named() -> None:
    assert rules.missing_charter_wording(CHARTER) == []
    # 2018 clause alone, without upholding the Party's overall leadership (民函〔2019〕54号).
    text = (
        "根据中国共产党章程的规定，设立中国共产党的组织，开展党的活动，为党组织的活动提供必要条件。"
    )
    assert rules.missing_charter_wording(text) == ["坚持党的全面领导"]
    # Either wording of 2019 is accepted; spaces and line breaks do not matter.
    assert rules.missing_charter_wording(text + "坚持党的\n全面 领导") == []
    missing = rules.missing_charter_wording("本会遵守宪法和法律，坚持中国共产党的全面领导。")
    assert missing == ["党的组织", "开展党的活动", "提供必要条件"]
    check = rules.charter_clause_present(app(charter_text="本会遵守宪法和法律。"))
    assert not check.ok
    assert "“开展党的活动”" in check.message and "78号" in check.citation
    assert "54号" in check.citation


def test_a_charter_without_text_cannot_be_checked() -> None:
    assert "未提交章程" in rules.charter_clause_present(app(charter_text="")).message
    pdf_only = rules.charter_clause_present(app(charter_text="", charter_file="x.pdf"))
    assert not pdf_only.ok and "无法读取" in pdf_only.message


def test_the_commitment_letter_needs_the_file_and_the_date() -> None:
    check = rules.commitment_signed(app(commitment_file="", commitment_signed_on=None))
    assert not check.ok and check.missing == ("承诺书文件", "签署日期")
    assert rules.commitment_signed(app()).ok


def test_an_exemption_lifts_every_item_but_the_members() -> None:
    rows = members(3)
    rows[0].id_number = "123"
    blocked = app(coverage_plan="", charter_text="无", has_exemption=True)
    assert [c.key for c in rules.approval_blockers(blocked, rows)] == ["members"]
    assert len(rules.approval_blockers(app(coverage_plan="", has_exemption=False), members(3))) == 1
