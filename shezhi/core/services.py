"""Writes of the kernel. Views, API, commands and tasks all call these."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from .division_data import DivisionRow, stdnum_rows


@transaction.atomic
def divisions_load_official(
    *, division_model: Any = None, rows: list[DivisionRow] | None = None
) -> int:
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


@transaction.atomic
def divisions_import(*, actor: Any, file: Any, filename: str | None = None) -> Any:
    """Import towns and villages from an xlsx or csv file (code, name, parent code).

    Refuses the whole file when any row has an error (nothing is written); otherwise creates
    the new codes and renames the existing ones, with `actor` in their history.
    Returns an `imports.DivisionImportResult`.
    """
    from simple_history.utils import bulk_create_with_history, bulk_update_with_history

    from .imports import plan_division_import
    from .models import Division

    plan = plan_division_import(file, filename)
    result = plan.result
    if result.errors:
        return result
    existing = Division.objects.in_bulk([row.code for row in plan.rows])
    parents = Division.objects.in_bulk(list({row.parent_code for row in plan.rows}))
    paths = {code: division.path for code, division in parents.items()}
    created, renamed = [], []
    # Towns before villages, so a village's town has its path whether it is new or not.
    for row in sorted(plan.rows, key=lambda r: (len(r.code), r.code)):
        division = existing.get(row.code)
        if division is None:
            path = f"{paths[row.parent_code]}{row.code}/"
            created.append(
                Division(
                    code=row.code,
                    name=row.name,
                    level=row.level,
                    parent_id=row.parent_code,
                    path=path,
                )
            )
            paths[row.code] = path
        else:
            paths[row.code] = division.path
            if division.name != row.name:
                division.name = row.name
                renamed.append(division)
    user = actor if getattr(actor, "is_authenticated", False) else None
    if created:
        bulk_create_with_history(created, Division, batch_size=2000, default_user=user)
    if renamed:
        bulk_update_with_history(renamed, Division, ["name"], batch_size=2000, default_user=user)
    result.created, result.updated = len(created), len(renamed)
    result.unchanged = result.rows - result.created - result.updated
    return result
