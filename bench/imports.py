"""The xlsx imports' case: a whole import against openpyxl's own read of the same file.

An app registers one `ImportCase` per import, with two functions of its own:

    bench.register(bench.ImportCase(
        key="social_orgs.import", label=_("导入社会组织 xlsx（下限：openpyxl 只读读取同一文件）"),
        rows=20_000, small_rows=2_000,
        write_file=write_import_file,    # (ctx, actor, path, rows): `rows` valid rows into `path`
        run_import=bench.check_then_write(imports.check_file, services._write_rows),
    ))

The case writes the file once, then, `max_repeat` times at most: (floor) openpyxl opens it
read-only and reads every row; (figure) the import checks every row and writes them all, inside a
transaction that is rolled back, with DEBUG off. Reported in rows per second; the ratio is import
time / read time.
"""

from __future__ import annotations

import io
import re
import tempfile
import time
import zipfile
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.test.utils import override_settings
from openpyxl import Workbook, load_workbook
from openpyxl.utils import get_column_letter

from .cases import BenchProblem, Case, Result
from .context import BenchContext
from .timing import Timing

if TYPE_CHECKING:
    from shezhi.accounts.models import User
    from shezhi.core.import_jobs import CheckedFile

# (ctx, actor, path, rows): write `rows` valid data rows (and the header) into the xlsx `path`,
# as `actor` may import them. Raises BenchProblem when the demo gives it nothing to write.
WriteFile = Callable[[BenchContext, "User", Path, int], None]
# (path, actor): check the file and write its rows, saying how many were written. Raises
# BenchProblem when the file is refused. Runs inside the case's transaction (rolled back).
RunImport = Callable[[Path, "User"], int]


def write_workbook(
    path: Path, *, title: str, header: Sequence[Any], rows: Iterable[Sequence[Any]]
) -> int:
    """One sheet `title`: the header, then `rows`, written as Excel writes it (dimension
    included); the number of data rows written."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet(title)
    sheet.append(list(header))
    count = 0
    for values in rows:
        sheet.append(list(values))
        count += 1
    book.save(path)
    add_dimension(path, count + 1, len(header))
    return count


def add_dimension(path: Path, rows: int, columns: int) -> None:
    """Write the sheet's <dimension>, as Excel and WPS do (openpyxl's write-only mode leaves it
    out, which makes its read-only mode scan the sheet twice)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as out:
        for item in source.infolist():
            data = source.read(item.filename)
            if (
                re.fullmatch(r"xl/worksheets/sheet\d+\.xml", item.filename)
                and b"<dimension" not in data
            ):
                ref = f'<dimension ref="A1:{get_column_letter(columns)}{rows}"/>'.encode()
                head = re.search(
                    rb"<worksheet[^>]*>(?:<sheetPr[^>]*/>|<sheetPr.*?</sheetPr>)?", data
                )
                if head is not None:
                    data = data[: head.end()] + ref + data[head.end() :]
            out.writestr(item, data)
    path.write_bytes(buffer.getvalue())


def openpyxl_read(path: Path) -> int:
    """openpyxl's own read of the file: read-only, every value of every row (header included)."""
    workbook = load_workbook(path, read_only=True, data_only=True)
    try:
        return sum(1 for _row in workbook.worksheets[0].iter_rows(values_only=True))
    finally:
        workbook.close()


def check_then_write(
    check: Callable[..., CheckedFile[Any]], write: Callable[..., int]
) -> RunImport:
    """An import's `run_import` from its two steps: `check(file, actor=)` (imports.check_file)
    and `write(rows, actor=)`, which writes the clean rows and says how many."""

    def run(path: Path, actor: User) -> int:
        with path.open("rb") as handle:
            checked = check(handle, actor=actor)
        if not checked.ok:
            problems = [(e.row, e.column, e.message) for e in checked.errors[:3]]
            raise BenchProblem(f"the file is refused ({checked.error_count} problems): {problems}")
        return write(checked.rows, actor=actor)

    return run


def import_once(path: Path, *, actor: User, run_import: RunImport) -> tuple[float, int]:
    """The whole import (read, checks, write) inside a transaction rolled back: its seconds
    and the rows it wrote.

    With DEBUG off, as in production: Django's debug cursor would spell out the parameters of
    every multi-row INSERT into the query log, a cost no deployment pays."""
    with override_settings(DEBUG=False), transaction.atomic():
        started = time.perf_counter()
        written = run_import(path, actor)
        seconds = time.perf_counter() - started
        transaction.set_rollback(True)
    return seconds, written


@dataclass(frozen=True, kw_only=True)
class ImportCase(Case):
    """An xlsx import of `rows` rows (`small_rows` at small scale) as `persona`, in rows per
    second, against openpyxl's read of the same file (the "floor" column); the ratio is import
    time / read time. An import takes seconds at province scale, so it runs at most `max_repeat`
    times and without warm-up."""

    write_file: WriteFile
    run_import: RunImport
    rows: int
    small_rows: int
    persona: str = "province"
    max_repeat: int = 3

    @property
    def group(self) -> str:
        return "seeding"

    def run(self, ctx: BenchContext) -> list[Result]:
        rows = self.rows if ctx.scale == "province" else self.small_rows
        actor = ctx.user(self.persona)
        reads: list[float] = []
        runs: list[float] = []
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "import.xlsx"
            try:
                self.write_file(ctx, actor, path, rows)
                for _i in range(max(1, min(ctx.repeat, self.max_repeat))):
                    started = time.perf_counter()
                    read = openpyxl_read(path)
                    reads.append(time.perf_counter() - started)
                    seconds, written = import_once(path, actor=actor, run_import=self.run_import)
                    runs.append(seconds)
            except BenchProblem as exc:
                raise BenchProblem(f"{self.key}: {exc}") from exc
        if read != rows + 1 or written != rows:
            raise BenchProblem(f"{self.key}: read {read} rows, imported {written} of {rows}")
        timing, floor = Timing(tuple(runs)), Timing(tuple(reads))
        return [
            Result(
                case=self.key,
                group=self.group,
                label=str(self.label),
                subject=actor.username,
                unit="rows/s",
                median=round(rows / timing.median),
                # With three runs at most, the p95 is the slowest run: its rate.
                p95=round(rows / max(timing.samples)),
                floor_median=round(rows / floor.median),
                floor_p95=round(rows / max(floor.samples)),
                ratio=timing.median / floor.median,
                samples=len(runs),
                rows=rows,
            )
        ]
