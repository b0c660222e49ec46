from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from openpyxl import Workbook

from shezhi.core.imports import RowError
from shezhi.core.models import Division
from shezhi.core.services import divisions_import
from shezhi.core.testing import Personas

pytestmark = pytest.mark.django_db

HEADER = ["代码", "名称", "上级代码"]


def xlsx(rows: list[list[object]], header: list[str] = HEADER) -> io.BytesIO:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    buffer.seek(0)
    return buffer


def csv_file(text: str, encoding: str = "utf-8") -> io.BytesIO:
    return io.BytesIO(text.encode(encoding))


def test_it_imports_a_clean_xlsx_with_towns_and_their_villages(people: Personas) -> None:
    file = xlsx(
        [
            # Spreadsheets keep long codes as numbers; the importer reads them back as text.
            [440118001, "荔城街道", 440118],
            [440118001001, "荔城社区", 440118001],
            # A village whose town is already in the database (core.testing's 测试镇).
            ["440118100201", "新围村", "440118100"],
        ]
    )
    result = divisions_import(actor=people.county_officer, file=file, filename="镇村.xlsx")
    assert result.ok, result.errors
    assert (result.rows, result.created, result.updated, result.unchanged) == (3, 3, 0, 0)
    town = Division.objects.get(code="440118001")
    assert (town.name, town.level, town.parent_id) == ("荔城街道", "town", "440118")
    assert town.path == "440000/440100/440118/440118001/"
    village = Division.objects.get(code="440118001001")
    assert (village.level, village.path) == (
        "village",
        "440000/440100/440118/440118001/440118001001/",
    )
    assert Division.objects.get(code="440118100201").path.startswith(
        "440000/440100/440118/440118100/"
    )
    entry = Division.history.get(code="440118001")
    assert entry.history_type == "+" and entry.history_user == people.county_officer


def test_it_renames_existing_codes_and_counts_unchanged_rows(people: Personas) -> None:
    file = xlsx([["440118100", "新塘镇", "440118"], ["440118100200", "测试村", "440118100"]])
    result = divisions_import(actor=people.county_officer, file=file, filename="x.xlsx")
    assert (result.created, result.updated, result.unchanged) == (0, 1, 1)
    assert Division.objects.get(code="440118100").name == "新塘镇"
    latest = Division.history.filter(code="440118100").latest("history_date")
    assert latest.history_type == "~" and latest.history_user == people.county_officer


def test_it_accepts_english_headers_and_a_gb18030_csv(people: Personas) -> None:
    text = "code,name,parent code\n440112001,黄埔街道,440112\n440112001001,怡园社区,440112001\n"
    result = divisions_import(actor=None, file=csv_file(text, "gb18030"), filename="towns.csv")
    assert result.ok, result.errors
    assert Division.objects.get(code="440112001001").name == "怡园社区"


def test_a_parent_later_in_the_file_is_accepted(people: Personas) -> None:
    text = "代码,名称,上级代码\n440118002001,增江社区,440118002\n440118002,增江街道,440118\n"
    result = divisions_import(actor=None, file=csv_file(text), filename="a.csv")
    assert result.ok, result.errors
    assert Division.objects.get(code="440118002001").parent_id == "440118002"


def test_dongguan_towns_go_directly_under_the_city(people: Personas) -> None:
    text = "代码,名称,上级代码\n441900101,石龙镇,441900\n"
    result = divisions_import(actor=None, file=csv_file(text), filename="dg.csv")
    assert result.ok, result.errors
    assert Division.objects.get(code="441900101").path == "440000/441900/441900101/"


def test_a_dirty_file_is_refused_whole_with_each_row_and_column_named(people: Personas) -> None:
    before = Division.objects.count()
    file = xlsx(
        [
            ["440118003", "朱村街道", "440118"],  # row 2: fine, but not written
            ["44011800", "短码", "440118"],  # row 3: 8 digits
            ["440118003", "重复", "440118"],  # row 4: duplicate of row 2
            ["440118004", "", "440118"],  # row 5: blank name
            ["440118005", "错上级", "440112"],  # row 6: not under its parent
            ["440118900", "超范围", "440118"],  # row 7: town digits above 599
            ["440100001", "市辖", "440100"],  # row 8: Guangzhou has counties
            ["440183100", "旧县", "440183"],  # row 9: abolished county
            ["440999001", "无", "440999"],  # row 10: unknown parent
            ["440118003001", "村", "440118"],  # row 11: a village under a county
            ["440118006", "镇", ""],  # row 12: blank parent
        ]
    )
    result = divisions_import(actor=people.county_officer, file=file, filename="dirty.xlsx")
    assert not result.ok
    assert (result.created, result.updated) == (0, 0)
    assert Division.objects.count() == before
    where = {(e.row, e.column) for e in result.errors}
    assert where == {
        (3, "代码"),
        (4, "代码"),
        (5, "名称"),
        (6, "上级代码"),
        (7, "代码"),
        (8, "上级代码"),
        (9, "上级代码"),
        (10, "上级代码"),
        (11, "上级代码"),
        (12, "上级代码"),
    }
    messages = {e.row: e.message for e in result.errors}
    assert "第 2 行重复" in messages[4]
    assert "9位" in messages[3] and "12位" in messages[3]
    assert "已撤销" in messages[9]
    assert "下设县级区划" in messages[8]


def test_a_file_without_the_columns_is_refused(people: Personas) -> None:
    file = xlsx([["440118003", "朱村街道"]], header=["代码", "名字"])
    result = divisions_import(actor=None, file=file, filename="x.xlsx")
    assert result.errors == [RowError(1, "", result.errors[0].message)]
    assert "名称" in result.errors[0].message and "上级代码" in result.errors[0].message


def test_other_file_types_and_broken_files_are_refused_with_a_message(people: Personas) -> None:
    result = divisions_import(actor=None, file=io.BytesIO(b"x"), filename="x.pdf")
    assert not result.ok and ".xlsx" in result.errors[0].message
    result = divisions_import(actor=None, file=io.BytesIO(b"not a zip"), filename="x.xlsx")
    assert not result.ok and "无法读取" in result.errors[0].message


def test_the_command_imports_a_clean_file(people: Personas, tmp_path: Path) -> None:
    path = tmp_path / "towns.xlsx"
    path.write_bytes(xlsx([["440118003", "朱村街道", "440118"]]).getvalue())
    out = io.StringIO()
    call_command("import_divisions", str(path), "--user", "officer-440118", stdout=out)
    assert "新增 1 个" in out.getvalue()
    assert Division.history.get(code="440118003").history_user == people.county_officer


def test_the_command_lists_the_errors_and_fails(people: Personas, tmp_path: Path) -> None:
    path = tmp_path / "towns.csv"
    path.write_text("代码,名称,上级代码\n440118003,,440118\n", encoding="utf-8")
    err = io.StringIO()
    with pytest.raises(CommandError, match="未导入任何数据"):
        call_command("import_divisions", str(path), stderr=err)
    assert "第 2 行，名称：名称不能为空。" in err.getvalue()
    assert not Division.objects.filter(code="440118003").exists()
