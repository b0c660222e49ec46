from __future__ import annotations

import pytest

from shezhi.core.models import Division
from shezhi.core.services import divisions_load_official

pytestmark = pytest.mark.django_db


def test_it_loads_the_21_cities_with_official_codes() -> None:
    cities = Division.objects.filter(level=Division.Level.CITY, is_current=True)
    codes = sorted(cities.values_list("code", flat=True))
    assert len(codes) == 21
    expected = [f"44{n:02d}00" for n in [*range(1, 10), *range(12, 21), 51, 52, 53]]
    assert codes == expected
    assert Division.objects.get(code="440100").name == "广州市"


def test_it_loads_the_122_current_county_level_divisions() -> None:
    assert Division.objects.filter(level=Division.Level.COUNTY, is_current=True).count() == 122
    zengcheng = Division.objects.get(code="440118")
    assert (zengcheng.name, zengcheng.parent_id, zengcheng.path) == (
        "增城区",
        "440100",
        "440000/440100/440118/",
    )


def test_it_keeps_abolished_codes_as_history() -> None:
    # 增城市 (440183) became 增城区 (440118) in 2014; old credit codes still carry 440183.
    old = Division.objects.get(code="440183")
    assert not old.is_current
    assert old.valid_until == 2014


def test_dongguan_and_zhongshan_have_no_county_level() -> None:
    for code in ("441900", "442000"):
        assert not Division.objects.filter(parent_id=code, is_current=True).exists()


def test_it_is_idempotent() -> None:
    assert divisions_load_official() == 0


def test_inside_is_a_prefix_query() -> None:
    guangzhou = Division.objects.get(code="440100")
    inside = Division.objects.inside(guangzhou).filter(is_current=True)
    assert inside.count() == 11
    assert all(d.path.startswith("440000/440100/") for d in inside)
