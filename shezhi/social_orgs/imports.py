"""The xlsx import of organizations: the template, reading and checking rows.

One column list (`COLUMNS`) makes the template, the export of the list page and the reading of
an upload, so a file exported from the list can be corrected and imported again column for
column. Every row is checked with the same `OrganizationChecker` the form and the API use, the
database is read once per file (divisions, credit codes already registered), and any problem
refuses the whole file with a report naming the row, the column and what is wrong.
`services.organization_import_run` drives it and writes a clean file in one transaction; what
both xlsx imports share (the upload check, the template, reading, the job) is core.import_jobs.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.utils.translation import gettext_noop as N_

from shezhi.core import import_jobs
from shezhi.core.import_jobs import MAX_ROWS, NotADate, RowError, cell_text, choice_map, parse_date
from shezhi.core.import_jobs import MAX_UPLOAD_BYTES as MAX_UPLOAD_BYTES
from shezhi.core.import_jobs import error_report as error_report
from shezhi.core.models import Division
from shezhi.core.personal_data import PersonalKind, mask

from .credit_code import issue_credit_code
from .models import Industry, OrgStatus, OrgType, SocialOrganization
from .validators import OrganizationChecker, normalize_credit_code

PROGRESS_EVERY = 1_000
SHEET_TITLE = gettext_lazy("社会组织")

# The template's example row carries this code; an upload skips the row, so a template sent back
# unchanged registers nothing.
SAMPLE_CREDIT_CODE = issue_credit_code(organization_type="1", division_code="440118", sequence=0)


def _yes_no(value: bool) -> str:
    return _("是") if value else _("否")


@dataclass(frozen=True)
class Column(import_jobs.Column[SocialOrganization]):
    width: int = 16


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
    return import_jobs.template_workbook(
        COLUMNS,
        sheet_title=str(SHEET_TITLE),
        sample=_sample(authority, address),
        text_keys=("credit_code", "registration_authority", "address_division"),
        choice_lists={
            "org_type": [str(label) for label in OrgType.labels],
            "industry": [str(label) for label in Industry.labels],
            "charter_has_party_clause": [_("是"), _("否")],
            "status": [str(label) for label in OrgStatus.labels],
        },
        note=_(
            "第一张工作表的第1行为列名，请勿修改；第2行为示例，导入时自动跳过。"
            "文件中任何一行有问题，整个文件都不会导入，并给出逐行的问题清单。"
        ),
        max_rows=MAX_ROWS,
    )


# --------------------------------------------------------------------------------------------
# Reading


@dataclass
class ParsedRow:
    row: int
    facts: dict[str, Any]
    status: str
    # Cells that could not be read (column key → message); their facts are left out.
    problems: dict[str, str] = field(default_factory=dict)


_TRUE = {"是", "yes", "y", "true", "1", "有", "√", "✓"}
_FALSE = {"否", "no", "n", "false", "0", "无", "×", ""}


class RowReader:
    """Turns the cells of one row into facts, noting the cells it cannot read."""

    def __init__(self, positions: dict[str, int]) -> None:
        self.positions = positions
        self.org_types = choice_map(OrgType)
        self.industries = choice_map(Industry)
        self.statuses = choice_map(OrgStatus)
        self.true = {_("是").lower(), *_TRUE}
        self.false = {_("否").lower(), *_FALSE}

    def read(self, number: int, values: tuple[Any, ...]) -> ParsedRow:
        cells = {
            key: values[index] if index < len(values) else None
            for key, index in self.positions.items()
        }
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
                facts[key] = cell_text(cells[key])
        facts["legal_representative_phone"] = facts.get("legal_representative_phone") or None
        facts["credit_code"] = normalize_credit_code(cell_text(cells.get("credit_code")))
        for key, mapping, message in (
            ("org_type", self.org_types, _("类型应为以下之一：%(choices)s。")),
            ("industry", self.industries, _("行业领域应为以下之一：%(choices)s。")),
        ):
            text = cell_text(cells.get(key))
            if not text:
                facts[key] = ""
            elif text.lower() in mapping:
                facts[key] = mapping[text.lower()]
            else:
                choices = OrgType.labels if key == "org_type" else Industry.labels
                problems[key] = message % {"choices": "、".join(str(c) for c in choices)}
        # Divisions are resolved for the whole file at once (see check_rows).
        facts["registration_authority"] = cell_text(cells.get("registration_authority"))
        facts["address_division"] = cell_text(cells.get("address_division"))
        facts["founded_on"] = self._date(cells.get("founded_on"), problems)
        facts["staff_count"] = self._count(cells.get("staff_count"), problems)
        clause = cell_text(cells.get("charter_has_party_clause")).lower()
        if clause in self.true:
            facts["charter_has_party_clause"] = True
        elif clause in self.false:
            facts["charter_has_party_clause"] = False
        else:
            problems["charter_has_party_clause"] = _("应填写“是”或“否”。")
        status_text = cell_text(cells.get("status")).lower()
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
        try:
            if isinstance(value, str) and value and not cell_text(value):
                raise NotADate("")  # a cell of spaces is reported, not taken as left empty
            return parse_date(value)
        except NotADate as exc:
            problems["founded_on"] = _("“%(value)s”不是有效日期，格式如 2016-12-31。") % {
                "value": exc.args[0]
            }
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
        text = cell_text(value).replace(",", "")
        if re.fullmatch(r"-?\d+", text):
            return int(text)
        problems["staff_count"] = _("从业人员数应为整数。")
        return None


def header_columns(header: Iterable[Any]) -> tuple[dict[str, int], dict[str, str], list[str]]:
    """Which column holds each fact, the header as written, and the required headers missing
    (import_jobs.header_columns)."""
    return import_jobs.header_columns(header, FACT_COLUMNS)


# --------------------------------------------------------------------------------------------
# Checking a whole file

CheckedFile = import_jobs.CheckedFile[ParsedRow]


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
    result.rows, written = import_jobs.read_sheet(
        file,
        result,
        header_columns=header_columns,
        reader=lambda positions: RowReader(positions).read,
        is_sample=lambda row: row.facts["credit_code"] == SAMPLE_CREDIT_CODE,
        max_rows=MAX_ROWS,
    )
    if written is not None:
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
            column = written.get(key) or import_jobs.column_label(FACT_COLUMNS, key)
            for message in messages:
                result.add(RowError(row.row, column, message))
        if progress is not None and (done % PROGRESS_EVERY == 0 or done == total):
            progress(done, total)
