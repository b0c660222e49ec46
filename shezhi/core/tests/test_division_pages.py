"""Division pages: the list (filters, search, sort, htmx, export) and the detail page, each
answering only inside the officer's jurisdiction."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from shezhi.core import selectors
from shezhi.core.models import Division
from shezhi.core.testing import (
    COUNTY,
    NEIGHBOUR_COUNTY,
    NEIGHBOUR_TOWN,
    TOWN,
    Personas,
    workbook_rows,
)

pytestmark = pytest.mark.django_db

LIST = "/divisions/"


def villages_under(
    town_code: str, count: int, *, start: int = 201, name: str = "村"
) -> list[Division]:
    """`count` villages under a town, written in one query (paths set as Division.save would)."""
    town = Division.objects.get(code=town_code)
    rows = [
        Division(
            code=f"{town_code}{n:03d}",
            name=f"{name}{n}",
            level=Division.Level.VILLAGE,
            parent=town,
            path=f"{town.path}{town_code}{n:03d}/",
        )
        for n in range(start, start + count)
    ]
    return Division.objects.bulk_create(rows)


def table_body(response: Any) -> str:
    html = response.content.decode()
    return html[html.index("<tbody>") : html.index("</tbody>")]


def count_queries(client: Any, url: str, **headers: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url, headers=headers).status_code == 200
    return len(ctx)


def test_it_lists_the_officers_own_division_and_everything_inside(
    client: Any, people: Personas
) -> None:
    client.force_login(people.county_officer)
    page = client.get(LIST, {"level": "town"}).content.decode()
    assert "测试镇" in page
    assert "邻区街道" not in page


def test_neighbour_never_sees_zengcheng_rows_in_list_or_export(
    client: Any, people: Personas
) -> None:
    villages_under(TOWN, 200, name="增城村")
    villages_under(NEIGHBOUR_TOWN, 200, name="黄埔村")
    client.force_login(people.neighbour_officer)
    zengcheng = Division.objects.get(code=COUNTY).path

    rows = workbook_rows(client.get(LIST, {"format": "xlsx"}))
    codes = [row[0] for row in rows[1:]]
    assert len(codes) == Division.objects.filter(path__startswith="440000/440100/440112/").count()
    assert len(codes) > 200
    paths = dict(Division.objects.filter(code__in=codes).values_list("code", "path"))
    assert all(path.startswith("440000/440100/440112/") for path in paths.values())
    assert not any(path.startswith(zengcheng) for path in paths.values())

    # Every page of the list, too, and a search aimed at Zengcheng's names.
    for page in range(1, 10):
        html = client.get(LIST, {"page": page}).content.decode()
        assert "增城村" not in html and "测试镇" not in html
    assert "增城村" not in table_body(client.get(LIST, {"q": "增城村"}))
    assert workbook_rows(client.get(LIST, {"format": "xlsx", "q": "增城"}))[1:] == []


def test_neighbour_gets_404_for_zengcheng_detail_partial_and_history(
    client: Any, people: Personas
) -> None:
    client.force_login(people.neighbour_officer)
    for code in (COUNTY, TOWN):
        assert client.get(f"/divisions/{code}/").status_code == 404
        assert client.get(f"/divisions/{code}/", {"tab": "history"}).status_code == 404
        assert (
            client.get(
                f"/divisions/{code}/",
                {"tab": "history"},
                headers={"HX-Request": "true", "HX-Target": "detail-tabs"},
            ).status_code
            == 404
        )
        assert client.get(f"/history/core.division/{code}/").status_code == 404
    # Its own county opens.
    assert client.get(f"/divisions/{NEIGHBOUR_COUNTY}/").status_code == 200


def test_the_detail_page_shows_facts_and_child_divisions(client: Any, people: Personas) -> None:
    villages_under(TOWN, 3)
    client.force_login(people.county_officer)
    html = client.get(f"/divisions/{TOWN}/").content.decode()
    assert "测试镇" in html and "乡镇（街道）" in html
    assert f"/divisions/{TOWN}201/" in html  # a child village, linked
    assert 'href="/divisions/440118/"' in html  # the parent, inside the jurisdiction: linked


def test_child_counts_do_not_count_the_child_itself(people: Personas) -> None:
    villages_under(TOWN, 3)
    overview = selectors.division_children_overview(Division.objects.get(code=COUNTY))
    labels = [str(stat.label) for stat in overview["child_stats"]]
    row = next(r for r in overview["child_rows"] if r["division"].code == TOWN)
    counts = dict(zip(labels, row["counts"], strict=True))
    assert counts["乡镇（街道）"] == 0 and counts["村（社区）"] == 4


def test_breadcrumb_shows_ancestors_above_the_jurisdiction_as_text(
    client: Any, people: Personas
) -> None:
    client.force_login(people.county_officer)
    html = client.get(f"/divisions/{TOWN}/").content.decode()
    crumbs = html[html.index('class="breadcrumb"') : html.index("</ol>")]
    assert "广东省" in crumbs and "广州市" in crumbs
    assert 'href="/divisions/440000/"' not in crumbs
    assert 'href="/divisions/440100/"' not in crumbs
    assert 'href="/divisions/440118/"' in crumbs
    # The city officer may follow the city link.
    client.force_login(people.city_officer)
    crumbs = client.get(f"/divisions/{TOWN}/").content.decode()
    assert 'href="/divisions/440100/"' in crumbs


def test_it_filters_by_level_current_and_parent(client: Any, people: Personas) -> None:
    villages_under(TOWN, 3)
    Division.objects.filter(code=f"{TOWN}202").update(is_current=False)
    client.force_login(people.county_officer)
    rows = workbook_rows(client.get(LIST, {"format": "xlsx", "parent": TOWN, "is_current": "1"}))
    # 200 is the personas' village; 202 was abolished.
    assert [row[0] for row in rows[1:]] == [f"{TOWN}200", f"{TOWN}201", f"{TOWN}203"]
    rows = workbook_rows(
        client.get(LIST, {"format": "xlsx", "level": "village", "is_current": "0"})
    )
    assert [row[0] for row in rows[1:]] == [f"{TOWN}202"]


def test_an_invalid_filter_is_explained_and_ignored(client: Any, people: Personas) -> None:
    client.force_login(people.county_officer)
    response = client.get(LIST, {"parent": "12ab"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "区划代码应为6位、9位或12位数字。" in html
    assert "测试镇" in html


def test_it_searches_by_name_and_code(client: Any, people: Personas) -> None:
    client.force_login(people.county_officer)
    html = table_body(client.get(LIST, {"q": "测试"}))
    assert "测试镇" in html and "测试村" in html and 'href="/divisions/440118/"' not in html
    rows = workbook_rows(client.get(LIST, {"format": "xlsx", "q": TOWN}))
    assert {row[0] for row in rows[1:]} == {TOWN, f"{TOWN}200"}


def test_it_sorts_by_whitelisted_columns_only(client: Any, people: Personas) -> None:
    villages_under(TOWN, 3)
    client.force_login(people.county_officer)
    codes = [
        r[0]
        for r in workbook_rows(
            client.get(LIST, {"format": "xlsx", "parent": TOWN, "sort": "-code"})
        )[1:]
    ]
    assert codes == sorted(codes, reverse=True)
    # An unknown or unsafe sort key falls back to the default order.
    for sort in ("password", "-parent__users__password", "?"):
        codes = [
            r[0]
            for r in workbook_rows(
                client.get(LIST, {"format": "xlsx", "parent": TOWN, "sort": sort})
            )[1:]
        ]
        assert codes == sorted(codes)
    html = client.get(LIST, {"sort": "-name"}).content.decode()
    assert 'aria-sort="descending"' in html


def test_htmx_gets_only_the_results_partial(client: Any, people: Personas) -> None:
    villages_under(TOWN, 30)
    client.force_login(people.county_officer)
    response = client.get(
        LIST,
        {"parent": TOWN, "page": 2},
        headers={"HX-Request": "true", "HX-Target": "list-results"},
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in html and "<tbody>" in html
    assert f"{TOWN}230" in html and f"{TOWN}201" not in html  # page 2 of 25 per page
    assert "HX-Request" in response["Vary"]
    # The same URL without htmx (a reload, a shared link) is the whole page.
    full = client.get(LIST, {"parent": TOWN, "page": 2}).content.decode()
    assert "<html" in full and f"{TOWN}230" in full
    # A history restore needs the whole page too.
    restore = client.get(
        LIST,
        {"parent": TOWN},
        headers={
            "HX-Request": "true",
            "HX-Target": "list-results",
            "HX-History-Restore-Request": "true",
        },
    )
    assert "<html" in restore.content.decode()


def test_export_escapes_formula_like_names(client: Any, people: Personas) -> None:
    town = Division.objects.get(code=TOWN)
    for n, name in enumerate(
        ['=HYPERLINK("http://x","点我")', "+1", "-2", "@SUM(A1)", "\tTab", "普通村"], start=1
    ):
        Division.objects.create(
            code=f"{TOWN}{n:03d}", name=name, level=Division.Level.VILLAGE, parent=town
        )
    client.force_login(people.county_officer)
    rows = workbook_rows(client.get(LIST, {"format": "xlsx", "parent": TOWN}))
    names = {row[0]: row[1] for row in rows[1:]}
    assert names[f"{TOWN}001"] == '\'=HYPERLINK("http://x","点我")'
    assert names[f"{TOWN}002"] == "'+1"
    assert names[f"{TOWN}003"] == "'-2"
    assert names[f"{TOWN}004"] == "'@SUM(A1)"
    assert names[f"{TOWN}005"] == "'\tTab"
    assert names[f"{TOWN}006"] == "普通村"


@pytest.mark.parametrize("headers", [{}, {"HX-Request": "true", "HX-Target": "list-results"}])
def test_the_list_costs_the_same_queries_for_5_or_30_rows(
    client: Any, people: Personas, django_assert_num_queries: Any, headers: dict[str, str]
) -> None:
    client.force_login(people.county_officer)
    url = f"{LIST}?parent={TOWN}&sort=-code"
    villages_under(TOWN, 5)
    expected = count_queries(client, url, **headers)
    assert expected <= 8
    villages_under(TOWN, 25, start=301)
    with django_assert_num_queries(expected):
        response = client.get(url, headers=headers)
    assert f"{TOWN}325" in response.content.decode()


def test_the_export_costs_the_same_queries_for_5_or_30_rows(
    client: Any, people: Personas, django_assert_num_queries: Any
) -> None:
    client.force_login(people.county_officer)
    url = f"{LIST}?parent={TOWN}&format=xlsx"
    villages_under(TOWN, 5)
    expected = count_queries(client, url)
    villages_under(TOWN, 25, start=301)
    with django_assert_num_queries(expected):
        rows = workbook_rows(client.get(url))
    assert len(rows) == 1 + 1 + 30  # header, the fixture's village, the generated ones
