"""Writes of the kernel. Views, API, commands and tasks all call these."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from .division_data import DivisionRow, stdnum_rows


@transaction.atomic
def divisions_load_official(*, division_model: Any = None, rows: list[DivisionRow] | None = None) -> int:
    """Create or update Guangdong's province, cities and counties from python-stdnum's table.

    Idempotent; also runs as a data migration, hence the model may be a historical one.
    Returns how many rows were created or changed.
    """
    if division_model is None:
        from .models import Division as division_model
    rows = stdnum_rows() if rows is None else rows
    existing = {d.code: d for d in division_model.objects.filter(code__in=[r.code for r in rows])}
    paths: dict[str, str] = {}
    changed = 0
    for row in rows:  # parents come before their children in the table
        path = (paths[row.parent_code] if row.parent_code else "") + row.code + "/"
        paths[row.code] = path
        values = {
            "name": row.name,
            "level": row.level,
            "parent_id": row.parent_code,
            "path": path,
            "is_current": row.is_current,
            "valid_from": row.valid_from,
            "valid_until": row.valid_until,
        }
        division = existing.get(row.code)
        if division is None:
            division_model.objects.create(code=row.code, **values)
            changed += 1
        elif any(getattr(division, key) != value for key, value in values.items()):
            for key, value in values.items():
                setattr(division, key, value)
            division.save()
            changed += 1
    return changed
