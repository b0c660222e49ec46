"""The xlsx import of organizations: the template, the upload check, reading and checking rows.

One column list (`COLUMNS`) makes the template, the export of the list page and the reading of
an upload, so a file exported from the list can be corrected and imported again column for
column. Every row is checked with the same `OrganizationChecker` the form and the API use, the
database is read once per file (divisions, credit codes already registered), and any problem
refuses the whole file with a report naming the row, the column and what is wrong.
`services.organization_import_run` drives it and writes a clean file in one transaction.
"""

from __future__ import annotations

import datetime
import io
import re
import unicodedata
import zipfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.utils.translation import gettext_noop as N_
from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from shezhi.core.exports import safe_cell
from shezhi.core.models import Division
from shezhi.core.personal_data import PersonalKind, mask

from .credit_code import issue_credit_code
from .models import Industry, OrgStatus, OrgType, SocialOrganization
from .validators import OrganizationChecker, normalize_credit_code

MAX_UPLOAD_BYTES = 20 * 1024 * 1024
# A zip that inflates beyond this is refused before openpyxl touches it (zip bombs).
MAX_UNCOMPRESSED_BYTES = 400 * 1024 * 1024
MAX_ROWS = 100_000
# The report keeps this many problems; the count says how many there were in all.
MAX_STORED_ERRORS = 10_000
PROGRESS_EVERY = 1_000
SHEET_TITLE = gettext_lazy("社会组织")

# The template's example row carries this code; an upload skips the row, so a template sent back
# unchanged registers nothing.
SAMPLE_CREDIT_CODE = issue_credit_code(organization_type="1", division_code="440118", sequence=0)


def _yes_no(value: bool) -> str:
    return _("是") if value else _("否")


@dataclass(frozen=True)
class Column:
    key: str  # the fact it fills, or "" for a column only shown for checking by eye
    header: str  # the msgid; files in either language are read
    export: Callable[[SocialOrganization], Any]
    required: bool = False
    note: str = ""  # how to fill it (msgid), for the template's instructions sheet
    width: int = 16

    @property
    def label(self) -> str:
        return _(self.header)


COLUMNS: tuple[Column, ...] = (
    Column(
        "credit_code",
        N_("统一社会信用代码"),
        lambda o: o.credit_code,
        required=True,
        note=N_("18位，民政部门登记的以5开头；第3至8位为登记管理机关的区划代码。"),
        width=22,
    ),
    Column(
        "name",
        N_("名称"),
        lambda o: o.name,
        required=True,
        note=N_("登记证书上的全称。"),
        width=30,
    ),
    Column(
        "org_type",
        N_("类型"),
        lambda o: o.get_org_type_display(),
        required=True,
        note=N_("社会团体、社会服务机构或基金会。"),
    ),
    Column(
        "industry",
        N_("行业领域"),
        lambda o: o.get_industry_display(),
        required=True,
        note=N_("见下拉选项。"),
    ),
    Column(
        "registration_authority",
        N_("登记管理机关区划代码"),
        lambda o: o.registration_authority.code,
        required=True,
        note=N_("省、地级市或县级区划的6位代码，如增城区 440118；只能是本级或下辖区划。"),
    ),
    Column(
        "",
        N_("登记管理机关（核对用）"),
        lambda o: o.registration_authority.name,
        note=N_("导出时填写区划名称，便于核对；导入时不读取。"),
    ),
    Column(
        "business_supervisor",
        N_("业务主管单位"),
        lambda o: o.business_supervisor,
        note=N_("可留空（直接登记的社会组织）。"),
        width=24,
    ),
    Column(
        "address_division",
        N_("住所所在镇街或村居代码"),
        lambda o: o.address_division.code,
        required=True,
        note=N_("9位乡镇（街道）或12位村（社区）代码，须在登记管理机关辖区内。"),
        width=18,
    ),
    Column(
        "",
        N_("住所所在镇街或村居（核对用）"),
        lambda o: o.address_division.name,
        note=N_("导出时填写区划名称，便于核对；导入时不读取。"),
    ),
    Column("address", N_("住所"), lambda o: o.address, note=N_("可留空。"), width=30),
    Column(
        "legal_representative",
        N_("法定代表人"),
        lambda o: o.legal_representative,
        required=True,
        note=N_("姓名。"),
    ),
    Column(
        "legal_representative_phone",
        N_("法定代表人电话"),
        # Exports never carry the full number (a bulk reveal would bypass the reveal log).
        lambda o: mask(PersonalKind.PHONE, o.legal_representative_phone),
        note=N_(
            "手机或带区号的固定电话，可留空；导出文件中为脱敏值，重新导入时请填写完整号码或留空。"
        ),
    ),
    Column(
        "founded_on",
        N_("成立登记日期"),
        lambda o: o.founded_on,
        required=True,
        note=N_("日期，如 2016-12-31，不能晚于今天。"),
        width=14,
    ),
    Column(
        "staff_count",
        N_("从业人员数"),
        lambda o: o.staff_count,
        note=N_("不小于0的整数，可留空（按0）。"),
    ),
    Column(
        "charter_has_party_clause",
        N_("章程含党建工作内容"),
        lambda o: _yes_no(o.charter_has_party_clause),
        note=N_("是或否，可留空（按否）。"),
    ),
    Column(
        "status",
        N_("状态"),
        lambda o: o.get_status_display(),
        note=N_("可留空（按正常）；迁移旧数据时可填写其他状态。"),
        width=20,
    ),
)
FACT_COLUMNS = tuple(column for column in COLUMNS if column.key)


# --------------------------------------------------------------------------------------------
# The template


def _sample(authority: Division | None, address: Division | None) -> list[Any]:
    return [
        SAMPLE_CREDIT_CODE,
        _("（示例，导入时跳过）增城区示例协会"),
        str(OrgType.SOCIAL_GROUP.label),
        str(Industry.SOCIAL_SERVICE.label),
        authority.code if authority else "440118",
        authority.name if authority else _("增城区"),
        "",
        address.code if address else "440118100",
        address.name if address else "",
        _("荔城街道示例路1号"),
        _("张三"),
        "13800138000",
        datetime.date(2016, 12, 31),
        12,
        _("是"),
        str(OrgStatus.ACTIVE.label),
    ]


def template_workbook(*, user: Any = None) -> bytes:
    """The import template: a data sheet with the headers, drop-downs and one example row (which
    the import skips), and a sheet explaining every column."""
    from .selectors import registering_authorities

    workbook = Workbook()
    sheet: Any = workbook.active
    sheet.title = str(SHEET_TITLE)
    sheet.append([column.label for column in COLUMNS])
    bold = Font(bold=True)
    required_fill = PatternFill("solid", fgColor="FDE9D9")
    for index, column in enumerate(COLUMNS, start=1):
        cell = sheet.cell(row=1, column=index)
        cell.font = bold
        if column.required:
            cell.fill = required_fill
        sheet.column_dimensions[get_column_letter(index)].width = column.width
    authority = registering_authorities(user).first() if user is not None else None
    address = (
        Division.objects.filter(
            path__startswith=authority.path, level=Division.Level.TOWN, is_current=True
        )
        .order_by("code")
        .first()
        if authority is not None
        else None
    )
    sheet.append([safe_cell(value) for value in _sample(authority, address)])
    grey = Font(italic=True, color="808080")
    for cell in sheet[2]:
        cell.font = grey
    sheet.freeze_panes = "A2"
    # Text columns stay text (a code typed in Excel must not become 4.4011810E+17).
    for index, column in enumerate(COLUMNS, start=1):
        if column.key in ("credit_code", "registration_authority", "address_division"):
            for row in range(2, 5002):
                sheet.cell(row=row, column=index).number_format = "@"

    # Drop-downs from a hidden sheet (inline lists are limited to 255 characters).
    lists = workbook.create_sheet("lists")
    choice_lists = {
        "org_type": [str(label) for label in OrgType.labels],
        "industry": [str(label) for label in Industry.labels],
        "charter_has_party_clause": [_("是"), _("否")],
        "status": [str(label) for label in OrgStatus.labels],
    }
    for list_index, (key, values) in enumerate(choice_lists.items(), start=1):
        letter = get_column_letter(list_index)
        for row, value in enumerate(values, start=1):
            lists.cell(row=row, column=list_index, value=value)
        column_index = next(i for i, c in enumerate(COLUMNS, start=1) if c.key == key)
        validation = DataValidation(
            type="list", formula1=f"=lists!${letter}$1:${letter}${len(values)}", allow_blank=True
        )
        sheet.add_data_validation(validation)
        target = get_column_letter(column_index)
        validation.add(f"{target}2:{target}{MAX_ROWS + 1}")
    lists.sheet_state = "hidden"

    notes = workbook.create_sheet(_("填写说明"))
    notes.append([_("列"), _("必填"), _("填写要求")])
    for cell in notes[1]:
        cell.font = bold
    for column in COLUMNS:
        notes.append(
            [
                column.label,
                _("是") if column.required else "",
                _(column.note) if column.note else "",
            ]
        )
    notes.append([])
    notes.append(
        [
            _("说明"),
            "",
            _(
                "第一张工作表的第1行为列名，请勿修改；第2行为示例，导入时自动跳过。"
                "文件中任何一行有问题，整个文件都不会导入，并给出逐行的问题清单。"
            ),
        ]
    )
    notes.column_dimensions["A"].width = 28
    notes.column_dimensions["C"].width = 90
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


# --------------------------------------------------------------------------------------------
# The upload check: type and size by content, before anything is stored


def upload_problem(file: IO[bytes], *, name: str, size: int) -> str | None:
    """Why an upload is not an acceptable xlsx file, or None. Reads the zip directory only."""
    if size > MAX_UPLOAD_BYTES:
        return _("文件为%(size).1f MB，超过%(limit)d MB 的上限，请分批导入。") % {
            "size": size / 1024 / 1024,
            "limit": MAX_UPLOAD_BYTES // 1024 // 1024,
        }
    if size == 0:
        return _("文件是空的。")
    if Path(name).suffix.lower() != ".xlsx":
        return _("只接受 Excel 工作簿（.xlsx）文件，当前文件为“%(name)s”。") % {
            "name": Path(name).name
        }
    not_xlsx = _("文件内容不是 Excel 工作簿（.xlsx）：请用 Excel 或 WPS 另存为 .xlsx 后再上传。")
    file.seek(0)
    if file.read(4) != b"PK\x03\x04":
        return not_xlsx
    file.seek(0)
    try:
        with zipfile.ZipFile(file) as archive:
            infos = archive.infolist()
            names = {info.filename for info in infos}
            if "[Content_Types].xml" not in names or "xl/workbook.xml" not in names:
                return not_xlsx
            if sum(info.file_size for info in infos) > MAX_UNCOMPRESSED_BYTES:
                return _("文件解压后过大，请分批导入。")
            content_types = archive.read("[Content_Types].xml")
    except (zipfile.BadZipFile, OSError, ValueError, RuntimeError):
        return not_xlsx
    finally:
        file.seek(0)
    if b"sheet.main+xml" not in content_types:
        # e.g. a macro-enabled workbook renamed to .xlsx
        return not_xlsx
    return None


# --------------------------------------------------------------------------------------------
# Reading


@dataclass(frozen=True)
class RowError:
    row: int  # the spreadsheet's row number (header = 1); 0 for the whole file
    column: str  # the header as written in the file; "" for the whole row or file
    message: str


@dataclass
class ParsedRow:
    row: int
    facts: dict[str, Any]
    status: str
    # Cells that could not be read (column key → message); their facts are left out.
    problems: dict[str, str] = field(default_factory=dict)


def _text(value: Any) -> str:
    """A cell as text: numbers that are codes lose their ".0", full-width characters fold."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, datetime.datetime):
        value = value.date()
    return unicodedata.normalize("NFKC", str(value)).strip()


def _choice_map(choices: type[Any]) -> dict[str, str]:
    """Label → value in Chinese and in the active language, plus the values themselves."""
    mapping = {str(value): value for value in choices.values}
    mapping.update({str(label): value for value, label in choices.choices})
    with translation.override("zh-hans"):
        mapping.update({str(label): value for value, label in choices.choices})
    return {key.strip().lower(): value for key, value in mapping.items()}


_DATE_PATTERNS = (
    re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})$"),
    re.compile(r"^(\d{4})年(\d{1,2})月(\d{1,2})日?$"),
    re.compile(r"^(\d{4})(\d{2})(\d{2})$"),
)
_TRUE = {"是", "yes", "y", "true", "1", "有", "√", "✓"}
_FALSE = {"否", "no", "n", "false", "0", "无", "×", ""}


class RowReader:
    """Turns the cells of one row into facts, noting the cells it cannot read."""

    def __init__(self) -> None:
        self.org_types = _choice_map(OrgType)
        self.industries = _choice_map(Industry)
        self.statuses = _choice_map(OrgStatus)
        self.true = {_("是").lower(), *_TRUE}
        self.false = {_("否").lower(), *_FALSE}

    def read(self, number: int, cells: dict[str, Any]) -> ParsedRow:
        facts: dict[str, Any] = {}
        problems: dict[str, str] = {}
        for key in (
            "name",
            "business_supervisor",
            "address",
            "legal_representative",
            "legal_representative_phone",
        ):
            if key in cells:
                facts[key] = _text(cells[key])
        facts["legal_representative_phone"] = facts.get("legal_representative_phone") or None
        facts["credit_code"] = normalize_credit_code(_text(cells.get("credit_code")))
        for key, mapping, message in (
            ("org_type", self.org_types, _("类型应为以下之一：%(choices)s。")),
            ("industry", self.industries, _("行业领域应为以下之一：%(choices)s。")),
        ):
            text = _text(cells.get(key))
            if not text:
                facts[key] = ""
            elif text.lower() in mapping:
                facts[key] = mapping[text.lower()]
            else:
                choices = OrgType.labels if key == "org_type" else Industry.labels
                problems[key] = message % {"choices": "、".join(str(c) for c in choices)}
        # Divisions are resolved for the whole file at once (see check_rows).
        facts["registration_authority"] = _text(cells.get("registration_authority"))
        facts["address_division"] = _text(cells.get("address_division"))
        facts["founded_on"] = self._date(cells.get("founded_on"), problems)
        facts["staff_count"] = self._count(cells.get("staff_count"), problems)
        clause = _text(cells.get("charter_has_party_clause")).lower()
        if clause in self.true:
            facts["charter_has_party_clause"] = True
        elif clause in self.false:
            facts["charter_has_party_clause"] = False
        else:
            problems["charter_has_party_clause"] = _("应填写“是”或“否”。")
        status_text = _text(cells.get("status")).lower()
        status: str = OrgStatus.ACTIVE
        if status_text:
            if status_text in self.statuses:
                status = self.statuses[status_text]
            else:
                problems["status"] = _("状态应为以下之一：%(choices)s。") % {
                    "choices": "、".join(str(label) for label in OrgStatus.labels)
                }
        return ParsedRow(number, facts, status, problems)

    @staticmethod
    def _date(value: Any, problems: dict[str, str]) -> datetime.date | None:
        if value is None or value == "":
            return None
        if isinstance(value, datetime.datetime):
            return value.date()
        if isinstance(value, datetime.date):
            return value
        text = _text(value)
        for pattern in _DATE_PATTERNS:
            match = pattern.match(text)
            if match:
                try:
                    return datetime.date(*(int(part) for part in match.groups()))
                except ValueError:
                    break
        problems["founded_on"] = _("“%(value)s”不是有效日期，格式如 2016-12-31。") % {"value": text}
        return None

    @staticmethod
    def _count(value: Any, problems: dict[str, str]) -> int | None:
        if value is None or value == "":
            return 0
        if isinstance(value, bool):
            problems["staff_count"] = _("从业人员数应为整数。")
            return None
        if isinstance(value, int):
            return value
        if isinstance(value, float) and value.is_integer():
            return int(value)
        text = _text(value).replace(",", "")
        if re.fullmatch(r"-?\d+", text):
            return int(text)
        problems["staff_count"] = _("从业人员数应为整数。")
        return None


def read_workbook(file: IO[bytes] | str | Path) -> Iterator[tuple[int, tuple[Any, ...]]]:
    """(row number, cell values) of the first sheet, streamed (read-only mode)."""
    from openpyxl import load_workbook

    workbook = load_workbook(file, read_only=True, data_only=True)
    try:
        sheet: Any = workbook.worksheets[0]
        # Without this, openpyxl reads the whole sheet once more to size it (when the file
        # states no dimension, or a wrong one); rows then come unpadded, which is all we need.
        sheet.reset_dimensions()
        yield from enumerate(sheet.iter_rows(values_only=True), start=1)
    finally:
        workbook.close()


def _header_key(text: str) -> str:
    return re.sub(r"[\s*＊]", "", text).lower()


def header_columns(header: Iterable[Any]) -> tuple[dict[str, int], dict[str, str], list[str]]:
    """Which column holds each fact, the header as written, and the required headers missing.

    A header matches its column in Chinese or in the active language; the "核对用" columns
    are ignored.
    """
    wanted: dict[str, Column] = {}
    for column in FACT_COLUMNS:
        wanted[_header_key(column.header)] = column
        wanted[_header_key(column.label)] = column
    positions: dict[str, int] = {}
    written: dict[str, str] = {}
    for index, cell in enumerate(header):
        text = _text(cell)
        found = wanted.get(_header_key(text))
        if found is not None and found.key not in positions:
            positions[found.key] = index
            written[found.key] = text
    missing = [c.label for c in FACT_COLUMNS if c.required and c.key not in positions]
    return positions, written, missing


# --------------------------------------------------------------------------------------------
# Checking a whole file


@dataclass
class CheckedFile:
    rows: list[ParsedRow] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    error_count: int = 0
    skipped_sample: bool = False

    def add(self, error: RowError) -> None:
        self.error_count += 1
        if len(self.errors) < MAX_STORED_ERRORS:
            self.errors.append(error)

    @property
    def ok(self) -> bool:
        return self.error_count == 0


def check_file(
    file: IO[bytes] | str | Path,
    *,
    actor: Any,
    progress: Callable[[int, int], None] | None = None,
) -> CheckedFile:
    """Read and check every row; the file is clean when `result.ok`.

    `progress(done, total)` is called every PROGRESS_EVERY rows while checking.
    """
    result = CheckedFile()
    whole = _("无法读取文件：请确认它是有效的 .xlsx 文件。")
    try:
        table = read_workbook(file)
        first = next(table, None)
        if first is None:
            result.add(RowError(0, "", _("文件是空的。")))
            return result
        header_row, header = first
        positions, written, missing = header_columns(header)
        if missing:
            message = _("缺少列：%(columns)s。请使用下载的导入模板，勿修改第一行的列名。")
            result.add(RowError(header_row, "", message % {"columns": "、".join(missing)}))
            return result
        reader = RowReader()
        for number, values in table:
            if not any(v not in (None, "") for v in values):
                continue
            if len(result.rows) >= MAX_ROWS:
                message = _("文件超过%(n)s行，请分批导入。") % {"n": f"{MAX_ROWS:,}"}
                result.add(RowError(number, "", message))
                return result
            cells = {
                key: values[index] if index < len(values) else None
                for key, index in positions.items()
            }
            parsed = reader.read(number, cells)
            if parsed.facts["credit_code"] == SAMPLE_CREDIT_CODE:
                result.skipped_sample = True
                continue
            result.rows.append(parsed)
    except Exception:  # a corrupt workbook raises whatever its parser raises
        result.rows = []
        result.add(RowError(0, "", whole))
        return result
    if not result.rows:
        result.add(RowError(0, "", _("文件中没有数据行（示例行不计）。")))
        return result
    _check_rows(result, written, actor=actor, progress=progress)
    return result


def _check_rows(
    result: CheckedFile,
    written: dict[str, str],
    *,
    actor: Any,
    progress: Callable[[int, int], None] | None,
) -> None:
    rows = result.rows
    division_codes = {
        code
        for row in rows
        for code in (row.facts["registration_authority"], row.facts["address_division"])
        if code and code.isascii() and code.isdigit()
    }
    divisions = Division.objects.in_bulk(list(division_codes))
    codes = [row.facts["credit_code"] for row in rows if row.facts["credit_code"]]
    taken = set(
        SocialOrganization.objects.filter(credit_code__in=codes).values_list(
            "credit_code", flat=True
        )
    )
    checker = OrganizationChecker(actor=actor)
    first_seen: dict[str, int] = {}
    total = len(rows)
    for done, row in enumerate(rows, start=1):
        facts = row.facts
        for key in ("registration_authority", "address_division"):
            facts[key] = divisions.get(facts[key], facts[key] or None)
        verdict = checker.check(facts, credit_code_taken=facts["credit_code"] in taken)
        problems: dict[str, list[str]] = {key: [msg] for key, msg in row.problems.items()}
        for key, messages in verdict.errors.items():
            # A cell that could not be read says so once, not also as "missing".
            problems.setdefault(key, messages)
        code = facts["credit_code"]
        if code:
            if code in first_seen:
                message = _("统一社会信用代码与第%(row)d行重复。") % {"row": first_seen[code]}
                problems.setdefault("credit_code", []).append(message)
            else:
                first_seen[code] = row.row
        for key, messages in problems.items():
            column = written.get(key) or _column_label(key)
            for message in messages:
                result.add(RowError(row.row, column, message))
        if progress is not None and (done % PROGRESS_EVERY == 0 or done == total):
            progress(done, total)


def _column_label(key: str) -> str:
    return next((column.label for column in FACT_COLUMNS if column.key == key), key)


def error_report(errors: Iterable[tuple[int, str, str]]) -> Iterator[list[Any]]:
    for row, column, message in errors:
        yield [row or "", column, message]
