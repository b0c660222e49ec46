"""Path order is code order: the division list sorts "by code" through the path index."""

from __future__ import annotations

import pytest

from shezhi.core import demo
from shezhi.core.models import Division

pytestmark = pytest.mark.django_db


def test_it_orders_by_path_exactly_as_by_code_abolished_codes_included() -> None:
    demo.seed(scale=demo.Scale.SMALL)
    assert Division.objects.filter(is_current=False).exists()

    by_code = list(Division.objects.order_by("code").values_list("code", flat=True))

    assert list(Division.objects.in_code_order().values_list("code", flat=True)) == by_code


def test_a_jurisdiction_pages_in_code_order_through_its_path_range() -> None:
    demo.seed(scale=demo.Scale.SMALL)
    city = Division.objects.get(code="440100")

    inside = Division.objects.inside(city)

    expected = sorted(inside.values_list("code", flat=True))[:25]
    assert list(inside.in_code_order().values_list("code", flat=True)[:25]) == expected
