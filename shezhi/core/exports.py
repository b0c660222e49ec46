"""Spreadsheet exports: write rows to xlsx safely and stream the file.

A value that a spreadsheet would run as a formula (starting with = + - @, tab or carriage
return) is written with a leading single quote, so an exported name such as
`=HYPERLINK("http://evil")` stays text when an officer opens the file (CSV/formula injection).
"""

from __future__ import annotations

import datetime
import tempfile
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

from django.http import FileResponse
from django.utils import timezone
from django.utils.functional import Promise
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
# Beyond this many bytes the workbook spills from memory to a temporary file.
_SPOOL_BYTES = 8 * 1024 * 1024


def safe_cell(value: Any) -> Any:
    """The value as a spreadsheet should store it: plain types kept, text defused."""
    if value is None:
        return ""
    if isinstance(value, bool | int | float | Decimal | datetime.date | datetime.time):
        if isinstance(value, datetime.datetime) and timezone.is_aware(value):
            # xlsx has no time zones: write the wall-clock time the officer sees on the page.
            return timezone.localtime(value).replace(tzinfo=None)
        return value
    text = str(value) if isinstance(value, Promise) else value
    if not isinstance(text, str):
        text = str(text)
    # Control characters other than tab/CR/LF make the file unreadable; drop them.
    text = ILLEGAL_CHARACTERS_RE.sub("", text)
    if text.startswith(FORMULA_PREFIXES):
        return "'" + text
    return text


def write_xlsx(
    target: Any,
    *,
    headers: Sequence[Any],
    rows: Iterable[Sequence[Any]],
    sheet_title: str = "Sheet1",
) -> int:
    """Write a header row and `rows` to `target` (a path or binary file); returns the row count.

    The workbook is write-only, so rows are streamed to disk as they come and memory stays flat
    however many rows the queryset iterator yields.
    """
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=ILLEGAL_CHARACTERS_RE.sub("", sheet_title)[:31] or "Sheet1")
    sheet.freeze_panes = "A2"
    for index, header in enumerate(headers, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = max(
            12, min(40, len(str(header)) * 2 + 4)
        )
    bold = Font(bold=True)
    header_cells = []
    for header in headers:
        cell = WriteOnlyCell(sheet, value=safe_cell(header))
        cell.font = bold
        header_cells.append(cell)
    sheet.append(header_cells)
    count = 0
    for row in rows:
        sheet.append([safe_cell(value) for value in row])
        count += 1
    workbook.save(target)
    return count


def xlsx_response(
    *,
    filename: str,
    headers: Sequence[Any],
    rows: Iterable[Sequence[Any]],
    sheet_title: str = "Sheet1",
) -> FileResponse:
    """An attachment response streaming the workbook from a spooled temporary file."""
    spool = tempfile.SpooledTemporaryFile(max_size=_SPOOL_BYTES)  # noqa: SIM115 (FileResponse closes it)
    write_xlsx(spool, headers=headers, rows=rows, sheet_title=sheet_title)
    spool.seek(0)
    if not filename.endswith(".xlsx"):
        filename += ".xlsx"
    response = FileResponse(
        spool, as_attachment=True, filename=filename, content_type=XLSX_CONTENT_TYPE
    )
    # Exports hold jurisdiction data: never keep them in a shared cache.
    response["Cache-Control"] = "private, no-store"
    return response
