"""Reading and checking a file of towns and villages (xlsx or csv: code, name, parent code).

Every row is checked before anything is written, and a file with any error is refused whole,
with a report naming the row and column of each problem, so an officer fixes the file once
rather than discovering a half-imported province. `services.divisions_import` writes a clean file.
"""

from __future__ import annotations

import csv
import io
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from django.utils.translation import gettext as _

from .import_jobs import RowError
from .models import Division

MAX_ROWS = 100_000

# Accepted headers, compared after stripping spaces and lower-casing.
HEADERS = {
    "code": ("代码", "区划代码", "统计用区划代码", "code"),
    "name": ("名称", "区划名称", "name"),
    "parent": ("上级代码", "上级区划代码", "parent code", "parent_code", "parentcode", "parent"),
}


@dataclass(frozen=True)
class DivisionImportRow:
    row: int
    code: str
    name: str
    parent_code: str

    @property
    def level(self) -> str:
        return Division.Level.TOWN if len(self.code) == 9 else Division.Level.VILLAGE


@dataclass
class DivisionImportResult:
    """What an import did, for the command and the upload page alike."""

    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[RowError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


@dataclass
class DivisionImportPlan:
    result: DivisionImportResult
    rows: list[DivisionImportRow]


# --------------------------------------------------------------------------------------------
# Reading


def _cell(value: Any) -> str:
    """A cell as text. Spreadsheets store long codes as numbers (440118100200.0); full-width
    digits and spaces typed in Chinese input methods are folded by NFKC."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return unicodedata.normalize("NFKC", str(value)).strip()


def _read_xlsx(data: bytes) -> Iterable[tuple[int, list[Any]]]:
    from openpyxl import load_workbook

    workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    try:
        sheet = workbook.worksheets[0]
        for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
            yield number, list(values)
    finally:
        workbook.close()


def _read_csv(data: bytes) -> Iterable[tuple[int, list[Any]]]:
    # Excel in a Chinese locale saves CSV as GB18030 (GBK); everything else writes UTF-8.
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("gb18030")
    for number, values in enumerate(csv.reader(io.StringIO(text)), start=1):
        yield number, list(values)


def read_table(
    file: IO[bytes] | str | Path, filename: str | None = None
) -> Iterable[tuple[int, list[str]]]:
    """(row number, cells as text) for every non-empty row of the first sheet."""
    if isinstance(file, str | Path):
        filename = filename or str(file)
        data = Path(file).read_bytes()
    else:
        filename = filename or getattr(file, "name", "") or ""
        data = file.read()
    suffix = Path(filename).suffix.lower()
    if suffix == ".xlsx":
        reader = _read_xlsx(data)
    elif suffix == ".csv":
        reader = _read_csv(data)
    else:
        raise ValueError(
            _("只支持 .xlsx 或 .csv 文件，当前文件为“%(name)s”。") % {"name": Path(filename).name}
        )
    for number, values in reader:
        cells = [_cell(v) for v in values]
        if any(cells):
            yield number, cells


def _find_columns(header: list[str]) -> tuple[dict[str, int], list[str]]:
    normalized = [h.replace(" ", "").lower() for h in header]
    found: dict[str, int] = {}
    for key, names in HEADERS.items():
        for name in names:
            if name.replace(" ", "") in normalized:
                found[key] = normalized.index(name.replace(" ", ""))
                break
    missing = [HEADERS[key][0] for key in HEADERS if key not in found]
    return found, missing


def parse(
    file: IO[bytes] | str | Path, filename: str | None = None
) -> tuple[list[DivisionImportRow], dict[str, str], list[RowError]]:
    """The rows of the file, the header each column goes by, and any file-level errors."""
    try:
        table = iter(read_table(file, filename))
        first = next(table, None)
    except ValueError as exc:
        return [], {}, [RowError(0, "", str(exc))]
    except Exception:  # a corrupt workbook raises whatever its parser raises
        return [], {}, [RowError(0, "", _("无法读取文件：请确认它是有效的 .xlsx 或 .csv 文件。"))]
    if first is None:
        return [], {}, [RowError(0, "", _("文件是空的。"))]
    header_row, header = first
    columns, missing = _find_columns(header)
    if missing:
        message = _("缺少列：%(columns)s。第一行应为列名：代码、名称、上级代码。") % {
            "columns": "、".join(missing)
        }
        return [], {}, [RowError(header_row, "", message)]
    labels = {key: header[index] for key, index in columns.items()}
    rows: list[DivisionImportRow] = []
    try:
        for number, cells in table:
            if len(rows) >= MAX_ROWS:
                message = _("文件超过 %(n)s 行，请分批导入。") % {"n": f"{MAX_ROWS:,}"}
                return [], labels, [RowError(number, "", message)]
            value = {
                key: cells[index] if index < len(cells) else "" for key, index in columns.items()
            }
            rows.append(DivisionImportRow(number, value["code"], value["name"], value["parent"]))
    except Exception:
        return (
            [],
            labels,
            [RowError(0, "", _("无法读取文件：请确认它是有效的 .xlsx 或 .csv 文件。"))],
        )
    if not rows:
        return [], labels, [RowError(header_row, "", _("文件中只有列名，没有数据行。"))]
    return rows, labels, []


# --------------------------------------------------------------------------------------------
# Checking


def code_problem(code: str) -> str | None:
    """Why `code` is not a town or village code under the statistical rules (DOMAIN.md §3)."""
    if not code:
        return _("代码不能为空。")
    if not code.isascii() or not code.isdigit() or len(code) not in (9, 12):
        return _("代码应为9位（乡镇、街道）或12位（村、社区）数字，当前为“%(code)s”。") % {
            "code": code
        }
    own = int(code[-3:])
    if len(code) == 9 and not 1 <= own <= 599:
        return _(
            "乡镇代码的后三位应在001–599之间（001–099街道，100–199镇，200–399乡，400–599其他）。"
        )
    if len(code) == 12 and not 1 <= own <= 399:
        return _("村级代码的后三位应在001–399之间（001–199社区居委会，200–399村委会）。")
    return None


_PARENT_LEVELS = {
    9: {Division.Level.COUNTY, Division.Level.CITY},
    12: {Division.Level.TOWN},
}


def validate(rows: list[DivisionImportRow], labels: dict[str, str]) -> list[RowError]:
    """Every problem of every row, reading the database once for all the parents."""
    errors: list[RowError] = []
    first_seen: dict[str, int] = {}
    valid_codes: set[str] = set()
    for row in rows:
        problem = code_problem(row.code)
        if problem:
            errors.append(RowError(row.row, labels["code"], problem))
        elif row.code in first_seen:
            message = _("代码 %(code)s 与第 %(row)d 行重复。") % {
                "code": row.code,
                "row": first_seen[row.code],
            }
            errors.append(RowError(row.row, labels["code"], message))
        else:
            first_seen[row.code] = row.row
            valid_codes.add(row.code)
        if not row.name:
            errors.append(RowError(row.row, labels["name"], _("名称不能为空。")))
        elif len(row.name) > 100:
            errors.append(RowError(row.row, labels["name"], _("名称不能超过100个字。")))

    parent_codes = {row.parent_code for row in rows if row.parent_code}
    in_db = Division.objects.in_bulk(list(parent_codes))
    # Cities with counties take no towns directly; only Dongguan and Zhongshan (no county level).
    cities_with_counties = set(
        Division.objects.filter(
            code__in=[c for c, d in in_db.items() if d.level == Division.Level.CITY],
            children__level=Division.Level.COUNTY,
            children__is_current=True,
        ).values_list("code", flat=True)
    )
    for row in rows:
        column = labels["parent"]
        parent = row.parent_code
        if not parent:
            errors.append(RowError(row.row, column, _("上级代码不能为空。")))
            continue
        if code_problem(row.code):
            continue  # the code itself is wrong: the parent cannot be judged
        if not row.code.startswith(parent):
            message = _("代码 %(code)s 应以上级代码 %(parent)s 开头。") % {
                "code": row.code,
                "parent": parent,
            }
            errors.append(RowError(row.row, column, message))
            continue
        if len(parent) != len(row.code) - 3:
            if len(row.code) == 9:
                message = _("乡镇（街道）的上级应为6位的县级区划代码（东莞、中山为市代码）。")
            else:
                message = _("村（社区）的上级应为9位的乡镇（街道）代码。")
            errors.append(RowError(row.row, column, message))
            continue
        if parent in valid_codes:
            continue
        division = in_db.get(parent)
        if division is None:
            message = _("上级代码 %(parent)s 在系统和本文件中都不存在。") % {"parent": parent}
            errors.append(RowError(row.row, column, message))
        elif division.level not in _PARENT_LEVELS[len(row.code)]:
            message = _("%(name)s 不能作为%(what)s的上级。") % {
                "name": division,
                "what": _("乡镇（街道）") if len(row.code) == 9 else _("村（社区）"),
            }
            errors.append(RowError(row.row, column, message))
        elif not division.is_current:
            message = _("上级区划 %(name)s 已撤销，不能再设下级。") % {"name": division}
            errors.append(RowError(row.row, column, message))
        elif division.code in cities_with_counties:
            message = _("%(name)s 下设县级区划，乡镇（街道）应设在县（市、区）之下。") % {
                "name": division
            }
            errors.append(RowError(row.row, column, message))
    return sorted(errors, key=lambda e: (e.row, e.column))


def plan_division_import(
    file: IO[bytes] | str | Path, filename: str | None = None
) -> DivisionImportPlan:
    rows, labels, errors = parse(file, filename)
    if not errors:
        errors = validate(rows, labels)
    return DivisionImportPlan(DivisionImportResult(rows=len(rows), errors=errors), rows)
