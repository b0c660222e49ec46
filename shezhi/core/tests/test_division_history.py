"""Every create, update and delete of a division keeps who, when and what changed, and the
History tab shows it to those whose jurisdiction holds the division, and to no one else."""

from __future__ import annotations

from typing import Any

import pytest

from shezhi.core.models import Division
from shezhi.core.testing import TOWN, Personas

pytestmark = pytest.mark.django_db

CODE = f"{TOWN}250"


def save_as(division: Division, actor: Any) -> None:
    division._history_user = actor  # type: ignore[attr-defined]  # what the request middleware sets
    division.save()


def make_village(actor: Any) -> Division:
    village = Division(
        code=CODE,
        name="荔湖村",
        level=Division.Level.VILLAGE,
        parent=Division.objects.get(code=TOWN),
    )
    save_as(village, actor)
    return village


def test_it_records_create_update_and_delete_with_the_actor(people: Personas) -> None:
    village = make_village(people.county_officer)
    village.name = "荔湖社区"
    save_as(village, people.city_officer)
    village._history_user = people.county_officer  # type: ignore[attr-defined]
    village.delete()
    records = list(Division.history.filter(code=CODE).order_by("history_date", "history_id"))
    assert [(r.history_type, r.history_user) for r in records] == [
        ("+", people.county_officer),
        ("~", people.city_officer),
        ("-", people.county_officer),
    ]
    assert [r.name for r in records] == ["荔湖村", "荔湖社区", "荔湖社区"]


def test_the_history_tab_shows_who_changed_which_field(client: Any, people: Personas) -> None:
    village = make_village(people.county_officer)
    village.name = "荔湖社区"
    village.is_current = False
    save_as(village, people.city_officer)
    client.force_login(people.county_officer)

    html = client.get(f"/divisions/{CODE}/", {"tab": "history"}).content.decode()
    assert "变更记录" in html and "officer-440100" in html and "officer-440118" in html
    assert "创建" in html and "修改" in html
    # Field-level diff with verbose names and display values, the FK as its record's name.
    assert "名称：" in html and "<del" in html and "荔湖村" in html and "荔湖社区" in html
    assert "现行：" in html and "是</del>" in html and "<ins>否</ins>" in html
    assert "上级：" in html and "测试镇（440118100）" in html
    assert "路径" not in html  # derived, not editable: not a change an officer makes


def test_htmx_fetches_the_tab_as_a_partial(client: Any, people: Personas) -> None:
    make_village(people.county_officer)
    client.force_login(people.county_officer)
    response = client.get(
        f"/divisions/{CODE}/",
        {"tab": "history"},
        headers={"HX-Request": "true", "HX-Target": "detail-tabs"},
    )
    html = response.content.decode()
    assert "<html" not in html and "officer-440118" in html and 'aria-selected="true"' in html


def test_a_deleted_division_keeps_its_history_for_its_jurisdiction(
    client: Any, people: Personas
) -> None:
    village = make_village(people.county_officer)
    village._history_user = people.city_officer  # type: ignore[attr-defined]
    village.delete()
    client.force_login(people.county_officer)
    assert client.get(f"/divisions/{CODE}/").status_code == 404
    response = client.get(f"/history/core.division/{CODE}/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "已删除" in html and "删除" in html and "officer-440100" in html
    client.force_login(people.neighbour_officer)
    assert client.get(f"/history/core.division/{CODE}/").status_code == 404


def test_the_generic_history_page_serves_only_registered_types(
    client: Any, people: Personas
) -> None:
    client.force_login(people.superuser)
    assert client.get(f"/history/core.division/{TOWN}/").status_code == 200
    assert (
        client.get("/history/core.calendarday/2026-01-01/").status_code == 404
    )  # not a record type
    assert client.get("/history/auth.group/1/").status_code == 404


def test_neighbour_gets_404_for_zengcheng_history(client: Any, people: Personas) -> None:
    make_village(people.county_officer)
    client.force_login(people.neighbour_officer)
    assert client.get(f"/divisions/{CODE}/", {"tab": "history"}).status_code == 404
    assert client.get(f"/history/core.division/{CODE}/").status_code == 404
    assert (
        client.get(f"/history/core.division/{CODE}/", headers={"HX-Request": "true"}).status_code
        == 404
    )


def test_changes_made_in_a_request_are_attributed_to_the_signed_in_user(
    client: Any, people: Personas
) -> None:
    # simple_history's request middleware: anything saved while serving a request is signed.
    from django.test import RequestFactory
    from simple_history.middleware import HistoryRequestMiddleware

    def view(request: Any) -> Any:
        make_village_without_actor()
        from django.http import HttpResponse

        return HttpResponse("ok")

    def make_village_without_actor() -> None:
        Division.objects.create(
            code=CODE, name="荔湖村", level=Division.Level.VILLAGE, parent_id=TOWN
        )

    request = RequestFactory().post("/")
    request.user = people.county_officer
    HistoryRequestMiddleware(view)(request)
    assert Division.history.get(code=CODE).history_user == people.county_officer
