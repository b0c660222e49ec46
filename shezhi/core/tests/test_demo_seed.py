from __future__ import annotations

import io
import random
from collections import Counter
from collections.abc import Iterator

import pytest
from django.contrib.auth.hashers import check_password
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from django.urls import reverse

from shezhi.accounts.models import User
from shezhi.core import demo
from shezhi.core.backup import flush_database
from shezhi.core.models import Division
from shezhi.core.personal_data import validate_phone
from shezhi.core.roles import Role
from shezhi.core.testing import make_user

pytestmark = pytest.mark.django_db

OFFICIAL = (Division.Level.PROVINCE, Division.Level.CITY, Division.Level.COUNTY)


@pytest.fixture(autouse=True)
def _forget_content_types() -> Iterator[None]:
    # flush re-creates content types; the rollback after the test brings the old ones back.
    yield
    ContentType.objects.clear_cache()


def seed_small() -> None:
    demo.seed(scale=demo.Scale.SMALL)


def snapshot() -> dict[str, list[tuple[object, ...]]]:
    return {
        "divisions": list(
            Division.objects.order_by("code").values_list(
                "code", "name", "level", "parent_id", "path"
            )
        ),
        "users": list(
            User.objects.order_by("username").values_list(
                "username", "role", "division_id", "last_name", "first_name"
            )
        ),
        "phones": [(u.username, u.phone) for u in User.objects.order_by("username")],
    }


def test_it_seeds_the_same_data_from_the_same_seed() -> None:
    seed_small()
    first = snapshot()
    flush_database()
    assert not Division.objects.exists()
    seed_small()
    assert snapshot() == first
    assert len(first["divisions"]) > 300


def test_it_seeds_a_few_towns_and_villages_at_small_scale() -> None:
    seed_small()
    towns = Division.objects.filter(level=Division.Level.TOWN)
    villages = Division.objects.filter(level=Division.Level.VILLAGE)
    # 8 units × (1 street + 2 towns), plus a township in the autonomous county.
    assert towns.count() == 25
    # per unit 2 communities in the street, 1 + 2 in each town; 2 villages in the township
    assert villages.count() == 66
    assert set(towns.values_list("parent_id", flat=True)) == set(demo.SMALL_COUNTIES)


def test_every_town_code_lies_under_its_county_with_the_statistical_ranges() -> None:
    seed_small()
    kinds: Counter[str] = Counter()
    for town in Division.objects.filter(level=Division.Level.TOWN).select_related("parent"):
        assert len(town.code) == 9 and town.code.startswith(town.parent.code)
        assert town.path == f"{town.parent.path}{town.code}/"
        own = int(town.code[-3:])
        if town.name.endswith("街道"):
            assert 1 <= own <= 99
            kinds["street"] += 1
        elif town.name.endswith("镇"):
            assert 100 <= own <= 199
            kinds["town"] += 1
        else:
            assert town.name.endswith("乡") and 200 <= own <= 399
            kinds["township"] += 1
    assert kinds == {"street": 8, "town": 16, "township": 1}


def test_every_village_code_lies_under_its_town_with_the_statistical_ranges() -> None:
    seed_small()
    for village in Division.objects.filter(level=Division.Level.VILLAGE).select_related("parent"):
        assert village.parent.level == Division.Level.TOWN
        assert len(village.code) == 12 and village.code.startswith(village.parent.code)
        assert village.path == f"{village.parent.path}{village.code}/"
        own = int(village.code[-3:])
        if village.name.endswith("社区"):
            assert 1 <= own <= 199
        else:
            assert village.name.endswith("村") and 200 <= own <= 399


def test_names_are_unique_within_their_parent() -> None:
    seed_small()
    pairs = list(
        Division.objects.filter(level__in=["town", "village"]).values_list("parent_id", "name")
    )
    assert len(pairs) == len(set(pairs))


def test_dongguan_and_zhongshan_towns_sit_directly_under_the_city() -> None:
    seed_small()
    for city in ("441900", "442000"):
        towns = Division.objects.filter(parent_id=city, level=Division.Level.TOWN)
        assert towns.exists()
        assert all(
            t.code.startswith(city) and t.path.startswith(f"440000/{city}/{t.code}") for t in towns
        )
    assert Division.objects.get(code="441900100").parent_id == "441900"


def test_seeded_divisions_have_a_created_history_entry() -> None:
    seed_small()
    entry = Division.history.get(code="440118100")
    assert entry.history_type == "+"
    assert entry.history_change_reason == "演示数据"


def test_the_province_plan_has_1600_towns_and_exactly_25936_villages() -> None:
    parents = demo.town_parents()
    assert len(parents) == 124  # 122 counties, Dongguan and Zhongshan
    plans = demo.town_plan(demo.Scale.PROVINCE, random.Random(demo.SEED), parents)
    assert len(plans) == demo.PROVINCE_TOWNS == 1600
    assert sum(p.communities + p.villages for p in plans) == demo.PROVINCE_VILLAGES == 25_936
    assert len({p.code for p in plans}) == len(plans)
    assert {p.parent.code for p in plans} == {d.code for d in parents}
    for plan in plans:
        assert plan.kind.first <= int(plan.code[-3:]) <= plan.kind.last
        assert plan.communities <= 199 and plan.villages <= 200
        if plan.kind is demo.STREET:
            assert plan.communities >= plan.villages and plan.communities >= 1
        if plan.kind is demo.TOWN:
            assert plan.villages >= plan.communities and plan.villages >= 1
    # The README's example accounts exist at province scale too.
    codes = {p.code for p in plans}
    assert {"440118001", "440118100", "440112001", "440112100", "441900001", "441900100"} <= codes


def test_apportion_hits_the_total_exactly_and_keeps_the_minimums() -> None:
    counts = demo.apportion(100, [1.0, 2.0, 3.3], [5, 0, 1])
    assert sum(counts) == 100
    assert counts[0] >= 5 and counts[2] >= 1
    with pytest.raises(ValueError):
        demo.apportion(3, [1.0, 1.0], [2, 2])


def test_there_is_an_officer_for_every_province_city_and_county() -> None:
    seed_small()
    official = Division.objects.filter(level__in=OFFICIAL, is_current=True)
    assert official.count() == 144
    officers = User.objects.filter(role=Role.CIVIL_AFFAIRS_OFFICER)
    assert {u.username for u in officers} == {f"officer-{d.code}" for d in official}
    assert all(u.division_id == u.username.removeprefix("officer-") for u in officers)


def test_there_is_a_party_committee_officer_for_the_province_and_every_city() -> None:
    seed_small()
    party = set(
        User.objects.filter(role=Role.PARTY_COMMITTEE_OFFICER).values_list("username", flat=True)
    )
    assert len(party) == 22
    assert {"party-440000", "party-440100", "party-441900"} <= party


def test_role_accounts_exist_below_county_level_in_zengcheng() -> None:
    seed_small()
    expected = {
        "town-440118100": (Role.TOWN_OFFICER, "440118100"),
        "window-440118100": (Role.WINDOW_CLERK, "440118100"),
        "town-440118001": (Role.TOWN_OFFICER, "440118001"),
        "village-440118100200": (Role.VILLAGE_COMMITTEE, "440118100200"),
        "supervision-440118100200": (Role.SUPERVISION_MEMBER, "440118100200"),
        "village-440118001001": (Role.VILLAGE_COMMITTEE, "440118001001"),
        "window-440118": (Role.WINDOW_CLERK, "440118"),
    }
    users = {
        u.username: (u.role, u.division_id) for u in User.objects.filter(username__in=expected)
    }
    assert users == expected
    for user in User.objects.filter(username__in=expected):
        user.full_clean()  # the role is allowed at its division's level


def test_demo_users_have_chinese_names_and_valid_encrypted_phones() -> None:
    seed_small()
    user = User.objects.get(username="officer-440118")
    assert user.last_name and all(
        "\u4e00" <= ch <= "\u9fff" for ch in user.last_name + user.first_name
    )
    validate_phone(user.phone)
    assert User.objects.exclude(role="").filter(phone_hash__isnull=False).count() >= 144


def test_every_demo_account_shares_one_hash_of_the_demo_password() -> None:
    seed_small()
    hashes = set(User.objects.values_list("password", flat=True))
    assert len(hashes) == 1
    assert check_password(demo.DEMO_PASSWORD, hashes.pop())
    assert User.objects.get(username="admin").is_superuser


def test_a_demo_officer_logs_in_with_the_demo_password(client: Client) -> None:
    seed_small()
    response = client.post(
        reverse("accounts:login"), {"username": "officer-440118", "password": demo.DEMO_PASSWORD}
    )
    assert response.status_code == 302
    assert client.get(reverse("core:home")).context["user"].username == "officer-440118"


def test_seed_command_reports_progress_on_stderr() -> None:
    out, err = io.StringIO(), io.StringIO()
    call_command("seed", "--scale", "small", stdout=out, stderr=err)
    assert "乡镇（街道）与村（社区）：91 行" in err.getvalue()
    assert "行/秒" in err.getvalue()
    assert "演示数据已生成" in out.getvalue()


def test_seed_if_empty_does_nothing_once_towns_exist() -> None:
    seed_small()
    before = Division.objects.count(), User.objects.count()
    out = io.StringIO()
    call_command("seed", "--scale", "small", "--if-empty", stdout=out, stderr=io.StringIO())
    assert "跳过" in out.getvalue()
    assert (Division.objects.count(), User.objects.count()) == before
    with pytest.raises(CommandError):
        call_command("seed", "--scale", "small", stdout=io.StringIO(), stderr=io.StringIO())


def test_seed_keeps_accounts_that_already_exist() -> None:
    mine = make_user("officer-440118", Role.CIVIL_AFFAIRS_OFFICER, "440118", first_name="自己")
    seed_small()
    assert User.objects.get(username="officer-440118") == mine
    assert User.objects.get(username="officer-440118").first_name == "自己"


def test_demo_accounts_prints_the_pattern_the_password_and_examples() -> None:
    seed_small()
    out = io.StringIO()
    call_command("demo_accounts", stdout=out)
    text = out.getvalue()
    assert demo.DEMO_PASSWORD in text
    assert "officer-<区划代码>" in text
    for username in (
        "officer-440000",
        "officer-440118",
        "party-440000",
        "town-440118001",
        "village-440118001001",
    ):
        assert username in text
    assert "admin" in text


def test_load_divisions_reports_how_many_changed() -> None:
    Division.objects.filter(code="440118").update(name="增城市")
    out = io.StringIO()
    call_command("load_divisions", stdout=out)
    assert "1 条" in out.getvalue()
    assert Division.objects.get(code="440118").name == "增城区"
