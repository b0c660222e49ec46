"""User pages: civil-affairs and party-committee officers see the users of their jurisdiction,
with phones masked on the page and in the export; everyone else is turned away."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from shezhi.accounts.models import User
from shezhi.accounts.permissions import can_manage_users
from shezhi.core.roles import Role
from shezhi.core.testing import TOWN, VILLAGE, Personas, make_user, workbook_rows

pytestmark = pytest.mark.django_db

LIST = "/accounts/users/"
PHONE, MASKED = "13912345678", "139****5678"


def export(client: Any, **params: str) -> list[tuple[Any, ...]]:
    return workbook_rows(client.get(LIST, {"format": "xlsx", **params}))


def usernames(rows: list[tuple[Any, ...]]) -> set[str]:
    return {row[0] for row in rows[1:]}


def villagers(count: int, *, start: int = 0) -> None:
    User.objects.bulk_create(
        User(username=f"village-extra-{n}", role=Role.VILLAGE_COMMITTEE, division_id=VILLAGE)
        for n in range(start, start + count)
    )


def test_only_user_managers_may_open_the_pages(client: Any, people: Personas) -> None:
    allowed = [
        people.province_officer,
        people.city_officer,
        people.county_officer,
        people.party_officer,
        people.superuser,
    ]
    refused = [
        people.town_officer,
        people.village_committee,
        people.supervision_member,
        people.window_clerk,
        people.organization_account,
        people.branch_secretary,
    ]
    for user in allowed:
        assert can_manage_users(user), user
        client.force_login(user)
        assert client.get(LIST).status_code == 200
        assert client.get(f"/accounts/users/{people.town_officer.pk}/").status_code == 200
    for user in refused:
        assert not can_manage_users(user), user
        client.force_login(user)
        assert client.get(LIST).status_code == 403
        assert client.get(LIST, {"format": "xlsx"}).status_code == 403
        assert client.get(f"/accounts/users/{people.town_officer.pk}/").status_code == 403
        assert client.get(f"/history/accounts.user/{people.town_officer.pk}/").status_code == 403


def test_the_menu_offers_users_only_to_managers(client: Any, people: Personas) -> None:
    client.force_login(people.county_officer)
    assert f'href="{LIST}"' in client.get("/").content.decode()
    client.force_login(people.town_officer)
    assert f'href="{LIST}"' not in client.get("/").content.decode()


def test_a_county_officer_sees_the_users_of_the_county_only(client: Any, people: Personas) -> None:
    client.force_login(people.county_officer)
    seen = usernames(export(client))
    assert seen == {
        "officer-440118",
        f"town-{TOWN}",
        f"village-{VILLAGE}",
        f"supervision-{VILLAGE}",
        f"window-{TOWN}",
    }
    html = client.get(LIST).content.decode()
    assert "officer-440112" not in html and "officer-440100" not in html and "org-demo" not in html


def test_a_neighbour_gets_404_for_zengcheng_users(client: Any, people: Personas) -> None:
    client.force_login(people.neighbour_officer)
    assert client.get(f"/accounts/users/{people.town_officer.pk}/").status_code == 404
    assert (
        client.get(f"/accounts/users/{people.town_officer.pk}/", {"tab": "history"}).status_code
        == 404
    )
    assert client.get(f"/history/accounts.user/{people.town_officer.pk}/").status_code == 404
    assert usernames(export(client)) == {"officer-440112"}


def test_phones_are_masked_in_list_detail_and_export(client: Any, people: Personas) -> None:
    subject = people.town_officer
    subject.phone = PHONE
    subject.save()
    client.force_login(people.county_officer)
    for url in (
        LIST,
        f"/accounts/users/{subject.pk}/",
        f"/accounts/users/{subject.pk}/?tab=history",
    ):
        html = client.get(url).content.decode()
        assert MASKED in html, url
        assert PHONE not in html, url
    rows = export(client)
    header = rows[0]
    phone_column = header.index("手机号码")
    phones = {row[0]: row[phone_column] for row in rows[1:]}
    assert phones[subject.username] == MASKED
    assert all(PHONE not in str(cell) for row in rows for cell in row)


def test_it_filters_by_role_and_division_level_and_searches(client: Any, people: Personas) -> None:
    people.town_officer.phone = PHONE
    people.town_officer.save()
    client.force_login(people.city_officer)
    assert usernames(export(client, role=Role.WINDOW_CLERK)) == {f"window-{TOWN}"}
    assert usernames(export(client, level="village")) == {
        f"village-{VILLAGE}",
        f"supervision-{VILLAGE}",
    }
    assert usernames(export(client, level="county")) == {"officer-440118", "officer-440112"}
    assert usernames(export(client, q="supervision")) == {f"supervision-{VILLAGE}"}
    assert usernames(export(client, q="测试村")) == {f"village-{VILLAGE}", f"supervision-{VILLAGE}"}
    # A complete phone number finds its owner through the blind index; a fragment finds nothing.
    assert usernames(export(client, q="139-1234-5678")) == {f"town-{TOWN}"}
    assert usernames(export(client, q="5678")) == set()


def test_the_user_history_tab_shows_changes_with_masked_phones(
    client: Any, people: Personas
) -> None:
    subject = people.town_officer
    subject.phone = PHONE
    subject._history_user = people.county_officer  # type: ignore[attr-defined]
    subject.save()
    subject.phone = "13700001111"
    subject._history_user = people.county_officer  # type: ignore[attr-defined]
    subject.save()
    client.force_login(people.county_officer)
    html = client.get(f"/accounts/users/{subject.pk}/", {"tab": "history"}).content.decode()
    assert "手机号码：" in html and MASKED in html and "137****1111" in html
    assert PHONE not in html and "13700001111" not in html
    assert "ID：" not in html  # a surrogate key is no change an officer can read


@pytest.mark.parametrize("partial", [False, True])
def test_the_list_costs_the_same_queries_for_5_or_30_rows(
    client: Any, people: Personas, django_assert_num_queries: Any, partial: bool
) -> None:
    headers = {"HX-Request": "true", "HX-Target": "list-results"} if partial else {}
    client.force_login(people.county_officer)
    url = f"{LIST}?level=village&sort=-username"
    villagers(5)
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url, headers=headers).status_code == 200
    expected = len(ctx)
    assert expected <= 8
    villagers(25, start=5)
    with django_assert_num_queries(expected):
        html = client.get(url, headers=headers).content.decode()
    assert "village-extra-9" in html  # sorted descending, the last batch is on page 1


def test_the_export_costs_the_same_queries_for_5_or_30_rows(
    client: Any, people: Personas, django_assert_num_queries: Any
) -> None:
    client.force_login(people.county_officer)
    villagers(5)
    with CaptureQueriesContext(connection) as ctx:
        export(client, level="village")
    villagers(25, start=5)
    with django_assert_num_queries(len(ctx)):
        rows = export(client, level="village")
    assert len(rows) == 1 + 2 + 30


def test_an_organization_account_without_division_is_listed_only_for_superusers(
    client: Any, people: Personas
) -> None:
    make_user("org-other", Role.ORGANIZATION_ACCOUNT)
    client.force_login(people.province_officer)
    assert "org-other" not in usernames(export(client))
    client.force_login(people.superuser)
    assert "org-other" in usernames(export(client))
