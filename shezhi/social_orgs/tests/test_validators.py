"""Every check of an organization's facts, through the service that pages, API and import share:
what is refused, with which message on which field, and what is only a warning."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from shezhi.core.testing import NEIGHBOUR_VILLAGE, TOWN, VILLAGE, Personas
from shezhi.social_orgs.credit_code import check_character, organization_code_check
from shezhi.social_orgs.models import OrgType, SocialOrganization
from shezhi.social_orgs.services import organization_create
from shezhi.social_orgs.validators import credit_code_warnings

from .conftest import next_code, valid_facts, zengcheng_org

pytestmark = pytest.mark.django_db


def refusal(actor: Any, **facts: Any) -> dict[str, list[str]]:
    with pytest.raises(ValidationError) as caught:
        organization_create(actor=actor, **facts)
    assert not SocialOrganization.objects.filter(name=facts.get("name", "")).exists()
    return caught.value.message_dict


def with_check(first17: str) -> str:
    return first17 + check_character(first17)


def code_with(division: str, *, type_char: str = "1", sequence: int = 4321) -> str:
    body = f"MJ{sequence:06d}"
    return with_check(f"5{type_char}{division}{body}{organization_code_check(body)}")


def test_it_accepts_valid_facts(people: Personas) -> None:
    organization = organization_create(actor=people.county_officer, **valid_facts())
    assert organization.pk and organization.authority_path == "440000/440100/440118/"


# --- the credit code ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "message"),
    [
        ("5144011", "统一社会信用代码应为18位，当前为7位。"),
        ("51440118MJ00000I0X", "第16位“I”不是有效字符"),
        ("91440118MA59C0YH8K", "第1位登记管理部门代码为“9”，不是民政部门（5）登记的社会组织。"),
    ],
)
def test_it_refuses_a_malformed_code_naming_the_position(
    people: Personas, code: str, message: str
) -> None:
    errors = refusal(people.county_officer, **valid_facts(credit_code=code))
    assert any(message in m for m in errors["credit_code"]), errors


def test_it_names_the_expected_check_character(people: Personas) -> None:
    good = next_code()
    wrong = good[:17] + ("0" if good[17] != "0" else "1")
    errors = refusal(people.county_officer, **valid_facts(credit_code=wrong))
    assert errors["credit_code"] == [f"第18位校验码应为 {good[17]}。"]


def test_it_refuses_a_type_character_outside_civil_affairs(people: Personas) -> None:
    errors = refusal(
        people.county_officer, **valid_facts(credit_code=code_with("440118", type_char="4"))
    )
    assert any("第2位机构类别“4”无效" in m for m in errors["credit_code"])


def test_it_refuses_a_type_character_that_does_not_match_the_type(people: Personas) -> None:
    # A foundation's code (type 3) entered for a social group.
    errors = refusal(
        people.county_officer, **valid_facts(credit_code=code_with("440118", type_char="3"))
    )
    assert errors["credit_code"] == ["第2位机构类别为“3”，与类型“社会团体”不符：社会团体应为“1”。"]


def test_it_refuses_an_unknown_division_code(people: Personas) -> None:
    errors = refusal(people.county_officer, **valid_facts(credit_code=code_with("449999")))
    assert errors["credit_code"] == ["第3至8位登记管理机关行政区划码“449999”不存在。"]


def test_it_refuses_the_code_of_a_current_neighbouring_authority(people: Personas) -> None:
    errors = refusal(people.county_officer, **valid_facts(credit_code=code_with("440112")))
    assert errors["credit_code"] == [
        "第3至8位行政区划码“440112”与登记管理机关增城区（440118）不符。"
    ]


def test_it_accepts_a_historical_code_of_the_same_city(people: Personas) -> None:
    # 增城市 440183 became 增城区 440118 in 2014; codes issued under it stay valid.
    organization = organization_create(
        actor=people.county_officer, **valid_facts(credit_code=code_with("440183"))
    )
    assert organization.credit_code[2:8] == "440183"


def test_the_province_accepts_only_its_own_code(people: Personas) -> None:
    errors = refusal(
        people.province_officer,
        **valid_facts("440000", credit_code=code_with("440100")),
    )
    assert errors["credit_code"] == [
        "第3至8位行政区划码“440100”与登记管理机关广东省（440000）不符。"
    ]


def test_position_17_is_a_warning_not_a_refusal(people: Personas) -> None:
    body = "MJ765432"
    wrong17 = "0" if organization_code_check(body) != "0" else "1"
    code = with_check(f"51440118{body}{wrong17}")
    organization = organization_create(actor=people.county_officer, **valid_facts(credit_code=code))
    assert credit_code_warnings(organization.credit_code) == [
        f"第17位组织机构代码校验码应为 {organization_code_check(body)}，请核对。"
    ]


def test_it_refuses_a_code_already_registered(people: Personas) -> None:
    errors = refusal(
        people.county_officer,
        **valid_facts(credit_code=zengcheng_org().credit_code),
    )
    assert errors["credit_code"] == [
        f"统一社会信用代码{zengcheng_org().credit_code}已经登记，不能重复登记。"
    ]


def test_it_forgives_spaces_hyphens_full_width_and_lower_case(people: Personas) -> None:
    code = next_code()
    typed = "５１" + code[2:8] + " - " + code[8:].lower()
    organization = organization_create(
        actor=people.county_officer, **valid_facts(credit_code=typed)
    )
    assert organization.credit_code == code


# --- authority and address --------------------------------------------------------------------


def test_it_refuses_a_town_as_registering_authority(people: Personas) -> None:
    errors = refusal(people.county_officer, **valid_facts(registration_authority=TOWN))
    assert errors["registration_authority"] == [
        "登记管理机关应为省、地级市或县级区划，测试镇（440118100）是乡镇（街道）。"
    ]


def test_it_refuses_an_abolished_authority(people: Personas) -> None:
    errors = refusal(
        people.city_officer,
        **valid_facts(registration_authority="440183", credit_code=code_with("440183")),
    )
    assert errors["registration_authority"] == [
        "增城市（440183）已撤销，不能作为登记管理机关；请选择现行区划。"
    ]


def test_it_refuses_an_unknown_authority_code(people: Personas) -> None:
    errors = refusal(people.county_officer, **valid_facts(registration_authority="449999"))
    assert errors["registration_authority"] == ["登记管理机关的区划代码“449999”不存在。"]


def test_a_county_does_not_register_foundations(people: Personas) -> None:
    facts = valid_facts(org_type=OrgType.FOUNDATION)
    errors = refusal(people.county_officer, **facts)
    assert errors["registration_authority"] == [
        "基金会的登记管理机关应为省级或地级以上市民政部门，增城区（440118）不能登记。"
    ]
    city_facts = valid_facts("440100", org_type=OrgType.FOUNDATION)
    assert organization_create(actor=people.city_officer, **city_facts).org_type == "foundation"


def test_a_county_officer_cannot_register_for_the_city(people: Personas) -> None:
    errors = refusal(people.county_officer, **valid_facts("440100"))
    assert errors["registration_authority"] == [
        "您无权以广州市（440100）为登记管理机关：只能登记本级及下辖区划的社会组织。"
    ]


def test_a_city_officer_may_register_for_its_districts(people: Personas) -> None:
    organization = organization_create(actor=people.city_officer, **valid_facts())
    assert organization.registration_authority_id == "440118"


def test_it_refuses_an_address_outside_the_authoritys_area(people: Personas) -> None:
    errors = refusal(people.county_officer, **valid_facts(address_division=NEIGHBOUR_VILLAGE))
    assert errors["address_division"] == [
        "住所邻区社区（440112100200）不在登记管理机关增城区（440118）的辖区内。"
    ]


def test_it_refuses_an_address_that_is_not_a_town_or_village(people: Personas) -> None:
    errors = refusal(people.county_officer, **valid_facts(address_division="440118"))
    assert errors["address_division"] == [
        "住所应为乡镇（街道）或村（社区），增城区（440118）是县（市、区）。"
    ]


def test_it_accepts_a_town_as_address(people: Personas) -> None:
    assert organization_create(actor=people.county_officer, **valid_facts(address_division=TOWN))


def test_it_refuses_an_unknown_address_code(people: Personas) -> None:
    errors = refusal(people.county_officer, **valid_facts(address_division="440118999999"))
    assert errors["address_division"] == ["区划代码“440118999999”不存在。"]


# --- the other facts --------------------------------------------------------------------------


def test_it_refuses_a_founding_date_in_the_future(people: Personas) -> None:
    tomorrow = timezone.localdate() + timedelta(days=1)
    errors = refusal(people.county_officer, **valid_facts(founded_on=tomorrow))
    assert errors["founded_on"] == [
        f"成立登记日期{tomorrow.isoformat()}晚于今天（{timezone.localdate().isoformat()}）。"
    ]
    assert organization_create(
        actor=people.county_officer, **valid_facts(founded_on=timezone.localdate())
    )


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (-1, "从业人员数不能为负数。"),
        (1_000_001, "从业人员数不能超过1,000,000。"),
        ("12", "从业人员数应为整数。"),
    ],
)
def test_it_refuses_a_bad_staff_count(people: Personas, value: Any, message: str) -> None:
    errors = refusal(people.county_officer, **valid_facts(staff_count=value))
    assert errors["staff_count"] == [message]


def test_a_missing_staff_count_counts_as_zero(people: Personas) -> None:
    organization = organization_create(actor=people.county_officer, **valid_facts(staff_count=None))
    assert organization.staff_count == 0


@pytest.mark.parametrize(
    ("phone", "message"),
    [
        ("12345", "电话号码格式不正确。"),
        ("139****5678", "电话号码含“*”，是脱敏后的显示值：请填写完整号码，或留空。"),
    ],
)
def test_it_refuses_a_bad_phone(people: Personas, phone: str, message: str) -> None:
    errors = refusal(people.county_officer, **valid_facts(legal_representative_phone=phone))
    assert errors["legal_representative_phone"] == [message]


@pytest.mark.parametrize(
    ("field", "message"),
    [
        ("credit_code", "请填写统一社会信用代码。"),
        ("name", "请填写名称。"),
        ("org_type", "请选择类型。"),
        ("industry", "请选择行业领域。"),
        ("registration_authority", "请选择登记管理机关。"),
        ("address_division", "请填写住所所在的乡镇（街道）或村（社区）。"),
        ("legal_representative", "请填写法定代表人。"),
        ("founded_on", "请填写成立登记日期。"),
    ],
)
def test_it_names_every_missing_required_fact(people: Personas, field: str, message: str) -> None:
    errors = refusal(people.county_officer, **valid_facts(**{field: ""}))
    assert errors[field] == [message]


def test_it_refuses_text_beyond_its_length(people: Personas) -> None:
    errors = refusal(people.county_officer, **valid_facts(name="会" * 201))
    assert errors["name"] == ["不能超过200个字，当前为201个字。"]


def test_it_refuses_unknown_choices(people: Personas) -> None:
    errors = refusal(people.county_officer, **valid_facts(org_type="club", industry="mining"))
    assert errors["org_type"] == ["类型应为以下之一：社会团体、社会服务机构、基金会。"]
    assert errors["industry"][0].startswith("行业领域应为以下之一：科技与研究、")


def test_it_reports_every_problem_at_once(people: Personas) -> None:
    errors = refusal(
        people.county_officer,
        **valid_facts(
            name="",
            address_division=NEIGHBOUR_VILLAGE,
            founded_on=date(2999, 1, 1),
            staff_count=-3,
        ),
    )
    assert set(errors) == {"name", "address_division", "founded_on", "staff_count"}


def test_village_address_inside_the_county_is_accepted(people: Personas) -> None:
    assert organization_create(actor=people.county_officer, **valid_facts(address_division=VILLAGE))
