"""The officers' pages: the list (scoping, filters, search, sort, export, query counts), the
detail page with History, the forms, and the status decisions."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from shezhi.core.testing import NEIGHBOUR_COUNTY, TOWN, VILLAGE, Personas, workbook_rows
from shezhi.social_orgs.imports import COLUMNS
from shezhi.social_orgs.models import OrgStatus, OrgType, SocialOrganization

from .conftest import make_org, many_orgs, next_code, valid_facts, zengcheng_org

pytestmark = pytest.mark.django_db

LIST = "/orgs/"


def detail_url(organization: SocialOrganization) -> str:
    return f"/orgs/{organization.credit_code}/"


def body(response: Any) -> str:
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def table(response: Any) -> str:
    html = body(response)
    return html[html.index("<tbody>") : html.index("</tbody>")]


# --- scoping ------------------------------------------------------------------------------------


def test_a_county_officer_sees_only_organizations_registered_in_the_county(
    client: Any, people: Personas
) -> None:
    make_org(name="增城区书法协会")
    make_org(NEIGHBOUR_COUNTY, name="黄埔区书法协会")
    make_org("440100", name="广州市书法协会")  # the city registered it: not the county's
    client.force_login(people.county_officer)
    rows = table(client.get(LIST))
    assert "增城区书法协会" in rows and "增城区测试协会" in rows
    assert "黄埔区书法协会" not in rows
    assert "广州市书法协会" not in rows


def test_the_city_officer_sees_the_city_and_its_districts(client: Any, people: Personas) -> None:
    make_org(NEIGHBOUR_COUNTY, name="黄埔区书法协会")
    make_org("440100", name="广州市书法协会")
    make_org("440000", name="广东省书法协会")
    client.force_login(people.city_officer)
    rows = table(client.get(LIST))
    assert "黄埔区书法协会" in rows and "广州市书法协会" in rows and "增城区测试协会" in rows
    assert "广东省书法协会" not in rows


def test_an_organization_account_sees_only_its_own(client: Any, people: Personas) -> None:
    make_org(name="增城区另一协会")
    client.force_login(people.organization_account)
    rows = table(client.get(LIST))
    assert "增城区测试协会" in rows
    assert "增城区另一协会" not in rows and "黄埔区邻区协会" not in rows
    other = SocialOrganization.objects.get(name="增城区另一协会")
    assert client.get(detail_url(other)).status_code == 404


@pytest.mark.parametrize("persona", ["town_officer", "window_clerk", "branch_secretary"])
def test_roles_without_registry_business_are_refused(
    client: Any, people: Personas, persona: str
) -> None:
    client.force_login(getattr(people, persona))
    assert client.get(LIST).status_code == 403
    assert client.get(detail_url(zengcheng_org())).status_code == 403


def test_the_neighbour_gets_404_for_a_zengcheng_organization(client: Any, people: Personas) -> None:
    organization = zengcheng_org()
    client.force_login(people.neighbour_officer)
    assert client.get(detail_url(organization)).status_code == 404
    assert client.get(detail_url(organization) + "edit/").status_code == 404
    assert client.get("/orgs/51440118MJ999999XX/").status_code == 404
    assert client.get("/orgs/not-a-code/").status_code == 404


def test_the_export_is_scoped_and_has_the_template_columns(client: Any, people: Personas) -> None:
    many_orgs(30, tag="增城")
    many_orgs(30, NEIGHBOUR_COUNTY, tag="黄埔")
    client.force_login(people.county_officer)
    rows = workbook_rows(client.get(LIST, {"format": "xlsx"}))
    assert list(rows[0]) == [column.label for column in COLUMNS]
    names = [row[1] for row in rows[1:]]
    assert len(names) == 31 and not [n for n in names if n.startswith("黄埔")]
    # Phones leave only masked.
    assert {row[11] for row in rows[1:] if row[11]} == {"138****8000"}


# --- filters, search, sort ---------------------------------------------------------------------


def test_it_filters_by_division_type_level_and_status(client: Any, people: Personas) -> None:
    make_org(name="甲协会")
    make_org(name="乙中心", org_type=OrgType.SOCIAL_SERVICE)
    make_org("440100", name="丙市级协会")
    make_org(NEIGHBOUR_COUNTY, name="丁黄埔协会", status=OrgStatus.ABNORMAL)
    client.force_login(people.city_officer)
    rows = table(client.get(LIST, {"division": "440118"}))
    assert "甲协会" in rows and "丙市级协会" not in rows and "丁黄埔协会" not in rows
    rows = table(client.get(LIST, {"org_type": "social_service"}))
    assert "乙中心" in rows and "甲协会" not in rows
    rows = table(client.get(LIST, {"level": "city"}))
    assert "丙市级协会" in rows and "甲协会" not in rows
    rows = table(client.get(LIST, {"status": "abnormal"}))
    assert "丁黄埔协会" in rows and "甲协会" not in rows


def test_a_division_outside_the_jurisdiction_is_not_a_choice(client: Any, people: Personas) -> None:
    client.force_login(people.county_officer)
    html = body(client.get(LIST, {"division": NEIGHBOUR_COUNTY}))
    assert "黄埔区邻区协会" not in html
    assert 'value="440112"' not in html


def test_it_filters_by_party_coverage(client: Any, people: Personas) -> None:
    blank = make_org(name="空白点协会", full_member_count=3)
    work = make_org(name="指导员协会", has_instructor=True)
    make_org(name="小协会无指导员")  # no members, no instructor: a blank spot too
    make_org(name="已注销协会", status=OrgStatus.DEREGISTERED)
    client.force_login(people.county_officer)
    rows = table(client.get(LIST, {"coverage": "organization"}))
    assert "增城区测试协会" in rows and blank.name not in rows
    rows = table(client.get(LIST, {"coverage": "work_only"}))
    assert work.name in rows and blank.name not in rows
    rows = table(client.get(LIST, {"coverage": "blank_spot"}))
    assert blank.name in rows and "小协会无指导员" in rows
    assert work.name not in rows and "增城区测试协会" not in rows and "已注销协会" not in rows


def test_it_searches_by_name_and_by_credit_code(client: Any, people: Personas) -> None:
    one = make_org(name="荔枝种植协会")
    make_org(name="龙舟协会")
    client.force_login(people.county_officer)
    rows = table(client.get(LIST, {"q": "荔枝"}))
    assert "荔枝种植协会" in rows and "龙舟协会" not in rows
    rows = table(client.get(LIST, {"q": one.credit_code.lower()}))
    assert "荔枝种植协会" in rows and "龙舟协会" not in rows


def test_it_sorts_by_a_column(client: Any, people: Personas) -> None:
    make_org(name="啊协会", staff_count=500)
    make_org(name="吧协会", staff_count=1)
    client.force_login(people.county_officer)
    rows = table(client.get(LIST, {"sort": "-staff_count"}))
    assert rows.index("啊协会") < rows.index("吧协会")
    rows = table(client.get(LIST, {"sort": "staff_count"}))
    assert rows.index("吧协会") < rows.index("啊协会")


def test_htmx_gets_only_the_results(client: Any, people: Personas) -> None:
    client.force_login(people.county_officer)
    response = client.get(LIST, headers={"HX-Request": "true", "HX-Target": "list-results"})
    html = body(response)
    assert "<tbody>" in html and "<html" not in html


def count_queries(client: Any, url: str, **params: Any) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, params)
        assert response.status_code == 200
        if getattr(response, "streaming", False):
            b"".join(response.streaming_content)
    return len(ctx)


def test_the_list_costs_the_same_queries_for_5_or_30_rows(client: Any, people: Personas) -> None:
    client.force_login(people.county_officer)
    many_orgs(4)
    few = count_queries(client, LIST, per="x")
    many_orgs(26)
    assert count_queries(client, LIST, per="x") == few
    # Filtered, searched and exported alike.
    few_filtered = count_queries(client, LIST, coverage="blank_spot", q="组织")
    many_orgs(10)
    assert count_queries(client, LIST, coverage="blank_spot", q="组织") == few_filtered
    export = count_queries(client, LIST, format="xlsx")
    many_orgs(10)
    assert count_queries(client, LIST, format="xlsx") == export


# --- the detail page -----------------------------------------------------------------------------


def test_the_detail_page_shows_facts_party_building_and_a_masked_phone(
    client: Any, people: Personas
) -> None:
    organization = make_org(
        name="增城区详情协会",
        legal_representative_phone="13912345678",
        full_member_count=4,
        charter_has_party_clause=True,
    )
    client.force_login(people.county_officer)
    html = body(client.get(detail_url(organization)))
    assert "增城区详情协会" in html and organization.credit_code in html
    assert "139****5678" in html and "13912345678" not in html
    assert "党建空白点" not in html  # the badge says 空白点
    assert "空白点" in html and "应单独建立党组织" in html


def test_the_history_tab_names_who_changed_what(client: Any, people: Personas) -> None:
    from shezhi.social_orgs.services import organization_create, organization_update

    organization = organization_create(actor=people.county_officer, **valid_facts())
    organization_update(actor=people.city_officer, organization=organization, staff_count=77)
    client.force_login(people.county_officer)
    html = body(client.get(detail_url(organization), {"tab": "history"}))
    assert "officer-440100" in html and "77" in html and "登记" in html
    assert "13912345678" not in html


def test_the_organization_account_reads_its_own_page(client: Any, people: Personas) -> None:
    client.force_login(people.organization_account)
    html = body(client.get(detail_url(zengcheng_org())))
    assert "增城区测试协会" in html and "注销或撤销登记" not in html


# --- forms ---------------------------------------------------------------------------------------


def form_data(authority: str = "440118", **overrides: Any) -> dict[str, Any]:
    facts = valid_facts(authority, **overrides)
    facts["founded_on"] = facts["founded_on"].isoformat()
    facts["charter_has_party_clause"] = "on" if facts["charter_has_party_clause"] else ""
    return {k: "" if v is None else v for k, v in facts.items()}


def test_an_officer_registers_through_the_form(client: Any, people: Personas) -> None:
    client.force_login(people.county_officer)
    assert client.get("/orgs/new/").status_code == 200
    data = form_data(name="表单登记协会")
    response = client.post("/orgs/new/", data)
    organization = SocialOrganization.objects.get(name="表单登记协会")
    assert response.status_code == 302 and response["Location"] == detail_url(organization)
    assert organization.history.get().history_user == people.county_officer


def test_the_form_shows_the_services_errors_on_the_fields(client: Any, people: Personas) -> None:
    client.force_login(people.county_officer)
    code = next_code()
    wrong = code[:17] + ("0" if code[17] != "0" else "1")
    response = client.post("/orgs/new/", form_data(credit_code=wrong, address_division="440112"))
    html = body(response)
    assert f"第18位校验码应为 {code[17]}。" in html
    assert "住所应为乡镇（街道）或村（社区）" in html
    assert 'aria-invalid="true"' in html
    assert not SocialOrganization.objects.filter(name="增城区新登记协会").exists()


def test_the_form_offers_only_authorities_the_officer_may_register_at(
    client: Any, people: Personas
) -> None:
    client.force_login(people.county_officer)
    html = body(client.get("/orgs/new/"))
    assert 'value="440118"' in html and 'value="440100"' not in html
    response = client.post("/orgs/new/", form_data("440100"))
    assert "选择一个有效的选项" in body(response)


@pytest.mark.parametrize("persona", ["party_officer", "organization_account", "town_officer"])
def test_only_registry_officers_open_the_registration_form(
    client: Any, people: Personas, persona: str
) -> None:
    client.force_login(getattr(people, persona))
    assert client.get("/orgs/new/").status_code == 403


def test_an_officer_corrects_through_the_form_without_seeing_the_phone(
    client: Any, people: Personas
) -> None:
    organization = make_org(name="待更正协会", legal_representative_phone="13912345678")
    client.force_login(people.county_officer)
    html = body(client.get(detail_url(organization) + "edit/"))
    assert "13912345678" not in html and "139****5678" in html
    data = form_data(
        credit_code=organization.credit_code,
        name="已更正协会",
        legal_representative_phone="",
    )
    response = client.post(detail_url(organization) + "edit/", data)
    assert response.status_code == 302
    organization.refresh_from_db()
    # An empty phone box keeps the stored number.
    assert organization.name == "已更正协会"
    assert organization.legal_representative_phone == "13912345678"
    data["clear_phone"] = "on"
    client.post(detail_url(organization) + "edit/", data)
    organization.refresh_from_db()
    assert organization.legal_representative_phone is None


def test_the_organization_account_edits_only_its_contact_facts(
    client: Any, people: Personas
) -> None:
    organization = zengcheng_org()
    client.force_login(people.organization_account)
    html = body(client.get(detail_url(organization) + "edit/"))
    assert 'name="staff_count"' in html and 'name="name"' not in html
    response = client.post(
        detail_url(organization) + "edit/",
        {"address": "新住所8号", "staff_count": "21", "name": "偷偷改名"},
    )
    assert response.status_code == 302
    organization.refresh_from_db()
    assert (organization.address, organization.staff_count) == ("新住所8号", 21)
    assert organization.name == "增城区测试协会"


def test_the_other_organization_cannot_edit(client: Any, people: Personas) -> None:
    client.force_login(people.other_organization_account)
    response = client.get(detail_url(zengcheng_org()) + "edit/")
    assert response.status_code == 404


def test_the_party_officer_reads_but_does_not_edit(client: Any, people: Personas) -> None:
    client.force_login(people.party_officer)
    organization = zengcheng_org()
    assert client.get(detail_url(organization)).status_code == 200
    assert client.get(detail_url(organization) + "edit/").status_code == 403


# --- status ---------------------------------------------------------------------------------


def test_an_officer_deregisters_from_the_detail_page(client: Any, people: Personas) -> None:
    organization = make_org(name="将注销协会")
    client.force_login(people.county_officer)
    url = detail_url(organization) + "status/"
    response = client.post(url, {"to": "deregistered", "reason": "增民注〔2024〕8号"})
    assert response.status_code == 302
    organization.refresh_from_db()
    assert organization.status == OrgStatus.DEREGISTERED
    # Final: a second decision is refused with a message, the status stays.
    response = client.post(url, {"to": "revoked", "reason": "再次"}, follow=True)
    assert "不能办理此事项" in response.content.decode()
    organization.refresh_from_db()
    assert organization.status == OrgStatus.DEREGISTERED


def test_a_status_decision_needs_a_reason(client: Any, people: Personas) -> None:
    organization = make_org()
    client.force_login(people.county_officer)
    response = client.post(detail_url(organization) + "status/", {"to": "revoked", "reason": ""})
    assert response.status_code == 422
    organization.refresh_from_db()
    assert organization.status == OrgStatus.ACTIVE


def test_the_organization_cannot_deregister_itself(client: Any, people: Personas) -> None:
    organization = zengcheng_org()
    client.force_login(people.organization_account)
    response = client.post(
        detail_url(organization) + "status/", {"to": "deregistered", "reason": "x"}
    )
    assert response.status_code == 403


def test_address_codes_of_towns_and_villages_work_in_the_form(
    client: Any, people: Personas
) -> None:
    client.force_login(people.county_officer)
    for address in (TOWN, VILLAGE):
        data = form_data(name=f"住所{address}协会", address_division=address)
        assert client.post("/orgs/new/", data).status_code == 302


def test_the_default_order_is_by_authority_then_name(client: Any, people: Personas) -> None:
    make_org(name="二县级协会")
    make_org(name="一县级协会")
    make_org("440000", name="三省级协会")
    client.force_login(people.province_officer)
    rows = table(client.get(LIST))
    # 一 (U+4E00) sorts before 二 (U+4E8C) by code point and in zh collations alike.
    assert rows.index("三省级协会") < rows.index("一县级协会") < rows.index("二县级协会")


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's query plan")
def test_the_default_page_reads_the_scope_name_index_without_sorting(people: Personas) -> None:
    from shezhi.social_orgs import selectors

    rows: Any = selectors.organization_rows()
    rows = rows.visible_to(people.province_officer)
    page = rows.order_by(*selectors.ordering("authority"))[:25]
    sql, params = page.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN QUERY PLAN " + sql, params)
        plan = " ".join(str(step[-1]) for step in cursor.fetchall())
    assert "org_scope_name" in plan and "TEMP B-TREE" not in plan
