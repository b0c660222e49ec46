"""The table printed at the end of a run, and var/bench/results.json."""

from __future__ import annotations

import json
import os
import platform
import unicodedata
from collections.abc import Sequence
from dataclasses import asdict
from pathlib import Path
from typing import Any

import django
from django.db.backends.base.base import BaseDatabaseWrapper
from django.utils import timezone
from django.utils.translation import gettext as _

from .cases import Result


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def database_facts(connection: BaseDatabaseWrapper) -> dict[str, str]:
    if connection.vendor == "sqlite":
        import sqlite3

        version = sqlite3.sqlite_version
        name = Path(str(connection.settings_dict["NAME"])).name
    else:
        name = str(connection.settings_dict["NAME"])
        number = int(getattr(connection, "pg_version", 0))  # PostgreSQL: 150020 → 15.20
        version = f"{number // 10000}.{number % 10000}" if number else ""
    return {"vendor": connection.vendor, "version": version, "name": name}


def load_average() -> float | None:
    """The 1-minute load average: figures taken while other work ran are not comparable."""
    try:
        return round(os.getloadavg()[0], 2)
    except (AttributeError, OSError):
        return None


def machine_facts() -> dict[str, Any]:
    return {
        "cpu_count": os.cpu_count(),
        "load_average": load_average(),
        "cpu": _cpu_model(),
        "platform": platform.platform(),
        "python": platform.python_version(),
        "django": django.get_version(),
    }


def run_record(
    *,
    connection: BaseDatabaseWrapper,
    machine: dict[str, Any],
    scale: str,
    repeat: int,
    only: str | None,
    data: dict[str, int],
    results: Sequence[Result],
) -> dict[str, Any]:
    return {
        "date": timezone.now().isoformat(timespec="seconds"),
        "scale": scale,
        "repeat": repeat,
        "only": only or "",
        "machine": machine,
        "load_average_end": load_average(),
        "database": database_facts(connection),
        "data": data,
        "results": [{"key": r.key, **asdict(r)} for r in results],
    }


def write_results(path: Path, record: dict[str, Any]) -> str:
    """Keep one run per database vendor and scale, so a PostgreSQL run does not erase the
    SQLite one that the README quotes next to it. Returns the run's key in the file."""
    key = f"{record['database']['vendor']}/{record['scale']}"
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        existing = json.loads(path.read_text())
        runs = existing.get("runs", {}) if isinstance(existing, dict) else {}
    except (OSError, ValueError):
        runs = {}
    runs[key] = record
    path.write_text(json.dumps({"runs": runs}, ensure_ascii=False, indent=2) + "\n")
    return key


# --- the table -----------------------------------------------------------------------------------


def width(text: str) -> int:
    """Columns on a terminal: Chinese characters take two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def table(headers: Sequence[str], rows: Sequence[Sequence[str]], numeric_from: int) -> str:
    """A Markdown table, aligned for the terminal too; columns from `numeric_from` on the
    right."""
    widths = [
        max(width(str(cell)) for cell in column) for column in zip(headers, *rows, strict=False)
    ]

    def line(cells: Sequence[str]) -> str:
        padded = []
        for i, cell in enumerate(cells):
            gap = " " * (widths[i] - width(cell))
            padded.append(gap + cell if i >= numeric_from else cell + gap)
        return "| " + " | ".join(padded) + " |"

    rule = (
        "|"
        + "|".join(
            "-" * (w + 1) + ":" if i >= numeric_from else "-" * (w + 2)
            for i, w in enumerate(widths)
        )
        + "|"
    )
    return "\n".join([line(headers), rule, *(line(row) for row in rows)])


def _n(value: float | int | None, digits: int = 1) -> str:
    if value is None:
        return "—"
    return f"{value:,.{digits}f}" if isinstance(value, float) else f"{value:,}"


def _sql_ratio(result: Result) -> str:
    """The figure's time inside the database over the floor's: the query's own share."""
    if not result.sql_median:
        return "—"
    return _ratio(result.sql_median / result.floor_median)


def _ratio(value: float) -> str:
    return f"{value:,.1f}×" if value >= 1.95 else f"{value:,.2f}×"


def render(record: dict[str, Any], results: Sequence[Result]) -> str:
    facts, db = record["machine"], record["database"]
    out = [
        _(
            "规模 %(scale)s · %(vendor)s %(version)s · Python %(python)s · Django %(django)s · "
            "%(cpus)s 核 %(cpu)s（开始时负载 %(load)s，结束时 %(load_end)s）· 每项 %(repeat)s 次 · "
            "%(date)s"
        )
        % {
            "scale": record["scale"],
            "vendor": db["vendor"],
            "version": db["version"],
            "python": facts["python"],
            "django": facts["django"],
            "cpus": facts["cpu_count"],
            "cpu": facts["cpu"],
            "load": facts["load_average"],
            "load_end": record["load_average_end"],
            "repeat": record["repeat"],
            "date": record["date"],
        }
    ]
    data = record["data"]
    out.append(
        _(
            "数据：区划 %(divisions)s 个（乡镇 %(towns)s，村居 %(villages)s），"
            "用户 %(users)s 个，待办 %(todos)s 条"
        )
        % {key: f"{value:,}" for key, value in data.items()}
    )
    seeding = [r for r in results if r.group == "seeding"]
    if seeding:
        out += [
            "",
            table(
                [
                    _("写入"),
                    _("行数"),
                    _("行/秒"),
                    _("最慢一次"),
                    _("原始 executemany 行/秒"),
                    _("倍数"),
                ],
                [
                    [
                        r.label,
                        _n(r.rows),
                        _n(r.median),
                        _n(r.p95),
                        _n(r.floor_median),
                        _ratio(r.ratio),
                    ]
                    for r in seeding
                ],
                numeric_from=1,
            ),
        ]
    pages = [r for r in results if r.group in ("list", "peer")]
    if pages:
        out += [
            "",
            table(
                [
                    _("页面"),
                    _("身份"),
                    _("行"),
                    _("查询"),
                    _("中位数 ms"),
                    _("p95 ms"),
                    _("其中 SQL ms"),
                    _("原始 SQL ms"),
                    _("倍数"),
                    _("SQL 倍数"),
                ],
                [
                    [
                        r.label,
                        r.subject,
                        _n(r.rows),
                        _n(r.queries),
                        _n(r.median, 2),
                        _n(r.p95, 2),
                        _n(r.sql_median, 2),
                        _n(r.floor_median, 2),
                        _ratio(r.ratio),
                        _sql_ratio(r),
                    ]
                    for r in pages
                ],
                numeric_from=2,
            ),
        ]
    figures = [r for r in results if r.group == "dashboard"]
    if figures:
        out += [
            "",
            table(
                [
                    _("统计"),
                    _("区划"),
                    _("行"),
                    _("查询"),
                    _("中位数 ms"),
                    _("p95 ms"),
                    _("其中 SQL ms"),
                    _("原始聚合 ms"),
                    _("倍数"),
                    _("SQL 倍数"),
                ],
                [
                    [
                        r.label,
                        r.subject,
                        _n(r.rows),
                        _n(r.queries),
                        _n(r.median, 2),
                        _n(r.p95, 2),
                        _n(r.sql_median, 2),
                        _n(r.floor_median, 2),
                        _ratio(r.ratio),
                        _sql_ratio(r),
                    ]
                    for r in figures
                ],
                numeric_from=2,
            ),
        ]
    peers = _peer_lines(results)
    if peers:
        out += ["", *peers]
    out += [
        "",
        _(
            "倍数 = 中位数 ÷ 下限（原始 SQL：同一页的行及其总数、同一聚合；写入则为同样的行的"
            "一次 executemany）。其中 SQL = 在数据库驱动中的时间（页面含会话与用户查询），"
            "SQL 倍数 = 其中 SQL ÷ 原始 SQL。"
        ),
    ]
    return "\n".join(out)


def _peer_lines(results: Sequence[Result]) -> list[str]:
    by_key = {r.key: r for r in results}
    lines = []
    for peer in results:
        if not peer.peer_of:
            continue
        ours = by_key.get(f"{peer.peer_of}[{peer.subject}]")
        if ours is None:
            continue
        lines.append(
            _("同行对比：%(peer)s %(peer_ms)s ms，本平台%(ours)s %(ours_ms)s ms，为其 %(ratio)s")
            % {
                "peer": peer.label,
                "peer_ms": _n(peer.median, 2),
                "ours": ours.label,
                "ours_ms": _n(ours.median, 2),
                "ratio": _ratio(ours.median / peer.median),
            }
        )
    return lines
