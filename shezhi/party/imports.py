"""The xlsx import of party members: the template, reading and checking every row, writing.

One column list (`COLUMNS`) makes the template, the export of the member list and the reading of
an upload, so an exported file lines up with the template column for column. The export masks
ID numbers and phones (a bulk reveal would bypass the reveal log); the template asks for them in
full: a masked value is refused on import.

Every row is checked before anything is written, with the same rules as the member form and the
API (shezhi.core.personal_data for ID numbers, rules.stage_dates for the stage and its dates),
reading the database once per file: employers by credit code or name, branches by number or name
(both within the importing officer's jurisdiction), and the ID numbers already registered (by
their blind index). A file with any problem is refused whole, with a report naming the row, the
column and what is wrong. A clean file is written in one transaction, in batches, each member
with its History entry, and the coverage facts of every employer are refreshed at the end.

It is built for 100,000 rows: one streamed pass over the sheet (openpyxl read-only), plain
Python per row, no query per row. `shezhi bench --only party.members.import` measures it against
openpyxl's own read of the same file.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.utils.translation import gettext_noop as N_

from shezhi.core import crypto, import_jobs
from shezhi.core.import_jobs import (
    MAX_ROWS,
    NotADate,
    RowError,
    cell_text,
    choice_map,
    parse_date,
)
from shezhi.core.import_jobs import error_report as error_report
from shezhi.core.import_jobs import read_workbook as read_workbook
from shezhi.core.import_jobs import upload_problem as upload_problem
from shezhi.core.personal_data import (
    PersonalKind,
    mask,
    normalize,
    validate_id_number,
    validate_phone,
)
from shezhi.social_orgs.validators import normalize_credit_code

from . import rules
from .models import (
    Education,
    Gender,
    MemberStatus,
    PartyMember,
    Stage,
)

PROGRESS_EVERY = 2_000
WRITE_BATCH = 2_000
# Lookups of a whole file go to the database in slices (SQLite's bound-parameter limit).
LOOKUP_CHUNK = 5_000
SHEET_TITLE = gettext_lazy("党员")
# The template's example row carries this ID number (the standard's own example); an upload
# skips it, so a template sent back unchanged registers nobody.
SAMPLE_ID_NUMBER = "11010519491231002X"


def _yes_no(value: bool) -> str:
    return _("是") if value else _("否")


def _display(member: PartyMember, name: str) -> str:
    return str(getattr(member, f"get_{name}_display")())


Column = import_jobs.Column[PartyMember]


DATE_NOTE = N_("日期，如 2016-12-31，不能晚于今天；未到该阶段的留空。")
COLUMNS: tuple[Column, ...] = (
    Column("name", N_("姓名"), lambda m: m.name, required=True, note=N_("不超过50字。")),
    Column(
        "id_number",
        N_("身份证号码"),
        lambda m: mask(PersonalKind.ID_NUMBER, m.id_number),
        required=True,
        note=N_(
            "18位，最后一位可为X；须通过校验码检验，同一人只能登记一次。"
            "导出文件中为脱敏值，导入时须填写完整号码。"
        ),
        width=22,
    ),
    Column(
        "gender",
        N_("性别"),
        lambda m: _display(m, "gender"),
        note=N_("男或女；可留空，按身份证号码。"),
    ),
    Column(
        "birth_date",
        N_("出生日期"),
        lambda m: m.birth_date,
        note=N_("可留空，按身份证号码；填写的须与身份证号码一致。"),
    ),
    Column("ethnicity", N_("民族"), lambda m: m.ethnicity, note=N_("可留空（按汉族）。")),
    Column(
        "phone",
        N_("联系电话"),
        lambda m: mask(PersonalKind.PHONE, m.phone),
        note=N_("手机或带区号的固定电话，可留空；导出文件中为脱敏值，导入时须填写完整号码或留空。"),
        width=16,
    ),
    Column(
        "education",
        N_("学历"),
        lambda m: _display(m, "education"),
        required=True,
        note=N_("见下拉选项。"),
    ),
    Column(
        "employer_code",
        N_("工作单位统一社会信用代码"),
        lambda m: m.employer.credit_code if m.employer else "",
        note=N_("工作单位为社会组织时填写；与“工作单位”二选一即可，都填时以代码为准。"),
        width=22,
    ),
    Column(
        "employer_name",
        N_("工作单位"),
        lambda m: m.employer.name if m.employer else "",
        note=N_("社会组织的全称；须在您的管辖范围内。"),
        width=28,
    ),
    Column(
        "branch_id",
        N_("所在党组织编号"),
        lambda m: m.branch_id or "",
        note=N_("党组织页面上的编号；与“所在党组织”二选一即可，都填时以编号为准。"),
    ),
    Column(
        "branch_name",
        N_("所在党组织"),
        lambda m: m.branch.name if m.branch else "",
        note=N_("党组织的全称；工作单位和所在党组织至少填写一项。"),
        width=28,
    ),
    Column(
        "stage",
        N_("发展阶段"),
        lambda m: _display(m, "stage"),
        required=True,
        note=N_("入党申请人、入党积极分子、发展对象、预备党员或正式党员。"),
    ),
    Column("applied_on", N_("递交入党申请书日期"), lambda m: m.applied_on, note=DATE_NOTE),
    Column("activist_on", N_("确定为入党积极分子日期"), lambda m: m.activist_on, note=DATE_NOTE),
    Column("candidate_on", N_("确定为发展对象日期"), lambda m: m.candidate_on, note=DATE_NOTE),
    Column(
        "probationary_on", N_("接收为预备党员日期"), lambda m: m.probationary_on, note=DATE_NOTE
    ),
    Column("full_on", N_("转为正式党员日期"), lambda m: m.full_on, note=DATE_NOTE),
    Column(
        "probation_extended_until",
        N_("预备期延长至"),
        lambda m: m.probation_extended_until,
        note=N_("预备期延长过的填写延长后的期满日（一年期满后半年至一年之间），否则留空。"),
    ),
    Column(
        "training_hours",
        N_("集中培训学时"),
        lambda m: m.training_hours,
        note=N_("整数，可留空（按0）；发展对象接收为预备党员前须不少于24学时。"),
    ),
    Column(
        "is_mobile",
        N_("流动党员"),
        lambda m: _yes_no(m.is_mobile),
        note=N_("是或否，可留空（按否）。"),
    ),
    Column(
        "is_lost_contact",
        N_("失联党员"),
        lambda m: _yes_no(m.is_lost_contact),
        note=N_("是或否，可留空（按否）。"),
    ),
    Column(
        "",
        N_("所属区划（核对用）"),
        lambda m: m.division.name,
        note=N_("导出时填写，便于核对；导入时不读取（按所在党组织或工作单位确定）。"),
    ),
    Column(
        "",
        N_("党籍状态（核对用）"),
        lambda m: _display(m, "status"),
        note=N_("导出时填写，便于核对；导入时不读取（导入的党员均为在册党员）。"),
    ),
)
FACT_COLUMNS = tuple(column for column in COLUMNS if column.key)
DATE_KEYS = (
    "birth_date",
    "applied_on",
    "activist_on",
    "candidate_on",
    "probationary_on",
    "full_on",
    "probation_extended_until",
)


# --------------------------------------------------------------------------------------------
# The template


def _sample_row() -> list[Any]:
    values: dict[str, Any] = {
        "name": _("（示例，导入时跳过）张三"),
        "id_number": SAMPLE_ID_NUMBER,
        "gender": str(Gender.FEMALE.label),
        "birth_date": datetime.date(1949, 12, 31),
        "ethnicity": _("汉族"),
        "phone": "13800138000",
        "education": str(Education.UNDERGRADUATE.label),
        "employer_code": "",
        "employer_name": _("增城区示例协会"),
        "branch_id": "",
        "branch_name": _("增城区示例协会党支部"),
        "stage": str(Stage.FULL.label),
        "applied_on": datetime.date(1990, 3, 1),
        "activist_on": datetime.date(1990, 9, 1),
        "candidate_on": datetime.date(1991, 10, 1),
        "probationary_on": datetime.date(1992, 7, 1),
        "full_on": datetime.date(1993, 7, 1),
        "probation_extended_until": "",
        "training_hours": 24,
        "is_mobile": _("否"),
        "is_lost_contact": _("否"),
    }
    return [values.get(column.key, "") for column in COLUMNS]


def template_workbook() -> bytes:
    """The import template: the data sheet (headers, drop-downs, one example row the import
    skips) and a sheet explaining every column."""
    return import_jobs.template_workbook(
        COLUMNS,
        sheet_title=str(SHEET_TITLE),
        sample=_sample_row(),
        # An ID number typed in Excel must not become 1.10105E+17.
        text_keys=("id_number", "phone", "employer_code"),
        choice_lists={
            "gender": [str(label) for label in Gender.labels],
            "education": [str(label) for label in Education.labels],
            "stage": [str(label) for label in Stage.labels],
            "is_mobile": [_("是"), _("否")],
            "is_lost_contact": [_("是"), _("否")],
        },
        note=_(
            "第一张工作表的第1行为列名，请勿修改；第2行为示例，导入时自动跳过。"
            "各阶段的日期须依次递进，并符合《中国共产党发展党员工作细则》的期限。"
            "文件中任何一行有问题，整个文件都不会导入，并给出逐行的问题清单。"
        ),
        max_rows=MAX_ROWS,
    )


# --------------------------------------------------------------------------------------------
# Reading cells


_TRUE = {"是", "yes", "y", "true", "1", "√", "✓"}
_FALSE = {"否", "no", "n", "false", "0", "×", ""}


def header_columns(header: Iterable[Any]) -> tuple[dict[str, int], dict[str, str], list[str]]:
    """Which column holds each fact, the header as written, and the required headers missing
    (import_jobs.header_columns), the employer or the branch being required as a pair."""
    positions, written, missing = import_jobs.header_columns(header, FACT_COLUMNS)
    binding_keys = ("employer_code", "employer_name", "branch_id", "branch_name")
    if not any(key in positions for key in binding_keys):
        missing.append(_("工作单位或所在党组织"))
    return positions, written, missing


# --------------------------------------------------------------------------------------------
# Checking a whole file


class Facts:
    """The facts of one row, under PartyMember's attribute names: what the rules read (duck-
    typed like a member) and what bulk.insert_with_history writes. Slots keep 100,000 small."""

    __slots__ = (
        "activist_on",
        "applied_on",
        "birth_date",
        "branch_id",
        "candidate_on",
        "division_id",
        "division_path",
        "education",
        "employer_id",
        "ethnicity",
        "full_on",
        "gender",
        "id_hash",
        "id_number",
        "is_lost_contact",
        "is_mobile",
        "name",
        "phone",
        "pk",
        "probation_extended",
        "probation_extended_until",
        "probationary_on",
        "row",
        "stage",
        "status",
        "training_hours",
    )

    row: int
    pk: int | None
    name: str
    gender: str
    ethnicity: str
    birth_date: datetime.date | None
    id_number: str
    id_hash: str
    phone: str | None
    education: str
    employer_id: int | None
    branch_id: int | None
    division_id: str | None
    division_path: str
    stage: str
    status: str
    applied_on: datetime.date | None
    activist_on: datetime.date | None
    candidate_on: datetime.date | None
    probationary_on: datetime.date | None
    full_on: datetime.date | None
    probation_extended: bool
    probation_extended_until: datetime.date | None
    training_hours: int
    is_mobile: bool
    is_lost_contact: bool

    def __init__(self, row: int) -> None:
        self.row = row
        self.pk = None
        self.status = MemberStatus.ACTIVE
        self.probation_extended = False
        self.employer_id = None
        self.branch_id = None
        self.division_id = None
        self.division_path = ""


@dataclass
class CheckedFile(import_jobs.CheckedFile[Facts]):
    read_seconds: float = 0.0
    check_seconds: float = 0.0


def _chunks(values: list[Any], size: int = LOOKUP_CHUNK) -> Iterator[list[Any]]:
    for start in range(0, len(values), size):
        yield values[start : start + size]


class _Lookups:
    """Everything the rows name, read from the database once for the whole file, within what
    the importing user may choose."""

    def __init__(self, actor: Any, raw: list[dict[str, Any]]) -> None:
        from .selectors.members import branch_choices, employer_choices

        codes = sorted({r["employer_code"] for r in raw if r["employer_code"]})
        names = sorted(
            {r["employer_name"] for r in raw if r["employer_name"] and not r["employer_code"]}
        )
        branch_ids = sorted({r["branch_id"] for r in raw if isinstance(r["branch_id"], int)})
        branch_names = sorted(
            {r["branch_name"] for r in raw if r["branch_name"] and r["branch_id"] is None}
        )
        employers = employer_choices(actor).values_list(
            "pk", "credit_code", "name", "registration_authority_id", "authority_path"
        )
        self.by_code: dict[str, tuple[Any, ...]] = {}
        for chunk in _chunks(codes):
            for row in employers.filter(credit_code__in=chunk):
                self.by_code[row[1]] = row
        self.by_name: dict[str, list[tuple[Any, ...]]] = {}
        for chunk in _chunks(names):
            for row in employers.filter(name__in=chunk):
                self.by_name.setdefault(row[2], []).append(row)
        branches = branch_choices(actor).values_list("pk", "name", "division_id", "division_path")
        self.branch_by_id: dict[Any, tuple[Any, ...]] = {}
        for chunk in _chunks(branch_ids):
            for branch in branches.filter(pk__in=chunk):
                self.branch_by_id[branch[0]] = branch
        self.branch_by_name: dict[str, list[tuple[Any, ...]]] = {}
        for chunk in _chunks(branch_names):
            for branch in branches.filter(name__in=chunk):
                self.branch_by_name.setdefault(branch[1], []).append(branch)
        hashes = [r["id_hash"] for r in raw if r["id_hash"]]
        self.taken: set[str] = set()
        for chunk in _chunks(hashes):
            self.taken.update(
                PartyMember.objects.filter(id_number_hash__in=chunk).values_list(
                    "id_number_hash", flat=True
                )
            )


class _RowReader:
    """Turns the cells of one row into raw values, noting the cells it cannot read."""

    def __init__(self, positions: dict[str, int]) -> None:
        self.positions = positions
        self.genders = choice_map(Gender)
        self.educations = choice_map(Education)
        self.stages = choice_map(Stage)
        self.true = {_("是").lower(), *_TRUE}
        self.false = {_("否").lower(), *_FALSE}

    def read(self, number: int, values: tuple[Any, ...]) -> tuple[dict[str, Any], dict[str, str]]:
        cell: dict[str, Any] = {}
        width = len(values)
        for key, index in self.positions.items():
            cell[key] = values[index] if index < width else None
        raw: dict[str, Any] = {"row": number}
        problems: dict[str, str] = {}
        for key in ("name", "ethnicity", "employer_name", "branch_name"):
            raw[key] = cell_text(cell.get(key))
        id_text = cell_text(cell.get("id_number"))
        raw["id_number"] = normalize(PersonalKind.ID_NUMBER, id_text) if id_text else ""
        raw["id_hash"] = ""
        phone = cell_text(cell.get("phone"))
        raw["phone"] = phone or None
        raw["employer_code"] = normalize_credit_code(cell_text(cell.get("employer_code")))
        branch_id = cell_text(cell.get("branch_id"))
        raw["branch_id"] = None
        if branch_id:
            if branch_id.isdigit():
                raw["branch_id"] = int(branch_id)
            else:
                problems["branch_id"] = _("党组织编号应为数字。")
        for key, mapping in (
            ("gender", self.genders),
            ("education", self.educations),
            ("stage", self.stages),
        ):
            text = cell_text(cell.get(key)).lower()
            raw[key] = ""
            if text:
                if text in mapping:
                    raw[key] = mapping[text]
                else:
                    problems[key] = _("应为以下之一：%(choices)s。") % {
                        "choices": "、".join(
                            str(label)
                            for label in {"gender": Gender, "education": Education, "stage": Stage}[
                                key
                            ].labels
                        )
                    }
        for key in DATE_KEYS:
            try:
                raw[key] = parse_date(cell.get(key))
            except NotADate as exc:
                raw[key] = None
                problems[key] = _("“%(value)s”不是有效日期，格式如 2016-12-31。") % {
                    "value": exc.args[0]
                }
        hours = cell.get("training_hours")
        raw["training_hours"] = 0
        if hours not in (None, ""):
            if isinstance(hours, bool):
                problems["training_hours"] = _("学时应为不小于0的整数。")
            elif isinstance(hours, int) and hours >= 0:
                raw["training_hours"] = hours
            elif isinstance(hours, float) and hours.is_integer() and hours >= 0:
                raw["training_hours"] = int(hours)
            elif isinstance(hours, str) and cell_text(hours).isdigit():
                raw["training_hours"] = int(cell_text(hours))
            else:
                problems["training_hours"] = _("学时应为不小于0的整数。")
        for key in ("is_mobile", "is_lost_contact"):
            text = cell_text(cell.get(key)).lower()
            if text in self.true:
                raw[key] = True
            elif text in self.false:
                raw[key] = False
            else:
                raw[key] = False
                problems[key] = _("应填写“是”或“否”。")
        return raw, problems


def check_file(
    file: IO[bytes] | str | Path,
    *,
    actor: Any,
    progress: Callable[[int, int], None] | None = None,
    today: datetime.date | None = None,
) -> CheckedFile:
    """Read and check every row; the file is clean when `result.ok`.

    `progress(done, total)` is called every PROGRESS_EVERY rows while checking.
    """
    import time

    result = CheckedFile()
    today = today or timezone.localdate()
    started = time.perf_counter()
    read, written = import_jobs.read_sheet(
        file,
        result,
        header_columns=header_columns,
        reader=lambda positions: _RowReader(positions).read,
        is_sample=lambda row: row[0]["id_number"] == SAMPLE_ID_NUMBER,
        max_rows=MAX_ROWS,
    )
    if written is None:
        return result
    result.read_seconds = time.perf_counter() - started
    raw_rows = [raw for raw, _problems in read]
    problems_of = {raw["row"]: problems for raw, problems in read if problems}
    started = time.perf_counter()
    _check_rows(result, raw_rows, problems_of, written, actor=actor, progress=progress, today=today)
    result.check_seconds = time.perf_counter() - started
    return result


def _label(written: dict[str, str], key: str) -> str:
    if key in written:
        return written[key]
    return import_jobs.column_label(FACT_COLUMNS, key)


# Which column a rule's finding is reported in.
_RULE_COLUMNS = {
    "development.applicant_age": "applied_on",
    "development.activist_period": "candidate_on",
    "development.probation_period": "full_on",
    "development.extension_length": "probation_extended_until",
    "record.extension_without_probation": "probation_extended_until",
}


def _check_rows(
    result: CheckedFile,
    raw_rows: list[dict[str, Any]],
    problems_of: dict[int, dict[str, str]],
    written: dict[str, str],
    *,
    actor: Any,
    progress: Callable[[int, int], None] | None,
    today: datetime.date,
) -> None:
    total = len(raw_rows)
    # First pass: the ID numbers (their checks are per row; the hashes serve the lookups).
    id_problems: dict[int, list[str]] = {}
    id_warnings: dict[int, list[str]] = {}
    for raw in raw_rows:
        number = raw["id_number"]
        if not number:
            continue
        if "*" in number:
            id_problems[raw["row"]] = [_("身份证号码为脱敏值：导入时须填写完整号码。")]
            continue
        try:
            warnings = validate_id_number(number)
        except ValidationError as exc:
            id_problems[raw["row"]] = list(exc.messages)
            continue
        if warnings:
            id_warnings[raw["row"]] = warnings
        raw["id_hash"] = crypto.blind_index(number)
    lookups = _Lookups(actor, raw_rows)
    first_seen: dict[str, int] = {}
    labels = {key: _label(written, key) for key in (c.key for c in FACT_COLUMNS)}
    for done, raw in enumerate(raw_rows, start=1):
        number = raw["row"]
        errors: dict[str, list[str]] = {
            key: [message] for key, message in problems_of.get(number, {}).items()
        }

        def add(key: str, message: str, errors: dict[str, list[str]] = errors) -> None:
            errors.setdefault(key, []).append(message)

        facts = Facts(number)
        facts.name = raw["name"]
        if not facts.name:
            add("name", _("姓名不能为空。"))
        elif len(facts.name) > 50:
            add("name", _("姓名不能超过50字。"))
        facts.ethnicity = raw["ethnicity"] or "汉族"
        if len(facts.ethnicity) > 20:
            add("ethnicity", _("民族不能超过20字。"))
        facts.id_number = raw["id_number"]
        facts.id_hash = raw["id_hash"]
        facts.birth_date = raw["birth_date"]
        facts.gender = raw["gender"]
        if not facts.id_number:
            add("id_number", _("请填写身份证号码。"))
        elif number in id_problems:
            for message in id_problems[number]:
                add("id_number", message)
        else:
            for message in id_warnings.get(number, ()):
                result.warn(RowError(number, labels["id_number"], message))
            born = datetime.date(
                int(facts.id_number[6:10]), int(facts.id_number[10:12]), int(facts.id_number[12:14])
            )
            if facts.birth_date is None:
                facts.birth_date = born
            elif facts.birth_date != born and "birth_date" not in errors:
                add(
                    "birth_date",
                    _("出生日期 %(given)s 与身份证号码中的出生日期 %(born)s 不一致。")
                    % {"given": facts.birth_date, "born": born},
                )
            gender = Gender.MALE if int(facts.id_number[16]) % 2 else Gender.FEMALE
            if not facts.gender:
                facts.gender = gender
            elif facts.gender != gender:
                result.warn(
                    RowError(
                        number,
                        labels["gender"],
                        _("性别与身份证号码第17位（单数为男，双数为女）不一致，请核对。"),
                    )
                )
            if facts.id_hash in lookups.taken:
                add("id_number", _("该身份证号码已登记为党员，同一人只能有一条记录。"))
            elif facts.id_hash in first_seen:
                add(
                    "id_number",
                    _("身份证号码与第%(row)d行重复。") % {"row": first_seen[facts.id_hash]},
                )
            else:
                first_seen[facts.id_hash] = number
        facts.phone = raw["phone"]
        if facts.phone:
            if "*" in facts.phone:
                add("phone", _("联系电话为脱敏值：请填写完整号码或留空。"))
            else:
                try:
                    validate_phone(facts.phone)
                except ValidationError as exc:
                    add("phone", exc.messages[0])
        facts.education = raw["education"]
        if not facts.education and "education" not in errors:
            add("education", _("请填写学历。"))
        facts.stage = raw["stage"]
        if not facts.stage and "stage" not in errors:
            add("stage", _("请填写发展阶段。"))
        _resolve_bindings(raw, facts, lookups, add)
        for key in DATE_KEYS[1:]:
            setattr(facts, key, raw[key])
        facts.probation_extended = facts.probation_extended_until is not None
        facts.training_hours = raw["training_hours"]
        facts.is_mobile = raw["is_mobile"]
        facts.is_lost_contact = raw["is_lost_contact"]
        if facts.stage and facts.birth_date is not None:
            for finding in rules.stage_dates(facts, today=today):
                add(_RULE_COLUMNS.get(finding.rule, "stage"), str(finding))
        if errors:
            for key, messages in errors.items():
                for message in messages:
                    result.add(RowError(number, labels.get(key, key), message))
        else:
            result.rows.append(facts)
        if progress is not None and (done % PROGRESS_EVERY == 0 or done == total):
            progress(done, total)


def _resolve_bindings(
    raw: dict[str, Any], facts: Facts, lookups: _Lookups, add: Callable[[str, str], None]
) -> None:
    """The employer by credit code (or exact name) and the branch by number (or exact name),
    among those the importing user may choose; the member's jurisdiction follows the branch,
    else the employer."""
    employer = None
    if raw["employer_code"]:
        employer = lookups.by_code.get(raw["employer_code"])
        if employer is None:
            add(
                "employer_code",
                _("统一社会信用代码 %(code)s 不是您管辖范围内已登记的社会组织。")
                % {"code": raw["employer_code"]},
            )
    elif raw["employer_name"]:
        found = lookups.by_name.get(raw["employer_name"], [])
        if len(found) == 1:
            employer = found[0]
        elif found:
            add("employer_name", _("有多个同名社会组织，请填写统一社会信用代码。"))
        else:
            add(
                "employer_name",
                _("在您的管辖范围内没有名为“%(name)s”的社会组织。")
                % {"name": raw["employer_name"]},
            )
    branch = None
    if raw["branch_id"] is not None:
        branch = lookups.branch_by_id.get(raw["branch_id"])
        if branch is None:
            add(
                "branch_id",
                _("编号为 %(id)s 的党组织不在您的管辖范围内或已撤销。") % {"id": raw["branch_id"]},
            )
    elif raw["branch_name"]:
        found = lookups.branch_by_name.get(raw["branch_name"], [])
        if len(found) == 1:
            branch = found[0]
        elif found:
            add("branch_name", _("有多个同名党组织，请填写党组织编号。"))
        else:
            add(
                "branch_name",
                _("在您的管辖范围内没有名为“%(name)s”的党组织（或已撤销）。")
                % {"name": raw["branch_name"]},
            )
    if employer is not None:
        facts.employer_id = employer[0]
        facts.division_id, facts.division_path = employer[3], employer[4]
    if branch is not None:
        facts.branch_id = branch[0]
        facts.division_id, facts.division_path = branch[2], branch[3]
    if (
        employer is None
        and branch is None
        and not (
            raw["employer_code"] or raw["employer_name"] or raw["branch_id"] or raw["branch_name"]
        )
    ):
        add("employer_name", _("工作单位和所在党组织至少填写一项。"))


# --------------------------------------------------------------------------------------------
# Writing a clean file


@transaction.atomic
def write_rows(
    rows: list[Facts],
    *,
    actor: Any,
    progress: Callable[[int, int], None] | None = None,
) -> int:
    """The whole clean file in one transaction, each member with its History entry (the
    importing officer, reason 批量导入), then the coverage facts of every employer named.

    Written by bulk.insert_with_history: the facts were all checked, and Django's per-value
    preparation and a second encryption for the History rows would triple the time."""
    from .bulk import insert_with_history
    from .coverage import coverage_refresh

    user_id = actor.pk if getattr(actor, "is_authenticated", False) else None
    total = len(rows)
    done = 0

    def advance(n: int) -> None:
        nonlocal done
        done += n
        if progress is not None and (done % WRITE_BATCH < n or done == total):
            progress(done, total)

    insert_with_history(PartyMember, rows, reason=_("批量导入"), user_id=user_id, progress=advance)
    coverage_refresh(facts.employer_id for facts in rows)
    return total
