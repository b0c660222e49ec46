"""Celery tasks of the registry. Thin: each takes an id and calls one service."""

from __future__ import annotations

from celery import shared_task


@shared_task(name="shezhi.social_orgs.tasks.run_organization_import")
def run_organization_import(import_id: int) -> str:
    """Check and write one uploaded xlsx file (services.organization_import_run)."""
    from .services import organization_import_run

    return str(organization_import_run(import_id=import_id).status)
