from __future__ import annotations

import pytest

from shezhi.core.testing import Personas


@pytest.mark.parametrize(
    ("persona", "role", "role_label", "jurisdiction"),
    [
        (
            "county_officer",
            "civil_affairs",
            "民政部门工作人员",
            {"code": "440118", "name": "增城区", "level": "county"},
        ),
        (
            "city_officer",
            "civil_affairs",
            "民政部门工作人员",
            {"code": "440100", "name": "广州市", "level": "city"},
        ),
        (
            "party_officer",
            "party_committee",
            "社会组织党委工作人员",
            {"code": "440000", "name": "广东省", "level": "province"},
        ),
        (
            "village_committee",
            "village",
            "村（居）委会",
            {"code": "440118100200", "name": "测试村", "level": "village"},
        ),
        ("organization_account", "organization", "社会组织账号", None),
        ("superuser", "", "", None),
    ],
)
def test_it_describes_the_caller_role_and_jurisdiction(
    people: Personas, signed_in, persona, role, role_label, jurisdiction
) -> None:
    user = getattr(people, persona)
    response = signed_in(user).get("/api/v1/me", HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 200
    assert response.json() == {
        "username": user.username,
        "name": user.username,
        "role": role,
        "role_label": role_label,
        "jurisdiction": jurisdiction,
    }


def test_it_uses_the_full_name_when_there_is_one(people: Personas, signed_in) -> None:
    people.town_officer.first_name, people.town_officer.last_name = "小明", "王"
    people.town_officer.save()
    assert signed_in(people.town_officer).get("/api/v1/me").json()["name"] == "王小明"
