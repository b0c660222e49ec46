"""Guangdong's official divisions down to county level, read from python-stdnum's GB/T 2260 data.

stdnum ships the code table behind resident ID numbers (`stdnum/cn/loc.dat`), with each name's
years of validity, e.g. `0111 county="[1983-1986]郊区,[1987-]白云区"`. Codes whose last name is
closed are abolished; we keep them (is_current=False) since old credit codes and IDs use them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import stdnum

PROVINCE_PREFIX = "44"
_VALIDITY = re.compile(r"^\[(\d*)-(\d*)\](.*)$")
# "市辖区" (xx01) is a statistical placeholder for a city's districts, not a division.
_NOT_A_DIVISION = {"市辖区"}


@dataclass(frozen=True)
class DivisionRow:
    code: str
    name: str
    level: str
    parent_code: str | None
    is_current: bool
    valid_from: int | None
    valid_until: int | None


def _parse_name(raw: str) -> tuple[str, bool, int | None, int | None]:
    """The latest name of a code, whether it is current, and its years of validity."""
    latest = raw.split(",")[-1]
    first = _VALIDITY.match(raw.split(",")[0])
    match = _VALIDITY.match(latest)
    if not match:
        return latest, True, None, None
    _start, end, name = match.groups()
    valid_from = int(first.group(1)) if first and first.group(1) else None
    return name, not end, valid_from, int(end) if end else None


def _quoted(attribute: str, text: str) -> str:
    match = re.search(rf'{attribute}="(.*)"', text)
    if match is None:
        raise ValueError(f"stdnum's division table changed shape: no {attribute} in {text!r}")
    return match.group(1)


def stdnum_rows(province: str = PROVINCE_PREFIX) -> list[DivisionRow]:
    lines = (
        (Path(stdnum.__file__).parent / "cn" / "loc.dat").read_text(encoding="utf-8").splitlines()
    )
    header = next(i for i, line in enumerate(lines) if line.startswith(f"{province} province="))
    province_name = _quoted("province", lines[header])
    province_code = f"{province}0000"
    rows = [DivisionRow(province_code, province_name, "province", None, True, None, None)]
    for line in lines[header + 1 :]:
        if not line.startswith(" "):
            break
        suffix, attrs = line.strip().split(" ", 1)
        code = province + suffix
        if code == province_code:
            continue
        name, is_current, valid_from, valid_until = _parse_name(_quoted("county", attrs))
        if name in _NOT_A_DIVISION:
            continue
        if code.endswith("00"):
            rows.append(
                DivisionRow(code, name, "city", province_code, is_current, valid_from, valid_until)
            )
        else:
            parent = code[:4] + "00"
            rows.append(
                DivisionRow(code, name, "county", parent, is_current, valid_from, valid_until)
            )
    known = {row.code for row in rows}
    # A county of an abolished city missing from the table hangs under the province.
    return [
        row
        if row.parent_code is None or row.parent_code in known
        else _reparent(row, province_code)
        for row in rows
    ]


def _reparent(row: DivisionRow, parent_code: str) -> DivisionRow:
    return DivisionRow(
        row.code, row.name, row.level, parent_code, row.is_current, row.valid_from, row.valid_until
    )
