from __future__ import annotations

import pytest
from stdnum.cn import uscc

from shezhi.social_orgs.credit_code import (
    check_character,
    check_credit_code,
    issue_credit_code,
    organization_code_check,
)


def with_check(first17: str) -> str:
    return first17 + check_character(first17)


def test_it_agrees_with_stdnum_on_the_check_character() -> None:
    assert check_character("91110000600037341") == uscc.calc_check_digit("91110000600037341") == "L"


def test_it_accepts_an_issued_code_and_stdnum_agrees() -> None:
    code = issue_credit_code(organization_type="1", division_code="440000", sequence=1234)
    result = check_credit_code(code)
    assert result.is_valid and not result.warnings
    assert code.startswith("51440000MJ001234")
    assert uscc.is_valid(code)
    assert (result.organization_type, result.division_code) == ("1", "440000")


def test_it_names_the_expected_check_character() -> None:
    code = issue_credit_code(organization_type="3", division_code="440100", sequence=7)
    wrong = code[:17] + ("0" if code[17] != "0" else "1")
    result = check_credit_code(wrong)
    assert [f.code for f in result.errors] == ["checksum"]
    assert result.errors[0].position == 18
    assert f"第18位校验码应为 {code[17]}" in result.errors[0].message


def test_it_refuses_other_authorities_with_its_own_message() -> None:
    result = check_credit_code("91110000600037341L")  # a company registered by market regulation
    assert [f.code for f in result.errors] == ["authority"]
    assert "不是民政部门" in result.errors[0].message


def test_it_refuses_types_outside_civil_affairs() -> None:
    result = check_credit_code(with_check("54440000MJ0000010"))
    assert "type" in [f.code for f in result.errors]


def test_it_refuses_unknown_divisions_but_accepts_abolished_ones() -> None:
    assert "division" in [f.code for f in check_credit_code(with_check("51449900MJ0000010")).errors]
    # 440183 (增城市) was abolished in 2014; organizations registered there keep it.
    body = "MJ000001"
    old = with_check("51440183" + body + organization_code_check(body))
    assert check_credit_code(old).is_valid


def test_position_17_is_only_a_warning() -> None:
    body = "MJ000001"
    wrong17 = "0" if organization_code_check(body) != "0" else "1"
    result = check_credit_code(with_check("51440000" + body + wrong17))
    assert result.is_valid
    assert [(f.position, f.code) for f in result.warnings] == [(17, "organization_code")]


@pytest.mark.parametrize(
    ("raw", "code"),
    [("5144", "length"), ("51440000MJ00000I0X", "character"), ("", "length")],
)
def test_it_refuses_malformed_input(raw: str, code: str) -> None:
    assert code in [f.code for f in check_credit_code(raw).errors]


def test_gb11714_check_matches_a_published_example() -> None:
    # GB 11714-1997 worked example: D2143569 → check character X.
    assert organization_code_check("D2143569") == "X"
