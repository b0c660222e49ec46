"""The list-page kit's own rules: exports defuse formulas, rows are always scoped."""

from __future__ import annotations

import datetime
from io import BytesIO
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.http import QueryDict
from openpyxl import load_workbook

from shezhi.core.exports import safe_cell, write_xlsx
from shezhi.core.models import CalendarDay, Division
from shezhi.core.views.listing import scoped, url_with


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("=1+1", "'=1+1"),
        ("+86 138", "'+86 138"),
        ("-5", "'-5"),
        ("@SUM(A1:A2)", "'@SUM(A1:A2)"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("增城区", "增城区"),
        ("a=b", "a=b"),
        ("", ""),
        (None, ""),
        (-5, -5),  # numbers stay numbers
        (True, True),
        ("bell\x07", "bell"),  # control characters would corrupt the file
    ],
)
def test_safe_cell(value: object, expected: object) -> None:
    assert safe_cell(value) == expected


def test_aware_datetimes_are_written_in_local_time() -> None:
    at = datetime.datetime(2026, 1, 1, 0, 30, tzinfo=datetime.UTC)
    wall_clock = datetime.datetime(2026, 1, 1, 8, 30)  # noqa: DTZ001 (xlsx has no time zones)
    assert safe_cell(at) == wall_clock
    assert safe_cell(at.astimezone(ZoneInfo("Asia/Shanghai"))) == wall_clock


def test_a_written_formula_stays_text_when_read_back() -> None:
    buffer = BytesIO()
    write_xlsx(
        buffer, headers=["名称", "数量"], rows=[['=HYPERLINK("http://x")', 3]], sheet_title="测试"
    )
    sheet = load_workbook(BytesIO(buffer.getvalue())).worksheets[0]
    cell = sheet["A2"]
    assert cell.data_type == "s" and cell.value == '\'=HYPERLINK("http://x")'
    assert sheet["B2"].value == 3 and sheet.title == "测试"


@pytest.mark.django_db
def test_list_pages_refuse_a_model_that_is_not_scoped() -> None:
    with pytest.raises(ImproperlyConfigured):
        scoped(CalendarDay.objects.all(), None)
    assert (
        scoped(Division.objects.all(), type("Anon", (), {"is_authenticated": False})()).count() == 0
    )


def test_url_with_keeps_other_parameters() -> None:
    query = QueryDict("q=镇&level=town&page=3")
    assert url_with(query, sort="-name", page=None) == "?q=%E9%95%87&level=town&sort=-name"
    assert url_with(QueryDict(""), page=None) == "?"
