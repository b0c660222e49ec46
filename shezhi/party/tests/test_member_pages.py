"""The member pages: who sees which members, search by full ID number, filters, masked export,
the detail page with its reveal, registering and correcting a member, query counts."""

from __future__ import annotations

import io
from datetime import date
from typing import Any

import pytest
from django.contrib.auth.models import Permission
from django.test import Client
from openpyxl import load_workbook

from shezhi.core.models import RevealLog
from shezhi.core.testing import workbook_rows
from shezhi.party import imports
from shezhi.party.models import PartyMember, PartyOrganization, PartyOrgKind

from .conftest import PartyWorld
from .members_support import make_id_number, make_member

pytestmark = pytest.mark.django_db


def client_for(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def world(party_world: PartyWorld) -> dict[str, Any]:
    """A member of the Zengcheng branch, one of the Zengcheng organization without a branch,
    a member of another Zengcheng branch, and a Huangpu member."""
    w = party_world
    other_org = w.org()
    other_branch = PartyOrganization.objects.create(
        name="增城区另一协会党支部",
        kind=PartyOrgKind.BRANCH,
        division=w.branch.division,
        founded_on=date(2018, 1, 1),
    )
    huangpu_branch = PartyOrganization.objects.create(
        name="黄埔区邻区协会党支部",
        kind=PartyOrgKind.BRANCH,
        division=w.other_organization.registration_authority,
        founded_on=date(2018, 1, 1),
    )
    return {
        "w": w,
        "ours": make_member(
            employer=w.organization, branch=w.branch, name="甲党员", phone="13812345678"
        ),
        "unbranched": make_member(employer=w.organization, branch=None, name="乙党员"),
        "other_branch": make_member(employer=other_org, branch=other_branch, name="丙党员"),
        "huangpu": make_member(employer=w.other_organization, branch=huangpu_branch, name="丁党员"),
    }


def names(response: Any) -> set[str]:
    return {m.name for m in response.context["rows"]}


def test_a_county_officer_sees_the_county_and_not_the_neighbour(world: dict[str, Any]) -> None:
    response = client_for(world["w"].people.county_officer).get("/party/members/")
    assert response.status_code == 200
    assert names(response) == {"甲党员", "乙党员", "丙党员"}
    response = client_for(world["w"].people.neighbour_officer).get("/party/members/")
    assert names(response) == {"丁党员"}


def test_a_branch_secretary_sees_only_the_branch_members(world: dict[str, Any]) -> None:
    client = client_for(world["w"].people.branch_secretary)
    assert names(client.get("/party/members/")) == {"甲党员"}
    assert client.get(f"/party/members/{world['ours'].pk}/").status_code == 200
    for other in ("unbranched", "other_branch", "huangpu"):
        assert client.get(f"/party/members/{world[other].pk}/").status_code == 404


def test_an_organization_account_sees_only_its_staff(world: dict[str, Any]) -> None:
    client = client_for(world["w"].people.organization_account)
    assert names(client.get("/party/members/")) == {"甲党员", "乙党员"}
    assert client.get(f"/party/members/{world['other_branch'].pk}/").status_code == 404


def test_the_neighbour_officer_gets_404_for_a_zengcheng_member(world: dict[str, Any]) -> None:
    client = client_for(world["w"].people.neighbour_officer)
    assert client.get(f"/party/members/{world['ours'].pk}/").status_code == 404
    assert client.get(f"/party/members/{world['ours'].pk}/edit/").status_code == 404


def test_roles_without_party_business_are_refused(world: dict[str, Any]) -> None:
    for persona in ("town_officer", "village_committee", "window_clerk"):
        client = client_for(getattr(world["w"].people, persona))
        assert client.get("/party/members/").status_code == 403


def test_it_finds_a_member_by_the_full_id_number_only(world: dict[str, Any]) -> None:
    client = client_for(world["w"].people.county_officer)
    number = world["ours"].id_number
    assert names(client.get("/party/members/", {"q": number})) == {"甲党员"}
    assert names(client.get("/party/members/", {"q": number.lower()})) == {"甲党员"}
    assert names(client.get("/party/members/", {"q": number[:10]})) == set()
    assert names(client.get("/party/members/", {"q": "13812345678"})) == {"甲党员"}
    # The neighbour cannot find it even with the full number.
    neighbour = client_for(world["w"].people.neighbour_officer)
    assert names(neighbour.get("/party/members/", {"q": number})) == set()


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"without_branch": "1"}, {"乙党员"}),
        ({"stage": "full"}, {"甲党员", "乙党员", "丙党员"}),
        ({"stage": "applicant"}, set()),
        ({"division": "440118"}, {"甲党员", "乙党员", "丙党员"}),
        ({"division": "440112"}, set()),
        ({"is_mobile": "1"}, {"乙党员"}),
        ({"is_lost_contact": "1"}, {"丙党员"}),
    ],
)
def test_it_filters_the_list(
    world: dict[str, Any], query: dict[str, str], expected: set[str]
) -> None:
    PartyMember.objects.filter(pk=world["unbranched"].pk).update(is_mobile=True)
    PartyMember.objects.filter(pk=world["other_branch"].pk).update(is_lost_contact=True)
    client = client_for(world["w"].people.county_officer)
    assert names(client.get("/party/members/", query)) == expected


def test_it_filters_by_branch_and_employer(world: dict[str, Any]) -> None:
    client = client_for(world["w"].people.county_officer)
    w = world["w"]
    assert names(client.get("/party/members/", {"branch": w.branch.pk})) == {"甲党员"}
    code = w.organization.credit_code
    assert names(client.get("/party/members/", {"employer": code})) == {"甲党员", "乙党员"}


def test_the_export_masks_personal_data_and_matches_the_template(world: dict[str, Any]) -> None:
    response = client_for(world["w"].people.county_officer).get(
        "/party/members/", {"format": "xlsx"}
    )
    rows = workbook_rows(response)
    template = load_workbook(io.BytesIO(imports.template_workbook())).worksheets[0]
    assert rows[0] == next(template.iter_rows(values_only=True))
    by_name = {row[0]: row for row in rows[1:]}
    assert set(by_name) == {"甲党员", "乙党员", "丙党员"}
    id_column = rows[0].index("身份证号码")
    phone_column = rows[0].index("联系电话")
    ours = world["ours"]
    assert by_name["甲党员"][id_column] == ours.id_number[:6] + "********" + ours.id_number[-4:]
    assert by_name["甲党员"][phone_column] == "138****5678"
    assert ours.id_number not in str(rows)


def test_the_detail_page_masks_and_reveals_with_a_log(world: dict[str, Any]) -> None:
    w = world["w"]
    ours = world["ours"]
    officer = w.people.county_officer
    html = client_for(officer).get(f"/party/members/{ours.pk}/").content.decode()
    assert ours.id_number not in html and ours.id_number[-4:] in html
    assert "/personal/party.partymember/" not in html  # no reveal button without the right
    officer.user_permissions.add(Permission.objects.get(codename="reveal_personal_data"))
    client = client_for(officer)
    html = client.get(f"/party/members/{ours.pk}/").content.decode()
    assert f"/personal/party.partymember/{ours.pk}/id_number/" in html
    response = client.post(f"/personal/party.partymember/{ours.pk}/id_number/", {"reason": "核对"})
    assert response.status_code == 200 and ours.id_number in response.content.decode()
    assert RevealLog.objects.filter(field="id_number", subject_id=str(ours.pk)).count() == 1


def test_the_detail_page_shows_stage_dates_findings_and_tabs(world: dict[str, Any]) -> None:
    client = client_for(world["w"].people.county_officer)
    unbranched = world["unbranched"]
    html = client.get(f"/party/members/{unbranched.pk}/").content.decode()
    assert "未编入党的支部" in html and "《中国共产党章程》第八条" in html
    assert unbranched.full_on.isoformat() in html
    for tab in ("development", "posts", "history"):
        assert client.get(f"/party/members/{unbranched.pk}/", {"tab": tab}).status_code == 200


def test_an_officer_registers_a_member_and_gets_the_expected_check_character(
    world: dict[str, Any],
) -> None:
    w = world["w"]
    client = client_for(w.county_party)
    number = make_id_number(born=date(1990, 3, 4))
    wrong = number[:-1] + ("0" if number[-1] != "0" else "1")
    form = {
        "name": "新党员",
        "id_number": wrong,
        "ethnicity": "汉族",
        "education": "college",
        "employer": w.organization.credit_code,
        "branch": str(w.branch.pk),
        "stage": "applicant",
        "applied_on": "2026-01-05",
        "training_hours": "0",
    }
    response = client.post("/party/members/new/", form)
    assert response.status_code == 422
    assert f"第18位校验码应为 {number[-1]}" in response.content.decode()
    response = client.post("/party/members/new/", {**form, "id_number": number})
    assert response.status_code == 302
    member = PartyMember.objects.get(name="新党员")
    assert member.birth_date == date(1990, 3, 4) and member.gender == "male"
    assert member.branch == w.branch and member.division == w.branch.division


def test_an_organization_account_registers_its_own_staff(world: dict[str, Any]) -> None:
    w = world["w"]
    client = client_for(w.people.organization_account)
    form = {
        "name": "本单位党员",
        "id_number": make_id_number(born=date(1980, 1, 2)),
        "ethnicity": "汉族",
        "education": "college",
        "employer": w.organization.credit_code,
        "stage": "full",
        "probationary_on": "2010-07-01",
        "full_on": "2011-07-01",
        "training_hours": "24",
    }
    assert client.post("/party/members/new/", form).status_code == 302
    form = {**form, "name": "他单位党员", "id_number": make_id_number(born=date(1981, 1, 2))}
    form["employer"] = w.other_organization.credit_code
    response = client.post("/party/members/new/", form)
    assert response.status_code == 422
    assert not PartyMember.objects.filter(name="他单位党员").exists()


def test_an_officer_corrects_a_member_without_retyping_the_id_number(world: dict[str, Any]) -> None:
    w = world["w"]
    ours = world["ours"]
    client = client_for(w.county_party)
    page = client.get(f"/party/members/{ours.pk}/edit/").content.decode()
    assert ours.id_number not in page
    form = {
        "name": "甲党员（更正）",
        "id_number": "",
        "ethnicity": "壮族",
        "education": "postgraduate",
        "employer": w.organization.credit_code,
        "applied_on": ours.applied_on.isoformat(),
        "activist_on": ours.activist_on.isoformat(),
        "candidate_on": ours.candidate_on.isoformat(),
        "probationary_on": ours.probationary_on.isoformat(),
        "full_on": ours.full_on.isoformat(),
        "training_hours": "30",
        "is_mobile": "on",
    }
    response = client.post(f"/party/members/{ours.pk}/edit/", form)
    assert response.status_code == 302, response.content.decode()[:2000]
    ours.refresh_from_db()
    assert ours.name == "甲党员（更正）" and ours.ethnicity == "壮族" and ours.is_mobile
    assert ours.phone == "13812345678"  # left empty: unchanged
    assert ours.history.first().history_user == w.county_party


def test_the_list_costs_the_same_queries_for_few_and_many_rows(
    world: dict[str, Any], django_assert_max_num_queries: Any
) -> None:
    w = world["w"]
    client = client_for(w.people.county_officer)
    client.get("/party/members/")  # session and user warm-up

    def count() -> int:
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as captured:
            assert client.get("/party/members/").status_code == 200
        return len(captured.captured_queries)

    few = count()
    for _i in range(20):
        make_member(employer=w.organization, branch=w.branch, refresh=False)
    many = count()
    assert few == many
    with django_assert_max_num_queries(few):
        client.get("/party/members/")
