"""What the xlsx imports share: the job row, the template, the upload check, reading and running.

The registry's import of organizations (social_orgs) and the import of party members (party) are
one mechanism over different columns. Each app keeps its columns, its row reader and its checks
(`imports.py`), its job model (a subclass of `ImportJob`, for its own table and upload folder) and
its service; what is the same for both is here:

- `ImportJob`: the uploaded file, its status through the workflow gate, progress and report;
- `template_workbook`: the template from a column list (headers, drop-downs, example row, notes);
- `upload_problem`: type and size checked by content before anything is stored;
- `read_sheet`: the first sheet streamed row by row, the file refused whole when it cannot be read;
- `import_job_start` / `import_job_run`: store and queue an upload; check it in the task with
  progress, then write it whole or refuse it whole with a row-by-row report.
"""

from __future__ import annotations

import datetime
import io
import logging
import re
import time
import unicodedata
import uuid
import zipfile
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any, ClassVar, Generic, Self, TypeVar

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.db.models.fields.files import FieldFile
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from .exports import safe_cell
from .workflows import transition

MAX_UPLOAD_BYTES = 20 * 1024 * 1024
# A zip that inflates beyond this is refused before openpyxl touches it (zip bombs).
MAX_UNCOMPRESSED_BYTES = 400 * 1024 * 1024
MAX_ROWS = 100_000
# The report keeps this many problems; the count says how many there were in all.
MAX_STORED_ERRORS = 10_000

T = TypeVar("T")
R = TypeVar("R")
J = TypeVar("J", bound="ImportJob")
Progress = Callable[[int, int], None]


# --------------------------------------------------------------------------------------------
# The job: one row per uploaded file


class ImportStatus(models.TextChoices):
    PENDING = "pending", gettext_lazy("排队中")
    VALIDATING = "validating", gettext_lazy("正在校验")
    INVALID = "invalid", gettext_lazy("未通过校验，未导入")
    WRITING = "writing", gettext_lazy("正在写入")
    DONE = "done", gettext_lazy("已导入")
    FAILED = "failed", gettext_lazy("导入出错，未导入")


def stored_name(folder: str) -> str:
    """Where an upload is stored: the name is ours, never the uploader's (no path tricks, no
    clashes)."""
    return f"imports/{folder}/{uuid.uuid4().hex}.xlsx"


class ImportJobQuerySet(models.QuerySet[Any]):
    def visible_to(self, user: Any) -> Self:
        """An import file holds personal data (phones, ID numbers) of many people: only the
        officer who uploaded it (and a superuser) may see it and its report."""
        if not getattr(user, "is_authenticated", False) or not getattr(user, "is_active", False):
            return self.none()
        if getattr(user, "is_superuser", False):
            return self
        return self.filter(created_by=user)


class ImportJob(models.Model):
    """One uploaded xlsx file with its progress and report. A subclass declares `file` with its
    own upload folder (stored under MEDIA_ROOT, outside the web root; never served back)."""

    file: FieldFile

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=gettext_lazy("导入人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    original_name = models.CharField(gettext_lazy("原文件名"), max_length=200)
    size = models.PositiveIntegerField(gettext_lazy("文件大小（字节）"))
    status = models.CharField(
        gettext_lazy("状态"),
        max_length=12,
        choices=ImportStatus.choices,
        default=ImportStatus.PENDING,
    )
    total_rows = models.PositiveIntegerField(gettext_lazy("数据行数"), default=0)
    processed_rows = models.PositiveIntegerField(gettext_lazy("已处理行数"), default=0)
    created_count = models.PositiveIntegerField(gettext_lazy("新登记数"), default=0)
    error_count = models.PositiveIntegerField(gettext_lazy("问题数"), default=0)
    # [[row, column header, message], ...], the first MAX_STORED_ERRORS of them.
    errors = models.JSONField(gettext_lazy("问题清单"), default=list, blank=True)
    message = models.TextField(gettext_lazy("说明"), blank=True)
    created_at = models.DateTimeField(gettext_lazy("上传时间"), auto_now_add=True)
    finished_at = models.DateTimeField(gettext_lazy("完成时间"), null=True, blank=True)
    seconds = models.FloatField(gettext_lazy("用时（秒）"), null=True, blank=True)

    objects = ImportJobQuerySet.as_manager()

    ALLOWED_TRANSITIONS: ClassVar[dict[str, set[str]]] = {
        ImportStatus.PENDING: {ImportStatus.VALIDATING, ImportStatus.FAILED},
        ImportStatus.VALIDATING: {ImportStatus.INVALID, ImportStatus.WRITING, ImportStatus.FAILED},
        ImportStatus.WRITING: {ImportStatus.DONE, ImportStatus.FAILED},
        ImportStatus.INVALID: set(),
        ImportStatus.DONE: set(),
        ImportStatus.FAILED: set(),
    }

    class Meta:
        abstract = True
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return self.original_name

    @property
    def is_running(self) -> bool:
        return self.status in (
            ImportStatus.PENDING,
            ImportStatus.VALIDATING,
            ImportStatus.WRITING,
        )

    @property
    def percent(self) -> int:
        if self.status in (ImportStatus.DONE, ImportStatus.INVALID):
            return 100
        if not self.total_rows:
            return 0
        return min(100, self.processed_rows * 100 // self.total_rows)


# --------------------------------------------------------------------------------------------
# Columns and the template


@dataclass(frozen=True)
class Column(Generic[T]):
    """One column of an import's file and of its list's export."""

    key: str  # the fact it fills, or "" for a column shown only for checking by eye
    header: str  # the msgid; files in either language are read
    export: Callable[[T], Any]
    required: bool = False
    note: str = ""  # how to fill it (msgid), for the template's instructions sheet
    width: int = 14

    @property
    def label(self) -> str:
        return _(self.header)


def template_workbook(
    columns: Sequence[Column[Any]],
    *,
    sheet_title: str,
    sample: Sequence[Any],
    text_keys: Iterable[str],
    choice_lists: Mapping[str, Sequence[str]],
    note: str,
    max_rows: int = MAX_ROWS,
) -> bytes:
    """The import template: the data sheet (headers, drop-downs, one example row the import
    skips) and a sheet explaining every column."""
    workbook = Workbook()
    sheet: Any = workbook.active
    sheet.title = sheet_title
    sheet.append([column.label for column in columns])
    bold = Font(bold=True)
    required_fill = PatternFill("solid", fgColor="FDE9D9")
    for index, column in enumerate(columns, start=1):
        cell = sheet.cell(row=1, column=index)
        cell.font = bold
        if column.required:
            cell.fill = required_fill
        sheet.column_dimensions[get_column_letter(index)].width = column.width
    sheet.append([safe_cell(value) for value in sample])
    grey = Font(italic=True, color="808080")
    for cell in sheet[2]:
        cell.font = grey
    sheet.freeze_panes = "A2"
    # Text columns stay text: a code typed in Excel must not become 4.4011810E+17.
    text_keys = set(text_keys)
    for index, column in enumerate(columns, start=1):
        if column.key in text_keys:
            for row in range(2, 5002):
                sheet.cell(row=row, column=index).number_format = "@"

    # Drop-downs from a hidden sheet (inline lists are limited to 255 characters).
    lists = workbook.create_sheet("lists")
    for list_index, (key, values) in enumerate(choice_lists.items(), start=1):
        letter = get_column_letter(list_index)
        for row, value in enumerate(values, start=1):
            lists.cell(row=row, column=list_index, value=value)
        column_index = next(i for i, c in enumerate(columns, start=1) if c.key == key)
        validation = DataValidation(
            type="list", formula1=f"=lists!${letter}$1:${letter}${len(values)}", allow_blank=True
        )
        sheet.add_data_validation(validation)
        target = get_column_letter(column_index)
        validation.add(f"{target}2:{target}{max_rows + 1}")
    lists.sheet_state = "hidden"

    notes = workbook.create_sheet(_("填写说明"))
    notes.append([_("列"), _("必填"), _("填写要求")])
    for cell in notes[1]:
        cell.font = bold
    for column in columns:
        notes.append(
            [
                column.label,
                _("是") if column.required else "",
                _(column.note) if column.note else "",
            ]
        )
    notes.append([])
    notes.append([_("说明"), "", note])
    notes.column_dimensions["A"].width = 28
    notes.column_dimensions["C"].width = 90
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


# --------------------------------------------------------------------------------------------
# The upload check: type and size by content, before anything is stored


def upload_problem(
    file: IO[bytes], *, name: str, size: int, max_bytes: int = MAX_UPLOAD_BYTES
) -> str | None:
    """Why an upload is not an acceptable xlsx file, or None. Reads the zip directory only."""
    if size > max_bytes:
        return _("文件为%(size).1f MB，超过%(limit)d MB 的上限，请分批导入。") % {
            "size": size / 1024 / 1024,
            "limit": max_bytes // 1024 // 1024,
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
# Reading cells


@dataclass(frozen=True)
class RowError:
    row: int  # the spreadsheet's row number (header = 1); 0 for the whole file
    column: str  # the header as written in the file; "" for the whole row or file
    message: str


def cell_text(value: Any) -> str:
    """A cell as text: numbers that are codes lose their ".0", full-width characters fold."""
    if value is None:
        return ""
    if isinstance(value, str):
        return (value if value.isascii() else unicodedata.normalize("NFKC", value)).strip()
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, datetime.datetime):
        value = value.date()
    return unicodedata.normalize("NFKC", str(value)).strip()


_DATE_PATTERNS = (
    re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})$"),
    re.compile(r"^(\d{4})年(\d{1,2})月(\d{1,2})日?$"),
    re.compile(r"^(\d{4})(\d{2})(\d{2})$"),
)


class NotADate(ValueError):
    pass


def parse_date(value: Any) -> datetime.date | None:
    """A date cell, or text such as 2016-12-31, 2016/12/31, 2016年12月31日 or 20161231; None for
    an empty cell; NotADate (with the text) for anything else."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    text = cell_text(value)
    if not text:
        return None
    for pattern in _DATE_PATTERNS:
        match = pattern.match(text)
        if match:
            try:
                return datetime.date(*(int(part) for part in match.groups()))
            except ValueError:
                break
    raise NotADate(text)


def choice_map(choices: Any) -> dict[str, str]:
    """Label → value in Chinese and in the active language, plus the values themselves."""
    mapping = {str(value): value for value in choices.values}
    mapping.update({str(label): value for value, label in choices.choices})
    with translation.override("zh-hans"):
        mapping.update({str(label): value for value, label in choices.choices})
    return {key.strip().lower(): value for key, value in mapping.items()}


def _header_key(text: str) -> str:
    return re.sub(r"[\s*＊]", "", text).lower()


def header_columns(
    header: Iterable[Any], columns: Iterable[Column[Any]]
) -> tuple[dict[str, int], dict[str, str], list[str]]:
    """Which column holds each fact, the header as written, and the required headers missing.

    A header matches its column in Chinese or in the active language; the "核对用" columns
    (no key) are ignored.
    """
    facts = [column for column in columns if column.key]
    wanted: dict[str, Column[Any]] = {}
    for column in facts:
        wanted[_header_key(column.header)] = column
        wanted[_header_key(column.label)] = column
    positions: dict[str, int] = {}
    written: dict[str, str] = {}
    for index, cell in enumerate(header):
        text = cell_text(cell)
        found = wanted.get(_header_key(text))
        if found is not None and found.key not in positions:
            positions[found.key] = index
            written[found.key] = text
    missing = [c.label for c in facts if c.required and c.key not in positions]
    return positions, written, missing


def column_label(columns: Iterable[Column[Any]], key: str) -> str:
    """The template's header of the fact `key` (for a column the file left out)."""
    return next((column.label for column in columns if column.key == key), key)


# --------------------------------------------------------------------------------------------
# Reading a whole file


@dataclass
class CheckedFile(Generic[R]):
    """What checking a file found: the rows, and the problems (and warnings) by row and column.
    The file is clean when `ok`."""

    rows: list[R] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    error_count: int = 0
    warnings: list[RowError] = field(default_factory=list)
    warning_count: int = 0
    skipped_sample: bool = False

    def add(self, error: RowError) -> None:
        self.error_count += 1
        if len(self.errors) < MAX_STORED_ERRORS:
            self.errors.append(error)

    def warn(self, warning: RowError) -> None:
        self.warning_count += 1
        if len(self.warnings) < MAX_STORED_ERRORS:
            self.warnings.append(warning)

    @property
    def ok(self) -> bool:
        return self.error_count == 0


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


def read_sheet(
    file: IO[bytes] | str | Path,
    result: CheckedFile[Any],
    *,
    header_columns: Callable[[tuple[Any, ...]], tuple[dict[str, int], dict[str, str], list[str]]],
    reader: Callable[[dict[str, int]], Callable[[int, tuple[Any, ...]], R]],
    is_sample: Callable[[R], bool],
    max_rows: int = MAX_ROWS,
) -> tuple[list[R], dict[str, str] | None]:
    """Every non-empty row of the first sheet as `reader(positions)` reads it, and the header
    each fact's column is written under; that header is None when the file is refused whole,
    the reason added to `result`.

    The template's example row (`is_sample`) is skipped and noted. A file over `max_rows`
    rows gives the rows read until then.
    """
    rows: list[R] = []
    try:
        table = read_workbook(file)
        first = next(table, None)
        if first is None:
            result.add(RowError(0, "", _("文件是空的。")))
            return [], None
        header_row, header = first
        positions, written, missing = header_columns(header)
        if missing:
            message = _("缺少列：%(columns)s。请使用下载的导入模板，勿修改第一行的列名。")
            result.add(RowError(header_row, "", message % {"columns": "、".join(missing)}))
            return [], None
        read = reader(positions)
        for number, values in table:
            if not any(v is not None and v != "" for v in values):
                continue
            if len(rows) >= max_rows:
                message = _("文件超过%(n)s行，请分批导入。") % {"n": f"{max_rows:,}"}
                result.add(RowError(number, "", message))
                return rows, None
            row = read(number, values)
            if is_sample(row):
                result.skipped_sample = True
                continue
            rows.append(row)
    except Exception:  # a corrupt workbook raises whatever its parser raises
        result.add(RowError(0, "", _("无法读取文件：请确认它是有效的 .xlsx 文件。")))
        return [], None
    if not rows:
        result.add(RowError(0, "", _("文件中没有数据行（示例行不计）。")))
        return [], None
    return rows, written


def error_report(errors: Iterable[tuple[int, str, str]]) -> Iterator[list[Any]]:
    """A job's stored problems as the rows of its report (the whole file's row number blank)."""
    for row, column, message in errors:
        yield [row or "", column, message]


# --------------------------------------------------------------------------------------------
# The job's steps: start (the service), run (the task)


def import_job_start(
    job_model: type[J],
    *,
    actor: Any,
    upload: Any,
    task: Any,
    max_bytes: int = MAX_UPLOAD_BYTES,
) -> J:
    """Store an uploaded xlsx file under MEDIA_ROOT and queue `task(job.pk)` on commit.

    Type and size are checked by content before anything is stored; the rows are checked by the
    task. Raises ValidationError({"file": …}).
    """
    name = str(getattr(upload, "name", "") or "")
    problem = upload_problem(upload, name=name, size=int(upload.size or 0), max_bytes=max_bytes)
    if problem:
        raise ValidationError({"file": [problem]})
    job = job_model(created_by=actor, original_name=Path(name).name[:200], size=upload.size)
    job.file.save("upload.xlsx", upload, save=False)
    job.save()
    transaction.on_commit(lambda: task.delay(job.pk))
    return job


def import_job_progress(job: ImportJob, **values: Any) -> None:
    # Outside any transaction (the task runs in autocommit), so the page polling it sees each
    # update at once.
    type(job)._default_manager.filter(pk=job.pk).update(**values)
    for key, value in values.items():
        setattr(job, key, value)


def import_job_finish(job: ImportJob, status: str, *, started: float, **values: Any) -> None:
    job.finished_at = timezone.now()
    job.seconds = time.monotonic() - started
    for key, value in values.items():
        setattr(job, key, value)
    transition(job, status, actor=job.created_by, update_fields=("finished_at", "seconds", *values))


def _warnings(job: ImportJob, checked: CheckedFile[Any]) -> dict[str, Any]:
    """The check's warnings, for a job that keeps them (a `warnings` field)."""
    if not any(f.name == "warnings" for f in job._meta.concrete_fields):
        return {}
    return {
        "warning_count": checked.warning_count,
        "warnings": [[w.row, w.column, w.message] for w in checked.warnings],
    }


def import_job_run(
    job_model: type[J],
    *,
    import_id: int,
    check: Callable[..., CheckedFile[R]],
    write: Callable[[list[R], Any, Progress], int],
    counts_writes: bool,
    taken_message: str,
    logger: logging.Logger,
    name: str,
) -> J:
    """Check every row of a queued import; write a clean file in one transaction.

    `check(file, actor=, progress=)` reads and checks the whole file (imports.check_file);
    `write(rows, actor, progress)` writes the clean rows in one transaction and says how many.
    With `counts_writes`, the rows processed are counted again from 0 while writing (the writer
    reports its progress); otherwise the page keeps showing the rows checked. A unique value
    registered by someone else between the check and the write fails the job with
    `taken_message`. A refused or failed file writes nothing at all; it stays under MEDIA_ROOT
    for the report.
    """
    job = job_model._default_manager.select_related("created_by").get(pk=import_id)
    if job.status != ImportStatus.PENDING:
        return job  # a retried task must not run an import twice
    started = time.monotonic()
    actor = job.created_by
    transition(job, ImportStatus.VALIDATING, actor=actor)
    try:
        with job.file.open("rb") as handle:
            checked = check(
                handle,
                actor=actor,
                progress=lambda done, total: import_job_progress(
                    job, processed_rows=done, total_rows=total
                ),
            )
        warnings = _warnings(job, checked)
        if not checked.ok:
            import_job_finish(
                job,
                ImportStatus.INVALID,
                started=started,
                total_rows=max(job.total_rows, len(checked.rows)),
                error_count=checked.error_count,
                errors=[[e.row, e.column, e.message] for e in checked.errors],
                **warnings,
            )
            return job
        total = len(checked.rows)
        import_job_progress(job, total_rows=total, processed_rows=0 if counts_writes else total)
        transition(job, ImportStatus.WRITING, actor=actor)
        created = write(
            checked.rows,
            actor,
            lambda done, total: import_job_progress(job, processed_rows=done),
        )
    except Exception as exc:
        logger.exception("%s %s failed", name, import_id)
        job.refresh_from_db(fields=["status"])
        if ImportStatus.FAILED in job_model.ALLOWED_TRANSITIONS.get(job.status, set()):
            message = (
                taken_message
                if isinstance(exc, IntegrityError)
                else _("导入出错，整个文件未导入：%(error)s") % {"error": type(exc).__name__}
            )
            import_job_finish(job, ImportStatus.FAILED, started=started, message=message)
        return job
    import_job_finish(job, ImportStatus.DONE, started=started, created_count=created, **warnings)
    return job
