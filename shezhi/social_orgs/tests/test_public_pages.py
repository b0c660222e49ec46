"""/public/orgs/: anyone looks an organization up by name or credit code; registration facts
only, never a phone number."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from shezhi.core.testing import NEIGHBOUR_COUNTY, Personas
from shezhi.social_orgs.models import OrgStatus

from .conftest import make_org, many_orgs

pytestmark = pytest.mark.django_db

SEARCH = "/public/orgs/"


def html(response: Any) -> str:
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def test_anyone_searches_by_name_without_signing_in(client: Any, people: Personas) -> None:
    make_org(name="增城区荔枝协会", legal_representative="刘备")
    make_org(NEIGHBOUR_COUNTY, name="黄埔区荔枝商会")
    page = html(client.get(SEARCH, {"q": "荔枝"}))
    # The public face is not scoped: it is the public register of the whole province.
    assert "增城区荔枝协会" in page and "黄埔区荔枝商会" in page
    assert "刘备" in page  # the legal representative's name is public registration information


def test_anyone_finds_an_organization_by_its_credit_code(client: Any, people: Personas) -> None:
    organization = make_org(name="代码查询协会")
    page = html(client.get(SEARCH, {"q": organization.credit_code.lower()}))
    assert "代码查询协会" in page


def test_a_term_shorter_than_two_characters_lists_nothing(client: Any, people: Personas) -> None:
    make_org(name="协会甲")
    page = html(client.get(SEARCH, {"q": "协"}))
    assert "请至少输入 2 个字" in page and "协会甲" not in page
    assert "协会甲" not in html(client.get(SEARCH))


def test_no_phone_number_reaches_the_public(client: Any, people: Personas) -> None:
    organization = make_org(name="电话保密协会", legal_representative_phone="13912345678")
    for page in (
        html(client.get(SEARCH, {"q": "电话保密"})),
        html(client.get(f"{SEARCH}{organization.credit_code}/")),
    ):
        assert "13912345678" not in page and "139****5678" not in page
        assert "法定代表人电话" not in page


def test_the_public_detail_shows_registration_facts(client: Any, people: Personas) -> None:
    organization = make_org(
        name="公开详情协会",
        legal_representative="关羽",
        business_supervisor="广州市增城区文化广电新闻出版局",
        status=OrgStatus.ABNORMAL,
        staff_count=321,
    )
    page = html(client.get(f"{SEARCH}{organization.credit_code}/"))
    for fact in (
        "公开详情协会",
        organization.credit_code,
        "社会团体",
        "增城区",
        "关羽",
        "广州市增城区文化广电新闻出版局",
        "2015-03-01",
        "列入活动异常名录",
    ):
        assert fact in page, fact
    assert "321" not in page  # staff numbers are not registration facts
    assert "党" not in page.split('id="main"')[1]  # nor the party-building facts


def test_an_unknown_or_malformed_code_is_404(client: Any, people: Personas) -> None:
    assert client.get(f"{SEARCH}51440118MJ999999XX/").status_code == 404
    assert client.get(f"{SEARCH}%00/").status_code == 404


def test_the_search_is_paginated(client: Any, people: Personas) -> None:
    many_orgs(45, tag="分页")
    first = html(client.get(SEARCH, {"q": "分页"}))
    assert "共 45 条" in first and "第 1 / 3 页" in first and 'rel="next"' in first
    third = html(client.get(SEARCH, {"q": "分页", "page": 3}))
    assert third.count("分页组织") == 5


def test_htmx_gets_only_the_results(client: Any, people: Personas) -> None:
    page = html(
        client.get(
            SEARCH, {"q": "测试"}, headers={"HX-Request": "true", "HX-Target": "list-results"}
        )
    )
    assert "增城区测试协会" in page and "<html" not in page


def test_the_search_costs_the_same_queries_for_5_or_20_rows(client: Any, people: Personas) -> None:
    def queries() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(SEARCH, {"q": "组织"}).status_code == 200
        return len(ctx)

    many_orgs(5)
    few = queries()
    many_orgs(25)
    assert queries() == few


def test_the_public_queries_never_read_the_phone(client: Any, people: Personas) -> None:
    organization = make_org(name="不读电话协会", legal_representative_phone="13912345678")
    with CaptureQueriesContext(connection) as ctx:
        html(client.get(SEARCH, {"q": "不读电话"}))
        html(client.get(f"{SEARCH}{organization.credit_code}/"))
    assert not [q for q in ctx.captured_queries if "legal_representative_phone" in q["sql"]]
